/*
 * validate.c - what kube-apiserver's validation would refuse with 422, and
 * which fields it would not recognise.
 *
 * Names: DNS-1123 label for Namespaces, DNS-1035 label for Services,
 * DNS-1123 subdomain otherwise; label keys and values; required fields of the
 * workloads (selector, template, labels matching the selector, containers
 * with name and image) and of Services (ports).  Messages and cause types are
 * the exact texts of K8S-CONTRACT.md sections 2.3 and 6.
 *
 * Unknown fields: a compact table of the allowed names at three levels -
 * top level, metadata, and spec - per kind.  Deeper levels (containers,
 * ports, rules, ...) are NOT checked; neither are status fields.  A kind
 * without a spec list has its spec unchecked.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rollout.h"
#include "sim.h"

#define LABEL_MSG "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define SUBDOMAIN_MSG "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define DNS1035_MSG "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define LABEL_VALUE_MSG "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
#define NAME_PART_MSG "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"

/* The short name used below; sim_invalid_add is shared with validate_kinds.c. */
#define add sim_invalid_add

void sim_invalid_add(struct sim_invalid *inv, const char *reason, const char *field, const char *fmt, ...)
{
    va_list ap;
    if (inv->n >= 16)
        return;
    size_t i = inv->n++;
    /* The field text lives after the message in the same buffer. */
    va_start(ap, fmt);
    int m = vsnprintf(inv->bufs[i], 768, fmt, ap);
    va_end(ap);
    if (m < 0 || m >= 768)
        m = 767;
    snprintf(inv->bufs[i] + m + 1, sizeof(inv->bufs[i]) - (size_t)m - 1, "%s", field);
    inv->causes[i].reason = reason;
    inv->causes[i].message = inv->bufs[i];
    inv->causes[i].field = inv->bufs[i] + m + 1;
}

static int lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_label(const char *s)
{
    size_t n = strlen(s);
    if (!n || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!lower_alnum(s[i]) && s[i] != '-')
            return 0;
    return 1;
}

int sim_is_subdomain(const char *s)
{
    char buf[300];
    if (!*s || strlen(s) > 253)
        return 0;
    snprintf(buf, sizeof(buf), "%s", s);
    if (buf[strlen(buf) - 1] == '.' || buf[0] == '.')
        return 0;
    for (char *save = NULL, *t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save))
        if (!is_label(t))
            return 0;
    return !strstr(s, "..");
}

static int is_name_part(const char *s, size_t n)
{
    if (!n || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

/* ValidateRBACName: any path segment name (path.ValidatePathSegmentName). */
static void check_path_segment(const char *name, struct sim_invalid *inv)
{
    if (!strcmp(name, ".") || !strcmp(name, ".."))
        add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": may not be '%s'", name, name);
    if (strchr(name, '/'))
        add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": may not contain '/'", name);
    if (strchr(name, '%'))
        add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": may not contain '%%'", name);
}

static void check_name(const struct kube_resource *res, const char *name, struct sim_invalid *inv)
{
    size_t n = strlen(name);
    if (!strcmp(res->kind, "Namespace")) {
        if (n > 63)
            add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": must be no more than 63 characters", name);
        if (!is_label(name))
            add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": " LABEL_MSG, name);
    } else if (!strcmp(res->kind, "Service")) {
        if (n > 63)
            add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": must be no more than 63 characters", name);
        if (!is_label(name) || !(name[0] >= 'a' && name[0] <= 'z'))
            add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": " DNS1035_MSG, name);
    } else if (!strcmp(res->group, "rbac.authorization.k8s.io")) {
        check_path_segment(name, inv);   /* "system:..." names are valid */
    } else {
        if (n > 253)
            add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": must be no more than 253 characters", name);
        if (!sim_is_subdomain(name))
            add(inv, "FieldValueInvalid", "metadata.name", "Invalid value: \"%s\": " SUBDOMAIN_MSG, name);
    }
}

