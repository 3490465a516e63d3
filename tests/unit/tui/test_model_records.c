/*
 * test_model_records.c - the console's compact records (tui/model_records.c)
 * must give the tenant status tenant_status_compute() gives on the full
 * objects: each case below is a tenant as the API returns it, computed both
 * ways and compared field by field.  Also the per-pod fields the tenant
 * view and the Nodes view read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model_records.h"

#define NOW 1790000000   /* 2026-09-21T14:13:20Z */

#define NS(ann, extra) \
    "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"tenant-acme\"," \
    "\"creationTimestamp\":\"2026-09-01T10:00:00Z\",\"uid\":\"u1\",\"resourceVersion\":\"7\"," \
    "\"labels\":{\"app.kubernetes.io/managed-by\":\"odoo-saas\",\"odoo-saas.io/tenant\":\"acme\"," \
    "\"odoo-saas.io/tier\":\"standard\"},\"annotations\":{\"odoo-saas.io/url\":\"https://acme.example.com\"," \
    "\"odoo-saas.io/admin-email\":\"admin@acme.test\",\"odoo-saas.io/owner\":\"ops\"," \
    "\"odoo-saas.io/created-at\":\"2026-09-01T10:00:00Z\"," \
    "\"odoo-saas.io/trial-expires-at\":\"2026-10-01T10:00:00Z\"" ann "}" extra "}," \
    "\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Active\"}}"
#define PROVISIONED ",\"odoo-saas.io/provisioned\":\"true\""

#define CONTAINER(name, ready, restarts, state) \
    "{\"name\":\"" name "\",\"ready\":" ready ",\"restartCount\":" restarts ",\"image\":\"odoo:17\"," \
    "\"state\":" state "}"
#define RUNNING "{\"running\":{\"startedAt\":\"2026-09-01T10:05:00Z\"}}"
#define WAITING(r) "{\"waiting\":{\"reason\":\"" r "\",\"message\":\"back-off\"}}"

#define POD(name, phase, conds, init, cs) \
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" name "\",\"namespace\":\"tenant-acme\"," \
    "\"creationTimestamp\":\"2026-09-01T10:01:00Z\",\"labels\":{\"odoo-saas.io/tenant\":\"acme\"}}," \
    "\"spec\":{\"nodeName\":\"node-1\",\"containers\":[{\"name\":\"odoo\",\"resources\":{\"requests\":" \
    "{\"cpu\":\"250m\",\"memory\":\"512Mi\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}," \
    "\"status\":{\"phase\":\"" phase "\",\"conditions\":[" conds "],\"initContainerStatuses\":[" init "]," \
    "\"containerStatuses\":[" cs "]}}"
#define COND(type, status) "{\"type\":\"" type "\",\"status\":\"" status "\"}"
#define READY_CONDS COND("Initialized", "True") "," COND("Ready", "True") "," COND("ContainersReady", "True")
#define UNSCHED(at) \
    "{\"type\":\"PodScheduled\",\"status\":\"False\",\"reason\":\"Unschedulable\",\"lastTransitionTime\":\"" at "\"," \
    "\"message\":\"0/3 nodes are available: 3 Insufficient memory.\"}"

#define GOOD_PODS \
    "[" POD("odoo-7d9-abc", "Running", READY_CONDS, "", CONTAINER("odoo", "true", "2", RUNNING)) "," \
    POD("postgresql-0", "Running", READY_CONDS, "", CONTAINER("postgresql", "true", "0", RUNNING)) "," \
    POD("odoo-db-init-x1", "Succeeded", COND("Ready", "False"), "", \
        CONTAINER("init", "false", "0", "{\"terminated\":{\"exitCode\":0}}")) "]"

#define DEP(avail) \
    "[{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"odoo\",\"namespace\":\"tenant-acme\"}," \
    "\"spec\":{\"replicas\":1},\"status\":{\"replicas\":1,\"availableReplicas\":" avail "}}]"
#define STS(ready) \
    "[{\"kind\":\"StatefulSet\",\"metadata\":{\"name\":\"postgresql\",\"namespace\":\"tenant-acme\"}," \
    "\"status\":{\"replicas\":1,\"readyReplicas\":" ready "}}]"
