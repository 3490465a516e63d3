/*
 * test_deploy_pure.c - the parts of core/deploy that need no network:
 * fingerprints, known_hosts lines and host names, USER@HOST[:PORT], step selection
 * (--only) and the step table's shape, add-node output parsing, the
 * SHA256SUMS list of an upload, and terminal-safe output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "deploy/deploy.h"
#include "deploy/ssh.h"
#include "term_text.h"

/* The OpenSSH test vector: an ed25519 public key blob and the fingerprint
 * `ssh-keygen -l -E sha256` prints for it. */
static const char key_b64[] =
    "AAAAC3NzaC1lZDI1NTE5AAAAILAuSwN0AbFNcWPzN1wPvEF4DNKWDV7f8VJFzBMcmqeb";

static void test_fingerprint_format(void **state)
{
    char fp[SSH_FP_MAX], small[20];
    (void)state;

    assert_int_equal(ssh_fingerprint((const unsigned char *)"", 0, fp, sizeof(fp)), 0);
    /* SHA-256 of nothing, base64 without padding */
    assert_string_equal(fp, "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
    assert_int_equal(ssh_fingerprint((const unsigned char *)"", 0, small, sizeof(small)),
                     OS_ERR_LIMIT);
    assert_int_equal(ssh_fingerprint_b64(key_b64, fp, sizeof(fp)), 0);
    assert_int_equal(strlen(fp), 7 + 43);
    assert_memory_equal(fp, "SHA256:", 7);
    assert_null(strchr(fp, '='));
    assert_int_equal(ssh_fingerprint_b64("not base64!", fp, sizeof(fp)), OS_ERR_PARSE);
    assert_int_equal(ssh_fingerprint_b64("", fp, sizeof(fp)), OS_ERR_PARSE);
}

static void test_fingerprint_vector(void **state)
{
    char fp[SSH_FP_MAX];
    (void)state;

    /* ssh-keygen -l -E sha256 of "ssh-ed25519 <key_b64>" */
    assert_int_equal(ssh_fingerprint_b64(key_b64, fp, sizeof(fp)), 0);
    assert_string_equal(fp, "SHA256:iSREPmzVpkg0lK7E+0vCeShnQ3uQozZgHtMvpSE0PE4");
}

static void test_known_hosts_classify(void **state)
{
    const char *key = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(ssh_known_hosts_classify("", &key, &len), SSH_KH_SKIP);
    assert_int_equal(ssh_known_hosts_classify("   \n", &key, &len), SSH_KH_SKIP);
    assert_int_equal(ssh_known_hosts_classify("# comment", &key, &len), SSH_KH_SKIP);
    assert_int_equal(ssh_known_hosts_classify("host ssh-ed25519 AAAA", &key, &len), SSH_KH_HOST);
    assert_int_equal(ssh_known_hosts_classify("|1|c2FsdA==|aGFzaA== ssh-ed25519 AAAA", &key, &len),
                     SSH_KH_HOST);
    assert_int_equal(ssh_known_hosts_classify("@cert-authority *.example ssh-ed25519 AAAA", &key,
                                              &len), SSH_KH_CA);
    assert_int_equal(ssh_known_hosts_classify("@unknown-marker x y z", &key, &len), SSH_KH_SKIP);
    assert_int_equal(ssh_known_hosts_classify("@revoked", &key, &len), SSH_KH_SKIP);
    assert_int_equal(ssh_known_hosts_classify("@revoked * ssh-ed25519", &key, &len), SSH_KH_SKIP);
    assert_int_equal(ssh_known_hosts_classify("@revokedx * ssh-ed25519 AAAA", &key, &len),
                     SSH_KH_SKIP);
    assert_int_equal(ssh_known_hosts_classify(" @revoked\t* ssh-ed25519 AAAAkey comment\n", &key,
                                              &len), SSH_KH_REVOKED);
    assert_int_equal(len, 7);
    assert_memory_equal(key, "AAAAkey", 7);
}

static void test_known_host_name(void **state)
{
    char buf[64];
    (void)state;

    ssh_known_host_name("example.com", 22, buf, sizeof(buf));
    assert_string_equal(buf, "example.com");
    ssh_known_host_name("10.0.0.1", 0, buf, sizeof(buf));
    assert_string_equal(buf, "10.0.0.1");
    ssh_known_host_name("127.0.0.1", 2222, buf, sizeof(buf));
    assert_string_equal(buf, "[127.0.0.1]:2222");
}

static void test_target_parse(void **state)
{
    struct deploy_target t;
    struct os_error err;
    (void)state;

    assert_int_equal(deploy_target_parse("ubuntu@10.0.0.5", &t, &err), 0);
    assert_string_equal(t.user, "ubuntu");
    assert_string_equal(t.host, "10.0.0.5");
    assert_int_equal(t.port, 22);
    assert_int_equal(deploy_target_parse("root@host.example:2222", &t, &err), 0);
    assert_string_equal(t.host, "host.example");
    assert_int_equal(t.port, 2222);
    assert_int_equal(deploy_target_parse("me@[::1]:22022", &t, &err), 0);
    assert_string_equal(t.host, "::1");
    assert_int_equal(t.port, 22022);
    assert_int_equal(deploy_target_parse("me@[::1]", &t, &err), 0);
    assert_int_equal(t.port, 22);

    const char *bad[] = {"host", "@host", "u@", "u@h:", "u@h:0", "u@h:70000", "u@h:22x",
                         "u@[::1", "u@[::1]x", "a b@h", "u;x@h", "u@a@b", NULL};
    for (int i = 0; bad[i]; i++) {
        assert_int_equal(deploy_target_parse(bad[i], &t, &err), OS_ERR_INVALID);
        assert_true(strlen(err.message) > 0);
    }
}

static void test_select(void **state)
{
    size_t n;
    const struct deploy_step *s = deploy_steps(&n);
    int sel[64];
    struct os_error err;
    (void)state;

    assert_true(n >= 10 && n <= 64);
    assert_int_equal(deploy_select(NULL, sel, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sel[i], 1);
    assert_int_equal(deploy_select("traefik,os-check", sel, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sel[i], !strcmp(s[i].name, "traefik") || !strcmp(s[i].name, "os-check"));
    assert_int_equal(deploy_select("", sel, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(sel[i], 0);
    assert_int_equal(deploy_select("traefik,nope", sel, &err), OS_ERR_INVALID);
    assert_non_null(strstr(err.message, "unknown step 'nope'"));
    assert_non_null(strstr(err.message, "microk8s-install"));
    assert_int_equal(deploy_select("traef", sel, &err), OS_ERR_INVALID);
}

/* The table's contract: the documented order, every step described and
 * with something to run, checks everywhere (reruns skip), and the
 * MicroK8s ingress addon never enabled. */
static void test_step_table(void **state)
{
    static const char *const order[] = {"os-check", "sudo", "microk8s-install", "microk8s-group",
                                        "microk8s-ready", "addons", "kubeconfig", "bundle",
                                        "build-deps", "daemon", "traefik", "platform", "daemon-config",
                                        "daemon-address",
                                        "service", "healthz"};
    size_t n;
    const struct deploy_step *s = deploy_steps(&n);
    (void)state;

    assert_int_equal(n, sizeof(order) / sizeof(order[0]));
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(s[i].name, order[i]);
        assert_non_null(s[i].description);
        assert_non_null(s[i].check);
        assert_non_null(s[i].run[0]);
        assert_true(s[i].timeout_s > 0);
        for (int j = 0; s[i].run[j]; j++)
            assert_null(strstr(s[i].run[j], "enable ingress"));
    }
    assert_ptr_equal(deploy_step_find("traefik"), &s[10]);
    assert_null(deploy_step_find("nope"));
    assert_non_null(strstr(deploy_step_find("addons")->run[0],
                           "enable dns hostpath-storage metrics-server helm3 rbac"));
    assert_non_null(strstr(deploy_step_find("traefik")->run[1], "--namespace traefik"));
    assert_non_null(strstr(deploy_step_find("traefik")->run[1], "kubernetes/traefik/values.yaml"));
    assert_non_null(strstr(deploy_step_find("microk8s-ready")->run[0], "status --wait-ready"));
    assert_string_equal(deploy_step_find("bundle")->run[1], DEPLOY_UPLOAD);
    /* odoo-saasd: the unit and the kubeconfig come from the bundle and the
     * ServiceAccount's Secret, never MicroK8s' admin config */
    assert_non_null(strstr(deploy_step_find("service")->run[0], "kubernetes/host/odoo-saasd.service"));
    assert_null(strstr(deploy_step_find("daemon-config")->run[1], "client.config"));
    assert_non_null(strstr(deploy_step_find("daemon-config")->run[1], "odoo-saasd-token"));
}

static void test_parse_join(void **state)
{
    static const char out[] =
        "From the node you wish to join to this cluster, run the following:\n"
        "microk8s join 10.0.0.11:25000/0123456789abcdef0123456789abcdef/feedbeef\n"
        "\n"
        "Use the '--worker' flag to join a node as a worker not running the control plane, eg:\n"
        "microk8s join 10.0.0.11:25000/0123456789abcdef0123456789abcdef/feedbeef --worker\n";
    char url[128], tiny[8];
    struct os_error err;
    (void)state;

    assert_int_equal(deploy_parse_join(out, url, sizeof(url), &err), 0);
    assert_string_equal(url, "10.0.0.11:25000/0123456789abcdef0123456789abcdef/feedbeef");
    assert_int_equal(deploy_parse_join("nothing here\n", url, sizeof(url), &err), OS_ERR_PARSE);
    assert_int_equal(deploy_parse_join(out, tiny, sizeof(tiny), &err), OS_ERR_PARSE);
    assert_int_equal(deploy_parse_join("microk8s join 1.2.3.4:25000/a'b/c\n", url, sizeof(url),
                                       &err), OS_ERR_PARSE);
    /* the secret token is never part of a message */
    assert_null(strstr(err.message, "a'b"));
}

static void test_upload_sums(void **state)
{
    struct ssh_upload_file files[] = {
        {.remote = "a.txt", .data = "", .len = 0},
        {.remote = "dir/b.txt", .data = "abc", .len = 3},
    };
    struct ssh_upload_file bad = {.remote = "../x", .data = "", .len = 0};
    char *text = NULL, hex[65];
    struct os_error err;
    (void)state;

    assert_int_equal(ssh_upload_sums(files, 2, &text, hex, &err), 0);
    assert_string_equal(text,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.txt\n"
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  dir/b.txt\n");
    assert_int_equal(strlen(hex), 64);
    free(text);
    assert_int_equal(ssh_upload_sums(&bad, 1, &text, hex, &err), OS_ERR_INVALID);
}

/* Remote output as the CLI and the Deploy pane clean it (term_text_feed):
 * tab and line ends pass, ESC, BEL, DEL and a C1 CSI do not, and a
 * character cut between two chunks of output stays whole. */
static void test_sanitize(void **state)
{
    const char *chunk[] = {"ok\ttab\r\n\033[31mred\007\x7f caf\xc3", "\xa9 \xc2\x9b" "2J\xf0"};
    struct term_text_stream st = {0};
    char buf[TERM_TEXT_FEED_ROOM(64)], out[128] = "";
    (void)state;

    for (int i = 0; i < 2; i++) {
        term_text_feed(&st, chunk[i], strlen(chunk[i]), buf);
        strcat(out, buf);
    }
    term_text_flush(&st, buf);
    strcat(out, buf);
    assert_string_equal(out, "ok\ttab\r\n?[31mred?? caf\xc3\xa9 ??2J?");
}

/* ---- the exit status trailer ------------------------------------------ */

struct collected {
    char buf[4096];
    size_t len;
};

static void collect(void *ud, const char *data, size_t len)
{
    struct collected *c = ud;
    assert_true(c->len + len < sizeof(c->buf));
    memcpy(c->buf + c->len, data, len);
    c->len += len;
    c->buf[c->len] = '\0';
}

/* Feed text in chunks of size step; the output and the trailer's verdict. */
static void feed(const char *text, size_t step, struct collected *c, struct ssh_trailer *t)
{
    size_t len = strlen(text);

    memset(c, 0, sizeof(*c));
    ssh_trailer_init(t, "0123456789abcdef");
    for (size_t i = 0; i < len; i += step)
        ssh_trailer_feed(t, text + i, len - i < step ? len - i : step, collect, c);
    ssh_trailer_end(t, collect, c);
}

#define TRAILER(status) "\n\036odoo-saas-exit:0123456789abcdef:" status "\n"

static void test_trailer(void **state)
{
    struct collected c;
    struct ssh_trailer t;

    for (size_t step = 1; step < 60; step += 7) {
        feed("hello\nworld\n" TRAILER("7"), step, &c, &t);
        assert_string_equal(c.buf, "hello\nworld\n");
        assert_true(t.seen);
        assert_int_equal(t.status, 7);
        feed("no newline at the end" TRAILER("0"), step, &c, &t);
        assert_string_equal(c.buf, "no newline at the end");
        assert_true(t.seen);
        assert_int_equal(t.status, 0);
        feed(TRAILER("255"), step, &c, &t);
        assert_string_equal(c.buf, "");
        assert_int_equal(t.status, 255);
        /* no trailer (the shell never got there): all output, nothing seen */
        feed("partial\n\036odoo-saas-exit:0123", step, &c, &t);
        assert_string_equal(c.buf, "partial\n\036odoo-saas-exit:0123");
        assert_false(t.seen);
        /* a trailer that is not last, or has another nonce, is output */
        feed(TRAILER("3") "more\n", step, &c, &t);
        assert_string_equal(c.buf, TRAILER("3") "more\n");
        assert_false(t.seen);
        feed("\n\036odoo-saas-exit:ffffffffffffffff:0\n", step, &c, &t);
        assert_false(t.seen);
        assert_string_equal(c.buf, "\n\036odoo-saas-exit:ffffffffffffffff:0\n");
        feed("x" TRAILER("1234"), step, &c, &t);
        assert_false(t.seen);
        /* a fake trailer before the real one stays in the output */
        feed(TRAILER("9") TRAILER("0"), step, &c, &t);
        assert_string_equal(c.buf, TRAILER("9"));
        assert_int_equal(t.status, 0);
    }
}

static void test_trailer_wrap(void **state)
{
    struct ssh_trailer t;
    char *w;

    ssh_trailer_init(&t, "00ff00ff00ff00ff");
    w = ssh_trailer_wrap(&t, "exit 7");
    assert_non_null(w);
    assert_string_equal(w, "(\nexit 7\n)\n__os_rc=$?\n"
                           "printf '\\n\\036odoo-saas-exit:00ff00ff00ff00ff:%d\\n' \"$__os_rc\"\n"
                           "exit $__os_rc\n");
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fingerprint_format),
        cmocka_unit_test(test_fingerprint_vector),
        cmocka_unit_test(test_known_hosts_classify),
        cmocka_unit_test(test_known_host_name),
        cmocka_unit_test(test_target_parse),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_step_table),
        cmocka_unit_test(test_parse_join),
        cmocka_unit_test(test_upload_sums),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_trailer),
        cmocka_unit_test(test_trailer_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
