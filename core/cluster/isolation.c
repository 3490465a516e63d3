/*
 * isolation.c - the per-tenant isolation report (checks listed in
 * isolation.h).
 *
 * How it works: the policies are compiled once into an np_set.  Each role
 * the checks need (this tenant's odoo, postgresql and db-init pods, another
 * tenant's, the ingress controller, CoreDNS, probes) is resolved to an
 * np_endpoint: a live pod when one exists, else a template pod, else a pod
 * synthesized here and kept in ctx.synth until the report is done.  Each
 * check is then one np_set_evaluate() call; its verdict becomes a row of
 * the report.  Namespace labels come from the namespaces given (the
 * evaluator adds kubernetes.io/metadata.name itself).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/selector.h"
#include "isolation.h"
#include "nodes.h"

#define ROLE_LABEL "odoo-saas.io/role"
#define PROBE_LABEL "odoo-saas.io/isolation-probe"
#define OTHER_TENANT_NS "odoo-saas-isolation-probe"

/* Which end of a connection belongs to the tenant: the side that must deny
 * what should be denied. */
enum side { SIDE_EGRESS, SIDE_INGRESS };

struct end {
    struct np_endpoint ep;
    char name[128];              /* "ns/pod" or the address; "" when missing */
    char role[48];               /* "odoo", "postgresql", "ingress controller" */
    char missing[160];           /* why it is missing, or "" */
};

struct ctx {
    const struct isolation_input *in;
    struct np_set *set;
    char ns[80];                 /* tenant-<id> */
    struct json_object *synth;   /* pods made here (owned) */
    struct isolation_report *out;
    size_t cap;
};

/* ---- JSON helpers --------------------------------------------------- */

static struct json_object *get(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    if (obj && json_object_is_type(obj, json_type_object))
        json_object_object_get_ex(obj, key, &v);
    return v;
}