#define JOB(status) \
    "[{\"kind\":\"Job\",\"metadata\":{\"name\":\"odoo-db-init\",\"namespace\":\"tenant-acme\"},\"status\":" status "}]"
#define EVENTS(msg) \
    "[{\"kind\":\"Event\",\"metadata\":{\"name\":\"odoo-7d9.1\",\"namespace\":\"tenant-acme\"}," \
    "\"reason\":\"FailedCreate\",\"message\":\"other failure\"}," \
    "{\"kind\":\"Event\",\"metadata\":{\"name\":\"odoo-7d9.2\",\"namespace\":\"tenant-acme\"}," \
    "\"reason\":\"FailedCreate\",\"message\":\"" msg "\"}]"

struct tcase {
    const char *what;
    const char *ns, *pods, *deps, *sts, *jobs, *events;
    enum tenant_phase phase;
    const char *step;
};

static const struct tcase cases[] = {
    {"ready", NS(PROVISIONED, ""), GOOD_PODS, DEP("1"), STS("1"), JOB("{\"succeeded\":1}"), "[]", TENANT_READY, ""},
    {"ready, job gone", NS(PROVISIONED, ""), GOOD_PODS, DEP("1"), STS("1"), "[]", "[]", TENANT_READY, ""},
    {"applying", NS("", ""), "[]", "[]", "[]", "[]", "[]", TENANT_PROVISIONING, "applying"},
    {"database", NS(PROVISIONED, ""), "[]", DEP("0"), STS("0"), "[]", "[]", TENANT_PROVISIONING, "database"},
    {"init job", NS(PROVISIONED, ""), "[]", DEP("0"), STS("1"), JOB("{\"active\":1}"), "[]",
     TENANT_PROVISIONING, "init job"},
    {"odoo", NS(PROVISIONED, ""), "[]", DEP("0"), STS("1"), JOB("{\"succeeded\":1}"), "[]",
     TENANT_PROVISIONING, "odoo"},
    {"crash loop", NS(PROVISIONED, ""),
     "[" POD("odoo-7d9-abc", "Running", COND("Ready", "False"), "",
             CONTAINER("odoo", "false", "7", WAITING("CrashLoopBackOff"))) "]",
     DEP("0"), STS("1"), "[]", "[]", TENANT_DEGRADED, ""},
    {"image pull in an init container", NS(PROVISIONED, ""),
     "[" POD("odoo-7d9-abc", "Pending", COND("Ready", "False"),
             CONTAINER("wait-db", "false", "0", WAITING("ImagePullBackOff")),
             CONTAINER("odoo", "false", "0", WAITING("PodInitializing"))) ","
         POD("postgresql-0", "Running", READY_CONDS, "",
             CONTAINER("postgresql", "true", "1", WAITING("ErrImagePull"))) "]",
     DEP("0"), STS("1"), "[]", "[]", TENANT_DEGRADED, ""},
    {"unschedulable, within the grace", NS(PROVISIONED, ""),
     "[" POD("odoo-7d9-abc", "Pending", UNSCHED("2026-09-21T14:12:20Z"), "", "") "]",
     DEP("0"), STS("1"), "[]", "[]", TENANT_PROVISIONING, "scheduling"},
    {"unschedulable, past the grace", NS(PROVISIONED, ""),
     "[" POD("odoo-7d9-abc", "Pending", UNSCHED("2026-09-21T14:00:00Z"), "", "") "]",
     DEP("0"), STS("1"), "[]", "[]", TENANT_DEGRADED, ""},
    {"unschedulable, no time", NS(PROVISIONED, ""),
     "[" POD("odoo-7d9-abc", "Pending",
             "{\"type\":\"PodScheduled\",\"status\":\"False\",\"reason\":\"Unschedulable\"}", "", "") "]",
     DEP("0"), STS("1"), "[]", "[]", TENANT_PROVISIONING, "scheduling"},
    {"quota refusal", NS(PROVISIONED, ""), "[]", DEP("0"), STS("1"), JOB("{\"succeeded\":1}"),
     EVENTS("pods \\\"odoo-7d9-\\\" is forbidden: exceeded quota: tenant-quota"), TENANT_DEGRADED, ""},
    {"quota refusal ignored once odoo is up", NS(PROVISIONED, ""), GOOD_PODS, DEP("1"), STS("1"), "[]",
     EVENTS("exceeded quota: tenant-quota"), TENANT_READY, ""},
    {"suspended", NS(PROVISIONED ",\"odoo-saas.io/suspended\":\"true\"", ""), "[]", DEP("0"), STS("0"), "[]",
     "[]", TENANT_SUSPENDED, ""},
    {"terminating (deletionTimestamp)", NS(PROVISIONED, ",\"deletionTimestamp\":\"2026-09-21T14:00:00Z\""),
     GOOD_PODS, DEP("1"), STS("1"), "[]", "[]", TENANT_TERMINATING, ""},
    {"failed job", NS(PROVISIONED, ""), "[]", DEP("0"), STS("1"),
     JOB("{\"failed\":3,\"conditions\":[{\"type\":\"Complete\",\"status\":\"False\"},"
         "{\"type\":\"Failed\",\"status\":\"True\",\"reason\":\"BackoffLimitExceeded\","
         "\"message\":\"Job has reached the specified backoff limit\"}]}"),
     "[]", TENANT_FAILED, ""},
    {"failed job without a message", NS(PROVISIONED, ""), "[]", DEP("0"), STS("1"),
     JOB("{\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\"}]}"), "[]", TENANT_FAILED, ""},
};

