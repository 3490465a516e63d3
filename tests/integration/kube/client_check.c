/*
 * client_check.c - the Kubernetes client against a real odoo-saas-sim.
 *
 * Run by test_client.sh, which starts the simulator and exports KUBECONFIG
 * (and OS_BAD_CA_KUBECONFIG, OS_BAD_TOKEN_KUBECONFIG, OS_CLOSED_KUBECONFIG
 * for the failure cases).  Every request goes over HTTPS through the same
 * transport the product uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kube/kube.h"

struct ctx {
    struct kube_config *cfg;
    struct kube_client *c;
};

static const struct kube_resource *res(const char *api, const char *kind)
{
    const struct kube_resource *r = kube_resource_by_kind(api, kind);
    assert_non_null(r);
    return r;
}

static int connect_to(const char *env, struct ctx *x, const struct kube_client_opts *o)
{
    struct kube_config_opts ko = {.path = getenv(env)};
    struct os_error err;

    if (!ko.path)
        fail_msg("%s is not set (run through test_client.sh)", env);
    if (kube_config_load(&ko, &x->cfg, &err) < 0)
        fail_msg("kubeconfig: %s", err.message);
    if (kube_client_new(x->cfg, o, &x->c, &err) < 0)
        fail_msg("client: %s", err.message);
    return 0;
}

static int setup(void **state)
{
    struct ctx *x = calloc(1, sizeof(*x));
    /* OS_TEST_TRACE=1 prints every request, for debugging a slow or failing run. */
    struct kube_client_opts o = {.trace = getenv("OS_TEST_TRACE") ? stderr : NULL};
    connect_to("KUBECONFIG", x, &o);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *x = *state;
    kube_client_free(x->c);
    kube_config_free(x->cfg);
    free(x);
    return 0;
}

static struct json_object *parse(const char *json)
{
    struct json_object *o = json_tokener_parse(json);
    assert_non_null(o);
    return o;
}

static void make_ns(struct ctx *x, const char *name)
{
    char buf[256];
    struct json_object *obj, *out = NULL;
    struct os_error err;

    snprintf(buf, sizeof(buf), "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}", name);
    obj = parse(buf);
    if (kube_create(x->c, obj, "Strict", &out, &err) < 0)
        fail_msg("create namespace %s: %s", name, err.message);
    json_object_put(obj);
    json_object_put(out);
}

static void make_cm(struct ctx *x, const char *ns, const char *name, const char *labels)
{
    char buf[512];
    struct json_object *obj, *out = NULL;
    struct os_error err;

    snprintf(buf, sizeof(buf),
             "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"namespace\":\"%s\","
             "\"labels\":{%s}},\"data\":{\"k\":\"v\"}}", name, ns, labels);
    obj = parse(buf);
    if (kube_create(x->c, obj, "Strict", &out, &err) < 0)
        fail_msg("create configmap %s: %s", name, err.message);
    json_object_put(obj);
    json_object_put(out);
}

/* ---- reads and Status mapping ---------------------------------------- */

static void test_get_and_not_found(void **state)
{
    struct ctx *x = *state;
    struct json_object *out = NULL;
    struct os_error err;

    assert_int_equal(kube_get(x->c, res("v1", "Namespace"), NULL, "default", &out, &err), 0);
    assert_string_equal(kube_object_name(out), "default");
    assert_string_equal(kube_object_str(out, "status.phase"), "Active");
    json_object_put(out);

    assert_int_equal(kube_get(x->c, res("apps/v1", "Deployment"), "default", "odoo", &out, &err), OS_ERR_API);
    assert_null(out);
    assert_int_equal(err.http_status, 404);
    assert_string_equal(err.reason, "NotFound");
    assert_string_equal(err.message, "deployments.apps \"odoo\" not found");
    assert_string_equal(err.kind, "deployments");
    assert_string_equal(err.group, "apps");
}

