/*
 * os_config.c - the platform configuration file.
 *
 * Defaults first (a stock MicroK8s with Traefik in namespace "traefik"),
 * then the YAML file on top.  The file is parsed into JSON (typed scalars)
 * and walked against a table of known keys; each key has a type, a place in
 * struct os_config and a check.  Tiers are a mapping of name to resources;
 * giving "tiers" replaces the default tiers as a whole, so a deployment
 * never offers a tier it did not ask for.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "deploy/deploy.h"
#include "kube/quantity.h"
#include "os_config.h"
#include "yaml_json.h"

#define CONFIG_FILE_MAX (1u << 20)

static const struct os_tier default_tiers[] = {
    {"basic", 2000, 3LL << 30, 10LL << 30, 2, 0, 0},
    {"standard", 4000, 6LL << 30, 25LL << 30, 4, 1, 0},
    {"premium", 8000, 12LL << 30, 60LL << 30, 8, 1, 1},
};

/* ---- defaults ------------------------------------------------------- */

static int set_str(char **dst, const char *v)
{
    char *copy = strdup(v);
    if (!copy)
        return -1;
    free(*dst);
    *dst = copy;
    return 0;
}

static int defaults(struct os_config *c)
{
    int bad = 0;

    bad |= set_str(&c->source, "defaults");
    bad |= set_str(&c->base_domain, "odoo.localhost");
    bad |= set_str(&c->odoo_image, "odoo:17.0");
    bad |= set_str(&c->postgres_image, "postgres:16");
    bad |= set_str(&c->storage_class, "microk8s-hostpath");
    bad |= set_str(&c->ingress_class, "traefik");
    bad |= set_str(&c->ingress_namespace, "traefik");
    bad |= set_str(&c->ingress_pod_label, "app.kubernetes.io/name=traefik");
    bad |= set_str(&c->ingress_entrypoint, "websecure");
    bad |= set_str(&c->tls_secret, "");
    bad |= set_str(&c->dns_namespace, "kube-system");
    bad |= set_str(&c->dns_pod_label, "k8s-app=kube-dns");
    /* The official images: odoo runs as odoo (101), postgres as postgres (999). */
    c->odoo_uid = c->odoo_gid = 101;
    c->postgres_uid = c->postgres_gid = 999;
    c->trial_days = 14;
    c->ingress_mode = OS_INGRESS_ROUTE;
    c->tiers = calloc(3, sizeof(*c->tiers));
    if (!c->tiers)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        c->tiers[i] = default_tiers[i];
        c->tiers[i].name = strdup(default_tiers[i].name);
        bad |= !c->tiers[i].name;
        c->ntiers++;
    }
    return bad ? -1 : 0;
}

/* ---- checks --------------------------------------------------------- */

static int is_dns_label(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return 0;
    return 1;
}

static int is_dns_name(const char *s)
{
    char buf[256];
    char *save = NULL;

    if (strlen(s) == 0 || strlen(s) > 253 || s[strlen(s) - 1] == '.')
        return 0;
    snprintf(buf, sizeof(buf), "%s", s);
    for (char *label = strtok_r(buf, ".", &save); label; label = strtok_r(NULL, ".", &save))
        if (!is_dns_label(label, 63))
            return 0;
    return !strstr(s, "..") && s[0] != '.';
}

static int is_image(const char *s)
{
    if (!*s || strlen(s) > 255)
        return 0;
    for (; *s; s++)
        if (isspace((unsigned char)*s) || !isprint((unsigned char)*s) || *s == '$')
            return 0;
    return 1;
}

/* "key=value" with a label-safe key and value. */
static int is_label_pair(const char *s)
{
    const char *eq = strchr(s, '=');
    if (!eq || eq == s || !eq[1] || strlen(s) > 316)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("-_./=", *s)))
            return 0;
    return 1;
}

/* ---- the key table -------------------------------------------------- */

enum ftype { F_STR, F_INT };
typedef int (*check_fn)(const char *);

