/*
 * seed.c - the cluster the simulator starts with: a fresh MicroK8s after
 * "microk8s enable dns metrics-server hostpath-storage helm3" and a Helm
 * install of Traefik in namespace traefik.
 *
 * N nodes (sim-node-1..N) carry the MicroK8s kubelet labels (controlplane on
 * the first, worker on the others); namespaces default, kube-system,
 * kube-public, kube-node-lease and traefik; CoreDNS, metrics-server,
 * hostpath-provisioner, calico-kube-controllers and one calico-node per node
 * in kube-system (the Deployments with their ReplicaSets); the traefik
 * Deployment, ReplicaSet and LoadBalancer Service; the
 * microk8s-hostpath StorageClass and the traefik IngressClass.  Pods are
 * Running and Ready with IPs in 10.1.0.0/16.  Every random choice (uids,
 * pod name suffixes, node placement, pod IPs) comes from the --seed PRNG, so
 * two runs with the same seed list the same cluster.
 *
 * Seeding happens before the history ring is sealed: it makes no watch
 * events, and a watch from a version older than the seed gets 410.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controllers.h"
#include "sim.h"

struct seeder {
    struct sim *s;
    int64_t created_ms;      /* "cluster installed" time */
    char created[32];
    int next_pod_ip;
};

/* metadata with name, namespace, uid and creation time: a new tree. */
static json_object *meta(struct seeder *sd, const char *name, const char *ns)
{
    json_object *m = json_object_new_object();
    char uid[37];
    sim_json_set_str(m, "name", name);
    if (ns)
        sim_json_set_str(m, "namespace", ns);
    sim_uuid(sd->s, uid);
    sim_json_set_str(m, "uid", uid);
    sim_json_set_str(m, "creationTimestamp", sd->created);
    return m;
}

/* A new object (caller puts, or add() stores it). */
static json_object *object(struct seeder *sd, const char *av, const char *kind,
                           const char *name, const char *ns)
{
    json_object *o = json_object_new_object();
    sim_json_set_str(o, "apiVersion", av);
    sim_json_set_str(o, "kind", kind);
    json_object_object_add(o, "metadata", meta(sd, name, ns));
    return o;
}

static void add(struct seeder *sd, json_object *o)
{
    const struct kube_resource *r = kube_resource_by_kind(sim_json_str(o, "apiVersion"),
                                                          sim_json_str(o, "kind"));
    if (r)
        sim_store_add(sd->s, r, o);
    else
        json_object_put(o);
}

static void set_json(json_object *o, const char *key, const char *json)
{
    json_object_object_add(o, key, json_tokener_parse(json));
}