static void test_create_conflict_invalid(void **state)
{
    struct ctx *x = *state;
    struct json_object *bad = parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"Tenant_1\"}}");
    struct json_object *dup = parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"cc-one\"}}");
    struct json_object *out = NULL;
    struct os_error err;

    make_ns(x, "cc-one");
    assert_int_equal(kube_create(x->c, dup, NULL, &out, &err), OS_ERR_API);
    assert_true(os_error_is(&err, "AlreadyExists"));
    assert_int_equal(err.http_status, 409);
    assert_string_equal(err.message, "namespaces \"cc-one\" already exists");

    assert_int_equal(kube_create(x->c, bad, NULL, &out, &err), OS_ERR_API);
    assert_int_equal(err.http_status, 422);
    assert_string_equal(err.reason, "Invalid");
    assert_string_equal(err.kind, "Namespace");
    assert_int_equal(err.ncauses, 1);
    assert_string_equal(err.causes[0].reason, "FieldValueInvalid");
    assert_string_equal(err.causes[0].field, "metadata.name");
    assert_non_null(strstr(err.message, "Namespace \"Tenant_1\" is invalid: metadata.name: Invalid value"));
    json_object_put(bad);
    json_object_put(dup);
}

static void test_list_paging_and_selectors(void **state)
{
    struct ctx *x = *state;
    struct kube_list_opts lo = {.page_size = 3};
    struct json_object *list = NULL, *items;
    struct os_error err;
    unsigned long before;
    char name[32];

    make_ns(x, "cc-list");
    for (int i = 0; i < 7; i++) {
        snprintf(name, sizeof(name), "cm-%d", i);
        make_cm(x, "cc-list", name, i % 2 ? "\"parity\":\"odd\"" : "\"parity\":\"even\"");
    }
    before = kube_client_stats(x->c)->requests;
    assert_int_equal(kube_list(x->c, res("v1", "ConfigMap"), "cc-list", &lo, &list, &err), 0);
    /* 7 of ours plus whatever the namespace got by default, in pages of 3 */
    json_object_object_get_ex(list, "items", &items);
    size_t n = json_object_array_length(items);
    assert_true(n >= 7);
    assert_int_equal(kube_client_stats(x->c)->requests - before, (n + 2) / 3);
    assert_string_equal(kube_object_str(list, "kind"), "ConfigMapList");
    assert_non_null(kube_object_rv(list));
    assert_null(kube_object_str(list, "metadata.continue"));
    json_object_put(list);

    lo.label_selector = "parity=odd";
    lo.page_size = 0;
    assert_int_equal(kube_list(x->c, res("v1", "ConfigMap"), "cc-list", &lo, &list, &err), 0);
    json_object_object_get_ex(list, "items", &items);
    assert_int_equal(json_object_array_length(items), 3);
    json_object_put(list);

    lo.label_selector = "parity in (odd,even),!missing";
    assert_int_equal(kube_list(x->c, res("v1", "ConfigMap"), "cc-list", &lo, &list, &err), 0);
    json_object_object_get_ex(list, "items", &items);
    assert_int_equal(json_object_array_length(items), 7);
    json_object_put(list);

    lo.label_selector = NULL;
    lo.field_selector = "spec.nodeName=sim-node-1";
    assert_int_equal(kube_list(x->c, res("v1", "ConfigMap"), "cc-list", &lo, &list, &err), OS_ERR_API);
    assert_int_equal(err.http_status, 400);
    assert_string_equal(err.reason, "BadRequest");
    assert_non_null(strstr(err.message, "field label not supported: spec.nodeName"));
}

