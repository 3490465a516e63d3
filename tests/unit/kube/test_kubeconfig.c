/*
 * test_kubeconfig.c - loading kubeconfig files, $KUBECONFIG, $HOME and the
 * in-cluster service account, and running exec credential plugins.
 *
 * Fixtures live in fixtures/ (found through $OS_SRCDIR, else next to this
 * file): kubeconfigs shaped like `microk8s config` output, one with a context
 * per error case, a fake exec plugin (exec-plugin.sh) whose first argument
 * picks its behaviour, and throwaway test PKI under pki/.  Every test passes
 * environment overrides, so the real ~/.kube, $KUBECONFIG and service
 * account are never read.  In-cluster tests build a service-account
 * directory under $TMPDIR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kube/kubeconfig.h"

#define EXPIRY_2026_11_27_11Z ((time_t)1795777200)

/* ---- helpers ---- */

/* The path of a fixture.  Eight rotating buffers, so a test can hold a few. */
static const char *fx(const char *name)
{
    static char bufs[8][PATH_MAX];
    static int next;
    char *b = bufs[next++ % 8];
    const char *src = getenv("OS_SRCDIR");

    if (src && *src) {
        snprintf(b, PATH_MAX, "%s/tests/unit/kube/fixtures/%s", src, name);
    } else {
        const char *slash = strrchr(__FILE__, '/');
        int dirlen = slash ? (int)(slash - __FILE__) : 1;
        snprintf(b, PATH_MAX, "%.*s/fixtures/%s", dirlen, slash ? __FILE__ : ".", name);
    }
    return b;
}

/* A whole file, NUL-terminated.  Caller frees. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

/* buf (len bytes) holds exactly the fixture file name. */
static void assert_same_as_file(const void *buf, size_t len, const char *name)
{
    size_t flen;
    char *want = slurp(fx(name), &flen);

    assert_non_null(buf);
    if (len != flen || memcmp(buf, want, len) != 0)
        fail_msg("%zu bytes differ from %s (%zu bytes)", len, name, flen);
    /* PEM buffers are NUL-terminated for the transport's strlen users. */
    assert_int_equal(((const char *)buf)[len], '\0');
    free(want);
}

#define assert_msg_has(err, text)                                              \
    do {                                                                       \
        if (!strstr((err).message, (text)))                                    \
            fail_msg("message \"%s\" lacks \"%s\"", (err).message, (text));    \
    } while (0)

#define assert_msg_lacks(err, text)                                            \
    do {                                                                       \
        if (strstr((err).message, (text)))                                     \
            fail_msg("message \"%s\" leaks \"%s\"", (err).message, (text));    \
    } while (0)

static struct kube_config *load_ok(const char *name, const char *context)
{
    struct kube_config *cfg = NULL;
    struct os_error err;

    os_error_clear(&err);
    if (kube_config_load_file(fx(name), context, &cfg, &err) != 0)
        fail_msg("%s (context %s): %s", name, context ? context : "current", err.message);
    assert_non_null(cfg);
    return cfg;
}

/* Loading fails with code; *out stays NULL; err is returned for more checks. */
static struct os_error load_fails(const char *name, const char *context, int code)
{
    struct kube_config *cfg = (struct kube_config *)1;
    struct os_error err;
    int rc;

    os_error_clear(&err);
    rc = kube_config_load_file(fx(name), context, &cfg, &err);
    if (rc != code)
        fail_msg("%s (context %s): rc %d, want %d (%s)", name, context ? context : "current",
                 rc, code, err.message);
    assert_int_equal(err.code, code);
    assert_null(cfg);
    assert_null(strchr(err.message, '\n'));
    return err;
}

static struct kube_config *text_ok(const char *text, const char *dir, const char *context)
{
    struct kube_config *cfg = NULL;
    struct os_error err;

    os_error_clear(&err);
    if (kube_config_load_text(text, strlen(text), dir, context, &cfg, &err) != 0)
        fail_msg("text: %s", err.message);
    return cfg;
}

static struct os_error text_fails(const char *text, size_t len, int code)
{
    struct kube_config *cfg = (struct kube_config *)1;
    struct os_error err;
    int rc;

    os_error_clear(&err);
    rc = kube_config_load_text(text, len, NULL, NULL, &cfg, &err);
    if (rc != code)
        fail_msg("text: rc %d, want %d (%s)", rc, code, err.message);
    assert_null(cfg);
    return err;
}

/* Options that read nothing from the real environment. */
static struct kube_config_opts no_env(void)
{
    struct kube_config_opts o = {
        .kubeconfig_env = "", .home = "", .service_host = "", .service_port = "",
        .sa_dir = "/nonexistent/serviceaccount",
    };
    return o;
}

