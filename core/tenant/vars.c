/*
 * vars.c - the variables a tenant's templates see, and its secrets.
 *
 * Sizing lives here, in one place: the tier's CPU and memory are the
 * namespace quota, split between PostgreSQL (a quarter), Odoo (a half) and
 * the one-time database job (a quarter), so all three fit the quota at once
 * while the job runs.  Requests are half the CPU limit and all of the
 * memory limit (memory is not compressible).  Odoo's per-worker memory
 * limits are derived from its container limit, so the kernel's OOM killer
 * never fires before Odoo recycles a worker.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "kube/quantity.h"
#include "render.h"

#define DAY 86400

int tenant_secrets_generate(struct tenant_secrets *s, const char *admin_password,
                            struct os_error *err)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *fields[] = {s->db_password, s->pg_superuser_password, s->master_password,
                      s->admin_password};

    if (sodium_init() < 0)
        return os_error_set(err, OS_ERR_IO, "libsodium failed to initialise");
    memset(s, 0, sizeof(*s));
    for (size_t f = 0; f < 4; f++) {
        if (f == 3 && admin_password)
            break;
        /* 32 characters of 62 symbols: about 190 bits. */
        for (size_t i = 0; i < TENANT_SECRET_LEN; i++)
            fields[f][i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    }
    if (admin_password) {
        if (strlen(admin_password) >= sizeof(s->admin_password))
            return os_error_set(err, OS_ERR_INVALID, "admin password is too long");
        memcpy(s->admin_password, admin_password, strlen(admin_password) + 1);
    }
    return 0;
}

void tenant_secrets_wipe(struct tenant_secrets *s)
{
    sodium_memzero(s, sizeof(*s));
}

static void put_str(struct json_object *vars, const char *name, const char *value)
{
    json_object_object_add(vars, name, value ? json_object_new_string(value) : NULL);
}

static void put_int(struct json_object *vars, const char *name, int64_t value)
{
    json_object_object_add(vars, name, json_object_new_int64(value));
}

static void put_milli(struct json_object *vars, const char *name, int64_t milli)
{
    char buf[32];
    kube_quantity_format_milli(milli, buf, sizeof(buf));
    put_str(vars, name, buf);
}

static void put_bytes(struct json_object *vars, const char *name, int64_t bytes)
{
    char buf[32];
    /* Whole MiB keep the canonical form short ("768Mi", not "805306368"). */
    kube_quantity_format_bytes(bytes / (1 << 20) * (1 << 20), buf, sizeof(buf));
    put_str(vars, name, buf);
}

static void put_time(struct json_object *vars, const char *name, time_t t)
{
    char buf[32];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    put_str(vars, name, buf);
}

/* "key=value" into two variables. */
static void put_label(struct json_object *vars, const char *key_name, const char *value_name,
                      const char *pair)
{
    const char *eq = strchr(pair, '=');
    char key[320];
    snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - pair) : (int)strlen(pair), pair);
    put_str(vars, key_name, key);
    put_str(vars, value_name, eq ? eq + 1 : "");
}

static void put_sizes(struct json_object *v, const struct os_tier *t)
{
    int64_t odoo_mem = t->memory / 2, hard;

    put_milli(v, "QUOTA_CPU_LIMIT", t->cpu_m);
    put_milli(v, "QUOTA_CPU_REQUEST", t->cpu_m / 2);
    put_bytes(v, "QUOTA_MEMORY", t->memory);
    put_bytes(v, "QUOTA_STORAGE", t->storage);
    put_milli(v, "PG_CPU_LIMIT", t->cpu_m / 4);
    put_milli(v, "PG_CPU_REQUEST", t->cpu_m / 8);
    put_bytes(v, "PG_MEMORY", t->memory / 4);
    put_bytes(v, "PG_STORAGE", t->storage / 4 * 3);
    put_milli(v, "ODOO_CPU_LIMIT", t->cpu_m / 2);
    put_milli(v, "ODOO_CPU_REQUEST", t->cpu_m / 4);
    put_bytes(v, "ODOO_MEMORY", odoo_mem);
    put_bytes(v, "FILESTORE_STORAGE", t->storage / 4);
    put_milli(v, "JOB_CPU_LIMIT", t->cpu_m / 4);
    put_milli(v, "JOB_CPU_REQUEST", t->cpu_m / 8);
    put_bytes(v, "JOB_MEMORY", t->memory / 4);
    put_int(v, "WORKERS", t->workers);
    /* Each worker, the cron worker and the main process may each reach the
     * hard limit; keep their sum under the container's limit. */
    hard = odoo_mem / (t->workers + 2);
    put_int(v, "LIMIT_MEMORY_HARD", hard);
    put_int(v, "LIMIT_MEMORY_SOFT", hard / 5 * 4);
    json_object_object_add(v, "EGRESS_ALLOWED", json_object_new_boolean(t->allow_egress));
    json_object_object_add(v, "SEPARATE_NODES", json_object_new_boolean(t->separate_nodes));
}