struct field {
    const char *key;
    enum ftype type;
    size_t offset;
    check_fn check;      /* strings */
    int64_t min, max;    /* integers */
    const char *want;    /* what a valid value looks like, for messages */
};

#define S(k, member, chk, want) {k, F_STR, offsetof(struct os_config, member), chk, 0, 0, want}
#define I(k, member, lo, hi) {k, F_INT, offsetof(struct os_config, member), NULL, lo, hi, NULL}

static int any_string(const char *s) { return strlen(s) < 256; }
static int path_string(const char *s) { return *s && strlen(s) < 4096; }
static int secret_name(const char *s) { return !*s || is_dns_name(s); }
static int ns_name(const char *s) { return is_dns_label(s, 63); }
/* Deploy values end up inside single quotes in remote shell commands. */
static int unquoted_path(const char *s) { return path_string(s) && !strpbrk(s, "'\n"); }
static int remote_env(const char *s) { return strlen(s) < 2048 && !strpbrk(s, "'\n"); }
/* A snap channel: [track/]risk[/branch], "1.33/stable", "latest/edge". */
static int snap_channel(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '/' || s[n - 1] == '/')
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || strchr("./-_", *s)))
            return 0;
    return 1;
}

static const struct field fields[] = {
    S("base_domain", base_domain, is_dns_name, "a DNS name such as odoo.example.com"),
    S("odoo.image", odoo_image, is_image, "an image reference such as odoo:17.0"),
    S("postgres.image", postgres_image, is_image, "an image reference such as postgres:16"),
    S("storage_class", storage_class, is_dns_name, "a StorageClass name"),
    S("ingress.class", ingress_class, is_dns_name, "an IngressClass name"),
    S("ingress.namespace", ingress_namespace, ns_name, "a namespace name"),
    S("ingress.pod_label", ingress_pod_label, is_label_pair, "key=value"),
    S("ingress.entrypoint", ingress_entrypoint, any_string, "a Traefik entry point name"),
    S("ingress.tls_secret", tls_secret, secret_name, "a Secret name or \"\""),
    S("dns.namespace", dns_namespace, ns_name, "a namespace name"),
    S("dns.pod_label", dns_pod_label, is_label_pair, "key=value"),
    S("templates_dir", templates_dir, path_string, "a directory"),
    S("deploy.identity", deploy.identity, path_string, "a key file"),
    S("deploy.known_hosts", deploy.known_hosts, path_string, "a known_hosts file"),
    S("deploy.microk8s_channel", deploy.microk8s_channel, snap_channel,
      "a snap channel such as 1.33/stable"),
    S("deploy.bundle", deploy.bundle, path_string, "a tarball"),
    S("deploy.platform_dir", deploy.platform_dir, path_string, "a directory"),
    S("deploy.remote_dir", deploy.remote_dir, unquoted_path, "a path without quotes"),
    S("deploy.remote_env", deploy.remote_env, remote_env,
      "shell assignments without quotes or newlines"),
    I("deploy.connect_timeout", deploy.connect_timeout, 1, 3600),
    I("odoo.uid", odoo_uid, 1, 2147483647),
    I("odoo.gid", odoo_gid, 1, 2147483647),
    I("postgres.uid", postgres_uid, 1, 2147483647),
    I("postgres.gid", postgres_gid, 1, 2147483647),
};
static const char *const sections[] = {"odoo", "postgres", "ingress", "dns", "deploy", NULL};

static int bad_value(const char *name, const char *key, const char *want, struct os_error *err)
{
    return os_error_set(err, OS_ERR_INVALID, "config %s: %s must be %s", name, key, want);
}

static int set_field(struct os_config *c, const struct field *f, struct json_object *v,
                     const char *name, struct os_error *err)
{
    char *base = (char *)c;

    if (f->type == F_STR) {
        if (!json_object_is_type(v, json_type_string) || !f->check(json_object_get_string(v)))
            return bad_value(name, f->key, f->want, err);
        if (set_str((char **)(base + f->offset), json_object_get_string(v)) < 0)
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return 0;
    }
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < f->min ||
        json_object_get_int64(v) > f->max) {
        char want[96];
        snprintf(want, sizeof(want), "a whole number from %lld to %lld", (long long)f->min,
                 (long long)f->max);
        return bad_value(name, f->key, want, err);
    }
    *(int64_t *)(base + f->offset) = json_object_get_int64(v);
    return 0;
}