static void check_labels(json_object *labels, const char *field, struct sim_invalid *inv)
{
    if (!labels)
        return;
    if (!json_object_is_type(labels, json_type_object)) {
        add(inv, "FieldValueInvalid", field, "Invalid value: %s: must be a map of strings", json_object_to_json_string(labels));
        return;
    }
    json_object_object_foreach(labels, key, val) {
        const char *slash = strchr(key, '/');
        const char *namep = slash ? slash + 1 : key;
        if (slash && (slash == key || !sim_is_subdomain(strndupa(key, (size_t)(slash - key)))))
            add(inv, "FieldValueInvalid", field, "Invalid value: \"%s\": prefix part " SUBDOMAIN_MSG, key);
        if (!is_name_part(namep, strlen(namep)))
            add(inv, "FieldValueInvalid", field, "Invalid value: \"%s\": " NAME_PART_MSG, key);
        const char *v = val && json_object_is_type(val, json_type_string) ? json_object_get_string(val) : NULL;
        if (!v)
            add(inv, "FieldValueTypeInvalid", field, "Invalid value: %s: label values must be strings",
                val ? json_object_to_json_string(val) : "null");
        else if (*v && (strlen(v) > 63 || !is_name_part(v, strlen(v))))
            add(inv, "FieldValueInvalid", field, "Invalid value: \"%s\": %s", v,
                strlen(v) > 63 ? "must be no more than 63 characters" : LABEL_VALUE_MSG);
    }
}

/* Go's %#v of map[string]string with sorted keys: map[string]string{"a":"b"}. */
static void go_map(json_object *labels, char *buf, size_t len)
{
    const char *keys[64];
    size_t n = 0, pos;
    if (labels && json_object_is_type(labels, json_type_object)) {
        json_object_object_foreach(labels, key, val) {
            (void)val;
            if (n < 64)
                keys[n++] = key;
        }
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
            const char *t = keys[j];
            keys[j] = keys[j - 1];
            keys[j - 1] = t;
        }
    pos = (size_t)snprintf(buf, len, "map[string]string{");
    for (size_t i = 0; i < n && pos < len; i++)
        pos += (size_t)snprintf(buf + pos, len - pos, "%s\"%s\":\"%s\"", i ? ", " : "", keys[i],
                                sim_json_str(labels, keys[i]) ? sim_json_str(labels, keys[i]) : "");
    if (pos < len)
        snprintf(buf + pos, len - pos, "}");
}

static void check_containers(json_object *podspec, const char *base, struct sim_invalid *inv)
{
    char field[160];
    json_object *cs = sim_json_path(podspec, "containers");
    size_t n = cs && json_object_is_type(cs, json_type_array) ? json_object_array_length(cs) : 0;
    if (n == 0) {
        snprintf(field, sizeof(field), "%s.containers", base);
        add(inv, "FieldValueRequired", field, "Required value");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cs, i);
        if (!sim_json_str(c, "name") || !*sim_json_str(c, "name")) {
            snprintf(field, sizeof(field), "%s.containers[%zu].name", base, i);
            add(inv, "FieldValueRequired", field, "Required value");
        }
        if (!sim_json_str(c, "image") || !*sim_json_str(c, "image")) {
            snprintf(field, sizeof(field), "%s.containers[%zu].image", base, i);
            add(inv, "FieldValueRequired", field, "Required value");
        }
    }
}

static void check_workload(json_object *obj, struct sim_invalid *inv)
{
    json_object *sel = sim_json_path(obj, "spec.selector");
    json_object *tmpl = sim_json_path(obj, "spec.template");
    json_object *tlabels = sim_json_path(obj, "spec.template.metadata.labels");
    struct kube_selector *ks = NULL;
    struct os_error err = {0};
    char map[1024];

    if (!sel)
        add(inv, "FieldValueRequired", "spec.selector", "Required value");
    else if (kube_selector_from_json(sel, &ks, &err) < 0)
        add(inv, "FieldValueInvalid", "spec.selector", "Invalid value: %s", err.message);
    else if (kube_selector_is_empty(ks))
        add(inv, "FieldValueInvalid", "spec.selector", "Invalid value: \"\": empty selector is invalid for deployment");
    if (!tmpl) {
        add(inv, "FieldValueRequired", "spec.template", "Required value");
    } else {
        if (!ks || !kube_selector_matches(ks, tlabels)) {
            go_map(tlabels, map, sizeof(map));
            add(inv, "FieldValueInvalid", "spec.template.metadata.labels",
                "Invalid value: %s: `selector` does not match template `labels`", map);
        }
        check_labels(tlabels, "spec.template.metadata.labels", inv);
        check_containers(sim_json_path(tmpl, "spec"), "spec.template.spec", inv);
    }
    kube_selector_free(ks);
}

#define PERCENT_MSG "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"

void sim_rolling_value(json_object *ru, const char *key, struct sim_intstr *v)
{
    json_object *x = NULL;
    memset(v, 0, sizeof(*v));
    v->set = 1;
    if (!ru || !json_object_object_get_ex(ru, key, &x) || !x) {
        v->is_str = 1;
        v->s = "25%";
    } else if (json_object_is_type(x, json_type_string)) {
        v->is_str = 1;
        v->s = json_object_get_string(x);
    } else {
        v->i = json_object_get_int64(x);
    }
}