static void test_replace_patch_conflict(void **state)
{
    struct ctx *x = *state;
    struct json_object *cm = NULL, *out = NULL, *patch;
    struct os_error err;
    char *stale;

    make_ns(x, "cc-write");
    make_cm(x, "cc-write", "settings", "\"a\":\"1\"");
    assert_int_equal(kube_get(x->c, res("v1", "ConfigMap"), "cc-write", "settings", &cm, &err), 0);
    stale = strdup(kube_object_rv(cm));
    json_object_object_add(cm, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(cm, "kind", json_object_new_string("ConfigMap"));

    patch = parse("{\"metadata\":{\"labels\":{\"b\":\"2\"}},\"data\":{\"k2\":\"v2\"}}");
    assert_int_equal(kube_merge_patch(x->c, res("v1", "ConfigMap"), "cc-write", "settings", patch, &out, &err), 0);
    assert_string_equal(kube_object_str(out, "metadata.labels.b"), "2");
    assert_string_equal(kube_object_str(out, "metadata.labels.a"), "1");
    assert_string_equal(kube_object_str(out, "data.k2"), "v2");
    assert_string_not_equal(kube_object_rv(out), stale);
    json_object_put(out);
    json_object_put(patch);

    /* cm still carries the old resourceVersion: optimistic lock */
    assert_int_equal(kube_replace(x->c, cm, &out, &err), OS_ERR_API);
    assert_true(os_error_is(&err, "Conflict"));
    assert_string_equal(err.message,
                        "Operation cannot be fulfilled on configmaps \"settings\": the object has been "
                        "modified; please apply your changes to the latest version and try again");
    free(stale);
    json_object_put(cm);
}

static void test_server_side_apply(void **state)
{
    struct ctx *x = *state;
    struct json_object *obj = parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"applied\",\"namespace\":\"cc-write\"},"
        "\"data\":{\"owner\":\"odoo-saas\"}}");
    struct json_object *other = parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"applied\",\"namespace\":\"cc-write\"},"
        "\"data\":{\"owner\":\"someone-else\"}}");
    struct json_object *out = NULL;
    struct os_error err;

    assert_int_equal(kube_apply(x->c, obj, NULL, 1, &out, &err), 0);
    assert_string_equal(kube_object_str(out, "data.owner"), "odoo-saas");
    json_object_put(out);
    /* idempotent */
    assert_int_equal(kube_apply(x->c, obj, NULL, 1, &out, &err), 0);
    json_object_put(out);
    /* another manager changing our field without force: a conflict */
    assert_int_equal(kube_apply(x->c, other, "intruder", 0, &out, &err), OS_ERR_API);
    assert_true(os_error_is(&err, "Conflict"));
    assert_true(err.ncauses >= 1);
    assert_string_equal(err.causes[0].reason, "FieldManagerConflict");
    /* force takes ownership */
    assert_int_equal(kube_apply(x->c, other, "intruder", 1, &out, &err), 0);
    assert_string_equal(kube_object_str(out, "data.owner"), "someone-else");
    json_object_put(out);
    json_object_put(obj);
    json_object_put(other);
}

/* ---- namespace deletion ------------------------------------------------- */

static void test_delete_and_terminating(void **state)
{
    struct ctx *x = *state;
    struct json_object *out = NULL, *cm;
    struct os_error err;
    time_t deadline;
    int rc;

    make_ns(x, "cc-gone");
    make_cm(x, "cc-gone", "inside", "");
    assert_int_equal(kube_delete(x->c, res("v1", "ConfigMap"), "cc-gone", "inside", "Background", &out, &err), 0);
    assert_string_equal(kube_object_str(out, "status"), "Success");
    json_object_put(out);

    assert_int_equal(kube_delete(x->c, res("v1", "Namespace"), NULL, "cc-gone", "Foreground", &out, &err), 0);
    assert_string_equal(kube_object_str(out, "kind"), "Namespace");
    assert_string_equal(kube_object_str(out, "status.phase"), "Terminating");
    assert_non_null(kube_object_str(out, "metadata.deletionTimestamp"));
    json_object_put(out);

    /* creating into it is forbidden while it terminates */
    cm = parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"late\",\"namespace\":\"cc-gone\"}}");
    assert_int_equal(kube_create(x->c, cm, NULL, &out, &err), OS_ERR_API);
    if (err.http_status != 403)
        fail_msg("want 403, got %d: %s", err.http_status, err.message);
    assert_string_equal(err.causes[0].reason, "NamespaceTerminating");
    json_object_put(cm);

    /* deleting again is the 409 of the contract */
    assert_int_equal(kube_delete(x->c, res("v1", "Namespace"), NULL, "cc-gone", NULL, NULL, &err), OS_ERR_API);
    assert_true(os_error_is(&err, "Conflict"));

    deadline = time(NULL) + 15;
    do {
        rc = kube_get(x->c, res("v1", "Namespace"), NULL, "cc-gone", &out, &err);
        json_object_put(out);
        out = NULL;
        if (rc < 0)
            break;
        usleep(200000);
    } while (time(NULL) < deadline);
    assert_true(os_error_is(&err, "NotFound"));
}

/* ---- watch -------------------------------------------------------------- */

struct seen {
    int added, modified, deleted, syncs_begin, syncs_end, state_ok, state_err;
    char last_name[64];
};

static void on_event(void *ud, enum kube_event_type type, struct json_object *obj)
{
    struct seen *s = ud;
    const char *name = kube_object_name(obj);
    /* every object carries its kind, list items included */
    assert_string_equal(kube_object_str(obj, "kind"), "ConfigMap");
    s->added += type == KUBE_EVENT_ADDED;
    s->modified += type == KUBE_EVENT_MODIFIED;
    s->deleted += type == KUBE_EVENT_DELETED;
    snprintf(s->last_name, sizeof(s->last_name), "%s", name ? name : "");
}

