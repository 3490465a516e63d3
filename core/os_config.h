/*
 * os_config.h - the platform configuration: domain, images, ingress, tiers.
 *
 * Read from YAML (--config FILE, else $XDG_CONFIG_HOME/odoo-saas/config.yaml,
 * else /etc/odoo-saas/config.yaml) on top of embedded defaults that work on
 * a stock MicroK8s.  Every key is checked: an unknown key or a bad value is
 * an error naming it, so a typo never silently falls back to a default.
 * See docs/config.md for every key.
 */
#ifndef OS_CONFIG_H
#define OS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum os_ingress_mode {
    OS_INGRESS_ROUTE,   /* Traefik IngressRoute (traefik.io/v1alpha1) */
    OS_INGRESS_PLAIN,   /* networking.k8s.io/v1 Ingress with ingressClassName */
    OS_INGRESS_PATH,    /* one host, a path prefix per tenant (no wildcard DNS) */
};

struct os_tier {
    char *name;
    int64_t cpu_m;          /* namespace quota: limits.cpu, millicores */
    int64_t memory;         /* namespace quota: limits.memory, bytes */
    int64_t storage;        /* namespace quota: requests.storage, bytes */
    int workers;            /* Odoo HTTP workers */
    int allow_egress;       /* Odoo may open outbound SMTP/HTTPS */
    int separate_nodes;     /* Odoo prefers a node without its PostgreSQL */
};

/* deploy: where `odoo-saas deploy` and the console's Deploy screen go.
 * Strings are NULL when not configured (the engine's defaults apply). */
#define OS_DEPLOY_HOSTS_MAX 64
struct os_deploy_config {
    char **hosts;               /* "USER@HOST[:PORT]", each checked; the screen's list */
    size_t nhosts;
    char *identity;             /* key file */
    char *known_hosts;          /* known_hosts file */
    char *microk8s_channel;     /* snap channel, "1.33/stable" */
    char *bundle;               /* the source tarball to upload */
    char *platform_dir;         /* holds kubernetes/ and templates/ */
    char *remote_dir;           /* bundle folder on the host */
    char *remote_env;           /* shell assignments exported before every remote command */
    int64_t connect_timeout;    /* seconds; 0: the engine's 30 */
};

struct os_config {
    char *source;               /* the file read, or "defaults" */
    char *base_domain;          /* tenants live at <subdomain>.<base_domain> */
    char *odoo_image;           /* "odoo:17.0" */
    char *postgres_image;       /* "postgres:16" */
    int64_t odoo_uid, odoo_gid; /* numeric ids the images run as */
    int64_t postgres_uid, postgres_gid;
    char *storage_class;        /* "microk8s-hostpath" */
    enum os_ingress_mode ingress_mode;
    char *ingress_class;        /* "traefik" */
    char *ingress_namespace;    /* where the controller runs: "traefik" */
    char *ingress_pod_label;    /* "app.kubernetes.io/name=traefik" */
    char *ingress_entrypoint;   /* "websecure" */
    char *tls_secret;           /* TLS secret for routes, or "" (controller default) */
    char *dns_namespace;        /* "kube-system" */
    char *dns_pod_label;        /* "k8s-app=kube-dns" */
    int trial_days;             /* 0: no trial expiry */
    char *templates_dir;        /* override of the embedded templates, or NULL */
    struct os_tier *tiers;
    size_t ntiers;
    struct os_deploy_config deploy;
};

/* Load path (NULL: search as above; a missing default file is fine, a
 * missing explicit one is an error).  *out is new; free with
 * os_config_free(). */
int os_config_load(const char *path, struct os_config **out, struct os_error *err);
/* Defaults, then the YAML text on top (for tests and for the daemon). */
int os_config_load_text(const char *name, const char *text, size_t len,
                        struct os_config **out, struct os_error *err);
void os_config_free(struct os_config *cfg);

const struct os_tier *os_config_tier(const struct os_config *cfg, const char *name);
/* "basic, standard, premium" into buf, for messages. */
void os_config_tier_names(const struct os_config *cfg, char *buf, size_t len);
const char *os_ingress_mode_name(enum os_ingress_mode mode);

#endif
