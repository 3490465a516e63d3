/*
 * api_config.c - the daemon's settings and where they come from.
 *
 * One config file serves both: its "api:" mapping is ours, everything else
 * is the platform configuration (os_config).  The file is parsed once
 * (libyaml -> json-c); the "api" key is taken out and the rest handed to
 * os_config_load_text() as JSON (which is YAML).  Keys under "api", with
 * their defaults:
 *
 *   accounts: {backend: local, database: DATA_DIR/accounts.db}
 *             backend supabase also needs supabase_url and
 *             supabase_anon_key_file, and tokens.secret_file is then the
 *             project's JWT secret (issuer URL/auth/v1, audience
 *             authenticated by default); the local database keeps admins
 *   tokens: {secret_file: DATA_DIR/token-secret, ttl_seconds: 3600,
 *            issuer: odoo-saasd, audience: odoo-saas-api}
 *   tenants_per_account: 3
 *   cors_origins: []                   exact origins, or "*"
 *   server: {threads: 4, max_connections: 256, per_ip_connections: 32,
 *            timeout_seconds: 30, connection_memory_kib: 32,
 *            trust_forwarded_for: false}   true behind Traefik: the client
 *                                          is the last X-Forwarded-For entry
 *   rate_limits:                       burst, then one token per N seconds
 *     register: {burst: 10, per_seconds: 60}       per client IP
 *     login_ip: {burst: 30, per_seconds: 2}        per client IP
 *     login_account: {burst: 5, per_seconds: 30}   per account (email;
 *                                                  register uses it too)
 *     create: {burst: 5, per_seconds: 60}          per account and per IP
 *
 * An unknown key or a value of the wrong type is an error naming it.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "yaml_json.h"

#define FILE_MAX (1024 * 1024)

enum type { T_STR, T_INT, T_NUM, T_KIB, T_BOOL };

static const struct field {
    const char *key;
    enum type type;
    size_t off;
    double min, max;
} fields[] = {
    {"accounts.backend", T_STR, offsetof(struct api_config, backend), 0, 0},
    {"accounts.database", T_STR, offsetof(struct api_config, database), 0, 0},
    {"accounts.supabase_url", T_STR, offsetof(struct api_config, supabase_url), 0, 0},
    {"accounts.supabase_anon_key_file", T_STR, offsetof(struct api_config, supabase_anon_key_file), 0, 0},
    {"tokens.secret_file", T_STR, offsetof(struct api_config, token_secret_file), 0, 0},
    {"tokens.ttl_seconds", T_INT, offsetof(struct api_config, token_ttl_s), 60, 86400 * 30},
    {"tokens.issuer", T_STR, offsetof(struct api_config, issuer), 0, 0},
    {"tokens.audience", T_STR, offsetof(struct api_config, audience), 0, 0},
    {"tenants_per_account", T_INT, offsetof(struct api_config, tenants_per_account), 0, 10000},
    {"server.threads", T_INT, offsetof(struct api_config, threads), 1, 256},
    {"server.max_connections", T_INT, offsetof(struct api_config, max_connections), 1, 100000},
    {"server.per_ip_connections", T_INT, offsetof(struct api_config, per_ip_connections), 1, 100000},
    {"server.timeout_seconds", T_INT, offsetof(struct api_config, timeout_s), 1, 3600},
    {"server.trust_forwarded_for", T_BOOL, offsetof(struct api_config, trust_forwarded_for), 0, 0},
    {"server.connection_memory_kib", T_KIB, offsetof(struct api_config, connection_memory), 16, 4096},
    {"rate_limits.register.burst", T_NUM, offsetof(struct api_config, register_burst), 1, 1e6},
    {"rate_limits.register.per_seconds", T_NUM, offsetof(struct api_config, register_every_s), 0.001, 86400},
    {"rate_limits.login_ip.burst", T_NUM, offsetof(struct api_config, login_ip_burst), 1, 1e6},
    {"rate_limits.login_ip.per_seconds", T_NUM, offsetof(struct api_config, login_ip_every_s), 0.001, 86400},
    {"rate_limits.login_account.burst", T_NUM, offsetof(struct api_config, login_account_burst), 1, 1e6},
    {"rate_limits.login_account.per_seconds", T_NUM, offsetof(struct api_config, login_account_every_s), 0.001, 86400},
    {"rate_limits.create.burst", T_NUM, offsetof(struct api_config, create_burst), 1, 1e6},
    {"rate_limits.create.per_seconds", T_NUM, offsetof(struct api_config, create_every_s), 0.001, 86400},
};

static const char *const sections[] = {"accounts", "tokens", "server", "rate_limits",
                                       "rate_limits.register", "rate_limits.login_ip",
                                       "rate_limits.login_account", "rate_limits.create", NULL};

void api_default_data_dir(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");

    if (geteuid() == 0)
        snprintf(buf, len, "/var/lib/odoo-saasd");
    else if (xdg && *xdg)
        snprintf(buf, len, "%s/odoo-saasd", xdg);
    else
        snprintf(buf, len, "%s/.local/share/odoo-saasd", home && *home ? home : ".");
}

static char *join(const char *dir, const char *name)
{
    char *s = NULL;
    return asprintf(&s, "%s/%s", dir, name) < 0 ? NULL : s;
}

static int defaults(struct api_config *c, const char *data_dir)
{
    memset(c, 0, sizeof(*c));
    c->data_dir = strdup(data_dir);
    c->backend = strdup("local");
    c->database = join(data_dir, "accounts.db");
    c->token_secret_file = join(data_dir, "token-secret");
    c->issuer = strdup("odoo-saasd");
    c->audience = strdup("odoo-saas-api");
    c->token_ttl_s = 3600;
    c->tenants_per_account = 3;
    c->threads = 4;
    c->max_connections = 256;
    c->per_ip_connections = 32;
    c->timeout_s = 30;
    c->connection_memory = 32 * 1024;   /* libmicrohttpd zeroes it per request */
    c->register_burst = 10, c->register_every_s = 60;
    c->login_ip_burst = 30, c->login_ip_every_s = 2;
    c->login_account_burst = 5, c->login_account_every_s = 30;
    c->create_burst = 5, c->create_every_s = 60;
    return c->data_dir && c->backend && c->database && c->token_secret_file && c->issuer &&
           c->audience ? 0 : -1;
}

