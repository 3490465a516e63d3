#!/bin/sh
# odoo-saas-sim namespace deletion lifecycle (K8S-CONTRACT.md section 5):
# DELETE answers the Namespace in phase Terminating, creates into it are 403
# with the NamespaceTerminating cause, a second DELETE is 409, and after
# --ns-delete-delay-ms the namespace and its content are gone, which a watch
# sees as MODIFIED then DELETED.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools
sim_start --ns-delete-delay-ms 1500

J="Content-Type: application/json"
api POST /api/v1/namespaces -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-acme"}}'
api POST /api/v1/namespaces/t-acme/configmaps -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}'
api POST /api/v1/namespaces/t-acme/secrets -H "$J" -d '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"}}'
api POST /apis/apps/v1/namespaces/t-acme/deployments -H "$J" -d '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"odoo"},"spec":{"selector":{"matchLabels":{"app":"odoo"}},"template":{"metadata":{"labels":{"app":"odoo"}},"spec":{"containers":[{"name":"odoo","image":"odoo:17"}]}}}}'
check_eq "setup: content created" 201 "$HTTP_CODE"
api GET /api/v1/namespaces
lrv=$(jqr .metadata.resourceVersion)
curl -sS --no-buffer --max-time 20 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    "$SIM_URL/api/v1/namespaces?watch=1&resourceVersion=$lrv&fieldSelector=metadata.name%3Dt-acme&timeoutSeconds=15" \
    >"$OS_TMP/nsw" 2>&1 &
wpid=$!
curl -sS --no-buffer --max-time 20 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    "$SIM_URL/api/v1/namespaces/t-acme/configmaps?watch=1&timeoutSeconds=15" >"$OS_TMP/cmw" 2>&1 &
cpid=$!
sleep 0.3

api DELETE /api/v1/namespaces/t-acme
check_api "DELETE answers the Namespace: 200" 200 .kind Namespace
check_eq "phase Terminating" Terminating "$(jqr .status.phase)"
check_eq "deletionTimestamp set" true "$(jqr '.metadata.deletionTimestamp != null')"
check_eq "NamespaceContentRemaining lists what remains" \
    "True SomeResourcesRemain Some resources are remaining: configmaps. has 1 resource instances, deployments.apps has 1 resource instances, secrets. has 1 resource instances" \
    "$(jqr '.status.conditions[] | select(.type=="NamespaceContentRemaining") | "\(.status) \(.reason) \(.message)"')"
check_eq "NamespaceFinalizersRemaining False" "False ContentHasNoFinalizers" \
    "$(jqr '.status.conditions[] | select(.type=="NamespaceFinalizersRemaining") | "\(.status) \(.reason)"')"
api GET /api/v1/namespaces/t-acme
check_api "GET during termination: 200 Terminating" 200 .status.phase Terminating
api DELETE /api/v1/namespaces/t-acme
check_eq "second DELETE: contract 409 body" \
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on namespaces \"t-acme\": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.","reason":"Conflict","details":{"name":"t-acme","kind":"namespaces"},"code":409}' \
    "$BODY"
api POST /api/v1/namespaces/t-acme/secrets -H "$J" -d '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db-credentials"}}'
check_eq "create into a terminating namespace: contract 403 body" \
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"secrets \"db-credentials\" is forbidden: unable to create new content in namespace t-acme because it is being terminated","reason":"Forbidden","details":{"name":"db-credentials","kind":"secrets","causes":[{"reason":"NamespaceTerminating","message":"namespace t-acme is being terminated","field":"metadata.namespace"}]},"code":403}' \
    "$BODY"
check_eq "403 code" 403 "$HTTP_CODE"
api PATCH /apis/apps/v1/namespaces/t-acme/deployments/odoo -H "Content-Type: application/merge-patch+json" -d '{"spec":{"replicas":0}}'
check_api "updates are still allowed while terminating" 200 .spec.replicas 0
api POST /api/v1/namespaces -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-acme"}}'
check_api "re-create while terminating: 409" 409 .message 'object is being deleted: namespaces "t-acme" already exists'

i=0
while [ $i -lt 100 ]; do
    api GET /api/v1/namespaces/t-acme
    [ "$HTTP_CODE" = 404 ] && break
    sleep 0.1
    i=$((i + 1))
done
check_api "namespace gone after the delay" 404 .message 'namespaces "t-acme" not found'
[ $i -ge 5 ] && ok "namespace stayed Terminating for a while" || not_ok "namespace stayed Terminating for a while" "gone after $i polls"
api GET /api/v1/namespaces/t-acme/configmaps/cfg
check_api "content gone: configmap" 404 .reason NotFound
api GET /apis/apps/v1/deployments
check_eq "content gone: no deployment left in t-acme" 0 "$(jqr '[.items[] | select(.metadata.namespace=="t-acme")] | length')"
api GET /api/v1/secrets
check_eq "content gone: no secret left in t-acme" 0 "$(jqr '[.items[] | select(.metadata.namespace=="t-acme")] | length')"

i=0
while ! grep -q '"DELETED"' "$OS_TMP/nsw" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "namespace watch: first MODIFIED Terminating" "MODIFIED Terminating" \
    "$(head -n 1 "$OS_TMP/nsw" | jq -r '"\(.type) \(.object.status.phase)"')"
check_eq "namespace watch: DELETED last" DELETED "$(tail -n 1 "$OS_TMP/nsw" | jq -r .type)"
i=0
while ! grep -q '"DELETED"' "$OS_TMP/cmw" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check_contains "configmap watch sees the content DELETED" '"type":"DELETED"' "$(cat "$OS_TMP/cmw")"

api POST /api/v1/namespaces -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-acme"}}'
check_api "the name can be used again" 201 .status.phase Active
kill "$wpid" "$cpid" 2>/dev/null
sim_finish
