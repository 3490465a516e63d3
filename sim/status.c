/*
 * status.c - metav1.Status bodies with the exact texts of K8S-CONTRACT.md
 * section 2.
 *
 * details.kind is the plural resource for NotFound, AlreadyExists, Conflict
 * and Forbidden, and the Kind for Invalid (422); messages use the qualified
 * resource ("deployments.apps") or Kind ("Deployment.apps").  Empty details
 * members are left out.  Every builder returns a new json object the caller
 * puts (normally by handing it to sim_respond_status()).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

json_object *sim_status(int code, const char *reason, const char *message)
{
    json_object *st = json_object_new_object();
    json_object_object_add(st, "kind", json_object_new_string("Status"));
    json_object_object_add(st, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(st, "metadata", json_object_new_object());
    json_object_object_add(st, "status", json_object_new_string(code < 300 ? "Success" : "Failure"));
    if (message)
        json_object_object_add(st, "message", json_object_new_string(message));
    if (reason)
        json_object_object_add(st, "reason", json_object_new_string(reason));
    json_object_object_add(st, "code", json_object_new_int(code));
    return st;
}

/* Keep "code" the last member, as the Go encoder writes it. */
static void code_last(json_object *st)
{
    json_object *c;
    if (!json_object_object_get_ex(st, "code", &c))
        return;
    json_object_get(c);
    json_object_object_del(st, "code");
    json_object_object_add(st, "code", c);
}

/* Add details {name, group, kind} leaving empty members out; returns the
 * details object (borrowed from st). */
static json_object *details(json_object *st, const char *name, const char *group,
                            const char *kind)
{
    json_object *d = json_object_new_object();
    if (name && *name)
        sim_json_set_str(d, "name", name);
    if (group && *group)
        sim_json_set_str(d, "group", group);
    if (kind && *kind)
        sim_json_set_str(d, "kind", kind);
    json_object_object_add(st, "details", d);
    code_last(st);
    return d;
}

