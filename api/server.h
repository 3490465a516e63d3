/*
 * server.h - the HTTP side of odoo-saasd on libmicrohttpd.
 */
#ifndef API_SERVER_H
#define API_SERVER_H

#include "api.h"

struct api_server;
struct api_allow_list;

/* Listen on addr:port (IPv4 or IPv6 literal; port 0: any free port) with
 * the limits of api->cfg; api must outlive the server.  allow NULL: any
 * peer may connect; else only peers in it (copied: the caller's list may
 * go), the others closed unread and counted in api->metrics.  Free with
 * api_server_stop(), which stops accepting, lets requests in progress
 * finish and joins the threads. */
int api_server_start(struct api *api, const char *addr, int port,
                     const struct api_allow_list *allow, struct api_server **out,
                     struct os_error *err);
/* The port really bound. */
int api_server_port(const struct api_server *s);
/* Stop accepting new connections, then wait (at most wait_ms) until the
 * requests in progress have been answered: the first step of a graceful
 * stop.  Idle keep-alive connections are not waited for. */
void api_server_quiesce(struct api_server *s, int wait_ms);
void api_server_stop(struct api_server *s);
/* Write the request log lines still held (access_log.h); thread-safe. */
void api_server_flush_log(struct api_server *s);

#endif
