#!/bin/sh
# odoo-saas-sim basics: start-up output, kubeconfig, TLS with the generated
# CA, bearer-token auth, discovery and health paths, content negotiation,
# body limits, and a clean exit on SIGTERM.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools
sim_start

check_contains "prints the listening address" "https://127.0.0.1:" "$SIM_URL"
check_eq "kubeconfig is mode 0600" "600" "$(stat -c %a "$SIM_KC")"
check_contains "kubeconfig has current-context" "current-context: odoo-saas-sim" "$(cat "$SIM_KC")"
check_eq "token is 64 hex characters" 64 "$(printf %s "$SIM_TOKEN" | tr -cd '0-9a-f' | wc -c | tr -d ' ')"
check "CA verifies the server for localhost too" \
    curl -sS --max-time 10 --cacert "$SIM_CA" "https://localhost:${SIM_URL##*:}/healthz"

# 401 without (or with a wrong) token, exact body of the contract.
out=$(curl -sS --max-time 10 --cacert "$SIM_CA" -w '\n%{http_code}' "$SIM_URL/api/v1/namespaces")
check_eq "no token: 401" 401 "$(printf '%s\n' "$out" | tail -n 1)"
check_eq "no token: exact Status body" \
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}' \
    "$(printf '%s\n' "$out" | sed '$d')"
out=$(curl -sS --max-time 10 --cacert "$SIM_CA" -H "Authorization: Bearer nope" -o /dev/null -w '%{http_code}' "$SIM_URL/api")
check_eq "wrong token: 401" 401 "$out"

for p in /healthz /livez /readyz; do
    out=$(curl -sS --max-time 10 --cacert "$SIM_CA" "$SIM_URL$p")
    check_eq "$p answers ok without a token" ok "$out"
done
api GET /version
check_api "/version" 200 .gitVersion v1.32.3
api GET /api
check_api "/api lists v1" 200 '.versions[0]' v1
api GET /api/v1
check_api "/api/v1 is an APIResourceList" 200 .kind APIResourceList
check_eq "/api/v1 lists namespaces with short name ns" ns \
    "$(jqr '.resources[] | select(.name=="namespaces") | .shortNames[0]')"
check_eq "/api/v1 lists pods/status" pods/status "$(jqr '.resources[] | select(.name=="pods/status") | .name')"
api GET /apis
check_api "/apis is an APIGroupList" 200 .kind APIGroupList
check_eq "/apis has every group of the table" \
    "apps batch discovery.k8s.io metrics.k8s.io networking.k8s.io rbac.authorization.k8s.io storage.k8s.io traefik.io" \
    "$(jqr '[.groups[].name] | sort | join(" ")')"
api GET /apis/apps
check_api "/apis/apps" 200 .preferredVersion.groupVersion apps/v1
api GET /apis/traefik.io/v1alpha1
check_api "/apis/traefik.io/v1alpha1 (CRD installed)" 200 '.resources[0].kind' IngressRoute
api GET /apis/traefik.io/v1
check_api "/apis/traefik.io/v1 is not served" 404 .message "the server could not find the requested resource"
api GET /apis/metrics.k8s.io/v1beta1
check_api "/apis/metrics.k8s.io/v1beta1" 200 '[.resources[].name] | join(",")' nodes,pods
api GET /openapi/v3
check_api "/openapi/v3 index" 200 '.paths["apis/apps/v1"].serverRelativeURL | startswith("/openapi/v3/apis/apps/v1")' true
api GET /openapi/v3/apis/apps/v1
check_eq "/openapi/v3/apis/apps/v1 declares fieldValidation on PATCH" fieldValidation \
    "$(jqr '.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch.parameters[] | select(.name=="fieldValidation") | .name')"

api GET /openapi/v3/apis/example.com/v1
check_api "/openapi/v3 of an unknown group: 404" 404 .reason NotFound
code=$(curl -sS --max-time 10 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    -H "Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf" -o "$OS_TMP/v2.pb" -w '%{http_code}' "$SIM_URL/openapi/v2")
check_eq "/openapi/v2 (protobuf): 200" 200 "$code"
check_eq "/openapi/v2 starts with swagger \"2.0\"" "0a03322e30" "$(head -c 5 "$OS_TMP/v2.pb" | od -An -tx1 | tr -d ' \n')"

api GET /api/v1/nosuchthing
check_api "unknown resource: 404" 404 .message "the server could not find the requested resource"
api GET /apis/example.com/v1/widgets
check_api "unknown group: 404" 404 .reason NotFound

# Content negotiation and limits.
api GET /api/v1/namespaces -H "Accept: text/plain"
check_api "Accept text/plain: 406" 406 .message \
    "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