static void seed_node(struct seeder *sd, int i)
{
    char name[32], buf[2048], ip[32];
    snprintf(name, sizeof(name), "sim-node-%d", i);
    snprintf(ip, sizeof(ip), "10.0.0.%d", 10 + i);
    json_object *n = object(sd, "v1", "Node", name, NULL);
    json_object *m = sim_json_obj(n, "metadata");
    snprintf(buf, sizeof(buf),
             "{\"beta.kubernetes.io/arch\":\"amd64\",\"beta.kubernetes.io/os\":\"linux\","
             "\"kubernetes.io/arch\":\"amd64\",\"kubernetes.io/hostname\":\"%s\",\"kubernetes.io/os\":\"linux\","
             "\"microk8s.io/cluster\":\"true\",%s}",
             name, i == 1 ? "\"node.kubernetes.io/microk8s-controlplane\":\"microk8s-controlplane\""
                          : "\"node.kubernetes.io/microk8s-worker\":\"microk8s-worker\"");
    set_json(m, "labels", buf);
    set_json(m, "annotations", "{\"node.alpha.kubernetes.io/ttl\":\"0\",\"volumes.kubernetes.io/controller-managed-attach-detach\":\"true\"}");
    snprintf(buf, sizeof(buf), "{\"podCIDR\":\"10.1.%d.0/24\",\"podCIDRs\":[\"10.1.%d.0/24\"]}", i, i);
    set_json(n, "spec", buf);
    snprintf(buf, sizeof(buf),
             "{\"capacity\":{\"cpu\":\"4\",\"ephemeral-storage\":\"102624184Ki\",\"hugepages-2Mi\":\"0\",\"memory\":\"16318864Ki\",\"pods\":\"110\"},"
             "\"allocatable\":{\"cpu\":\"4\",\"ephemeral-storage\":\"93654326933\",\"hugepages-2Mi\":\"0\",\"memory\":\"16216464Ki\",\"pods\":\"110\"},"
             "\"conditions\":["
             "{\"type\":\"MemoryPressure\",\"status\":\"False\",\"reason\":\"KubeletHasSufficientMemory\",\"message\":\"kubelet has sufficient memory available\",\"lastHeartbeatTime\":\"%s\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"DiskPressure\",\"status\":\"False\",\"reason\":\"KubeletHasNoDiskPressure\",\"message\":\"kubelet has no disk pressure\",\"lastHeartbeatTime\":\"%s\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"PIDPressure\",\"status\":\"False\",\"reason\":\"KubeletHasSufficientPID\",\"message\":\"kubelet has sufficient PID available\",\"lastHeartbeatTime\":\"%s\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"kubelet is posting ready status\",\"lastHeartbeatTime\":\"%s\",\"lastTransitionTime\":\"%s\"}],"
             "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"%s\"},{\"type\":\"Hostname\",\"address\":\"%s\"}],"
             "\"daemonEndpoints\":{\"kubeletEndpoint\":{\"Port\":10250}},"
             "\"nodeInfo\":{\"machineID\":\"%016llx\",\"systemUUID\":\"%016llx\",\"bootID\":\"%016llx\","
             "\"kernelVersion\":\"6.8.0-49-generic\",\"osImage\":\"Ubuntu 24.04.1 LTS\",\"containerRuntimeVersion\":\"containerd://1.6.28\","
             "\"kubeletVersion\":\"v1.32.3\",\"kubeProxyVersion\":\"v1.32.3\",\"operatingSystem\":\"linux\",\"architecture\":\"amd64\"}}",
             sd->created, sd->created, sd->created, sd->created, sd->created, sd->created, sd->created, sd->created,
             ip, name, (unsigned long long)sim_rand(sd->s), (unsigned long long)sim_rand(sd->s),
             (unsigned long long)sim_rand(sd->s));
    set_json(n, "status", buf);
    add(sd, n);
}

static void seed_namespace(struct seeder *sd, const char *name)
{
    char buf[256];
    json_object *n = object(sd, "v1", "Namespace", name, NULL);
    snprintf(buf, sizeof(buf), "{\"kubernetes.io/metadata.name\":\"%s\"}", name);
    set_json(sim_json_obj(n, "metadata"), "labels", buf);
    set_json(n, "spec", "{\"finalizers\":[\"kubernetes\"]}");
    set_json(n, "status", "{\"phase\":\"Active\"}");
    add(sd, n);
    json_object *sa = object(sd, "v1", "ServiceAccount", "default", name);
    add(sd, sa);
}

struct app {
    const char *ns;
    const char *name;           /* Deployment name */
    const char *labels;         /* JSON object: selector and pod labels */
    const char *container;
    const char *image;
    const char *ports;          /* JSON array for the container, or NULL */
};

/* A Running, Ready pod controlled by owner_kind/owner_name (owner_uid, or
 * a made-up one for an object that is not simulated); hash: its
 * pod-template-hash label, or NULL. */
