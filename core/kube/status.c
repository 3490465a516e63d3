/*
 * status.c - Status objects and plain-text failures to struct os_error.
 *
 * Rule from the contract (section 2.3): decide by HTTP code first, then by
 * the Status reason when the body is one; never require JSON on 401, 403,
 * 429 or 5xx.  Messages for bodies that are not a Status follow client-go's
 * NewGenericServerResponse wording so operators see familiar text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

struct code_text {
    long code;
    const char *reason;
    const char *message;
};

static const struct code_text codes[] = {
    {400, "BadRequest", "the server rejected our request for an unknown reason"},
    {401, "Unauthorized", "the server has asked for the client to provide credentials"},
    {403, "Forbidden", "the server does not allow access to the requested resource"},
    {404, "NotFound", "the server could not find the requested resource"},
    {405, "MethodNotAllowed", "the server does not allow this method on the requested resource"},
    {406, "NotAcceptable", "the server was unable to respond with a content type that the client supports"},
    {409, "Conflict", "the server reported a conflict"},
    {410, "Expired", "the server reported that the resource version has expired"},
    {413, "RequestEntityTooLarge", "the server rejected the request because it is too large"},
    {415, "UnsupportedMediaType", "the server was unable to decode the request body"},
    {422, "Invalid", "the server rejected our request due to an error in our request"},
    {429, "TooManyRequests", "the server has received too many requests and has asked us to try again later"},
    {500, "InternalError", "an error on the server has prevented the request from succeeding"},
    {502, "BadGateway", "the server could not reach the service behind it"},
    {503, "ServiceUnavailable", "the server is currently unable to handle the request"},
    {504, "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"},
};

static const struct code_text *lookup(long code)
{
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].code == code)
            return &codes[i];
    return NULL;
}

const char *kube_status_reason_for_code(long http_status)
{
    const struct code_text *ct = lookup(http_status);
    return ct ? ct->reason : "";
}

static const char *get_str(struct json_object *obj, const char *key)
{
    struct json_object *v;
    if (obj && json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

static void copy_causes(struct os_error *err, struct json_object *details)
{
    struct json_object *causes;

    if (!json_object_object_get_ex(details, "causes", &causes) ||
        !json_object_is_type(causes, json_type_array))
        return;
    for (size_t i = 0; i < json_object_array_length(causes) && err->ncauses < OS_ERROR_CAUSES_MAX; i++) {
        struct json_object *c = json_object_array_get_idx(causes, i);
        struct os_error_cause *dst = &err->causes[err->ncauses++];
        copy(dst->reason, sizeof(dst->reason), get_str(c, "reason"));
        copy(dst->field, sizeof(dst->field), get_str(c, "field"));
    }
}

static void copy_details(struct os_error *err, struct json_object *status)
{
    struct json_object *details, *ra;

    if (!json_object_object_get_ex(status, "details", &details) ||
        !json_object_is_type(details, json_type_object))
        return;
    copy(err->name, sizeof(err->name), get_str(details, "name"));
    copy(err->kind, sizeof(err->kind), get_str(details, "kind"));
    copy(err->group, sizeof(err->group), get_str(details, "group"));
    if (json_object_object_get_ex(details, "retryAfterSeconds", &ra) &&
        json_object_is_type(ra, json_type_int))
        err->retry_after = json_object_get_int(ra);
    copy_causes(err, details);
}

static int is_status(struct json_object *obj)
{
    const char *kind = get_str(obj, "kind");
    return json_object_is_type(obj, json_type_object) && kind && !strcmp(kind, "Status");
}

int kube_status_from_json(struct json_object *status, struct os_error *err)
{
    struct json_object *code;
    const char *msg, *reason;
    long http = 0;

    if (!is_status(status))
        return os_error_set(err, OS_ERR_PARSE, "expected a Status object");
    if (json_object_object_get_ex(status, "code", &code))
        http = json_object_get_int(code);
    reason = get_str(status, "reason");
    if (!reason || !*reason)
        reason = kube_status_reason_for_code(http);
    msg = get_str(status, "message");
    if (msg && *msg)
        os_error_set(err, OS_ERR_API, "%s", msg);
    else
        os_error_set(err, OS_ERR_API, "%s (HTTP %ld)", reason[0] ? reason : "request failed", http);
    err->http_status = (int)http;
    copy(err->reason, sizeof(err->reason), reason);
    copy_details(err, status);
    return OS_ERR_API;
}

/* The first line of a plain-text body, bounded, for the message. */
static void first_line(const char *body, size_t len, char *out, size_t outlen)
{
    size_t n = 0;
    while (n < len && body[n] != '\n' && body[n] != '\r' && n + 1 < outlen && n < 200)
        n++;
    memcpy(out, body, n);
    out[n] = '\0';
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        out[--n] = '\0';
}

static int plain_error(long http, const char *body, size_t len, struct os_error *err)
{
    const struct code_text *ct = lookup(http);
    char line[256] = "";

    if (body && len)
        first_line(body, len, line, sizeof(line));
    if (ct && line[0])
        os_error_set(err, OS_ERR_API, "%s (HTTP %ld: %s)", ct->message, http, line);
    else if (ct)
        os_error_set(err, OS_ERR_API, "%s (HTTP %ld)", ct->message, http);
    else if (line[0])
        os_error_set(err, OS_ERR_API, "the server answered HTTP %ld: %s", http, line);
    else
        os_error_set(err, OS_ERR_API, "the server answered HTTP %ld", http);
    err->http_status = (int)http;
    copy(err->reason, sizeof(err->reason), ct ? ct->reason : "");
    return OS_ERR_API;
}

int kube_status_error(long http_status, const char *body, size_t len,
                      const char *retry_after, struct os_error *err)
{
    struct json_object *obj = NULL;

    if (body && len && len < (1u << 20)) {
        struct json_tokener *tok = json_tokener_new();
        if (tok) {
            obj = json_tokener_parse_ex(tok, body, (int)len);
            json_tokener_free(tok);
        }
    }
    if (obj && is_status(obj)) {
        kube_status_from_json(obj, err);
        /* The HTTP code is the truth; a Status with another code is odd
         * but the transport acted on the HTTP one. */
        err->http_status = (int)http_status;
    } else {
        plain_error(http_status, body, len, err);
    }
    json_object_put(obj);
    if (retry_after && *retry_after) {
        char *end;
        long secs = strtol(retry_after, &end, 10);
        if (end != retry_after && *end == '\0' && secs >= 0 && secs < 86400)
            err->retry_after = (int)secs;
    }
    return OS_ERR_API;
}
