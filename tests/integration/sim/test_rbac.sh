#!/bin/sh
# odoo-saas-sim: the platform manifests (kubernetes/platform, kubernetes/
# odoo-saasd, the host's EndpointSlice with an address filled in) apply with
# real kubectl; the token controller fills odoo-saasd's ServiceAccount token
# Secret; requests with that token are authorized by RBAC, so the
# least-privilege ClusterRole of kubernetes/odoo-saasd/10-rbac.yaml is
# checked the way a real API server would check it (403 with the exact
# Status), also the create an apply needs when the object is missing;
# deleting the Secret revokes the token, and so does a deletionTimestamp
# on the Secret or the ServiceAccount; a token survives --state.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools kubectl base64
KC="kubectl --request-timeout=15s"
K8S=$OS_SRCDIR/kubernetes
SA_USER=system:serviceaccount:odoo-saas:odoo-saasd

os_tmpdir   # before sim_start: the --state path is in it
sim_start --state "$OS_TMP/state.json"

# ---- the manifests, as `odoo-saas deploy` (step platform) applies them ----
out=$($KC apply --server-side -f "$K8S/platform/" -f "$K8S/odoo-saasd/" 2>&1)
check_eq "kubectl apply --server-side -f kubernetes/platform/ -f kubernetes/odoo-saasd/" "0" "$?"
check_contains "... creates the ClusterRole" "clusterrole.rbac.authorization.k8s.io/odoo-saasd-api serverside-applied" "$out"
check_contains "... and its ClusterRoleBinding" "clusterrolebinding.rbac.authorization.k8s.io/odoo-saasd-api serverside-applied" "$out"
sed 's/192\.0\.2\.1/10.0.0.11/' "$K8S/host/endpointslice.yaml" >"$OS_TMP/slice.yaml"
out=$($KC apply --server-side -f "$OS_TMP/slice.yaml" 2>&1)
check_eq "kubernetes/host/endpointslice.yaml with the node's address applies" \
    "0 endpointslice.discovery.k8s.io/odoo-saasd-host serverside-applied" "$? $out"
check_eq "kubectl get endpointslices lists it with its address" "odoo-saasd-host IPv4 10.0.0.11" \
    "$($KC get endpointslices -n odoo-saas -o jsonpath='{.items[0].metadata.name} {.items[0].addressType} {.items[0].endpoints[0].addresses[0]}')"
check_eq "kubectl get endpointslices: kubectl's columns" "NAME ADDRESSTYPE PORTS ENDPOINTS AGE|odoo-saasd-host IPv4 8080 10.0.0.11" \
    "$($KC get endpointslices -n odoo-saas 2>&1 | awk 'NR == 1 {h = $1" "$2" "$3" "$4" "$5} NR == 2 {r = $1" "$2" "$3" "$4} END {print h "|" r}')"
check_eq "kubectl get clusterrolebinding shows the role" "ClusterRole/odoo-saasd-api" \
    "$($KC get clusterrolebinding odoo-saasd-api --no-headers 2>&1 | awk '{print $2}')"

# ---- a loopback EndpointSlice is refused as kube-apiserver refuses it ----
sed 's/10\.0\.0\.11/127.0.0.1/; s/name: odoo-saasd-host/name: loop/' "$OS_TMP/slice.yaml" >"$OS_TMP/loop.yaml"
out=$($KC apply --server-side -f "$OS_TMP/loop.yaml" 2>&1)
check_eq "a loopback address is refused" 1 "$?"
check_contains "... with the real message" \
    'The EndpointSlice "loop" is invalid: endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)' "$out"
api POST /apis/discovery.k8s.io/v1/namespaces/odoo-saas/endpointslices -H 'Content-Type: application/json' \
    -d '{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"ll"},"addressType":"IPv4","endpoints":[{"addresses":["169.254.1.1"]},{"addresses":[]}]}'
check_api "a link-local address and an empty endpoint: 422" 422 .reason Invalid
check_eq "... one cause each, with the field paths" \
    'endpoints[0].addresses[0]|Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10) endpoints[1].addresses|Required value: must contain at least 1 address' \
    "$(jqr '[.details.causes[] | "\(.field)|\(.message)"] | join(" ")')"

