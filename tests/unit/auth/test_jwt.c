/*
 * test_jwt.c - HS256 tokens: a round trip, and every forgery refused
 * (alg none, another algorithm, a wrong key, a tampered payload, expiry,
 * issuer, audience, garbage); the secret file is made 0600 and checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/auth.h"

static struct auth_jwt_key key = {
    .secret = "0123456789abcdef0123456789abcdef",
    .len = 32,
    .iss = "odoo-saasd",
    .aud = "odoo-saas-api",
};

static void b64(const char *in, size_t len, char *out, size_t cap)
{
    sodium_bin2base64(out, cap, (const unsigned char *)in, len,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* A token with any header and payload, signed with k (NULL: no signature). */
static char *forge(const char *header, const char *payload, const struct auth_jwt_key *k)
{
    char *t = calloc(1, 4096);
    unsigned char mac[32];
    crypto_auth_hmacsha256_state st;

    b64(header, strlen(header), t, 2048);
    strcat(t, ".");
    b64(payload, strlen(payload), t + strlen(t), 2048);
    strcat(t, ".");
    if (k) {
        crypto_auth_hmacsha256_init(&st, k->secret, k->len);
        crypto_auth_hmacsha256_update(&st, (unsigned char *)t, strlen(t) - 1);
        crypto_auth_hmacsha256_final(&st, mac);
        b64((char *)mac, sizeof(mac), t + strlen(t), 100);
    }
    return t;
}

static int verify(const char *token, int64_t now, struct os_error *err)
{
    struct auth_jwt_claims c;
    return auth_jwt_verify(&key, token, now, &c, err);
}

static void test_round_trip(void **state)
{
    struct auth_jwt_claims c;
    struct os_error err;
    char *t;

    (void)state;
    assert_int_equal(auth_jwt_encode(&key, "a@example.com", 1000, 3600, &t, &err), 0);
    assert_int_equal(auth_jwt_verify(&key, t, 1001, &c, &err), 0);
    assert_string_equal(c.sub, "a@example.com");
    assert_int_equal(c.exp, 4600);
    assert_null(strchr(t, '='));
    assert_int_equal(verify(t, 4600, &err), OS_ERR_AUTH);
    assert_string_equal(err.message, "token expired");
    free(t);
}

static void test_alg_none_refused(void **state)
{
    struct os_error err;
    const char *p = "{\"iss\":\"odoo-saasd\",\"aud\":\"odoo-saas-api\",\"sub\":\"a@example.com\","
                    "\"iat\":1000,\"exp\":99999999999}";
    char *t = forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", p, NULL);

    (void)state;
    assert_int_equal(verify(t, 1001, &err), OS_ERR_AUTH);
    assert_string_equal(err.message, "token algorithm is not HS256");
    free(t);
    t = forge("{\"alg\":\"none\"}", p, &key);   /* signed or not: refused */
    assert_int_equal(verify(t, 1001, &err), OS_ERR_AUTH);
    free(t);
    t = forge("{\"alg\":\"HS512\"}", p, &key);
    assert_int_equal(verify(t, 1001, &err), OS_ERR_AUTH);
    free(t);
    t = forge("{\"alg\":\"hs256\"}", p, &key);
    assert_int_equal(verify(t, 1001, &err), OS_ERR_AUTH);
    free(t);
    t = forge("{\"alg\":\"HS256\"}", p, &key);   /* the control: accepted */
    assert_int_equal(verify(t, 1001, &err), 0);
    free(t);
}

static void test_wrong_key_and_tamper(void **state)
{
    struct auth_jwt_key other = key;
    struct os_error err;
    char *t, *dot;

    (void)state;
    memcpy(other.secret, "ffffffffffffffffffffffffffffffff", 32);
    assert_int_equal(auth_jwt_encode(&other, "a@example.com", 1000, 3600, &t, &err), 0);
    assert_int_equal(verify(t, 1001, &err), OS_ERR_AUTH);
    assert_string_equal(err.message, "token signature is wrong");
    free(t);
    assert_int_equal(auth_jwt_encode(&key, "a@example.com", 1000, 3600, &t, &err), 0);
    dot = strchr(t, '.');
    dot[3] = dot[3] == 'A' ? 'B' : 'A';
    assert_int_equal(verify(t, 1001, &err), OS_ERR_AUTH);
    free(t);
}

