#!/bin/sh
# odoo-saas-sim: Deployments own ReplicaSets which own the pods, as on a
# real cluster (names, ownerReferences, pod-template-hash, status, events,
# rollout and garbage collection), seen with kubectl and through the
# product's core client (odoo-saas); and pods with init containers stay
# Init:N/M before their containers start.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools kubectl
CLI=$OS_BUILDDIR/odoo-saas
KC="kubectl --request-timeout=15s"

# --pod-start-ms 600: init containers run 300 ms each after a 600 ms
# sandbox, so a pod with two of them shows Init:N/2 for about 1.2 s.
sim_start --pod-start-ms 600

# ---- discovery and the seeded add-ons ----
api GET /apis/apps/v1
check_eq "apps/v1 serves replicasets with a scale subresource" "replicasets replicasets/scale replicasets/status" \
    "$(jqr '[.resources[].name | select(startswith("replicasets"))] | sort | join(" ")')"
check_eq "the replicasets short name is rs" rs "$(jqr '.resources[] | select(.name=="replicasets") | .shortNames[0]')"
rs=$($KC get rs -n kube-system --no-headers 2>&1)
check "kubectl get rs: coredns-<hash> 1 1 1" sh -c "printf '%s\n' \"\$1\" | grep -qE '^coredns-[a-z0-9]{10} +1 +1 +1 '" _ "$rs"
crs=$($KC get rs -n kube-system -l k8s-app=kube-dns -o json)
cdep_uid=$($KC get deploy -n kube-system coredns -o jsonpath='{.metadata.uid}')
check_eq "the coredns ReplicaSet is controlled by the coredns Deployment" "Deployment coredns $cdep_uid true" \
    "$(printf '%s' "$crs" | jq -r '.items[0].metadata.ownerReferences[0] | "\(.kind) \(.name) \(.uid) \(.controller)"')"
check_eq "the coredns pod is controlled by that ReplicaSet" \
    "ReplicaSet $(printf '%s' "$crs" | jq -r '.items[0].metadata.name') $(printf '%s' "$crs" | jq -r '.items[0].metadata.uid')" \
    "$($KC get pods -n kube-system -l k8s-app=kube-dns -o json | jq -r '.items[0].metadata.ownerReferences[0] | "\(.kind) \(.name) \(.uid)"')"

# ---- a Deployment: its ReplicaSet and pods ----
cat >"$OS_TMP/web.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata: {name: rs-test}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: rs-test}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx:1}]
YAML
$KC apply -f "$OS_TMP/web.yaml" >/dev/null 2>&1
sim_wait_for "kubectl rollout status: the Deployment rolls out" 10 \
    $KC rollout status -n rs-test deploy/web --timeout=1s
rj=$($KC get rs -n rs-test -o json)
rs1=$(printf '%s' "$rj" | jq -r '.items[0].metadata.name')
hash=$(printf '%s' "$rj" | jq -r '.items[0].metadata.labels["pod-template-hash"]')
check_eq "one ReplicaSet web-<pod-template-hash>" "1 web-$hash" "$(printf '%s' "$rj" | jq -r '.items | length') $rs1"
check "the hash has 10 characters" sh -c "printf '%s' '$hash' | grep -qE '^[a-z0-9]{10}$'"
check_eq "its selector and template carry the hash" "$hash $hash app=web" \
    "$(printf '%s' "$rj" | jq -r '.items[0].spec | "\(.selector.matchLabels["pod-template-hash"]) \(.template.metadata.labels["pod-template-hash"]) app=\(.selector.matchLabels.app)"')"
dep_uid=$($KC get deploy -n rs-test web -o jsonpath='{.metadata.uid}')
check_eq "the ReplicaSet is controlled by the Deployment" "apps/v1 Deployment web $dep_uid true true" \
    "$(printf '%s' "$rj" | jq -r '.items[0].metadata.ownerReferences[0] | "\(.apiVersion) \(.kind) \(.name) \(.uid) \(.controller) \(.blockOwnerDeletion)"')"
check_eq "ReplicaSet status: replicas, fullyLabeled, ready, available" "2 2 2 2" \
    "$(printf '%s' "$rj" | jq -r '.items[0].status | "\(.replicas) \(.fullyLabeledReplicas) \(.readyReplicas) \(.availableReplicas)"')"
