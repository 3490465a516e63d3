#!/bin/sh
# odoo-saas-sim REST verbs through curl: create/get/list/replace/patch/
# delete with the exact Status texts of K8S-CONTRACT.md, selectors, paging,
# field validation, dryRun, generateName, the CRD and the metrics API.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools
sim_start

J="Content-Type: application/json"
NS=/api/v1/namespaces
DEP=/apis/apps/v1/namespaces/t-acme/deployments

# ---- create ----
api POST $NS -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-acme"}}'
check_api "create namespace: 201" 201 .status.phase Active
check_eq "automatic kubernetes.io/metadata.name label" t-acme "$(jqr '.metadata.labels["kubernetes.io/metadata.name"]')"
check_eq "finalizer in spec.finalizers" kubernetes "$(jqr '.spec.finalizers[0]')"
check_eq "uid is set" 36 "$(jqr '.metadata.uid | length')"
rv1=$(jqr .metadata.resourceVersion)
api POST $NS -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-acme"}}'
check_api "duplicate namespace: 409" 409 .message 'namespaces "t-acme" already exists'
check_eq "AlreadyExists reason and plural kind" "AlreadyExists namespaces t-acme" "$(jqr '"\(.reason) \(.details.kind) \(.details.name)"')"

api POST $NS -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"Tenant_1"}}'
check_api "bad namespace name: 422" 422 .message \
    "Namespace \"Tenant_1\" is invalid: metadata.name: Invalid value: \"Tenant_1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
check_eq "422 details: Kind, cause type and field" "Namespace FieldValueInvalid metadata.name" \
    "$(jqr '"\(.details.kind) \(.details.causes[0].reason) \(.details.causes[0].field)"')"

api POST /api/v1/namespaces/t-acme/services -H "$J" \
    -d '{"apiVersion":"v1","kind":"Service","metadata":{"name":"1db"},"spec":{"ports":[{"port":5432}]}}'
check_api "Service name must be DNS-1035: 422" 422 .details.causes[0].message \
    "Invalid value: \"1db\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
api POST /api/v1/namespaces/t-acme/services -H "$J" -d '{"apiVersion":"v1","kind":"Service","metadata":{"name":"db"},"spec":{}}'
check_api "Service without ports: 422" 422 .message 'Service "db" is invalid: spec.ports: Required value'
api POST /api/v1/namespaces/t-acme/services -H "$J" \
    -d '{"apiVersion":"v1","kind":"Service","metadata":{"name":"db","labels":{"bad key":"x"}},"spec":{"ports":[{"port":5432}]}}'
check_api "bad label key: 422 on metadata.labels" 422 .details.causes[0].field metadata.labels
api POST /api/v1/namespaces/t-acme/services -H "$J" \
    -d '{"apiVersion":"v1","kind":"Service","metadata":{"name":"db"},"spec":{"ports":[{"port":5432}]}}'
check_api "create Service: 201" 201 .spec.type ClusterIP
check_contains "ClusterIP from the MicroK8s service range" "10.152.183." "$(jqr .spec.clusterIP)"

api POST /api/v1/namespaces/t-missing/secrets -H "$J" -d '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}'
check_eq "create into a missing namespace: contract body" \
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \"t-missing\" not found","reason":"NotFound","details":{"name":"t-missing","kind":"namespaces"},"code":404}' \
    "$BODY"
check_eq "create into a missing namespace: 404" 404 "$HTTP_CODE"

api POST /api/v1/namespaces/t-acme/secrets -H "$J" -d '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"other"}}'
check_api "namespace in body differs from URL: 400" 400 .message \
    "the namespace of the provided object does not match the namespace sent on the request"

api POST $DEP -H "$J" -d '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"odoo"},"spec":{"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"odoo","image":"odoo:17"}]}}}}'
check_api "Deployment without selector: 422 with two causes" 422 .message \
    'Deployment.apps "odoo" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`]'
check_eq "two causes: Required then Invalid" "FieldValueRequired,FieldValueInvalid" "$(jqr '[.details.causes[].reason] | join(",")')"
check_eq "422 details.kind is the Kind, group apps" "Deployment apps" "$(jqr '"\(.details.kind) \(.details.group)"')"
api POST $DEP -H "$J" -d '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"odoo"},"spec":{"selector":{"matchLabels":{"app":"odoo"}},"template":{"metadata":{"labels":{"app":"odoo"}},"spec":{"containers":[{"name":"odoo"}]}}}}'
check_api "container without image: 422" 422 .details.causes[0].field "spec.template.spec.containers[0].image"

