/*
 * test_detail_records.c - the tenant detail's records from API JSON
 * (tui/detail_records.c): events newest first and capped, quota used/hard
 * in a fixed order, the isolation summary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detail_records.h"

static struct json_object *event(const char *name, const char *reason, const char *last, const char *rv)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"metadata\":{\"name\":\"%s\",\"resourceVersion\":\"%s\"},\"reason\":\"%s\","
             "\"message\":\"line one\\nline two\",\"type\":\"Normal\",\"count\":3,"
             "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"odoo-1\"},\"lastTimestamp\":\"%s\"}",
             name, rv, reason, last);
    return json_tokener_parse(text);
}

static void test_events_newest_first(void **state)
{
    struct detail_info d = {0};
    struct json_object *list = json_object_new_object(), *items = json_object_new_array();
    (void)state;
    json_object_object_add(list, "items", items);
    json_object_array_add(items, event("a", "Scheduled", "2026-01-01T10:00:00Z", "5"));
    json_object_array_add(items, event("b", "Started", "2026-01-01T10:00:05Z", "7"));
    json_object_array_add(items, event("c", "Pulled", "2026-01-01T10:00:05Z", "9"));
    json_object_array_add(items, event("d", "Killing", "2026-01-01T09:00:00Z", "11"));
    detail_events_from(list, &d);
    assert_int_equal(d.have_events, 1);
    assert_int_equal(d.nevents, 4);
    assert_string_equal(d.events[0].reason, "Pulled");      /* same second: later write first */
    assert_string_equal(d.events[1].reason, "Started");
    assert_string_equal(d.events[3].reason, "Killing");
    assert_string_equal(d.events[0].object, "Pod/odoo-1");
    assert_string_equal(d.events[0].message, "line one line two");
    assert_int_equal(d.events[0].count, 3);
    for (int i = 0; i < 30; i++)
        json_object_array_add(items, event("x", "Many", "2025-01-01T00:00:00Z", "1"));
    detail_events_from(list, &d);
    assert_int_equal(d.nevents, DETAIL_EVENTS);
    assert_string_equal(d.events[0].reason, "Pulled");
    json_object_put(list);
    detail_events_from(NULL, &d);
    assert_int_equal(d.nevents, 0);
}

static void test_quota(void **state)
{
    struct detail_info d = {0};
    char buf[256];
    struct json_object *list = json_tokener_parse(
        "{\"items\":[{\"status\":{\"hard\":{\"secrets\":\"16\",\"pods\":\"10\",\"requests.cpu\":\"1\","
        "\"requests.memory\":\"2Gi\",\"configmaps\":\"16\"},"
        "\"used\":{\"pods\":\"3\",\"requests.cpu\":\"250m\",\"requests.memory\":\"768Mi\",\"secrets\":\"4\"}}}]}");
    (void)state;
    detail_quota_from(list, &d);
    assert_int_equal(d.have_quota, 1);
    assert_int_equal(d.nquota, 5);
    assert_string_equal(detail_quota_line(&d, buf, sizeof(buf)),
                        "cpu 250m/1  memory 768Mi/2Gi  pods 3/10  configmaps 0/16  secrets 4/16");
    /* a short buffer ends at a whole entry */
    assert_string_equal(detail_quota_line(&d, buf, 20), "cpu 250m/1");
    json_object_put(list);
}

static void test_isolation(void **state)
{
    struct isolation_check checks[3] = {0};
    struct isolation_report r = {checks, 3, 0};
    struct detail_info d = {0};
    char buf[256];
    (void)state;
    assert_string_equal(detail_isolation_line(&d, buf, sizeof(buf)), "checking...");
    for (int i = 0; i < 3; i++)
        checks[i].ok = 1;
    detail_isolation_from(&r, &d);
    assert_string_equal(detail_isolation_line(&d, buf, sizeof(buf)), "3 checks, all pass");
    checks[1].ok = 0;
    checks[1].actual = ISOLATION_ALLOWED;
    checks[1].port = 5432;
    snprintf(checks[1].check, sizeof(checks[1].check), "other tenant -> postgresql");
    snprintf(checks[1].protocol, sizeof(checks[1].protocol), "TCP");
    r.failed = 1;
    detail_isolation_from(&r, &d);
    assert_string_equal(detail_isolation_line(&d, buf, sizeof(buf)),
                        "1 of 3 checks FAIL: other tenant -> postgresql (5432/TCP): allowed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_newest_first),
        cmocka_unit_test(test_quota),
        cmocka_unit_test(test_isolation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