/* ---- tiers ---------------------------------------------------------- */

static int tier_quantity(struct json_object *v, int milli, int64_t min, int64_t *out)
{
    struct os_error qerr;
    char text[32];

    if (json_object_is_type(v, json_type_int)) {
        snprintf(text, sizeof(text), "%lld", (long long)json_object_get_int64(v));
    } else if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_string)) {
        snprintf(text, sizeof(text), "%s", json_object_get_string(v));
    } else {
        return -1;
    }
    if ((milli ? kube_quantity_parse_milli(text, out, &qerr)
               : kube_quantity_parse_int(text, out, &qerr)) < 0)
        return -1;
    return *out >= min ? 0 : -1;
}

static int parse_tier(const char *name, const char *tname, struct json_object *spec,
                      struct os_tier *t, struct os_error *err)
{
    char key[160];

    if (!is_dns_label(tname, 30))
        return os_error_set(err, OS_ERR_INVALID,
                            "config %s: tier name \"%.40s\" must be lowercase letters, digits and '-'",
                            name, tname);
    if (!json_object_is_type(spec, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "config %s: tiers.%s must be a mapping", name, tname);
    *t = (struct os_tier){.workers = 2};
    if (!(t->name = strdup(tname)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    json_object_object_foreach(spec, k, v) {
        snprintf(key, sizeof(key), "tiers.%s.%s", tname, k);
        if (!strcmp(k, "cpu")) {
            if (tier_quantity(v, 1, 100, &t->cpu_m) < 0)
                return bad_value(name, key, "a CPU quantity of at least 100m", err);
        } else if (!strcmp(k, "memory")) {
            if (tier_quantity(v, 0, 512LL << 20, &t->memory) < 0)
                return bad_value(name, key, "a memory quantity of at least 512Mi", err);
        } else if (!strcmp(k, "storage")) {
            if (tier_quantity(v, 0, 1LL << 30, &t->storage) < 0)
                return bad_value(name, key, "a storage quantity of at least 1Gi", err);
        } else if (!strcmp(k, "workers")) {
            if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) < 0 ||
                json_object_get_int(v) > 64)
                return bad_value(name, key, "a whole number from 0 to 64", err);
            t->workers = json_object_get_int(v);
        } else if (!strcmp(k, "egress") || !strcmp(k, "separate_nodes")) {
            if (!json_object_is_type(v, json_type_boolean))
                return bad_value(name, key, "true or false", err);
            *(!strcmp(k, "egress") ? &t->allow_egress : &t->separate_nodes) = json_object_get_boolean(v);
        } else {
            return os_error_set(err, OS_ERR_INVALID, "config %s: unknown key %s", name, key);
        }
    }
    if (!t->cpu_m || !t->memory || !t->storage)
        return os_error_set(err, OS_ERR_INVALID, "config %s: tiers.%s needs cpu, memory and storage",
                            name, tname);
    return 0;
}

static void free_tiers(struct os_tier *tiers, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(tiers[i].name);
    free(tiers);
}

static int parse_tiers(struct os_config *c, const char *name, struct json_object *v,
                       struct os_error *err)
{
    size_t n = 0, cap;
    struct os_tier *tiers;
    int rc = 0;

