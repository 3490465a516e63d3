/*
 * api.h - what the parts of odoo-saasd share: its configuration, the
 * server context, one request as handlers see it, and the helpers they
 * answer with.
 *
 * Threads: libmicrohttpd runs the HTTP side on a small pool; handlers run
 * there and may block briefly (argon2id, SQLite, waiting for the model
 * thread).  Everything Kubernetes lives on the model thread (model.h).
 * The context is built in main() before the server starts and is
 * read-only afterwards, except the parts with their own locks (accounts,
 * rate limits, metrics, the model).
 */
#ifndef API_H
#define API_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "auth/auth.h"
#include "error.h"
#include "os_config.h"

#define API_BODY_MAX (16 * 1024)

struct api_model;
struct api_metrics;
struct api_auth_memo;

/* The daemon's own settings: the "api:" section of the config file (see
 * api_config.c for the keys and defaults). */
struct api_config {
    char *data_dir;
    char *backend;              /* "local" or "supabase" */
    char *supabase_url;         /* supabase: https://PROJECT.supabase.co */
    char *supabase_anon_key_file;
    char *database;             /* SQLite file; default DATA_DIR/accounts.db */
    char *token_secret_file;    /* default DATA_DIR/token-secret */
    char *issuer, *audience;
    int token_ttl_s;
    int tenants_per_account;
    char **cors_origins;        /* NULL-terminated */
    int threads, max_connections, per_ip_connections, timeout_s;
    size_t connection_memory;
    int trust_forwarded_for;    /* behind a proxy: the client is the last X-Forwarded-For entry */
    /* token buckets: burst and seconds per token */
    double register_burst, register_every_s;
    double login_ip_burst, login_ip_every_s;
    double login_account_burst, login_account_every_s;
    double create_burst, create_every_s;
};

/* Defaults for data_dir, then the "api" mapping of cfg_json (may be NULL)
 * on top; an unknown key is an error naming it.  Free with
 * api_config_free(). */
int api_config_init(struct api_config *c, const char *data_dir, struct json_object *api_section,
                    struct os_error *err);
void api_config_free(struct api_config *c);
/* Read the config file path: its "api" section goes to api_config_init,
 * everything else to os_config.  path NULL: embedded defaults for both. */
int api_config_load(const char *path, const char *data_dir, struct api_config *ac,
                    struct os_config **oc, struct os_error *err);
/* The default data directory: /var/lib/odoo-saasd for root, else
 * $XDG_DATA_HOME/odoo-saasd (~/.local/share/odoo-saasd).  Into buf. */
void api_default_data_dir(char *buf, size_t len);

struct api_limits {
    pthread_mutex_t lock;
    struct auth_ratelimit *register_ip, *login_ip, *login_account, *create_account, *create_ip;
};

struct api {
    struct api_config *cfg;
    struct os_config *oscfg;
    struct auth_accounts *accounts;     /* accounts (local) or admin marks (supabase) */
    struct auth_supabase *supabase;     /* NULL: the local backend */
    struct auth_jwt_key key;
    struct api_limits limits;
    struct api_model *model;
    struct api_metrics *metrics;
};

/* One request, as handlers see it. */
struct api_request {
    struct api *api;
    const char *method;
    const char *path;
    const char *ip;
    const char *content_type;   /* or NULL */
    const char *authorization;  /* or NULL */
    const char *body;           /* NUL-terminated; "" when none */
    size_t body_len;
    char param[128];            /* the {name} or {id} of the route, "" when none */
    struct api_auth_memo *auth_memo;  /* the connection's remembered token, or NULL */
    /* filled by the auth check */
    struct auth_account account;
    /* the answer */
    int status;
    struct json_object *reply;  /* owned; NULL: no body */
    int retry_after;            /* > 0: a Retry-After header */
    char location[192];         /* "" or a Location header */
    const char *content_type_out; /* NULL: application/json */
    char *raw;                  /* a non-JSON body (metrics), malloc'd */
};

/* Answer with status and obj (taken). */
void api_reply(struct api_request *r, int status, struct json_object *obj);
/* Answer {"error":{"code":code,"message":...}}. */
void api_error(struct api_request *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Checks handlers chain; each returns 0 to go on, or answers and returns -1. */
int api_need_json(struct api_request *r, struct json_object **body);
int api_need_account(struct api_request *r);
int api_need_admin(struct api_request *r);
/* Take a token from limiter for key; on refusal answer 429 + Retry-After. */
int api_rate(struct api_request *r, struct auth_ratelimit *rl, const char *kind, const char *key);

/* Body fields: the string at key (borrowed), or answer 400 and return NULL
 * when missing, not a string, empty or longer than max. */
const char *api_field_str(struct api_request *r, struct json_object *body, const char *key,
                          size_t max);
/* 0 when body has no key outside allowed (NULL-terminated); else 400. */
int api_fields_only(struct api_request *r, struct json_object *body, const char *const *allowed);

/* The email and password of a register or login body: the only fields,
 * both strings (borrowed from *body, which the caller puts even on
 * failure).  0, or answered (415, 400) and -1.  The slow part of those
 * handlers (argon2id) comes after this. */
int api_credentials(struct api_request *r, struct json_object **body, const char **email,
                    const char **password);

/* Parse text as a JSON object (bounded depth).  NULL with why filled. */
struct json_object *api_json_parse_object(const char *text, size_t len, char *why, size_t why_len);

double api_now_mono(void);

/* handlers */
void api_h_register(struct api_request *r);
void api_h_login(struct api_request *r);
void api_h_me(struct api_request *r);
void api_h_tiers(struct api_request *r);
void api_h_subdomain(struct api_request *r);
void api_h_tenant_create(struct api_request *r);
void api_h_tenant_list(struct api_request *r);
void api_h_tenant_get(struct api_request *r);
void api_h_tenant_delete(struct api_request *r);
void api_h_admin_list(struct api_request *r);
void api_h_admin_suspend(struct api_request *r);
void api_h_admin_resume(struct api_request *r);
void api_h_healthz(struct api_request *r);
void api_h_readyz(struct api_request *r);
void api_h_metrics(struct api_request *r);
void api_h_openapi(struct api_request *r);

/* The OpenAPI 3.1 document of the API (static text). */
const char *api_openapi_json(void);

#endif
