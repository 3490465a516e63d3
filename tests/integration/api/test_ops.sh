#!/bin/sh
# odoo-saasd's operational side: options, /healthz, /readyz (and what it
# says when the cluster goes away), /metrics in the Prometheus text format,
# /api/openapi.json (OpenAPI 3.1, every route in it), CORS from the
# allow-list, the same timing for an unknown email and a wrong password,
# the data directory's modes, the request log while a slow request is in
# progress, and a clean exit on SIGTERM.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools
sim_start

# --- options ---
"$SAASD_BIN" --help >"$OS_TMP/help" 2>&1
check_eq "--help exits 0" 0 "$?"
check_contains "--help names --create-admin" "--create-admin" "$(cat "$OS_TMP/help")"
"$SAASD_BIN" --version >/dev/null 2>&1
check_eq "--version exits 0" 0 "$?"
"$SAASD_BIN" >/dev/null 2>&1
check_eq "no --listen: usage error (2)" 2 "$?"
"$SAASD_BIN" --listen nonsense --data-dir "$OS_TMP/d0" --kubeconfig "$SIM_KC" >/dev/null 2>&1
check_eq "a bad --listen: usage error (2)" 2 "$?"
"$SAASD_BIN" --create-admin x@example.com --data-dir "$OS_TMP/d0" </dev/null >/dev/null 2>&1
check_eq "--create-admin without a password on stdin fails" 1 "$?"
printf 'short\n' | "$SAASD_BIN" --create-admin x@example.com --data-dir "$OS_TMP/d0" >/dev/null 2>&1
check_eq "--create-admin refuses a short password" 1 "$?"

cat >"$OS_TMP/api.yaml" <<'YAML'
base_domain: example.test
api:
  cors_origins: [https://shop.example.com]
YAML
saasd_start --config "$OS_TMP/api.yaml"
check_eq "the data directory is 700" 700 "$(stat -c %a "$SAASD_DATA")"
check_eq "the accounts database is 600" 600 "$(stat -c %a "$SAASD_DATA/accounts.db")"

# --- health ---
req GET /healthz
check_eq "healthz 200" "200/ok" "$HTTP_CODE/$(jqr .status)"
req GET /readyz
check_eq "readyz 200 with the model synced" "200/true" "$HTTP_CODE/$(jqr .model_synced)"
check_contains "answers are JSON" "Content-Type: application/json" "$HEADERS"
check_contains "answers are not cached" "Cache-Control: no-store" "$HEADERS"

# --- OpenAPI ---
req GET /api/openapi.json
check_eq "openapi.json is OpenAPI 3.1" 3.1.0 "$(jqr .openapi)"
for p in /api/auth/register /api/auth/login /api/me /api/tiers /api/subdomains/{name} /api/tenants \
    /api/tenants/{id} /api/admin/tenants /api/admin/tenants/{id}/suspend /api/admin/tenants/{id}/resume \
    /api/openapi.json /healthz /readyz /metrics; do
    check_eq "openapi.json describes $p" true "$(jqr ".paths | has(\"$p\")")"
done
check_eq "every \$ref resolves" "" "$(printf '%s' "$BODY" | jq -r '
    . as $doc | [.. | objects | .["$ref"]? // empty] | unique[] |
    . as $r | select(($doc | getpath($r | ltrimstr("#/") | split("/"))) == null)' 2>&1)"

# --- CORS ---
req OPTIONS /api/auth/login "" -H "Origin: https://shop.example.com" -H "Access-Control-Request-Method: POST"
check_eq "a preflight from an allowed origin is 204" 204 "$HTTP_CODE"
check_contains "it is allowed" "Access-Control-Allow-Origin: https://shop.example.com" "$HEADERS"
check_contains "with the methods" "Access-Control-Allow-Methods:" "$HEADERS"
req GET /api/tiers "" -H "Origin: https://evil.example.net"
case "$HEADERS" in
*Access-Control-Allow-Origin*) not_ok "another origin gets no CORS header" "$HEADERS" ;;
*) ok "another origin gets no CORS header" ;;
esac
req GET /api/tiers
check_contains "tiers come from the config file's platform part" '"trial_days":14' "$BODY"
register "t@example.com" "timing test 1"
TOKEN= req POST /api/tenants '{"subdomain":"shop","tier":"basic"}'
login "t@example.com" "timing test 1"
req POST /api/tenants '{"subdomain":"shop","tier":"basic"}'
check_contains "the URL uses the configured base domain" "shop.example.test" "$(jqr .url)"
TOKEN=

