/*
 * test_accounts.c - the SQLite account store and the password rules:
 * emails normalised, duplicates refused, argon2id hashes, the same answer
 * for an unknown email and a wrong password, admins, hostile input stored
 * as data (prepared statements), WAL mode.
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

#include <sqlite3.h>

#include "auth/auth.h"

struct fx {
    char dir[64];
    char path[128];
    struct auth_accounts *a;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct os_error err;

    snprintf(f->dir, sizeof(f->dir), "/tmp/test_accounts.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/accounts.db", f->dir);
    if (auth_accounts_open(f->path, &f->a, &err) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[256];

    auth_accounts_close(f->a);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void test_email_normalize(void **state)
{
    char out[AUTH_EMAIL_MAX + 1], big[400];
    struct os_error err;

    (void)state;
    assert_int_equal(auth_email_normalize("  Ann@Example.COM \n", out, sizeof(out), &err), 0);
    assert_string_equal(out, "ann@example.com");
    assert_int_equal(auth_email_normalize("", out, sizeof(out), &err), OS_ERR_INVALID);
    assert_int_equal(auth_email_normalize("no-at.example.com", out, sizeof(out), &err), OS_ERR_INVALID);
    assert_int_equal(auth_email_normalize("a@@b.com", out, sizeof(out), &err), OS_ERR_INVALID);
    assert_int_equal(auth_email_normalize("a@b", out, sizeof(out), &err), OS_ERR_INVALID);
    assert_int_equal(auth_email_normalize("a b@c.com", out, sizeof(out), &err), OS_ERR_INVALID);
    assert_int_equal(auth_email_normalize("a'--@c.com", out, sizeof(out), &err), OS_ERR_INVALID);
    assert_int_equal(auth_email_normalize("\xc3\xa9@c.com", out, sizeof(out), &err), OS_ERR_INVALID);
    memset(big, 'a', sizeof(big));
    memcpy(big + 380, "@example.com", 13);
    assert_int_equal(auth_email_normalize(big, out, sizeof(out), &err), OS_ERR_INVALID);
}

static void test_password_rules(void **state)
{
    char big[AUTH_PASSWORD_MAX + 2];
    struct os_error err;

    (void)state;
    assert_int_equal(auth_password_check("short", &err), OS_ERR_INVALID);
    assert_int_equal(auth_password_check("long enough", &err), 0);
    assert_int_equal(auth_password_check("tab\there!", &err), OS_ERR_INVALID);
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(auth_password_check(big, &err), OS_ERR_INVALID);
}

static void test_hash_is_argon2id(void **state)
{
    char hash[AUTH_HASH_MAX];
    struct os_error err;

    (void)state;
    assert_int_equal(auth_password_hash("correct horse", hash, &err), 0);
    assert_memory_equal(hash, "$argon2id$", 10);
    assert_non_null(strstr(hash, "m=65536,t=2"));
    assert_int_equal(auth_password_verify(hash, "correct horse"), 1);
    assert_int_equal(auth_password_verify(hash, "correct horsE"), 0);
    assert_int_equal(auth_password_verify("garbage", "x"), 0);
}

static void test_create_and_login(void **state)
{
    struct fx *f = *state;
    struct auth_account acc;
    struct os_error err, e1, e2;

    assert_int_equal(auth_accounts_create(f->a, " Bob@Example.com", "s3cret-pass", 0, &acc, &err), 0);
    assert_string_equal(acc.email, "bob@example.com");
    assert_true(acc.id > 0);
    assert_int_equal(auth_accounts_create(f->a, "BOB@example.com", "other-pass", 0, &acc, &err), OS_ERR_INVALID);
    assert_string_equal(err.reason, "AlreadyExists");
    assert_int_equal(auth_accounts_login(f->a, "bob@EXAMPLE.com ", "s3cret-pass", &acc, &err), 0);
    assert_string_equal(acc.email, "bob@example.com");
    assert_int_equal(acc.admin, 0);
    /* unknown email and wrong password: the same code and message */
    assert_int_equal(auth_accounts_login(f->a, "bob@example.com", "wrong-pass", &acc, &e1), OS_ERR_AUTH);
    assert_int_equal(auth_accounts_login(f->a, "nobody@example.com", "wrong-pass", &acc, &e2), OS_ERR_AUTH);
    assert_string_equal(e1.message, e2.message);
    assert_null(strstr(e1.message, "wrong-pass"));
    assert_int_equal(auth_accounts_login(f->a, "not an email", "x", &acc, &e2), OS_ERR_AUTH);
    assert_string_equal(e1.message, e2.message);
    assert_int_equal(auth_accounts_count(f->a, &err), 1);
}

static void test_admin_and_get(void **state)
{
    struct fx *f = *state;
    struct auth_account acc;
    struct os_error err;

    assert_int_equal(auth_accounts_get(f->a, "carol@example.com", &acc, &err), OS_ERR_INVALID);
    assert_string_equal(err.reason, "NotFound");
    assert_int_equal(auth_accounts_create(f->a, "carol@example.com", "s3cret-pass", 0, &acc, &err), 0);
    assert_int_equal(auth_accounts_set_admin(f->a, "carol@example.com", 1, &err), 0);
    assert_int_equal(auth_accounts_get(f->a, "carol@example.com", &acc, &err), 0);
    assert_int_equal(acc.admin, 1);
    assert_int_equal(auth_accounts_set_admin(f->a, "dave@example.com", 1, &err), OS_ERR_INVALID);
}

static void test_hostile_input_is_data(void **state)
{
    struct fx *f = *state;
    struct auth_account acc;
    struct os_error err;
    sqlite3 *db;
    sqlite3_stmt *s;

    /* quotes are not allowed in emails, but a password is stored hashed anyway */
    assert_int_equal(auth_accounts_create(f->a, "x@example.com", "'); DROP TABLE accounts;--", 0, &acc, &err), 0);
    assert_int_equal(auth_accounts_login(f->a, "x@example.com", "'); DROP TABLE accounts;--", &acc, &err), 0);
    assert_int_equal(auth_accounts_create(f->a, "y@example.com%", "password1", 0, &acc, &err), 0);
    assert_int_equal(auth_accounts_get(f->a, "y@example.com_", &acc, &err), OS_ERR_INVALID);
    assert_int_equal(auth_accounts_count(f->a, &err), 2);
    /* WAL mode, and no password in clear text in the file */
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM accounts WHERE hash LIKE '%DROP%'", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email_normalize),
        cmocka_unit_test(test_password_rules),
        cmocka_unit_test(test_hash_is_argon2id),
        cmocka_unit_test_setup_teardown(test_create_and_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_admin_and_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_input_is_data, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