/* The Status with message "fmt" printf'ed; fixed-size buffer, truncated. */
static json_object *statusf(int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static json_object *statusf(int code, const char *reason, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sim_status(code, reason, msg);
}

static const char *qualified(const struct kube_resource *res, char *buf, size_t len)
{
    kube_resource_qualified(res, buf, len);
    return buf;
}

void sim_status_add_cause(json_object *st, const char *reason, const char *message,
                          const char *field)
{
    json_object *d, *causes, *c = json_object_new_object();
    if (!json_object_object_get_ex(st, "details", &d)) {
        json_object_object_add(st, "details", d = json_object_new_object());
        code_last(st);
    }
    if (!json_object_object_get_ex(d, "causes", &causes))
        json_object_object_add(d, "causes", causes = json_object_new_array());
    if (reason)
        sim_json_set_str(c, "reason", reason);
    if (message)
        sim_json_set_str(c, "message", message);
    if (field)
        sim_json_set_str(c, "field", field);
    json_object_array_add(causes, c);
}

json_object *sim_status_success(const struct kube_resource *res, const char *name,
                                const char *uid)
{
    json_object *st = sim_status(200, NULL, NULL);
    json_object *d = details(st, name, res->group, res->plural);
    if (uid)
        sim_json_set_str(d, "uid", uid);
    return st;
}

json_object *sim_status_not_found(const struct kube_resource *res, const char *name)
{
    char q[128];
    json_object *st = statusf(404, "NotFound", "%s \"%s\" not found", qualified(res, q, sizeof(q)), name);
    details(st, name, res->group, res->plural);
    return st;
}

json_object *sim_status_ns_not_found(const char *ns)
{
    json_object *st = statusf(404, "NotFound", "namespaces \"%s\" not found", ns);
    details(st, ns, NULL, "namespaces");
    return st;
}

json_object *sim_status_path_not_found(void)
{
    json_object *st = sim_status(404, "NotFound", "the server could not find the requested resource");
    json_object_object_add(st, "details", json_object_new_object());
    code_last(st);
    return st;
}

json_object *sim_status_already_exists(const struct kube_resource *res, const char *name,
                                       int being_deleted)
{
    char q[128];
    json_object *st = statusf(409, "AlreadyExists", "%s%s \"%s\" already exists",
                              being_deleted ? "object is being deleted: " : "",
                              qualified(res, q, sizeof(q)), name);
    details(st, name, res->group, res->plural);
    return st;
}

json_object *sim_status_conflict(const struct kube_resource *res, const char *name,
                                 const char *why)
{
    char q[128];
    json_object *st = statusf(409, "Conflict", "Operation cannot be fulfilled on %s \"%s\": %s",
                              qualified(res, q, sizeof(q)), name, why);
    details(st, name, res->group, res->plural);
    return st;
}

json_object *sim_status_forbidden(const struct kube_resource *res, const char *name,
                                  const char *why)
{
    char q[128];
    json_object *st = statusf(403, "Forbidden", "%s \"%s\" is forbidden: %s",
                              qualified(res, q, sizeof(q)), name, why);
    details(st, name, res->group, res->plural);
    return st;
}

json_object *sim_status_ns_terminating(const struct kube_resource *res, const char *name,
                                       const char *ns)
{
    char why[512], msg[320];
    snprintf(why, sizeof(why), "unable to create new content in namespace %s because it is being terminated", ns);
    json_object *st = sim_status_forbidden(res, name, why);
    snprintf(msg, sizeof(msg), "namespace %s is being terminated", ns);
    sim_status_add_cause(st, "NamespaceTerminating", msg, "metadata.namespace");
    return st;
}

json_object *sim_status_invalid(const struct kube_resource *res, const char *name,
                                const struct sim_cause *causes, size_t n)
{
    size_t cap = 256;
    for (size_t i = 0; i < n; i++)
        cap += strlen(causes[i].field) + strlen(causes[i].message) + 4;
    char *msg = malloc(cap);
    char kind[128];
    size_t pos;

    if (!msg)
        return sim_status(500, "InternalError", "Internal error occurred: out of memory");
    snprintf(kind, sizeof(kind), "%s%s%s", res->kind, res->group[0] ? "." : "", res->group);
    pos = (size_t)snprintf(msg, cap, "%s \"%s\" is invalid: %s", kind, name, n > 1 ? "[" : "");
    for (size_t i = 0; i < n && pos < cap; i++)
        pos += (size_t)snprintf(msg + pos, cap - pos, "%s%s: %s", i ? ", " : "",
                                causes[i].field, causes[i].message);
    if (n > 1 && pos < cap)
        snprintf(msg + pos, cap - pos, "]");
    json_object *st = sim_status(422, "Invalid", msg);
    free(msg);
    details(st, name, res->group, res->kind);
    for (size_t i = 0; i < n; i++)
        sim_status_add_cause(st, causes[i].reason, causes[i].message, causes[i].field);
    return st;
}

json_object *sim_status_bad_request(const char *message)
{
    return sim_status(400, "BadRequest", message);
}

json_object *sim_status_unauthorized(void)
{
    return sim_status(401, "Unauthorized", "Unauthorized");
}

json_object *sim_status_method_not_allowed(const struct kube_resource *res, const char *method)
{
    json_object *st = statusf(405, "MethodNotAllowed", "%s is not supported on resources of kind \"%s\"",
                              method, res->plural);
    details(st, NULL, res->group, res->plural);
    return st;
}

json_object *sim_status_expired(const char *message)
{
    return sim_status(410, "Expired", message);
}

json_object *sim_status_too_large_rv(unsigned long long want, unsigned long long current)
{
    json_object *st = statusf(504, "Timeout", "Timeout: Too large resource version: %llu, current: %llu",
                              want, current);
    sim_status_add_cause(st, "ResourceVersionTooLarge", "Too large resource version", NULL);
    json_object *d;
    json_object_object_get_ex(st, "details", &d);
    json_object_object_add(d, "retryAfterSeconds", json_object_new_int(1));
    return st;
}
