/*
 * validate_kinds.c - kube-apiserver's 422 checks for the RBAC kinds and
 * EndpointSlice, with its field paths and texts:
 *
 *   ClusterRole, Role      rules[i].verbs required; resource rules need
 *                          apiGroups and resources (rbac/validation)
 *   (Cluster)RoleBinding   roleRef apiGroup/kind/name, subjects' kind,
 *                          name, and a namespace for ServiceAccounts of a
 *                          ClusterRoleBinding; roleRef immutable
 *   EndpointSlice          addressType required and supported; per endpoint
 *                          1..100 addresses valid for the type, IPs not
 *                          unspecified, loopback or link-local
 *                          (ValidateNonSpecialIP); addressType immutable
 *
 * Not checked: aggregationRule, ports and hints of EndpointSlices,
 * subjects' name syntax.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"
#define MAX_ENDPOINTS 1000   /* discovery/validation maxEndpoints */
#define MAX_ADDRESSES 100    /* maxAddresses */

static size_t arr_len(json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

static const char *str_or_empty(json_object *o, const char *key)
{
    const char *v = sim_json_str(o, key);
    return v ? v : "";
}

/* ---- RBAC ---- */

static void check_rule(json_object *rule, size_t i, struct sim_invalid *inv)
{
    char f[64];
    snprintf(f, sizeof(f), "rules[%zu].verbs", i);
    if (!arr_len(sim_json_path(rule, "verbs")))
        sim_invalid_add(inv, "FieldValueRequired", f, "Required value: verbs must contain at least one value");
    if (arr_len(sim_json_path(rule, "nonResourceURLs")))
        return;   /* a non-resource rule needs neither groups nor resources */
    snprintf(f, sizeof(f), "rules[%zu].apiGroups", i);
    if (!arr_len(sim_json_path(rule, "apiGroups")))
        sim_invalid_add(inv, "FieldValueRequired", f, "Required value: resource rules must supply at least one api group");
    snprintf(f, sizeof(f), "rules[%zu].resources", i);
    if (!arr_len(sim_json_path(rule, "resources")))
        sim_invalid_add(inv, "FieldValueRequired", f, "Required value: resource rules must supply at least one resource");
}

static void check_role(json_object *obj, struct sim_invalid *inv)
{
    json_object *rules = sim_json_path(obj, "rules");
    for (size_t i = 0; i < arr_len(rules); i++)
        check_rule(json_object_array_get_idx(rules, i), i, inv);
}

static void check_subject(json_object *sub, size_t i, int cluster, struct sim_invalid *inv)
{
    const char *kind = str_or_empty(sub, "kind"), *group = str_or_empty(sub, "apiGroup");
    char f[64];
    snprintf(f, sizeof(f), "subjects[%zu].name", i);
    if (!*str_or_empty(sub, "name"))
        sim_invalid_add(inv, "FieldValueRequired", f, "Required value");
    if (!strcmp(kind, "ServiceAccount")) {
        snprintf(f, sizeof(f), "subjects[%zu].apiGroup", i);
        if (*group)
            sim_invalid_add(inv, "FieldValueNotSupported", f, "Unsupported value: \"%s\": supported values: \"\"", group);
        snprintf(f, sizeof(f), "subjects[%zu].namespace", i);
        if (cluster && !*str_or_empty(sub, "namespace"))
            sim_invalid_add(inv, "FieldValueRequired", f, "Required value");
    } else if (!strcmp(kind, "User") || !strcmp(kind, "Group")) {
        /* v1 defaults apiGroup to the RBAC group for these kinds */
        snprintf(f, sizeof(f), "subjects[%zu].apiGroup", i);
        if (*group && strcmp(group, RBAC_GROUP))
            sim_invalid_add(inv, "FieldValueNotSupported", f,
                            "Unsupported value: \"%s\": supported values: \"" RBAC_GROUP "\"", group);
    } else {
        snprintf(f, sizeof(f), "subjects[%zu].kind", i);
        sim_invalid_add(inv, "FieldValueNotSupported", f,
                        "Unsupported value: \"%s\": supported values: \"ServiceAccount\", \"User\", \"Group\"", kind);
    }
}

static void check_binding(json_object *obj, int cluster, struct sim_invalid *inv)
{
    json_object *ref = sim_json_path(obj, "roleRef"), *subs = sim_json_path(obj, "subjects");
    const char *group = str_or_empty(ref, "apiGroup"), *kind = str_or_empty(ref, "kind");

    if (strcmp(group, RBAC_GROUP))
        sim_invalid_add(inv, "FieldValueNotSupported", "roleRef.apiGroup",
                        "Unsupported value: \"%s\": supported values: \"" RBAC_GROUP "\"", group);
    if (cluster && strcmp(kind, "ClusterRole"))
        sim_invalid_add(inv, "FieldValueNotSupported", "roleRef.kind",
                        "Unsupported value: \"%s\": supported values: \"ClusterRole\"", kind);
    else if (!cluster && strcmp(kind, "Role") && strcmp(kind, "ClusterRole"))
        sim_invalid_add(inv, "FieldValueNotSupported", "roleRef.kind",
                        "Unsupported value: \"%s\": supported values: \"Role\", \"ClusterRole\"", kind);
    if (!*str_or_empty(ref, "name"))
        sim_invalid_add(inv, "FieldValueRequired", "roleRef.name", "Required value");
    for (size_t i = 0; i < arr_len(subs); i++)
        check_subject(json_object_array_get_idx(subs, i), i, cluster, inv);
}

/* The roleRef may not change: a binding's meaning would change under the
 * subjects (the real message prints the Go struct). */
static void check_binding_update(json_object *obj, json_object *old, struct sim_invalid *inv)
{
    json_object *ref = sim_json_path(obj, "roleRef"), *oref = sim_json_path(old, "roleRef");
    const char *keys[] = {"apiGroup", "kind", "name"};
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(str_or_empty(ref, keys[i]), str_or_empty(oref, keys[i]))) {
            sim_invalid_add(inv, "FieldValueInvalid", "roleRef",
                            "Invalid value: rbac.RoleRef{APIGroup:\"%s\", Kind:\"%s\", Name:\"%s\"}: cannot change roleRef",
                            str_or_empty(ref, "apiGroup"), str_or_empty(ref, "kind"), str_or_empty(ref, "name"));
            return;
        }
    }
}