# --- unknown email and wrong password: same answer, similar time ---
ms() { curl -s -o "$OS_TMP/t.body" -w '%{time_total}' -H 'Content-Type: application/json' \
    --data-binary "$1" "$SAASD_URL/api/auth/login" | awk '{printf "%d", $1 * 1000}'; }
wrong=0 unknown=0
for i in 1 2 3 4; do
    wrong=$((wrong + $(ms '{"email":"t@example.com","password":"not it at all"}')))
    W=$(cat "$OS_TMP/t.body")
    unknown=$((unknown + $(ms "{\"email\":\"nobody$i@example.com\",\"password\":\"not it at all\"}")))
    U=$(cat "$OS_TMP/t.body")
done
check_eq "the same answer for both" "$W" "$U"
if [ $((unknown * 2)) -ge "$wrong" ] && [ $((wrong * 2)) -ge "$unknown" ]; then
    ok "similar time (wrong password ${wrong} ms, unknown email ${unknown} ms, 4 each)"
else
    not_ok "similar time" "wrong password ${wrong} ms, unknown email ${unknown} ms"
fi

# --- metrics ---
req GET /metrics
check_contains "metrics are Prometheus text" "Content-Type: text/plain; version=0.0.4" "$HEADERS"
check_contains "requests by route and code" 'odoo_saasd_requests_total{route="healthz",code="200"} 1' "$BODY"
check_contains "401s are counted" 'odoo_saasd_requests_total{route="tenant_create",code="401"} 1' "$BODY"
check_contains "a latency histogram" 'odoo_saasd_request_duration_seconds_bucket{le="+Inf"}' "$BODY"
check_contains "tenants by phase" 'odoo_saasd_tenants{phase="Provisioning"}' "$BODY"
check_contains "the model is synced" 'odoo_saasd_model_synced 1' "$BODY"
req GET /nothing
check_error "an unknown path is a JSON 404" 404

# --- the request log is batched, yet never stuck behind a slow request ---
# A body trickling in keeps one request in progress for 3 s, so the server
# never goes idle; the quick request's line must still be written (the
# main thread flushes every second).
( printf '{"email":'; sleep 3; printf '"a@example.com","password":"x"}' ) |
    curl -s -o /dev/null --max-time 15 -X POST -T - -H "Content-Type: application/json" \
        "$SAASD_URL/api/auth/login" &
slow=$!
sleep 0.5
curl -s -o /dev/null "$SAASD_URL/log-marker-while-busy"
i=0
until grep -q '"GET /log-marker-while-busy" 404' "$OS_TMP/saasd.err" || [ $i -ge 20 ]; do
    sleep 0.1
    i=$((i + 1))
done
check_contains "a line is written while another request is in progress" \
    '"GET /log-marker-while-busy" 404' "$(cat "$OS_TMP/saasd.err")"
check "the slow request was still in progress" kill -0 "$slow"
wait "$slow"

# --- the cluster goes away: not ready, still healthy ---
sim_stop
i=0
while [ $i -lt 100 ]; do
    req GET /readyz
    [ "$HTTP_CODE" = 503 ] && break
    sleep 0.1
    i=$((i + 1))
done
check_eq "readyz is 503 without the cluster" 503 "$HTTP_CODE"
req GET /healthz
check_eq "healthz is still 200" 200 "$HTTP_CODE"

saasd_stop
check_contains "SIGTERM is logged" "shutting down" "$(cat "$OS_TMP/saasd.err")"
finish