static void put_secrets(struct json_object *v, const struct tenant_secrets *s)
{
    put_str(v, "DB_PASSWORD", s ? s->db_password : TENANT_PLACEHOLDER);
    put_str(v, "PG_SUPERUSER_PASSWORD", s ? s->pg_superuser_password : TENANT_PLACEHOLDER);
    put_str(v, "MASTER_PASSWORD", s ? s->master_password : TENANT_PLACEHOLDER);
    put_str(v, "ADMIN_PASSWORD", s ? s->admin_password : TENANT_PLACEHOLDER);
}

void tenant_url(const struct tenant_spec *spec, const struct os_config *cfg, char *buf, size_t len)
{
    if (cfg->ingress_mode == OS_INGRESS_PATH)
        snprintf(buf, len, "https://%s/%s", cfg->base_domain, tenant_spec_subdomain(spec));
    else
        snprintf(buf, len, "https://%s.%s", tenant_spec_subdomain(spec), cfg->base_domain);
}

int tenant_render_vars(const struct tenant_spec *spec, const struct os_config *cfg,
                       const struct tenant_secrets *secrets, time_t created,
                       struct json_object **out, struct os_error *err)
{
    const struct os_tier *tier = os_config_tier(cfg, spec->tier);
    struct json_object *v;
    const char *sub = tenant_spec_subdomain(spec);
    char buf[512];

    *out = NULL;
    if (!tier)
        return os_error_set(err, OS_ERR_INVALID, "unknown tier");
    if (!(v = json_object_new_object()))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    put_str(v, "TENANT_ID", spec->id);
    snprintf(buf, sizeof(buf), "tenant-%s", spec->id);
    put_str(v, "NAMESPACE", buf);
    put_str(v, "SUBDOMAIN", sub);
    put_str(v, "TIER", spec->tier);
    put_str(v, "ADMIN_EMAIL", spec->admin_email);
    put_str(v, "OWNER", spec->owner);
    put_str(v, "BASE_DOMAIN", cfg->base_domain);
    if (cfg->ingress_mode == OS_INGRESS_PATH) {
        put_str(v, "HOST", cfg->base_domain);
        snprintf(buf, sizeof(buf), "/%s", sub);
        put_str(v, "PATH_PREFIX", buf);
    } else {
        snprintf(buf, sizeof(buf), "%s.%s", sub, cfg->base_domain);
        put_str(v, "HOST", buf);
        put_str(v, "PATH_PREFIX", "/");
    }
    tenant_url(spec, cfg, buf, sizeof(buf));
    put_str(v, "URL", buf);
    /* Database names allow '-', but '_' keeps them plain identifiers. */
    snprintf(buf, sizeof(buf), "odoo_%s", spec->id);
    for (char *p = buf; *p; p++)
        if (*p == '-')
            *p = '_';
    put_str(v, "DB_NAME", buf);
    put_time(v, "CREATED_AT", created);
    if (cfg->trial_days > 0)
        put_time(v, "TRIAL_EXPIRES_AT", created + (time_t)cfg->trial_days * DAY);
    else
        put_str(v, "TRIAL_EXPIRES_AT", NULL);
    put_str(v, "ODOO_IMAGE", cfg->odoo_image);
    put_str(v, "POSTGRES_IMAGE", cfg->postgres_image);
    put_int(v, "ODOO_UID", cfg->odoo_uid);
    put_int(v, "ODOO_GID", cfg->odoo_gid);
    put_int(v, "PG_UID", cfg->postgres_uid);
    put_int(v, "PG_GID", cfg->postgres_gid);
    put_str(v, "STORAGE_CLASS", cfg->storage_class);
    put_str(v, "INGRESS_MODE", os_ingress_mode_name(cfg->ingress_mode));
    put_str(v, "INGRESS_CLASS", cfg->ingress_class);
    put_str(v, "INGRESS_NAMESPACE", cfg->ingress_namespace);
    put_label(v, "INGRESS_POD_LABEL_KEY", "INGRESS_POD_LABEL_VALUE", cfg->ingress_pod_label);
    put_str(v, "INGRESS_ENTRYPOINT", cfg->ingress_entrypoint);
    /* No secret: the key is dropped and the controller's default certificate serves. */
    put_str(v, "TLS_SECRET", cfg->tls_secret[0] ? cfg->tls_secret : NULL);
    put_str(v, "DNS_NAMESPACE", cfg->dns_namespace);
    put_label(v, "DNS_POD_LABEL_KEY", "DNS_POD_LABEL_VALUE", cfg->dns_pod_label);
    put_sizes(v, tier);
    put_secrets(v, secrets);
    *out = v;
    return 0;
}