static int set_field(struct api_config *c, const struct field *f, struct json_object *v,
                     struct os_error *err)
{
    char *p = (char *)c + f->off;
    double d;

    if (f->type == T_STR) {
        if (!json_object_is_type(v, json_type_string) || !json_object_get_string_len(v))
            return os_error_set(err, OS_ERR_INVALID, "config: api.%s must be a non-empty string", f->key);
        free(*(char **)p);
        *(char **)p = strdup(json_object_get_string(v));
        return 0;
    }
    if (f->type == T_BOOL) {
        if (!json_object_is_type(v, json_type_boolean))
            return os_error_set(err, OS_ERR_INVALID, "config: api.%s must be true or false", f->key);
        *(int *)p = json_object_get_boolean(v);
        return 0;
    }
    if (!json_object_is_type(v, json_type_int) && !(f->type == T_NUM && json_object_is_type(v, json_type_double)))
        return os_error_set(err, OS_ERR_INVALID, "config: api.%s must be a number", f->key);
    d = json_object_get_double(v);
    if (d < f->min || d > f->max)
        return os_error_set(err, OS_ERR_INVALID, "config: api.%s must be from %g to %g", f->key, f->min, f->max);
    if (f->type == T_INT)
        *(int *)p = (int)d;
    else if (f->type == T_KIB)
        *(size_t *)p = (size_t)d * 1024;
    else
        *(double *)p = d;
    return 0;
}

static int set_origins(struct api_config *c, struct json_object *v, struct os_error *err)
{
    size_t n;

    if (!json_object_is_type(v, json_type_array))
        return os_error_set(err, OS_ERR_INVALID, "config: api.cors_origins must be a list");
    n = json_object_array_length(v);
    c->cors_origins = calloc(n + 1, sizeof(char *));
    if (!c->cors_origins)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(v, i);
        if (!json_object_is_type(o, json_type_string))
            return os_error_set(err, OS_ERR_INVALID, "config: api.cors_origins holds a non-string");
        c->cors_origins[i] = strdup(json_object_get_string(o));
    }
    return 0;
}

static int apply_object(struct api_config *c, const char *prefix, struct json_object *obj,
                        struct os_error *err)
{
    json_object_object_foreach(obj, k, v) {
        char key[160];
        int done = 0, rc = 0;
        snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", k);
        for (const char *const *s = sections; *s && !done; s++)
            if (!strcmp(*s, key)) {
                if (!json_object_is_type(v, json_type_object))
                    return os_error_set(err, OS_ERR_INVALID, "config: api.%s must be a mapping", key);
                rc = apply_object(c, key, v, err);
                done = 1;
            }
        for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !done; i++)
            if (!strcmp(fields[i].key, key)) {
                rc = set_field(c, &fields[i], v, err);
                done = 1;
            }
        if (!done && !strcmp(key, "cors_origins")) {
            rc = set_origins(c, v, err);
            done = 1;
        }
        if (!done)
            return os_error_set(err, OS_ERR_INVALID, "config: unknown key api.%s", key);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* A key given under api.tokens in the file, or NULL. */
static struct json_object *token_key(struct json_object *api_section, const char *key)
{
    struct json_object *t, *v;

