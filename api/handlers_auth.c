/*
 * handlers_auth.c - accounts: register, log in, who am I.
 *
 * Register and login are rate limited per client IP and per account (the
 * normalised email; the login_account bucket), so one address cannot grind
 * one password, and many addresses cannot grind one account quickly.  Login answers an unknown email and a
 * wrong password identically and in about the same time (the store
 * verifies a dummy hash).  Tokens are HS256 JWTs; nothing here logs.
 * With the Supabase backend, register and login are forwarded to GoTrue
 * (auth_supabase_*) and its access token is handed back as it is.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "api.h"

static const char *const credential_fields[] = {"email", "password", NULL};

static struct json_object *account_json(const struct auth_account *a)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "email", json_object_new_string(a->email));
    json_object_object_add(o, "admin", json_object_new_boolean(a->admin));
    json_object_object_add(o, "created_at", json_object_new_string(a->created_at));
    return o;
}

int api_credentials(struct api_request *r, struct json_object **body, const char **email,
                    const char **password)
{
    if (api_need_json(r, body) < 0 || api_fields_only(r, *body, credential_fields) < 0)
        return -1;
    if (!(*email = api_field_str(r, *body, "email", 320)) ||
        !(*password = api_field_str(r, *body, "password", AUTH_PASSWORD_MAX)))
        return -1;
    return 0;
}

static struct json_object *token_json(const char *token, int expires_in)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "access_token", json_object_new_string(token));
    json_object_object_add(o, "token_type", json_object_new_string("Bearer"));
    json_object_object_add(o, "expires_in", json_object_new_int(expires_in));
    return o;
}

/* The account-store failure as an answer. */
static void store_error(struct api_request *r, const struct os_error *err)
{
    if (!strcmp(err->reason, "AlreadyExists"))
        api_error(r, 409, "email_taken", "an account with this email already exists");
    else if (err->code == OS_ERR_INVALID)
        api_error(r, 400, "invalid_field", "%s", err->message);
    else if (err->code == OS_ERR_AUTH)
        api_error(r, 401, "invalid_credentials", "%s", err->message);
    else if (err->code == OS_ERR_LIMIT) {
        r->retry_after = 30;
        api_error(r, 429, "rate_limited", "the account service is busy; retry later");
    } else
        api_error(r, 503, "unavailable", "the account store failed");
}

static void supabase_register(struct api_request *r, const char *email, const char *password)
{
    char norm[AUTH_EMAIL_MAX + 1];
    struct json_object *o;
    struct os_error err;

    if (auth_supabase_signup(r->api->supabase, email, password, &err) < 0)
        return store_error(r, &err);
    auth_email_normalize(email, norm, sizeof(norm), &err);
    o = json_object_new_object();
    json_object_object_add(o, "email", json_object_new_string(norm));
    json_object_object_add(o, "admin", json_object_new_boolean(0));
    api_reply(r, 201, o);
}

static void supabase_login(struct api_request *r, const char *email, const char *password)
{
    struct os_error err;
    char *token = NULL;
    int expires_in = 0;

    if (auth_supabase_login(r->api->supabase, email, password, &token, &expires_in, &err) < 0)
        return store_error(r, &err);
    api_reply(r, 200, token_json(token, expires_in));
    sodium_memzero(token, strlen(token));
    free(token);
}

void api_h_register(struct api_request *r)
{
    struct json_object *body = NULL;
    struct auth_account acc;
    struct os_error err;
    const char *email, *password;

    char norm[AUTH_EMAIL_MAX + 1];

    if (api_rate(r, r->api->limits.register_ip, "register", r->ip) < 0 ||
        api_credentials(r, &body, &email, &password) < 0)
        goto out;
    if (auth_email_normalize(email, norm, sizeof(norm), &err) == 0 &&
        api_rate(r, r->api->limits.login_account, "register-account", norm) < 0)
        goto out;
    if (r->api->supabase) {
        supabase_register(r, email, password);
        goto out;
    }
    if (auth_accounts_create(r->api->accounts, email, password, 0, &acc, &err) < 0) {
        store_error(r, &err);
        goto out;
    }
    api_reply(r, 201, account_json(&acc));
out:
    json_object_put(body);
}

void api_h_login(struct api_request *r)
{
    struct json_object *body = NULL;
    struct auth_account acc;
    struct os_error err;
    const char *email, *password;
    char norm[AUTH_EMAIL_MAX + 1], *token = NULL;

    if (api_rate(r, r->api->limits.login_ip, "login-ip", r->ip) < 0 ||
        api_credentials(r, &body, &email, &password) < 0)
        goto out;
    if (auth_email_normalize(email, norm, sizeof(norm), &err) == 0 &&
        api_rate(r, r->api->limits.login_account, "login-account", norm) < 0)
        goto out;
    if (r->api->supabase) {
        supabase_login(r, email, password);
        goto out;
    }
    if (auth_accounts_login(r->api->accounts, email, password, &acc, &err) < 0) {
        store_error(r, &err);
        goto out;
    }
    if (auth_jwt_encode(&r->api->key, acc.email, (int64_t)time(NULL), r->api->cfg->token_ttl_s,
                        &token, &err) < 0) {
        api_error(r, 500, "internal", "cannot issue a token");
        goto out;
    }
    api_reply(r, 200, token_json(token, r->api->cfg->token_ttl_s));
    sodium_memzero(token, strlen(token));
    free(token);
out:
    json_object_put(body);
}

void api_h_me(struct api_request *r)
{
    if (api_need_account(r) < 0)
        return;
    api_reply(r, 200, account_json(&r->account));
}
