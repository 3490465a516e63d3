#!/bin/sh
# odoo-saas-sim against malformed and hostile requests: every one gets a
# 4xx Status (never a 5xx, a hang or a crash), and the simulator is still
# healthy and sanitizer-clean afterwards.  Also: an expired continue token
# (--continue-ttl-ms) is the 410 of the contract.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools
sim_start --continue-ttl-ms 800

J="Content-Type: application/json"
MP="Content-Type: application/merge-patch+json"
JP="Content-Type: application/json-patch+json"
AP="Content-Type: application/apply-patch+yaml"
D=/apis/apps/v1/namespaces/r/deployments
api POST /api/v1/namespaces -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"r"}}'
api POST $D -H "$J" -d '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}'
check_eq "setup" 201 "$HTTP_CODE"

# expect NAME CODE REASON METHOD PATH [CURL_ARGS...]
expect() {
    _n=$1 _c=$2 _r=$3
    shift 3
    api "$@"
    check_eq "$_n: $_c $_r" "$_c $_r" "$HTTP_CODE $(jqr .reason)"
}
deep=$(printf '%0.s[' $(seq 1 300))
long=$(printf '%0.sa' $(seq 1 300))

expect "JSON patch on the root" 422 Invalid PATCH $D/d -H "$JP" -d '[{"op":"remove","path":""}]'
expect "JSON patch move from nowhere" 422 Invalid PATCH $D/d -H "$JP" -d '[{"op":"move","from":"/nope","path":"/spec/x"}]'
expect "JSON patch index out of range" 422 Invalid PATCH $D/d -H "$JP" -d '[{"op":"add","path":"/spec/template/spec/containers/5","value":{}}]'
expect "JSON patch test on a missing path" 422 Invalid PATCH $D/d -H "$JP" -d '[{"op":"test","path":"/x/y","value":1}]'
expect "JSON patch unknown op" 422 Invalid PATCH $D/d -H "$JP" -d '[{"op":"frobnicate","path":"/spec"}]'
expect "JSON patch that is an object" 400 BadRequest PATCH $D/d -H "$JP" -d '{"op":"add"}'
expect "JSON patch removing the selector" 422 Invalid PATCH $D/d -H "$JP" -d '[{"op":"remove","path":"/spec/selector"}]'
expect "merge patch that is an array" 400 BadRequest PATCH $D/d -H "$MP" -d '[1,2]'
expect "merge patch null" 400 BadRequest PATCH $D/d -H "$MP" -d 'null'
expect "merge patch changing the kind" 400 BadRequest PATCH $D/d -H "$MP" -d '{"kind":"Pod"}'
expect "apply with a YAML alias" 400 BadRequest PATCH "$D/d?fieldManager=m" -H "$AP" --data-binary 'a: &x 1
b: *x'
expect "apply of a YAML list" 400 BadRequest PATCH "$D/d?fieldManager=m" -H "$AP" --data-binary '- a
- b'
expect "apply of a JSON array" 400 BadRequest PATCH "$D/d?fieldManager=m" -H "$AP" -d '[1]'
expect "apply without kind" 400 BadRequest PATCH "$D/d?fieldManager=m" -H "$AP" -d '{"metadata":{"name":"d"}}'
expect "apply deeply nested YAML" 400 BadRequest PATCH "$D/d?fieldManager=m" -H "$AP" --data-binary "$deep"
expect "create deeply nested JSON" 400 BadRequest POST $D -H "$J" --data-binary "$deep"
expect "create with another kind" 400 BadRequest POST $D -H "$J" -d '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}'
expect "create with another apiVersion" 400 BadRequest POST $D -H "$J" -d '{"apiVersion":"apps/v2","kind":"Deployment","metadata":{"name":"p"}}'
expect "create a JSON string" 400 BadRequest POST $D -H "$J" -d '"x"'
expect "create without a name" 422 Invalid POST /api/v1/namespaces/r/configmaps -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}'
check_eq "missing name message" 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required' "$(jqr .message)"
expect "name of 300 characters" 422 Invalid POST /api/v1/namespaces/r/configmaps -H "$J" -d "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"$long\"}}"
check_eq "too long cause" "Invalid value: \"$long\": must be no more than 253 characters" "$(jqr '.details.causes[0].message')"
expect "non-ASCII name" 422 Invalid POST /api/v1/namespaces/r/configmaps -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"caf\u00e9"}}'
expect "label value that is a number" 422 Invalid POST /api/v1/namespaces/r/configmaps -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":{"a":1}}}'
expect "label value of 64 characters" 422 Invalid POST /api/v1/namespaces/r/configmaps -H "$J" -d "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"labels\":{\"a\":\"$(printf '%0.sv' $(seq 1 64))\"}}}"
expect "fieldValidation=Bogus" 400 BadRequest POST "/api/v1/namespaces/r/configmaps?fieldValidation=Bogus" -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}'
expect "name of 300 characters in the URL" 404 NotFound GET "/api/v1/namespaces/r/configmaps/$long"
expect "too many path segments" 404 NotFound GET /api/v1/namespaces/r/configmaps/a/b/c/d/e/f
expect "namespaces collection of a named group" 404 NotFound GET /apis/apps/v1/namespaces
expect "pod logs (phase 2)" 404 NotFound GET /api/v1/namespaces/kube-system/pods/x/log
expect "/scale of a ConfigMap" 404 NotFound GET /api/v1/namespaces/r/configmaps/x/scale
expect "/status of a ConfigMap" 404 NotFound PUT /api/v1/namespaces/r/configmaps/x/status -H "$J" -d '{}'
expect "scale to a negative number" 400 BadRequest PATCH $D/d/scale -H "$MP" -d '{"spec":{"replicas":-1}}'
expect "DELETE with a broken DeleteOptions body" 400 BadRequest DELETE "$D/d" -H "$J" -d '{"propagationPolicy":'
expect "labelSelector with an empty set" 400 BadRequest GET "/api/v1/pods?labelSelector=a%20notin%20()"
expect "fieldSelector without an operator" 400 BadRequest GET "/api/v1/pods?fieldSelector=metadata.name"
expect "continue token that is not base64" 400 BadRequest GET "/api/v1/pods?limit=1&continue=%21%21"

api GET /api/v1/pods
total=$(jqr '.items | length')
api GET "/api/v1/pods?limit=2"
old_tok=$(jqr .metadata.continue)
sleep 1.2
api GET "/api/v1/pods?limit=2&continue=$old_tok"
check_eq "expired continue token: contract 410 message" \
    "410 Expired The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list." \
    "$(jqr '"\(.code) \(.reason) \(.message)"')"
check_eq "expired continue token: HTTP 410" 410 "$HTTP_CODE"
new_tok=$(jqr .metadata.continue)
api GET "/api/v1/pods?limit=100&continue=$new_tok"
check_api "the fresh token continues after the last key" 200 '.items | length' $((total - 2))
out=$(curl -sS --max-time 10 --cacert "$SIM_CA" "$SIM_URL/healthz")
check_eq "still healthy" ok "$out"
sim_finish
