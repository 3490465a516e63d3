#!/bin/sh
# odoo-saas-sim phase 2 through the product: tenants created by the CLI
# become Ready (StatefulSet, Job and Deployment controllers, scheduler,
# kubelet, PVC binding, quota status), an unpullable image makes a tenant
# Degraded, a quota refusal is a FailedCreate event, Odoo pods spread over
# the nodes and avoid a cordoned node.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools kubectl
SIM_CONTROLLERS=1
CLI=$OS_BUILDDIR/odoo-saas
KC="kubectl --request-timeout=15s"

sim_start --pod-start-ms 100

# ---- one tenant, end to end ----
out=$($CLI tenant create acme --tier basic --admin-email a@acme.com --wait=60 2>&1)
check_eq "tenant create --wait exits 0" 0 "$?"
check_contains "tenant create says ready" "ready" "$out"
check_eq "tenant show says Ready" Ready "$($CLI tenant show acme -o json | jq -r .phase)"
pods=$($KC get pods -n tenant-acme --no-headers 2>&1)
check "postgresql-0 is Running 1/1" sh -c "printf '%s\n' \"\$1\" | grep -qE '^postgresql-0 +1/1 +Running'" _ "$pods"
sim_wait_for "the db-init pod is Completed" 10 sh -c \
    "$KC get pods -n tenant-acme --no-headers | grep -qE '^odoo-db-init-[a-z0-9]{5} +0/1 +Completed'"
check "odoo is Running 1/1 (deploy-hash-suffix name)" \
    sh -c "printf '%s\n' \"\$1\" | grep -qE '^odoo-[a-z0-9]{10}-[a-z0-9]{5} +1/1 +Running'" _ "$pods"
check_eq "the PVCs are Bound" "Bound Bound" \
    "$($KC get pvc -n tenant-acme -o jsonpath='{.items[*].status.phase}')"
check_eq "kubectl get pvc shows them Bound" "Bound Bound" \
    "$($KC get pvc -n tenant-acme --no-headers | awk '{print $2}' | tr '\n' ' ' | sed 's/ $//')"
check_eq "the StatefulSet made data-postgresql-0" data-postgresql-0 \
    "$($KC get pvc -n tenant-acme data-postgresql-0 -o jsonpath='{.metadata.name}')"
check "a bound PVC has volumeName pvc-<uid>" sh -c \
    "$KC get pvc -n tenant-acme odoo-filestore -o jsonpath='{.spec.volumeName}' | grep -qE '^pvc-[0-9a-f-]{36}$'"
used=$($KC get resourcequota -n tenant-acme tenant-quota -o jsonpath='{.status.used.requests\.cpu}')
check "quota status.used requests.cpu is non-zero ($used)" test -n "$used" -a "$used" != 0
check_eq "quota status.used counts the pods" 2 \
    "$($KC get resourcequota -n tenant-acme tenant-quota -o jsonpath='{.status.used.pods}')"
dj=$($KC get deploy -n tenant-acme odoo -o json)
check_eq "Deployment status availableReplicas" 1 "$(printf '%s' "$dj" | jq .status.availableReplicas)"
check_eq "Deployment Available=True" True \
    "$(printf '%s' "$dj" | jq -r '.status.conditions[] | select(.type=="Available") | .status')"
check_eq "Deployment observedGeneration" 1 "$(printf '%s' "$dj" | jq .status.observedGeneration)"
pj=$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o json)
check_eq "odoo pod has the pod-template-hash label" \
    "$(printf '%s' "$pj" | jq -r '.items[0].metadata.name' | cut -d- -f2)" \
    "$(printf '%s' "$pj" | jq -r '.items[0].metadata.labels["pod-template-hash"]')"
check_eq "odoo pod is controlled by its ReplicaSet odoo-<hash>" \
    "ReplicaSet odoo-$(printf '%s' "$pj" | jq -r '.items[0].metadata.labels["pod-template-hash"]') true" \
    "$(printf '%s' "$pj" | jq -r '.items[0].metadata.ownerReferences[0] | "\(.kind) \(.name) \(.controller)"')"
check "odoo pod got LimitRange-free requests from its template and an IP" \
    test -n "$(printf '%s' "$pj" | jq -r '.items[0].status.podIP // empty')"
check "odoo pod's hostIP is its node's InternalIP" \
    sh -c "printf '%s' '$(printf '%s' "$pj" | jq -r '.items[0].status.hostIP')' | grep -qE '^10\.0\.0\.1[12]$'"
check_eq "Job status.succeeded" 1 "$($KC get job -n tenant-acme odoo-db-init -o jsonpath='{.status.succeeded}')"
check_eq "Job condition Complete" True \
    "$($KC get job -n tenant-acme odoo-db-init -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}')"
