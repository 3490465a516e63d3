/*
 * supabase.c - accounts kept by a Supabase project's GoTrue server.
 *
 * Two REST calls with libcurl's easy interface: sign-up and the password
 * grant.  Each call has its own handle (threads may call at once), a
 * bounded response (64 KiB), a timeout, and sends the project's anon key
 * as "apikey".  GoTrue's error bodies are mapped to our codes; its message
 * is passed on for a refused sign-up (it says what is wrong with the email
 * or password) but never for a login, which answers exactly like the local
 * store.  Passwords are sent in the request body only, over the URL the
 * operator configured (https in production), and wiped from our buffers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <sodium.h>

#include "auth.h"

#define RESPONSE_MAX (64 * 1024)
#define BAD_LOGIN "email or password is wrong"

struct auth_supabase {
    char *url;
    char *apikey_header;      /* "apikey: KEY" */
    char *auth_header;        /* "Authorization: Bearer KEY" */
    long timeout_ms;
};

struct buf {
    char *data;
    size_t len;
};

int auth_supabase_new(const struct auth_supabase_opts *opts, struct auth_supabase **out,
                      struct os_error *err)
{
    struct auth_supabase *sb = calloc(1, sizeof(*sb));

    *out = NULL;
    if (!opts->url || strncmp(opts->url, "http", 4) || !opts->anon_key || !*opts->anon_key) {
        free(sb);
        return os_error_set(err, OS_ERR_INVALID, "supabase: a URL and an anon key are required");
    }
    if (!sb || asprintf(&sb->apikey_header, "apikey: %s", opts->anon_key) < 0 ||
        asprintf(&sb->auth_header, "Authorization: Bearer %s", opts->anon_key) < 0 ||
        !(sb->url = strdup(opts->url))) {
        auth_supabase_free(sb);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    sb->url[strcspn(sb->url, "\n")] = '\0';
    while (*sb->url && sb->url[strlen(sb->url) - 1] == '/')
        sb->url[strlen(sb->url) - 1] = '\0';
    sb->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 10000;
    *out = sb;
    return 0;
}

void auth_supabase_free(struct auth_supabase *sb)
{
    if (!sb)
        return;
    free(sb->url);
    if (sb->apikey_header)
        sodium_memzero(sb->apikey_header, strlen(sb->apikey_header));
    if (sb->auth_header)
        sodium_memzero(sb->auth_header, strlen(sb->auth_header));
    free(sb->apikey_header);
    free(sb->auth_header);
    free(sb);
}

static size_t on_data(char *ptr, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    size_t len = size * n;
    char *nb;

    if (b->len + len > RESPONSE_MAX)
        return 0;
    nb = realloc(b->data, b->len + len + 1);
    if (!nb)
        return 0;
    memcpy(nb + b->len, ptr, len);
    b->data = nb;
    b->len += len;
    b->data[b->len] = '\0';
    return len;
}

/* POST body (a JSON object) to path; *status and *reply (new, may be NULL). */
static int post(struct auth_supabase *sb, const char *path, struct json_object *body, long *status,
                struct json_object **reply, struct os_error *err)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    struct buf b = {0};
    char url[1024], *text;
    CURLcode rc;

    *reply = NULL;
    if (!h)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    snprintf(url, sizeof(url), "%s%s", sb->url, path);
    text = strdup(json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    hdrs = curl_slist_append(hdrs, sb->apikey_header);
    hdrs = curl_slist_append(hdrs, sb->auth_header);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, text ? text : "{}");
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, sb->timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    rc = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    if (text) {
        sodium_memzero(text, strlen(text));   /* it held the password */
        free(text);
    }
    if (rc != CURLE_OK) {
        free(b.data);
        return os_error_set(err, OS_ERR_NET, "supabase: %s", curl_easy_strerror(rc));
    }
    *reply = b.data ? json_tokener_parse(b.data) : NULL;
    if (b.data)
        sodium_memzero(b.data, b.len);   /* it may hold a token */
    free(b.data);
    return 0;
}

static struct json_object *credentials(const char *email, const char *password)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "email", json_object_new_string(email));
    json_object_object_add(o, "password", json_object_new_string(password));
    return o;
}