# ---- the token controller ----
tok_of() { $KC get secret -n "$1" "$2" -o jsonpath='{.data.token}' 2>/dev/null; }
sim_wait_for "the token controller fills odoo-saasd-token" 5 sh -c "test -n \"\$($KC get secret -n odoo-saas odoo-saasd-token -o jsonpath='{.data.token}')\""
SJ=$($KC get secret -n odoo-saas odoo-saasd-token -o json)
TOKEN=$(printf '%s' "$SJ" | jq -r '.data.token' | base64 -d)
check "the token is 64 hex characters" sh -c "printf '%s' '$TOKEN' | grep -qE '^[0-9a-f]{64}$'"
check_eq "data.ca.crt is the simulator's CA" "$(cat "$SIM_CA")" "$(printf '%s' "$SJ" | jq -r '.data["ca.crt"]' | base64 -d)"
check_eq "data.namespace is the Secret's namespace" odoo-saas "$(printf '%s' "$SJ" | jq -r '.data.namespace' | base64 -d)"
check_eq "the service-account.uid annotation is the ServiceAccount's uid" \
    "$($KC get sa -n odoo-saas odoo-saasd -o jsonpath='{.metadata.uid}')" \
    "$(printf '%s' "$SJ" | jq -r '.metadata.annotations["kubernetes.io/service-account.uid"]')"

# The daemon's kubeconfig, made from the Secret as the deploy makes it.
sa_kubeconfig() {
    cat >"$OS_TMP/sa.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: sim, cluster: {server: "$SIM_URL", certificate-authority-data: "$(printf '%s' "$SJ" | jq -r '.data["ca.crt"]')"}}]
users: [{name: odoo-saasd, user: {token: "$1"}}]
contexts: [{name: odoo-saasd, context: {cluster: sim, user: odoo-saasd}}]
current-context: odoo-saasd
EOF
}
sa_kubeconfig "$TOKEN"
SAKC="kubectl --request-timeout=15s --kubeconfig $OS_TMP/sa.kubeconfig"
# sa_api TOKEN METHOD PATH [CURL_ARGS...]: api with another bearer token.
sa_api() {
    _keep=$SIM_TOKEN SIM_TOKEN=$1
    shift
    api "$@"
    SIM_TOKEN=$_keep
}

# ---- what the ClusterRole allows ----
check_contains "kubectl as odoo-saasd: get namespaces" odoo-saas "$($SAKC get namespaces -o name 2>&1)"
sa_api "$TOKEN" GET /api/v1/namespaces
check_api "curl as odoo-saasd: list namespaces" 200 .kind NamespaceList
sa_api "$TOKEN" GET '/api/v1/namespaces?watch=true&timeoutSeconds=1'
check_eq "... watch namespaces" 200 "$HTTP_CODE"
sa_api "$TOKEN" GET /api/v1/namespaces/odoo-saas/secrets
check_api "... list secrets" 200 .kind SecretList
sa_api "$TOKEN" GET /apis
check_api "... discovery" 200 .kind APIGroupList
printf '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-rbac"}}\n' >"$OS_TMP/ns.json"
out=$($SAKC create -f "$OS_TMP/ns.json" 2>&1)
check_eq "kubectl as odoo-saasd: create a namespace" "0 namespace/tenant-rbac created" "$? $out"
cat >"$OS_TMP/cm.yaml" <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: odoo-config, namespace: tenant-rbac}
data: {a: b}
YAML
out=$($SAKC apply --server-side --field-manager=odoo-saas -f "$OS_TMP/cm.yaml" 2>&1)
check_eq "... server-side apply a ConfigMap into it (patch)" "0 configmap/odoo-config serverside-applied" "$? $out"

# ---- what it does not ----
sa_api "$TOKEN" GET /api/v1/nodes
check_api "curl as odoo-saasd: list nodes is 403" 403 .reason Forbidden
check_eq "... with the exact message" \
    "nodes is forbidden: User \"$SA_USER\" cannot list resource \"nodes\" in API group \"\" at the cluster scope" "$(jqr .message)"
check_eq "... and details" '{"kind":"nodes"}' "$(printf '%s' "$BODY" | jq -c .details)"
out=$($SAKC get nodes 2>&1)
check_contains "kubectl get nodes as odoo-saasd is Forbidden" \
    "Error from server (Forbidden): nodes is forbidden: User \"$SA_USER\" cannot list resource \"nodes\" in API group \"\" at the cluster scope" "$out"