static struct json_object *parse(const char *s)
{
    struct json_object *o = json_tokener_parse(s);
    assert_non_null(o);
    return o;
}

/* The records path, as the model feeds it. */
static void via_records(const struct tcase *c, struct tenant_status *st)
{
    struct json_object *ns = parse(c->ns), *pods = parse(c->pods), *events = parse(c->events);
    struct json_object *lists[3] = {parse(c->deps), parse(c->sts), parse(c->jobs)};
    static const char *const kinds[3] = {"Deployment", "StatefulSet", "Job"};
    struct records_ns rns = {0};
    struct records_pod *head = NULL, **tail = &head;
    struct records_event *evs = NULL, **etail = &evs;
    struct records_workloads w = {0};

    assert_int_equal(records_ns_set(&rns, ns), 0);
    for (size_t i = 0; i < json_object_array_length(pods); i++) {
        struct records_pod *p = calloc(1, sizeof(*p));
        assert_int_equal(records_pod_set(p, json_object_array_get_idx(pods, i)), 0);
        *tail = p;
        tail = &p->next;
    }
    for (size_t i = 0; i < json_object_array_length(events); i++) {
        const char *msg = records_event_quota(json_object_array_get_idx(events, i));
        struct records_event *e;
        if (!msg)
            continue;
        e = calloc(1, sizeof(*e));
        e->quota_msg = strdup(msg);
        *etail = e;
        etail = &e->next;
    }
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < json_object_array_length(lists[k]); i++) {
            struct json_object *o = json_object_array_get_idx(lists[k], i);
            int which = records_workload_which(kinds[k], o);
            if (which)
                assert_int_equal(records_workload_set(&w, which, o), 0);
        }
    records_tenant_status(&rns, head, &w, evs, NOW, st);

    records_ns_free(&rns);
    records_workload_clear(&w, 'j');
    while (head) {
        struct records_pod *next = head->next;
        records_pod_free(head);
        free(head);
        head = next;
    }
    while (evs) {
        struct records_event *next = evs->next;
        free(evs->quota_msg);
        free(evs);
        evs = next;
    }
    json_object_put(ns);
    json_object_put(pods);
    json_object_put(events);
    for (int k = 0; k < 3; k++)
        json_object_put(lists[k]);
}

