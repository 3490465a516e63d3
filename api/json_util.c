/*
 * json_util.c - JSON in and out for handlers: parsing bodies with bounds,
 * typed field access that answers 400 on its own, the error envelope
 * {"error":{"code","message"}}, and the small checks every write shares
 * (Content-Type, a bearer token, admin rights, rate limits).  A bearer
 * token a connection presented before is taken from its memo
 * (auth_memo.h: exp still checked, the account re-read every second).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "auth_memo.h"

#define JSON_DEPTH 8

double api_now_mono(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void api_reply(struct api_request *r, int status, struct json_object *obj)
{
    json_object_put(r->reply);
    r->status = status;
    r->reply = obj;
}

void api_error(struct api_request *r, int status, const char *code, const char *fmt, ...)
{
    struct json_object *o = json_object_new_object(), *e = json_object_new_object();
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_object_add(e, "code", json_object_new_string(code));
    json_object_object_add(e, "message", json_object_new_string(msg));
    json_object_object_add(o, "error", e);
    api_reply(r, status, o);
}

struct json_object *api_json_parse_object(const char *text, size_t len, char *why, size_t why_len)
{
    struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
    struct json_object *obj;
    enum json_tokener_error jerr;

    if (!tok) {
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, text, (int)len);
    jerr = json_tokener_get_error(tok);
    if (obj && jerr == json_tokener_success)
        for (size_t at = json_tokener_get_parse_end(tok); at < len; at++)
            if (!strchr(" \t\r\n", text[at]))
                jerr = json_tokener_error_parse_unexpected;
    if (!obj || jerr != json_tokener_success) {
        snprintf(why, why_len, "the body is not valid JSON%s%s", jerr != json_tokener_success ? ": " : "",
                 jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "");
        json_object_put(obj);
        obj = NULL;
    } else if (!json_object_is_type(obj, json_type_object)) {
        snprintf(why, why_len, "the body must be a JSON object");
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

static int is_json_type(const char *ct)
{
    size_t n = strlen("application/json");

    if (!ct || strncasecmp(ct, "application/json", n))
        return 0;
    ct += n;
    while (*ct == ' ')
        ct++;
    return *ct == '\0' || *ct == ';';
}

int api_need_json(struct api_request *r, struct json_object **body)
{
    char why[160];

    *body = NULL;
    if (!is_json_type(r->content_type)) {
        api_error(r, 415, "unsupported_media_type", "Content-Type must be application/json");
        return -1;
    }
    *body = api_json_parse_object(r->body, r->body_len, why, sizeof(why));
    if (!*body) {
        api_error(r, 400, "invalid_json", "%s", why);
        return -1;
    }
    return 0;
}

const char *api_field_str(struct api_request *r, struct json_object *body, const char *key,
                          size_t max)
{
    struct json_object *v;
    size_t n;

    if (!json_object_object_get_ex(body, key, &v) || json_object_is_type(v, json_type_null)) {
        api_error(r, 400, "missing_field", "the field %s is missing", key);
        return NULL;
    }
    if (!json_object_is_type(v, json_type_string)) {
        api_error(r, 400, "invalid_field", "the field %s must be a string", key);
        return NULL;
    }
    n = (size_t)json_object_get_string_len(v);
    if (n == 0 || n > max || strlen(json_object_get_string(v)) != n) {
        api_error(r, 400, "invalid_field", "the field %s must hold 1 to %zu characters", key, max);
        return NULL;
    }
    return json_object_get_string(v);
}

int api_fields_only(struct api_request *r, struct json_object *body, const char *const *allowed)
{
    json_object_object_foreach(body, key, v) {
        const char *const *a = allowed;
        (void)v;
        while (*a && strcmp(*a, key))
            a++;
        if (!*a) {
            api_error(r, 400, "unknown_field", "the field %.64s is not known here", key);
            return -1;
        }
    }
    return 0;
}

/* Supabase: the account is the token's email claim; the local database
 * only says whether it is an admin. */
static int supabase_account(struct api_request *r, const struct auth_jwt_claims *claims)
{
    struct os_error err;
    char norm[AUTH_EMAIL_MAX + 1];

    if (auth_email_normalize(claims->email, norm, sizeof(norm), &err) < 0) {
        api_error(r, 401, "unauthorized", "the token carries no usable email");
        return -1;
    }
    if (auth_accounts_get(r->api->accounts, norm, &r->account, &err) < 0) {
        memset(&r->account, 0, sizeof(r->account));
        snprintf(r->account.email, sizeof(r->account.email), "%s", norm);
    }
    return 0;
}

int api_need_account(struct api_request *r)
{
    struct auth_jwt_claims claims;
    struct os_error err;
    const char *a = r->authorization;
    int64_t now = (int64_t)time(NULL);
    double mono = api_now_mono();

    if (!a || strncasecmp(a, "Bearer ", 7)) {
        api_error(r, 401, "unauthorized", "a bearer token is required");
        return -1;
    }
    if (r->auth_memo && api_auth_memo_get(r->auth_memo, a + 7, now, mono, &r->account))
        return 0;
    if (auth_jwt_verify(&r->api->key, a + 7, now, &claims, &err) < 0) {
        api_error(r, 401, "unauthorized", "%s", err.message);
        return -1;
    }
    if (r->api->supabase) {
        if (supabase_account(r, &claims) < 0)
            return -1;
    } else if (auth_accounts_get(r->api->accounts, claims.sub, &r->account, &err) < 0) {
        api_error(r, 401, "unauthorized", "the account of this token no longer exists");
        return -1;
    }
    if (r->auth_memo)
        api_auth_memo_put(r->auth_memo, a + 7, claims.exp, mono, &r->account);
    return 0;
}

int api_need_admin(struct api_request *r)
{
    if (api_need_account(r) < 0)
        return -1;
    if (!r->account.admin) {
        api_error(r, 403, "forbidden", "this needs an admin account");
        return -1;
    }
    return 0;
}

int api_rate(struct api_request *r, struct auth_ratelimit *rl, const char *kind, const char *key)
{
    struct api_limits *l = &r->api->limits;
    char k[320];
    int ok, retry = 1;

    snprintf(k, sizeof(k), "%s:%s", kind, key);
    pthread_mutex_lock(&l->lock);
    ok = auth_ratelimit_take(rl, k, api_now_mono(), &retry);
    pthread_mutex_unlock(&l->lock);
    if (ok)
        return 0;
    r->retry_after = retry;
    api_error(r, 429, "rate_limited", "too many requests; retry in %d s", retry);
    return -1;
}