static void test_claims(void **state)
{
    struct os_error err;
    char *t;

    (void)state;
    t = forge("{\"alg\":\"HS256\"}", "{\"iss\":\"evil\",\"aud\":\"odoo-saas-api\",\"sub\":\"a@b.c\",\"iat\":1,\"exp\":9999}", &key);
    assert_int_equal(verify(t, 10, &err), OS_ERR_AUTH);
    assert_string_equal(err.message, "token issuer is wrong");
    free(t);
    t = forge("{\"alg\":\"HS256\"}", "{\"iss\":\"odoo-saasd\",\"aud\":\"x\",\"sub\":\"a@b.c\",\"iat\":1,\"exp\":9999}", &key);
    assert_int_equal(verify(t, 10, &err), OS_ERR_AUTH);
    free(t);
    t = forge("{\"alg\":\"HS256\"}", "{\"iss\":\"odoo-saasd\",\"aud\":\"odoo-saas-api\",\"iat\":1,\"exp\":9999}", &key);
    assert_int_equal(verify(t, 10, &err), OS_ERR_AUTH);
    free(t);
    t = forge("{\"alg\":\"HS256\"}", "{\"iss\":\"odoo-saasd\",\"aud\":\"odoo-saas-api\",\"sub\":\"a@b.c\",\"iat\":5000,\"exp\":9999}", &key);
    assert_int_equal(verify(t, 10, &err), OS_ERR_AUTH);   /* issued in the future */
    free(t);
    t = forge("{\"alg\":\"HS256\"}", "{\"iss\":\"odoo-saasd\",\"aud\":\"odoo-saas-api\",\"sub\":\"a@b.c\",\"iat\":1,\"exp\":\"9999\"}", &key);
    assert_int_equal(verify(t, 10, &err), OS_ERR_AUTH);   /* exp as a string */
    free(t);
}

static void test_email_claim(void **state)
{
    struct auth_jwt_claims c;
    struct os_error err;
    char *t;

    (void)state;
    t = forge("{\"alg\":\"HS256\"}", "{\"iss\":\"odoo-saasd\",\"aud\":\"odoo-saas-api\",\"sub\":\"u-1\","
              "\"email\":\"ann@example.com\",\"iat\":1,\"exp\":9999}", &key);
    assert_int_equal(auth_jwt_verify(&key, t, 10, &c, &err), 0);
    assert_string_equal(c.sub, "u-1");
    assert_string_equal(c.email, "ann@example.com");
    free(t);
    t = forge("{\"alg\":\"HS256\"}", "{\"iss\":\"odoo-saasd\",\"aud\":\"odoo-saas-api\",\"sub\":\"u-1\","
              "\"email\":42,\"iat\":1,\"exp\":9999}", &key);
    assert_int_equal(auth_jwt_verify(&key, t, 10, &c, &err), 0);
    assert_string_equal(c.email, "");   /* not a string: absent */
    free(t);
}

static void test_garbage(void **state)
{
    static const char *bad[] = {"", ".", "..", "a.b.c", "a.b.c.d", "eyJhbGciOiJIUzI1NiJ9..", "e30.e30.e30",
                                "!!!.???.***", NULL};
    struct os_error err;
    char *big = malloc(AUTH_TOKEN_MAX + 10);

    (void)state;
    for (const char **b = bad; *b; b++)
        assert_int_equal(verify(*b, 10, &err), OS_ERR_AUTH);
    assert_int_equal(verify(NULL, 10, &err), OS_ERR_AUTH);
    memset(big, 'a', AUTH_TOKEN_MAX + 9);
    big[AUTH_TOKEN_MAX + 9] = '\0';
    assert_int_equal(verify(big, 10, &err), OS_ERR_AUTH);
    free(big);
}

static void test_key_file(void **state)
{
    char dir[] = "/tmp/test_jwt.XXXXXX", path[256];
    struct auth_jwt_key k = {0}, k2 = {0};
    struct os_error err;
    struct stat st;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/secret", dir);
    assert_int_equal(auth_jwt_key_load(path, 0, &k, &err), OS_ERR_IO);
    assert_int_equal(auth_jwt_key_load(path, 1, &k, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(k.len, 64);
    assert_int_equal(auth_jwt_key_load(path, 1, &k2, &err), 0);
    assert_memory_equal(k.secret, k2.secret, 64);
    chmod(path, 0644);
    assert_int_equal(auth_jwt_key_load(path, 0, &k2, &err), OS_ERR_AUTH);
    unlink(path);
    FILE *f = fopen(path, "w");
    fputs("short\n", f);
    fclose(f);
    chmod(path, 0600);
    assert_int_equal(auth_jwt_key_load(path, 0, &k2, &err), OS_ERR_AUTH);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_alg_none_refused),
        cmocka_unit_test(test_wrong_key_and_tamper),
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_email_claim),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_key_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
