#!/bin/sh
# odoo-saas-sim fault injection: --latency-ms delays every request,
# --fail-rate answers a seeded fraction of API requests with 429 (plain
# text, Retry-After: 1) or 503 (plain text "service unavailable"); the same
# --seed gives the same sequence; health endpoints and watches never fail.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools

curl_t() {
    curl -sS --max-time 15 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" "$@"
}

# ---- latency ----
sim_start --latency-ms 200
t=$(curl_t -o /dev/null -w '%{time_total}' "$SIM_URL/api/v1/namespaces")
check "a request with --latency-ms 200 takes >= 200 ms ($t s)" \
    awk -v t="$t" 'BEGIN { exit !(t >= 0.2) }'
t=$(curl -sS --max-time 15 --cacert "$SIM_CA" -o /dev/null -w '%{time_total}' "$SIM_URL/healthz")
check "health checks are delayed too ($t s)" awk -v t="$t" 'BEGIN { exit !(t >= 0.2) }'
sim_stop

# ---- seeded failures ----
codes_of_100() {
    i=0
    : >"$OS_TMP/codes"
    while [ $i -lt 100 ]; do
        curl_t -o /dev/null -D "$OS_TMP/h.$i" -w '%{http_code}\n' "$SIM_URL/api/v1/namespaces" >>"$OS_TMP/codes"
        i=$((i + 1))
    done
}
sim_start --fail-rate 0.5 --seed 7
codes_of_100
cp "$OS_TMP/codes" "$OS_TMP/codes.1"
failed=$(grep -cE '^(429|503)$' "$OS_TMP/codes.1")
okc=$(grep -c '^200$' "$OS_TMP/codes.1")
check "about half of 100 GETs fail with --fail-rate 0.5 ($failed)" test "$failed" -ge 30 -a "$failed" -le 70
check_eq "the others answer 200" 100 $((failed + okc))
check "both 429 and 503 appear" sh -c "grep -q '^429$' '$OS_TMP/codes.1' && grep -q '^503$' '$OS_TMP/codes.1'"
# Headers and bodies of one 429 and one 503.
n429=$(grep -n '^429$' "$OS_TMP/codes.1" | head -n 1 | cut -d: -f1)
n503=$(grep -n '^503$' "$OS_TMP/codes.1" | head -n 1 | cut -d: -f1)
h429=$(tr -d '\r' <"$OS_TMP/h.$((n429 - 1))")
h503=$(tr -d '\r' <"$OS_TMP/h.$((n503 - 1))")
check_contains "429 has Retry-After: 1" "Retry-After: 1" "$h429"
check_contains "429 is plain text" "Content-Type: text/plain; charset=utf-8" "$h429"
check_contains "503 is plain text" "Content-Type: text/plain; charset=utf-8" "$h503"
all429=$(for f in $(grep -n '^429$' "$OS_TMP/codes.1" | cut -d: -f1); do tr -d '\r' <"$OS_TMP/h.$((f - 1))" | grep -c '^Retry-After: 1$'; done | grep -c '^1$')
check_eq "every 429 has Retry-After: 1" "$(grep -c '^429$' "$OS_TMP/codes.1")" "$all429"
# One more request: find a failing one to read its body.
body=""
i=0
while [ $i -lt 40 ]; do
    out=$(curl_t -w '\n%{http_code}' "$SIM_URL/api/v1/nodes")
    code=$(printf '%s\n' "$out" | tail -n 1)
    if [ "$code" = 429 ]; then body429=$(printf '%s\n' "$out" | sed '$d'); fi
    if [ "$code" = 503 ]; then body503=$(printf '%s\n' "$out" | sed '$d'); fi
    [ -n "$body429" ] && [ -n "$body503" ] && break
    i=$((i + 1))
done
check_eq "429 body" "Too many requests, please try again later." "$body429"
check_eq "503 body" "service unavailable" "$body503"
# Health checks and watches never fail.
hfail=0
i=0
while [ $i -lt 30 ]; do
    for p in /healthz /readyz /livez /version; do
        c=$(curl -sS --max-time 10 --cacert "$SIM_CA" -o /dev/null -w '%{http_code}' "$SIM_URL$p")
        [ "$c" = 200 ] || hfail=$((hfail + 1))
    done
    i=$((i + 1))
done
check_eq "120 health/version requests never fail" 0 "$hfail"
wfail=0
i=0
while [ $i -lt 5 ]; do
    c=$(curl_t -o /dev/null -w '%{http_code}' "$SIM_URL/api/v1/namespaces?watch=1&timeoutSeconds=1")
    [ "$c" = 200 ] || wfail=$((wfail + 1))
    c=$(curl_t -o /dev/null -w '%{http_code}' "$SIM_URL/api/v1/pods?watch=true&timeoutSeconds=1")
    [ "$c" = 200 ] || wfail=$((wfail + 1))
    i=$((i + 1))
done 2>/dev/null
check_eq "10 watch requests never fail" 0 "$wfail"
sim_stop

# Same seed, same sequence.
sim_start --fail-rate 0.5 --seed 7
codes_of_100
check_eq "the same --seed gives the same 100 codes" "$(cat "$OS_TMP/codes.1")" "$(cat "$OS_TMP/codes")"
sim_stop
sim_start --fail-rate 0.5 --seed 8
codes_of_100
check "another --seed gives another sequence" test "$(cat "$OS_TMP/codes.1")" != "$(cat "$OS_TMP/codes")"
sim_finish
