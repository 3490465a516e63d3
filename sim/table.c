/*
 * table.c - meta.k8s.io/v1 Table responses, which kubectl asks for with
 * "Accept: application/json;as=Table;v=v1;g=meta.k8s.io" on get.
 *
 * Each kind has a column list (name, type, priority: priority 1 columns are
 * the extra ones of -o wide) and a row function that formats the cells the
 * way kube-apiserver's printers do (READY "1/1", AGE "5m", "<none>").  Kinds
 * without a list get NAME and AGE, which is what a CRD without
 * additionalPrinterColumns shows.  Each row carries the object as
 * PartialObjectMetadata (includeObject=Metadata, the default), the whole
 * object (Object) or nothing (None); kubectl reads the namespace of -A
 * output from it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct column {
    const char *name;
    const char *type;
    int priority;
};

typedef void (*row_fn)(json_object *obj, json_object *cells, int64_t now);

static void cell(json_object *cells, const char *s)
{
    json_object_array_add(cells, json_object_new_string(s && *s ? s : "<none>"));
}

static void cells_add_raw(json_object *cells, const char *s)
{
    json_object_array_add(cells, json_object_new_string(s ? s : ""));
}

static void cell_int(json_object *cells, int64_t v)
{
    json_object_array_add(cells, json_object_new_int64(v));
}

static int64_t num(json_object *o, const char *path)
{
    json_object *v = sim_json_path(o, path);
    return v ? json_object_get_int64(v) : 0;
}

static void cell_age(json_object *cells, json_object *obj, int64_t now)
{
    char buf[32];
    int64_t t = sim_parse_time(sim_json_str(obj, "metadata.creationTimestamp"));
    if (t < 0) {
        cell(cells, "<unknown>");
        return;
    }
    sim_human_duration(now - t, buf, sizeof(buf));
    cell(cells, buf);
}

static void cell_name(json_object *cells, json_object *obj)
{
    cell(cells, sim_json_str(obj, "metadata.name"));
}

/* Join a string member of each array element ("image" of containers). */
static void cell_join(json_object *cells, json_object *arr, const char *member)
{
    char buf[1024] = "";
    size_t pos = 0, n = arr && json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n && pos < sizeof(buf); i++) {
        const char *v = sim_json_str(json_object_array_get_idx(arr, i), member);
        pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s", i ? "," : "", v ? v : "");
    }
    cell(cells, buf);
}

static void row_default(json_object *obj, json_object *cells, int64_t now)
{
    cell_name(cells, obj);
    cell_age(cells, obj, now);
}

static void row_namespace(json_object *obj, json_object *cells, int64_t now)
{
    cell_name(cells, obj);
    cell(cells, sim_json_str(obj, "status.phase"));
    cell_age(cells, obj, now);
}

/* Init containers as kubectl's printer shows them: "Init:REASON" for a
 * waiting one, "Init:N/M" while they run; NULL when all completed. */
static const char *init_status(json_object *obj, char *buf, size_t len)
{
    json_object *is = sim_json_path(obj, "status.initContainerStatuses");
    size_t n = is && json_object_is_type(is, json_type_array) ? json_object_array_length(is) : 0;
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(is, i);
        const char *w = sim_json_str(c, "state.waiting.reason");
        const char *t = sim_json_str(c, "state.terminated.reason");
        if (t && num(c, "state.terminated.exitCode") == 0) {
            done++;
            continue;
        }
        if (w && strcmp(w, "PodInitializing")) {
            snprintf(buf, len, "Init:%s", w);
            return buf;
        }
        if (t) {
            snprintf(buf, len, "Init:%s", t);
            return buf;
        }
        snprintf(buf, len, "Init:%zu/%zu", done, n);
        return buf;
    }
    return NULL;
}

static const char *pod_status(json_object *obj, char *ibuf, size_t ilen)
{
    json_object *cs = sim_json_path(obj, "status.containerStatuses");
    size_t n = cs && json_object_is_type(cs, json_type_array) ? json_object_array_length(cs) : 0;
    if (sim_json_path(obj, "metadata.deletionTimestamp"))
        return "Terminating";
    const char *init = init_status(obj, ibuf, ilen);
    if (init)
        return init;
    for (size_t i = 0; i < n; i++) {
        const char *w = sim_json_str(json_object_array_get_idx(cs, i), "state.waiting.reason");
        const char *t = sim_json_str(json_object_array_get_idx(cs, i), "state.terminated.reason");
        if (w)
            return w;
        if (t)
            return t;
    }
    const char *reason = sim_json_str(obj, "status.reason");
    return reason ? reason : sim_json_str(obj, "status.phase");
}