static void seed_pod(struct seeder *sd, const struct app *a, const char *pod_name, int node,
                     const char *owner_kind, const char *owner_name, const char *owner_uid,
                     const char *hash)
{
    char buf[4096], ip[32], node_name[32], host_ip[32], cid[65];
    int n = sd->next_pod_ip++;
    snprintf(ip, sizeof(ip), "10.1.%d.%d", 1 + (int)(sim_rand(sd->s) % 250), 2 + n % 250);
    snprintf(node_name, sizeof(node_name), "sim-node-%d", node);
    snprintf(host_ip, sizeof(host_ip), "10.0.0.%d", 10 + node);
    snprintf(cid, sizeof(cid), "%016llx%016llx%016llx%016llx", (unsigned long long)sim_rand(sd->s),
             (unsigned long long)sim_rand(sd->s), (unsigned long long)sim_rand(sd->s),
             (unsigned long long)sim_rand(sd->s));
    json_object *p = object(sd, "v1", "Pod", pod_name, a->ns);
    json_object *m = sim_json_obj(p, "metadata");
    set_json(m, "labels", a->labels);
    if (hash)
        sim_json_set_str(sim_json_obj(m, "labels"), "pod-template-hash", hash);
    if (owner_kind) {
        char uid[40];
        if (owner_uid)
            snprintf(uid, sizeof(uid), "%s", owner_uid);
        else
            snprintf(uid, sizeof(uid), "%016llx", (unsigned long long)sim_rand(sd->s));
        snprintf(buf, sizeof(buf), "[{\"apiVersion\":\"apps/v1\",\"kind\":\"%s\",\"name\":\"%s\",\"uid\":\"%s\",\"controller\":true,\"blockOwnerDeletion\":true}]",
                 owner_kind, owner_name, uid);
        set_json(m, "ownerReferences", buf);
    }
    snprintf(buf, sizeof(buf),
             "{\"containers\":[{\"name\":\"%s\",\"image\":\"%s\",\"imagePullPolicy\":\"IfNotPresent\",%s%s%s"
             "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"70Mi\"}}}],"
             "\"nodeName\":\"%s\",\"restartPolicy\":\"Always\",\"schedulerName\":\"default-scheduler\","
             "\"serviceAccountName\":\"default\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\"}",
             a->container, a->image, a->ports ? "\"ports\":" : "", a->ports ? a->ports : "", a->ports ? "," : "",
             node_name);
    set_json(p, "spec", buf);
    snprintf(buf, sizeof(buf),
             "{\"phase\":\"Running\",\"hostIP\":\"%s\",\"hostIPs\":[{\"ip\":\"%s\"}],\"podIP\":\"%s\",\"podIPs\":[{\"ip\":\"%s\"}],"
             "\"startTime\":\"%s\",\"qosClass\":\"Burstable\","
             "\"conditions\":[{\"type\":\"PodReadyToStartContainers\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"Initialized\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"ContainersReady\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"}],"
             "\"containerStatuses\":[{\"name\":\"%s\",\"image\":\"%s\",\"imageID\":\"%s@sha256:%s\",\"containerID\":\"containerd://%s\","
             "\"ready\":true,\"started\":true,\"restartCount\":0,\"state\":{\"running\":{\"startedAt\":\"%s\"}}}]}",
             host_ip, host_ip, ip, ip, sd->created, sd->created, sd->created, sd->created, sd->created,
             sd->created, a->container, a->image, a->image, cid, cid, sd->created);
    set_json(p, "status", buf);
    add(sd, p);
}

/* The ReplicaSet of Deployment d for its template, with one Ready pod
 * (what the Deployment and ReplicaSet controllers would have made). */