check_eq "StatefulSet readyReplicas" 1 "$($KC get sts -n tenant-acme postgresql -o jsonpath='{.status.readyReplicas}')"
ev=$($KC get events -n tenant-acme -o json)
check "Scheduled events" sh -c "printf '%s' '$(printf '%s' "$ev" | jq -r '[.items[].reason] | join(",")')' | grep -q Scheduled"
check "kubelet events: Pulled, Created, Started" sh -c \
    "$KC get events -n tenant-acme --field-selector involvedObject.name=postgresql-0 -o json | jq -r '[.items[].reason] | sort | unique | join(\",\")' | grep -q 'Created,Pulled,Scheduled,Started'"
check "SuccessfulCreate events on the ReplicaSet" sh -c \
    "printf '%s' '$(printf '%s' "$ev" | jq -r '.items[] | select(.reason=="SuccessfulCreate" and .involvedObject.kind=="ReplicaSet") | .message')' | grep -q 'Created pod: odoo-'"

# ---- metrics.k8s.io from the running pods ----
out=$($KC top nodes 2>&1)
check_contains "kubectl top nodes works" "CPU(cores)" "$out"
out=$($KC top pods -A 2>&1)
check "kubectl top pods -A lists the odoo pod" sh -c "printf '%s\n' \"\$1\" | grep -qE '^tenant-acme +odoo-'" _ "$out"
opod=$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o jsonpath='{.items[0].metadata.name}')
api GET "/apis/metrics.k8s.io/v1beta1/namespaces/tenant-acme/pods/$opod"
check_api "PodMetrics of a running pod" 200 .kind PodMetrics
cpu=$(jqr '.containers[0].usage.cpu' | sed 's/n$//')
mem=$(jqr '.containers[0].usage.memory' | sed 's/Ki$//')
check "odoo cpu usage is within its 1-core limit ($cpu n)" test "$cpu" -gt 0 -a "$cpu" -le 1000000000
check "odoo memory usage is within its 1536Mi limit ($mem Ki)" test "$mem" -gt 0 -a "$mem" -le 1572864
# Two reads in one scrape window (same timestamp) give the same figure; on
# a busy machine the two reads may straddle a window's end, so try a few
# pairs and compare the first pair that shares a timestamp.
same=
for _try in 1 2 3 4 5; do
    api GET "/apis/metrics.k8s.io/v1beta1/namespaces/tenant-acme/pods/$opod"
    t1=$(jqr .timestamp) c1=$(jqr '.containers[0].usage.cpu')
    api GET "/apis/metrics.k8s.io/v1beta1/namespaces/tenant-acme/pods/$opod"
    if [ "$(jqr .timestamp)" = "$t1" ]; then same="$c1 $(jqr '.containers[0].usage.cpu')"; break; fi
done
check "the same figure within a scrape window ($same)" sh -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ $same
node=$($KC get pod -n tenant-acme "$opod" -o jsonpath='{.spec.nodeName}')
api GET "/apis/metrics.k8s.io/v1beta1/nodes/$node"
ncpu=$(jqr '.usage.cpu' | sed 's/n$//')
check "node usage includes its pods ($ncpu n > $cpu n)" test "$ncpu" -gt "$cpu"
cat >"$OS_TMP/pending.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata: {name: nowhere, namespace: default}
spec:
  nodeSelector: {no-such-label: "x"}
  containers: [{name: c, image: busybox}]
YAML
$KC apply -f "$OS_TMP/pending.yaml" >/dev/null 2>&1
sim_wait_for "a pod no node fits gets PodScheduled=False Unschedulable" 10 sh -c \
    "$KC get pod -n default nowhere -o jsonpath='{.status.conditions[?(@.type==\"PodScheduled\")].reason}' | grep -q Unschedulable"
check "and a FailedScheduling event" sh -c \
    "$KC get events -n default -o json | jq -r '.items[] | select(.involvedObject.name==\"nowhere\") | .reason' | grep -q FailedScheduling"
api GET /apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nowhere
check_api "PodMetrics of a pod not running: 404" 404 .message 'podmetrics.metrics.k8s.io "default/nowhere" not found'
$KC delete pod -n default nowhere >/dev/null 2>&1

# ---- scaling and garbage collection ----
$KC scale deploy -n tenant-acme odoo --replicas=0 >/dev/null 2>&1
sim_wait_for "scale to 0 removes the odoo pod" 10 sh -c \
    "test \"\$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o name | wc -l)\" -eq 0"