static void row_pod(json_object *obj, json_object *cells, int64_t now)
{
    json_object *cs = sim_json_path(obj, "status.containerStatuses");
    json_object *spec_cs = sim_json_path(obj, "spec.containers");
    size_t n = cs && json_object_is_type(cs, json_type_array) ? json_object_array_length(cs) : 0;
    size_t total = spec_cs && json_object_is_type(spec_cs, json_type_array) ? json_object_array_length(spec_cs) : 0;
    int ready = 0;
    int64_t restarts = 0;
    char buf[64];

    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cs, i);
        json_object *r = sim_json_path(c, "ready");
        ready += r && json_object_get_boolean(r);
        restarts += num(c, "restartCount");
    }
    cell_name(cells, obj);
    snprintf(buf, sizeof(buf), "%d/%zu", ready, total);
    cell(cells, buf);
    char sbuf[128];
    cell(cells, pod_status(obj, sbuf, sizeof(sbuf)));
    snprintf(buf, sizeof(buf), "%lld", (long long)restarts);
    cell(cells, buf);
    cell_age(cells, obj, now);
    cell(cells, sim_json_str(obj, "status.podIP"));
    cell(cells, sim_json_str(obj, "spec.nodeName"));
    cell(cells, sim_json_str(obj, "status.nominatedNodeName"));
    cell(cells, NULL);
}

static const char *node_address(json_object *obj, const char *type)
{
    json_object *a = sim_json_path(obj, "status.addresses");
    size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *t = sim_json_str(json_object_array_get_idx(a, i), "type");
        if (t && !strcmp(t, type))
            return sim_json_str(json_object_array_get_idx(a, i), "address");
    }
    return NULL;
}

static void row_node(json_object *obj, json_object *cells, int64_t now)
{
    json_object *conds = sim_json_path(obj, "status.conditions");
    size_t n = conds && json_object_is_type(conds, json_type_array) ? json_object_array_length(conds) : 0;
    const char *st = "Unknown";
    char buf[128], roles[256] = "";
    size_t rpos = 0;

    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(conds, i);
        const char *t = sim_json_str(c, "type"), *s = sim_json_str(c, "status");
        if (t && !strcmp(t, "Ready"))
            st = s && !strcmp(s, "True") ? "Ready" : s && !strcmp(s, "False") ? "NotReady" : "Unknown";
    }
    json_object *u = sim_json_path(obj, "spec.unschedulable");
    snprintf(buf, sizeof(buf), "%s%s", st, u && json_object_get_boolean(u) ? ",SchedulingDisabled" : "");
    json_object *labels = sim_json_path(obj, "metadata.labels");
    if (labels && json_object_is_type(labels, json_type_object)) {
        json_object_object_foreach(labels, key, val) {
            (void)val;
            if (!strncmp(key, "node-role.kubernetes.io/", 24) && rpos < sizeof(roles))
                rpos += (size_t)snprintf(roles + rpos, sizeof(roles) - rpos, "%s%s", rpos ? "," : "", key + 24);
        }
    }
    cell_name(cells, obj);
    cell(cells, buf);
    cell(cells, roles);
    cell_age(cells, obj, now);
    cell(cells, sim_json_str(obj, "status.nodeInfo.kubeletVersion"));
    cell(cells, node_address(obj, "InternalIP"));
    cell(cells, node_address(obj, "ExternalIP"));
    cell(cells, sim_json_str(obj, "status.nodeInfo.osImage"));
    cell(cells, sim_json_str(obj, "status.nodeInfo.kernelVersion"));
    cell(cells, sim_json_str(obj, "status.nodeInfo.containerRuntimeVersion"));
}

static void selector_text(json_object *sel, char *buf, size_t len)
{
    size_t pos = 0;
    buf[0] = '\0';
    json_object *ml = sim_json_path(sel, "matchLabels");
    if (ml && json_object_is_type(ml, json_type_object)) {
        json_object_object_foreach(ml, key, val) {
            if (pos < len)
                pos += (size_t)snprintf(buf + pos, len - pos, "%s%s=%s", pos ? "," : "", key,
                                        json_object_get_string(val));
        }
    } else if (sel && json_object_is_type(sel, json_type_object) && !ml) {
        json_object_object_foreach(sel, key, val) {   /* Service selectors */
            if (pos < len)
                pos += (size_t)snprintf(buf + pos, len - pos, "%s%s=%s", pos ? "," : "", key,
                                        json_object_get_string(val));
        }
    }
}