static void seed_replicaset(struct seeder *sd, const struct app *a, json_object *d, const char *hash,
                            int node)
{
    char buf[4096], name[96], suffix[6], pod_name[128];
    snprintf(name, sizeof(name), "%s-%s", a->name, hash);
    json_object *rs = object(sd, "apps/v1", "ReplicaSet", name, a->ns);
    json_object *m = sim_json_obj(rs, "metadata");
    set_json(m, "labels", a->labels);
    sim_json_set_str(sim_json_obj(m, "labels"), "pod-template-hash", hash);
    json_object_object_add(m, "generation", json_object_new_int(1));
    set_json(m, "annotations", "{\"deployment.kubernetes.io/desired-replicas\":\"1\",\"deployment.kubernetes.io/max-replicas\":\"2\","
                               "\"deployment.kubernetes.io/revision\":\"1\"}");
    snprintf(buf, sizeof(buf), "[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"%s\",\"uid\":\"%s\",\"controller\":true,\"blockOwnerDeletion\":true}]",
             a->name, sim_json_str(d, "metadata.uid"));
    set_json(m, "ownerReferences", buf);
    json_object *spec = json_object_new_object();
    json_object_object_add(spec, "replicas", json_object_new_int(1));
    json_object *sel = NULL, *tmpl = NULL;
    json_object_deep_copy(sim_json_path(d, "spec.selector"), &sel, NULL);
    json_object_deep_copy(sim_json_path(d, "spec.template"), &tmpl, NULL);
    sim_json_set_str(sim_json_obj(sel, "matchLabels"), "pod-template-hash", hash);
    sim_json_set_str(sim_json_obj(sim_json_obj(tmpl, "metadata"), "labels"), "pod-template-hash", hash);
    json_object_object_add(spec, "selector", sel);
    json_object_object_add(spec, "template", tmpl);
    json_object_object_add(rs, "spec", spec);
    set_json(rs, "status", "{\"replicas\":1,\"fullyLabeledReplicas\":1,\"readyReplicas\":1,\"availableReplicas\":1,\"observedGeneration\":1}");
    char uid[40];
    snprintf(uid, sizeof(uid), "%s", sim_json_str(rs, "metadata.uid"));
    add(sd, rs);
    sim_rand_suffix(sd->s, suffix, 5);
    snprintf(pod_name, sizeof(pod_name), "%s-%s", name, suffix);
    seed_pod(sd, a, pod_name, node, "ReplicaSet", name, uid, hash);
}

static void seed_deployment(struct seeder *sd, const struct app *a, int node)
{
    char buf[4096], hash[11];
    json_object *d = object(sd, "apps/v1", "Deployment", a->name, a->ns);
    json_object *m = sim_json_obj(d, "metadata");
    set_json(m, "labels", a->labels);
    json_object_object_add(m, "generation", json_object_new_int(1));
    snprintf(buf, sizeof(buf),
             "{\"replicas\":1,\"selector\":{\"matchLabels\":%s},\"revisionHistoryLimit\":10,\"progressDeadlineSeconds\":600,"
             "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":\"25%%\",\"maxUnavailable\":\"25%%\"}},"
             "\"template\":{\"metadata\":{\"labels\":%s},\"spec\":{\"containers\":[{\"name\":\"%s\",\"image\":\"%s\"%s%s}]}}}",
             a->labels, a->labels, a->container, a->image, a->ports ? ",\"ports\":" : "", a->ports ? a->ports : "");
    set_json(d, "spec", buf);
    sim_template_hash(sim_json_path(d, "spec.template"), hash);
    set_json(sim_json_obj(d, "metadata"), "annotations", "{\"deployment.kubernetes.io/revision\":\"1\"}");
    snprintf(buf, sizeof(buf),
             "{\"observedGeneration\":1,\"replicas\":1,\"updatedReplicas\":1,\"readyReplicas\":1,\"availableReplicas\":1,"
             "\"conditions\":[{\"type\":\"Available\",\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\",\"message\":\"Deployment has minimum availability.\",\"lastUpdateTime\":\"%s\",\"lastTransitionTime\":\"%s\"},"
             "{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":\"NewReplicaSetAvailable\",\"message\":\"ReplicaSet \\\"%s-%s\\\" has successfully progressed.\",\"lastUpdateTime\":\"%s\",\"lastTransitionTime\":\"%s\"}]}",
             sd->created, sd->created, a->name, hash, sd->created, sd->created);
    set_json(d, "status", buf);
    seed_replicaset(sd, a, d, hash, node);
    add(sd, d);
}

