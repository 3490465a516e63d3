/*
 * auth.c - authentication (the admin bearer token, or a ServiceAccount
 * token filled in by tokens.c) and RBAC authorization of ServiceAccount
 * requests (the rules live in rbac.c; this file gathers the bindings
 * and roles from the store and turns a denial into the contract's 403).
 *
 * The admin token is the tests' cluster-admin and is never checked
 * against RBAC.  A ServiceAccount token is accepted while its Secret
 * exists, names the ServiceAccount, and the ServiceAccount with that uid
 * exists, and neither is being deleted (a deletionTimestamp, e.g. held by
 * a finalizer, ends it at once, as in kube-apiserver's legacy token
 * validator).  Non-resource paths (discovery, /version, /healthz, /openapi)
 * are open to every authenticated user, as the system:discovery and
 * system:public-info-viewer ClusterRoles make them on a real cluster.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sim.h"
#include "rbac.h"

/* Constant-time equality of two NUL-terminated strings. */
static int same_secret(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

/* The ServiceAccount whose token Secret holds enc (base64 of the token),
 * into u (lock held).  0 when found and still valid (rbac.c decides: a
 * Secret or ServiceAccount being deleted no longer authenticates). */
static int find_sa_token(struct sim *s, const char *enc, struct sim_user *u)
{
    const struct kube_resource *secrets = kube_resource_by_plural("", "v1", "secrets");
    const struct kube_resource *sas = kube_resource_by_plural("", "v1", "serviceaccounts");
    for (size_t i = 0; i < s->store.nobjs; i++) {
        struct sim_object *o = s->store.objs[i];
        const char *tok = o->res == secrets ? sim_json_member_str(sim_json_path(o->obj, "data"), "token") : NULL;
        const char *type = tok ? sim_json_str(o->obj, "type") : NULL;
        if (!type || strcmp(type, "kubernetes.io/service-account-token") || !same_secret(tok, enc))
            continue;
        json_object *ann = sim_json_path(o->obj, "metadata.annotations");
        const char *name = sim_json_member_str(ann, "kubernetes.io/service-account.name");
        struct sim_object *sa = name ? sim_store_find(s, sas, o->ns, name) : NULL;
        if (!sa || !sim_rbac_sa_token_valid(o->obj, sa->obj))
            return -1;
        sim_user_for_sa(u, o->ns, name);
        return 0;
    }
    return -1;
}

int sim_authenticate(struct sim *s, const char *header, struct sim_user *u)
{
    if (!header || strncmp(header, "Bearer ", 7) || !header[7])
        return -1;
    const char *tok = header + 7;
    if (same_secret(tok, s->token))
        return 1;
    size_t n = sodium_base64_encoded_len(strlen(tok), sodium_base64_VARIANT_ORIGINAL);
    char *enc = malloc(n);
    if (!enc)
        return -1;
    sodium_bin2base64(enc, n, (const unsigned char *)tok, strlen(tok), sodium_base64_VARIANT_ORIGINAL);
    pthread_mutex_lock(&s->lock);
    int rc = find_sa_token(s, enc, u);
    pthread_mutex_unlock(&s->lock);
    free(enc);
    return rc;
}

/* Role lookup for rbac.c (lock held): ctx is the struct sim. */
static json_object *find_role(void *ctx, const char *kind, const char *ns, const char *name)
{
    struct sim *s = ctx;
    const struct kube_resource *r = kube_resource_by_kind("rbac.authorization.k8s.io/v1", kind);
    struct sim_object *o = r ? sim_store_find(s, r, ns, name) : NULL;
    return o ? o->obj : NULL;
}

/* The ClusterRoleBindings and the RoleBindings of ns (lock held); *out is
 * malloc'd and holds borrowed trees.  Returns the count. */
static size_t collect_bindings(struct sim *s, const char *ns, json_object ***out)
{
    const struct kube_resource *crb = kube_resource_by_plural("rbac.authorization.k8s.io", "v1", "clusterrolebindings");
    const struct kube_resource *rb = kube_resource_by_plural("rbac.authorization.k8s.io", "v1", "rolebindings");
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < s->store.nobjs; i++) {
        struct sim_object *o = s->store.objs[i];
        if (o->res != crb && !(o->res == rb && *ns && !strcmp(o->ns, ns)))
            continue;
        json_object **nv = realloc(*out, (n + 1) * sizeof(**out));
        if (!nv)
            break;
        *out = nv;
        (*out)[n++] = o->obj;
    }
    return n;
}

