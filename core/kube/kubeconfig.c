/*
 * kubeconfig.c - load a kubeconfig (or the in-cluster service account) into
 * one flat struct kube_config, and run exec credential plugins.  The
 * contract is in kubeconfig.h; the format is K8S-CONTRACT.md section 9.
 *
 * How it works:
 *
 *  1. A file is read whole (at most KUBE_CONFIG_FILE_MAX) and turned into a
 *     json-c tree by the shared yaml_json module (libyaml events; bounded
 *     nesting and anchors; the line of syntax errors).  It runs untyped:
 *     every scalar is a JSON string, or null for a plain null, so the code
 *     below only asks "string, list or mapping?" and parses booleans where
 *     they are used, accepting the YAML 1.1 spellings Go's yaml accepts.
 *
 *  2. One or more parsed files form a "set" (several when $KUBECONFIG lists
 *     several).  Lookups by name walk the files in order and the first match
 *     wins, which is kubectl's merge rule, without building a merged tree.
 *
 *  3. The chosen context names a cluster and a user; their fields are copied
 *     out, *-data fields are base64-decoded with libsodium and file paths are
 *     read into memory, so the transport never opens those files again
 *     (except token_file, which it re-reads for rotation).
 *
 *  4. kube_exec_run forks the plugin with pipes on stdout and stderr, polls
 *     both against a deadline, reaps the child, and parses the ExecCredential
 *     it printed.
 *
 * Secrets (tokens, keys) never enter error messages, and buffers that held
 * them are wiped with sodium_memzero before they are freed.  The json-c
 * trees cannot be wiped; they live only for the length of a load.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>

#include "kubeconfig.h"
#include "yaml_json.h"

#define ENV_FILES_MAX 32           /* files in one $KUBECONFIG list */
#define WHERE_MAX 384              /* "kubeconfig PATH: user \"NAME\"" */
#define EXEC_STDERR_MAX (8u << 10) /* kept for the error; the rest is drained */
#define EXEC_TIMEOUT_DEFAULT_MS 60000
#define EXEC_INFO_VAR "KUBERNETES_EXEC_INFO"
#define EXEC_KIND "ExecCredential"
#define EXEC_API_V1 "client.authentication.k8s.io/v1"
#define EXEC_API_V1BETA1 "client.authentication.k8s.io/v1beta1"
#define TEXT_NAME "<text>"

/* ---- small helpers -------------------------------------------------- */

static int nomem(struct os_error *err)
{
    return os_error_set(err, OS_ERR_NOMEM, "out of memory");
}

/* Wipe and free a buffer that may have held a secret.  Safe on NULL. */
static void free_secret(void *p, size_t len)
{
    if (!p)
        return;
    sodium_memzero(p, len);
    free(p);
}

static void free_secret_str(char *s)
{
    if (s)
        free_secret(s, strlen(s));
}

/* Copy src into *dst (NULL stays NULL).  *dst is malloc'd; the owner of the
 * struct it sits in frees it. */
static int dup_to(char **dst, const char *src, struct os_error *err)
{
    *dst = NULL;
    if (src && !(*dst = strdup(src)))
        return nomem(err);
    return 0;
}

/* printf into a new string.  Caller frees; NULL when out of memory. */
static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* A header value must stay on one line: no control characters at all. */
static int token_is_clean(const char *t)
{
    for (; *t; t++)
        if ((unsigned char)*t < 0x20 || *t == 0x7f)
            return 0;
    return 1;
}

static int has_pem(const void *buf, size_t len)
{
    return memmem(buf, len, "-----BEGIN ", 11) != NULL;
}

static void free_str_list(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}

/* ---- paths and files ------------------------------------------------ */

/* The current directory, or "." when it cannot be had.  Caller frees. */
static char *current_dir(void)
{
    char *cwd = getcwd(NULL, 0);
    return cwd ? cwd : strdup(".");
}

/* path made absolute against dir (or the current directory when dir is
 * NULL); an absolute path is copied.  Caller frees; NULL when out of memory. */
static char *path_resolve(const char *dir, const char *path)
{
    char *cwd, *out;

    if (path[0] == '/')
        return strdup(path);
    if (dir)
        return str_printf("%s/%s", dir, path);
    if (!(cwd = current_dir()))
        return NULL;
    out = str_printf("%s/%s", cwd, path);
    free(cwd);
    return out;
}

/* The absolute directory holding path (no symlinks resolved, as kubectl).
 * Caller frees; NULL when out of memory. */
static char *path_dir(const char *path)
{
    char *abs = path_resolve(NULL, path), *slash;

    if (!abs)
        return NULL;
    slash = strrchr(abs, '/');
    if (slash == abs)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    return abs;
}

/* True when path exists, or exists as far as we can tell: a file we cannot
 * stat for another reason than ENOENT is "there", so loading it reports the
 * real error instead of silently falling back to another file. */
static int path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

/* Grow a buffer that may hold secrets: a new block, copy, wipe the old one
 * (realloc could leave a copy behind).  Returns 0, or -1 when out of memory. */
static int grow_secret(char **buf, size_t *cap, size_t len, size_t want)
{
    char *nb = malloc(want);

    if (!nb)
        return -1;
    if (*buf) {
        memcpy(nb, *buf, len);
        free_secret(*buf, *cap);
    }
    *buf = nb;
    *cap = want;
    return 0;
}

/* Read a whole file of at most max bytes into a NUL-terminated buffer; *len
 * excludes the NUL.  what names the file in errors ("certificate-authority
 * /x/ca.crt: ...").  Caller frees *buf with free_secret(*buf, *len + 1). */