sa_api "$TOKEN" GET /api/v1/namespaces/odoo-saas/secrets/odoo-saasd-token
check_api "reading a Secret by name is 403 (only list and create)" 403 .message \
    "secrets \"odoo-saasd-token\" is forbidden: User \"$SA_USER\" cannot get resource \"secrets\" in API group \"\" in the namespace \"odoo-saas\""
check_eq "... details name and kind" '{"name":"odoo-saasd-token","kind":"secrets"}' "$(printf '%s' "$BODY" | jq -c .details)"
sa_api "$TOKEN" DELETE /api/v1/namespaces/odoo-saas/secrets/odoo-saasd-token
check_api "... deleting it is 403" 403 .message \
    "secrets \"odoo-saasd-token\" is forbidden: User \"$SA_USER\" cannot delete resource \"secrets\" in API group \"\" in the namespace \"odoo-saas\""
sa_api "$TOKEN" GET '/apis/apps/v1/deployments?watch=true&timeoutSeconds=1'
check_eq "watching deployments is allowed" 200 "$HTTP_CODE"
sa_api "$TOKEN" PATCH /apis/apps/v1/namespaces/tenant-rbac/deployments/odoo/scale \
    -H 'Content-Type: application/merge-patch+json' -d '{"spec":{"replicas":0}}'
check_api "a subresource needs its own rule: deployments/scale is 403" 403 .message \
    "deployments.apps \"odoo\" is forbidden: User \"$SA_USER\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"tenant-rbac\""
check_eq "... details group apps, kind deployments" '{"name":"odoo","group":"apps","kind":"deployments"}' "$(printf '%s' "$BODY" | jq -c .details)"
sa_api "$TOKEN" POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings -H 'Content-Type: application/json' \
    -d '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"me-admin"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[{"kind":"ServiceAccount","name":"odoo-saasd","namespace":"odoo-saas"}]}'
check_api "no escalation: creating a ClusterRoleBinding is 403" 403 .message \
    "clusterrolebindings.rbac.authorization.k8s.io is forbidden: User \"$SA_USER\" cannot create resource \"clusterrolebindings\" in API group \"rbac.authorization.k8s.io\" at the cluster scope"
sa_api "$TOKEN" GET /apis/metrics.k8s.io/v1beta1/nodes
check_api "... no metrics" 403 .message \
    "nodes.metrics.k8s.io is forbidden: User \"$SA_USER\" cannot list resource \"nodes\" in API group \"metrics.k8s.io\" at the cluster scope"

# ---- a RoleBinding grants only in its namespace; a late ServiceAccount ----
cat >"$OS_TMP/late.yaml" <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: late-token
  namespace: tenant-rbac
  annotations: {kubernetes.io/service-account.name: late}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-reader, namespace: tenant-rbac}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: late-reads, namespace: tenant-rbac}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
subjects: [{kind: ServiceAccount, name: late}]
YAML
$KC apply --server-side -f "$OS_TMP/late.yaml" >/dev/null 2>&1
# A probe made after late-token, whose ServiceAccount exists: once the
# controller has filled it, it has looked at late-token too (a pass takes
# every Secret), so an empty late-token then means it was left alone.
cat >"$OS_TMP/probe.yaml" <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: probe, namespace: tenant-rbac}
---
apiVersion: v1
kind: Secret
metadata:
  name: probe-token
  namespace: tenant-rbac
  annotations: {kubernetes.io/service-account.name: probe}
type: kubernetes.io/service-account-token
YAML
$KC apply --server-side -f "$OS_TMP/probe.yaml" >/dev/null 2>&1
sim_wait_for "the token controller has run: probe-token, made after late-token, is filled" 5 \
    sh -c "test -n \"\$($KC get secret -n tenant-rbac probe-token -o jsonpath='{.data.token}')\""
check_eq "a token Secret whose ServiceAccount does not exist yet stays empty" "" "$(tok_of tenant-rbac late-token)"
printf '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"late","namespace":"tenant-rbac"}}\n' | $KC create -f - >/dev/null 2>&1
sim_wait_for "... and is filled once the ServiceAccount appears" 3 sh -c "test -n \"\$($KC get secret -n tenant-rbac late-token -o jsonpath='{.data.token}')\""
LATE=$(tok_of tenant-rbac late-token | base64 -d)
sa_api "$LATE" GET /api/v1/namespaces/tenant-rbac/configmaps/odoo-config
check_api "the RoleBinding's Role grants get in its namespace" 200 .data.a b
sa_api "$LATE" GET /api/v1/namespaces/odoo-saas/configmaps/odoo-config
check_api "... and not in another one" 403 .message \
    "configmaps \"odoo-config\" is forbidden: User \"system:serviceaccount:tenant-rbac:late\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"odoo-saas\""
