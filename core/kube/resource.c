/*
 * resource.c - the table of known resources and the REST paths it implies.
 *
 * Paths follow K8S-CONTRACT.md section 1.1: /api/v1/... for the core group,
 * /apis/GROUP/VERSION/... for named groups, namespaces/NS/ inserted for
 * namespaced resources.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "resource.h"

#define RW "create,delete,deletecollection,get,list,patch,update,watch"
#define RO "get,list"

static const struct kube_resource table[] = {
    /* core/v1 */
    {"", "v1", "Namespace", "namespaces", "namespace", "ns", 0, 0, "create,delete,get,list,patch,update,watch"},
    {"", "v1", "Node", "nodes", "node", "no", 0, 0, RW},
    {"", "v1", "Pod", "pods", "pod", "po", 1, 0, RW},
    {"", "v1", "Service", "services", "service", "svc", 1, 0, "create,delete,get,list,patch,update,watch"},
    {"", "v1", "Secret", "secrets", "secret", "", 1, 0, RW},
    {"", "v1", "ConfigMap", "configmaps", "configmap", "cm", 1, 0, RW},
    {"", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", "pvc", 1, 0, RW},
    {"", "v1", "ResourceQuota", "resourcequotas", "resourcequota", "quota", 1, 0, RW},
    {"", "v1", "LimitRange", "limitranges", "limitrange", "limits", 1, 0, RW},
    {"", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", "sa", 1, 0, RW},
    {"", "v1", "Event", "events", "event", "ev", 1, 0, RW},
    /* apps/v1 */
    {"apps", "v1", "Deployment", "deployments", "deployment", "deploy", 1, 0, RW},
    {"apps", "v1", "StatefulSet", "statefulsets", "statefulset", "sts", 1, 0, RW},
    {"apps", "v1", "ReplicaSet", "replicasets", "replicaset", "rs", 1, 0, RW},
    /* batch/v1 */
    {"batch", "v1", "Job", "jobs", "job", "", 1, 0, RW},
    {"batch", "v1", "CronJob", "cronjobs", "cronjob", "cj", 1, 0, RW},
    /* networking.k8s.io/v1 */
    {"networking.k8s.io", "v1", "Ingress", "ingresses", "ingress", "ing", 1, 0, RW},
    {"networking.k8s.io", "v1", "IngressClass", "ingressclasses", "ingressclass", "", 0, 0, RW},
    {"networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "networkpolicy", "netpol", 1, 0, RW},
    /* rbac.authorization.k8s.io/v1 */
    {"rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", "", 0, 0, RW},
    {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", "", 0, 0, RW},
    {"rbac.authorization.k8s.io", "v1", "Role", "roles", "role", "", 1, 0, RW},
    {"rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", "", 1, 0, RW},
    /* discovery.k8s.io/v1 */
    {"discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", "", 1, 0, RW},
    /* storage.k8s.io/v1 */
    {"storage.k8s.io", "v1", "StorageClass", "storageclasses", "storageclass", "sc", 0, 0, RW},
    /* traefik.io/v1alpha1 (CRD) */
    {"traefik.io", "v1alpha1", "IngressRoute", "ingressroutes", "ingressroute", "", 1, 0, RW},
    /* metrics.k8s.io/v1beta1 (aggregated, read-only) */
    {"metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", "", "", 0, 1, RO},
    {"metrics.k8s.io", "v1beta1", "PodMetrics", "pods", "", "", 1, 1, RO},
    {NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL},
};

const struct kube_resource *kube_resources(void)
{
    return table;
}

/* Split "apps/v1" into group and version; "v1" is the core group. */
static void split_api_version(const char *api_version, char *group, size_t glen,
                              const char **version)
{
    const char *slash = strchr(api_version, '/');
    if (!slash) {
        group[0] = '\0';
        *version = api_version;
        return;
    }
    snprintf(group, glen, "%.*s", (int)(slash - api_version), api_version);
    *version = slash + 1;
}

const struct kube_resource *kube_resource_by_kind(const char *api_version,
                                                  const char *kind)
{
    char group[128];
    const char *version;

    if (!api_version || !kind)
        return NULL;
    split_api_version(api_version, group, sizeof(group), &version);
    for (const struct kube_resource *r = table; r->kind; r++)
        if (!strcmp(r->kind, kind) && !strcmp(r->group, group) &&
            !strcmp(r->version, version))
            return r;
    return NULL;
}

const struct kube_resource *kube_resource_by_plural(const char *group,
                                                    const char *version,
                                                    const char *plural)
{
    for (const struct kube_resource *r = table; r->kind; r++)
        if (!strcmp(r->plural, plural) && !strcmp(r->group, group) &&
            !strcmp(r->version, version))
            return r;
    return NULL;
}

size_t kube_resource_api_version(const struct kube_resource *r, char *buf, size_t len)
{
    int n = r->group[0] ? snprintf(buf, len, "%s/%s", r->group, r->version)
                        : snprintf(buf, len, "%s", r->version);
    return n < 0 ? 0 : (size_t)n;
}

size_t kube_resource_qualified(const struct kube_resource *r, char *buf, size_t len)
{
    int n = r->group[0] ? snprintf(buf, len, "%s.%s", r->plural, r->group)
                        : snprintf(buf, len, "%s", r->plural);
    return n < 0 ? 0 : (size_t)n;
}

size_t kube_url_escape(const char *s, char *buf, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0, written = 0;
    int full = 0;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
        size_t need = keep ? 1 : 3;
        /* Never write half an escape: stop at the first piece that does not fit. */
        if (!full && written + need < len) {
            if (keep) {
                buf[written] = (char)c;
            } else {
                buf[written] = '%';
                buf[written + 1] = hex[c >> 4];
                buf[written + 2] = hex[c & 15];
            }
            written += need;
        } else {
            full = 1;
        }
        n += need;
    }
    if (len)
        buf[written] = '\0';
    return n;
}

/* Append text to buf at *pos; escaped when esc.  Returns 0 or -1 on overflow. */
static int put(char *buf, size_t len, size_t *pos, const char *text, int esc)
{
    size_t need = esc ? kube_url_escape(text, buf + *pos, len - *pos)
                      : (size_t)snprintf(buf + *pos, len - *pos, "%s", text);
    if (*pos + need >= len)
        return -1;
    *pos += need;
    return 0;
}

int kube_resource_path(const struct kube_resource *r, const char *namespace,
                       const char *name, const char *subresource,
                       char *buf, size_t len, struct os_error *err)
{
    size_t pos = 0;
    int bad = 0;

    if (namespace && !*namespace)
        namespace = NULL;
    if (r->namespaced && name && !namespace)
        return os_error_set(err, OS_ERR_INVALID, "%s \"%s\" needs a namespace", r->kind, name);
    if (!r->namespaced && namespace)
        return os_error_set(err, OS_ERR_INVALID, "%s is cluster-scoped and takes no namespace", r->kind);
    if (subresource && !name)
        return os_error_set(err, OS_ERR_INVALID, "subresource %s needs an object name", subresource);

    if (len)
        buf[0] = '\0';
    if (r->group[0]) {
        bad |= put(buf, len, &pos, "/apis/", 0) | put(buf, len, &pos, r->group, 0) |
               put(buf, len, &pos, "/", 0) | put(buf, len, &pos, r->version, 0);
    } else {
        bad |= put(buf, len, &pos, "/api/", 0) | put(buf, len, &pos, r->version, 0);
    }
    if (namespace)
        bad |= put(buf, len, &pos, "/namespaces/", 0) | put(buf, len, &pos, namespace, 1);
    bad |= put(buf, len, &pos, "/", 0) | put(buf, len, &pos, r->plural, 0);
    if (name)
        bad |= put(buf, len, &pos, "/", 0) | put(buf, len, &pos, name, 1);
    if (subresource)
        bad |= put(buf, len, &pos, "/", 0) | put(buf, len, &pos, subresource, 0);
    if (bad)
        return os_error_set(err, OS_ERR_LIMIT, "path for %s \"%s\" is too long", r->kind,
                            name ? name : "");
    return 0;
}