    if (!json_object_is_type(v, json_type_object) || json_object_object_length(v) == 0)
        return bad_value(name, "tiers", "a mapping of at least one tier", err);
    cap = (size_t)json_object_object_length(v);
    if (!(tiers = calloc(cap, sizeof(*tiers))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    json_object_object_foreach(v, tname, spec) {
        if (rc == 0)
            rc = parse_tier(name, tname, spec, &tiers[n], err);
        n++;
    }
    if (rc < 0) {
        free_tiers(tiers, n);
        return rc;
    }
    free_tiers(c->tiers, c->ntiers);
    c->tiers = tiers;
    c->ntiers = n;
    return 0;
}

/* ---- deploy.hosts ---------------------------------------------------- */

static void free_hosts(struct os_deploy_config *d)
{
    for (size_t i = 0; i < d->nhosts; i++)
        free(d->hosts[i]);
    free(d->hosts);
    d->hosts = NULL;
    d->nhosts = 0;
}

/* A list of USER@HOST[:PORT], each parsed as the deploy CLI's --host. */
static int parse_hosts(struct os_config *c, const char *name, struct json_object *v,
                       struct os_error *err)
{
    struct deploy_target t;
    struct os_error terr;
    size_t n;

    if (!json_object_is_type(v, json_type_array) ||
        (n = json_object_array_length(v)) > OS_DEPLOY_HOSTS_MAX)
        return bad_value(name, "deploy.hosts", "a list of at most 64 USER@HOST[:PORT]", err);
    free_hosts(&c->deploy);
    if (n && !(c->deploy.hosts = calloc(n, sizeof(char *))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        struct json_object *h = json_object_array_get_idx(v, i);
        if (!json_object_is_type(h, json_type_string) ||
            deploy_target_parse(json_object_get_string(h), &t, &terr) < 0)
            return os_error_set(err, OS_ERR_INVALID, "config %s: deploy.hosts[%zu] must be "
                                "USER@HOST[:PORT]", name, i);
        if (!(c->deploy.hosts[i] = strdup(json_object_get_string(h))))
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
        c->deploy.nhosts++;
    }
    return 0;
}

/* ---- walking the file ----------------------------------------------- */

static int is_section(const char *key)
{
    for (const char *const *s = sections; *s; s++)
        if (!strcmp(*s, key))
            return 1;
    return 0;
}

static int apply_key(struct os_config *c, const char *name, const char *key,
                     struct json_object *v, struct os_error *err);

static int apply_object(struct os_config *c, const char *name, const char *prefix,
                        struct json_object *obj, struct os_error *err)
{
    json_object_object_foreach(obj, k, v) {
        char key[160];
        int rc;
        snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "." : "", k);
        if ((rc = apply_key(c, name, key, v, err)) < 0)
            return rc;
    }
    return 0;
}

static int apply_key(struct os_config *c, const char *name, const char *key,
                     struct json_object *v, struct os_error *err)
{
    if (is_section(key)) {
        if (!json_object_is_type(v, json_type_object))
            return bad_value(name, key, "a mapping", err);
        return apply_object(c, name, key, v, err);
    }
    if (!strcmp(key, "tiers"))
        return parse_tiers(c, name, v, err);
    if (!strcmp(key, "deploy.hosts"))
        return parse_hosts(c, name, v, err);
    if (!strcmp(key, "trial_days")) {
        if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) < 0 ||
            json_object_get_int(v) > 3650)
            return bad_value(name, key, "a whole number of days from 0 to 3650", err);
        c->trial_days = json_object_get_int(v);
        return 0;
    }
    if (!strcmp(key, "ingress.mode")) {
        const char *m = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
        if (!strcmp(m, "ingressroute")) c->ingress_mode = OS_INGRESS_ROUTE;
        else if (!strcmp(m, "ingress")) c->ingress_mode = OS_INGRESS_PLAIN;
        else if (!strcmp(m, "path")) c->ingress_mode = OS_INGRESS_PATH;
        else return bad_value(name, key, "one of ingressroute, ingress, path", err);
        return 0;
    }
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (!strcmp(fields[i].key, key))
            return set_field(c, &fields[i], v, name, err);
    return os_error_set(err, OS_ERR_INVALID, "config %s: unknown key %s", name, key);
}

int os_config_load_text(const char *name, const char *text, size_t len,
                        struct os_config **out, struct os_error *err)
{
    struct yaml_json_opts yo = {.what = "config", .typed = 1};
    struct os_config *c = calloc(1, sizeof(*c));
    struct json_object *root = NULL;
    int rc;

