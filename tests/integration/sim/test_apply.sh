#!/bin/sh
# odoo-saas-sim server-side apply (PATCH application/apply-patch+yaml):
# fieldManager required, create with 201, idempotent re-apply, updates,
# managedFields with one entry per manager, field conflicts (409 with
# FieldManagerConflict causes), shared ownership of equal values, force, and
# removal of fields a manager stops applying.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools
sim_start

A="Content-Type: application/apply-patch+yaml"
D=/apis/apps/v1/namespaces/t-acme/deployments
api POST /api/v1/namespaces -H "Content-Type: application/json" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-acme"}}'

deploy_yaml() { # replicas [extra label line]
    cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: odoo
  labels:
    app: odoo
$2
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
        image: "odoo:17"
YAML
}

api PATCH $D/odoo -H "$A" --data-binary "$(deploy_yaml 1)"
check_api "apply without fieldManager: 400" 400 '.message | contains("fieldManager is required for apply requests")' true
api PATCH "$D/odoo?fieldManager=mgr-a" -H "$A" --data-binary "$(deploy_yaml 1 '    tier: web')"
check_api "apply creates: 201" 201 .spec.replicas 1
check_eq "one managedFields entry, Apply by mgr-a" "mgr-a Apply 1" \
    "$(jqr '"\(.metadata.managedFields[0].manager) \(.metadata.managedFields[0].operation) \(.metadata.managedFields | length)"')"
check_eq "FieldsV1 lists spec.replicas" true "$(jqr '.metadata.managedFields[0].fieldsV1["f:spec"]["f:replicas"] != null')"
rv=$(jqr .metadata.resourceVersion)
api PATCH "$D/odoo?fieldManager=mgr-a" -H "$A" --data-binary "$(deploy_yaml 1 '    tier: web')"
check_api "re-apply of the same config: 200" 200 .metadata.resourceVersion "$rv"
api PATCH "$D/odoo?fieldManager=mgr-a" -H "$A" --data-binary "$(deploy_yaml 2 '    tier: web')"
check_api "apply a change: 200" 200 .spec.replicas 2
check_eq "generation follows the spec change" 2 "$(jqr .metadata.generation)"
check_eq "still one entry for mgr-a" 1 "$(jqr '[.metadata.managedFields[] | select(.manager=="mgr-a")] | length')"

api PATCH "$D/odoo?fieldManager=mgr-b" -H "$A" --data-binary "$(deploy_yaml 5)"
check_api "conflicting apply: 409 Conflict" 409 .reason Conflict
check_eq "conflict message" 'Apply failed with 1 conflict: conflict with "mgr-a" using apps/v1: .spec.replicas' "$(jqr .message)"
check_eq "FieldManagerConflict cause on .spec.replicas" "FieldManagerConflict .spec.replicas" \
    "$(jqr '"\(.details.causes[0].reason) \(.details.causes[0].field)"')"
check_eq "apply conflicts carry no name or kind" "null null" "$(jqr '"\(.details.name) \(.details.kind)"')"
api GET $D/odoo
check_api "the conflict changed nothing" 200 .spec.replicas 2

api PATCH "$D/odoo?fieldManager=mgr-b" -H "$A" --data-binary "$(deploy_yaml 2)"
check_api "applying the same value co-owns: 200" 200 '[.metadata.managedFields[].manager] | sort | join(",")' "mgr-a,mgr-b"
api PATCH "$D/odoo?fieldManager=mgr-b&force=true" -H "$A" --data-binary "$(deploy_yaml 7)"
check_api "force=true takes the field: 200" 200 .spec.replicas 7
check_eq "mgr-a lost spec.replicas" null \
    "$(jqr '.metadata.managedFields[] | select(.manager=="mgr-a") | .fieldsV1["f:spec"]["f:replicas"]')"

# mgr-a stops applying its tier label: the label goes (nobody else owns it).
api PATCH "$D/odoo?fieldManager=mgr-a" -H "$A" --data-binary "$(deploy_yaml 7)"
check_api "dropped field is removed" 200 '.metadata.labels.tier // "removed"' removed

# A field that was an empty object and now has content stays applied.
api PATCH "/api/v1/namespaces/t-acme/configmaps/grow?fieldManager=g" -H "$A" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"grow","annotations":{}}}'
api PATCH "/api/v1/namespaces/t-acme/configmaps/grow?fieldManager=g" -H "$A" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"grow","annotations":{"a":"1"}}}'
check_api "empty object that gains content keeps it" 200 .metadata.annotations.a 1