out=$($KC patch rolebinding -n tenant-rbac late-reads --type=merge -p '{"roleRef":{"name":"other"}}' 2>&1)
check_contains "a binding's roleRef cannot change" 'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef' "$out"

# ---- an apply that creates needs create, not only patch ----
cat >"$OS_TMP/patcher.yaml" <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: cm-patcher, namespace: tenant-rbac}
---
apiVersion: v1
kind: Secret
metadata:
  name: cm-patcher-token
  namespace: tenant-rbac
  annotations: {kubernetes.io/service-account.name: cm-patcher}
type: kubernetes.io/service-account-token
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-patch-only, namespace: tenant-rbac}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, patch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm-patcher, namespace: tenant-rbac}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-patch-only}
subjects: [{kind: ServiceAccount, name: cm-patcher}]
YAML
$KC apply --server-side -f "$OS_TMP/patcher.yaml" >/dev/null 2>&1
sim_wait_for "cm-patcher's token is filled" 5 sh -c "test -n \"\$($KC get secret -n tenant-rbac cm-patcher-token -o jsonpath='{.data.token}')\""
PATCHER=$(tok_of tenant-rbac cm-patcher-token | base64 -d)
CM=/api/v1/namespaces/tenant-rbac/configmaps
sa_api "$PATCHER" PATCH "$CM/new-cm?fieldManager=cm-patcher" -H 'Content-Type: application/apply-patch+yaml' \
    --data-binary 'apiVersion: v1
kind: ConfigMap
metadata: {name: new-cm, namespace: tenant-rbac}
data: {c: d}'
check_api "patch without create: an apply that would create is 403" 403 .message 'configmaps "new-cm" is forbidden: '
check_eq "... reason Forbidden, details name and kind" 'Forbidden {"name":"new-cm","kind":"configmaps"}' \
    "$(jqr .reason) $(printf '%s' "$BODY" | jq -c .details)"
api GET "$CM/new-cm"
check_eq "... and nothing was created" 404 "$HTTP_CODE"
sa_api "$PATCHER" PATCH "$CM/new-cm?fieldManager=cm-patcher&dryRun=All" -H 'Content-Type: application/apply-patch+yaml' \
    --data-binary '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"new-cm"},"data":{"c":"d"}}'
check_eq "... a dry run too" 403 "$HTTP_CODE"
sa_api "$PATCHER" PATCH "$CM/odoo-config?fieldManager=cm-patcher" -H 'Content-Type: application/apply-patch+yaml' \
    --data-binary '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"odoo-config"},"data":{"c":"d"}}'
check_api "... an apply to an existing ConfigMap is a patch: 200" 200 .data.c d
sa_api "$PATCHER" PATCH "$CM/new-cm" -H 'Content-Type: application/merge-patch+json' -d '{"data":{"c":"d"}}'
check_api "... a merge patch of a missing one is 404, not 403" 404 .reason NotFound
api PATCH "$CM/new-cm?fieldManager=admin" -H 'Content-Type: application/apply-patch+yaml' \
    --data-binary '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"new-cm"},"data":{"c":"d"}}'
check_eq "the admin token's apply creates it" 201 "$HTTP_CODE"

# ---- a list named by fieldSelector is authorized for that name ----
cat >"$OS_TMP/named.yaml" <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-one, namespace: tenant-rbac}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [list, watch], resourceNames: [odoo-config]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm-one, namespace: tenant-rbac}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-one}
subjects: [{kind: ServiceAccount, name: cm-patcher}]
YAML
$KC apply --server-side -f "$OS_TMP/named.yaml" >/dev/null 2>&1
sa_api "$PATCHER" GET "$CM?fieldSelector=metadata.name%3Dodoo-config"
check_api "resourceNames [odoo-config] allows a list with fieldSelector metadata.name=odoo-config" 200 '.items[0].metadata.name' odoo-config
sa_api "$PATCHER" GET "$CM?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dodoo-config"
check_eq "... and its watch" 200 "$HTTP_CODE"
sa_api "$PATCHER" GET "$CM?fieldSelector=metadata.name%3Dnew-cm"
check_api "... not another name" 403 .message \
    "configmaps \"new-cm\" is forbidden: User \"system:serviceaccount:tenant-rbac:cm-patcher\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"tenant-rbac\""