static const char *get_str(struct json_object *obj, const char *key)
{
    struct json_object *v = get(obj, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The items of an array or of a List object (NULL: none). */
static struct json_object *items_of(struct json_object *list)
{
    if (json_object_is_type(list, json_type_array))
        return list;
    list = get(list, "items");
    return json_object_is_type(list, json_type_array) ? list : NULL;
}

static size_t count(struct json_object *arr)
{
    return arr ? json_object_array_length(arr) : 0;
}

static const char *meta_str(struct json_object *obj, const char *key)
{
    return get_str(get(obj, "metadata"), key);
}

/* ---- template pods -------------------------------------------------- */

static struct json_object *pod_template_of(struct json_object *obj)
{
    const char *kind = get_str(obj, "kind");
    static const char *const workloads[] = {
        "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
    };

    if (!kind)
        return NULL;
    if (!strcmp(kind, "CronJob"))
        return get(get(get(get(obj, "spec"), "jobTemplate"), "spec"), "template");
    for (size_t i = 0; i < sizeof(workloads) / sizeof(*workloads); i++)
        if (!strcmp(kind, workloads[i]))
            return get(get(obj, "spec"), "template");
    return NULL;
}

/* A Pod with this name, namespace, labels (taken: one reference) and spec
 * (borrowed: a reference is added). */
static struct json_object *pod_new(const char *ns, const char *name, struct json_object *labels,
                                   struct json_object *spec)
{
    struct json_object *pod = json_object_new_object(), *meta = json_object_new_object();

    if (!pod || !meta) {
        json_object_put(pod);
        json_object_put(meta);
        json_object_put(labels);
        return NULL;
    }
    json_object_object_add(pod, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(pod, "kind", json_object_new_string("Pod"));
    json_object_object_add(pod, "metadata", meta);
    json_object_object_add(meta, "name", json_object_new_string(name));
    json_object_object_add(meta, "namespace", json_object_new_string(ns ? ns : "default"));
    json_object_object_add(meta, "labels", labels ? labels : json_object_new_object());
    json_object_object_add(pod, "spec", spec ? json_object_get(spec) : json_object_new_object());
    return pod;
}

static struct json_object *template_pod(struct json_object *obj)
{
    struct json_object *tpl = pod_template_of(obj);
    const char *name = meta_str(obj, "name");
    struct json_object *labels = get(get(tpl, "metadata"), "labels");
    char pod_name[160];

    if (!tpl)
        return NULL;
    snprintf(pod_name, sizeof(pod_name), "%.140s-template", name ? name : "pod");
    return pod_new(meta_str(obj, "namespace"), pod_name,
                   labels ? json_object_get(labels) : NULL, get(tpl, "spec"));
}

int isolation_template_pods(struct json_object *objects, struct json_object **out,
                            struct os_error *err)
{
    struct json_object *items = items_of(objects), *pods = json_object_new_array();

    *out = NULL;
    if (!pods)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < count(items); i++) {
        struct json_object *obj = json_object_array_get_idx(items, i), *pod;
        const char *kind = get_str(obj, "kind");
        if (kind && !strcmp(kind, "Pod"))
            pod = json_object_get(obj);
        else if (!pod_template_of(obj))
            continue;
        else if (!(pod = template_pod(obj))) {
            json_object_put(pods);
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
        }
        json_object_array_add(pods, pod);
    }
    *out = pods;
    return 0;
}

/* ---- finding pods --------------------------------------------------- */

static int finished(struct json_object *pod)
{
    const char *phase = get_str(get(pod, "status"), "phase");
    return phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"));
}

/* ns NULL: any tenant namespace but ours.  pass 0: running pods only. */
static int pod_fits(const struct ctx *c, struct json_object *pod, const char *ns,
                    const struct kube_selector *sel, int pass)
{
    const char *pns = meta_str(pod, "namespace");

    if (!pns || (pass == 0 && finished(pod)))
        return 0;
    if (ns ? strcmp(pns, ns) != 0
           : strncmp(pns, TENANT_NS_PREFIX, strlen(TENANT_NS_PREFIX)) || !strcmp(pns, c->ns))
        return 0;
    return kube_selector_matches(sel, get(get(pod, "metadata"), "labels"));
}

static struct json_object *find_pod(const struct ctx *c, const char *ns, const char *selector,
                                    struct os_error *err)
{
    struct json_object *lists[3] = {items_of(c->in->pods), items_of(c->in->pods),
                                    items_of(c->in->template_pods)};
    struct json_object *found = NULL;
    struct kube_selector *sel;

    if (kube_selector_parse(selector, &sel, err) < 0)
        return NULL;
    for (int pass = 0; !found && pass < 3; pass++) {
        for (size_t i = 0; !found && i < count(lists[pass]); i++) {
            struct json_object *pod = json_object_array_get_idx(lists[pass], i);
            if (pod_fits(c, pod, ns, sel, pass))
                found = pod;
        }
    }
    kube_selector_free(sel);
    return found;
}

static struct json_object *ns_labels(const struct ctx *c, const char *ns)
{
    struct json_object *items = items_of(c->in->namespaces);

    for (size_t i = 0; ns && i < count(items); i++) {
        struct json_object *n = json_object_array_get_idx(items, i);
        const char *name = meta_str(n, "name"), *kind = get_str(n, "kind");
        if (name && !strcmp(name, ns) && (!kind || !strcmp(kind, "Namespace")))
            return get(get(n, "metadata"), "labels");
    }
    return NULL;
}

static void end_from_pod(const struct ctx *c, struct end *e, struct json_object *pod,
                         const char *role)
{
    const char *ns = meta_str(pod, "namespace"), *name = meta_str(pod, "name");

    memset(e, 0, sizeof(*e));
    snprintf(e->role, sizeof(e->role), "%s", role);
    e->ep.pod = pod;
    e->ep.namespace = ns;
    e->ep.ns_labels = ns_labels(c, ns);
    snprintf(e->name, sizeof(e->name), "%.60s/%.60s", ns ? ns : "?", name ? name : "?");
}

static void end_missing(struct end *e, const char *role, const char *ns)
{
    memset(e, 0, sizeof(*e));
    snprintf(e->role, sizeof(e->role), "%s", role);
    snprintf(e->name, sizeof(e->name), "%.60s/(no %.40s pod)", ns, role);
    snprintf(e->missing, sizeof(e->missing),
             "no %.40s pod in %.60s, live or in the templates", role, ns);
}

static void end_address(struct end *e, const char *ip)
{
    memset(e, 0, sizeof(*e));
    snprintf(e->role, sizeof(e->role), "internet");
    snprintf(e->name, sizeof(e->name), "%s", ip);
    e->ep.ip = ip;
}

/* One of this tenant's pods by role. */
static int tenant_end(const struct ctx *c, struct end *e, const char *role, struct os_error *err)
{
    char sel[96];
    struct json_object *pod;

    snprintf(sel, sizeof(sel), ROLE_LABEL "=%s", role);
    pod = find_pod(c, c->ns, sel, err);
    if (!pod && err->code)
        return err->code;
    if (pod)
        end_from_pod(c, e, pod, role);
    else
        end_missing(e, role, c->ns);
    return 0;
}

/* ---- synthesized pods ----------------------------------------------- */

/* Keep a pod made here alive until the report is done; returns it. */
static struct json_object *keep(struct ctx *c, struct json_object *pod, struct os_error *err)
{
    if (!pod || json_object_array_add(c->synth, pod) < 0) {
        json_object_put(pod);
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return NULL;
    }
    return pod;
}

/* Labels that satisfy a "key=value,key in (a,b),key" selector. */
static int labels_for(const char *selector, struct json_object **out, struct os_error *err)
{
    struct kube_selector *sel;
    struct json_object *labels;

    if (kube_selector_parse(selector, &sel, err) < 0)
        return err->code;
    if (!(labels = json_object_new_object())) {
        kube_selector_free(sel);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < sel->nreqs; i++) {
        const struct kube_sel_req *r = &sel->reqs[i];
        if (r->op == KUBE_SEL_EQ || r->op == KUBE_SEL_IN)
            json_object_object_add(labels, r->key, json_object_new_string(r->values[0]));
        else if (r->op == KUBE_SEL_EXISTS)
            json_object_object_add(labels, r->key, json_object_new_string("true"));
    }
    kube_selector_free(sel);
    *out = labels;
    return 0;
}

/* A pod matching selector in ns: a live one, else one made up. */
static int peer_end(struct ctx *c, struct end *e, const char *role, const char *ns,
                    const char *selector, const char *spec_json, struct os_error *err)
{
    char name[80];

    struct json_object *pod = find_pod(c, ns, selector, err), *labels = NULL, *spec;

    if (!pod && err->code)
        return err->code;
    if (!pod) {
        if (labels_for(selector, &labels, err) < 0)
            return err->code;
        spec = json_tokener_parse(spec_json);
        snprintf(name, sizeof(name), "probe-%s", role);
        for (char *p = name; *p; p++)
            *p = *p == ' ' ? '-' : *p;
        pod = keep(c, pod_new(ns, name, labels, spec), err);
        json_object_put(spec);
        if (!pod)
            return err->code;
    }
    end_from_pod(c, e, pod, role);
    return 0;
}

/* Another tenant's pod by role: a real one when there is one, else a copy
 * of this tenant's in a namespace no policy covers (the worst neighbour:
 * nothing limits what it sends or accepts). */
static int other_tenant_end(struct ctx *c, struct end *e, const struct end *own,
                            const char *role, struct os_error *err)
{
    char sel[96];
    struct json_object *pod, *labels, *own_labels;

    snprintf(sel, sizeof(sel), ROLE_LABEL "=%s", role);
    if ((pod = find_pod(c, NULL, sel, err)) || err->code) {
        if (pod)
            end_from_pod(c, e, pod, role);
        return err->code;
    }
    if (!own->ep.pod) {
        end_missing(e, role, "another tenant");
        return 0;
    }
    labels = json_object_new_object();
    if (!labels)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    own_labels = get(get(own->ep.pod, "metadata"), "labels");
    if (json_object_is_type(own_labels, json_type_object)) {
        json_object_object_foreach(own_labels, k, v)
            json_object_object_add(labels, k, json_object_get(v));
    }
    json_object_object_add(labels, TENANT_LABEL, json_object_new_string("isolation-probe"));
    pod = keep(c, pod_new(OTHER_TENANT_NS, role, labels, get(own->ep.pod, "spec")), err);
    if (!pod)
        return err->code;
    end_from_pod(c, e, pod, role);
    return 0;
}

/* ---- checks --------------------------------------------------------- */

static struct isolation_check *check_new(struct ctx *c, struct os_error *err)
{
    struct isolation_report *r = c->out;

    if (r->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct isolation_check *more = realloc(r->checks, cap * sizeof(*more));
        if (!more) {
            os_error_set(err, OS_ERR_NOMEM, "out of memory");
            return NULL;
        }
        r->checks = more;
        c->cap = cap;
    }
    memset(&r->checks[r->n], 0, sizeof(r->checks[0]));
    return &r->checks[r->n++];
}

static void check_judge(struct isolation_check *k, const struct np_verdict *v, enum side side)
{
    int ours_denies = side == SIDE_EGRESS ? !v->egress_allowed : !v->ingress_allowed;

    k->actual = v->allowed ? ISOLATION_ALLOWED : ISOLATION_DENIED;
    k->ok = k->expected ? v->allowed : ours_denies;
    if (!k->expected && !v->allowed && !ours_denies)
        snprintf(k->reason, sizeof(k->reason),
                 "the tenant's %s allows it; only the other end denies it (%.180s)",
                 side == SIDE_EGRESS ? "egress" : "ingress", v->reason);
    else
        snprintf(k->reason, sizeof(k->reason), "%s", v->reason);
}

static int check(struct ctx *c, const char *what, const struct end *from, const struct end *to,
                 int port, const char *proto, int expected, enum side side, struct os_error *err)
{
    struct isolation_check *k = check_new(c, err);
    struct np_verdict v;

    if (!k)
        return err->code;
    snprintf(k->check, sizeof(k->check), "%s", what);
    snprintf(k->from, sizeof(k->from), "%s", from->name);
    snprintf(k->to, sizeof(k->to), "%s", to->name);
    snprintf(k->protocol, sizeof(k->protocol), "%s", proto);
    k->port = port;
    k->expected = expected;
    if (from->missing[0] || to->missing[0]) {
        k->actual = ISOLATION_MISSING;
        snprintf(k->reason, sizeof(k->reason), "%s", from->missing[0] ? from->missing : to->missing);
    } else if (np_set_evaluate(c->set, &from->ep, &to->ep, port, proto, &v, err) < 0) {
        return os_error_prefix(err, "%s", what);
    } else {
        check_judge(k, &v, side);
    }
    c->out->failed += !k->ok;
    return 0;
}

struct tenant_ends {
    struct end odoo, pg, dbinit;
};

static int check_allowed_paths(struct ctx *c, const struct tenant_ends *t, struct os_error *err)
{
    struct end ing;

    if (check(c, "odoo -> own postgresql", &t->odoo, &t->pg, 5432, "TCP", 1, SIDE_EGRESS, err) ||
        check(c, "db-init -> own postgresql", &t->dbinit, &t->pg, 5432, "TCP", 1, SIDE_EGRESS, err))
        return err->code;
    if (peer_end(c, &ing, "ingress controller", c->in->ingress_namespace,
                 c->in->ingress_pod_label, "{}", err) < 0)
        return err->code;
    if (check(c, "ingress controller -> odoo http", &ing, &t->odoo, 8069, "TCP", 1,
              SIDE_INGRESS, err) ||
        check(c, "ingress controller -> odoo websocket", &ing, &t->odoo, 8072, "TCP", 1,
              SIDE_INGRESS, err))
        return err->code;
    return 0;
}

/* Every pod of the tenant: the live ones, else the template ones. */
static int tenant_pods(const struct ctx *c, struct json_object *out)
{
    struct json_object *lists[2] = {items_of(c->in->pods), items_of(c->in->template_pods)};

    for (int l = 0; l < 2 && json_object_array_length(out) == 0; l++) {
        for (size_t i = 0; i < count(lists[l]); i++) {
            struct json_object *pod = json_object_array_get_idx(lists[l], i);
            const char *ns = meta_str(pod, "namespace");
            if (!ns || strcmp(ns, c->ns) || finished(pod))
                continue;
            if (json_object_array_add(out, json_object_get(pod)) < 0) {
                json_object_put(pod);
                return OS_ERR_NOMEM;
            }
        }
    }
    return 0;
}

static const char dns_spec[] =
    "{\"containers\":[{\"name\":\"coredns\",\"ports\":["
    "{\"name\":\"dns\",\"containerPort\":53,\"protocol\":\"UDP\"},"
    "{\"name\":\"dns-tcp\",\"containerPort\":53,\"protocol\":\"TCP\"}]}]}";

static int check_dns(struct ctx *c, struct os_error *err)
{
    struct json_object *pods = json_object_new_array();
    struct end dns, from;
    char what[96];
    int rc = pods ? tenant_pods(c, pods) : OS_ERR_NOMEM;

    if (rc < 0) {
        json_object_put(pods);
        return os_error_set(err, rc, "out of memory");
    }
    rc = peer_end(c, &dns, "dns", c->in->dns_namespace, c->in->dns_pod_label, dns_spec, err);
    for (size_t i = 0; rc == 0 && i < count(pods); i++) {
        struct json_object *pod = json_object_array_get_idx(pods, i);
        const char *role = get_str(get(get(pod, "metadata"), "labels"), ROLE_LABEL);
        end_from_pod(c, &from, pod, role ? role : "pod");
        snprintf(what, sizeof(what), "%.40s -> dns", from.role);
        if (check(c, what, &from, &dns, 53, "UDP", 1, SIDE_EGRESS, err) < 0 ||
            check(c, what, &from, &dns, 53, "TCP", 1, SIDE_EGRESS, err) < 0)
            rc = err->code;
    }
    if (rc == 0 && count(pods) == 0) {
        end_missing(&from, "tenant", c->ns);
        rc = check(c, "tenant pods -> dns", &from, &dns, 53, "UDP", 1, SIDE_EGRESS, err);
    }
    json_object_put(pods);
    return rc;
}

static int check_other_tenant(struct ctx *c, const struct tenant_ends *t, struct os_error *err)
{
    struct end o_odoo, o_pg;

    if (other_tenant_end(c, &o_odoo, &t->odoo, "odoo", err) < 0 ||
        other_tenant_end(c, &o_pg, &t->pg, "postgresql", err) < 0)
        return err->code;
    if (check(c, "other tenant's odoo -> odoo", &o_odoo, &t->odoo, 8069, "TCP", 0,
              SIDE_INGRESS, err) ||
        check(c, "other tenant's odoo -> postgresql", &o_odoo, &t->pg, 5432, "TCP", 0,
              SIDE_INGRESS, err) ||
        check(c, "odoo -> other tenant's odoo", &t->odoo, &o_odoo, 8069, "TCP", 0,
              SIDE_EGRESS, err) ||
        check(c, "odoo -> other tenant's postgresql", &t->odoo, &o_pg, 5432, "TCP", 0,
              SIDE_EGRESS, err))
        return err->code;
    return 0;
}

static int check_strangers(struct ctx *c, const struct tenant_ends *t, struct os_error *err)
{
    struct end def, ing;

    if (peer_end(c, &def, "pod", "default", PROBE_LABEL "=default", "{}",
                 err) < 0 ||
        check(c, "default namespace pod -> odoo", &def, &t->odoo, 8069, "TCP", 0,
              SIDE_INGRESS, err) ||
        check(c, "default namespace pod -> postgresql", &def, &t->pg, 5432, "TCP", 0,
              SIDE_INGRESS, err))
        return err->code;
    if (peer_end(c, &ing, "unlabelled pod", c->in->ingress_namespace,
                 PROBE_LABEL "=unlabelled", "{}", err) < 0 ||
        check(c, "unlabelled ingress namespace pod -> odoo", &ing,
              &t->odoo, 8069, "TCP", 0, SIDE_INGRESS, err))
        return err->code;
    return 0;
}

static int check_internet_from(struct ctx *c, const struct end *from, const int *ports,
                               size_t nports, int expected, struct os_error *err)
{
    struct end net;
    char what[96];

    end_address(&net, "1.1.1.1");
    for (size_t i = 0; i < nports; i++) {
        snprintf(what, sizeof(what), "%.40s -> internet", from->role);
        if (check(c, what, from, &net, ports[i], "TCP", expected, SIDE_EGRESS, err) < 0)
            return err->code;
    }
    return 0;
}

static int check_internet(struct ctx *c, const struct tenant_ends *t, struct os_error *err)
{
    static const int mail_web[] = {443, 25, 465, 587}, plain[] = {80}, https[] = {443};
    struct end priv, meta;

    end_address(&priv, "10.1.2.3");
    end_address(&meta, "169.254.169.254");
    if (check_internet_from(c, &t->odoo, mail_web, 4, c->in->egress_expected, err) < 0 ||
        check_internet_from(c, &t->odoo, plain, 1, 0, err) < 0 ||
        check(c, "odoo -> private range", &t->odoo, &priv, 443, "TCP", 0, SIDE_EGRESS, err) ||
        check(c, "odoo -> cloud metadata", &t->odoo, &meta, 80, "TCP", 0, SIDE_EGRESS, err) ||
        check_internet_from(c, &t->pg, https, 1, 0, err) < 0 ||
        check_internet_from(c, &t->dbinit, https, 1, 0, err) < 0)
        return err->code;
    return 0;
}

static int run_checks(struct ctx *c, struct os_error *err)
{
    struct tenant_ends t;

    if (tenant_end(c, &t.odoo, "odoo", err) < 0 ||
        tenant_end(c, &t.pg, "postgresql", err) < 0 ||
        tenant_end(c, &t.dbinit, "db-init", err) < 0)
        return err->code;
    if (check_allowed_paths(c, &t, err) < 0 || check_dns(c, err) < 0 ||
        check_other_tenant(c, &t, err) < 0 || check_strangers(c, &t, err) < 0 ||
        check_internet(c, &t, err) < 0)
        return err->code;
    return 0;
}

static int input_check(const struct isolation_input *in, struct os_error *err)
{
    if (!in || !in->tenant || !*in->tenant || strlen(in->tenant) > 60)
        return os_error_set(err, OS_ERR_INVALID, "check-isolation needs a tenant id");
    if (!in->ingress_namespace || !in->ingress_pod_label || !in->dns_namespace ||
        !in->dns_pod_label)
        return os_error_set(err, OS_ERR_INVALID,
                            "check-isolation needs the ingress and DNS namespaces and labels");
    return 0;
}

int isolation_check_tenant(const struct isolation_input *in, struct isolation_report *out,
                           struct os_error *err)
{
    struct ctx c = {.in = in, .out = out};
    struct os_error local;
    int rc;

    if (!err)
        err = &local;
    os_error_clear(err);
    memset(out, 0, sizeof(*out));
    if (input_check(in, err) < 0)
        return err->code;
    snprintf(c.ns, sizeof(c.ns), TENANT_NS_PREFIX "%s", in->tenant);
    if (!(c.synth = json_object_new_array()))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    rc = np_set_build(in->policies, &c.set, err);
    if (rc == 0)
        rc = run_checks(&c, err);
    np_set_free(c.set);
    json_object_put(c.synth);
    if (rc < 0)
        isolation_report_free(out);
    return rc;
}

void isolation_report_free(struct isolation_report *r)
{
    if (!r)
        return;
    free(r->checks);
    memset(r, 0, sizeof(*r));
}

static struct json_object *check_json(const struct isolation_check *k)
{
    struct json_object *o = json_object_new_object();
    const char *actual = k->actual == ISOLATION_MISSING ? "missing"
                       : k->actual == ISOLATION_ALLOWED ? "allowed" : "denied";

    if (!o)
        return NULL;
    json_object_object_add(o, "check", json_object_new_string(k->check));
    json_object_object_add(o, "from", json_object_new_string(k->from));
    json_object_object_add(o, "to", json_object_new_string(k->to));
    json_object_object_add(o, "port", json_object_new_int(k->port));
    json_object_object_add(o, "protocol", json_object_new_string(k->protocol));
    json_object_object_add(o, "expected", json_object_new_string(k->expected ? "allowed" : "denied"));
    json_object_object_add(o, "actual", json_object_new_string(actual));
    json_object_object_add(o, "ok", json_object_new_boolean(k->ok));
    json_object_object_add(o, "reason", json_object_new_string(k->reason));
    return o;
}

int isolation_report_json(const struct isolation_report *r, struct json_object **out,
                          struct os_error *err)
{
    struct json_object *arr = json_object_new_array();

    *out = NULL;
    for (size_t i = 0; arr && r && i < r->n; i++) {
        struct json_object *o = check_json(&r->checks[i]);
        if (!o || json_object_array_add(arr, o) < 0) {
            json_object_put(o);
            json_object_put(arr);
            arr = NULL;
        }
    }
    if (!arr)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    *out = arr;
    return 0;
}