/* ---- EndpointSlice ---- */

/* ValidateNonSpecialIP on a parsed address (16 bytes, IPv4 as ::ffff:a.b.c.d). */
static void check_special(const unsigned char *ip, const char *addr, const char *f,
                          struct sim_invalid *inv)
{
    static const unsigned char zero[16], v4pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    int v4 = !memcmp(ip, v4pre, 12);
    const unsigned char *a = ip + 12;

    if (v4 ? !memcmp(a, zero, 4) : !memcmp(ip, zero, 16))
        sim_invalid_add(inv, "FieldValueInvalid", f, "Invalid value: \"%s\": may not be unspecified (%s)", addr, addr);
    if (v4 ? a[0] == 127 : (!memcmp(ip, zero, 15) && ip[15] == 1))
        sim_invalid_add(inv, "FieldValueInvalid", f, "Invalid value: \"%s\": may not be in the loopback range (127.0.0.0/8, ::1/128)", addr);
    if (v4 ? (a[0] == 169 && a[1] == 254) : (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80))
        sim_invalid_add(inv, "FieldValueInvalid", f, "Invalid value: \"%s\": may not be in the link-local range (169.254.0.0/16, fe80::/10)", addr);
    if (v4 ? (a[0] == 224 && a[1] == 0 && a[2] == 0) : (ip[0] == 0xff && (ip[1] & 0x0f) == 0x02))
        sim_invalid_add(inv, "FieldValueInvalid", f, "Invalid value: \"%s\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)", addr);
}

/* One address of an IPv4 or IPv6 slice. */
static void check_ip(const char *addr, int want_v6, const char *f, struct sim_invalid *inv)
{
    unsigned char ip[16] = {0};
    if (!want_v6 && inet_pton(AF_INET, addr, ip + 12) == 1) {
        ip[10] = ip[11] = 0xff;
        check_special(ip, addr, f, inv);
    } else if (want_v6 && !strchr(addr, '.') && inet_pton(AF_INET6, addr, ip) == 1) {
        check_special(ip, addr, f, inv);
    } else {
        sim_invalid_add(inv, "FieldValueInvalid", f, "Invalid value: \"%s\": must be a valid %s address",
                        addr, want_v6 ? "IPv6" : "IPv4");
    }
}