api GET /api/v1/namespaces -H "Accept: application/vnd.kubernetes.protobuf,application/json"
check_api "Accept protobuf,json: JSON answer" 200 .kind NamespaceList
api POST /api/v1/namespaces -H "Content-Type: application/vnd.kubernetes.protobuf" --data-binary 'k8s\0'
check_api "protobuf body: 415" 415 .reason UnsupportedMediaType
api POST /api/v1/namespaces -H "Content-Type: text/plain" -d 'x'
check_api "text/plain body: 415" 415 .message \
    "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml"
head -c 3200000 /dev/zero | tr '\0' ' ' >"$OS_TMP/big"
api POST /api/v1/namespaces -H "Content-Type: application/json" --data-binary @"$OS_TMP/big"
check_api "body over 3 MiB: 413" 413 .reason RequestEntityTooLarge
api POST /api/v1/namespaces -H "Content-Type: application/json" -d '{"metadata":'
check_api "malformed JSON: 400" 400 .reason BadRequest
api DELETE /api/v1/nodes/sim-node-1/status
check_api "DELETE on a subresource: 405" 405 .reason MethodNotAllowed
api POST /apis/metrics.k8s.io/v1beta1/nodes -H "Content-Type: application/json" -d '{}'
check_api "metrics are read-only: 405" 405 .reason MethodNotAllowed

# Option checking: a bad value is one line on stderr and exit status 2.
for args in "--nodes 0" "--fail-rate 2" "--latency-ms -1" "--listen nope" "--seed x" "--ns-delete-delay-ms y" "--seed-tenants -3"; do
    # shellcheck disable=SC2086
    out=$("$OS_BUILDDIR/odoo-saas-sim" $args 2>&1); rc=$?
    check_eq "odoo-saas-sim $args: exit 2" 2 "$rc"
    check_eq "odoo-saas-sim $args: one line" 1 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
done
out=$("$OS_BUILDDIR/odoo-saas-sim" --listen localhost:0 2>&1); rc=$?
check_eq "--listen needs an IPv4 address: exit 1" 1 "$rc"
check_contains "--listen error names the host" "localhost is not an IPv4 address" "$out"

out=$("$OS_BUILDDIR/odoo-saas-sim" --listen "127.0.0.1:${SIM_URL##*:}" 2>&1); rc=$?
check_eq "port in use: exit 1" 1 "$rc"
check_eq "port in use: message" "odoo-saas-sim: cannot listen on 127.0.0.1:${SIM_URL##*:}" "$out"

# The same --seed gives the same cluster (uids, names, IPs); another differs.
# other_cluster SEED: the pods (name, IP, uid) of a second simulator.
other_cluster() {
    d=$OS_TMP/seed$1
    mkdir -p "$d"
    "$OS_BUILDDIR/odoo-saas-sim" --listen 127.0.0.1:0 --nodes 2 --seed "$1" --kubeconfig-out "$d/kc" >"$d/out" 2>&1 &
    p=$!
    i=0
    while ! grep -q '^listening' "$d/out" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    url=$(sed -n 's/^listening on //p' "$d/out")
    tok=$(sed -n 's/^ *token: //p' "$d/kc")
    sed -n 's/^ *certificate-authority-data: //p' "$d/kc" | base64 -d >"$d/ca"
    curl -sS --max-time 10 --cacert "$d/ca" -H "Authorization: Bearer $tok" "$url/api/v1/pods" |
        jq -c '[.items[] | [.metadata.name, .status.podIP, .metadata.uid]]'
    kill "$p"
    wait "$p"
}
api GET /api/v1/pods
mine=$(jqr '[.items[] | [.metadata.name, .status.podIP, .metadata.uid]]' | jq -c .)
check_eq "same --seed, same pods, IPs and uids" "$mine" "$(other_cluster 42)"
if [ "$mine" = "$(other_cluster 43)" ]; then not_ok "another --seed gives another cluster"; else ok "another --seed gives another cluster"; fi
check_eq "--nodes 2 gives 7 seeded pods" 7 "$(printf '%s' "$mine" | jq length)"

# A watch that is open when the signal comes must not hold up the exit.
curl -sS --no-buffer --max-time 20 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    "$SIM_URL/api/v1/namespaces?watch=1" >"$OS_TMP/watch.out" 2>&1 &
curl_pid=$!
sleep 0.5
kill -TERM "$SIM_PID"
i=0
while kill -0 "$SIM_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$SIM_PID" 2>/dev/null; then
    not_ok "exits within 5 s of SIGTERM"
else
    ok "exits within 5 s of SIGTERM"
    wait "$SIM_PID"
    check_eq "exit status 0 after SIGTERM" 0 "$?"
    SIM_PID=
fi
i=0
while kill -0 "$curl_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$curl_pid" 2>/dev/null; then
    not_ok "open watch stream ends at shutdown"
    kill "$curl_pid"
else
    ok "open watch stream ends at shutdown"
    wait "$curl_pid"
    check_eq "the stream ends cleanly (curl exit 0, last chunk sent)" 0 "$?"
fi
check_contains "the watch had its ADDED events" '"type":"ADDED"' "$(cat "$OS_TMP/watch.out")"
sim_finish