static void row_deployment(json_object *obj, json_object *cells, int64_t now)
{
    char buf[1024];
    cell_name(cells, obj);
    snprintf(buf, sizeof(buf), "%lld/%lld", (long long)num(obj, "status.readyReplicas"),
             (long long)num(obj, "spec.replicas"));
    cell(cells, buf);
    cell_int(cells, num(obj, "status.updatedReplicas"));
    cell_int(cells, num(obj, "status.availableReplicas"));
    cell_age(cells, obj, now);
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "name");
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "image");
    selector_text(sim_json_path(obj, "spec.selector"), buf, sizeof(buf));
    cell(cells, buf);
}

static void row_replicaset(json_object *obj, json_object *cells, int64_t now)
{
    char buf[1024];
    cell_name(cells, obj);
    cell_int(cells, num(obj, "spec.replicas"));
    cell_int(cells, num(obj, "status.replicas"));
    cell_int(cells, num(obj, "status.readyReplicas"));
    cell_age(cells, obj, now);
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "name");
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "image");
    selector_text(sim_json_path(obj, "spec.selector"), buf, sizeof(buf));
    cell(cells, buf);
}

static void row_statefulset(json_object *obj, json_object *cells, int64_t now)
{
    char buf[64];
    cell_name(cells, obj);
    snprintf(buf, sizeof(buf), "%lld/%lld", (long long)num(obj, "status.readyReplicas"),
             (long long)num(obj, "spec.replicas"));
    cell(cells, buf);
    cell_age(cells, obj, now);
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "name");
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "image");
}

static void row_service(json_object *obj, json_object *cells, int64_t now)
{
    char ports[512] = "", ext[256] = "", sel[512];
    size_t pos = 0;
    const char *type = sim_json_str(obj, "spec.type");
    json_object *p = sim_json_path(obj, "spec.ports");
    size_t n = p && json_object_is_type(p, json_type_array) ? json_object_array_length(p) : 0;

    for (size_t i = 0; i < n && pos < sizeof(ports); i++) {
        json_object *e = json_object_array_get_idx(p, i);
        const char *proto = sim_json_str(e, "protocol");
        if (num(e, "nodePort"))
            pos += (size_t)snprintf(ports + pos, sizeof(ports) - pos, "%s%lld:%lld/%s", i ? "," : "",
                                    (long long)num(e, "port"), (long long)num(e, "nodePort"), proto ? proto : "TCP");
        else
            pos += (size_t)snprintf(ports + pos, sizeof(ports) - pos, "%s%lld/%s", i ? "," : "",
                                    (long long)num(e, "port"), proto ? proto : "TCP");
    }
    if (type && !strcmp(type, "LoadBalancer")) {
        json_object *ing = sim_json_path(obj, "status.loadBalancer.ingress");
        const char *ip = ing && json_object_is_type(ing, json_type_array) && json_object_array_length(ing)
                             ? sim_json_str(json_object_array_get_idx(ing, 0), "ip") : NULL;
        snprintf(ext, sizeof(ext), "%s", ip ? ip : "<pending>");
    }
    cell_name(cells, obj);
    cell(cells, type);
    cell(cells, sim_json_str(obj, "spec.clusterIP"));
    cell(cells, ext);
    cell(cells, ports);
    cell_age(cells, obj, now);
    selector_text(sim_json_path(obj, "spec.selector"), sel, sizeof(sel));
    cell(cells, sel);
}

static void access_modes(json_object *modes, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; modes && i < json_object_array_length(modes) && at < len - 8; i++) {
        const char *m = json_object_get_string(json_object_array_get_idx(modes, i));
        const char *a = !strcmp(m, "ReadWriteOnce") ? "RWO" : !strcmp(m, "ReadOnlyMany") ? "ROX"
                      : !strcmp(m, "ReadWriteMany") ? "RWX" : !strcmp(m, "ReadWriteOncePod") ? "RWOP" : m;
        at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "", a);
    }
}