/* RequestInfo of a routed request: a namespace's own URL is "in" that
 * namespace (so a RoleBinding there can grant get on it). */
static void request_attrs(const struct sim_request *rq, struct sim_rbac_request *a,
                          char *sel_name, size_t len)
{
    const struct sim_route *r = &rq->route;
    int ns_itself = !strcmp(r->res->plural, "namespaces") && !r->res->group[0] && r->has_name;
    a->verb = sim_rbac_verb(rq->method, r->has_name, sim_query_true(rq, "watch"));
    a->group = r->res->group;
    a->resource = r->res->plural;
    a->sub = r->sub;
    a->ns = ns_itself ? r->name : r->has_ns ? r->ns : "";
    a->name = r->has_name ? r->name : "";
    /* A list or watch with fieldSelector=metadata.name=N is authorized for
     * the name N (RequestInfoFactory), so resourceNames rules cover it. */
    if (!strcmp(a->verb, "list") || !strcmp(a->verb, "watch")) {
        const char *n = sim_rbac_selector_name(sim_query(rq, "fieldSelector"), sel_name, len);
        if (n)
            a->name = n;
    }
}

/* A 403 Status of errors.NewForbidden: the request filter's
 * (responsewriters.Forbidden, why = the forbiddenMessage) or the create
 * check's (withAuthorization, why = the authorizer's reason). */
static json_object *forbidden(const struct sim_rbac_request *a, const char *why)
{
    char msg[1800];
    sim_rbac_forbidden_status_message(a, why, msg, sizeof(msg));
    json_object *st = sim_status(403, "Forbidden", msg);
    json_object *d = json_object_new_object();
    if (*a->name)
        sim_json_set_str(d, "name", a->name);
    if (*a->group)
        sim_json_set_str(d, "group", a->group);
    sim_json_set_str(d, "kind", a->resource);
    json_object_object_add(st, "details", d);
    /* "code" last, as the other Status bodies have it */
    json_object *code = json_object_get(json_object_object_get(st, "code"));
    json_object_object_del(st, "code");
    json_object_object_add(st, "code", code);
    return st;
}

int sim_authorize(struct sim_request *rq, const struct sim_user *u, struct sim_response *rs)
{
    struct sim *s = rq->sim;
    struct sim_rbac_request a;
    json_object **bindings;
    char sel_name[256], why[1200];

    request_attrs(rq, &a, sel_name, sizeof(sel_name));
    pthread_mutex_lock(&s->lock);
    size_t n = collect_bindings(s, a.ns, &bindings);
    int ok = sim_rbac_allows(u, &a, bindings, n, find_role, s);
    pthread_mutex_unlock(&s->lock);
    free(bindings);
    if (ok)
        return 0;
    sim_respond_status(rs, forbidden(&a, sim_rbac_forbidden_message(u, &a, why, sizeof(why))));
    return -1;
}

int sim_authorize_create(struct sim_request *rq, struct sim_response *rs)
{
    struct sim_rbac_request a, c;
    json_object **bindings;
    char sel_name[256];

    if (!rq->user)
        return 0;   /* the admin token */
    request_attrs(rq, &a, sel_name, sizeof(sel_name));
    c = sim_rbac_create_on_update(&a);
    size_t n = collect_bindings(rq->sim, c.ns, &bindings);
    int ok = sim_rbac_allows(rq->user, &c, bindings, n, find_role, rq->sim);
    free(bindings);
    if (ok)
        return 0;
    /* RBAC gives no reason for a plain denial, so the message ends in
     * "is forbidden: " (withAuthorization: NewForbidden(gr, name, reason)). */
    sim_respond_status(rs, forbidden(&c, ""));
    return -1;
}
