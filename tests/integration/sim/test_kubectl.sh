#!/bin/sh
# Real kubectl (v1.32) against odoo-saas-sim: discovery, Table output for
# get, create -f, apply --server-side (conflict and --force-conflicts),
# get -o json, top nodes, api-resources, delete ns (waits for the namespace
# to go) and the refusals kubectl users meet.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools kubectl
sim_start --ns-delete-delay-ms 800

k() { timeout 30 kubectl --request-timeout=20s "$@" 2>&1; }
first_line() { printf '%s\n' "$1" | head -n 1 | tr -s ' '; }

out=$(k get ns)
check_eq "get ns: Table header" "NAME STATUS AGE" "$(first_line "$out")"
check_eq "get ns: the five MicroK8s namespaces" "default kube-node-lease kube-public kube-system traefik" \
    "$(printf '%s\n' "$out" | awk 'NR>1 {print $1}' | paste -sd' ' -)"
check_contains "get ns: Active" "kube-system       Active" "$out"

out=$(k get nodes)
check_eq "get nodes: header" "NAME STATUS ROLES AGE VERSION" "$(first_line "$out")"
check_eq "get nodes: two Ready nodes" "sim-node-1 Ready,sim-node-2 Ready" \
    "$(printf '%s\n' "$out" | awk 'NR>1 {print $1" "$2}' | paste -sd, -)"
out=$(k get nodes -l node.kubernetes.io/microk8s-controlplane -o name)
check_eq "controlplane label on the first node only" "node/sim-node-1" "$out"

out=$(k get pods -A -o wide)
check_eq "get pods -A -o wide: header" "NAMESPACE NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES" "$(first_line "$out")"
dns=$(printf '%s\n' "$out" | grep ' coredns-' | tr -s ' ')
check_eq "CoreDNS pod row: namespace, ready, status, restarts" "kube-system 1/1 Running 0" "$(printf '%s' "$dns" | cut -d' ' -f1,3-5)"
check_contains "pod IP in 10.1.0.0/16" " 10.1." "$dns"
check_contains "pod on a simulated node" " sim-node-" "$dns"
check_eq "traefik pod in namespace traefik" 1 "$(printf '%s\n' "$out" | grep -c '^traefik  *traefik-')"
out=$(k get pods -n kube-system -l k8s-app=kube-dns -o name)
check_contains "get pods -l k8s-app=kube-dns" "pod/coredns-" "$out"
out=$(k get svc -n kube-system kube-dns)
check_contains "kube-dns Service on 10.152.183.10" "10.152.183.10" "$out"
out=$(k get storageclass)
check_contains "StorageClass microk8s-hostpath" "microk8s-hostpath" "$out"
out=$(k get ingressclass traefik -o jsonpath='{.spec.controller}')
check_eq "IngressClass traefik controller" "traefik.io/ingress-controller" "$out"

out=$(k api-resources)
check_eq "api-resources: deployments" "deployments deploy apps/v1 true Deployment" \
    "$(printf '%s\n' "$out" | tr -s ' ' | grep '^deployments ')"
check_eq "api-resources: ingressroutes (CRD)" "ingressroutes traefik.io/v1alpha1 true IngressRoute" \
    "$(printf '%s\n' "$out" | tr -s ' ' | grep '^ingressroutes ')"

out=$(k top nodes)
check_contains "top nodes: header" "CPU(cores)" "$out"
check_eq "top nodes: one row per node" 2 "$(printf '%s\n' "$out" | grep -c '^sim-node-')"

cat >"$OS_TMP/ns.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: t-kube
YAML
deploy() {
    cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: odoo
  namespace: t-kube
spec:
  replicas: $1
  selector:
    matchLabels: {app: odoo}
  template:
    metadata:
      labels: {app: odoo}
    spec:
      containers:
      - name: odoo
        image: odoo:17
YAML
}
deploy 1 >"$OS_TMP/d1.yaml"
deploy 3 >"$OS_TMP/d3.yaml"
out=$(k create -f "$OS_TMP/ns.yaml")
check_eq "create -f namespace" "namespace/t-kube created" "$out"
out=$(k create -f "$OS_TMP/d1.yaml")
check_eq "create -f deployment" "deployment.apps/odoo created" "$out"
out=$(k create -f "$OS_TMP/d1.yaml"); rc=$?
check_eq "create -f again fails" 1 "$rc"
check_contains "create -f again: AlreadyExists" 'Error from server (AlreadyExists)' "$out"
check_contains "create -f again: message" 'deployments.apps "odoo" already exists' "$out"

out=$(k apply --server-side -f "$OS_TMP/d3.yaml"); rc=$?
check_eq "apply --server-side over kubectl-create's replicas fails" 1 "$rc"
check_contains "apply conflict names the manager" 'conflict with "kubectl-create" using apps/v1: .spec.replicas' "$out"
out=$(k apply --server-side --force-conflicts -f "$OS_TMP/d3.yaml")
check_eq "apply --server-side --force-conflicts" "deployment.apps/odoo serverside-applied" "$out"
out=$(k apply --server-side -f "$OS_TMP/d3.yaml")
check_eq "re-apply is idempotent" "deployment.apps/odoo serverside-applied" "$out"

