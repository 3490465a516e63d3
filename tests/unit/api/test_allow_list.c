/*
 * test_allow_list.c - the --allow-from networks: good and bad entries,
 * IPv4 and IPv6 prefixes at their boundaries, /0, a v4-mapped peer
 * matching IPv4 entries, host bits in an entry taken as its network,
 * repeated lists adding up, and the 64-entry bound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "api/allow_list.h"

/* Parse text into a fresh list; the return code. */
static int parse(const char *text, struct api_allow_list *l, struct os_error *err)
{
    memset(l, 0, sizeof(*l));
    return api_allow_list_parse(text, l, err);
}

/* Whether the peer ip (an IPv4 or IPv6 literal) matches l, as the socket
 * of its own family would show it. */
static int peer(const struct api_allow_list *l, const char *ip)
{
    struct sockaddr_in in4 = {.sin_family = AF_INET};
    struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};

    if (inet_pton(AF_INET, ip, &in4.sin_addr) == 1)
        return api_allow_list_match(l, (struct sockaddr *)&in4);
    assert_int_equal(inet_pton(AF_INET6, ip, &in6.sin6_addr), 1);
    return api_allow_list_match(l, (struct sockaddr *)&in6);
}

/* The deploy's own list: what it lets in and what it keeps out. */
static void test_deploy_list(void **state)
{
    struct api_allow_list l;
    struct os_error err;

    (void)state;
    assert_int_equal(parse("127.0.0.0/8,10.1.0.0/16,10.0.0.5", &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_true(peer(&l, "127.0.0.1"));
    assert_true(peer(&l, "127.255.255.255"));
    assert_true(peer(&l, "10.1.0.0"));
    assert_true(peer(&l, "10.1.255.255"));
    assert_true(peer(&l, "10.0.0.5"));
    assert_false(peer(&l, "10.2.0.0"));
    assert_false(peer(&l, "10.0.255.255"));
    assert_false(peer(&l, "10.0.0.4"));
    assert_false(peer(&l, "10.0.0.6"));
    assert_false(peer(&l, "128.0.0.1"));
    assert_false(peer(&l, "203.0.113.9"));
    assert_false(peer(&l, "::1"));              /* no IPv6 entry */
}

/* Prefixes that do not end on a byte: the last partial byte is masked. */
static void test_odd_prefixes(void **state)
{
    struct api_allow_list l;
    struct os_error err;

    (void)state;
    assert_int_equal(parse("192.168.4.0/22,172.16.0.0/12,198.51.100.7/31", &l, &err), 0);
    assert_true(peer(&l, "192.168.4.0"));
    assert_true(peer(&l, "192.168.7.255"));
    assert_false(peer(&l, "192.168.8.0"));
    assert_false(peer(&l, "192.168.3.255"));
    assert_true(peer(&l, "172.31.255.255"));
    assert_false(peer(&l, "172.32.0.0"));
    assert_true(peer(&l, "198.51.100.6"));
    assert_true(peer(&l, "198.51.100.7"));
    assert_false(peer(&l, "198.51.100.8"));
}

static void test_ipv6(void **state)
{
    struct api_allow_list l;
    struct os_error err;

    (void)state;
    assert_int_equal(parse("::1,fd00:10:1::/48,2001:db8::/33", &l, &err), 0);
    assert_true(peer(&l, "::1"));
    assert_false(peer(&l, "::2"));
    assert_true(peer(&l, "fd00:10:1::"));
    assert_true(peer(&l, "fd00:10:1:ffff:ffff:ffff:ffff:ffff"));
    assert_false(peer(&l, "fd00:10:2::"));
    assert_true(peer(&l, "2001:db8:7fff::1"));
    assert_false(peer(&l, "2001:db8:8000::1"));
    assert_false(peer(&l, "127.0.0.1"));        /* no IPv4 entry */
}

/* On a dual-stack v6 socket an IPv4 client shows as ::ffff:a.b.c.d. */
static void test_v4_mapped(void **state)
{
    struct api_allow_list l;
    struct os_error err;

    (void)state;
    assert_int_equal(parse("10.1.0.0/16,127.0.0.1", &l, &err), 0);
    assert_true(peer(&l, "::ffff:10.1.2.3"));
    assert_true(peer(&l, "::ffff:127.0.0.1"));
    assert_false(peer(&l, "::ffff:10.2.0.1"));
    assert_false(peer(&l, "::10.1.2.3"));       /* IPv4-compatible, not mapped */
    assert_false(peer(&l, "64:ff9b::a01:203"));  /* NAT64 of 10.1.2.3: not the same peer */
    /* a mapped entry is an IPv4 entry: it matches a plain IPv4 peer too */
    assert_int_equal(parse("::ffff:10.0.0.0/104", &l, &err), 0);
    assert_int_equal(l.net[0].family, AF_INET);
    assert_int_equal(l.net[0].bits, 8);
    assert_true(peer(&l, "10.9.9.9"));
    assert_true(peer(&l, "::ffff:10.9.9.9"));
    assert_false(peer(&l, "11.0.0.0"));
}

static void test_slash_zero(void **state)
{
    struct api_allow_list l;
    struct os_error err;

    (void)state;
    assert_int_equal(parse("0.0.0.0/0", &l, &err), 0);
    assert_true(peer(&l, "0.0.0.0"));
    assert_true(peer(&l, "255.255.255.255"));
    assert_true(peer(&l, "::ffff:203.0.113.9"));
    assert_false(peer(&l, "2001:db8::1"));
    assert_int_equal(parse("::/0", &l, &err), 0);
    assert_true(peer(&l, "2001:db8::1"));
    assert_true(peer(&l, "::ffff:203.0.113.9"));  /* still an IPv6 address */
    assert_false(peer(&l, "203.0.113.9"));        /* a v4 socket's peer */
}

/* 10.1.2.3/16 is taken as 10.1.0.0/16 (as ip(8) and iptables would
 * mean it), not refused and not the host alone. */
static void test_host_bits(void **state)
{
    struct api_allow_list l;
    struct os_error err;
    const unsigned char net[4] = {10, 1, 0, 0};

    (void)state;
    assert_int_equal(parse("10.1.2.3/16", &l, &err), 0);
    assert_memory_equal(l.net[0].addr, net, 4);
    assert_int_equal(l.net[0].bits, 16);
    assert_true(peer(&l, "10.1.0.0"));
    assert_true(peer(&l, "10.1.200.7"));
    assert_false(peer(&l, "10.2.2.3"));
    assert_int_equal(parse("10.1.2.255/25", &l, &err), 0);
    assert_true(peer(&l, "10.1.2.128"));
    assert_false(peer(&l, "10.1.2.127"));
    assert_int_equal(parse("fd00::1234/112", &l, &err), 0);
    assert_true(peer(&l, "fd00::ffff"));
    assert_false(peer(&l, "fd00::1:0"));
}

/* Bare addresses are exactly one host. */
static void test_bare_is_host(void **state)
{
    struct api_allow_list l;
    struct os_error err;

    (void)state;
    assert_int_equal(parse("10.0.0.5,fd00::5", &l, &err), 0);
    assert_int_equal(l.net[0].bits, 32);
    assert_int_equal(l.net[1].bits, 128);
    assert_int_equal(parse("10.0.0.5/32,fd00::5/128", &l, &err), 0);
    assert_true(peer(&l, "10.0.0.5"));
    assert_false(peer(&l, "10.0.0.7"));
    assert_true(peer(&l, "fd00::5"));
    assert_false(peer(&l, "fd00::4"));
}

static void test_bad(void **state)
{
    static const char *const bad[] = {
        "", ",", "10.0.0.1,", ",10.0.0.1", "10.0.0.1,,10.0.0.2", "300.1.1.1", "10.0.0",
        "10.0.0.1.2", "010.0.0.1", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1", "10.0.0.1/+8",
        "10.0.0.1/08", "10.0.0.1/8/8", "10.0.0.1/ 8", " 10.0.0.1", "10.0.0.1 ", "10.0.0.1, 10.0.0.2",
        "::1/129", "[::1]", "[::1]/128", "fe80::1%eth0", "localhost", "10.0.0.1/0x8",
        "10.0.0.0/8;rm", "1:2:3:4:5:6:7:8:9", "0x0a000001",
    };
    struct api_allow_list l;
    struct os_error err;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i], &l, &err) == 0)
            fail_msg("'%s' was accepted", bad[i]);
        assert_int_equal(err.code, OS_ERR_INVALID);
        assert_non_null(strstr(err.message, "(want ADDR[/BITS], comma-separated)"));
    }
}