check_eq "revision 1 on the Deployment and the ReplicaSet" "1 1" \
    "$($KC get deploy -n rs-test web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}') $(printf '%s' "$rj" | jq -r '.items[0].metadata.annotations["deployment.kubernetes.io/revision"]')"
pj=$($KC get pods -n rs-test -o json)
check_eq "two pods named web-<hash>-<5 chars>" 2 \
    "$(printf '%s' "$pj" | jq -r '.items[].metadata.name' | grep -cE "^web-$hash-[a-z0-9]{5}$")"
check_eq "the pods carry the pod-template-hash label" "$hash $hash" \
    "$(printf '%s' "$pj" | jq -r '[.items[].metadata.labels["pod-template-hash"]] | join(" ")')"
rs_uid=$(printf '%s' "$rj" | jq -r '.items[0].metadata.uid')
check_eq "the pods are controlled by the ReplicaSet" "ReplicaSet $rs1 $rs_uid true ReplicaSet $rs1 $rs_uid true" \
    "$(printf '%s' "$pj" | jq -r '[.items[].metadata.ownerReferences[0] | "\(.kind) \(.name) \(.uid) \(.controller)"] | join(" ")')"
ev=$($KC get events -n rs-test -o json)
check "SuccessfulCreate events on the ReplicaSet" sh -c "printf '%s' \"\$1\" | jq -e '[.items[] | select(.reason==\"SuccessfulCreate\" and .involvedObject.kind==\"ReplicaSet\" and .involvedObject.name==\"$rs1\")] | length == 2'" _ "$ev"
check "a ScalingReplicaSet event on the Deployment" sh -c "printf '%s' \"\$1\" | jq -r '.items[] | select(.reason==\"ScalingReplicaSet\" and .involvedObject.kind==\"Deployment\") | .message' | grep -qx 'Scaled up replica set $rs1 from 0 to 2'" _ "$ev"

# ---- a template change: a second ReplicaSet, the first scaled to 0 ----
$KC set image -n rs-test deploy/web c=nginx:2 >/dev/null 2>&1
sim_wait_for "after a new image the old ReplicaSet is scaled to 0 and the new one is Ready" 10 sh -c \
    "test \"\$($KC get rs -n rs-test --no-headers | awk '{print \$2 \$3 \$4}' | sort | tr '\n' ' ')\" = '000 222 '"
rs2=$($KC get rs -n rs-test -o json | jq -r ".items[] | select(.metadata.name != \"$rs1\") | .metadata.name")
check_eq "the new ReplicaSet has revision 2" 2 \
    "$($KC get rs -n rs-test "$rs2" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')"
sim_wait_for "the pods are the new ReplicaSet's" 10 sh -c \
    "test \"\$($KC get pods -n rs-test -o name | grep -c \"pod/$rs2-\")\" -eq 2 -a \"\$($KC get pods -n rs-test -o name | wc -l)\" -eq 2"
check_eq "Deployment status counts the new pods" "2 2 2" \
    "$($KC get deploy -n rs-test web -o jsonpath='{.status.replicas} {.status.updatedReplicas} {.status.readyReplicas}')"

# ---- kubectl rollout undo: the first ReplicaSet again, revision 3 (the
# template kubectl sends back has "creationTimestamp": null, "resources":
# {} and other key orders: the same template for the API) ----
$KC rollout undo -n rs-test deploy/web >/dev/null 2>&1
sim_wait_for "rollout undo scales the first ReplicaSet up again, no third one" 10 sh -c \
    "test \"\$($KC get rs -n rs-test -o jsonpath='{range .items[*]}{.metadata.name}={.spec.replicas}/{.status.readyReplicas} {end}')\" = '$(printf '%s\n' "$rs1=2/2" "$rs2=0/" | sort | tr '\n' ' ')'"
check_eq "with revision 3" 3 \
    "$($KC get rs -n rs-test "$rs1" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}')"