    *out = NULL;
    if (!c || defaults(c) < 0) {
        os_config_free(c);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    if (text && (rc = yaml_json_parse(name, text, len, &yo, &root, err)) < 0) {
        os_config_free(c);
        return rc;
    }
    if (root && !json_object_is_type(root, json_type_object)) {
        rc = os_error_set(err, OS_ERR_INVALID, "config %s: the top level must be a mapping", name);
    } else {
        rc = root ? apply_object(c, name, "", root, err) : 0;
        if (rc == 0 && text && set_str(&c->source, name) < 0)
            rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    json_object_put(root);
    if (rc < 0) {
        os_config_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

static int read_text(const char *path, char **text, size_t *len, struct os_error *err)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f)
        return os_error_set(err, OS_ERR_IO, "config %s: %s", path, strerror(errno));
    *text = malloc(CONFIG_FILE_MAX + 1);
    if (!*text) {
        fclose(f);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    n = fread(*text, 1, CONFIG_FILE_MAX + 1, f);
    fclose(f);
    if (n > CONFIG_FILE_MAX) {
        free(*text);
        return os_error_set(err, OS_ERR_LIMIT, "config %s: larger than 1 MiB", path);
    }
    (*text)[n] = '\0';
    *len = n;
    return 0;
}

int os_config_load(const char *path, struct os_config **out, struct os_error *err)
{
    char found[4096];
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    struct stat st;
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (!path) {
        found[0] = '\0';
        if (xdg && *xdg)
            snprintf(found, sizeof(found), "%s/odoo-saas/config.yaml", xdg);
        else if (home && *home)
            snprintf(found, sizeof(found), "%s/.config/odoo-saas/config.yaml", home);
        if (!found[0] || stat(found, &st) != 0)
            snprintf(found, sizeof(found), "/etc/odoo-saas/config.yaml");
        if (stat(found, &st) != 0)
            return os_config_load_text("defaults", NULL, 0, out, err);
        path = found;
    }
    if ((rc = read_text(path, &text, &len, err)) < 0)
        return rc;
    rc = os_config_load_text(path, text, len, out, err);
    free(text);
    return rc;
}

void os_config_free(struct os_config *c)
{
    if (!c)
        return;
    char **strs[] = {&c->source, &c->base_domain, &c->odoo_image, &c->postgres_image,
                     &c->storage_class, &c->ingress_class, &c->ingress_namespace,
                     &c->ingress_pod_label, &c->ingress_entrypoint, &c->tls_secret,
                     &c->dns_namespace, &c->dns_pod_label, &c->templates_dir,
                     &c->deploy.identity, &c->deploy.known_hosts, &c->deploy.microk8s_channel,
                     &c->deploy.bundle, &c->deploy.platform_dir, &c->deploy.remote_dir,
                     &c->deploy.remote_env};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        free(*strs[i]);
    free_tiers(c->tiers, c->ntiers);
    free_hosts(&c->deploy);
    free(c);
}

const struct os_tier *os_config_tier(const struct os_config *cfg, const char *name)
{
    for (size_t i = 0; name && i < cfg->ntiers; i++)
        if (!strcmp(cfg->tiers[i].name, name))
            return &cfg->tiers[i];
    return NULL;
}

void os_config_tier_names(const struct os_config *cfg, char *buf, size_t len)
{
    size_t pos = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < cfg->ntiers && pos < len; i++) {
        int n = snprintf(buf + pos, len - pos, "%s%s", i ? ", " : "", cfg->tiers[i].name);
        if (n < 0)
            break;
        pos += (size_t)n;
    }
}

const char *os_ingress_mode_name(enum os_ingress_mode mode)
{
    switch (mode) {
    case OS_INGRESS_ROUTE: return "ingressroute";
    case OS_INGRESS_PLAIN: return "ingress";
    case OS_INGRESS_PATH: return "path";
    }
    return "?";
}