static void seed_service(struct seeder *sd, const char *ns, const char *name, const char *ip,
                         const char *type, const char *selector, const char *ports, const char *labels)
{
    char buf[2048];
    json_object *s = object(sd, "v1", "Service", name, ns);
    if (labels)
        set_json(sim_json_obj(s, "metadata"), "labels", labels);
    snprintf(buf, sizeof(buf),
             "{\"type\":\"%s\",\"clusterIP\":\"%s\",\"clusterIPs\":[\"%s\"],\"ports\":%s,%s%s%s"
             "\"sessionAffinity\":\"None\",\"ipFamilies\":[\"IPv4\"],\"ipFamilyPolicy\":\"SingleStack\",\"internalTrafficPolicy\":\"Cluster\"}",
             type, ip, ip, ports, selector ? "\"selector\":" : "", selector ? selector : "", selector ? "," : "");
    set_json(s, "spec", buf);
    set_json(s, "status", "{\"loadBalancer\":{}}");
    add(sd, s);
}

static int pick_node(struct seeder *sd)
{
    return 1 + (int)(sim_rand(sd->s) % (uint64_t)sd->s->opt.nodes);
}

static void seed_addons(struct seeder *sd)
{
    static const struct app apps[] = {
        {"kube-system", "coredns", "{\"k8s-app\":\"kube-dns\"}", "coredns", "coredns/coredns:1.10.1",
         "[{\"name\":\"dns\",\"containerPort\":53,\"protocol\":\"UDP\"},{\"name\":\"dns-tcp\",\"containerPort\":53,\"protocol\":\"TCP\"}]"},
        {"kube-system", "metrics-server", "{\"k8s-app\":\"metrics-server\"}", "metrics-server",
         "registry.k8s.io/metrics-server/metrics-server:v0.6.3", "[{\"name\":\"https\",\"containerPort\":4443,\"protocol\":\"TCP\"}]"},
        {"kube-system", "hostpath-provisioner", "{\"k8s-app\":\"hostpath-provisioner\"}", "hostpath-provisioner",
         "cdkbot/hostpath-provisioner:1.5.0", NULL},
        {"kube-system", "calico-kube-controllers", "{\"k8s-app\":\"calico-kube-controllers\"}", "calico-kube-controllers",
         "docker.io/calico/kube-controllers:v3.28.1", NULL},
        {"traefik", "traefik", "{\"app.kubernetes.io/name\":\"traefik\",\"app.kubernetes.io/instance\":\"traefik-traefik\"}",
         "traefik", "docker.io/traefik:v3.3.4",
         "[{\"name\":\"web\",\"containerPort\":8000,\"protocol\":\"TCP\"},{\"name\":\"websecure\",\"containerPort\":8443,\"protocol\":\"TCP\"}]"},
    };
    for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++)
        seed_deployment(sd, &apps[i], pick_node(sd));

    static const struct app calico = {"kube-system", "calico-node", "{\"k8s-app\":\"calico-node\"}", "calico-node",
                                      "docker.io/calico/node:v3.28.1", NULL};
    for (int n = 1; n <= sd->s->opt.nodes; n++) {
        char suffix[6], name[32];
        sim_rand_suffix(sd->s, suffix, 5);
        snprintf(name, sizeof(name), "calico-node-%s", suffix);
        seed_pod(sd, &calico, name, n, "DaemonSet", "calico-node", NULL, NULL);
    }
    seed_service(sd, "default", "kubernetes", "10.152.183.1", "ClusterIP", NULL,
                 "[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":16443}]",
                 "{\"component\":\"apiserver\",\"provider\":\"kubernetes\"}");
    seed_service(sd, "kube-system", "kube-dns", "10.152.183.10", "ClusterIP", "{\"k8s-app\":\"kube-dns\"}",
                 "[{\"name\":\"dns\",\"port\":53,\"protocol\":\"UDP\",\"targetPort\":53},"
                 "{\"name\":\"dns-tcp\",\"port\":53,\"protocol\":\"TCP\",\"targetPort\":53},"
                 "{\"name\":\"metrics\",\"port\":9153,\"protocol\":\"TCP\",\"targetPort\":9153}]",
                 "{\"k8s-app\":\"kube-dns\",\"kubernetes.io/name\":\"CoreDNS\"}");
    seed_service(sd, "kube-system", "metrics-server", "10.152.183.20", "ClusterIP", "{\"k8s-app\":\"metrics-server\"}",
                 "[{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":\"https\"}]",
                 "{\"k8s-app\":\"metrics-server\"}");
    seed_service(sd, "traefik", "traefik", "10.152.183.30", "LoadBalancer",
                 "{\"app.kubernetes.io/name\":\"traefik\",\"app.kubernetes.io/instance\":\"traefik-traefik\"}",
                 "[{\"name\":\"web\",\"port\":80,\"protocol\":\"TCP\",\"targetPort\":\"web\",\"nodePort\":31080},"
                 "{\"name\":\"websecure\",\"port\":443,\"protocol\":\"TCP\",\"targetPort\":\"websecure\",\"nodePort\":31443}]",
                 "{\"app.kubernetes.io/name\":\"traefik\",\"app.kubernetes.io/instance\":\"traefik-traefik\",\"app.kubernetes.io/managed-by\":\"Helm\",\"helm.sh/chart\":\"traefik-34.4.1\"}");
}