DEPLOY='{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"odoo","labels":{"app":"odoo"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"odoo"}},"template":{"metadata":{"labels":{"app":"odoo"}},"spec":{"containers":[{"name":"odoo","image":"odoo:17"}]}}}}'
api POST "$DEP?fieldManager=test" -H "$J" -d "$DEPLOY"
check_api "create Deployment: 201" 201 .metadata.generation 1
check_eq "managedFields records the creator" "test Update" "$(jqr '.metadata.managedFields[0] | "\(.manager) \(.operation)"')"
rv2=$(jqr .metadata.resourceVersion)
[ "$rv2" -gt "$rv1" ] && ok "resourceVersion grows across writes" || not_ok "resourceVersion grows across writes" "$rv1 then $rv2"

# ---- get ----
api GET $DEP/odoo
check_api "get Deployment carries kind" 200 .kind Deployment
api GET $DEP/nope
check_eq "get missing: contract body" \
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \"nope\" not found","reason":"NotFound","details":{"name":"nope","group":"apps","kind":"deployments"},"code":404}' \
    "$BODY"

# ---- replace ----
api GET $DEP/odoo
obj=$BODY
stale=$(printf '%s' "$obj" | jq -c '.spec.replicas=2')
api PUT $DEP/odoo -H "$J" -d "$stale"
check_api "PUT with the current version: 200" 200 .spec.replicas 2
check_eq "generation bumped on a spec change" 2 "$(jqr .metadata.generation)"
api PUT $DEP/odoo -H "$J" -d "$stale"
check_api "PUT with a stale resourceVersion: 409" 409 .message \
    'Operation cannot be fulfilled on deployments.apps "odoo": the object has been modified; please apply your changes to the latest version and try again'
check_eq "Conflict details" "Conflict deployments apps" "$(jqr '"\(.reason) \(.details.kind) \(.details.group)"')"
api PUT $DEP/ghost -H "$J" -d "$(printf '%s' "$obj" | jq -c '.metadata.name="ghost" | del(.metadata.resourceVersion)')"
check_api "PUT of a missing object: 404" 404 .message 'deployments.apps "ghost" not found'
api PUT $DEP/odoo -H "$J" -d "$(printf '%s' "$obj" | jq -c '.metadata.name="other"')"
check_api "PUT with another name: 400" 400 .message 'the name of the object (other) does not match the name on the URL (odoo)'
api PUT $NS/t-acme -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"t-acme","labels":{"team":"a"}}}'
check_api "PUT of a Namespace: 200" 200 .metadata.labels.team a
check_eq "PUT keeps kubernetes.io/metadata.name" t-acme "$(jqr '.metadata.labels["kubernetes.io/metadata.name"]')"

# ---- patch ----
api PATCH $DEP/odoo -H "Content-Type: application/merge-patch+json" -d '{"metadata":{"labels":{"tier":"web"}}}'
check_api "merge patch: 200" 200 .metadata.labels.tier web
check_eq "label change keeps the generation" 2 "$(jqr .metadata.generation)"
api PATCH $DEP/odoo -H "Content-Type: application/merge-patch+json" -d '{"metadata":{"labels":{"tier":null}}}'
check_api "merge patch null removes" 200 '.metadata.labels.tier // "gone"' gone
api PATCH $DEP/odoo -H "Content-Type: application/merge-patch+json" -d '{"metadata":{"resourceVersion":"1"},"spec":{"replicas":5}}'
check_api "merge patch with a stale resourceVersion: 409" 409 .reason Conflict
api PATCH $DEP/odoo -H "Content-Type: application/json-patch+json" \
    -d '[{"op":"test","path":"/spec/replicas","value":2},{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/annotations","value":{"a/b":"c"}},{"op":"remove","path":"/metadata/labels/app"}]'