out=$(k get deploy -n t-kube -o json)
check_eq "get deploy -o json: replicas from the apply" 3 "$(printf '%s' "$out" | jq -r '.items[0].spec.replicas')"
check_eq "get deploy -o json: kubectl fills kind" Deployment "$(printf '%s' "$out" | jq -r '.items[0].kind')"
check_eq "get deploy -o json: managers" "kubectl,kubectl-create" \
    "$(k get deploy odoo -n t-kube -o json --show-managed-fields | jq -r '[.metadata.managedFields[].manager] | sort | join(",")')"
out=$(k get deploy -n t-kube)
check_eq "get deploy: header" "NAME READY UP-TO-DATE AVAILABLE AGE" "$(first_line "$out")"
check_contains "get deploy: row" "odoo   0/3" "$out"
out=$(k get deploy -n t-kube -o wide)
check_contains "get deploy -o wide: containers, image and selector" "odoo odoo:17 app=odoo" "$(printf '%s' "$out" | tr -s ' ')"

out=$(k scale deploy odoo -n t-kube --replicas=4)
check_eq "kubectl scale (the /scale subresource)" "deployment.apps/odoo scaled" "$out"
check_eq "scaled replicas" 4 "$(k get deploy odoo -n t-kube -o jsonpath='{.spec.replicas}')"
out=$(k set image deploy/odoo -n t-kube odoo=odoo:18)
check_eq "kubectl set image (strategic merge patch)" "deployment.apps/odoo image updated" "$out"
check_eq "image changed, one container" "odoo:18 1" \
    "$(k get deploy odoo -n t-kube -o json | jq -r '"\(.spec.template.spec.containers[0].image) \(.spec.template.spec.containers | length)"')"
out=$(k patch deploy odoo -n t-kube --type merge -p '{"spec":{"replicas":2}}')
check_eq "kubectl patch --type merge" "deployment.apps/odoo patched" "$out"
timeout 4 kubectl get ns -w >"$OS_TMP/nsw" 2>&1 &
wpid=$!
sleep 1
out=$(k label ns t-kube team=a)
check_eq "kubectl label" "namespace/t-kube labeled" "$out"
out=$(k get ns -l team=a -o name)
check_eq "get ns -l" "namespace/t-kube" "$out"
i=0
while kill -0 "$wpid" 2>/dev/null && [ $i -lt 60 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "get ns -w: one header, Table rows for the initial list and the change" "1 2" \
    "$(grep -c '^NAME ' "$OS_TMP/nsw") $(grep -c '^t-kube  *Active' "$OS_TMP/nsw")"

out=$(k delete ns kube-system); rc=$?
check_eq "delete ns kube-system fails" 1 "$rc"
check_contains "delete ns kube-system: Forbidden" 'namespaces "kube-system" is forbidden: this namespace may not be deleted' "$out"
start=$(date +%s)
out=$(k delete ns t-kube)
check_eq "delete ns" 'namespace "t-kube" deleted' "$out"
[ $(($(date +%s) - start)) -lt 15 ] && ok "delete ns returns once the namespace is gone" || not_ok "delete ns returns once the namespace is gone"
out=$(k get ns t-kube); rc=$?
check_eq "get ns after delete fails" 1 "$rc"
check_contains "get ns after delete: NotFound" 'Error from server (NotFound): namespaces "t-kube" not found' "$out"
out=$(k get deploy -n t-kube)
check_contains "content gone with the namespace" "No resources found in t-kube namespace." "$out"

# A v1 List from a file: kubectl validates it client-side with /openapi/v2
# (served empty, as protobuf), then applies each item.
cat >"$OS_TMP/list.json" <<'JSON'
{"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-list","labels":{"app.kubernetes.io/managed-by":"odoo-saas"}}},
 {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"t-list"},"data":{"a":"1"}},
 {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"default-deny","namespace":"t-list"},
  "spec":{"podSelector":{},"policyTypes":["Ingress","Egress"]}}]}
JSON
out=$(k apply --server-side --force-conflicts --field-manager=odoo-saas -f "$OS_TMP/list.json")
check_eq "apply --server-side of a List file" \
    "namespace/t-list serverside-applied,configmap/cfg serverside-applied,networkpolicy.networking.k8s.io/default-deny serverside-applied" \
    "$(printf '%s\n' "$out" | paste -sd, -)"
out=$(k get networkpolicy -n t-list -o name)
check_eq "List items were created" "networkpolicy.networking.k8s.io/default-deny" "$out"

# Typed imperative commands send protobuf bodies: refused with 415 (documented).
out=$(k create namespace imperative); rc=$?
check_eq "kubectl create namespace (protobuf) fails" 1 "$rc"
check_contains "protobuf body: UnsupportedMediaType" "UnsupportedMediaType" "$out"
sim_finish
