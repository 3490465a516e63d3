/*
 * test_metrics.c - the Prometheus text: counters by route and code, a
 * cumulative histogram, tenants by phase, the synced gauge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "api/metrics.h"

static void test_render(void **state)
{
    static const char *const names[] = {"login", "me"};
    int phases[6] = {2, 1, 0, 0, 0, 0};
    struct api_metrics *m = api_metrics_new(2);
    char *text;

    (void)state;
    api_metrics_observe(m, 0, 200, 0.003);
    api_metrics_observe(m, 0, 200, 0.2);
    api_metrics_observe(m, 0, 401, 0.1);
    api_metrics_observe(m, 1, 200, 20);
    api_metrics_observe(m, 99, 404, 0.001);   /* no route */
    api_metrics_refused(m);
    api_metrics_refused(m);
    text = api_metrics_render(m, names, phases, 6, 1);
    assert_non_null(strstr(text, "odoo_saasd_requests_total{route=\"login\",code=\"200\"} 2\n"));
    assert_non_null(strstr(text, "odoo_saasd_requests_total{route=\"login\",code=\"401\"} 1\n"));
    assert_non_null(strstr(text, "odoo_saasd_requests_total{route=\"me\",code=\"200\"} 1\n"));
    assert_non_null(strstr(text, "odoo_saasd_requests_total{route=\"unmatched\",code=\"404\"} 1\n"));
    assert_non_null(strstr(text, "odoo_saasd_request_duration_seconds_bucket{le=\"0.005\"} 2\n"));
    assert_non_null(strstr(text, "odoo_saasd_request_duration_seconds_bucket{le=\"0.25\"} 4\n"));
    assert_non_null(strstr(text, "odoo_saasd_request_duration_seconds_bucket{le=\"10\"} 4\n"));
    assert_non_null(strstr(text, "odoo_saasd_request_duration_seconds_bucket{le=\"+Inf\"} 5\n"));
    assert_non_null(strstr(text, "odoo_saasd_request_duration_seconds_count 5\n"));
    assert_non_null(strstr(text, "odoo_saasd_tenants{phase=\"Provisioning\"} 2\n"));
    assert_non_null(strstr(text, "odoo_saasd_tenants{phase=\"Ready\"} 1\n"));
    assert_non_null(strstr(text, "odoo_saasd_model_synced 1\n"));
    assert_non_null(strstr(text, "odoo_saasd_connections_refused_total 2\n"));
    free(text);
    api_metrics_free(m);
}

static void test_many_codes(void **state)
{
    static const char *const names[] = {"x"};
    int phases[6] = {0};
    struct api_metrics *m = api_metrics_new(1);
    char *text;

    (void)state;
    for (int code = 200; code < 240; code++)   /* more codes than slots: bounded */
        api_metrics_observe(m, 0, code, 0.01);
    text = api_metrics_render(m, names, phases, 6, 0);
    assert_non_null(strstr(text, "odoo_saasd_request_duration_seconds_count 40\n"));
    assert_non_null(strstr(text, "odoo_saasd_model_synced 0\n"));
    assert_non_null(strstr(text, "odoo_saasd_connections_refused_total 0\n"));   /* always shown */
    free(text);
    api_metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_many_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