sa_api "$PATCHER" GET "$CM"
check_eq "... nor an unnamed list" 403 "$HTTP_CODE"
sa_api "$PATCHER" GET "$CM/new-cm?watch=true"
check_api "a named GET with ?watch=true is a get (its Role has get)" 200 .metadata.name new-cm

# ---- a token whose ServiceAccount or Secret is being deleted: 401 ----
cat >"$OS_TMP/doomed.yaml" <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: doomed, namespace: tenant-rbac, finalizers: [example.com/hold]}
---
apiVersion: v1
kind: Secret
metadata:
  name: doomed-token
  namespace: tenant-rbac
  annotations: {kubernetes.io/service-account.name: doomed}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: keeper, namespace: tenant-rbac}
---
apiVersion: v1
kind: Secret
metadata:
  name: keeper-token
  namespace: tenant-rbac
  finalizers: [example.com/hold]
  annotations: {kubernetes.io/service-account.name: keeper}
type: kubernetes.io/service-account-token
YAML
$KC apply --server-side -f "$OS_TMP/doomed.yaml" >/dev/null 2>&1
sim_wait_for "doomed-token and keeper-token are filled" 5 sh -c \
    "test -n \"\$($KC get secret -n tenant-rbac doomed-token -o jsonpath='{.data.token}')\" && test -n \"\$($KC get secret -n tenant-rbac keeper-token -o jsonpath='{.data.token}')\""
DOOMED=$(tok_of tenant-rbac doomed-token | base64 -d)
KEEPER=$(tok_of tenant-rbac keeper-token | base64 -d)
sa_api "$DOOMED" GET /apis
check_eq "doomed's token authenticates while its ServiceAccount lives" 200 "$HTTP_CODE"
sa_api "$KEEPER" GET /apis
check_eq "keeper's token too" 200 "$HTTP_CODE"
$KC delete sa -n tenant-rbac doomed --wait=false >/dev/null 2>&1
check "the ServiceAccount is Terminating (its finalizer holds it)" sh -c \
    "test -n \"\$($KC get sa -n tenant-rbac doomed -o jsonpath='{.metadata.deletionTimestamp}')\""
sa_api "$DOOMED" GET /apis
check_api "a token whose ServiceAccount is being deleted is 401" 401 .reason Unauthorized
check_eq "... with the usual 401 Status" "Failure Unauthorized 401" "$(jqr '"\(.status) \(.message) \(.code)"')"
$KC delete secret -n tenant-rbac keeper-token --wait=false >/dev/null 2>&1
check "keeper-token is Terminating" sh -c \
    "test -n \"\$($KC get secret -n tenant-rbac keeper-token -o jsonpath='{.metadata.deletionTimestamp}')\""
sa_api "$KEEPER" GET /apis
check_api "a token whose Secret is being deleted is 401" 401 .reason Unauthorized
for o in sa/doomed secret/keeper-token; do
    $KC patch -n tenant-rbac "$o" --type=merge -p '{"metadata":{"finalizers":null}}' >/dev/null 2>&1
done

# ---- tokens: unknown, surviving a restart, revoked ----
sa_api "not-a-token" GET /api/v1/namespaces
check_api "an unknown token is 401" 401 .reason Unauthorized
sim_stop
sim_start --state "$OS_TMP/state.json"
sa_api "$TOKEN" GET /api/v1/namespaces
check_api "after a --state restart the token still works" 200 .kind NamespaceList
sim_wait_for "... and its Secret's ca.crt follows the new CA" 3 sh -c \
    "$KC get secret -n odoo-saas odoo-saasd-token -o jsonpath='{.data.ca\\.crt}' | base64 -d | cmp -s - '$SIM_CA'"
$KC delete secret -n odoo-saas odoo-saasd-token >/dev/null 2>&1
sa_api "$TOKEN" GET /api/v1/namespaces
check_api "deleting the Secret revokes the token: 401" 401 .reason Unauthorized
$KC delete sa -n tenant-rbac late >/dev/null 2>&1
sa_api "$LATE" GET /api/v1/namespaces/tenant-rbac/configmaps/odoo-config
check_eq "deleting the ServiceAccount revokes its tokens: 401" 401 "$HTTP_CODE"
sim_finish
