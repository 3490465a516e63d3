/*
 * rbac.h - the simulator's RBAC authorizer (rbac.authorization.k8s.io/v1
 * semantics), kept pure so it can be unit-tested: json-c trees of
 * bindings and roles in, a yes/no out.  No lock, no store, no clock; the
 * caller (auth.c) collects the bindings under sim->lock and supplies a
 * role lookup.
 *
 * What it implements (plugin/pkg/auth/authorizer/rbac):
 *   - a ClusterRoleBinding applies everywhere, a RoleBinding only to
 *     requests in its own namespace; its roleRef names a Role of that
 *     namespace or a ClusterRole;
 *   - subjects match by kind: ServiceAccount (name, and namespace, which
 *     defaults to the binding's own for a RoleBinding), User (name), Group
 *     (one of the user's groups);
 *   - a rule matches when apiGroups, resources ("res", "res/sub", "*",
 *     "* /sub" without the space), verbs and resourceNames (empty = any;
 *     otherwise the request must name one) all match, "*" matching all.
 * Not implemented: aggregationRule, nonResourceURLs rules (non-resource
 * paths are allowed to every authenticated user by the caller, as the
 * system:discovery and system:public-info-viewer roles do), escalation
 * checks on writes of roles and bindings.
 */
#ifndef SIM_RBAC_H
#define SIM_RBAC_H

#include <stddef.h>

#include <json-c/json.h>

/* An authenticated user (only ServiceAccounts need authorizing here). */
struct sim_user {
    char name[600];          /* "system:serviceaccount:NS:NAME" */
    char sa_ns[254];         /* the ServiceAccount's namespace */
    char sa_name[254];       /* and name */
    char groups[3][300];     /* system:serviceaccounts[:NS], system:authenticated */
    size_t ngroups;
};

/* One request's attributes, as kube-apiserver's RequestInfo has them. */
struct sim_rbac_request {
    const char *verb;        /* get, list, watch, create, update, patch, delete, deletecollection */
    const char *group;       /* API group, "" for core */
    const char *resource;    /* plural, e.g. "deployments" */
    const char *sub;         /* subresource ("log", "scale", ...) or "" */
    const char *ns;          /* namespace, "" at the cluster scope */
    const char *name;        /* object name, "" for collections and creates */
};

/* Find a role: kind "Role" (ns is the binding's namespace) or
 * "ClusterRole" (ns ""); returns a borrowed tree or NULL. */
typedef json_object *(*sim_rbac_role_fn)(void *ctx, const char *kind, const char *ns,
                                         const char *name);

/* Fill u for the ServiceAccount ns/name. */
void sim_user_for_sa(struct sim_user *u, const char *ns, const char *name);

/* The RBAC verb of an HTTP request: method, whether the URL names an
 * object, and whether ?watch=true was given.  A static string. */
const char *sim_rbac_verb(const char *method, int has_name, int watch);

/* 1 when one PolicyRule (a json object) allows rq. */
int sim_rbac_rule_allows(json_object *rule, const struct sim_rbac_request *rq);

/* 1 when binding (a RoleBinding or ClusterRoleBinding tree) names u among
 * its subjects. */
int sim_rbac_subject_matches(json_object *binding, const struct sim_user *u);

/* 1 when any of the n bindings (borrowed) grants u the request rq. */
int sim_rbac_allows(const struct sim_user *u, const struct sim_rbac_request *rq,
                    json_object *const *bindings, size_t n, sim_rbac_role_fn find, void *ctx);

/* The denial text of responsewriters.forbiddenMessage into buf:
 * User "U" cannot VERB resource "RES[/SUB]" in API group "G" in the
 * namespace "NS" | at the cluster scope.  Returns buf. */
char *sim_rbac_forbidden_message(const struct sim_user *u, const struct sim_rbac_request *rq,
                                 char *buf, size_t len);

#endif
