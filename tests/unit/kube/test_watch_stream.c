/*
 * test_watch_stream.c - watch framing survives any split of the bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/watch_stream.h"

#define MAX_SEEN 16

struct seen {
    int n;
    enum kube_event_type types[MAX_SEEN];
    char names[MAX_SEEN][64];
    int stop_after;   /* stop the feed after this many events (0: never) */
};

static int record(void *ud, enum kube_event_type type, struct json_object *object)
{
    struct seen *s = ud;
    struct json_object *meta, *name;

    if (s->n < MAX_SEEN) {
        s->types[s->n] = type;
        s->names[s->n][0] = '\0';
        if (json_object_object_get_ex(object, "metadata", &meta) &&
            json_object_object_get_ex(meta, "name", &name))
            snprintf(s->names[s->n], sizeof(s->names[0]), "%s", json_object_get_string(name));
        else if (json_object_object_get_ex(object, "message", &name))
            snprintf(s->names[s->n], sizeof(s->names[0]), "%s", json_object_get_string(name));
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after;
}

/* Four events as kube-apiserver writes them: one JSON object and "\n" each,
 * with a newline and a brace inside string values to trip naive splitters. */
static const char stream[] =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
    "\"metadata\":{\"name\":\"odoo-1\",\"namespace\":\"tenant-acme\",\"resourceVersion\":\"10596\","
    "\"annotations\":{\"note\":\"a }{ brace\\nand a newline\"}},\"status\":{\"phase\":\"Pending\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
    "\"metadata\":{\"name\":\"odoo-1\",\"resourceVersion\":\"11020\"},\"status\":{\"phase\":\"Running\"}}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
    "\"metadata\":{\"resourceVersion\":\"12746\"}}}\n"
    "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
    "\"metadata\":{\"name\":\"odoo-1\",\"resourceVersion\":\"13001\"}}}\n";

static void check_all_four(const struct seen *s, struct kube_watch_stream *ws)
{
    assert_int_equal(s->n, 4);
    assert_int_equal(s->types[0], KUBE_EVENT_ADDED);
    assert_int_equal(s->types[1], KUBE_EVENT_MODIFIED);
    assert_int_equal(s->types[2], KUBE_EVENT_BOOKMARK);
    assert_int_equal(s->types[3], KUBE_EVENT_DELETED);
    assert_string_equal(s->names[0], "odoo-1");
    assert_string_equal(s->names[3], "odoo-1");
    assert_string_equal(kube_watch_stream_resource_version(ws), "13001");
    assert_false(kube_watch_stream_pending(ws));
}

static void test_whole_stream(void **state)
{
    struct seen s = {0};
    struct os_error err;
    struct kube_watch_stream *ws = kube_watch_stream_new(0, record, &s);

    assert_non_null(ws);
    assert_string_equal(kube_watch_stream_resource_version(ws), "");
    assert_int_equal(kube_watch_stream_feed(ws, stream, strlen(stream), &err), 0);
    check_all_four(&s, ws);
    kube_watch_stream_free(ws);
}

static void test_byte_by_byte(void **state)
{
    struct seen s = {0};
    struct os_error err;
    struct kube_watch_stream *ws = kube_watch_stream_new(0, record, &s);
    size_t len = strlen(stream);

    for (size_t i = 0; i < len; i++) {
        assert_int_equal(kube_watch_stream_feed(ws, stream + i, 1, &err), 0);
        /* An event is delivered exactly when its closing brace arrives. */
        if (i + 1 < len && stream[i] == '}' && stream[i + 1] == '\n')
            assert_true(s.n >= 1);
    }
    check_all_four(&s, ws);
    kube_watch_stream_free(ws);
}

/* Every way of cutting the stream in three pieces gives the same events. */
static void test_every_split(void **state)
{
    size_t len = strlen(stream);

    for (size_t a = 0; a <= len; a += 7) {
        for (size_t b = a; b <= len; b += 13) {
            struct seen s = {0};
            struct os_error err;
            struct kube_watch_stream *ws = kube_watch_stream_new(0, record, &s);
            assert_int_equal(kube_watch_stream_feed(ws, stream, a, &err), 0);
            assert_int_equal(kube_watch_stream_feed(ws, stream + a, b - a, &err), 0);
            assert_int_equal(kube_watch_stream_feed(ws, stream + b, len - b, &err), 0);
            check_all_four(&s, ws);
            kube_watch_stream_free(ws);
        }
    }
}

static void test_pending_and_no_newlines(void **state)
{
    const char *two = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"1\"}}}"
                      "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"b\",\"resourceVersion\":\"2\"}}}";
    struct seen s = {0};
    struct os_error err;
    struct kube_watch_stream *ws = kube_watch_stream_new(0, record, &s);

    assert_int_equal(kube_watch_stream_feed(ws, two, 20, &err), 0);
    assert_true(kube_watch_stream_pending(ws));
    assert_int_equal(s.n, 0);
    assert_int_equal(kube_watch_stream_feed(ws, two + 20, strlen(two) - 20, &err), 0);
    assert_int_equal(s.n, 2);
    assert_string_equal(s.names[1], "b");
    assert_string_equal(kube_watch_stream_resource_version(ws), "2");
    kube_watch_stream_free(ws);
}

static void test_error_event_keeps_rv(void **state)
{
    const char *ev =
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\"}}}\n"
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        "\"status\":\"Failure\",\"message\":\"too old resource version: 1 (7)\",\"reason\":\"Expired\",\"code\":410}}\n";
    struct seen s = {0};
    struct os_error err;
    struct kube_watch_stream *ws = kube_watch_stream_new(0, record, &s);

    assert_int_equal(kube_watch_stream_feed(ws, ev, strlen(ev), &err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.types[1], KUBE_EVENT_ERROR);
    assert_string_equal(s.names[1], "too old resource version: 1 (7)");
    /* The Status has no object resourceVersion to resume from. */
    assert_string_equal(kube_watch_stream_resource_version(ws), "7");
    kube_watch_stream_free(ws);
}

static void expect_failure(const char *text, int code, const char *msg_part)
{
    struct seen s = {0};
    struct os_error err;
    struct kube_watch_stream *ws = kube_watch_stream_new(0, record, &s);

    assert_int_equal(kube_watch_stream_feed(ws, text, strlen(text), &err), code);
    assert_non_null(strstr(err.message, msg_part));
    kube_watch_stream_free(ws);
}

static void test_malformed(void **state)
{
    expect_failure("not json\n", OS_ERR_PARSE, "not JSON");
    expect_failure("{\"object\":{}}\n", OS_ERR_PARSE, "without a type");
    expect_failure("{\"type\":\"EXPLODED\",\"object\":{}}\n", OS_ERR_PARSE, "unknown type \"EXPLODED\"");
    expect_failure("{\"type\":\"ADDED\"}\n", OS_ERR_PARSE, "ADDED watch event without an object");
    expect_failure("{\"type\":\"ADDED\",\"object\":\"x\"}\n", OS_ERR_PARSE, "without an object");
    expect_failure("[1,2]\n", OS_ERR_PARSE, "without a type");
}

static void test_oversized_event(void **state)
{
    struct seen s = {0};
    struct os_error err;
    struct kube_watch_stream *ws = kube_watch_stream_new(100, record, &s);
    char big[300];

    /* Unfinished and already too big: cut off. */
    memset(big, 'x', sizeof(big));
    memcpy(big, "{\"type\":\"ADDED\",\"object\":{\"a\":\"", 31);
    assert_int_equal(kube_watch_stream_feed(ws, big, 150, &err), OS_ERR_LIMIT);
    assert_non_null(strstr(err.message, "larger than 100 bytes"));
    kube_watch_stream_free(ws);

    /* Complete in one chunk but still over the bound. */
    ws = kube_watch_stream_new(40, record, &s);
    assert_int_equal(kube_watch_stream_feed(ws, stream, strlen(stream), &err), OS_ERR_LIMIT);
    assert_int_equal(s.n, 0);
    kube_watch_stream_free(ws);
}

static void test_callback_stops(void **state)
{
    struct seen s = {.stop_after = 2};
    struct os_error err;
    struct kube_watch_stream *ws = kube_watch_stream_new(0, record, &s);

    assert_int_equal(kube_watch_stream_feed(ws, stream, strlen(stream), &err), OS_ERR_INVALID);
    assert_int_equal(s.n, 2);
    assert_string_equal(err.message, "stopped by callback");
    kube_watch_stream_free(ws);
}

static void test_type_names(void **state)
{
    assert_string_equal(kube_event_type_name(KUBE_EVENT_BOOKMARK), "BOOKMARK");
    assert_string_equal(kube_event_type_name((enum kube_event_type)99), "UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_stream),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_pending_and_no_newlines),
        cmocka_unit_test(test_error_event_keeps_rv),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_oversized_event),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_type_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