static void on_sync(void *ud, int begin)
{
    struct seen *s = ud;
    s->syncs_begin += begin;
    s->syncs_end += !begin;
}

static void on_state(void *ud, const struct os_error *err)
{
    struct seen *s = ud;
    if (err)
        s->state_err++;
    else
        s->state_ok++;
}

static const struct kube_watch_handlers handlers = {on_event, on_sync, on_state};

/* Drive the client until *counter reaches want (bounded). */
static void pump(struct ctx *x, const int *counter, int want)
{
    time_t deadline = time(NULL) + 10;
    while (*counter < want && time(NULL) < deadline)
        kube_client_wait(x->c, 100, NULL, 0);
    assert_true(*counter >= want);
}

static void test_watch_events(void **state)
{
    struct ctx *x = *state;
    struct kube_watch_opts wo = {.timeout_s = 2};
    struct seen s = {0};
    struct os_error err;
    struct json_object *patch = parse("{\"data\":{\"k\":\"changed\"}}"), *out = NULL;
    struct kube_watch *w;

    make_ns(x, "cc-watch");
    make_cm(x, "cc-watch", "before", "");
    w = kube_watch_start(x->c, res("v1", "ConfigMap"), "cc-watch", &wo, &handlers, &s, &err);
    assert_non_null(w);
    pump(x, &s.syncs_end, 1);
    assert_int_equal(s.syncs_begin, 1);
    assert_true(s.added >= 1);
    assert_true(kube_watch_synced(w));
    assert_int_equal(kube_watch_lists(w), 1);

    int added = s.added;
    make_cm(x, "cc-watch", "after", "");
    pump(x, &s.added, added + 1);
    assert_string_equal(s.last_name, "after");

    assert_int_equal(kube_merge_patch(x->c, res("v1", "ConfigMap"), "cc-watch", "after", patch, &out, &err), 0);
    json_object_put(out);
    pump(x, &s.modified, 1);

    /* past timeoutSeconds the stream ends cleanly and resumes: no relist */
    time_t t = time(NULL) + 3;
    while (time(NULL) < t)
        kube_client_wait(x->c, 100, NULL, 0);
    assert_int_equal(kube_watch_lists(w), 1);
    assert_int_equal(kube_delete(x->c, res("v1", "ConfigMap"), "cc-watch", "after", NULL, NULL, &err), 0);
    pump(x, &s.deleted, 1);
    assert_int_equal(s.modified, 1);
    assert_int_equal(s.state_err, 0);
    kube_watch_stop(w);
    json_object_put(patch);
}

static void test_watch_resume_too_old_relists(void **state)
{
    struct ctx *x = *state;
    struct kube_watch_opts wo = {.timeout_s = 30, .resource_version = "1"};
    struct seen s = {0};
    struct os_error err;
    struct kube_watch *w;

    /* Version 1 is older than the server's history: 410, then a list. */
    w = kube_watch_start(x->c, res("v1", "ConfigMap"), "cc-watch", &wo, &handlers, &s, &err);
    assert_non_null(w);
    pump(x, &s.syncs_end, 1);
    assert_int_equal(kube_watch_lists(w), 1);
    assert_true(s.added >= 1);
    kube_watch_stop(w);
}

/* ---- cancelling ---------------------------------------------------------- */

static void count_done(void *ud, struct json_object *obj, const struct os_error *err)
{
    (*(int *)ud)++;
}

/* Cancelled calls free what they own (the sanitizer build checks for leaks):
 * two of three are cancelled in flight, the third still completes, and the
 * cancelled ones never call back. */
static void test_cancel_in_flight(void **state)
{
    struct ctx *x = *state;
    struct kube_call *calls[3];
    struct os_error err;
    int done = 0;
    time_t deadline = time(NULL) + 10;

    for (int i = 0; i < 3; i++) {
        calls[i] = kube_request_json_start(x->c, "GET", "/api/v1/namespaces/default", NULL, NULL,
                                           count_done, &done, &err);
        assert_non_null(calls[i]);
    }
    kube_call_cancel(x->c, calls[0]);
    kube_call_cancel(x->c, calls[2]);
    while (kube_client_in_flight(x->c) > 0 && time(NULL) < deadline)
        kube_client_wait(x->c, 100, NULL, 0);
    assert_int_equal(done, 1);
    assert_int_equal(kube_client_in_flight(x->c), 0);
}

/* ---- failures ------------------------------------------------------------ */

