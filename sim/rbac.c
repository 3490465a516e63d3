/*
 * rbac.c - rule and subject matching of the RBAC authorizer (see rbac.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rbac.h"

static const char *str_of(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return "";
    return json_object_get_string(v);
}

static json_object *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

void sim_user_for_sa(struct sim_user *u, const char *ns, const char *name)
{
    memset(u, 0, sizeof(*u));
    snprintf(u->name, sizeof(u->name), "system:serviceaccount:%s:%s", ns, name);
    snprintf(u->sa_ns, sizeof(u->sa_ns), "%s", ns);
    snprintf(u->sa_name, sizeof(u->sa_name), "%s", name);
    snprintf(u->groups[0], sizeof(u->groups[0]), "system:serviceaccounts");
    snprintf(u->groups[1], sizeof(u->groups[1]), "system:serviceaccounts:%s", ns);
    snprintf(u->groups[2], sizeof(u->groups[2]), "system:authenticated");
    u->ngroups = 3;
}

const char *sim_rbac_verb(const char *method, int has_name, int watch)
{
    if (!strcmp(method, "GET") || !strcmp(method, "HEAD"))
        return has_name ? "get" : watch ? "watch" : "list";
    if (!strcmp(method, "POST"))
        return "create";
    if (!strcmp(method, "PUT"))
        return "update";
    if (!strcmp(method, "PATCH"))
        return "patch";   /* server-side apply is a PATCH too */
    if (!strcmp(method, "DELETE"))
        return has_name ? "delete" : "deletecollection";
    return "";
}

const char *sim_rbac_selector_name(const char *sel, char *buf, size_t len)
{
    static const char key[] = "metadata.name";
    if (!sel || strchr(sel, '\\'))
        return NULL;
    for (const char *t = sel; *t; ) {
        size_t n = strcspn(t, ",");
        /* splitTerm: the first operator in the term, "!=" before "==" before "=" */
        size_t op = strcspn(t, "!=");
        if (op < n && op == sizeof(key) - 1 && !strncmp(t, key, op) && t[op] == '=') {
            const char *v = t + op + (t[op + 1] == '=' ? 2 : 1);
            size_t vn = (size_t)(t + n - v);
            int dots = (vn == 1 && v[0] == '.') || (vn == 2 && v[0] == '.' && v[1] == '.');
            if (vn == 0 || vn >= len || dots || memchr(v, '/', vn) || memchr(v, '%', vn))
                return NULL;   /* not a valid path segment name: names nothing */
            memcpy(buf, v, vn);
            buf[vn] = '\0';
            return buf;
        }
        t += n + (t[n] == ',');
    }
    return NULL;
}

struct sim_rbac_request sim_rbac_create_on_update(const struct sim_rbac_request *rq)
{
    struct sim_rbac_request c = *rq;
    c.verb = "create";
    return c;
}

/* 1 when the string array arr holds want or "*" (wild set). */
static int has(json_object *arr, const char *want, int wild)
{
    size_t n = arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        const char *s = e && json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
        if (s && ((wild && !strcmp(s, "*")) || !strcmp(s, want)))
            return 1;
    }
    return 0;
}

/* rbacv1helpers.ResourceMatches: "*", "res[/sub]" or "* /sub". */
static int resource_matches(json_object *resources, const char *res, const char *sub)
{
    char combined[256], any_sub[128];
    snprintf(combined, sizeof(combined), "%s%s%s", res, *sub ? "/" : "", sub);
    if (has(resources, combined, 1))
        return 1;
    if (!*sub)
        return 0;
    snprintf(any_sub, sizeof(any_sub), "*/%s", sub);
    return has(resources, any_sub, 0);
}

int sim_rbac_rule_allows(json_object *rule, const struct sim_rbac_request *rq)
{
    json_object *names = member(rule, "resourceNames");
    if (!has(member(rule, "verbs"), rq->verb, 1) || !has(member(rule, "apiGroups"), rq->group, 1) ||
        !resource_matches(member(rule, "resources"), rq->resource, rq->sub))
        return 0;
    /* Named rules never cover lists or creates: the request has no name. */
    if (names && json_object_is_type(names, json_type_array) && json_object_array_length(names) > 0)
        return *rq->name && has(names, rq->name, 0);
    return 1;
}