static void test_same_status(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct tcase *c = &cases[i];
        struct tenant_objects o = {.ns = parse(c->ns), .pods = parse(c->pods), .deployments = parse(c->deps),
                                   .statefulsets = parse(c->sts), .jobs = parse(c->jobs),
                                   .events = parse(c->events), .now = NOW};
        struct tenant_status full, rec;

        tenant_status_compute(&o, &full);
        via_records(c, &rec);
        print_message("%s: %s %s %s\n", c->what, tenant_phase_name(full.phase), full.step, full.reason);
        assert_int_equal(full.phase, c->phase);
        assert_string_equal(full.step, c->step);
        assert_int_equal(rec.phase, full.phase);
        assert_string_equal(rec.step, full.step);
        assert_string_equal(rec.reason, full.reason);
        assert_string_equal(rec.id, full.id);
        assert_string_equal(rec.tier, full.tier);
        assert_string_equal(rec.url, full.url);
        assert_string_equal(rec.admin_email, full.admin_email);
        assert_string_equal(rec.owner, full.owner);
        assert_string_equal(rec.created_at, full.created_at);
        assert_string_equal(rec.trial_expires_at, full.trial_expires_at);
        assert_int_equal(rec.pods_ready, full.pods_ready);
        assert_int_equal(rec.pods_total, full.pods_total);
        assert_int_equal(rec.restarts, full.restarts);
        assert_memory_equal(&rec, &full, sizeof(full));
        json_object_put(o.ns);
        json_object_put(o.pods);
        json_object_put(o.deployments);
        json_object_put(o.statefulsets);
        json_object_put(o.jobs);
        json_object_put(o.events);
    }
}

/* What the tenant view and the node totals read from a pod. */
static void test_pod_fields(void **state)
{
    struct json_object *pod = parse(POD("odoo-7d9-abc", "Running", READY_CONDS, "",
                                        CONTAINER("odoo", "true", "2", RUNNING) ","
                                        CONTAINER("proxy", "false", "1", WAITING("CrashLoopBackOff"))));
    struct records_pod p = {0};

    (void)state;
    assert_int_equal(records_pod_set(&p, pod), 0);
    assert_string_equal(p.name, "odoo-7d9-abc");
    assert_string_equal(p.node, "node-1");
    assert_string_equal(p.tenant, "acme");
    assert_string_equal(records_pod_phase_name(&p), "Running");
    assert_string_equal(p.waiting, "CrashLoopBackOff");
    assert_string_equal(p.stuck_container, "proxy");
    assert_int_equal(p.containers, 2);
    assert_int_equal(p.ready_containers, 1);
    assert_int_equal(p.restarts, 3);
    assert_int_equal(p.ready, 1);
    assert_int_equal(p.deleting, 0);
    assert_null(p.unsched_msg);
    assert_int_equal(p.cpu_req_m, 250);
    assert_int_equal(p.mem_req, 512LL << 20);
    assert_int_equal(p.cpu_lim_m, 1000);
    assert_int_equal(p.mem_lim, 1LL << 30);
    assert_true(p.created > 0);
    /* Updated in place: the old strings go. */
    json_object_put(pod);
    pod = parse(POD("odoo-7d9-abc", "Succeeded", "", "", ""));
    assert_int_equal(records_pod_set(&p, pod), 0);
    assert_null(p.waiting);
    assert_null(p.stuck_reason);
    assert_int_equal(p.containers, 0);
    assert_int_equal(p.phase, POD_PHASE_SUCCEEDED);
    records_pod_free(&p);
    json_object_put(pod);
}

static void test_ns_fields(void **state)
{
    struct json_object *ns = parse("{\"metadata\":{\"name\":\"tenant-zed\",\"deletionTimestamp\":\"x\"},"
                                   "\"status\":{\"phase\":\"Terminating\",\"conditions\":["
                                   "{\"type\":\"NamespaceDeletionContentFailure\",\"status\":\"False\"},"
                                   "{\"type\":\"NamespaceFinalizersRemaining\",\"status\":\"True\","
                                   "\"message\":\"Some content has finalizers\"}]}}");
    struct records_ns r = {0};

    (void)state;
    assert_int_equal(records_ns_set(&r, ns), 0);
    assert_string_equal(records_ns_id(&r), "zed");
    assert_int_equal(r.deleting, 1);
    assert_int_equal(r.phase_terminating, 1);
    assert_string_equal(r.holding, "Some content has finalizers");
    records_ns_free(&r);
    json_object_put(ns);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_status),
        cmocka_unit_test(test_pod_fields),
        cmocka_unit_test(test_ns_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