static void seed_classes(struct seeder *sd)
{
    json_object *sc = object(sd, "storage.k8s.io/v1", "StorageClass", "microk8s-hostpath", NULL);
    set_json(sim_json_obj(sc, "metadata"), "annotations",
             "{\"storageclass.kubernetes.io/is-default-class\":\"true\"}");
    sim_json_set_str(sc, "provisioner", "microk8s.io/hostpath");
    sim_json_set_str(sc, "reclaimPolicy", "Delete");
    sim_json_set_str(sc, "volumeBindingMode", "WaitForFirstConsumer");
    add(sd, sc);

    json_object *ic = object(sd, "networking.k8s.io/v1", "IngressClass", "traefik", NULL);
    json_object_object_add(sim_json_obj(ic, "metadata"), "generation", json_object_new_int(1));
    set_json(sim_json_obj(ic, "metadata"), "labels",
             "{\"app.kubernetes.io/name\":\"traefik\",\"app.kubernetes.io/instance\":\"traefik-traefik\",\"app.kubernetes.io/managed-by\":\"Helm\"}");
    set_json(ic, "spec", "{\"controller\":\"traefik.io/ingress-controller\"}");
    add(sd, ic);
}

int sim_seed(struct sim *s, struct os_error *err)
{
    static const char *namespaces[] = {"default", "kube-system", "kube-public", "kube-node-lease", "traefik"};
    struct seeder sd = {.s = s, .created_ms = s->start_ms - 3600 * 1000};

    if (s->opt.nodes < 1)
        return os_error_set(err, OS_ERR_INVALID, "--nodes must be at least 1");
    sim_format_time(sd.created_ms, sd.created, sizeof(sd.created));
    pthread_mutex_lock(&s->lock);
    for (int i = 1; i <= s->opt.nodes; i++)
        seed_node(&sd, i);
    for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
        seed_namespace(&sd, namespaces[i]);
    seed_addons(&sd);
    seed_classes(&sd);
    if (s->opt.seed_tenants > 0 && sim_seed_tenants(s, err) < 0) {
        pthread_mutex_unlock(&s->lock);
        return -1;
    }
    sim_store_seal_history(s);
    pthread_mutex_unlock(&s->lock);
    return 0;
}