check_api "JSON patch test+replace+add+remove: 200" 200 .spec.replicas 4
check_eq "JSON patch add with an escaped key" c "$(jqr '.metadata.annotations["a/b"]')"
check_eq "JSON patch remove" null "$(jqr .metadata.labels.app)"
api PATCH $DEP/odoo -H "Content-Type: application/json-patch+json" -d '[{"op":"test","path":"/spec/replicas","value":99}]'
check_api "JSON patch failing test: 422" 422 .reason Invalid
api PATCH $DEP/odoo -H "Content-Type: application/strategic-merge-patch+json" -d '{"spec":{"replicas":3}}'
check_api "strategic merge patch on a built-in type: 200" 200 .spec.replicas 3
SMP="Content-Type: application/strategic-merge-patch+json"
api POST $DEP -H "$J" -d '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"smp"},"spec":{"selector":{"matchLabels":{"app":"smp"}},"template":{"metadata":{"labels":{"app":"smp"}},"spec":{"containers":[{"name":"odoo","image":"odoo:17","ports":[{"containerPort":8069}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side","image":"busybox"}]}}}}'
api PATCH $DEP/smp -H "$SMP" -d '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"odoo"},{"name":"side"}],"containers":[{"name":"odoo","image":"odoo:18","env":[{"name":"B","$patch":"delete"},{"name":"C","value":"3"}]}]}}}}'
check_api "strategic merge: container merged by name" 200 '[.spec.template.spec.containers[] | "\(.name)=\(.image)"] | join(",")' "odoo=odoo:18,side=busybox"
check_eq "strategic merge: untouched fields of the container kept" 8069 "$(jqr '.spec.template.spec.containers[0].ports[0].containerPort')"
check_eq "strategic merge: env merged by name, \$patch delete" "A=1,C=3" "$(jqr '[.spec.template.spec.containers[0].env[] | "\(.name)=\(.value)"] | join(",")')"
check_eq "strategic merge: directives are not stored" 0 "$(printf '%s' "$BODY" | grep -c 'setElementOrder')"
api PATCH $DEP/smp -H "$SMP" -d '{"metadata":{"labels":{"x":"y"}},"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}}'
check_api "strategic merge: \$patch delete of a list item" 200 '[.spec.template.spec.containers[].name] | join(",")' odoo
api PATCH $DEP/smp -H "$SMP" -d '{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}'
check_api "strategic merge: \$patch replace of a map" 200 '.spec.strategy | keys | join(",")' type
api PATCH $DEP/odoo -H "Content-Type: text/plain" -d 'x'
check_api "patch with an unknown type: 415" 415 .reason UnsupportedMediaType
api PATCH $DEP/nope -H "Content-Type: application/merge-patch+json" -d '{}'
check_api "patch of a missing object: 404" 404 .reason NotFound

# ---- the /status subresource ----
api PATCH $DEP/odoo/status -H "Content-Type: application/merge-patch+json" -d '{"status":{"replicas":3,"readyReplicas":1},"spec":{"replicas":99}}'
check_api "PATCH /status sets status" 200 .status.readyReplicas 1
check_eq "PATCH /status ignores spec" 3 "$(jqr .spec.replicas)"
api GET $DEP/odoo/status
check_api "GET /status" 200 .status.replicas 3
api PATCH $DEP/odoo -H "Content-Type: application/merge-patch+json" -d '{"status":{"readyReplicas":7}}'
check_api "a main-resource write keeps status" 200 .status.readyReplicas 1
api GET $DEP/odoo/scale
check_api "GET /scale" 200 '"\(.kind) \(.spec.replicas) \(.status.selector)"' "Scale 3 app=odoo"
api PATCH $DEP/odoo/scale -H "Content-Type: application/merge-patch+json" -d '{"spec":{"replicas":2}}'
check_api "PATCH /scale" 200 .spec.replicas 2
api GET $DEP/odoo
check_eq "scale changed the Deployment" 2 "$(jqr .spec.replicas)"

# ---- the CRD ----
IR=/apis/traefik.io/v1alpha1/namespaces/t-acme/ingressroutes
api POST $IR -H "$J" -d '{"apiVersion":"traefik.io/v1alpha1","kind":"IngressRoute","metadata":{"name":"odoo"},"spec":{"entryPoints":["websecure"],"routes":[{"kind":"Rule","match":"Host(`acme.example.com`)","services":[{"name":"odoo","port":8069}]}]}}'
check_api "create IngressRoute: 201" 201 .kind IngressRoute
api GET $IR
check_api "CRD list items keep kind" 200 '.items[0].kind' IngressRoute
check_eq "CRD list kind" IngressRouteList "$(jqr .kind)"
api PATCH $IR/odoo -H "Content-Type: application/strategic-merge-patch+json" -d '{"spec":{}}'
check_eq "strategic merge on the CRD: contract 415 body" \
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml","reason":"UnsupportedMediaType","code":415}' \
    "$BODY"
api PATCH $IR/odoo -H "Content-Type: application/merge-patch+json" -d '{"spec":{"entryPoints":["web"]}}'
check_api "merge patch on the CRD: 200" 200 '.spec.entryPoints[0]' web