# A non-apply update takes ownership from the appliers.
api PATCH "$D/odoo?fieldManager=editor" -H "Content-Type: application/merge-patch+json" -d '{"spec":{"replicas":9}}'
check_api "merge patch by another manager: 200" 200 '[.metadata.managedFields[] | select(.manager=="editor") | .operation] | join(",")' Update
api PATCH "$D/odoo?fieldManager=mgr-b" -H "$A" --data-binary "$(deploy_yaml 7)"
check_eq "apply against the Update manager conflicts" 'Apply failed with 1 conflict: conflict with "editor" using apps/v1: .spec.replicas' "$(jqr .message)"

# JSON body, name mismatch, strict fields, missing namespace, dryRun.
api PATCH "/api/v1/namespaces/t-acme/configmaps/cfg?fieldManager=j" -H "$A" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"k":"v"}}'
check_api "apply with a JSON body: 201" 201 .data.k v
api PATCH "/api/v1/namespaces/t-acme/configmaps/cfg?fieldManager=j" -H "$A" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}'
check_api "apply with another name: 400" 400 .reason BadRequest
api PATCH "/api/v1/namespaces/t-acme/configmaps/cfg?fieldManager=j&fieldValidation=Strict" -H "$A" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"datas":{}}'
check_api "apply, Strict, unknown field: 400" 400 .message 'strict decoding error: unknown field "datas"'
api PATCH "/api/v1/namespaces/nowhere/configmaps/cfg?fieldManager=j" -H "$A" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}'
check_api "apply into a missing namespace: 404" 404 .message 'namespaces "nowhere" not found'
api PATCH "/api/v1/namespaces/t-acme/configmaps/dry?fieldManager=j&dryRun=All" -H "$A" \
    -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"dry"}}'
check_eq "apply dryRun: 201" 201 "$HTTP_CODE"
api GET /api/v1/namespaces/t-acme/configmaps/dry
check_api "apply dryRun stored nothing" 404 .reason NotFound
api PATCH "/apis/traefik.io/v1alpha1/namespaces/t-acme/ingressroutes/odoo?fieldManager=odoo-saas&force=true" -H "$A" \
    --data-binary 'apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: odoo
spec:
  entryPoints: [websecure]
  routes:
  - kind: Rule
    match: Host(`acme.example.com`)
    services: [{name: odoo, port: 8069}]'
check_api "apply an IngressRoute (CRD)" 201 '.spec.routes[0].services[0].port' 8069
# The tenant flow: namespace first, then its objects, all applied with force.
NSY='apiVersion: v1
kind: Namespace
metadata:
  name: tenant-acme
  labels:
    app.kubernetes.io/managed-by: odoo-saas
    odoo-saas.io/tenant: acme'
api PATCH "/api/v1/namespaces/tenant-acme?fieldManager=odoo-saas&force=true" -H "$A" --data-binary "$NSY"
check_api "apply a Namespace: 201" 201 '.metadata.labels["kubernetes.io/metadata.name"]' tenant-acme
check_eq "applied Namespace is Active with its labels" "Active acme" "$(jqr '"\(.status.phase) \(.metadata.labels["odoo-saas.io/tenant"])"')"
nrv=$(jqr .metadata.resourceVersion)
api PATCH "/api/v1/namespaces/tenant-acme?fieldManager=odoo-saas&force=true" -H "$A" --data-binary "$NSY"
check_api "re-apply of the Namespace is a no-op" 200 .metadata.resourceVersion "$nrv"
api PATCH "/api/v1/namespaces/tenant-acme/secrets/db?fieldManager=odoo-saas&force=true" -H "$A" \
    --data-binary 'apiVersion: v1
kind: Secret
metadata: {name: db}
stringData: {password: s3cret}'
check_api "apply a Secret with stringData" 201 .data.password czNjcmV0
check_eq "stringData is folded into data" null "$(jqr .stringData)"
api PATCH "/api/v1/namespaces/tenant-acme/secrets/db?fieldManager=odoo-saas&force=true" -H "$A" \
    --data-binary 'apiVersion: v1
kind: Secret
metadata: {name: db}
stringData: {password: s3cret}'
check_eq "re-apply of the Secret: 200" 200 "$HTTP_CODE"

api PATCH "$D/odoo?fieldManager=x" -H "$A" --data-binary 'kind: [unclosed'
check_api "malformed YAML: 400" 400 .reason BadRequest
sim_finish