/* The message names the bad entry alone, not the whole list. */
static void test_bad_names_entry(void **state)
{
    struct api_allow_list l;
    struct os_error err;
    char long_entry[400];

    (void)state;
    assert_int_equal(parse("127.0.0.0/8,300.1.1.1,10.0.0.5", &l, &err), OS_ERR_INVALID);
    assert_string_equal(err.message, "bad address '300.1.1.1' (want ADDR[/BITS], comma-separated)");
    assert_int_equal(parse("10.0.0.1,,10.0.0.2", &l, &err), OS_ERR_INVALID);
    assert_string_equal(err.message, "bad address '' (want ADDR[/BITS], comma-separated)");
    memset(long_entry, '1', sizeof(long_entry) - 1);
    long_entry[sizeof(long_entry) - 1] = '\0';
    assert_int_equal(parse(long_entry, &l, &err), OS_ERR_INVALID);   /* cut short, still one line */
    assert_true(strlen(err.message) < 140);
}

/* Repeated --allow-from adds up; past API_ALLOW_MAX it is refused. */
static void test_limit(void **state)
{
    struct api_allow_list l;
    struct os_error err;
    char text[API_ALLOW_MAX * 16 + 16] = "";
    size_t len = 0;

    (void)state;
    for (int i = 0; i < API_ALLOW_MAX; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s10.0.%d.0/24", i ? "," : "", i);
    assert_int_equal(parse(text, &l, &err), 0);
    assert_int_equal(l.n, API_ALLOW_MAX);
    assert_true(peer(&l, "10.0.63.1"));
    assert_false(peer(&l, "10.0.64.1"));
    assert_int_equal(api_allow_list_parse("10.9.9.9", &l, &err), OS_ERR_LIMIT);
    assert_non_null(strstr(err.message, "more than 64"));
    assert_int_equal(parse("10.0.0.1", &l, &err), 0);
    assert_int_equal(api_allow_list_parse("10.0.0.2,fd00::/8", &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_true(peer(&l, "10.0.0.1"));
    assert_true(peer(&l, "fd12::1"));
}

/* Anything but AF_INET and AF_INET6 never matches. */
static void test_other_family(void **state)
{
    struct api_allow_list l;
    struct os_error err;
    struct sockaddr sa = {.sa_family = AF_UNIX};

    (void)state;
    assert_int_equal(parse("0.0.0.0/0,::/0", &l, &err), 0);
    assert_false(api_allow_list_match(&l, &sa));
    assert_false(api_allow_list_match(&l, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deploy_list),
        cmocka_unit_test(test_odd_prefixes),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_v4_mapped),
        cmocka_unit_test(test_slash_zero),
        cmocka_unit_test(test_host_bits),
        cmocka_unit_test(test_bare_is_host),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_bad_names_entry),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_other_family),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