# ---- field validation ----
api POST "/api/v1/namespaces/t-acme/configmaps?fieldValidation=Strict" -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"datum":{}}'
check_api "Strict, unknown top-level field: 400" 400 .message 'strict decoding error: unknown field "datum"'
api POST "$DEP?fieldValidation=Strict" -H "$J" -d "$(printf '%s' "$DEPLOY" | jq -c '.metadata.name="strict" | .spec.foo=1')"
check_api "Strict, unknown spec field: 400" 400 .message 'strict decoding error: unknown field "spec.foo"'
api POST "$DEP" -H "$J" -d "$(printf '%s' "$DEPLOY" | jq -c '.metadata.name="warned" | .spec.foo=1 | .metadata.bar=2')"
check_eq "Warn (default): created anyway" 201 "$HTTP_CODE"
check_contains "Warn: Warning header for spec.foo" 'Warning: 299 - "unknown field \"spec.foo\""' "$HEADERS"
check_contains "Warn: Warning header for metadata.bar" 'Warning: 299 - "unknown field \"metadata.bar\""' "$HEADERS"
check_eq "Warn: unknown fields are not stored" "null null" "$(jqr '"\(.spec.foo) \(.metadata.bar)"')"
api POST "$DEP?fieldValidation=Ignore" -H "$J" -d "$(printf '%s' "$DEPLOY" | jq -c '.metadata.name="ignored" | .spec.foo=1')"
check_eq "Ignore: 201" 201 "$HTTP_CODE"
check_eq "Ignore: unknown field dropped" null "$(jqr .spec.foo)"
case "$HEADERS" in *Warning*) not_ok "Ignore: no Warning header" "$HEADERS" ;; *) ok "Ignore: no Warning header" ;; esac

# ---- dryRun and generateName ----
api POST "/api/v1/namespaces/t-acme/secrets?dryRun=All" -H "$J" -d '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"dry"}}'
check_api "dryRun create: 201" 201 .metadata.name dry
api GET /api/v1/namespaces/t-acme/secrets/dry
check_api "dryRun create stored nothing" 404 .reason NotFound
api POST /api/v1/namespaces/t-acme/secrets -H "$J" -d '{"apiVersion":"v1","kind":"Secret","metadata":{"generateName":"db-"}}'
check_api "generateName: 201" 201 '.metadata.name | test("^db-[bcdfghjklmnpqrstvwxz2456789]{5}$")' true

# ---- list: selectors and paging ----
api GET "/api/v1/pods?labelSelector=k8s-app%3Dkube-dns"
check_api "labelSelector k8s-app=kube-dns" 200 '[.items[].metadata.name | startswith("coredns-")] | all' true
check_eq "one CoreDNS pod" 1 "$(jqr '.items | length')"
check_eq "list items have no kind" null "$(jqr '.items[0].kind')"
check_eq "list kind and apiVersion" "PodList v1" "$(jqr '"\(.kind) \(.apiVersion)"')"
api GET "/api/v1/pods?labelSelector=k8s-app%20in%20(kube-dns,metrics-server)"
check_eq "labelSelector with in (...)" 2 "$(jqr '.items | length')"
api GET "/api/v1/namespaces/kube-system/pods?labelSelector=!k8s-app"
check_eq "labelSelector !key" 0 "$(jqr '.items | length')"
api GET "/api/v1/pods?labelSelector=app%20in%20prod"
check_api "bad labelSelector: 400" 400 '.message | startswith("unable to parse requirement: ")' true
api GET "/api/v1/pods?fieldSelector=spec.foo%3Dx"
check_api "unsupported fieldSelector: 400" 400 .message "field label not supported: spec.foo"
api GET "/api/v1/pods?fieldSelector=spec.nodeName%3Dsim-node-1,status.phase!%3DSucceeded"
check_api "fieldSelector spec.nodeName" 200 '[.items[].spec.nodeName] | unique | join(",")' sim-node-1
api GET "/api/v1/namespaces?fieldSelector=metadata.name%3Dkube-system"
check_eq "fieldSelector metadata.name" kube-system "$(jqr '[.items[].metadata.name] | join(",")')"

api GET /api/v1/pods
total=$(jqr '.items | length')
api GET "/api/v1/pods?limit=3"
check_api "page 1 has 3 items" 200 '.items | length' 3
tok=$(jqr .metadata.continue)
lrv=$(jqr .metadata.resourceVersion)
check_eq "page 1 remainingItemCount" $((total - 3)) "$(jqr .metadata.remainingItemCount)"
names=$(jqr '.items[].metadata.name')
pages=1
while [ -n "$tok" ] && [ "$tok" != null ] && [ $pages -lt 20 ]; do
    api GET "/api/v1/pods?limit=3&continue=$tok"
    [ "$(jqr .metadata.resourceVersion)" = "$lrv" ] || not_ok "page $pages keeps the list resourceVersion"
    names="$names