/* ValidatePositiveIntOrPercent; returns the value (a percent's number). */
static int64_t check_int_or_percent(const struct sim_intstr *v, const char *field, struct sim_invalid *inv)
{
    char go[400];
    int64_t pct = 0;
    if (v->is_str) {
        if (sim_intstr_percent(v->s, &pct))
            return pct;
        sim_intstr_gostring(v, go, sizeof(go));
        add(inv, "FieldValueInvalid", field, "Invalid value: %s: %s", go, PERCENT_MSG);
        return 0;
    }
    if (v->i < 0)
        add(inv, "FieldValueInvalid", field, "Invalid value: %lld: must be greater than or equal to 0", (long long)v->i);
    return v->i;
}

static void check_nonnegative(json_object *obj, const char *path, struct sim_invalid *inv)
{
    json_object *x = sim_json_path(obj, path);
    if (x && json_object_is_type(x, json_type_int) && json_object_get_int64(x) < 0)
        add(inv, "FieldValueInvalid", path, "Invalid value: %lld: must be greater than or equal to 0",
            (long long)json_object_get_int64(x));
}

/* ValidateDeploymentStrategy (after SetDefaults_Deployment: no type is
 * RollingUpdate, whose missing rollingUpdate values are 25%), then
 * minReadySeconds and revisionHistoryLimit. */
static void check_deployment(json_object *obj, struct sim_invalid *inv)
{
    const char *type = sim_json_str(obj, "spec.strategy.type");
    json_object *ru = sim_json_path(obj, "spec.strategy.rollingUpdate");
    char go[400];
    if (!type || !*type)
        type = "RollingUpdate";
    if (!strcmp(type, "Recreate")) {
        if (ru)
            add(inv, "FieldValueForbidden", "spec.strategy.rollingUpdate",
                "Forbidden: may not be specified when strategy `type` is 'Recreate'");
    } else if (!strcmp(type, "RollingUpdate")) {
        struct sim_intstr ms, mu;
        int64_t pct;
        sim_rolling_value(ru, "maxSurge", &ms);
        sim_rolling_value(ru, "maxUnavailable", &mu);
        int64_t u = check_int_or_percent(&mu, "spec.strategy.rollingUpdate.maxUnavailable", inv);
        int64_t s = check_int_or_percent(&ms, "spec.strategy.rollingUpdate.maxSurge", inv);
        sim_intstr_gostring(&mu, go, sizeof(go));
        if (u == 0 && s == 0)
            add(inv, "FieldValueInvalid", "spec.strategy.rollingUpdate.maxUnavailable",
                "Invalid value: %s: may not be 0 when `maxSurge` is 0", go);
        if (mu.is_str && sim_intstr_percent(mu.s, &pct) && pct > 100)
            add(inv, "FieldValueInvalid", "spec.strategy.rollingUpdate.maxUnavailable",
                "Invalid value: %s: must not be greater than 100%%", go);
    } else {
        /* field.NotSupported of the internal DeploymentStrategy (%#v). */
        char q[300];
        size_t p = 0;
        q[p++] = '"';
        for (const char *c = type; *c && p + 3 < sizeof(q); c++) {
            if (*c == '"' || *c == '\\')
                q[p++] = '\\';
            q[p++] = *c;
        }
        q[p++] = '"';
        q[p] = '\0';
        add(inv, "FieldValueNotSupported", "spec.strategy",
            "Unsupported value: apps.DeploymentStrategy{Type:%s, RollingUpdate:(*apps.RollingUpdateDeployment)(%s)}: "
            "supported values: \"Recreate\", \"RollingUpdate\"", q, ru ? "0xc000a1b2c0" : "nil");
    }
    check_nonnegative(obj, "spec.minReadySeconds", inv);
    check_nonnegative(obj, "spec.revisionHistoryLimit", inv);
}

static void check_service(json_object *obj, struct sim_invalid *inv)
{
    const char *type = sim_json_str(obj, "spec.type");
    const char *cip = sim_json_str(obj, "spec.clusterIP");
    json_object *ports = sim_json_path(obj, "spec.ports");
    int headless = cip && !strcmp(cip, "None");
    if (type && !strcmp(type, "ExternalName"))
        return;
    if (!headless && (!ports || !json_object_is_type(ports, json_type_array) ||
                      json_object_array_length(ports) == 0))
        add(inv, "FieldValueRequired", "spec.ports", "Required value");
}

