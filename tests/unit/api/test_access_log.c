/*
 * test_access_log.c - batched request lines: held while other requests
 * are in progress, written when the server goes idle, when the oldest line
 * has waited API_LOG_HOLD_S, on flush and on free; the line's format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "api/access_log.h"

/* What the pipe holds now, into buf. */
static size_t drain(int fd, char *buf, size_t len)
{
    ssize_t n = read(fd, buf, len - 1);

    buf[n > 0 ? n : 0] = '\0';
    return n > 0 ? (size_t)n : 0;
}

static void test_batches(void **state)
{
    int p[2];
    char buf[4096];
    struct api_access_log *l;

    (void)state;
    assert_int_equal(pipe(p), 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    l = api_access_log_new(p[1]);
    api_access_log_request(l, "127.0.0.1", "GET", "/healthz", 200, 0.25, 0, 100.0, 0);
    api_access_log_request(l, "127.0.0.1", "GET", "/api/me", 401, 1.5, 0, 100.1, 0);
    assert_int_equal(drain(p[0], buf, sizeof(buf)), 0);        /* busy: held */
    api_access_log_request(l, "::1", "POST", "/api/tenants", 202, 3.0, 1, 100.2, 1);
    assert_true(drain(p[0], buf, sizeof(buf)) > 0);            /* idle: out */
    assert_non_null(strstr(buf, " 127.0.0.1 \"GET /healthz\" 200 0.2ms\n"));
    assert_non_null(strstr(buf, "\"GET /api/me\" 401 1.5ms\n"));
    assert_non_null(strstr(buf, " ::1 \"POST /api/tenants\" 202 3.0ms aborted\n"));
    assert_int_equal(buf[4], '-');                             /* 2026-...T...Z */
    assert_non_null(strchr(buf, 'T'));
    api_access_log_request(l, "10.0.0.1", "GET", "/a", 200, 1, 0, 200.0, 0);
    assert_int_equal(drain(p[0], buf, sizeof(buf)), 0);
    api_access_log_request(l, "10.0.0.1", "GET", "/b", 200, 1, 0, 200.0 + API_LOG_HOLD_S, 0);
    assert_true(drain(p[0], buf, sizeof(buf)) > 0);            /* held long enough */
    assert_non_null(strstr(buf, "\"GET /a\""));
    assert_non_null(strstr(buf, "\"GET /b\""));
    api_access_log_request(l, "10.0.0.1", "GET", "/c", 200, 1, 0, 300.0, 0);
    api_access_log_flush(l);
    assert_true(drain(p[0], buf, sizeof(buf)) > 0);
    assert_non_null(strstr(buf, "\"GET /c\""));
    api_access_log_request(l, "10.0.0.1", "GET", "/d", 200, 1, 0, 400.0, 0);
    api_access_log_free(l);
    assert_true(drain(p[0], buf, sizeof(buf)) > 0);
    assert_non_null(strstr(buf, "\"GET /d\""));
    close(p[0]);
    close(p[1]);
}

static void test_full_buffer(void **state)
{
    int p[2];
    char buf[65536];
    size_t got = 0;
    struct api_access_log *l;

    (void)state;
    assert_int_equal(pipe(p), 0);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    l = api_access_log_new(p[1]);
    for (int i = 0; i < 1000; i++)          /* ~50 KiB of lines, never idle */
        api_access_log_request(l, "127.0.0.1", "GET", "/api/tenants/acme", 200, 0.1, 0, 500.0, 0);
    got = drain(p[0], buf, sizeof(buf));
    assert_true(got > 16384 / 2);            /* written as the buffer filled */
    api_access_log_free(l);
    got += drain(p[0], buf, sizeof(buf));
    assert_int_equal(got, 1000 * strlen("2026-01-01T00:00:00Z 127.0.0.1 \"GET /api/tenants/acme\" 200 0.1ms\n"));
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batches),
        cmocka_unit_test(test_full_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
