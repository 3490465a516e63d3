/*
 * kubeconfig.h - where the cluster is and who we are to it.
 *
 * Loads a kubeconfig file (libyaml) or the in-cluster service account and
 * resolves it to one flat struct kube_config: the server URL, the TLS trust
 * (CA bundle or, only when the file says so, no verification), and the
 * credentials (bearer token, token file, client certificate and key, or an
 * exec credential plugin).  Certificate and key material is kept in memory
 * as PEM, never written to temporary files.
 *
 * Resolution (kube_config_load): the explicit path (--kubeconfig), else the
 * first file of $KUBECONFIG, else ~/.kube/config, else the in-cluster
 * service account when KUBERNETES_SERVICE_HOST is set.  The context is the
 * one asked for (--context) or current-context.  Relative file paths in a
 * kubeconfig are resolved against the kubeconfig's own directory.
 */
#ifndef KUBE_KUBECONFIG_H
#define KUBE_KUBECONFIG_H

#include <stddef.h>
#include <time.h>

#include "error.h"

/* users[].user.exec: a credential plugin to run (client.authentication.k8s.io) */
struct kube_exec {
    char *api_version;      /* client.authentication.k8s.io/v1 or v1beta1 */
    char *command;          /* resolved: relative paths with a '/' are made
                               absolute against the kubeconfig directory */
    char **args;            /* NULL-terminated */
    char **env;             /* NULL-terminated "NAME=VALUE" entries */
    char *install_hint;     /* shown when the command is missing */
    char *interactive_mode; /* Never, IfAvailable, Always (may be NULL) */
    int provide_cluster_info;
};

struct kube_config {
    char *source;           /* the file it came from, or "in-cluster" */
    char *context;          /* context name ("in-cluster" for in-cluster) */
    char *cluster;          /* cluster name */
    char *user;             /* user name */
    char *namespace;        /* context namespace, "default" when unset */

    char *server;           /* https://host:port (no trailing slash) */
    char *tls_server_name;  /* SNI / verification name override, or NULL */
    char *proxy_url;        /* or NULL */
    int insecure_skip_tls_verify;

    unsigned char *ca_pem;  /* CA bundle (PEM), NULL: the system store */
    size_t ca_pem_len;
    unsigned char *cert_pem;/* client certificate (PEM) or NULL */
    size_t cert_pem_len;
    unsigned char *key_pem; /* client key (PEM) or NULL */
    size_t key_pem_len;

    char *token;            /* bearer token, or NULL */
    char *token_file;       /* re-read periodically when set, or NULL */
    struct kube_exec *exec; /* or NULL */
};

struct kube_config_opts {
    const char *path;           /* --kubeconfig, or NULL */
    const char *context;        /* --context, or NULL for current-context */
    /* Environment overrides for tests; NULL means "read the real one". */
    const char *kubeconfig_env; /* $KUBECONFIG */
    const char *home;           /* $HOME */
    const char *service_host;   /* $KUBERNETES_SERVICE_HOST */
    const char *service_port;   /* $KUBERNETES_SERVICE_PORT */
    const char *sa_dir;         /* default /var/run/secrets/kubernetes.io/serviceaccount */
};

/* Resolve and load as described above.  On success *out is a new config
 * the caller frees with kube_config_free().  On failure *out is NULL and err
 * names the file, and the line for YAML errors. */
int kube_config_load(const struct kube_config_opts *opts,
                     struct kube_config **out, struct os_error *err);

/* Load one kubeconfig file; context NULL means current-context. */
int kube_config_load_file(const char *path, const char *context,
                          struct kube_config **out, struct os_error *err);

/* Same, from text in memory (dir resolves relative paths; may be NULL). */
int kube_config_load_text(const char *text, size_t len, const char *dir,
                          const char *context, struct kube_config **out,
                          struct os_error *err);

/* The in-cluster service account: token, ca.crt and namespace from sa_dir,
 * server from host and port (an IPv6 host is bracketed). */
int kube_config_load_incluster(const char *sa_dir, const char *host,
                               const char *port, struct kube_config **out,
                               struct os_error *err);

void kube_config_free(struct kube_config *cfg);

/* Credentials an exec plugin returned. */
struct kube_exec_credential {
    char *token;            /* or NULL */
    char *cert_pem;         /* raw PEM (not base64) or NULL */
    char *key_pem;          /* raw PEM or NULL */
    time_t expires;         /* 0 when the plugin gave no expiry */
};

/* Run cfg->exec: KUBERNETES_EXEC_INFO is set to an ExecCredential spec, the
 * plugin's env entries are added, stdin is /dev/null unless the mode is
 * Always, stdout (at most 1 MiB) is parsed as an ExecCredential.  A missing
 * command gives an error with the install hint.  The plugin is killed after
 * timeout_ms (0: 60 s).  On success the caller frees *out's fields with
 * kube_exec_credential_clear(). */
int kube_exec_run(const struct kube_config *cfg, int timeout_ms,
                  struct kube_exec_credential *out, struct os_error *err);
void kube_exec_credential_clear(struct kube_exec_credential *cred);

/* Read a token file (cfg->token_file or the service-account token): the
 * whole file, trailing whitespace removed.  *token is malloc'd; caller frees. */
int kube_config_read_token_file(const char *path, char **token, struct os_error *err);

#endif