static void row_pvc(json_object *obj, json_object *cells, int64_t now)
{
    char modes[64];
    cell_name(cells, obj);
    cell(cells, sim_json_str(obj, "status.phase"));
    const char *vol = sim_json_str(obj, "spec.volumeName");
    cells_add_raw(cells, vol ? vol : "");
    const char *cap = sim_json_str(obj, "status.capacity.storage");
    cells_add_raw(cells, cap ? cap : "");
    access_modes(sim_json_path(obj, "status.accessModes"), modes, sizeof(modes));
    cells_add_raw(cells, modes);
    cell(cells, sim_json_str(obj, "spec.storageClassName"));
    cell(cells, sim_json_str(obj, "spec.volumeAttributesClassName"));
    cell_age(cells, obj, now);
    cell(cells, sim_json_str(obj, "spec.volumeMode"));
}

static void row_job(json_object *obj, json_object *cells, int64_t now)
{
    char buf[64];
    const char *status = "Running";
    json_object *conds = sim_json_path(obj, "status.conditions");
    for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
        json_object *c = json_object_array_get_idx(conds, i);
        const char *t = sim_json_str(c, "type"), *st = sim_json_str(c, "status");
        if (t && st && !strcmp(st, "True") && (!strcmp(t, "Complete") || !strcmp(t, "Failed")))
            status = t;
    }
    if (sim_json_path(obj, "spec.suspend") && json_object_get_boolean(sim_json_path(obj, "spec.suspend")))
        status = "Suspended";
    cell_name(cells, obj);
    cell(cells, status);
    int64_t comp = sim_json_path(obj, "spec.completions") ? num(obj, "spec.completions") : 1;
    snprintf(buf, sizeof(buf), "%lld/%lld", (long long)num(obj, "status.succeeded"), (long long)comp);
    cell(cells, buf);
    int64_t start = sim_parse_time(sim_json_str(obj, "status.startTime"));
    int64_t end = sim_parse_time(sim_json_str(obj, "status.completionTime"));
    if (start >= 0) {
        sim_human_duration((end >= 0 ? end : now) - start, buf, sizeof(buf));
        cell(cells, buf);
    } else {
        cells_add_raw(cells, "");
    }
    cell_age(cells, obj, now);
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "name");
    cell_join(cells, sim_json_path(obj, "spec.template.spec.containers"), "image");
    char sel[512];
    selector_text(sim_json_path(obj, "spec.selector"), sel, sizeof(sel));
    cell(cells, sel);
}