    if (api_section && json_object_object_get_ex(api_section, "tokens", &t) &&
        json_object_object_get_ex(t, key, &v))
        return v;
    return NULL;
}

/* local, or supabase with its URL, anon key and JWT secret; Supabase's
 * tokens say iss URL/auth/v1 and aud "authenticated" unless told. */
static int check_backend(struct api_config *c, struct json_object *api_section, struct os_error *err)
{
    if (!strcmp(c->backend, "local"))
        return 0;
    if (strcmp(c->backend, "supabase"))
        return os_error_set(err, OS_ERR_INVALID, "config: api.accounts.backend must be local or supabase, not %.64s",
                            c->backend);
    if (!c->supabase_url || !c->supabase_anon_key_file || !token_key(api_section, "secret_file"))
        return os_error_set(err, OS_ERR_INVALID, "config: api.accounts.backend supabase needs "
                            "accounts.supabase_url, accounts.supabase_anon_key_file and "
                            "tokens.secret_file (the project's JWT secret)");
    if (!token_key(api_section, "issuer")) {
        free(c->issuer);
        if (asprintf(&c->issuer, "%s/auth/v1", c->supabase_url) < 0)
            c->issuer = NULL;
    }
    if (!token_key(api_section, "audience")) {
        free(c->audience);
        c->audience = strdup("authenticated");
    }
    return c->issuer && c->audience ? 0 : os_error_set(err, OS_ERR_NOMEM, "out of memory");
}

int api_config_init(struct api_config *c, const char *data_dir, struct json_object *api_section,
                    struct os_error *err)
{
    if (defaults(c, data_dir) < 0) {
        api_config_free(c);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    if (api_section && !json_object_is_type(api_section, json_type_object)) {
        api_config_free(c);
        return os_error_set(err, OS_ERR_INVALID, "config: api must be a mapping");
    }
    if (api_section && apply_object(c, "", api_section, err) < 0) {
        api_config_free(c);
        return err->code;
    }
    if (check_backend(c, api_section, err) < 0) {
        api_config_free(c);
        return err->code;
    }
    return 0;
}

void api_config_free(struct api_config *c)
{
    free(c->data_dir);
    free(c->backend);
    free(c->supabase_url);
    free(c->supabase_anon_key_file);
    free(c->database);
    free(c->token_secret_file);
    free(c->issuer);
    free(c->audience);
    for (char **o = c->cors_origins; o && *o; o++)
        free(*o);
    free(c->cors_origins);
    memset(c, 0, sizeof(*c));
}

static int read_file(const char *path, char **text, size_t *len, struct os_error *err)
{
    FILE *f = fopen(path, "rb");

    if (!f)
        return os_error_set(err, OS_ERR_IO, "config %s: %s", path, strerror(errno));
    *text = malloc(FILE_MAX + 1);
    *len = *text ? fread(*text, 1, FILE_MAX + 1, f) : 0;
    fclose(f);
    if (!*text)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (*len > FILE_MAX) {
        free(*text);
        return os_error_set(err, OS_ERR_LIMIT, "config %s: larger than 1 MiB", path);
    }
    (*text)[*len] = '\0';
    return 0;
}

/* The file the daemon reads when --config is not given, or NULL. */
static const char *default_file(char *buf, size_t len)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");

    if (xdg && *xdg) {
        snprintf(buf, len, "%s/odoo-saas/config.yaml", xdg);
        if (access(buf, F_OK) == 0)
            return buf;
    }
    snprintf(buf, len, "/etc/odoo-saas/config.yaml");
    return access(buf, F_OK) == 0 ? buf : NULL;
}

static int split_and_load(const char *path, struct json_object *root, const char *data_dir,
                          struct api_config *ac, struct os_config **oc, struct os_error *err)
{
    struct json_object *api = NULL;
    const char *rest;
    int rc;

    if (root && !json_object_is_type(root, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "config %s: the top level must be a mapping", path);
    if (root && json_object_object_get_ex(root, "api", &api)) {
        json_object_get(api);
        json_object_object_del(root, "api");
    }
    rc = api_config_init(ac, data_dir, api, err);
    json_object_put(api);
    if (rc < 0)
        return rc;
    rest = root ? json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN) : NULL;
    rc = os_config_load_text(path, rest, rest ? strlen(rest) : 0, oc, err);
    if (rc < 0)
        api_config_free(ac);
    return rc;
}

int api_config_load(const char *path, const char *data_dir, struct api_config *ac,
                    struct os_config **oc, struct os_error *err)
{
    struct yaml_json_opts yo = {.what = "config", .typed = 1};
    struct json_object *root = NULL;
    char found[4096], *text = NULL;
    size_t len = 0;
    int rc;

    *oc = NULL;
    if (!path)
        path = default_file(found, sizeof(found));
    if (!path)
        return split_and_load("defaults", NULL, data_dir, ac, oc, err);
    if ((rc = read_file(path, &text, &len, err)) < 0)
        return rc;
    rc = yaml_json_parse(path, text, len, &yo, &root, err);
    free(text);
    if (rc < 0)
        return rc;
    rc = split_and_load(path, root, data_dir, ac, oc, err);
    json_object_put(root);
    return rc;
}