static void test_bad_token(void **state)
{
    struct ctx x = {0};
    struct json_object *out = NULL;
    struct os_error err;

    connect_to("OS_BAD_TOKEN_KUBECONFIG", &x, NULL);
    assert_int_equal(kube_get(x.c, res("v1", "Namespace"), NULL, "default", &out, &err), OS_ERR_API);
    assert_int_equal(err.http_status, 401);
    assert_string_equal(err.reason, "Unauthorized");
    /* 401 is not retried */
    assert_int_equal(kube_client_stats(x.c)->requests, 1);
    kube_client_free(x.c);
    kube_config_free(x.cfg);
}

static void test_bad_ca(void **state)
{
    struct ctx x = {0};
    struct json_object *out = NULL;
    struct os_error err;

    connect_to("OS_BAD_CA_KUBECONFIG", &x, NULL);
    assert_int_equal(kube_get(x.c, res("v1", "Namespace"), NULL, "default", &out, &err), OS_ERR_NET);
    assert_non_null(strstr(err.message, "TLS: cannot verify https://127.0.0.1:"));
    assert_int_equal(kube_client_stats(x.c)->requests, 1);
    kube_client_free(x.c);
    kube_config_free(x.cfg);
}

static void test_unreachable_retries_then_fails(void **state)
{
    struct kube_client_opts o = {.max_attempts = 4, .retry_base_ms = 20, .retry_cap_ms = 50,
                                 .connect_timeout_ms = 1000};
    struct ctx x = {0};
    struct json_object *out = NULL;
    struct os_error err;
    time_t start = time(NULL);

    connect_to("OS_CLOSED_KUBECONFIG", &x, &o);
    assert_int_equal(kube_get(x.c, res("v1", "Namespace"), NULL, "default", &out, &err), OS_ERR_NET);
    assert_int_equal(kube_client_stats(x.c)->requests, 4);
    assert_int_equal(kube_client_stats(x.c)->retries, 3);
    assert_non_null(strstr(err.message, "after 4 attempts: cannot reach https://127.0.0.1:"));
    assert_true(time(NULL) - start < 5);
    kube_client_free(x.c);
    kube_config_free(x.cfg);
}

/* ---- HTTP/2 through a TLS proxy that offers it -------------------------- */

struct h2_seen {
    int done, ok, h2;
};

static void h2_done(void *ud, struct kube_response *resp)
{
    struct h2_seen *s = ud;
    s->done++;
    s->ok += resp->status == 200;
    s->h2 += resp->http_version == 20;
}

static void test_http2_multiplexed(void **state)
{
    struct ctx x = {0};
    struct h2_seen seen = {0};
    struct kube_call_spec spec = {.method = "GET", .path = "/api/v1/namespaces/default",
                                  .on_done = h2_done, .userdata = &seen};
    struct os_error err;
    time_t deadline = time(NULL) + 20;
    enum { N = 32 };

    connect_to("OS_H2_KUBECONFIG", &x, NULL);
    for (int i = 0; i < N; i++)
        assert_non_null(kube_call_start(x.c, &spec, &err));
    while (seen.done < N && time(NULL) < deadline)
        kube_client_wait(x.c, 100, NULL, 0);
    assert_int_equal(seen.done, N);
    assert_int_equal(seen.ok, N);
    assert_int_equal(seen.h2, N);
    /* every request in flight at once, on one connection */
    assert_int_equal(kube_client_stats(x.c)->connections, 1);
    kube_client_free(x.c);
    kube_config_free(x.cfg);
}

int main(void)
{
    if (getenv("OS_H2_KUBECONFIG")) {
        const struct CMUnitTest h2[] = {cmocka_unit_test(test_http2_multiplexed)};
        return cmocka_run_group_tests(h2, NULL, NULL);
    }
    {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_and_not_found),
        cmocka_unit_test(test_create_conflict_invalid),
        cmocka_unit_test(test_list_paging_and_selectors),
        cmocka_unit_test(test_replace_patch_conflict),
        cmocka_unit_test(test_server_side_apply),
        cmocka_unit_test(test_delete_and_terminating),
        cmocka_unit_test(test_watch_events),
        cmocka_unit_test(test_watch_resume_too_old_relists),
        cmocka_unit_test(test_cancel_in_flight),
        cmocka_unit_test(test_bad_token),
        cmocka_unit_test(test_bad_ca),
        cmocka_unit_test(test_unreachable_retries_then_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
    }
}