/* Every child was reaped: nothing left to wait for. */
static void assert_no_children(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

/* Run the fixture plugin in a mode (its first argument). */
static int run_mode(const char *mode, int timeout_ms, struct kube_exec_credential *cred,
                    struct os_error *err)
{
    struct kube_config *cfg = load_ok("exec.yaml", "exec");
    int rc;

    free(cfg->exec->args[0]);
    cfg->exec->args[0] = strdup(mode);
    assert_non_null(cfg->exec->args[0]);
    os_error_clear(err);
    rc = kube_exec_run(cfg, timeout_ms, cred, err);
    kube_config_free(cfg);
    return rc;
}

/* The plugin fails with code; the credential stays empty. */
static struct os_error mode_fails(const char *mode, int code)
{
    struct kube_exec_credential cred = {.expires = 42};
    struct os_error err;
    int rc = run_mode(mode, 10000, &cred, &err);

    if (rc != code)
        fail_msg("mode %s: rc %d, want %d (%s)", mode, rc, code, err.message);
    assert_null(cred.token);
    assert_null(cred.cert_pem);
    assert_null(cred.key_pem);
    assert_int_equal(cred.expires, 0);
    assert_no_children();
    return err;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A fake service-account directory: token, ca.crt, namespace (if ns). */
static void make_sa_dir(char *dir, size_t cap, const char *token, const char *ns)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];
    char *ca = slurp(fx("pki/ca.crt"), NULL);

    snprintf(dir, cap, "%s/kubeconfig-sa-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/ca.crt", dir);
    write_file(path, ca);
    free(ca);
    if (token) {
        snprintf(path, sizeof(path), "%s/token", dir);
        write_file(path, token);
    }
    if (ns) {
        snprintf(path, sizeof(path), "%s/namespace", dir);
        write_file(path, ns);
    }
}

