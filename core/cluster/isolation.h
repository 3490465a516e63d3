/*
 * isolation.h - `tenant check-isolation ID`: every network path that matters
 * for one tenant, evaluated against the cluster's NetworkPolicies.
 *
 * Pure: the caller fetches (or renders) policies, namespaces and pods; the
 * report lists each check with what was expected, what the policies say,
 * and whether that is fine.  The checks (DESIGN.md, "Isolation"):
 *   - odoo and the db-init job reach their own postgresql on 5432/TCP;
 *   - the ingress controller's pods reach odoo on 8069 and 8072;
 *   - every pod of the tenant resolves names: CoreDNS on 53/UDP and 53/TCP;
 *   - another tenant's odoo cannot reach this tenant's odoo or postgresql,
 *     and this tenant's odoo cannot reach the other tenant's;
 *   - a pod of the default namespace, and a pod of the ingress namespace
 *     without the controller's label, cannot reach odoo or postgresql;
 *   - odoo reaches the internet on 25/465/587/443 only when the tier allows
 *     egress, never port 80, the private ranges (10.1.2.3) or the metadata
 *     address (169.254.169.254); postgresql and db-init never go out.
 *
 * Pods are looked up live first (running ones before finished ones), then
 * among template pods (isolation_template_pods() of the rendered tenants),
 * so a tenant that is not running yet is still checked.  The ingress
 * controller, CoreDNS, the default-namespace pod and the ingress-namespace
 * pod without the label are synthesized when none is found; so is another
 * tenant (a copy of this tenant's pods in a namespace without policies).
 *
 * A check that expects "denied" passes only when *this tenant's* side
 * denies it (its egress for outgoing paths, its ingress for incoming ones):
 * another namespace's policies may also deny the connection, but the
 * tenant's isolation must not depend on them.
 */
#ifndef CLUSTER_ISOLATION_H
#define CLUSTER_ISOLATION_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"
#include "netpol.h"

struct isolation_input {
    const char *tenant;                 /* the id: namespace tenant-<id> */
    int egress_expected;                /* the tier lets odoo out (SMTP/HTTPS) */
    struct json_object *policies;       /* every NetworkPolicy: array or List */
    struct json_object *namespaces;     /* Namespaces with labels, or NULL */
    struct json_object *pods;           /* live Pods: array or List, or NULL */
    struct json_object *template_pods;  /* from isolation_template_pods(), or NULL */
    const char *ingress_namespace;      /* "traefik" */
    const char *ingress_pod_label;      /* "app.kubernetes.io/name=traefik" */
    const char *dns_namespace;          /* "kube-system" */
    const char *dns_pod_label;          /* "k8s-app=kube-dns" */
};

enum isolation_actual {
    ISOLATION_MISSING = -1,   /* an end was not found: not evaluated */
    ISOLATION_DENIED = 0,
    ISOLATION_ALLOWED = 1,
};

struct isolation_check {
    char check[96];           /* "odoo -> own postgresql" */
    char from[128];           /* "tenant-acme/odoo-7d9f", "1.1.1.1" */
    char to[128];
    int port;
    char protocol[8];         /* "TCP", "UDP" */
    int expected;             /* 1 allowed, 0 denied */
    int actual;               /* enum isolation_actual: the whole connection */
    int ok;
    char reason[NP_REASON_MAX];
};

struct isolation_report {
    struct isolation_check *checks;   /* in a fixed order */
    size_t n;
    size_t failed;                    /* checks with ok == 0 */
};

/* Pods for tenants that do not run yet: one Pod per pod template found in
 * objects (an array or List, as tenant_render() makes): Deployments,
 * StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs; bare Pods are
 * taken as they are.  Each is named "<object>-template" in the object's
 * namespace, with the template's labels and spec.  *out is a new array:
 * the caller puts it. */
int isolation_template_pods(struct json_object *objects, struct json_object **out,
                            struct os_error *err);

/* Run every check.  On success *out owns its checks: free them with
 * isolation_report_free().  A failed check is not an error; a malformed
 * policy or a bad input is (OS_ERR_INVALID), and so is OS_ERR_NOMEM. */
int isolation_check_tenant(const struct isolation_input *in, struct isolation_report *out,
                           struct os_error *err);

/* Safe on NULL and on a zeroed report. */
void isolation_report_free(struct isolation_report *r);

/* The report for `-o json`: an array of {"check", "from", "to", "port",
 * "protocol", "expected": "allowed"|"denied", "actual":
 * "allowed"|"denied"|"missing", "ok": bool, "reason"}.  *out is new: the
 * caller puts it. */
int isolation_report_json(const struct isolation_report *r, struct json_object **out,
                          struct os_error *err);

#endif
