/*
 * dispatch.h - one request from its parts to its answer, with no socket:
 * the checks every request gets (body size, NUL bytes), the route with its
 * path parameter (404 and 405 told apart), the handler, and the answer's
 * text.  server.c feeds it from libmicrohttpd; the fuzz target
 * (tests/fuzz/fuzz_request.c) feeds it from bytes.
 */
#ifndef API_DISPATCH_H
#define API_DISPATCH_H

#include <stddef.h>

#include "api.h"
#include "routes.h"

/* The route for r->method and r->path with r->param filled, or NULL when
 * r has been answered instead: 413 for a body over API_BODY_MAX, 400 for
 * a NUL byte in it, 405 for a known path under another method, 404. */
const struct api_route *api_dispatch_route(struct api_request *r);

/* Run route's handler on r; a handler that left no answer becomes a 500. */
void api_dispatch_run(struct api_request *r, const struct api_route *route);

/* The answer's body (r->raw, or the JSON text of r->reply) and its
 * Content-Type.  Borrowed from r: valid until api_dispatch_clear(). */
const char *api_dispatch_body(struct api_request *r, size_t *len, const char **content_type);

/* Free what the answer holds (reply, raw); r can answer again. */
void api_dispatch_clear(struct api_request *r);

/* The client behind a trusted proxy: the last entry of the
 * X-Forwarded-For value xff when it is an IPv4 or IPv6 address, into buf
 * (len bytes).  0 when taken, -1 (buf untouched) when not. */
int api_forwarded_ip(const char *xff, char *buf, size_t len);

#endif
