/*
 * test_spec.c - the one gate: every bad input of issue 4 is refused with a
 * clear one-line message, and good input passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "tenant/spec.h"

static struct os_config *cfg;

static int setup(void **state)
{
    struct os_error err;
    return os_config_load_text("defaults", NULL, 0, &cfg, &err);
}

static int teardown(void **state)
{
    os_config_free(cfg);
    return 0;
}

static void refuse_spec(struct tenant_spec s, const char *msg)
{
    struct os_error err;
    assert_int_equal(tenant_spec_validate(&s, cfg, &err), OS_ERR_INVALID);
    if (!strstr(err.message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, msg);
    assert_null(strchr(err.message, '\n'));
}

static void refuse_id(const char *id, const char *msg)
{
    refuse_spec((struct tenant_spec){.id = id, .tier = "basic", .admin_email = "a@acme.com"}, msg);
}

static void test_good(void **state)
{
    struct os_error err;
    struct tenant_spec s = {.id = "acme", .tier = "basic", .admin_email = "admin@acme.com"};
    assert_int_equal(tenant_spec_validate(&s, cfg, &err), 0);
    assert_string_equal(tenant_spec_subdomain(&s), "acme");
    s.id = "a1-b2";
    s.subdomain = "shop-acme";
    s.admin_email = "first.last+odoo@mail.acme-corp.co.uk";
    s.admin_password = "correct horse battery";
    assert_int_equal(tenant_spec_validate(&s, cfg, &err), 0);
    assert_string_equal(tenant_spec_subdomain(&s), "shop-acme");
    s.id = "abcdefghijklmnopqrstuvwxyz0123456789abcd";   /* exactly 40 */
    assert_int_equal(tenant_spec_validate(&s, cfg, &err), 0);
}

static void test_bad_ids(void **state)
{
    refuse_id("Acme", "tenant id \"Acme\" must start with a lowercase letter");
    refuse_id("acMe", "may contain only lowercase letters, digits and '-'");
    refuse_id("acme.com", "may contain only lowercase letters");
    refuse_id("1acme", "must start with a lowercase letter");
    refuse_id("-acme", "must start with a lowercase letter");
    refuse_id("acme-", "must not end with '-'");
    refuse_id("ab", "must be 3 to 40 characters long");
    refuse_id("abcdefghijklmnopqrstuvwxyz0123456789abcde", "must be 3 to 40 characters long");
    refuse_id("www", "tenant id \"www\" is reserved");
    refuse_id("admin", "is reserved");
    refuse_id("kube-system", "is reserved");
    refuse_id("traefik", "is reserved");
    refuse_id("xn--80ak6aa92e", "is reserved");
    refuse_id("acme: {x: 1}", "may contain only");
    refuse_id("acme$(reboot)", "may contain only");
    refuse_id("acme;rm -rf /", "may contain only");
    refuse_id("acme\nkind: Secret", "tenant id \"acme\\nkind: Secret\" may contain only");
    refuse_id("acm\xc3\xa9", "\"acm\\xc3\\xa9\"");
    refuse_id("", "tenant id is required");
    refuse_id(NULL, "tenant id is required");
}

static void test_bad_rest(void **state)
{
    refuse_spec((struct tenant_spec){.id = "acme", .tier = "gold", .admin_email = "a@acme.com"},
                "unknown tier \"gold\" (known: basic, standard, premium)");
    refuse_spec((struct tenant_spec){.id = "acme", .admin_email = "a@acme.com"}, "tier is required");
    refuse_spec((struct tenant_spec){.id = "acme", .subdomain = "API", .tier = "basic",
                                     .admin_email = "a@acme.com"}, "subdomain \"API\"");
    refuse_spec((struct tenant_spec){.id = "acme", .subdomain = "api", .tier = "basic",
                                     .admin_email = "a@acme.com"}, "subdomain \"api\" is reserved");
    static const char *const emails[] = {"plain", "a@b", "@acme.com", "a@@acme.com", "a b@acme.com",
                                         "a@acme..com", ".a@acme.com", "a.@acme.com",
                                         "a@-acme.com", "a@acme.com\n", "a@acme.com-", NULL};
    for (const char *const *e = emails; *e; e++)
        refuse_spec((struct tenant_spec){.id = "acme", .tier = "basic", .admin_email = *e},
                    "admin email");
    refuse_spec((struct tenant_spec){.id = "acme", .tier = "basic"}, "admin email is required");
    refuse_spec((struct tenant_spec){.id = "acme", .tier = "basic", .admin_email = "a@acme.com",
                                     .admin_password = "short"}, "12 to 128 characters");
    refuse_spec((struct tenant_spec){.id = "acme", .tier = "basic", .admin_email = "a@acme.com",
                                     .admin_password = "long enough\nbut not"},
                "must not contain control characters");
}

static void test_quote(void **state)
{
    char buf[200];
    assert_string_equal(tenant_quote("a\"b\\c\td", buf, sizeof(buf)), "a\\\"b\\\\c\\x09d");
    assert_string_equal(tenant_quote("0123456789012345678901234567890123456789012345678901234", buf,
                                     sizeof(buf)),
                        "012345678901234567890123456789012345678901234567...");
    assert_string_equal(tenant_quote(NULL, buf, sizeof(buf)), "");
    tenant_quote("abcdef", buf, 4);
    assert_true(strlen(buf) < 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad_ids),
        cmocka_unit_test(test_bad_rest),
        cmocka_unit_test(test_quote),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
