/*
 * dispatch.c - the socket-free part of answering a request (dispatch.h).
 *
 * Kept apart from server.c so that everything a client's bytes can reach
 * before a handler runs can be called from a fuzz target and unit tests
 * without libmicrohttpd.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"

const struct api_route *api_dispatch_route(struct api_request *r)
{
    const struct api_route *route;
    int other = 0;

    if (r->body_len > API_BODY_MAX) {
        api_error(r, 413, "body_too_large", "the body is larger than 16 KiB");
        return NULL;
    }
    if (r->body_len && memchr(r->body, '\0', r->body_len)) {
        api_error(r, 400, "invalid_json", "the body holds a NUL byte");
        return NULL;
    }
    route = api_route_match(r->method, r->path, r->param, sizeof(r->param), &other);
    if (!route) {
        if (other)
            api_error(r, 405, "method_not_allowed", "this method is not allowed here");
        else
            api_error(r, 404, "not_found", "no such endpoint");
    }
    return route;
}

void api_dispatch_run(struct api_request *r, const struct api_route *route)
{
    route->fn(r);
    if (!r->raw && !r->reply)
        api_error(r, 500, "internal", "no answer");
}

const char *api_dispatch_body(struct api_request *r, size_t *len, const char **content_type)
{
    const char *s;

    if (r->raw) {
        *content_type = r->content_type_out ? r->content_type_out : "application/json";
        *len = strlen(r->raw);
        return r->raw;
    }
    if (!r->reply)
        api_error(r, 500, "internal", "no answer");
    s = json_object_to_json_string_ext(r->reply, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    *content_type = "application/json";
    *len = strlen(s);
    return s;
}

void api_dispatch_clear(struct api_request *r)
{
    json_object_put(r->reply);
    r->reply = NULL;
    free(r->raw);
    r->raw = NULL;
}

int api_forwarded_ip(const char *xff, char *buf, size_t len)
{
    unsigned char scratch[sizeof(struct in6_addr)];
    const char *last;
    char ip[64];
    size_t n;

    if (!xff)
        return -1;
    last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while (*last == ' ')
        last++;
    n = strcspn(last, " ");
    if (n == 0 || n >= sizeof(ip))
        return -1;
    memcpy(ip, last, n);
    ip[n] = '\0';
    if (inet_pton(AF_INET, ip, scratch) != 1 && inet_pton(AF_INET6, ip, scratch) != 1)
        return -1;
    snprintf(buf, len, "%s", ip);
    return 0;
}