void sim_validate(const struct kube_resource *res, json_object *obj, struct sim_invalid *inv)
{
    const char *name = sim_json_str(obj, "metadata.name");
    const char *gen = sim_json_str(obj, "metadata.generateName");

    if (!name || !*name) {
        if (!gen || !*gen)
            add(inv, "FieldValueRequired", "metadata.name", "Required value: name or generateName is required");
    } else {
        check_name(res, name, inv);
    }
    check_labels(sim_json_path(obj, "metadata.labels"), "metadata.labels", inv);
    if (!strcmp(res->kind, "Deployment") || !strcmp(res->kind, "StatefulSet") ||
        !strcmp(res->kind, "ReplicaSet")) {
        check_workload(obj, inv);
        if (!strcmp(res->kind, "Deployment"))
            check_deployment(obj, inv);
    }
    else if (!strcmp(res->kind, "Pod"))
        check_containers(sim_json_path(obj, "spec"), "spec", inv);
    else if (!strcmp(res->kind, "Service"))
        check_service(obj, inv);
    else
        sim_validate_kind(res, obj, inv);   /* validate_kinds.c */
}

void sim_validate_update(const struct kube_resource *res, json_object *obj, json_object *old,
                         struct sim_invalid *inv)
{
    sim_validate(res, obj, inv);
    sim_validate_kind_update(res, obj, old, inv);
}

int sim_has_status(const struct kube_resource *res)
{
    static const char *with[] = {"namespaces", "nodes", "pods", "services", "persistentvolumeclaims",
                                 "resourcequotas", "deployments", "replicasets", "statefulsets", "jobs", "cronjobs",
                                 "ingresses"};
    if (res->read_only || !strcmp(res->group, "traefik.io"))
        return 0;
    for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
        if (!strcmp(res->plural, with[i]))
            return 1;
    return 0;
}

int sim_kind_has_generation(const struct kube_resource *res)
{
    static const char *with[] = {"Deployment", "ReplicaSet", "StatefulSet", "Job", "CronJob", "Ingress",
                                 "NetworkPolicy", "IngressRoute", "IngressClass", "Pod"};
    for (size_t i = 0; i < sizeof(with) / sizeof(with[0]); i++)
        if (!strcmp(res->kind, with[i]))
            return 1;
    return 0;
}

/* ---- unknown fields ---- */

struct kind_fields {
    const char *kind;
    const char *top;     /* besides apiVersion, kind, metadata */
    const char *spec;    /* NULL: spec not checked */
};

static const struct kind_fields fields[] = {
    {"Namespace", "spec,status", "finalizers"},
    {"Node", "spec,status", "podCIDR,podCIDRs,providerID,unschedulable,taints,configSource,externalID"},
    {"Pod", "spec,status", "volumes,initContainers,containers,ephemeralContainers,restartPolicy,terminationGracePeriodSeconds,activeDeadlineSeconds,dnsPolicy,nodeSelector,serviceAccountName,serviceAccount,automountServiceAccountToken,nodeName,hostNetwork,hostPID,hostIPC,shareProcessNamespace,securityContext,imagePullSecrets,hostname,subdomain,affinity,schedulerName,tolerations,hostAliases,priorityClassName,priority,dnsConfig,readinessGates,runtimeClassName,enableServiceLinks,preemptionPolicy,overhead,topologySpreadConstraints,setHostnameAsFQDN,os,hostUsers,schedulingGates,resourceClaims,resources"},
    {"Service", "spec,status", "ports,selector,clusterIP,clusterIPs,type,externalIPs,sessionAffinity,loadBalancerIP,loadBalancerSourceRanges,externalName,externalTrafficPolicy,healthCheckNodePort,publishNotReadyAddresses,sessionAffinityConfig,ipFamilies,ipFamilyPolicy,allocateLoadBalancerNodePorts,loadBalancerClass,internalTrafficPolicy,trafficDistribution"},
    {"Secret", "data,stringData,type,immutable", NULL},
    {"ConfigMap", "data,binaryData,immutable", NULL},
    {"PersistentVolumeClaim", "spec,status", "accessModes,selector,resources,volumeName,storageClassName,volumeMode,dataSource,dataSourceRef,volumeAttributesClassName"},
    {"ResourceQuota", "spec,status", "hard,scopes,scopeSelector"},
    {"LimitRange", "spec", "limits"},
    {"ServiceAccount", "secrets,imagePullSecrets,automountServiceAccountToken", NULL},
    {"Event", "involvedObject,reason,message,source,firstTimestamp,lastTimestamp,count,type,eventTime,series,action,related,reportingComponent,reportingInstance", NULL},
    {"Deployment", "spec,status", "replicas,selector,template,strategy,minReadySeconds,revisionHistoryLimit,paused,progressDeadlineSeconds"},
    {"ReplicaSet", "spec,status", "replicas,minReadySeconds,selector,template"},
    {"StatefulSet", "spec,status", "replicas,selector,template,volumeClaimTemplates,serviceName,podManagementPolicy,updateStrategy,revisionHistoryLimit,minReadySeconds,persistentVolumeClaimRetentionPolicy,ordinals"},
    {"Job", "spec,status", "parallelism,completions,activeDeadlineSeconds,podFailurePolicy,successPolicy,backoffLimit,backoffLimitPerIndex,maxFailedIndexes,selector,manualSelector,template,ttlSecondsAfterFinished,completionMode,suspend,podReplacementPolicy,managedBy"},
    {"CronJob", "spec,status", "schedule,timeZone,startingDeadlineSeconds,concurrencyPolicy,suspend,jobTemplate,successfulJobsHistoryLimit,failedJobsHistoryLimit"},
    {"Ingress", "spec,status", "ingressClassName,defaultBackend,tls,rules"},
    {"IngressClass", "spec", "controller,parameters"},
    {"NetworkPolicy", "spec,status", "podSelector,ingress,egress,policyTypes"},
    {"StorageClass", "provisioner,parameters,reclaimPolicy,mountOptions,allowVolumeExpansion,volumeBindingMode,allowedTopologies", NULL},
    {"IngressRoute", "spec", "entryPoints,routes,tls,parentRefs"},
    {"ClusterRole", "rules,aggregationRule", NULL},
    {"Role", "rules", NULL},
    {"ClusterRoleBinding", "subjects,roleRef", NULL},
    {"RoleBinding", "subjects,roleRef", NULL},
    {"EndpointSlice", "addressType,endpoints,ports", NULL},
    {NULL, NULL, NULL},
};