static void row_event(json_object *obj, json_object *cells, int64_t now)
{
    char buf[320];
    int64_t last = sim_parse_time(sim_json_str(obj, "lastTimestamp"));
    if (last >= 0) {
        sim_human_duration(now - last, buf, sizeof(buf));
        cell(cells, buf);
    } else {
        cell(cells, "<unknown>");
    }
    cell(cells, sim_json_str(obj, "type"));
    cell(cells, sim_json_str(obj, "reason"));
    const char *k = sim_json_str(obj, "involvedObject.kind"), *n = sim_json_str(obj, "involvedObject.name");
    char lower[64];
    size_t i = 0;
    for (; k && k[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)(k[i] >= 'A' && k[i] <= 'Z' ? k[i] + 32 : k[i]);
    lower[i] = '\0';
    snprintf(buf, sizeof(buf), "%s/%s", lower, n ? n : "");
    cell(cells, buf);
    cell(cells, sim_json_str(obj, "message"));
    cell(cells, sim_json_str(obj, "involvedObject.fieldPath"));
    cell(cells, sim_json_str(obj, "source.component"));
    int64_t first = sim_parse_time(sim_json_str(obj, "firstTimestamp"));
    if (first >= 0) {
        sim_human_duration(now - first, buf, sizeof(buf));
        cell(cells, buf);
    } else {
        cell(cells, "<unknown>");
    }
    cell_int(cells, num(obj, "count"));
    cell_name(cells, obj);
}

/* kubectl's listWithMoreString: the first 3 of list, "+ N more...". */
static void cell_list3(json_object *cells, const char **v, size_t n)
{
    char buf[768] = "";
    size_t pos = 0;
    for (size_t i = 0; i < n && i < 3 && pos < sizeof(buf); i++)
        pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s", i ? "," : "", v[i]);
    if (n > 3 && pos < sizeof(buf))
        snprintf(buf + pos, sizeof(buf) - pos, " + %zu more...", n - 3);
    cell(cells, n ? buf : "<unset>");
}

static void row_endpointslice(json_object *obj, json_object *cells, int64_t now)
{
    const char *v[4];
    char nums[4][24];
    size_t n = 0;
    json_object *ports = sim_json_path(obj, "ports"), *eps = sim_json_path(obj, "endpoints");
    size_t np = ports && json_object_is_type(ports, json_type_array) ? json_object_array_length(ports) : 0;
    size_t ne = eps && json_object_is_type(eps, json_type_array) ? json_object_array_length(eps) : 0;

    cell_name(cells, obj);
    cell(cells, sim_json_str(obj, "addressType"));
    for (size_t i = 0; i < np && n < 4; i++) {
        json_object *p = json_object_array_get_idx(ports, i);
        snprintf(nums[n], sizeof(nums[n]), "%lld", (long long)num(p, "port"));
        v[n] = sim_json_path(p, "port") ? nums[n] : "*";
        n++;
    }
    cell_list3(cells, v, np);
    size_t total = 0;
    n = 0;
    for (size_t i = 0; i < ne; i++) {
        json_object *a = sim_json_path(json_object_array_get_idx(eps, i), "addresses");
        size_t na = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
        for (size_t j = 0; j < na; j++, total++)
            if (n < 4)
                v[n++] = json_object_get_string(json_object_array_get_idx(a, j));
    }
    cell_list3(cells, v, total);
    cell_age(cells, obj, now);
}

static void row_binding(json_object *obj, json_object *cells, int64_t now)
{
    char role[600];
    snprintf(role, sizeof(role), "%s/%s", sim_json_str(obj, "roleRef.kind") ? sim_json_str(obj, "roleRef.kind") : "",
             sim_json_str(obj, "roleRef.name") ? sim_json_str(obj, "roleRef.name") : "");
    cell_name(cells, obj);
    cell(cells, role);
    cell_age(cells, obj, now);
}

static void row_role(json_object *obj, json_object *cells, int64_t now)
{
    (void)now;
    cell_name(cells, obj);
    cell(cells, sim_json_str(obj, "metadata.creationTimestamp"));
}

struct kind_table {
    const char *kind;
    const struct column *cols;
    row_fn row;
};

static const struct column cols_default[] = {{"Name", "string", 0}, {"Age", "string", 0}, {NULL, NULL, 0}};
static const struct column cols_ns[] = {{"Name", "string", 0}, {"Status", "string", 0}, {"Age", "string", 0}, {NULL, NULL, 0}};
static const struct column cols_pod[] = {
    {"Name", "string", 0}, {"Ready", "string", 0}, {"Status", "string", 0}, {"Restarts", "string", 0},
    {"Age", "string", 0}, {"IP", "string", 1}, {"Node", "string", 1}, {"Nominated Node", "string", 1},
    {"Readiness Gates", "string", 1}, {NULL, NULL, 0}};
static const struct column cols_node[] = {
    {"Name", "string", 0}, {"Status", "string", 0}, {"Roles", "string", 0}, {"Age", "string", 0},
    {"Version", "string", 0}, {"Internal-IP", "string", 1}, {"External-IP", "string", 1},
    {"OS-Image", "string", 1}, {"Kernel-Version", "string", 1}, {"Container-Runtime", "string", 1},
    {NULL, NULL, 0}};
static const struct column cols_deploy[] = {
    {"Name", "string", 0}, {"Ready", "string", 0}, {"Up-to-date", "integer", 0}, {"Available", "integer", 0},
    {"Age", "string", 0}, {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1},
    {NULL, NULL, 0}};
static const struct column cols_rs[] = {
    {"Name", "string", 0}, {"Desired", "integer", 0}, {"Current", "integer", 0}, {"Ready", "integer", 0},
    {"Age", "string", 0}, {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1},
    {NULL, NULL, 0}};
static const struct column cols_sts[] = {
    {"Name", "string", 0}, {"Ready", "string", 0}, {"Age", "string", 0}, {"Containers", "string", 1},
    {"Images", "string", 1}, {NULL, NULL, 0}};
static const struct column cols_svc[] = {
    {"Name", "string", 0}, {"Type", "string", 0}, {"Cluster-IP", "string", 0}, {"External-IP", "string", 0},
    {"Port(s)", "string", 0}, {"Age", "string", 0}, {"Selector", "string", 1}, {NULL, NULL, 0}};

static const struct column cols_pvc[] = {
    {"Name", "string", 0}, {"Status", "string", 0}, {"Volume", "string", 0}, {"Capacity", "string", 0},
    {"Access Modes", "string", 0}, {"StorageClass", "string", 0}, {"VolumeAttributesClass", "string", 0},
    {"Age", "string", 0}, {"VolumeMode", "string", 1}, {NULL, NULL, 0}};
static const struct column cols_job[] = {
    {"Name", "string", 0}, {"Status", "string", 0}, {"Completions", "string", 0}, {"Duration", "string", 0},
    {"Age", "string", 0}, {"Containers", "string", 1}, {"Images", "string", 1}, {"Selector", "string", 1},
    {NULL, NULL, 0}};
static const struct column cols_event[] = {
    {"Last Seen", "string", 0}, {"Type", "string", 0}, {"Reason", "string", 0}, {"Object", "string", 0},
    {"Message", "string", 0}, {"Subobject", "string", 1}, {"Source", "string", 1}, {"First Seen", "string", 1},
    {"Count", "integer", 1}, {"Name", "string", 1}, {NULL, NULL, 0}};

static const struct column cols_slice[] = {
    {"Name", "string", 0}, {"AddressType", "string", 0}, {"Ports", "string", 0}, {"Endpoints", "string", 0},
    {"Age", "string", 0}, {NULL, NULL, 0}};
static const struct column cols_binding[] = {{"Name", "string", 0}, {"Role", "string", 0}, {"Age", "string", 0}, {NULL, NULL, 0}};
static const struct column cols_role[] = {{"Name", "string", 0}, {"Created At", "date", 0}, {NULL, NULL, 0}};

static const struct kind_table tables[] = {
    {"EndpointSlice", cols_slice, row_endpointslice},
    {"ClusterRoleBinding", cols_binding, row_binding},
    {"RoleBinding", cols_binding, row_binding},
    {"ClusterRole", cols_role, row_role},
    {"Role", cols_role, row_role},
    {"Namespace", cols_ns, row_namespace},
    {"Pod", cols_pod, row_pod},
    {"Node", cols_node, row_node},
    {"Deployment", cols_deploy, row_deployment},
    {"ReplicaSet", cols_rs, row_replicaset},
    {"StatefulSet", cols_sts, row_statefulset},
    {"Service", cols_svc, row_service},
    {"PersistentVolumeClaim", cols_pvc, row_pvc},
    {"Job", cols_job, row_job},
    {"Event", cols_event, row_event},
    {NULL, cols_default, row_default},
};

/* The object of a row per includeObject: a new tree, or NULL for None. */
static json_object *row_object(const char *mode, json_object *obj)
{
    json_object *copy = NULL;
    if (mode && !strcmp(mode, "None"))
        return NULL;
    if (mode && !strcmp(mode, "Object")) {
        json_object_deep_copy(obj, &copy, NULL);
        return copy;
    }
    json_object *p = json_object_new_object();
    sim_json_set_str(p, "kind", "PartialObjectMetadata");
    sim_json_set_str(p, "apiVersion", "meta.k8s.io/v1");
    json_object_deep_copy(sim_json_path(obj, "metadata"), &copy, NULL);
    json_object_object_add(p, "metadata", copy ? copy : json_object_new_object());
    return p;
}

json_object *sim_table(const char *include_object, const struct kube_resource *res,
                       json_object **objs, size_t n, const char *rv, const char *cont)
{
    const struct kind_table *kt = tables;
    json_object *t = json_object_new_object(), *defs = json_object_new_array();
    json_object *rows = json_object_new_array(), *meta = json_object_new_object();
    int64_t now = sim_now_ms();

    while (kt->kind && strcmp(kt->kind, res->kind))
        kt++;
    sim_json_set_str(t, "kind", "Table");
    sim_json_set_str(t, "apiVersion", "meta.k8s.io/v1");
    sim_json_set_str(meta, "resourceVersion", rv);
    if (cont)
        sim_json_set_str(meta, "continue", cont);
    json_object_object_add(t, "metadata", meta);
    for (const struct column *c = kt->cols; c->name; c++) {
        json_object *d = json_object_new_object();
        sim_json_set_str(d, "name", c->name);
        sim_json_set_str(d, "type", c->type);
        sim_json_set_str(d, "format", c == kt->cols ? "name" : "");
        sim_json_set_str(d, "description", "");
        json_object_object_add(d, "priority", json_object_new_int(c->priority));
        json_object_array_add(defs, d);
    }
    json_object_object_add(t, "columnDefinitions", defs);
    for (size_t i = 0; i < n; i++) {
        json_object *row = json_object_new_object(), *cells = json_object_new_array();
        kt->row(objs[i], cells, now);
        json_object_object_add(row, "cells", cells);
        json_object *o = row_object(include_object, objs[i]);
        if (o)
            json_object_object_add(row, "object", o);
        json_object_array_add(rows, row);
    }
    json_object_object_add(t, "rows", rows);
    return t;
}