static int read_file(const char *path, size_t max, const char *what,
                     char **buf, size_t *len, struct os_error *err)
{
    struct stat st;
    char *b = NULL;
    size_t cap = 0, n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    *buf = NULL;
    *len = 0;
    if (fd < 0)
        return os_error_set(err, OS_ERR_IO, "%s %s: %s", what, path, strerror(errno));
    /* Size the buffer from fstat so it rarely grows; /proc-like files say 0. */
    size_t want = (fstat(fd, &st) == 0 && st.st_size > 0 && (size_t)st.st_size <= max)
                      ? (size_t)st.st_size + 2 : 4096;
    for (;;) {
        if (n + 1 >= cap && grow_secret(&b, &cap, n, cap ? cap * 2 : want) < 0) {
            close(fd);
            free_secret(b, cap);
            return nomem(err);
        }
        ssize_t r = read(fd, b + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            free_secret(b, cap);
            return os_error_set(err, OS_ERR_IO, "%s %s: %s", what, path, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            close(fd);
            free_secret(b, cap);
            return os_error_set(err, OS_ERR_LIMIT, "%s %s: larger than %zu KiB",
                                what, path, max >> 10);
        }
    }
    close(fd);
    /* Bytes past n + 1 were never written (grow_secret wiped old blocks), so
     * wiping len + 1 bytes at free time covers everything. */
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

int kube_config_read_token_file(const char *path, char **token, struct os_error *err)
{
    char *buf;
    size_t len;
    int rc;

    *token = NULL;
    if (!path)
        return os_error_set(err, OS_ERR_INVALID, "no token file given");
    rc = read_file(path, KUBE_CONFIG_PART_MAX, "token file", &buf, &len, err);
    if (rc < 0)
        return rc;
    while (len > 0 && isspace((unsigned char)buf[len - 1]))
        buf[--len] = '\0';
    /* A NUL inside would silently cut the token: treat it like a control char. */
    if (len == 0 || strlen(buf) != len || !token_is_clean(buf)) {
        rc = os_error_set(err, OS_ERR_AUTH, len == 0 ? "token file %s is empty"
                          : "token file %s: the token contains control characters", path);
        free_secret(buf, len + 1);
        return rc;
    }
    *token = buf;
    return 0;
}

/* ---- the parsed files ----------------------------------------------- */

struct kc_doc {
    char *path;                 /* as given, for messages and cfg->source */
    char *dir;                  /* absolute directory for relative paths */
    json_object *root;          /* a mapping */
};

struct kc_set {
    struct kc_doc doc[ENV_FILES_MAX];
    size_t n;
    const char *name;           /* the file, or the $KUBECONFIG list */
};

static void doc_free(struct kc_doc *d)
{
    free(d->path);
    free(d->dir);
    json_object_put(d->root);
    memset(d, 0, sizeof(*d));
}

static void set_free(struct kc_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        doc_free(&s->doc[i]);
    s->n = 0;
}

static json_object *map_get(json_object *o, const char *key)
{
    json_object *v = NULL;

    if (!o || !json_object_is_type(o, json_type_object))
        return NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

/* An optional string field: *out is NULL when absent, null or empty; an
 * error when it is a mapping or a list.  *out points into the tree. */
static int get_str(json_object *o, const char *key, const char *where,
                   const char **out, struct os_error *err)
{
    json_object *v = map_get(o, key);

    *out = NULL;
    if (!v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return os_error_set(err, OS_ERR_INVALID, "%s: %s is not a string", where, key);
    *out = json_object_get_string(v);
    if (!**out)
        *out = NULL;
    return 0;
}

/* An optional boolean: absent means false.  YAML 1.1 spellings are accepted
 * because Go's yaml package (what kubectl uses) accepts them. */
static int get_bool(json_object *o, const char *key, const char *where, int *out,
                    struct os_error *err)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
    const char *s;
    int rc = get_str(o, key, where, &s, err);

    *out = 0;
    if (rc < 0 || !s)
        return rc;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (!strcmp(s, yes[i]))
            return *out = 1, 0;
        if (!strcmp(s, no[i]))
            return 0;
    }
    return os_error_set(err, OS_ERR_INVALID, "%s: %s is not true or false", where, key);
}

/* Look name up in the list `list` ("clusters") of each file, first file
 * first.  *body is the entry's `field` mapping ("cluster"; NULL when the
 * entry has none) and *doc the file.  Returns 1 found, 0 not found, or a
 * negative error for a malformed file. */
static int find_named(const struct kc_set *set, const char *list, const char *field,
                      const char *name, json_object **body, const struct kc_doc **doc,
                      struct os_error *err)
{
    for (size_t i = 0; i < set->n; i++) {
        json_object *arr = map_get(set->doc[i].root, list);
        if (!arr)
            continue;
        if (!json_object_is_type(arr, json_type_array))
            return os_error_set(err, OS_ERR_INVALID, "kubeconfig %s: %s is not a list",
                                set->doc[i].path, list);
        for (size_t j = 0; j < json_object_array_length(arr); j++) {
            json_object *e = json_object_array_get_idx(arr, j);
            json_object *n = map_get(e, "name");
            if (!n || !json_object_is_type(n, json_type_string)
                || strcmp(json_object_get_string(n), name))
                continue;
            *body = map_get(e, field);
            *doc = &set->doc[i];
            if (*body && !json_object_is_type(*body, json_type_object))
                return os_error_set(err, OS_ERR_INVALID, "kubeconfig %s: %s \"%s\" is not a mapping",
                                    set->doc[i].path, field, name);
            return 1;
        }
    }
    return 0;
}

/* Parse text as one kubeconfig file into d.  dir may be NULL (cwd). */
static int doc_parse(struct kc_doc *d, const char *name, const char *text, size_t len,
                     const char *dir, struct os_error *err)
{
    /* Untyped: every scalar a string, as the code below expects. */
    static const struct yaml_json_opts yaml_opts = {.what = "kubeconfig"};
    json_object *kind;
    int rc;

    memset(d, 0, sizeof(*d));
    if (len > KUBE_CONFIG_FILE_MAX)
        return os_error_set(err, OS_ERR_LIMIT, "kubeconfig %s: larger than %u MiB", name,
                            KUBE_CONFIG_FILE_MAX >> 20);
    if (!(d->path = strdup(name)) || !(d->dir = dir ? strdup(dir) : current_dir()))
        return nomem(err);
    rc = yaml_json_parse(name, text, len, &yaml_opts, &d->root, err);
    if (rc < 0)
        return rc;
    if (!d->root)
        d->root = json_object_new_object();     /* an empty file */
    if (!d->root)
        return nomem(err);
    if (!json_object_is_type(d->root, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "kubeconfig %s: not a YAML mapping", name);
    kind = map_get(d->root, "kind");
    if (kind && json_object_is_type(kind, json_type_string)
        && strcmp(json_object_get_string(kind), "Config"))
        return os_error_set(err, OS_ERR_INVALID, "kubeconfig %s: kind is \"%.64s\", not Config",
                            name, json_object_get_string(kind));
    return 0;
}


static int doc_load_file(struct kc_doc *d, const char *path, struct os_error *err)
{
    char *text, *dir;
    size_t len;
    int rc = read_file(path, KUBE_CONFIG_FILE_MAX, "kubeconfig", &text, &len, err);

    memset(d, 0, sizeof(*d));
    if (rc < 0)
        return rc;
    if (!(dir = path_dir(path))) {
        free_secret(text, len + 1);
        return nomem(err);
    }
    rc = doc_parse(d, path, text, len, dir, err);
    free(dir);
    free_secret(text, len + 1);
    if (rc < 0)
        doc_free(d);
    return rc;
}

/* ---- from the tree to struct kube_config ---------------------------- */

/* Decode a *-data field (base64, whitespace ignored).  *out is a malloc'd,
 * NUL-terminated buffer the config owns. */
static int decode_b64(const char *b64, const char *field, const char *where,
                      unsigned char **out, size_t *out_len, struct os_error *err)
{
    size_t n = strlen(b64), max = n / 4 * 3 + 3, len = 0;
    unsigned char *bin = malloc(max + 1);

    if (!bin)
        return nomem(err);
    /* b64_end NULL: anything left unparsed (bad characters) is an error. */
    if (sodium_base642bin(bin, max, b64, n, " \t\r\n", &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        free_secret(bin, max + 1);
        return os_error_set(err, OS_ERR_PARSE, "%s: %s is not valid base64", where, field);
    }
    bin[len] = '\0';
    *out = bin;
    *out_len = len;
    return 0;
}

/* Fill *buf from `field`-data (base64) or else `field` (a file path,
 * relative to the file's directory).  Leaves *buf NULL when neither is set.
 * The buffer is owned by the config (kube_config_free). */
static int load_pem(const struct kc_doc *doc, json_object *o, const char *field,
                    const char *where, unsigned char **buf, size_t *len, struct os_error *err)
{
    char data_key[64], *path, *text = NULL;
    const char *data, *file;
    int rc;

    snprintf(data_key, sizeof(data_key), "%s-data", field);
    if ((rc = get_str(o, data_key, where, &data, err)) < 0
        || (rc = get_str(o, field, where, &file, err)) < 0)
        return rc;
    if (data) {
        rc = decode_b64(data, data_key, where, buf, len, err);
    } else if (file) {
        if (!(path = path_resolve(doc->dir, file)))
            return nomem(err);
        rc = read_file(path, KUBE_CONFIG_PART_MAX, field, &text, len, err);
        if (rc < 0)
            os_error_prefix(err, "%s", where);
        *buf = (unsigned char *)text;
        free(path);
    } else {
        return 0;
    }
    if (rc < 0)
        return rc;
    if (!has_pem(*buf, *len)) {
        free_secret(*buf, *len + 1);
        *buf = NULL;
        *len = 0;
        return os_error_set(err, OS_ERR_PARSE, "%s: %s does not hold PEM data%s", where,
                            data ? data_key : field, data ? " (base64 twice?)" : "");
    }
    return 0;
}

/* https://host:port with no trailing slash; a bare host:port gets https://. */
static int set_server(struct kube_config *cfg, const char *server, const char *where,
                      struct os_error *err)
{
    size_t n;

    if (!strstr(server, "://"))
        cfg->server = str_printf("https://%s", server);
    else if (!strncmp(server, "https://", 8) || !strncmp(server, "http://", 7))
        cfg->server = strdup(server);
    else
        return os_error_set(err, OS_ERR_INVALID, "%s: server \"%.200s\" is not an http(s) URL",
                            where, server);
    if (!cfg->server)
        return nomem(err);
    n = strlen(cfg->server);
    while (n > 0 && cfg->server[n - 1] == '/')
        cfg->server[--n] = '\0';
    return 0;
}

static int fill_cluster(const struct kc_set *set, struct kube_config *cfg, struct os_error *err)
{
    char where[WHERE_MAX];
    const struct kc_doc *doc;
    json_object *c = NULL;
    const char *server, *sni, *proxy;
    int rc = find_named(set, "clusters", "cluster", cfg->cluster, &c, &doc, err);

    if (rc < 0)
        return rc;
    if (rc == 0)
        return os_error_set(err, OS_ERR_INVALID, "cluster \"%s\" of context \"%s\" not found in %s",
                            cfg->cluster, cfg->context, set->name);
    snprintf(where, sizeof(where), "kubeconfig %s: cluster \"%s\"", doc->path, cfg->cluster);
    if ((rc = get_str(c, "server", where, &server, err)) < 0
        || (rc = get_str(c, "tls-server-name", where, &sni, err)) < 0
        || (rc = get_str(c, "proxy-url", where, &proxy, err)) < 0
        || (rc = get_bool(c, "insecure-skip-tls-verify", where,
                          &cfg->insecure_skip_tls_verify, err)) < 0)
        return rc;
    if (!server)
        return os_error_set(err, OS_ERR_INVALID, "cluster \"%s\" has no server in %s",
                            cfg->cluster, doc->path);
    if ((rc = set_server(cfg, server, where, err)) < 0
        || (rc = dup_to(&cfg->tls_server_name, sni, err)) < 0
        || (rc = dup_to(&cfg->proxy_url, proxy, err)) < 0)
        return rc;
    return load_pem(doc, c, "certificate-authority", where, &cfg->ca_pem, &cfg->ca_pem_len, err);
}

/* A list of strings (null items become ""), or NULL when absent.  The
 * NULL-terminated array and its strings are malloc'd; free_str_list frees. */
static int get_str_list(json_object *o, const char *key, const char *where,
                        char ***out, struct os_error *err)
{
    json_object *arr = map_get(o, key);
    size_t n;

    *out = NULL;
    if (!arr)
        return 0;
    if (!json_object_is_type(arr, json_type_array))
        return os_error_set(err, OS_ERR_INVALID, "%s: exec %s is not a list", where, key);
    n = json_object_array_length(arr);
    if (!(*out = calloc(n + 1, sizeof(char *))))
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(arr, i);
        if (v && !json_object_is_type(v, json_type_string))
            return os_error_set(err, OS_ERR_INVALID, "%s: exec %s[%zu] is not a string",
                                where, key, i);
        if (!((*out)[i] = strdup(v ? json_object_get_string(v) : "")))
            return nomem(err);
    }
    return 0;
}

/* exec.env: [{name, value}] as "NAME=VALUE" strings (see get_str_list). */
static int get_exec_env(json_object *o, const char *where, char ***out, struct os_error *err)
{
    json_object *arr = map_get(o, "env");
    size_t n;

    *out = NULL;
    if (!arr)
        return 0;
    if (!json_object_is_type(arr, json_type_array))
        return os_error_set(err, OS_ERR_INVALID, "%s: exec env is not a list", where);
    n = json_object_array_length(arr);
    if (!(*out = calloc(n + 1, sizeof(char *))))
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        const char *name, *value;
        int rc;
        if ((rc = get_str(e, "name", where, &name, err)) < 0
            || (rc = get_str(e, "value", where, &value, err)) < 0)
            return rc;
        if (!name || strchr(name, '='))
            return os_error_set(err, OS_ERR_INVALID, "%s: exec env[%zu] needs a name without '='",
                                where, i);
        if (!((*out)[i] = str_printf("%s=%s", name, value ? value : "")))
            return nomem(err);
    }
    return 0;
}

static int check_exec_fields(const char *api, const char *cmd, const char *mode,
                             const char *where, struct os_error *err)
{
    if (!api || (strcmp(api, EXEC_API_V1) && strcmp(api, EXEC_API_V1BETA1)))
        return os_error_set(err, OS_ERR_INVALID, "%s: exec apiVersion \"%.64s\" is not supported"
                            " (use " EXEC_API_V1 ")", where, api ? api : "");
    if (!cmd)
        return os_error_set(err, OS_ERR_INVALID, "%s: exec has no command", where);
    if (mode && strcmp(mode, "Never") && strcmp(mode, "IfAvailable") && strcmp(mode, "Always"))
        return os_error_set(err, OS_ERR_INVALID, "%s: exec interactiveMode \"%.32s\" is not"
                            " Never, IfAvailable or Always", where, mode);
    return 0;
}

/* users[].user.exec.  *out is owned by the config (kube_config_free). */
static int parse_exec(const struct kc_doc *doc, json_object *o, const char *where,
                      struct kube_exec **out, struct os_error *err)
{
    const char *api, *cmd, *hint, *mode;
    struct kube_exec *ex;
    int rc;

    if (!json_object_is_type(o, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "%s: exec is not a mapping", where);
    if ((rc = get_str(o, "apiVersion", where, &api, err)) < 0
        || (rc = get_str(o, "command", where, &cmd, err)) < 0
        || (rc = get_str(o, "installHint", where, &hint, err)) < 0
        || (rc = get_str(o, "interactiveMode", where, &mode, err)) < 0
        || (rc = check_exec_fields(api, cmd, mode, where, err)) < 0)
        return rc;
    if (!(*out = ex = calloc(1, sizeof(*ex))))
        return nomem(err);
    /* "./helper" or "bin/helper" is relative to the kubeconfig, a bare name
     * is looked up in PATH (as kubectl does). */
    ex->command = (strchr(cmd, '/') && cmd[0] != '/') ? path_resolve(doc->dir, cmd) : strdup(cmd);
    if (!ex->command)
        return nomem(err);
    if ((rc = dup_to(&ex->api_version, api, err)) < 0
        || (rc = dup_to(&ex->install_hint, hint, err)) < 0
        || (rc = dup_to(&ex->interactive_mode, mode, err)) < 0
        || (rc = get_str_list(o, "args", where, &ex->args, err)) < 0
        || (rc = get_exec_env(o, where, &ex->env, err)) < 0)
        return rc;
    return get_bool(o, "provideClusterInfo", where, &ex->provide_cluster_info, err);
}

/* token and tokenFile.  With both, the file wins when it can be read. */
static int fill_token(const struct kc_doc *doc, json_object *u, const char *where,
                      struct kube_config *cfg, struct os_error *err)
{
    const char *token, *file;
    int rc;

    if ((rc = get_str(u, "token", where, &token, err)) < 0
        || (rc = get_str(u, "tokenFile", where, &file, err)) < 0)
        return rc;
    if (file) {
        if (!(cfg->token_file = path_resolve(doc->dir, file)))
            return nomem(err);
        rc = kube_config_read_token_file(cfg->token_file, &cfg->token, err);
        if (rc < 0 && !token)
            os_error_prefix(err, "%s", where);
        if (rc == 0 || !token)
            return rc;
        os_error_clear(err);
    }
    if (!token)
        return 0;
    if (!token_is_clean(token))
        return os_error_set(err, OS_ERR_AUTH, "%s: token contains control characters", where);
    return dup_to(&cfg->token, token, err);
}

static int fill_user_body(const struct kc_doc *doc, json_object *u, const char *where,
                          struct kube_config *cfg, struct os_error *err)
{
    json_object *exec = map_get(u, "exec");
    int rc;

    if ((rc = fill_token(doc, u, where, cfg, err)) < 0
        || (rc = load_pem(doc, u, "client-certificate", where, &cfg->cert_pem,
                          &cfg->cert_pem_len, err)) < 0
        || (rc = load_pem(doc, u, "client-key", where, &cfg->key_pem,
                          &cfg->key_pem_len, err)) < 0)
        return rc;
    if (!cfg->cert_pem != !cfg->key_pem)
        return os_error_set(err, OS_ERR_AUTH, "%s: %s", where, cfg->cert_pem
                            ? "client-certificate without client-key"
                            : "client-key without client-certificate");
    if (exec && (rc = parse_exec(doc, exec, where, &cfg->exec, err)) < 0)
        return rc;
    /* Say so rather than connect anonymously with credentials ignored. */
    if (!cfg->token && !cfg->cert_pem && !cfg->exec) {
        if (map_get(u, "auth-provider"))
            return os_error_set(err, OS_ERR_AUTH, "%s: auth-provider is not supported"
                                " (use an exec credential plugin)", where);
        if (map_get(u, "username") || map_get(u, "password"))
            return os_error_set(err, OS_ERR_AUTH, "%s: username/password (basic auth)"
                                " is not supported", where);
    }
    return 0;
}

static int fill_user(const struct kc_set *set, struct kube_config *cfg, struct os_error *err)
{
    char where[WHERE_MAX];
    const struct kc_doc *doc;
    json_object *u = NULL;
    int rc;

    if (!cfg->user)
        return 0;               /* no user: anonymous, as kubectl allows */
    rc = find_named(set, "users", "user", cfg->user, &u, &doc, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return os_error_set(err, OS_ERR_INVALID, "user \"%s\" of context \"%s\" not found in %s",
                            cfg->user, cfg->context, set->name);
    snprintf(where, sizeof(where), "kubeconfig %s: user \"%s\"", doc->path, cfg->user);
    return fill_user_body(doc, u, where, cfg, err);
}

/* The context to use: the one asked for, else the first current-context. */
static int pick_context(const struct kc_set *set, const char *want, const char **name,
                        struct os_error *err)
{
    *name = want && *want ? want : NULL;
    for (size_t i = 0; !*name && i < set->n; i++) {
        char where[WHERE_MAX];
        int rc;
        snprintf(where, sizeof(where), "kubeconfig %s", set->doc[i].path);
        if ((rc = get_str(set->doc[i].root, "current-context", where, name, err)) < 0)
            return rc;
    }
    if (!*name)
        return os_error_set(err, OS_ERR_INVALID, "no current-context in %s (use --context)",
                            set->name);
    return 0;
}

static int fill_context(const struct kc_set *set, const char *want, struct kube_config *cfg,
                        struct os_error *err)
{
    char where[WHERE_MAX];
    const struct kc_doc *doc;
    const char *name, *cluster, *user, *ns;
    json_object *c = NULL;
    int rc;

    if ((rc = pick_context(set, want, &name, err)) < 0)
        return rc;
    if ((rc = find_named(set, "contexts", "context", name, &c, &doc, err)) < 0)
        return rc;
    if (rc == 0)
        return os_error_set(err, OS_ERR_INVALID, "context \"%s\" not found in %s", name, set->name);
    snprintf(where, sizeof(where), "kubeconfig %s: context \"%s\"", doc->path, name);
    if ((rc = get_str(c, "cluster", where, &cluster, err)) < 0
        || (rc = get_str(c, "user", where, &user, err)) < 0
        || (rc = get_str(c, "namespace", where, &ns, err)) < 0)
        return rc;
    if (!cluster)
        return os_error_set(err, OS_ERR_INVALID, "context \"%s\" has no cluster in %s",
                            name, doc->path);
    if ((rc = dup_to(&cfg->source, doc->path, err)) < 0
        || (rc = dup_to(&cfg->context, name, err)) < 0
        || (rc = dup_to(&cfg->cluster, cluster, err)) < 0
        || (rc = dup_to(&cfg->user, user, err)) < 0)
        return rc;
    return dup_to(&cfg->namespace, ns ? ns : "default", err);
}

/* Resolve the context of a set of parsed files into a new config. */
static int build_config(const struct kc_set *set, const char *context,
                        struct kube_config **out, struct os_error *err)
{
    struct kube_config *cfg = calloc(1, sizeof(*cfg));
    int rc;

    if (!cfg)
        return nomem(err);
    if ((rc = fill_context(set, context, cfg, err)) < 0
        || (rc = fill_cluster(set, cfg, err)) < 0
        || (rc = fill_user(set, cfg, err)) < 0) {
        kube_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return 0;
}

void kube_config_free(struct kube_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->source);
    free(cfg->context);
    free(cfg->cluster);
    free(cfg->user);
    free(cfg->namespace);
    free(cfg->server);
    free(cfg->tls_server_name);
    free(cfg->proxy_url);
    free(cfg->ca_pem);
    free_secret(cfg->cert_pem, cfg->cert_pem_len + 1);
    free_secret(cfg->key_pem, cfg->key_pem_len + 1);
    free_secret_str(cfg->token);
    free(cfg->token_file);
    if (cfg->exec) {
        free(cfg->exec->api_version);
        free(cfg->exec->command);
        free_str_list(cfg->exec->args);
        free_str_list(cfg->exec->env);
        free(cfg->exec->install_hint);
        free(cfg->exec->interactive_mode);
        free(cfg->exec);
    }
    free(cfg);
}

/* ---- loading -------------------------------------------------------- */

int kube_config_load_text(const char *text, size_t len, const char *dir,
                          const char *context, struct kube_config **out,
                          struct os_error *err)
{
    struct kc_set set = {.n = 1, .name = TEXT_NAME};
    int rc;

    *out = NULL;
    rc = doc_parse(&set.doc[0], TEXT_NAME, text, len, dir, err);
    if (rc == 0)
        rc = build_config(&set, context, out, err);
    set_free(&set);
    return rc;
}

int kube_config_load_file(const char *path, const char *context,
                          struct kube_config **out, struct os_error *err)
{
    struct kc_set set = {.name = path};
    int rc;

    *out = NULL;
    rc = doc_load_file(&set.doc[0], path, err);
    if (rc < 0)
        return rc;
    set.n = 1;
    rc = build_config(&set, context, out, err);
    set_free(&set);
    return rc;
}

/* Append to the "tried" list of the final "nothing found" error. */
static void tried_add(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void tried_add(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;

    if (n + 2 >= cap)
        return;
    if (n)
        n += (size_t)snprintf(buf + n, cap - n, ", ");
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

/* Parse every existing file of a $KUBECONFIG list into set; a missing file
 * is skipped (as kubectl does) and noted in tried. */
static int load_env_list(const char *list, struct kc_set *set, char *tried, size_t cap,
                         struct os_error *err)
{
    char *copy = strdup(list), *save = NULL;
    int rc = 0;

    if (!copy)
        return nomem(err);
    for (char *p = strtok_r(copy, ":", &save); p && rc == 0; p = strtok_r(NULL, ":", &save)) {
        if (!path_exists(p)) {
            tried_add(tried, cap, "%s", p);
            continue;
        }
        if (set->n == ENV_FILES_MAX) {
            rc = os_error_set(err, OS_ERR_LIMIT, "$KUBECONFIG lists more than %d files",
                              ENV_FILES_MAX);
            break;
        }
        rc = doc_load_file(&set->doc[set->n], p, err);
        if (rc == 0)
            set->n++;
    }
    free(copy);
    return rc;
}

/* The environment, or the test's override of it. */
static const char *env_or(const char *override, const char *name)
{
    const char *v = override ? override : getenv(name);
    return v && *v ? v : NULL;
}

static int load_from_env(const char *list, const char *context, char *tried, size_t cap,
                         struct kube_config **out, struct os_error *err)
{
    struct kc_set set = {.name = list};
    int rc = load_env_list(list, &set, tried, cap, err);

    if (rc == 0 && set.n > 0) {
        if (set.n == 1)
            set.name = set.doc[0].path;
        rc = build_config(&set, context, out, err);
    }
    set_free(&set);
    return rc;
}

/* ~/.kube/config: its load result when it exists, else 1 (noted in tried). */
static int load_from_home(const char *home, const char *context, char *tried, size_t cap,
                          struct kube_config **out, struct os_error *err)
{
    char *path;
    int rc = 1;

    if (!home) {
        tried_add(tried, cap, "~/.kube/config ($HOME unset)");
        return 1;
    }
    if (!(path = str_printf("%s/.kube/config", home)))
        return nomem(err);
    if (path_exists(path))
        rc = kube_config_load_file(path, context, out, err);
    else
        tried_add(tried, cap, "%s", path);
    free(path);
    return rc;
}

int kube_config_load(const struct kube_config_opts *opts,
                     struct kube_config **out, struct os_error *err)
{
    static const struct kube_config_opts none;
    const struct kube_config_opts *o = opts ? opts : &none;
    const char *ctx = o->context && *o->context ? o->context : NULL;
    const char *list = env_or(o->kubeconfig_env, "KUBECONFIG");
    const char *host = env_or(o->service_host, "KUBERNETES_SERVICE_HOST");
    const char *port = env_or(o->service_port, "KUBERNETES_SERVICE_PORT");
    char tried[OS_ERROR_MSG_MAX] = "";
    int rc = 0;

    *out = NULL;
    if (o->path && *o->path)
        return kube_config_load_file(o->path, ctx, out, err);
    if (list)
        rc = load_from_env(list, ctx, tried, sizeof(tried), out, err);
    else
        tried_add(tried, sizeof(tried), "$KUBECONFIG (unset)");
    if (rc < 0 || *out)
        return rc;
    rc = load_from_home(env_or(o->home, "HOME"), ctx, tried, sizeof(tried), out, err);
    if (rc <= 0)
        return rc;
    if (ctx && strcmp(ctx, "in-cluster"))
        tried_add(tried, sizeof(tried), "in-cluster (not used with --context %s)", ctx);
    else if (host && port)
        return kube_config_load_incluster(o->sa_dir, host, port, out, err);
    else
        tried_add(tried, sizeof(tried), "in-cluster (KUBERNETES_SERVICE_HOST/PORT unset)");
    return os_error_set(err, OS_ERR_INVALID, "no kubeconfig found; tried %s", tried);
}

/* ---- in-cluster ----------------------------------------------------- */

static int valid_port(const char *port)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(port, &end, 10);
    return errno == 0 && *end == '\0' && isdigit((unsigned char)port[0]) && v > 0 && v < 65536;
}

/* sa_dir/namespace, trimmed; "default" when the file is absent or empty. */
static int read_namespace(const char *dir, char **ns, struct os_error *err)
{
    char *path = str_printf("%s/namespace", dir), *buf = NULL, *s;
    size_t len = 0;
    int rc = 0;

    if (!path)
        return nomem(err);
    if (path_exists(path))
        rc = read_file(path, 4096, "in-cluster namespace", &buf, &len, err);
    free(path);
    if (rc < 0)
        return rc;
    for (s = buf; s && isspace((unsigned char)*s); s++)
        ;
    while (len > 0 && buf && isspace((unsigned char)buf[len - 1]))
        buf[--len] = '\0';
    *ns = strdup(s && *s ? s : "default");
    free(buf);
    return *ns ? 0 : nomem(err);
}

static int fill_incluster(struct kube_config *cfg, const char *dir, const char *host,
                          const char *port, struct os_error *err)
{
    char *ca_path, *ca;
    int rc;

    if ((rc = dup_to(&cfg->source, "in-cluster", err)) < 0
        || (rc = dup_to(&cfg->context, "in-cluster", err)) < 0
        || (rc = dup_to(&cfg->cluster, "in-cluster", err)) < 0
        || (rc = dup_to(&cfg->user, "serviceaccount", err)) < 0)
        return rc;
    /* An IPv6 literal needs brackets in a URL. */
    cfg->server = strchr(host, ':') && host[0] != '['
                      ? str_printf("https://[%s]:%s", host, port)
                      : str_printf("https://%s:%s", host, port);
    if (!cfg->server || !(cfg->token_file = str_printf("%s/token", dir))
        || !(ca_path = str_printf("%s/ca.crt", dir)))
        return nomem(err);
    rc = kube_config_read_token_file(cfg->token_file, &cfg->token, err);
    if (rc == 0 && (rc = read_file(ca_path, KUBE_CONFIG_PART_MAX, "ca.crt", &ca,
                                   &cfg->ca_pem_len, err)) == 0)
        cfg->ca_pem = (unsigned char *)ca;
    if (rc == 0 && !has_pem(cfg->ca_pem, cfg->ca_pem_len))
        rc = os_error_set(err, OS_ERR_PARSE, "ca.crt %s does not hold PEM data", ca_path);
    free(ca_path);
    if (rc == 0)
        rc = read_namespace(dir, &cfg->namespace, err);
    if (rc < 0)
        os_error_prefix(err, "in-cluster");
    return rc;
}

int kube_config_load_incluster(const char *sa_dir, const char *host,
                               const char *port, struct kube_config **out,
                               struct os_error *err)
{
    struct kube_config *cfg;
    int rc;

    *out = NULL;
    if (!host || !*host || !port || !*port)
        return os_error_set(err, OS_ERR_INVALID, "in-cluster: KUBERNETES_SERVICE_HOST and"
                            " KUBERNETES_SERVICE_PORT must both be set");
    if (!valid_port(port))
        return os_error_set(err, OS_ERR_INVALID, "in-cluster: KUBERNETES_SERVICE_PORT \"%.16s\""
                            " is not a port number", port);
    if (!(cfg = calloc(1, sizeof(*cfg))))
        return nomem(err);
    rc = fill_incluster(cfg, sa_dir && *sa_dir ? sa_dir : KUBE_SA_DIR_DEFAULT, host, port, err);
    if (rc < 0) {
        kube_config_free(cfg);
        return rc;
    }
    *out = cfg;
    return 0;
}

/* ---- exec plugins: the environment ---------------------------------- */

/* Add key: string to a json-c object; -1 when out of memory. */
static int json_add_str(json_object *o, const char *key, const char *val)
{
    json_object *v = json_object_new_string(val);

    if (!v || json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

static int json_add(json_object *o, const char *key, json_object *v)
{
    if (!v || json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        return -1;
    }
    return 0;
}

/* spec.cluster of the ExecCredential (provideClusterInfo). */
static json_object *exec_cluster_info(const struct kube_config *cfg)
{
    json_object *c = json_object_new_object();
    int bad = !c || json_add_str(c, "server", cfg->server ? cfg->server : "") < 0;

    if (!bad && cfg->tls_server_name)
        bad = json_add_str(c, "tls-server-name", cfg->tls_server_name) < 0;
    if (!bad && cfg->insecure_skip_tls_verify)
        bad = json_add(c, "insecure-skip-tls-verify", json_object_new_boolean(1)) < 0;
    if (!bad && cfg->proxy_url)
        bad = json_add_str(c, "proxy-url", cfg->proxy_url) < 0;
    if (!bad && cfg->ca_pem) {
        size_t n = sodium_base64_encoded_len(cfg->ca_pem_len, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = malloc(n);
        bad = !b64;
        if (b64) {
            sodium_bin2base64(b64, n, cfg->ca_pem, cfg->ca_pem_len,
                              sodium_base64_VARIANT_ORIGINAL);
            bad = json_add_str(c, "certificate-authority-data", b64) < 0;
        }
        free(b64);
    }
    if (bad) {
        json_object_put(c);
        return NULL;
    }
    return c;
}

/* "KUBERNETES_EXEC_INFO=<ExecCredential JSON>".  Caller frees; NULL when
 * out of memory. */
static char *exec_info_entry(const struct kube_config *cfg, int interactive)
{
    json_object *root = json_object_new_object(), *spec = json_object_new_object();
    char *entry = NULL;
    int bad = !root || !spec;

    if (!bad)
        bad = json_add(spec, "interactive", json_object_new_boolean(interactive)) < 0;
    if (!bad && cfg->exec->provide_cluster_info)
        bad = json_add(spec, "cluster", exec_cluster_info(cfg)) < 0;
    if (!bad)
        bad = json_add_str(root, "apiVersion", cfg->exec->api_version) < 0
              || json_add_str(root, "kind", EXEC_KIND) < 0;
    if (!bad) {
        bad = json_add(root, "spec", spec) < 0;
        spec = NULL;            /* owned by root now, or already put */
    }
    if (!bad)
        entry = str_printf(EXEC_INFO_VAR "=%s", json_object_to_json_string_ext(root,
                           JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(spec);
    json_object_put(root);
    return entry;
}

/* Does the "NAME=VALUE" entry set the variable that `setter` ("NAME=...")
 * sets? */
static int env_same_name(const char *entry, const char *setter)
{
    size_t n = strcspn(setter, "=");
    return !strncmp(entry, setter, n) && entry[n] == '=';
}

/* Our environment without the names the plugin sets, then the plugin env,
 * then KUBERNETES_EXEC_INFO (info).  The array is malloc'd and the caller
 * frees it (free(), not free_str_list: the strings are borrowed). */
static char **exec_envp(const struct kube_exec *ex, char *info)
{
    size_t n = 0, extra = 1, k = 0;
    char **envp;

    for (char **e = environ; e && *e; e++)
        n++;
    for (char **e = ex->env; e && *e; e++)
        extra++;
    if (!(envp = calloc(n + extra + 1, sizeof(char *))))
        return NULL;
    for (char **e = environ; e && *e; e++) {
        int shadowed = env_same_name(*e, info);
        for (char **p = ex->env; !shadowed && p && *p; p++)
            shadowed = env_same_name(*e, *p);
        if (!shadowed)
            envp[k++] = *e;
    }
    for (char **e = ex->env; e && *e; e++)
        envp[k++] = *e;
    envp[k] = info;
    return envp;
}

/* argv: the command then its args.  Malloc'd array of borrowed strings;
 * the caller frees the array. */
static char **exec_argv(const struct kube_exec *ex)
{
    size_t n = 0;
    char **argv;

    for (char **a = ex->args; a && *a; a++)
        n++;
    if (!(argv = calloc(n + 2, sizeof(char *))))
        return NULL;
    argv[0] = ex->command;
    for (size_t i = 0; i < n; i++)
        argv[i + 1] = ex->args[i];
    return argv;
}

/* ---- exec plugins: the process -------------------------------------- */

struct exec_proc {
    pid_t pid;
    int out_fd, err_fd;         /* our read ends, -1 once at EOF */
    char *out;                  /* stdout: credentials, wiped on free */
    size_t out_len, out_cap;
    char err[EXEC_STDERR_MAX + 1];
    size_t err_len;
};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Move a close-on-exec fd above 2, so the child's dup2 onto 0/1/2 can never
 * clobber another of our fds (our own stdio may be closed). */
static int fd_high(int fd)
{
    int nfd;

    if (fd < 0 || fd > 2)
        return fd;
    nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return nfd;
}

static int pipe_high(int p[2])
{
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    p[0] = fd_high(p[0]);
    p[1] = fd_high(p[1]);
    return p[0] < 0 || p[1] < 0 ? -1 : 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* In the child: only async-signal-safe calls until exec.  The exec errno
 * goes back through fail_fd (close-on-exec, so a successful exec closes it
 * and the parent reads EOF). */
static void __attribute__((noreturn))
exec_child(char **argv, char **envp, int in_fd, int out_fd, int err_fd, int fail_fd,
           int own_group)
{
    struct sigaction dfl;
    sigset_t none;
    int e;

    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, NULL);     /* we may ignore it; the plugin should not */
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (own_group)
        setpgid(0, 0);
    if ((in_fd >= 0 && dup2(in_fd, 0) < 0) || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        goto fail;
#ifdef CLOSE_RANGE_CLOEXEC
    /* Fds our process opened without O_CLOEXEC are not the plugin's business. */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
    execvpe(argv[0], argv, envp);
fail:
    e = errno;
    write_all(fail_fd, &e, sizeof(e));
    _exit(127);
}

static pid_t wait_child(pid_t pid, int *status)
{
    pid_t r;

    do
        r = waitpid(pid, status, 0);
    while (r < 0 && errno == EINTR);
    return r;
}

/* The errno the child sent when exec failed, or 0 when exec succeeded. */
static int read_exec_errno(int fd)
{
    int e = 0;
    ssize_t r;

    do
        r = read(fd, &e, sizeof(e));
    while (r < 0 && errno == EINTR);
    return r == (ssize_t)sizeof(e) ? e : 0;
}

static int exec_errno_error(const struct kube_exec *ex, int e, struct os_error *err)
{
    const char *hint = ex->install_hint ? ex->install_hint : "";
    int n = (int)strlen(hint);

    while (n > 0 && isspace((unsigned char)hint[n - 1]))
        n--;                    /* a YAML block scalar ends in a newline */
    if (e == ENOENT)
        return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\" not found%s%.*s", ex->command,
                            n ? ": " : "", n, hint);
    return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\" cannot be run: %s", ex->command,
                        strerror(e));
}

/* Fork and exec the plugin with stdout and stderr on pipes.  On success p
 * holds the pid and our read ends (exec_run_proc closes and reaps). */
static int exec_spawn(const struct kube_exec *ex, char **argv, char **envp, int own_group,
                      int devnull_stdin, struct exec_proc *p, struct os_error *err)
{
    int outp[2] = {-1, -1}, errp[2] = {-1, -1}, failp[2] = {-1, -1}, in_fd = -1, e, rc = 0;
    pid_t pid = -1;

    if (pipe_high(outp) < 0 || pipe_high(errp) < 0 || pipe_high(failp) < 0
        || (devnull_stdin && (in_fd = fd_high(open("/dev/null", O_RDONLY | O_CLOEXEC))) < 0)
        || (pid = fork()) < 0)
        rc = os_error_set(err, OS_ERR_IO, "exec plugin \"%s\": %s", ex->command, strerror(errno));
    if (pid == 0)
        exec_child(argv, envp, in_fd, outp[1], errp[1], failp[1], own_group);
    close_fd(&outp[1]);
    close_fd(&errp[1]);
    close_fd(&failp[1]);
    close_fd(&in_fd);
    if (pid > 0 && own_group)
        setpgid(pid, pid);      /* also here, so a kill at once hits the group */
    e = pid > 0 ? read_exec_errno(failp[0]) : 0;
    close_fd(&failp[0]);
    if (pid < 0 || e) {
        close_fd(&outp[0]);
        close_fd(&errp[0]);
        if (pid > 0)
            wait_child(pid, &(int){0});
        return pid < 0 ? rc : exec_errno_error(ex, e, err);
    }
    p->pid = pid;
    p->out_fd = outp[0];
    p->err_fd = errp[0];
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is ready on stdout: 0, 1 at EOF, or an error (too much output). */
static int read_stdout(struct exec_proc *p, const char *cmd, struct os_error *err)
{
    ssize_t r;

    if (p->out_cap - p->out_len < 4096
        && grow_secret(&p->out, &p->out_cap, p->out_len,
                       p->out_cap ? p->out_cap * 2 : 16384) < 0)
        return nomem(err);
    p->out[p->out_len] = '\0';
    r = read(p->out_fd, p->out + p->out_len, p->out_cap - p->out_len - 1);
    if (r < 0)
        return errno == EINTR || errno == EAGAIN ? 0
               : os_error_set(err, OS_ERR_IO, "exec plugin \"%s\": %s", cmd, strerror(errno));
    if (r == 0)
        return 1;
    p->out_len += (size_t)r;
    p->out[p->out_len] = '\0';
    if (p->out_len > KUBE_EXEC_OUTPUT_MAX)
        return os_error_set(err, OS_ERR_LIMIT, "exec plugin \"%s\" printed more than %u KiB",
                            cmd, KUBE_EXEC_OUTPUT_MAX >> 10);
    return 0;
}

/* Read what is ready on stderr, keeping the first EXEC_STDERR_MAX bytes and
 * draining the rest so the plugin never blocks on a full pipe. */
static int read_stderr(struct exec_proc *p)
{
    char sink[4096];
    size_t room = EXEC_STDERR_MAX - p->err_len;
    char *dst = room ? p->err + p->err_len : sink;
    ssize_t r = read(p->err_fd, dst, room ? room : sizeof(sink));

    if (r < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : 1;
    if (r == 0)
        return 1;
    if (room) {
        p->err_len += (size_t)r;
        p->err[p->err_len] = '\0';
    }
    return 0;
}

/* Collect stdout and stderr until both reach EOF or the deadline passes. */
static int exec_collect(struct exec_proc *p, const char *cmd, long long deadline,
                        int timeout_ms, struct os_error *err)
{
    while (p->out_fd >= 0 || p->err_fd >= 0) {
        struct pollfd fds[2] = {{.fd = p->out_fd, .events = POLLIN},
                                {.fd = p->err_fd, .events = POLLIN}};
        long long left = deadline - now_ms();
        int rc;

        if (left <= 0)
            return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\" timed out after %d ms",
                                cmd, timeout_ms);
        /* poll ignores negative fds, so a closed stream just drops out. */
        if (poll(fds, 2, (int)(left > INT_MAX ? INT_MAX : left)) < 0) {
            if (errno == EINTR)
                continue;
            return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\": poll: %s", cmd,
                                strerror(errno));
        }
        if (fds[0].revents) {
            if ((rc = read_stdout(p, cmd, err)) < 0)
                return rc;
            if (rc == 1)
                close_fd(&p->out_fd);
        }
        if (fds[1].revents && read_stderr(p) == 1)
            close_fd(&p->err_fd);
    }
    return 0;
}

/* The first non-empty line of stderr, at most 200 bytes, in buf. */
static const char *first_line(const char *s, char *buf, size_t cap)
{
    size_t n;

    s += strspn(s, " \t\r\n");
    n = strcspn(s, "\r\n");
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

static int exec_status_error(const struct exec_proc *p, const char *cmd, int status,
                             struct os_error *err)
{
    char line[201];
    const char *msg = first_line(p->err, line, sizeof(line));
    const char *sep = *msg ? ": " : "";

    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFSIGNALED(status))
        return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\" was killed by signal %d (%s)%s%s",
                            cmd, WTERMSIG(status), strsignal(WTERMSIG(status)), sep, msg);
    return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\" failed with exit status %d%s%s",
                        cmd, WIFEXITED(status) ? WEXITSTATUS(status) : -1, sep, msg);
}

/* ---- exec plugins: the ExecCredential ------------------------------- */

static int take_digits(const char **s, int n, int *out)
{
    *out = 0;
    for (int i = 0; i < n; i++, (*s)++) {
        if (!isdigit((unsigned char)**s))
            return -1;
        *out = *out * 10 + (**s - '0');
    }
    return 0;
}

/* RFC 3339 ("2026-11-27T11:00:00Z", fraction and offset optional) to UTC
 * seconds.  Returns 0, or -1 when it is not one. */
static int parse_rfc3339(const char *s, time_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;

    if (take_digits(&s, 4, &y) || *s++ != '-' || take_digits(&s, 2, &mo) || *s++ != '-'
        || take_digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' ') || !*s++
        || take_digits(&s, 2, &h) || *s++ != ':' || take_digits(&s, 2, &mi) || *s++ != ':'
        || take_digits(&s, 2, &sec))
        return -1;
    if (*s == '.' && isdigit((unsigned char)s[1]))
        for (s++; isdigit((unsigned char)*s); s++)
            ;
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (*s == '+' || *s == '-') {
        sign = *s++ == '-' ? -1 : 1;
        if (take_digits(&s, 2, &oh) || *s++ != ':' || take_digits(&s, 2, &om) || oh > 23 || om > 59)
            return -1;
    } else {
        return -1;
    }
    if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = timegm(&tm) - (time_t)sign * (oh * 3600 + om * 60);
    return 0;
}

/* Copy the status fields into out (malloc'd; kube_exec_credential_clear). */
static int exec_status(json_object *status, const char *where, struct kube_exec_credential *out,
                       struct os_error *err)
{
    const char *token, *cert, *key, *exp;
    int rc;

    if ((rc = get_str(status, "token", where, &token, err)) < 0
        || (rc = get_str(status, "clientCertificateData", where, &cert, err)) < 0
        || (rc = get_str(status, "clientKeyData", where, &key, err)) < 0
        || (rc = get_str(status, "expirationTimestamp", where, &exp, err)) < 0)
        return rc;
    if (!token && !(cert && key))
        return os_error_set(err, OS_ERR_AUTH, "%s: %s", where, cert || key
                            ? "clientCertificateData and clientKeyData must come together"
                            : "returned neither a token nor a client certificate");
    if (token && !token_is_clean(token))
        return os_error_set(err, OS_ERR_AUTH, "%s: the token contains control characters", where);
    if ((cert && !has_pem(cert, strlen(cert))) || (key && !has_pem(key, strlen(key))))
        return os_error_set(err, OS_ERR_AUTH, "%s: client certificate or key is not PEM", where);
    if (exp && parse_rfc3339(exp, &out->expires) < 0)
        return os_error_set(err, OS_ERR_PARSE, "%s: invalid expirationTimestamp", where);
    if ((token && !(out->token = strdup(token))) || (cert && !(out->cert_pem = strdup(cert)))
        || (key && !(out->key_pem = strdup(key))))
        return nomem(err);
    return 0;
}

static int only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]) || !s[i])
            return 0;
    return 1;
}

/* Parse what the plugin printed.  Never quotes it: it holds credentials. */
static int exec_parse(const struct kube_exec *ex, const char *text, size_t len,
                      struct kube_exec_credential *out, struct os_error *err)
{
    char where[WHERE_MAX];
    json_tokener *tok = json_tokener_new_ex(16);
    json_object *root = NULL;
    const char *api = NULL, *kind = NULL;
    enum json_tokener_error jerr;
    int rc;

    snprintf(where, sizeof(where), "exec plugin \"%s\"", ex->command);
    if (!tok)
        return nomem(err);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    root = json_tokener_parse_ex(tok, text, (int)len);
    jerr = json_tokener_get_error(tok);
    if (jerr == json_tokener_success && !only_space(text + json_tokener_get_parse_end(tok),
                                                    len - json_tokener_get_parse_end(tok)))
        jerr = json_tokener_error_parse_unexpected;     /* something after the object */
    json_tokener_free(tok);
    if (only_space(text, len))
        rc = os_error_set(err, OS_ERR_PARSE, "%s printed nothing", where);
    else if (!root || jerr != json_tokener_success)
        rc = os_error_set(err, OS_ERR_PARSE, "%s returned invalid JSON (%s)", where,
                          jerr == json_tokener_continue ? "truncated" : json_tokener_error_desc(jerr));
    else if (!json_object_is_type(root, json_type_object))
        rc = os_error_set(err, OS_ERR_PARSE, "%s did not return an ExecCredential object", where);
    else if ((rc = get_str(root, "apiVersion", where, &api, err)) < 0
             || (rc = get_str(root, "kind", where, &kind, err)) < 0)
        ;
    else if (!api || strcmp(api, ex->api_version))
        rc = os_error_set(err, OS_ERR_PARSE, "%s returned apiVersion \"%.64s\", expected \"%s\"",
                          where, api ? api : "", ex->api_version);
    else if (!kind || strcmp(kind, EXEC_KIND))
        rc = os_error_set(err, OS_ERR_PARSE, "%s did not return an ExecCredential", where);
    else if (!map_get(root, "status"))
        rc = os_error_set(err, OS_ERR_AUTH, "%s returned no status", where);
    else
        rc = exec_status(map_get(root, "status"), where, out, err);
    json_object_put(root);
    return rc;
}

void kube_exec_credential_clear(struct kube_exec_credential *cred)
{
    if (!cred)
        return;
    free_secret_str(cred->token);
    free_secret_str(cred->cert_pem);
    free_secret_str(cred->key_pem);
    memset(cred, 0, sizeof(*cred));
}

/* Kill the plugin and, when it has its own group, everything it started. */
static void exec_kill(const struct exec_proc *p, int own_group)
{
    if (own_group)
        kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
}

/* Reap the plugin, which closed its output, by the deadline; one that
 * lingers past it is killed.  0 reaped, 1 killed at the deadline, -1 error. */
static int reap_by(const struct exec_proc *p, long long deadline, int own_group, int *status)
{
    const struct timespec tick = {0, 5 * 1000 * 1000};

    for (;;) {
        pid_t r = waitpid(p->pid, status, WNOHANG);
        if (r == p->pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
        if (now_ms() >= deadline) {
            exec_kill(p, own_group);
            return wait_child(p->pid, status) < 0 ? -1 : 1;
        }
        nanosleep(&tick, NULL);
    }
}

/* Spawn, collect, reap and judge; the credential parse is the caller's. */
static int exec_run_proc(const struct kube_exec *ex, char **argv, char **envp,
                         int timeout_ms, struct exec_proc *p, struct os_error *err)
{
    /* "Always" needs our terminal: no /dev/null, no separate group (a
     * background group would be stopped when it reads the terminal). */
    int always = ex->interactive_mode && !strcmp(ex->interactive_mode, "Always");
    long long deadline = now_ms() + timeout_ms;
    int status = 0, rc, reaped;

    rc = exec_spawn(ex, argv, envp, !always, !always, p, err);
    if (rc < 0)
        return rc;
    rc = exec_collect(p, ex->command, deadline, timeout_ms, err);
    if (rc < 0)
        exec_kill(p, !always);
    close_fd(&p->out_fd);
    close_fd(&p->err_fd);
    if (rc < 0) {
        wait_child(p->pid, &status);
        return rc;
    }
    reaped = reap_by(p, deadline, !always, &status);
    if (reaped < 0)
        return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\": waitpid: %s", ex->command,
                            strerror(errno));
    if (reaped > 0)
        return os_error_set(err, OS_ERR_IO, "exec plugin \"%s\" timed out after %d ms",
                            ex->command, timeout_ms);
    return exec_status_error(p, ex->command, status, err);
}

int kube_exec_run(const struct kube_config *cfg, int timeout_ms,
                  struct kube_exec_credential *out, struct os_error *err)
{
    const struct kube_exec *ex = cfg ? cfg->exec : NULL;
    struct exec_proc *p = NULL;
    char *info = NULL, **envp = NULL, **argv = NULL;
    int interactive, rc;

    memset(out, 0, sizeof(*out));
    if (!ex)
        return os_error_set(err, OS_ERR_INVALID, "no exec credential plugin configured");
    interactive = ex->interactive_mode && !strcmp(ex->interactive_mode, "Always")
                  && isatty(STDIN_FILENO);
    if (!(p = calloc(1, sizeof(*p))) || !(info = exec_info_entry(cfg, interactive))
        || !(envp = exec_envp(ex, info)) || !(argv = exec_argv(ex))) {
        rc = nomem(err);
    } else {
        p->out_fd = p->err_fd = -1;
        rc = exec_run_proc(ex, argv, envp, timeout_ms > 0 ? timeout_ms : EXEC_TIMEOUT_DEFAULT_MS, p, err);
        if (rc == 0)
            rc = exec_parse(ex, p->out ? p->out : "", p->out_len, out, err);
    }
    if (rc < 0)
        kube_exec_credential_clear(out);
    if (p)
        free_secret(p->out, p->out_cap);
    free(p);
    free(argv);
    free(envp);
    free(info);
    return rc;
}
