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
 * files of $KUBECONFIG, else ~/.kube/config, else the in-cluster service
 * account when KUBERNETES_SERVICE_HOST and _PORT are set.  $KUBECONFIG is a
 * colon list merged as kubectl does: missing files are skipped, the first
 * file that sets current-context wins, and a cluster, user or context is
 * taken from the first file that defines its name.  The context is the one
 * asked for (--context) or current-context.  Relative file paths in a
 * kubeconfig are resolved against the directory of the file that holds them.
 *
 * Errors are one line and name the file (and the line for YAML syntax):
 * OS_ERR_IO for files that cannot be read, OS_ERR_PARSE for malformed YAML
 * or base64, OS_ERR_LIMIT for oversized input, OS_ERR_INVALID for a
 * kubeconfig that does not say what is needed (no such context, no server),
 * OS_ERR_AUTH for unusable credentials.  They never quote tokens or keys.
 */
#ifndef KUBE_KUBECONFIG_H
#define KUBE_KUBECONFIG_H

#include <stddef.h>
#include <time.h>

#include "error.h"

#define KUBE_CONFIG_FILE_MAX (4u << 20)   /* a kubeconfig file */
#define KUBE_CONFIG_PART_MAX (1u << 20)   /* a CA, certificate, key or token file */
#define KUBE_EXEC_OUTPUT_MAX (1u << 20)   /* what an exec plugin may print */
#define KUBE_SA_DIR_DEFAULT "/var/run/secrets/kubernetes.io/serviceaccount"

/* users[].user.exec: a credential plugin to run (client.authentication.k8s.io) */
struct kube_exec {
    char *api_version;      /* client.authentication.k8s.io/v1 or v1beta1 */
    char *command;          /* resolved: relative paths with a '/' are made
                               absolute against the kubeconfig directory */
    char **args;            /* NULL-terminated */
    char **env;             /* NULL-terminated "NAME=VALUE" entries */
    char *install_hint;     /* shown when the command is missing */
    char *interactive_mode; /* Never, IfAvailable, Always; NULL (unset) acts
                               as IfAvailable */
    int provide_cluster_info;
};

struct kube_config {
    char *source;           /* the file it came from, or "in-cluster" */
    char *context;          /* context name ("in-cluster" for in-cluster) */
    char *cluster;          /* cluster name */
    char *user;             /* user name */
    char *namespace;        /* context namespace, "default" when unset */

    char *server;           /* https://host:port (no trailing slash; a
                               server without a scheme gets https://) */
    char *tls_server_name;  /* SNI / verification name override, or NULL */
    char *proxy_url;        /* or NULL */
    /* Kept as the file says, even together with a CA (kubectl refuses that
     * pair; we accept it).  When set, the transport does not verify the
     * server, whatever ca_pem holds; ca_pem is still passed to exec plugins
     * that ask for cluster info. */
    int insecure_skip_tls_verify;

    /* PEM buffers are NUL-terminated; the lengths exclude the NUL.  Data
     * fields (*-data) win over file paths when a file has both. */
    unsigned char *ca_pem;  /* CA bundle (PEM), NULL: the system store */
    size_t ca_pem_len;
    unsigned char *cert_pem;/* client certificate (PEM) or NULL */
    size_t cert_pem_len;
    unsigned char *key_pem; /* client key (PEM) or NULL */
    size_t key_pem_len;

    /* With tokenFile the token is read at load and token_file kept so the
     * transport can re-read it (rotated service-account tokens).  When the
     * file has both token and tokenFile, the file wins if it can be read. */
    char *token;            /* bearer token, or NULL */
    char *token_file;       /* absolute path, re-read periodically, or NULL */
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
    const char *sa_dir;         /* NULL: KUBE_SA_DIR_DEFAULT */
    /* An empty string counts as unset.  In-cluster is not used when a
     * context other than "in-cluster" is asked for: a --context meant for a
     * kubeconfig must never silently reach the local cluster instead. */
};

/* Resolve and load as described above (opts may be NULL: all defaults).
 * On success *out is a new config the caller frees with kube_config_free().
 * On failure *out is NULL and err names the file, and the line for YAML
 * errors; when nothing was found it lists what was tried. */
int kube_config_load(const struct kube_config_opts *opts,
                     struct kube_config **out, struct os_error *err);

/* Load one kubeconfig file; context NULL means current-context. */
int kube_config_load_file(const char *path, const char *context,
                          struct kube_config **out, struct os_error *err);

/* Same, from text in memory (dir resolves relative paths; NULL: the current
 * directory).  Errors call the source "<text>". */
int kube_config_load_text(const char *text, size_t len, const char *dir,
                          const char *context, struct kube_config **out,
                          struct os_error *err);

/* The in-cluster service account: token, ca.crt and namespace from sa_dir
 * (NULL: the default; a missing namespace file means "default"), server from
 * host and port (an IPv6 host is bracketed).  token_file is set to
 * sa_dir/token for rotation.  Caller frees *out with kube_config_free(). */
int kube_config_load_incluster(const char *sa_dir, const char *host,
                               const char *port, struct kube_config **out,
                               struct os_error *err);

/* Free a config; token and key memory is wiped first.  Safe on NULL. */
void kube_config_free(struct kube_config *cfg);

/* Credentials an exec plugin returned. */
struct kube_exec_credential {
    char *token;            /* or NULL */
    char *cert_pem;         /* raw PEM (not base64) or NULL */
    char *key_pem;          /* raw PEM or NULL */
    time_t expires;         /* expirationTimestamp (UTC); 0 when none given */
};

/* Run cfg->exec: KUBERNETES_EXEC_INFO is set to an ExecCredential spec
 * (apiVersion, kind, spec.interactive - true only for mode Always with a
 * terminal on stdin - and spec.cluster with the server and base64 CA when
 * provideClusterInfo), the plugin's env entries are added to
 * (and override) our environment, stdin is /dev/null unless the mode is
 * Always, stdout (at most KUBE_EXEC_OUTPUT_MAX) is parsed as an
 * ExecCredential whose apiVersion must match the configured one.  A missing
 * command gives an error with the install hint; a failing one gives the first
 * line of its stderr.  Unless the mode is Always, the plugin runs in its own
 * process group, so at timeout_ms (<= 0: 60 s) it and its children are
 * killed.  The child is always reaped.  On success the caller frees *out's
 * fields with kube_exec_credential_clear(); on failure *out is zeroed. */
int kube_exec_run(const struct kube_config *cfg, int timeout_ms,
                  struct kube_exec_credential *out, struct os_error *err);
/* Wipe and free the fields; the struct itself stays the caller's. */
void kube_exec_credential_clear(struct kube_exec_credential *cred);

/* Read a token file (cfg->token_file or the service-account token): the
 * whole file, trailing whitespace removed.  An empty token, or one with
 * control characters (which could split an HTTP header), is an error.
 * *token is malloc'd; the caller frees it (ideally after sodium_memzero). */
int kube_config_read_token_file(const char *path, char **token, struct os_error *err);

#endif