/* IsFullyQualifiedDomainName: a subdomain of at least two labels. */
static void check_fqdn(const char *addr, const char *f, struct sim_invalid *inv)
{
    char name[300];
    snprintf(name, sizeof(name), "%s", addr);
    size_t n = strlen(name);
    if (n && name[n - 1] == '.')
        name[n - 1] = '\0';
    if (!*name)
        sim_invalid_add(inv, "FieldValueRequired", f, "Required value");
    else if (!sim_is_subdomain(name))
        sim_invalid_add(inv, "FieldValueInvalid", f, "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", name);
    else if (!strchr(name, '.'))
        sim_invalid_add(inv, "FieldValueInvalid", f, "Invalid value: \"%s\": should be a domain with at least two segments separated by dots", name);
}

static void check_endpoint(json_object *ep, size_t i, const char *type, struct sim_invalid *inv)
{
    json_object *addrs = sim_json_path(ep, "addresses");
    size_t n = arr_len(addrs);
    char f[80];
    snprintf(f, sizeof(f), "endpoints[%zu].addresses", i);
    if (n == 0)
        sim_invalid_add(inv, "FieldValueRequired", f, "Required value: must contain at least 1 address");
    else if (n > MAX_ADDRESSES)
        sim_invalid_add(inv, "FieldValueTooMany", f, "Too many: %zu: must have at most %d items", n, MAX_ADDRESSES);
    for (size_t j = 0; j < n; j++) {
        json_object *a = json_object_array_get_idx(addrs, j);
        const char *addr = a && json_object_is_type(a, json_type_string) ? json_object_get_string(a) : "";
        snprintf(f, sizeof(f), "endpoints[%zu].addresses[%zu]", i, j);
        if (!strcmp(type, "IPv4") || !strcmp(type, "IPv6"))
            check_ip(addr, !strcmp(type, "IPv6"), f, inv);
        else if (!strcmp(type, "FQDN"))
            check_fqdn(addr, f, inv);
    }
}

static void check_endpointslice(json_object *obj, struct sim_invalid *inv)
{
    const char *type = str_or_empty(obj, "addressType");
    json_object *eps = sim_json_path(obj, "endpoints");
    size_t n = arr_len(eps);

    if (!*type)
        sim_invalid_add(inv, "FieldValueRequired", "addressType", "Required value");
    else if (strcmp(type, "IPv4") && strcmp(type, "IPv6") && strcmp(type, "FQDN"))
        sim_invalid_add(inv, "FieldValueNotSupported", "addressType",
                        "Unsupported value: \"%s\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"", type);
    if (n > MAX_ENDPOINTS) {
        sim_invalid_add(inv, "FieldValueTooMany", "endpoints", "Too many: %zu: must have at most %d items", n, MAX_ENDPOINTS);
        return;
    }
    for (size_t i = 0; i < n; i++)
        check_endpoint(json_object_array_get_idx(eps, i), i, type, inv);
}

void sim_validate_kind(const struct kube_resource *res, json_object *obj, struct sim_invalid *inv)
{
    if (!strcmp(res->kind, "ClusterRole") || !strcmp(res->kind, "Role"))
        check_role(obj, inv);
    else if (!strcmp(res->kind, "ClusterRoleBinding"))
        check_binding(obj, 1, inv);
    else if (!strcmp(res->kind, "RoleBinding"))
        check_binding(obj, 0, inv);
    else if (!strcmp(res->kind, "EndpointSlice"))
        check_endpointslice(obj, inv);
}

void sim_validate_kind_update(const struct kube_resource *res, json_object *obj, json_object *old,
                              struct sim_invalid *inv)
{
    if (!strcmp(res->kind, "ClusterRoleBinding") || !strcmp(res->kind, "RoleBinding")) {
        check_binding_update(obj, old, inv);
    } else if (!strcmp(res->kind, "EndpointSlice")) {
        const char *t = str_or_empty(obj, "addressType"), *ot = str_or_empty(old, "addressType");
        if (strcmp(t, ot))
            sim_invalid_add(inv, "FieldValueInvalid", "addressType", "Invalid value: \"%s\": field is immutable", t);
    }
}