static const char meta_fields[] = "name,generateName,namespace,selfLink,uid,resourceVersion,generation,creationTimestamp,deletionTimestamp,deletionGracePeriodSeconds,labels,annotations,ownerReferences,finalizers,managedFields";

static int in_csv(const char *csv, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = csv; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, name, n))
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

static void unknown_in(json_object *o, const char *allowed, const char *prefix,
                       char **names, size_t max, size_t *n)
{
    if (!o || !json_object_is_type(o, json_type_object))
        return;
    json_object_object_foreach(o, key, val) {
        (void)val;
        if (in_csv(allowed, key) || *n >= max)
            continue;
        char buf[600];
        snprintf(buf, sizeof(buf), "%s%s", prefix, key);
        if ((names[*n] = strdup(buf)))
            (*n)++;
    }
}

static const struct kind_fields *kind_fields_of(const struct kube_resource *res)
{
    for (const struct kind_fields *f = fields; f->kind; f++)
        if (!strcmp(f->kind, res->kind))
            return f;
    return NULL;
}

/* Delete the members of o not in allowed. */
static void prune_in(json_object *o, const char *allowed)
{
    char *del[64];
    size_t n = 0;
    if (!o || !json_object_is_type(o, json_type_object))
        return;
    json_object_object_foreach(o, key, val) {
        (void)val;
        if (!in_csv(allowed, key) && n < 64)
            del[n++] = strdup(key);
    }
    for (size_t i = 0; i < n; i++) {
        if (del[i])
            json_object_object_del(o, del[i]);
        free(del[i]);
    }
}

void sim_prune_unknown_fields(const struct kube_resource *res, json_object *obj)
{
    const struct kind_fields *kf = kind_fields_of(res);
    char top[1024];
    if (!kf)
        return;
    snprintf(top, sizeof(top), "apiVersion,kind,metadata,%s", kf->top);
    prune_in(obj, top);
    prune_in(sim_json_path(obj, "metadata"), meta_fields);
    if (kf->spec)
        prune_in(sim_json_path(obj, "spec"), kf->spec);
}

size_t sim_unknown_fields(const struct kube_resource *res, json_object *obj, char **names, size_t max)
{
    const struct kind_fields *kf = kind_fields_of(res);
    char top[1024];
    size_t n = 0;

    if (!kf)
        return 0;
    snprintf(top, sizeof(top), "apiVersion,kind,metadata,%s", kf->top);
    unknown_in(obj, top, "", names, max, &n);
    unknown_in(sim_json_path(obj, "metadata"), meta_fields, "metadata.", names, max, &n);
    if (kf->spec)
        unknown_in(sim_json_path(obj, "spec"), kf->spec, "spec.", names, max, &n);
    return n;
}