static void wipe(struct json_object *o)
{
    struct json_object *pw;

    if (json_object_object_get_ex(o, "password", &pw) && json_object_get_string_len(pw))
        sodium_memzero((char *)json_object_get_string(pw), (size_t)json_object_get_string_len(pw));
    json_object_put(o);
}

/* GoTrue's words for a refusal: msg, error_description or message. */
static const char *gotrue_message(struct json_object *r)
{
    static const char *const keys[] = {"msg", "error_description", "message", NULL};
    struct json_object *v;

    for (const char *const *k = keys; *k; k++)
        if (json_object_object_get_ex(r, *k, &v) && json_object_is_type(v, json_type_string))
            return json_object_get_string(v);
    return "refused";
}

static int already_registered(struct json_object *r)
{
    struct json_object *v;
    const char *m = gotrue_message(r);

    if (json_object_object_get_ex(r, "error_code", &v) && json_object_is_type(v, json_type_string) &&
        !strcmp(json_object_get_string(v), "user_already_exists"))
        return 1;
    return strstr(m, "already registered") != NULL;
}

int auth_supabase_signup(struct auth_supabase *sb, const char *email, const char *password,
                         struct os_error *err)
{
    char norm[AUTH_EMAIL_MAX + 1];
    struct json_object *body, *reply = NULL;
    long status = 0;
    int rc;

    if (auth_email_normalize(email, norm, sizeof(norm), err) < 0 || auth_password_check(password, err) < 0)
        return err->code;
    body = credentials(norm, password);
    rc = post(sb, "/auth/v1/signup", body, &status, &reply, err);
    wipe(body);
    if (rc == 0 && (status < 200 || status > 299)) {
        if (status == 429)
            rc = os_error_set(err, OS_ERR_LIMIT, "supabase: too many sign-ups; try later");
        else if ((status == 400 || status == 422) && already_registered(reply)) {
            rc = os_error_set(err, OS_ERR_INVALID, "an account with this email already exists");
            snprintf(err->reason, sizeof(err->reason), "AlreadyExists");
        } else if (status == 400 || status == 422)
            rc = os_error_set(err, OS_ERR_INVALID, "%.200s", gotrue_message(reply));
        else
            rc = os_error_set(err, OS_ERR_NET, "supabase: sign-up answered HTTP %ld", status);
    }
    json_object_put(reply);
    return rc;
}

int auth_supabase_login(struct auth_supabase *sb, const char *email, const char *password,
                        char **token, int *expires_in, struct os_error *err)
{
    char norm[AUTH_EMAIL_MAX + 1];
    struct json_object *body, *reply = NULL, *t, *e;
    struct os_error ignore;
    long status = 0;
    int rc;

    *token = NULL;
    if (auth_email_normalize(email, norm, sizeof(norm), &ignore) < 0 || !password ||
        strlen(password) > AUTH_PASSWORD_MAX)
        return os_error_set(err, OS_ERR_AUTH, BAD_LOGIN);
    body = credentials(norm, password);
    rc = post(sb, "/auth/v1/token?grant_type=password", body, &status, &reply, err);
    wipe(body);
    if (rc == 0 && status == 200 && json_object_object_get_ex(reply, "access_token", &t) &&
        json_object_is_type(t, json_type_string)) {
        *token = strdup(json_object_get_string(t));
        *expires_in = json_object_object_get_ex(reply, "expires_in", &e) ? json_object_get_int(e) : 3600;
        sodium_memzero((char *)json_object_get_string(t), (size_t)json_object_get_string_len(t));
        rc = *token ? 0 : os_error_set(err, OS_ERR_NOMEM, "out of memory");
    } else if (rc == 0 && (status == 400 || status == 401 || status == 422)) {
        rc = os_error_set(err, OS_ERR_AUTH, BAD_LOGIN);
    } else if (rc == 0 && status == 429) {
        rc = os_error_set(err, OS_ERR_LIMIT, "supabase: too many logins; try later");
    } else if (rc == 0) {
        rc = os_error_set(err, OS_ERR_NET, "supabase: login answered HTTP %ld", status);
    }
    json_object_put(reply);
    return rc;
}