$(jqr '.items[].metadata.name')"
    tok=$(jqr '.metadata.continue // empty')
    pages=$((pages + 1))
done
check_eq "pages cover every pod once" "$total" "$(printf '%s\n' "$names" | sort -u | grep -c .)"
check_eq "page count" $(((total + 2) / 3)) "$pages"
api GET "/api/v1/pods?limit=3&continue=%%%"
check_api "bad continue token: 400" 400 .reason BadRequest
api GET "/api/v1/pods?limit=3&continue=$(jqr .metadata.continue)&resourceVersion=1"
api GET "/api/v1/pods?limit=3"
api GET "/api/v1/pods?limit=3&continue=$(jqr .metadata.continue)&resourceVersion=$(jqr .metadata.resourceVersion)"
check_api "continue with resourceVersion: 400" 400 .message "specifying resource version is not allowed when using continue"
api GET "/api/v1/pods?resourceVersion=999999"
check_api "list at a future resourceVersion: 504" 504 .reason Timeout
check_eq "504 retryAfterSeconds" 1 "$(jqr .details.retryAfterSeconds)"
check_eq "504 message" true "$(jqr '.message | test("^Timeout: Too large resource version: 999999, current: [0-9]+$")')"
api GET "/api/v1/pods?resourceVersion=0"
check_api "list at resourceVersion 0" 200 .kind PodList

# ---- delete ----
api DELETE $DEP/warned
check_api "delete: Status Success" 200 .status Success
check_eq "Success details" "warned apps deployments" "$(jqr '"\(.details.name) \(.details.group) \(.details.kind)"')"
api GET $DEP/warned
check_api "deleted object is gone" 404 .reason NotFound
api DELETE $DEP/warned
check_api "delete missing: 404" 404 .message 'deployments.apps "warned" not found'
api DELETE $DEP/ignored -H "$J" -d '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}'
check_api "Foreground delete answers the object" 200 '.metadata.finalizers[0]' foregroundDeletion
check_eq "Foreground delete sets deletionTimestamp" true "$(jqr '.metadata.deletionTimestamp != null')"
api DELETE "$DEP/odoo?propagationPolicy=Sideways"
check_api "bad propagationPolicy: 400" 400 .reason BadRequest
for ns in default kube-system kube-public; do
    api DELETE $NS/$ns
    check_api "delete $ns: 403" 403 .message "namespaces \"$ns\" is forbidden: this namespace may not be deleted"
done
api DELETE /api/v1/secrets
check_api "deletecollection across all namespaces: 405" 405 .reason MethodNotAllowed
api POST /api/v1/pods -H "$J" -d '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}'
check_api "create without a namespace: 405" 405 .reason MethodNotAllowed
api DELETE "/api/v1/namespaces/t-acme/secrets?labelSelector=none%3Dx"
check_api "deletecollection with a selector matching nothing" 200 '.items | length' 0

# ---- metrics.k8s.io ----
api GET /apis/metrics.k8s.io/v1beta1/nodes
check_api "NodeMetricsList" 200 .kind NodeMetricsList
check_eq "one NodeMetrics per node" 2 "$(jqr '.items | length')"
check_eq "cpu in nanocores, memory in Ki" "true true" "$(jqr '.items[0].usage.cpu | endswith("n")') $(jqr '.items[0].usage.memory | endswith("Ki")')"
api GET /apis/metrics.k8s.io/v1beta1/nodes/sim-node-1
check_api "NodeMetrics item" 200 .kind NodeMetrics
usage1=$(jqr .usage.cpu)
api GET /apis/metrics.k8s.io/v1beta1/nodes/sim-node-1
usage2=$(jqr .usage.cpu)
if [ "$usage1" != "$usage2" ]; then
    # The figures move at each 15 s scrape: the two reads may straddle one.
    usage1=$usage2
    api GET /apis/metrics.k8s.io/v1beta1/nodes/sim-node-1
    usage2=$(jqr .usage.cpu)
fi
check_eq "metrics are stable within a scrape window" "$usage1" "$usage2"
api GET "/apis/metrics.k8s.io/v1beta1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns"
check_api "PodMetrics for CoreDNS" 200 '.items[0].containers[0].name' coredns
api GET /apis/metrics.k8s.io/v1beta1/namespaces/t-acme/pods/nope
check_api "PodMetrics of an unknown pod: 404" 404 .message 'podmetrics.metrics.k8s.io "t-acme/nope" not found'
sim_finish