static void remove_sa_dir(const char *dir)
{
    static const char *const files[] = {"token", "ca.crt", "namespace"};
    char path[PATH_MAX];

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* ---- microk8s ---- */

static void test_microk8s_x509(void **state)
{
    struct kube_config *cfg = load_ok("microk8s-x509.yaml", NULL);

    (void)state;
    assert_string_equal(cfg->source, fx("microk8s-x509.yaml"));
    assert_string_equal(cfg->context, "microk8s");
    assert_string_equal(cfg->cluster, "microk8s-cluster");
    assert_string_equal(cfg->user, "admin");
    assert_string_equal(cfg->namespace, "default");
    assert_string_equal(cfg->server, "https://10.0.0.11:16443");
    assert_same_as_file(cfg->ca_pem, cfg->ca_pem_len, "pki/ca.crt");
    assert_same_as_file(cfg->cert_pem, cfg->cert_pem_len, "pki/client.crt");
    assert_same_as_file(cfg->key_pem, cfg->key_pem_len, "pki/client.key");
    assert_null(cfg->token);
    assert_null(cfg->token_file);
    assert_null(cfg->exec);
    assert_null(cfg->tls_server_name);
    assert_null(cfg->proxy_url);
    assert_int_equal(cfg->insecure_skip_tls_verify, 0);
    kube_config_free(cfg);
}

static void test_microk8s_token(void **state)
{
    struct kube_config *cfg = load_ok("microk8s-token.yaml", NULL);

    (void)state;
    assert_string_equal(cfg->context, "microk8s");
    assert_string_equal(cfg->server, "https://10.0.0.11:16443");
    assert_string_equal(cfg->token, "QmFzZTY0LWxvb2tpbmctYWRtaW4tdG9rZW4K");
    assert_same_as_file(cfg->ca_pem, cfg->ca_pem_len, "pki/ca.crt");
    assert_null(cfg->cert_pem);
    assert_null(cfg->key_pem);
    kube_config_free(cfg);
}

/* ---- users and clusters ---- */

static void test_token_user_and_cluster_fields(void **state)
{
    struct kube_config *cfg = load_ok("multi.yaml", NULL);

    (void)state;
    assert_string_equal(cfg->context, "dev");
    assert_string_equal(cfg->namespace, "tenants");
    assert_string_equal(cfg->server, "https://dev.example.test:6443");   /* slash dropped */
    assert_string_equal(cfg->tls_server_name, "kubernetes.default");
    assert_string_equal(cfg->proxy_url, "http://proxy.example.test:3128");
    assert_string_equal(cfg->token, "dev-token-abc");
    assert_null(cfg->token_file);
    /* certificate-authority-data wrapped over lines decodes to the same PEM */
    assert_same_as_file(cfg->ca_pem, cfg->ca_pem_len, "pki/ca.crt");
    kube_config_free(cfg);
}

static void test_token_file_and_relative_paths(void **state)
{
    struct kube_config *cfg = load_ok("multi.yaml", "files");

    (void)state;
    assert_string_equal(cfg->token, "file-token-0123456789");   /* newlines trimmed */
    assert_string_equal(cfg->token_file, fx("token.txt"));
    assert_same_as_file(cfg->ca_pem, cfg->ca_pem_len, "pki/ca.crt");
    assert_same_as_file(cfg->cert_pem, cfg->cert_pem_len, "pki/client.crt");
    assert_same_as_file(cfg->key_pem, cfg->key_pem_len, "pki/client.key");
    kube_config_free(cfg);
}

static void test_token_file_falls_back_to_token(void **state)
{
    struct kube_config *cfg = load_ok("multi.yaml", "tf-fallback");
    const char *tail = "/no-such-token-file";

    (void)state;
    assert_string_equal(cfg->token, "inline-token");
    assert_non_null(cfg->token_file);
    assert_string_equal(cfg->token_file + strlen(cfg->token_file) - strlen(tail), tail);
    kube_config_free(cfg);
}

static void test_token_file_missing(void **state)
{
    struct os_error err = load_fails("multi.yaml", "tf-missing", OS_ERR_IO);

    (void)state;
    assert_msg_has(err, "user \"tf-missing-user\"");
    assert_msg_has(err, fx("no-such-token-file"));
    assert_msg_has(err, "No such file");
}

static void test_context_override(void **state)
{
    struct kube_config *cfg = load_ok("multi.yaml", "prod");
    struct kube_config_opts o = no_env();
    struct os_error err;

    (void)state;
    assert_string_equal(cfg->context, "prod");
    assert_string_equal(cfg->server, "https://prod.example.test");
    assert_string_equal(cfg->namespace, "prod-ns");
    kube_config_free(cfg);

    /* the same through kube_config_load with --kubeconfig and --context */
    o.path = fx("multi.yaml");
    o.context = "prod";
    os_error_clear(&err);
    assert_int_equal(kube_config_load(&o, &cfg, &err), 0);
    assert_string_equal(cfg->server, "https://prod.example.test");
    kube_config_free(cfg);
}

static void test_insecure_with_ca_is_kept(void **state)
{
    struct kube_config *cfg = load_ok("multi.yaml", "insecure");

    (void)state;
    assert_int_equal(cfg->insecure_skip_tls_verify, 1);
    assert_same_as_file(cfg->ca_pem, cfg->ca_pem_len, "pki/ca.crt");
    assert_null(cfg->user);     /* a context without a user: anonymous */
    assert_null(cfg->token);
    assert_null(cfg->cert_pem);
    kube_config_free(cfg);
}

static void test_server_without_scheme(void **state)
{
    struct kube_config *cfg = load_ok("multi.yaml", "bare");
    struct os_error err;

    (void)state;
    assert_string_equal(cfg->server, "https://bare.example.test:6443");
    kube_config_free(cfg);
    err = load_fails("multi.yaml", "ftp", OS_ERR_INVALID);
    assert_msg_has(err, "server \"ftp://ftp.example.test\" is not an http(s) URL");
}

/* ---- errors in the file ---- */

static void test_missing_context(void **state)
{
    struct os_error err = load_fails("multi.yaml", "nope", OS_ERR_INVALID);
    char want[PATH_MAX + 64];

    (void)state;
    snprintf(want, sizeof(want), "context \"nope\" not found in %s", fx("multi.yaml"));
    assert_string_equal(err.message, want);
}

static void test_no_current_context(void **state)
{
    struct os_error err = load_fails("no-current.yaml", NULL, OS_ERR_INVALID);
    struct kube_config *cfg;
    char want[PATH_MAX + 64];

    (void)state;
    snprintf(want, sizeof(want), "no current-context in %s (use --context)", fx("no-current.yaml"));
    assert_string_equal(err.message, want);
    cfg = load_ok("no-current.yaml", "only");
    assert_string_equal(cfg->server, "https://c.example.test:6443");
    assert_null(cfg->user);
    kube_config_free(cfg);
}

static void test_missing_cluster_and_user(void **state)
{
    struct os_error err = load_fails("multi.yaml", "lost", OS_ERR_INVALID);

    (void)state;
    assert_msg_has(err, "cluster \"ghost\" of context \"lost\" not found");
    err = load_fails("multi.yaml", "ghost-user", OS_ERR_INVALID);
    assert_msg_has(err, "user \"nobody\" of context \"ghost-user\" not found");
    err = load_fails("multi.yaml", "nocluster", OS_ERR_INVALID);
    assert_msg_has(err, "context \"nocluster\" has no cluster");
}

static void test_cluster_without_server(void **state)
{
    struct os_error err = load_fails("multi.yaml", "noserver", OS_ERR_INVALID);

    (void)state;
    assert_msg_has(err, "cluster \"noserver-cluster\" has no server");
    assert_msg_has(err, fx("multi.yaml"));
}

static void test_missing_ca_file(void **state)
{
    struct os_error err = load_fails("multi.yaml", "missing-ca", OS_ERR_IO);

    (void)state;
    assert_msg_has(err, "cluster \"missing-ca-cluster\"");
    assert_msg_has(err, fx("pki/no-such-ca.crt"));
    assert_msg_has(err, "No such file");
}

static void test_broken_yaml_names_line(void **state)
{
    struct os_error err = load_fails("broken.yaml", NULL, OS_ERR_PARSE);
    char want[PATH_MAX + 64];

    (void)state;
    snprintf(want, sizeof(want), "kubeconfig %s: line 7: ", fx("broken.yaml"));
    if (strncmp(err.message, want, strlen(want)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", err.message, want);
    assert_msg_has(err, "mapping values are not allowed");
}

static void test_bad_base64(void **state)
{
    struct os_error err = load_fails("multi.yaml", "bad-ca-b64", OS_ERR_PARSE);

    (void)state;
    assert_msg_has(err, "cluster \"bad-b64-cluster\": certificate-authority-data is not valid base64");
    assert_msg_lacks(err, "notbase64");
    err = load_fails("multi.yaml", "bad-key-b64", OS_ERR_PARSE);
    assert_msg_has(err, "user \"bad-key-user\": client-key-data is not valid base64");
    assert_msg_lacks(err, "c2VjcmV0");
}

static void test_base64_of_non_pem(void **state)
{
    struct os_error err = load_fails("multi.yaml", "not-pem", OS_ERR_PARSE);

    (void)state;
    assert_msg_has(err, "certificate-authority-data does not hold PEM data");
}

static void test_credentials_errors(void **state)
{
    struct os_error err = load_fails("multi.yaml", "authprov", OS_ERR_AUTH);

    (void)state;
    assert_msg_has(err, "auth-provider is not supported");
    err = load_fails("multi.yaml", "certnokey", OS_ERR_AUTH);
    assert_msg_has(err, "client-certificate without client-key");
    err = load_fails("multi.yaml", "ctrl-token", OS_ERR_AUTH);
    assert_msg_has(err, "token contains control characters");
    assert_msg_lacks(err, "hidden-secret");
}

/* ---- the YAML layer, from text ---- */

static void test_text_anchors_and_relative_dir(void **state)
{
    const char *text =
        "clusters:\n"
        "- name: c\n"
        "  cluster: &cl\n"
        "    server: https://anchor.example.test\n"
        "    certificate-authority: pki/ca.crt\n"
        "- name: d\n"
        "  cluster: *cl\n"
        "contexts:\n"
        "- {name: x, context: {cluster: d, namespace: ~}}\n"
        "current-context: x\n";
    struct kube_config *cfg;
    char dir[PATH_MAX];

    (void)state;
    snprintf(dir, sizeof(dir), "%s", fx("."));
    dir[strlen(dir) - 2] = '\0';        /* drop the "/." */
    cfg = text_ok(text, dir, NULL);
    assert_string_equal(cfg->source, "<text>");
    assert_string_equal(cfg->cluster, "d");
    assert_string_equal(cfg->server, "https://anchor.example.test");
    assert_string_equal(cfg->namespace, "default");     /* ~ is null */
    assert_same_as_file(cfg->ca_pem, cfg->ca_pem_len, "pki/ca.crt");
    kube_config_free(cfg);
}

static void test_text_shape_errors(void **state)
{
    static const struct {
        const char *text;
        int code;
        const char *msg;
    } cases[] = {
        {"a: *nope\n", OS_ERR_PARSE, "kubeconfig <text>: line 1: alias to an unknown"},
        {"- a\n- b\n", OS_ERR_INVALID, "not a YAML mapping"},
        {"kind: Pod\n", OS_ERR_INVALID, "kind is \"Pod\", not Config"},
        {"", OS_ERR_INVALID, "no current-context in <text>"},
        {"clusters: {a: b}\ncurrent-context: x\ncontexts: [{name: x, context: {cluster: a}}]\n",
         OS_ERR_INVALID, "clusters is not a list"},
        {"clusters: [{name: a, cluster: {server: {x: y}}}]\ncurrent-context: x\n"
         "contexts: [{name: x, context: {cluster: a}}]\n",
         OS_ERR_INVALID, "cluster \"a\": server is not a string"},
        {"clusters: [{name: a, cluster: {server: s, insecure-skip-tls-verify: maybe}}]\n"
         "current-context: x\ncontexts: [{name: x, context: {cluster: a}}]\n",
         OS_ERR_INVALID, "insecure-skip-tls-verify is not true or false"},
        {"? [a, b]\n: c\n", OS_ERR_PARSE, "only a string can be a mapping key"},
        {"current-context: \"\xff\"\n", OS_ERR_PARSE, "kubeconfig <text>: byte"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct os_error err = text_fails(cases[i].text, strlen(cases[i].text), cases[i].code);
        assert_msg_has(err, cases[i].msg);
    }
}

static void test_text_limits(void **state)
{
    size_t big = KUBE_CONFIG_FILE_MAX + 1, depth = 100;
    char *text = malloc(big);
    struct os_error err;

    (void)state;
    assert_non_null(text);
    memset(text, ' ', big);
    err = text_fails(text, big, OS_ERR_LIMIT);
    assert_msg_has(err, "larger than 4 MiB");
    /* nesting: [[[[...]]]] 100 deep */
    for (size_t i = 0; i < depth; i++) {
        text[i] = '[';
        text[depth + i] = ']';
    }
    text[2 * depth] = '\0';
    err = text_fails(text, 2 * depth, OS_ERR_LIMIT);
    assert_msg_has(err, "nested too deeply");
    free(text);
}

/* ---- where the kubeconfig comes from ---- */

static void test_kubeconfig_env_list_merges(void **state)
{
    struct kube_config_opts o = no_env();
    struct kube_config *cfg = NULL;
    struct os_error err;
    char list[3 * PATH_MAX], a[PATH_MAX], b[PATH_MAX];

    (void)state;
    snprintf(a, sizeof(a), "%s", fx("merge-a.yaml"));
    snprintf(b, sizeof(b), "%s", fx("merge-b.yaml"));
    /* a missing first entry is skipped, as kubectl does */
    snprintf(list, sizeof(list), "/nonexistent/kubeconfig::%s:%s", a, b);
    o.kubeconfig_env = list;
    o.home = fx("home");        /* has a config, which must not be used */
    os_error_clear(&err);
    assert_int_equal(kube_config_load(&o, &cfg, &err), 0);
    assert_string_equal(cfg->context, "from-a");          /* a's current-context wins */
    assert_string_equal(cfg->source, a);
    assert_string_equal(cfg->server, "https://b.example.test:6443");   /* cluster only in b */
    assert_string_equal(cfg->token, "token-from-a");      /* user in both: a wins */
    assert_string_equal(cfg->namespace, "ns-a");
    kube_config_free(cfg);

    o.context = "from-b";       /* a context only b has; its cluster is in both */
    assert_int_equal(kube_config_load(&o, &cfg, &err), 0);
    assert_string_equal(cfg->source, b);
    assert_string_equal(cfg->server, "https://a.example.test:6443");
    assert_string_equal(cfg->token, "token-b");
    kube_config_free(cfg);

    o.context = "zzz";
    cfg = (struct kube_config *)1;
    assert_int_equal(kube_config_load(&o, &cfg, &err), OS_ERR_INVALID);
    assert_null(cfg);
    assert_msg_has(err, "context \"zzz\" not found in /nonexistent/kubeconfig::");
}

static void test_home_fallback(void **state)
{
    struct kube_config_opts o = no_env();
    struct kube_config *cfg = NULL;
    struct os_error err;
    char want[PATH_MAX];

    (void)state;
    o.home = fx("home");
    o.kubeconfig_env = "/nonexistent/a:/nonexistent/b";   /* none there: fall through */
    os_error_clear(&err);
    assert_int_equal(kube_config_load(&o, &cfg, &err), 0);
    snprintf(want, sizeof(want), "%s/.kube/config", fx("home"));
    assert_string_equal(cfg->source, want);
    assert_string_equal(cfg->token, "home-token");
    assert_string_equal(cfg->server, "https://home.example.test:16443");
    kube_config_free(cfg);
}

static void test_explicit_path_wins(void **state)
{
    struct kube_config_opts o = no_env();
    struct kube_config *cfg = NULL;
    struct os_error err;

    (void)state;
    o.path = fx("microk8s-token.yaml");
    o.kubeconfig_env = fx("merge-a.yaml");
    o.home = fx("home");
    os_error_clear(&err);
    assert_int_equal(kube_config_load(&o, &cfg, &err), 0);
    assert_string_equal(cfg->source, fx("microk8s-token.yaml"));
    kube_config_free(cfg);

    /* a missing --kubeconfig is an error, not a reason to look elsewhere */
    o.path = fx("no-such-kubeconfig.yaml");
    cfg = (struct kube_config *)1;
    assert_int_equal(kube_config_load(&o, &cfg, &err), OS_ERR_IO);
    assert_null(cfg);
    assert_msg_has(err, fx("no-such-kubeconfig.yaml"));
    assert_msg_has(err, "No such file");
}

static void test_nothing_found(void **state)
{
    struct kube_config_opts o = no_env();
    struct kube_config *cfg = (struct kube_config *)1;
    struct os_error err;
    char home_cfg[PATH_MAX];

    (void)state;
    o.kubeconfig_env = "/nonexistent/one:/nonexistent/two";
    o.home = fx("pki");         /* no .kube in there */
    os_error_clear(&err);
    assert_int_equal(kube_config_load(&o, &cfg, &err), OS_ERR_INVALID);
    assert_null(cfg);
    snprintf(home_cfg, sizeof(home_cfg), "%s/.kube/config", fx("pki"));
    assert_msg_has(err, "no kubeconfig found");
    assert_msg_has(err, "/nonexistent/one");
    assert_msg_has(err, "/nonexistent/two");
    assert_msg_has(err, home_cfg);
    assert_msg_has(err, "in-cluster (KUBERNETES_SERVICE_HOST/PORT unset)");

    /* all unset */
    o = no_env();
    assert_int_equal(kube_config_load(&o, &cfg, &err), OS_ERR_INVALID);
    assert_msg_has(err, "$KUBECONFIG (unset)");
    assert_msg_has(err, "($HOME unset)");
}

/* ---- in-cluster ---- */

static void test_incluster_ipv6(void **state)
{
    struct kube_config *cfg = NULL;
    struct os_error err;
    char dir[PATH_MAX], token_path[PATH_MAX + 8];

    (void)state;
    make_sa_dir(dir, sizeof(dir), "sa-token-xyz\n", "tenant-a\n");
    os_error_clear(&err);
    assert_int_equal(kube_config_load_incluster(dir, "fd00::1", "443", &cfg, &err), 0);
    assert_string_equal(cfg->server, "https://[fd00::1]:443");
    assert_string_equal(cfg->source, "in-cluster");
    assert_string_equal(cfg->context, "in-cluster");
    assert_string_equal(cfg->token, "sa-token-xyz");
    snprintf(token_path, sizeof(token_path), "%s/token", dir);
    assert_string_equal(cfg->token_file, token_path);
    assert_string_equal(cfg->namespace, "tenant-a");
    assert_same_as_file(cfg->ca_pem, cfg->ca_pem_len, "pki/ca.crt");
    kube_config_free(cfg);

    /* an already bracketed host is left alone */
    assert_int_equal(kube_config_load_incluster(dir, "[fd00::2]", "6443", &cfg, &err), 0);
    assert_string_equal(cfg->server, "https://[fd00::2]:6443");
    kube_config_free(cfg);
    remove_sa_dir(dir);
}

static void test_incluster_through_load(void **state)
{
    struct kube_config_opts o = no_env();
    struct kube_config *cfg = NULL;
    struct os_error err;
    char dir[PATH_MAX];

    (void)state;
    make_sa_dir(dir, sizeof(dir), "tok\n", NULL);   /* no namespace file */
    o.service_host = "10.152.183.1";
    o.service_port = "443";
    o.sa_dir = dir;
    o.home = fx("pki");
    os_error_clear(&err);
    assert_int_equal(kube_config_load(&o, &cfg, &err), 0);
    assert_string_equal(cfg->server, "https://10.152.183.1:443");
    assert_string_equal(cfg->namespace, "default");
    assert_string_equal(cfg->token, "tok");
    kube_config_free(cfg);

    /* a --context for some kubeconfig must not land on the local cluster */
    o.context = "prod";
    cfg = (struct kube_config *)1;
    assert_int_equal(kube_config_load(&o, &cfg, &err), OS_ERR_INVALID);
    assert_null(cfg);
    assert_msg_has(err, "in-cluster (not used with --context prod)");
    remove_sa_dir(dir);
}

static void test_incluster_errors(void **state)
{
    struct kube_config *cfg = (struct kube_config *)1;
    struct os_error err;
    char dir[PATH_MAX];

    (void)state;
    make_sa_dir(dir, sizeof(dir), NULL, NULL);   /* no token */
    os_error_clear(&err);
    assert_int_equal(kube_config_load_incluster(dir, "10.0.0.1", "443", &cfg, &err), OS_ERR_IO);
    assert_null(cfg);
    assert_msg_has(err, "in-cluster: token file ");
    assert_msg_has(err, dir);
    assert_int_equal(kube_config_load_incluster(dir, "10.0.0.1", "https", &cfg, &err),
                     OS_ERR_INVALID);
    assert_msg_has(err, "is not a port number");
    assert_int_equal(kube_config_load_incluster(dir, "", "443", &cfg, &err), OS_ERR_INVALID);
    remove_sa_dir(dir);
}

static void test_read_token_file(void **state)
{
    const char *tmp = getenv("TMPDIR");
    char path[PATH_MAX];
    char *token = (char *)1;
    struct os_error err;
    int fd;

    (void)state;
    snprintf(path, sizeof(path), "%s/kubeconfig-token-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_true((fd = mkstemp(path)) >= 0);
    close(fd);
    os_error_clear(&err);
    write_file(path, "abc.def\r\n\n\t ");
    assert_int_equal(kube_config_read_token_file(path, &token, &err), 0);
    assert_string_equal(token, "abc.def");
    free(token);

    write_file(path, " \n");
    assert_int_equal(kube_config_read_token_file(path, &token, &err), OS_ERR_AUTH);
    assert_null(token);
    assert_msg_has(err, "is empty");

    write_file(path, "topsecret\x1bvalue\n");
    assert_int_equal(kube_config_read_token_file(path, &token, &err), OS_ERR_AUTH);
    assert_msg_has(err, "control characters");
    assert_msg_lacks(err, "topsecret");
    unlink(path);
}

/* ---- exec plugins: configuration ---- */

static void test_exec_config_fields(void **state)
{
    struct kube_config *cfg = load_ok("exec.yaml", "exec");
    const struct kube_exec *ex = cfg->exec;

    (void)state;
    assert_non_null(ex);
    /* "./exec-plugin.sh" is resolved against the kubeconfig's directory */
    assert_string_equal(ex->command, fx("./exec-plugin.sh"));
    assert_int_equal(access(ex->command, X_OK), 0);
    assert_string_equal(ex->api_version, "client.authentication.k8s.io/v1");
    assert_string_equal(ex->args[0], "token");
    assert_string_equal(ex->args[1], "second-arg");
    assert_null(ex->args[2]);
    assert_string_equal(ex->env[0], "PLUGIN_GREETING=hello world");
    assert_string_equal(ex->env[1], "PLUGIN_EMPTY=");
    assert_null(ex->env[2]);
    assert_string_equal(ex->interactive_mode, "Never");
    assert_string_equal(ex->install_hint, "this is a test fixture");
    assert_int_equal(ex->provide_cluster_info, 1);
    assert_null(cfg->token);
    kube_config_free(cfg);

    cfg = load_ok("exec.yaml", "beta");
    assert_string_equal(cfg->exec->api_version, "client.authentication.k8s.io/v1beta1");
    assert_string_equal(cfg->exec->command, "true");    /* bare: PATH lookup */
    assert_null(cfg->exec->args);
    assert_null(cfg->exec->env);
    assert_null(cfg->exec->interactive_mode);
    assert_int_equal(cfg->exec->provide_cluster_info, 0);
    kube_config_free(cfg);
}

static void test_exec_config_errors(void **state)
{
    struct os_error err = load_fails("exec.yaml", "bad-mode", OS_ERR_INVALID);

    (void)state;
    assert_msg_has(err, "interactiveMode \"Sometimes\"");
    err = load_fails("exec.yaml", "alpha", OS_ERR_INVALID);
    assert_msg_has(err, "apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported");
    err = load_fails("exec.yaml", "no-command", OS_ERR_INVALID);
    assert_msg_has(err, "exec has no command");
}

/* ---- exec plugins: running ---- */

static void test_exec_token_and_expiry(void **state)
{
    struct kube_exec_credential cred;
    struct os_error err;
    int pipefd[2], saved_stdin, rc;

    (void)state;
    /* the plugin's env must override ours, not sit beside it */
    setenv("PLUGIN_GREETING", "outer value", 1);
    setenv("KUBERNETES_EXEC_INFO", "stale", 1);
    /* our stdin is a pipe here, so "the plugin got /dev/null" means something */
    assert_int_equal(pipe(pipefd), 0);
    assert_true((saved_stdin = dup(STDIN_FILENO)) >= 0);
    assert_int_equal(dup2(pipefd[0], STDIN_FILENO), STDIN_FILENO);
    rc = run_mode("token", 10000, &cred, &err);
    assert_int_equal(dup2(saved_stdin, STDIN_FILENO), STDIN_FILENO);
    close(saved_stdin);
    close(pipefd[0]);
    close(pipefd[1]);
    unsetenv("PLUGIN_GREETING");
    unsetenv("KUBERNETES_EXEC_INFO");
    if (rc != 0)
        fail_msg("%s", err.message);
    assert_string_equal(cred.token, "exec-token-123");
    assert_int_equal(cred.expires, EXPIRY_2026_11_27_11Z);
    assert_null(cred.cert_pem);
    assert_null(cred.key_pem);
    kube_exec_credential_clear(&cred);
    assert_null(cred.token);
    assert_no_children();
}

static void test_exec_without_cluster_info(void **state)
{
    struct kube_config *cfg = load_ok("exec.yaml", "exec");
    struct kube_exec_credential cred;
    struct os_error err;

    (void)state;
    cfg->exec->provide_cluster_info = 0;
    free(cfg->exec->args[0]);
    cfg->exec->args[0] = strdup("nocluster");
    os_error_clear(&err);
    if (kube_exec_run(cfg, 10000, &cred, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(cred.token, "exec-token-456");
    assert_int_equal(cred.expires, 0);
    kube_exec_credential_clear(&cred);
    kube_config_free(cfg);
    assert_no_children();
}

static void test_exec_client_certificate(void **state)
{
    struct kube_exec_credential cred;
    struct os_error err;

    (void)state;
    if (run_mode("cert", 10000, &cred, &err) != 0)
        fail_msg("%s", err.message);
    assert_null(cred.token);
    assert_same_as_file(cred.cert_pem, strlen(cred.cert_pem), "pki/client.crt");
    assert_same_as_file(cred.key_pem, strlen(cred.key_pem), "pki/client.key");
    assert_int_equal(cred.expires, 0);
    kube_exec_credential_clear(&cred);
    assert_no_children();
}

static void test_exec_expiry_with_offset(void **state)
{
    struct kube_exec_credential cred;
    struct os_error err;

    (void)state;
    if (run_mode("offset", 10000, &cred, &err) != 0)
        fail_msg("%s", err.message);
    /* 13:00:00.25+02:00 is 11:00:00Z */
    assert_int_equal(cred.expires, EXPIRY_2026_11_27_11Z);
    kube_exec_credential_clear(&cred);
}

static void test_exec_failing_plugin(void **state)
{
    struct os_error err = mode_fails("fail", OS_ERR_IO);
    char want[PATH_MAX + 128];

    (void)state;
    snprintf(want, sizeof(want), "exec plugin \"%s\" failed with exit status 3: "
             "boom: credentials expired", fx("./exec-plugin.sh"));
    assert_string_equal(err.message, want);
    err = mode_fails("signal", OS_ERR_IO);
    assert_msg_has(err, "was killed by signal 15");
}

static void test_exec_missing_plugin(void **state)
{
    struct kube_config *cfg = load_ok("exec.yaml", "missing");
    struct kube_exec_credential cred;
    struct os_error err;

    (void)state;
    os_error_clear(&err);
    assert_int_equal(kube_exec_run(cfg, 10000, &cred, &err), OS_ERR_IO);
    assert_string_equal(err.message, "exec plugin \"os-saas-no-such-credential-plugin\" not found: "
                        "Install it with: apt install no-such-plugin");
    assert_null(cred.token);
    assert_no_children();

    /* a file that is there but cannot be run */
    free(cfg->exec->command);
    cfg->exec->command = strdup(fx("README"));
    assert_int_equal(kube_exec_run(cfg, 10000, &cred, &err), OS_ERR_IO);
    assert_msg_has(err, "cannot be run: Permission denied");
    assert_no_children();
    kube_config_free(cfg);
}

/* Is pid gone (or a zombie: dead, waiting for its new parent)? */
static int process_dead(pid_t pid)
{
    char path[64], buf[256], *paren;
    FILE *f;

    if (kill(pid, 0) < 0 && errno == ESRCH)
        return 1;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r")))
        return 1;
    buf[0] = '\0';
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static void test_exec_hanging_plugin_is_killed(void **state)
{
    const char *tmp = getenv("TMPDIR");
    char pidfile[PATH_MAX], *text;
    struct kube_exec_credential cred;
    struct os_error err;
    long long start;
    pid_t grandchild;
    int fd, dead = 0;

    (void)state;
    snprintf(pidfile, sizeof(pidfile), "%s/kubeconfig-pid-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_true((fd = mkstemp(pidfile)) >= 0);
    close(fd);
    setenv("KC_TEST_PIDFILE", pidfile, 1);
    start = mono_ms();
    assert_int_equal(run_mode("hang", 1000, &cred, &err), OS_ERR_IO);
    unsetenv("KC_TEST_PIDFILE");
    assert_true(mono_ms() - start < 8000);
    assert_msg_has(err, "timed out after 1000 ms");
    assert_null(cred.token);
    assert_no_children();

    /* the plugin's own child (sleep 30) died with it */
    text = slurp(pidfile, NULL);
    grandchild = (pid_t)atoi(text);
    free(text);
    unlink(pidfile);
    if (grandchild <= 0)
        fail_msg("the plugin did not start its child within the timeout");
    for (int i = 0; i < 300 && !dead; i++) {
        dead = process_dead(grandchild);
        if (!dead)
            usleep(10000);
    }
    assert_true(dead);
}

static void test_exec_lingering_plugin_is_killed(void **state)
{
    struct kube_exec_credential cred;
    struct os_error err;
    long long start = mono_ms();

    (void)state;
    /* output closed, process still there: no credential until it exits */
    assert_int_equal(run_mode("linger", 500, &cred, &err), OS_ERR_IO);
    assert_true(mono_ms() - start < 8000);
    assert_msg_has(err, "timed out after 500 ms");
    assert_null(cred.token);
    assert_no_children();
}

static void test_exec_bad_output(void **state)
{
    struct os_error err = mode_fails("garbage", OS_ERR_PARSE);

    (void)state;
    assert_msg_has(err, "returned invalid JSON");
    assert_msg_lacks(err, "hunter2");
    err = mode_fails("trailing", OS_ERR_PARSE);
    assert_msg_has(err, "returned invalid JSON");
    err = mode_fails("empty", OS_ERR_PARSE);
    assert_msg_has(err, "printed nothing");
    err = mode_fails("oldversion", OS_ERR_PARSE);
    assert_msg_has(err, "returned apiVersion \"client.authentication.k8s.io/v1beta1\", "
                   "expected \"client.authentication.k8s.io/v1\"");
    err = mode_fails("nocreds", OS_ERR_AUTH);
    assert_msg_has(err, "neither a token nor a client certificate");
    err = mode_fails("badtime", OS_ERR_PARSE);
    assert_msg_has(err, "invalid expirationTimestamp");
    err = mode_fails("flood", OS_ERR_LIMIT);
    assert_msg_has(err, "printed more than 1024 KiB");
}

static void test_exec_not_configured(void **state)
{
    struct kube_config *cfg = load_ok("microk8s-token.yaml", NULL);
    struct kube_exec_credential cred;
    struct os_error err;

    (void)state;
    os_error_clear(&err);
    assert_int_equal(kube_exec_run(cfg, 0, &cred, &err), OS_ERR_INVALID);
    assert_msg_has(err, "no exec credential plugin");
    kube_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_microk8s_x509),
        cmocka_unit_test(test_microk8s_token),
        cmocka_unit_test(test_token_user_and_cluster_fields),
        cmocka_unit_test(test_token_file_and_relative_paths),
        cmocka_unit_test(test_token_file_falls_back_to_token),
        cmocka_unit_test(test_token_file_missing),
        cmocka_unit_test(test_context_override),
        cmocka_unit_test(test_insecure_with_ca_is_kept),
        cmocka_unit_test(test_server_without_scheme),
        cmocka_unit_test(test_missing_context),
        cmocka_unit_test(test_no_current_context),
        cmocka_unit_test(test_missing_cluster_and_user),
        cmocka_unit_test(test_cluster_without_server),
        cmocka_unit_test(test_missing_ca_file),
        cmocka_unit_test(test_broken_yaml_names_line),
        cmocka_unit_test(test_bad_base64),
        cmocka_unit_test(test_base64_of_non_pem),
        cmocka_unit_test(test_credentials_errors),
        cmocka_unit_test(test_text_anchors_and_relative_dir),
        cmocka_unit_test(test_text_shape_errors),
        cmocka_unit_test(test_text_limits),
        cmocka_unit_test(test_kubeconfig_env_list_merges),
        cmocka_unit_test(test_home_fallback),
        cmocka_unit_test(test_explicit_path_wins),
        cmocka_unit_test(test_nothing_found),
        cmocka_unit_test(test_incluster_ipv6),
        cmocka_unit_test(test_incluster_through_load),
        cmocka_unit_test(test_incluster_errors),
        cmocka_unit_test(test_read_token_file),
        cmocka_unit_test(test_exec_config_fields),
        cmocka_unit_test(test_exec_config_errors),
        cmocka_unit_test(test_exec_token_and_expiry),
        cmocka_unit_test(test_exec_without_cluster_info),
        cmocka_unit_test(test_exec_client_certificate),
        cmocka_unit_test(test_exec_expiry_with_offset),
        cmocka_unit_test(test_exec_failing_plugin),
        cmocka_unit_test(test_exec_missing_plugin),
        cmocka_unit_test(test_exec_hanging_plugin_is_killed),
        cmocka_unit_test(test_exec_lingering_plugin_is_killed),
        cmocka_unit_test(test_exec_bad_output),
        cmocka_unit_test(test_exec_not_configured),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
