/*
 * test_api_config.c - the daemon's settings: defaults under the data
 * directory, the "api:" section read from the same file as the platform
 * config (each part to its own parser), and every bad key or value refused
 * with its name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"

static int load_text(const char *text, struct api_config *ac, struct os_config **oc,
                     struct os_error *err)
{
    char path[] = "/tmp/test_api_config.XXXXXX";
    int fd = mkstemp(path), rc;
    FILE *f = fdopen(fd, "w");

    fputs(text, f);
    fclose(f);
    rc = api_config_load(path, "/data", ac, oc, err);
    unlink(path);
    return rc;
}

static void test_defaults(void **state)
{
    struct api_config ac;
    struct os_error err;

    (void)state;
    assert_int_equal(api_config_init(&ac, "/srv/x", NULL, &err), 0);
    assert_string_equal(ac.database, "/srv/x/accounts.db");
    assert_string_equal(ac.token_secret_file, "/srv/x/token-secret");
    assert_string_equal(ac.backend, "local");
    assert_int_equal(ac.tenants_per_account, 3);
    assert_int_equal(ac.token_ttl_s, 3600);
    assert_int_equal(ac.connection_memory, 32 * 1024);
    assert_null(ac.cors_origins);
    api_config_free(&ac);
}

static void test_file(void **state)
{
    struct api_config ac;
    struct os_config *oc;
    struct os_error err;

    (void)state;
    assert_int_equal(load_text("base_domain: shop.test\n"
                               "api:\n"
                               "  tenants_per_account: 7\n"
                               "  cors_origins: [https://a.test, https://b.test]\n"
                               "  tokens: {ttl_seconds: 600, issuer: me}\n"
                               "  server: {threads: 2, connection_memory_kib: 32, trust_forwarded_for: true}\n"
                               "  rate_limits: {login_account: {burst: 2, per_seconds: 0.5}}\n",
                               &ac, &oc, &err), 0);
    assert_string_equal(oc->base_domain, "shop.test");
    assert_int_equal(ac.tenants_per_account, 7);
    assert_string_equal(ac.cors_origins[1], "https://b.test");
    assert_null(ac.cors_origins[2]);
    assert_int_equal(ac.token_ttl_s, 600);
    assert_string_equal(ac.issuer, "me");
    assert_int_equal(ac.threads, 2);
    assert_int_equal(ac.connection_memory, 32 * 1024);
    assert_int_equal(ac.trust_forwarded_for, 1);
    assert_true(ac.login_account_every_s == 0.5);
    assert_string_equal(ac.database, "/data/accounts.db");
    api_config_free(&ac);
    os_config_free(oc);
}

static void test_supabase(void **state)
{
    struct api_config ac;
    struct os_config *oc;
    struct os_error err;

    (void)state;
    assert_int_equal(load_text("api:\n"
                               "  accounts: {backend: supabase, supabase_url: https://p.supabase.co,\n"
                               "             supabase_anon_key_file: /k}\n"
                               "  tokens: {secret_file: /s}\n", &ac, &oc, &err), 0);
    assert_string_equal(ac.issuer, "https://p.supabase.co/auth/v1");
    assert_string_equal(ac.audience, "authenticated");
    assert_string_equal(ac.token_secret_file, "/s");
    api_config_free(&ac);
    os_config_free(oc);
}

static void refuse(const char *text, const char *needle)
{
    struct api_config ac;
    struct os_config *oc = NULL;
    struct os_error err;

    assert_true(load_text(text, &ac, &oc, &err) < 0);
    assert_null(oc);
    if (!strstr(err.message, needle))
        fail_msg("\"%s\" not in \"%s\"", needle, err.message);
}

static void test_refused(void **state)
{
    (void)state;
    refuse("api: {nope: 1}\n", "api.nope");
    refuse("api: {tokens: {ttl: 1}}\n", "api.tokens.ttl");
    refuse("api: {tokens: {ttl_seconds: 5}}\n", "api.tokens.ttl_seconds");
    refuse("api: {tenants_per_account: \"3\"}\n", "api.tenants_per_account");
    refuse("api: {cors_origins: https://a.test}\n", "api.cors_origins");
    refuse("api: {server: 4}\n", "api.server");
    refuse("api: {server: {trust_forwarded_for: 1}}\n", "api.server.trust_forwarded_for");
    refuse("api: {accounts: {backend: supabase}}\n", "supabase_url");
    refuse("api: {accounts: {backend: supabase, supabase_url: u, supabase_anon_key_file: k}}\n",
           "tokens.secret_file");
    refuse("api: {accounts: {backend: ldap}}\n", "local or supabase");
    refuse("api: [1]\n", "api");
    refuse("base_domainn: x\n", "base_domainn");
    refuse("- a\n", "mapping");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_supabase),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