$KC scale deploy -n tenant-acme odoo --replicas=1 >/dev/null 2>&1
sim_wait_for "scale to 1 brings it back, Ready" 15 sh -c \
    "$KC get pods -n tenant-acme -l odoo-saas.io/role=odoo --no-headers | grep -q '1/1 *Running'"
$KC delete job -n tenant-acme odoo-db-init >/dev/null 2>&1
sim_wait_for "deleting the Job deletes its pod (garbage collection)" 10 sh -c \
    "test \"\$($KC get pods -n tenant-acme -l odoo-saas.io/role=db-init -o name | wc -l)\" -eq 0"

# ---- Recreate on a template change: the old pod goes first ----
old_pod=$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o jsonpath='{.items[0].metadata.name}')
$KC set image deploy/odoo -n tenant-acme odoo=odoo:17.1 >/dev/null 2>&1
max=0
i=0
while [ $i -lt 50 ]; do
    n=$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o name 2>/dev/null | wc -l)
    [ "$n" -gt "$max" ] && max=$n
    $KC get pods -n tenant-acme -l odoo-saas.io/role=odoo --no-headers 2>/dev/null | grep -v "^$old_pod " | grep -q '1/1 *Running' && break
    sleep 0.2
    i=$((i + 1))
done
check_eq "Recreate: never two odoo pods at once" 1 "$max"
new_pod=$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o jsonpath='{.items[0].metadata.name}')
check "Recreate: a new pod with another template hash" test "${new_pod%-*}" != "${old_pod%-*}"
check_eq "the new pod runs the new image" odoo:17.1 \
    "$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o jsonpath='{.items[0].spec.containers[0].image}')"
sim_wait_for "the Deployment is available again with updatedReplicas 1" 10 sh -c \
    "test \"\$($KC get deploy -n tenant-acme odoo -o jsonpath='{.status.updatedReplicas}/{.status.availableReplicas}')\" = 1/1"

# ---- StatefulSet scale up and down: PVCs stay ----
cat >"$OS_TMP/sts.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: sts-test}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: sts-test}
spec:
  replicas: 2
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], storageClassName: microk8s-hostpath, resources: {requests: {storage: 1Gi}}}
YAML
$KC apply -f "$OS_TMP/sts.yaml" >/dev/null 2>&1
sim_wait_for "a StatefulSet of 2 gets db-0 and db-1 Running, in order" 15 sh -c \
    "test \"\$($KC get pods -n sts-test --no-headers | awk '{print \$1 \$3}' | tr '\n' ' ')\" = 'db-0Running db-1Running '"
check_eq "with their PVCs" "data-db-0 data-db-1" "$($KC get pvc -n sts-test -o jsonpath='{.items[*].metadata.name}')"
$KC scale sts db -n sts-test --replicas=1 >/dev/null 2>&1
sim_wait_for "scale down to 1 removes db-1" 10 sh -c "test \"\$($KC get pods -n sts-test -o name | wc -l)\" -eq 1"
check_eq "but keeps its PVC" "data-db-0 data-db-1" "$($KC get pvc -n sts-test -o jsonpath='{.items[*].metadata.name}')"
check_eq "StatefulSet status: replicas 1, updateRevision set" "1 true" \
    "$($KC get sts db -n sts-test -o json | jq -r '"\(.status.replicas) \(.status.updateRevision | startswith("db-"))"')"

# ---- an unpullable image: Degraded with ImagePullBackOff ----
printf 'odoo:\n  image: "odoo:doesnotexist"\n' >"$OS_TMP/bad.yaml"
$CLI --config "$OS_TMP/bad.yaml" tenant create bad --tier basic --admin-email a@bad.com >/dev/null 2>&1
check_eq "tenant create with an unpullable image exits 0 without --wait" 0 "$?"
sim_wait_for "that tenant becomes Degraded with ImagePullBackOff" 20 sh -c \
    "$CLI tenant show bad -o json | jq -r '.phase + \" \" + .reason' | grep -q '^Degraded .*ImagePullBackOff'"