static int subject_is(json_object *s, const struct sim_user *u, const char *binding_ns)
{
    const char *kind = str_of(s, "kind"), *name = str_of(s, "name");
    if (!strcmp(kind, "ServiceAccount")) {
        const char *ns = *str_of(s, "namespace") ? str_of(s, "namespace") : binding_ns;
        return *u->sa_name && !strcmp(name, u->sa_name) && !strcmp(ns, u->sa_ns);
    }
    if (!strcmp(kind, "User"))
        return !strcmp(name, u->name);
    if (!strcmp(kind, "Group"))
        for (size_t i = 0; i < u->ngroups; i++)
            if (!strcmp(name, u->groups[i]))
                return 1;
    return 0;
}

int sim_rbac_subject_matches(json_object *binding, const struct sim_user *u)
{
    json_object *subs = member(binding, "subjects");
    const char *ns = str_of(member(binding, "metadata"), "namespace");
    size_t n = subs && json_object_is_type(subs, json_type_array) ? json_object_array_length(subs) : 0;
    for (size_t i = 0; i < n; i++)
        if (subject_is(json_object_array_get_idx(subs, i), u, ns))
            return 1;
    return 0;
}

/* 1 when one binding grants rq to u. */
static int binding_allows(json_object *b, const struct sim_user *u, const struct sim_rbac_request *rq,
                          sim_rbac_role_fn find, void *ctx)
{
    const char *ns = str_of(member(b, "metadata"), "namespace");
    json_object *ref = member(b, "roleRef");
    const char *kind = str_of(ref, "kind");

    if ((*ns && strcmp(ns, rq->ns)) || !sim_rbac_subject_matches(b, u))
        return 0;   /* a RoleBinding grants nothing outside its namespace */
    if (strcmp(kind, "Role") && strcmp(kind, "ClusterRole"))
        return 0;
    if (!strcmp(kind, "Role") && !*ns)
        return 0;   /* a ClusterRoleBinding can only refer to a ClusterRole */
    json_object *role = find(ctx, kind, !strcmp(kind, "Role") ? ns : "", str_of(ref, "name"));
    json_object *rules = member(role, "rules");
    size_t n = rules && json_object_is_type(rules, json_type_array) ? json_object_array_length(rules) : 0;
    for (size_t i = 0; i < n; i++)
        if (sim_rbac_rule_allows(json_object_array_get_idx(rules, i), rq))
            return 1;
    return 0;
}

int sim_rbac_allows(const struct sim_user *u, const struct sim_rbac_request *rq,
                    json_object *const *bindings, size_t n, sim_rbac_role_fn find, void *ctx)
{
    for (size_t i = 0; i < n; i++)
        if (binding_allows(bindings[i], u, rq, find, ctx))
            return 1;
    return 0;
}

char *sim_rbac_forbidden_message(const struct sim_user *u, const struct sim_rbac_request *rq,
                                 char *buf, size_t len)
{
    char res[256];
    snprintf(res, sizeof(res), "%s%s%s", rq->resource, *rq->sub ? "/" : "", rq->sub);
    if (*rq->ns)
        snprintf(buf, len, "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" in the namespace \"%s\"",
                 u->name, rq->verb, res, rq->group, rq->ns);
    else
        snprintf(buf, len, "User \"%s\" cannot %s resource \"%s\" in API group \"%s\" at the cluster scope",
                 u->name, rq->verb, res, rq->group);
    return buf;
}

char *sim_rbac_forbidden_status_message(const struct sim_rbac_request *rq, const char *why,
                                        char *buf, size_t len)
{
    char q[400];
    snprintf(q, sizeof(q), "%s%s%s", rq->resource, *rq->group ? "." : "", rq->group);
    if (*rq->name)
        snprintf(buf, len, "%s \"%s\" is forbidden: %s", q, rq->name, why);
    else
        snprintf(buf, len, "%s is forbidden: %s", q, why);
    return buf;
}

int sim_rbac_sa_token_valid(json_object *secret, json_object *sa)
{
    json_object *ann = member(member(secret, "metadata"), "annotations");
    json_object *sa_meta = member(sa, "metadata");
    const char *uid = str_of(ann, "kubernetes.io/service-account.uid");
    if (strcmp(str_of(secret, "type"), "kubernetes.io/service-account-token") || !sa)
        return 0;
    if (member(member(secret, "metadata"), "deletionTimestamp") || member(sa_meta, "deletionTimestamp"))
        return 0;   /* being deleted: "Token has been invalidated" / "... has been deleted" */
    return *uid && !strcmp(uid, str_of(sa_meta, "uid")) &&
           !strcmp(str_of(ann, "kubernetes.io/service-account.name"), str_of(sa_meta, "name"));
}
