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
 * Also here, because they are pure too: the request's name from a
 * metadata.name fieldSelector (RequestInfo), the extra "create" check of an
 * apply that creates, the 403 Status message, and whether a legacy
 * ServiceAccount token Secret still authenticates (pkg/serviceaccount/
 * legacy.go).
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
 * object, and whether ?watch=true was given.  A static string.  As
 * RequestInfoFactory: ?watch=true makes "watch" only of a collection GET;
 * a GET of a named object is "get" whatever the query says. */
const char *sim_rbac_verb(const char *method, int has_name, int watch);

/* The name a collection GET (list or watch) is authorized for: the value
 * of a metadata.name=NAME (or ==) term of its fieldSelector (sel, may be
 * NULL), when that is a valid path segment name (RequiresExactMatch +
 * IsValidPathSegmentName).  Into buf; returns buf, or NULL when the
 * request names nothing (then the name stays "").  Escaped values (with a
 * backslash) are not unescaped: they name nothing here. */
const char *sim_rbac_selector_name(const char *sel, char *buf, size_t len);

/* The attributes of the second check kube-apiserver makes when a server-
 * side apply (or an update allowed to create) finds no object: rq with the
 * verb "create", same resource, subresource, namespace and name
 * (createAuthorizerAttributes in handlers/patch.go and update.go). */
struct sim_rbac_request sim_rbac_create_on_update(const struct sim_rbac_request *rq);

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

/* The message of errors.NewForbidden for rq into buf: RES[.GROUP] "NAME"
 * is forbidden: WHY (without the name when rq has none).  The request
 * filter's 403 has WHY = sim_rbac_forbidden_message; the create check of
 * an apply that creates (withAuthorization) has WHY = the authorizer's
 * reason, which RBAC leaves empty on a plain denial.  Returns buf. */
char *sim_rbac_forbidden_status_message(const struct sim_rbac_request *rq, const char *why,
                                        char *buf, size_t len);

/* 1 when a legacy ServiceAccount token Secret (secret, the tree whose
 * data.token matched) still authenticates as the ServiceAccount sa (the
 * tree of the ServiceAccount its kubernetes.io/service-account.name
 * annotation names in its namespace, or NULL): type
 * kubernetes.io/service-account-token, the name and uid annotations match
 * sa, and neither the Secret nor sa has a metadata.deletionTimestamp
 * ("Token has been invalidated", "ServiceAccount NS/NAME has been
 * deleted": kube-apiserver answers 401 for both). */
int sim_rbac_sa_token_valid(json_object *secret, json_object *sa);

#endif