# ---- a quota refusal: FailedCreate with the quota message ----
cat >"$OS_TMP/q.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: quota-test}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: small, namespace: quota-test}
spec: {hard: {requests.cpu: 100m, limits.cpu: 200m, pods: "5"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: big, namespace: quota-test}
spec:
  replicas: 1
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec:
      containers:
      - name: c
        image: busybox
        resources: {requests: {cpu: 500m}, limits: {cpu: "1"}}
YAML
$KC apply -f "$OS_TMP/q.yaml" >/dev/null 2>&1
sim_wait_for "a Deployment over its quota: a FailedCreate event 'exceeded quota' on its ReplicaSet" 10 sh -c \
    "$KC get events -n quota-test -o json | jq -r '.items[] | select(.reason==\"FailedCreate\" and .involvedObject.kind==\"ReplicaSet\" and (.involvedObject.name | startswith(\"big-\"))) | .message' | grep -q 'exceeded quota: small'"
check_eq "ReplicaSet condition ReplicaFailure" FailedCreate \
    "$($KC get rs -n quota-test -o jsonpath='{.items[0].status.conditions[?(@.type=="ReplicaFailure")].reason}')"
check_eq "no pod was created" 0 "$($KC get pods -n quota-test -o name | wc -l | tr -d ' ')"
check_eq "Deployment condition ReplicaFailure" FailedCreate \
    "$($KC get deploy -n quota-test big -o jsonpath='{.status.conditions[?(@.type=="ReplicaFailure")].reason}')"
sim_wait_for "the refusal is retried: the same event counted again" 15 sh -c \
    "$KC get events -n quota-test -o json | jq -e '[.items[] | select(.reason==\"FailedCreate\") | .count] | max >= 2'"

# ---- a Job whose pods fail: backoffLimit counts them ----
cat >"$OS_TMP/job.yaml" <<'YAML'
apiVersion: batch/v1
kind: Job
metadata: {name: flaky, namespace: quota-test}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: "busybox:crashloop"}]
YAML
$KC delete resourcequota -n quota-test small >/dev/null 2>&1
$KC apply -f "$OS_TMP/job.yaml" >/dev/null 2>&1
sim_wait_for "a Job with backoffLimit 1 fails after 2 failed pods" 15 sh -c \
    "test \"\$($KC get job -n quota-test flaky -o jsonpath='{.status.failed} {.status.conditions[?(@.type==\"Failed\")].reason}')\" = '2 BackoffLimitExceeded'"
check_eq "and makes no third pod" 2 "$($KC get pods -n quota-test -l job-name=flaky -o name | wc -l | tr -d ' ')"

# ---- an Immediate StorageClass binds at once, without a pod ----
cat >"$OS_TMP/imm.yaml" <<'YAML'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: example.com/fast
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: now, namespace: quota-test}
spec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: later, namespace: quota-test}
spec: {accessModes: [ReadWriteOnce], storageClassName: microk8s-hostpath, resources: {requests: {storage: 1Gi}}}
YAML
$KC apply -f "$OS_TMP/imm.yaml" >/dev/null 2>&1
sim_wait_for "a PVC of an Immediate class is Bound without a consumer" 10 sh -c \
    "test \"\$($KC get pvc -n quota-test now -o jsonpath='{.status.phase}')\" = Bound"
check_eq "a WaitForFirstConsumer PVC without a pod stays Pending" Pending \
    "$($KC get pvc -n quota-test later -o jsonpath='{.status.phase}')"
sim_stop

# ---- six tenants on two nodes: three Odoo pods per node ----
sim_start --pod-start-ms 50
for t in ten1 ten2 ten3 ten4 ten5 ten6; do
    $CLI tenant create $t --tier basic --admin-email a@$t.com --wait=60 >/dev/null 2>&1 ||
        not_ok "tenant $t becomes ready"
done
per_node=$($KC get pods -A -l odoo-saas.io/role=odoo -o wide --no-headers | awk '{print $8}' | sort | uniq -c | awk '{print $1}' | tr '\n' ' ')
check_eq "six tenants: 3 Odoo pods on each node" "3 3 " "$per_node"
# odoo-saas nodes counts a tenant on every node where any of its pods
# runs; nothing in the templates keeps a tenant's PostgreSQL next to its
# Odoo, so the figure is balanced (max = min) rather than 3/3.
spread=$($CLI nodes -o json | jq -r '"\(.spread.maxTenantsPerNode) \(.spread.minTenantsPerNode)"')
check "odoo-saas nodes: the tenant spread is balanced (max = min: $spread)" \
    test "${spread% *}" = "${spread#* }" -a "${spread% *}" -ge 3
# Cordon sim-node-2: a new tenant's pods all go to sim-node-1.
$KC patch node sim-node-2 -p '{"spec":{"unschedulable":true}}' >/dev/null 2>&1
$CLI tenant create ten7 --tier basic --admin-email a@ten7.com --wait=60 >/dev/null 2>&1
check_eq "a tenant created after the cordon is Ready" Ready "$($CLI tenant show ten7 -o json | jq -r .phase)"
check_eq "its pods avoid the cordoned node" "sim-node-1" \
    "$($KC get pods -n tenant-ten7 -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | tr -d '\n')"
sim_finish