# ---- garbage collection: a deleted ReplicaSet is replaced, a deleted
# Deployment takes its ReplicaSets and pods along ----
$KC delete rs -n rs-test "$rs1" >/dev/null 2>&1
sim_wait_for "a deleted ReplicaSet is made again by its Deployment, with new pods" 10 sh -c \
    "test \"\$($KC get pods -n rs-test --no-headers | grep -c \"^$rs1-.*Running\")\" -eq 2 -a \"\$($KC get pods -n rs-test -o name | wc -l)\" -eq 2"
$KC delete deploy -n rs-test web >/dev/null 2>&1
sim_wait_for "deleting the Deployment removes its ReplicaSets and pods" 10 sh -c \
    "test \"\$($KC get rs,pods -n rs-test -o name | wc -l)\" -eq 0"

# ---- init containers: Init:0/2, Pending, Initialized False, then Running ----
cat >"$OS_TMP/init.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: slow, namespace: rs-test}
spec:
  replicas: 1
  selector: {matchLabels: {app: slow}}
  template:
    metadata: {labels: {app: slow}}
    spec:
      initContainers: [{name: wait-db, image: busybox}, {name: migrate, image: busybox}]
      containers: [{name: c, image: nginx:1}]
YAML
$KC apply -f "$OS_TMP/init.yaml" >/dev/null 2>&1
seen= i=0
while [ $i -lt 40 ]; do
    api GET "/api/v1/namespaces/rs-test/pods?labelSelector=app%3Dslow"
    s=$(jqr '.items[0].status | "\(.phase) \([.conditions[]? | select(.type=="Initialized") | .status] | join("")) \(.initContainerStatuses | length) \([.initContainerStatuses[]?.state | keys[0]] | join(",")) \([.containerStatuses[]?.state.waiting.reason] | join(","))"' 2>/dev/null)
    case $s in "Pending False 2 "*) seen=$s; break ;; esac
    sleep 0.05
    i=$((i + 1))
done
check "a pod with 2 init containers is Pending, Initialized=False, with 2 initContainerStatuses first ($seen)" \
    test -n "$seen"
check_eq "its app container waits in PodInitializing" PodInitializing "${seen##* }"
api GET "/api/v1/namespaces/rs-test/pods?labelSelector=app%3Dslow" -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io'
check "kubectl's Table shows STATUS Init:N/2 meanwhile ($(jqr '.rows[0].cells[2]'))" sh -c "printf '%s' '$(jqr '.rows[0].cells[2]')' | grep -qE '^Init:[01]/2$'"
sim_wait_for "then the init containers complete and the pod runs" 10 sh -c \
    "$KC get pods -n rs-test -l app=slow --no-headers | grep -qE '1/1 +Running'"
check_eq "both init containers terminated Completed" "Completed Completed" \
    "$($KC get pods -n rs-test -l app=slow -o jsonpath='{.items[0].status.initContainerStatuses[*].state.terminated.reason}')"

# ---- deleting the namespace removes the ReplicaSets ----
api DELETE /api/v1/namespaces/rs-test
sim_wait_for "deleting the namespace removes its ReplicaSets" 10 sh -c \
    "$KC get ns rs-test >/dev/null 2>&1; test \$? -ne 0"
api GET /apis/apps/v1/replicasets
check_eq "no ReplicaSet of rs-test is left" 0 "$(jqr '[.items[] | select(.metadata.namespace=="rs-test")] | length')"

# ---- through the product's core client: a tenant's Odoo runs from a
# ReplicaSet, the tenant is Ready, and deleting it takes the ReplicaSet ----
$CLI tenant create acme --tier basic --admin-email a@acme.com --wait=30 >/dev/null 2>&1
check_eq "odoo-saas tenant create: Ready with ReplicaSet-owned pods" Ready "$($CLI tenant show acme -o json | jq -r .phase)"
check_eq "the tenant's odoo pod is controlled by ReplicaSet odoo-<hash>" ReplicaSet \
    "$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o jsonpath='{.items[0].metadata.ownerReferences[0].kind}')"
$CLI tenant delete acme --yes --wait=30 >/dev/null 2>&1
check_eq "odoo-saas tenant delete --wait exits 0" 0 "$?"
api GET /apis/apps/v1/namespaces/tenant-acme/replicasets
check_eq "and its ReplicaSet is gone" 0 "$(jqr '.items | length')"
sim_finish
