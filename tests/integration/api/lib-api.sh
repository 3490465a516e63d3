# lib-api.sh - start odoo-saasd for one test script and talk to it with curl
# (sourced after tests/lib.sh and lib-sim.sh, not run).
#
#   saasd_start [ARGS...]  start on 127.0.0.1:0 against the simulator
#                          (sim_start first) with a data dir in $OS_TMP;
#                          waits (bounded: 10 s) for "listening on" and for
#                          /readyz; sets SAASD_URL, SAASD_PID, SAASD_DATA
#   saasd_await OUT PID TENTHS   the same waits for a daemon started
#                          otherwise; sets SAASD_URL and READYZ
#   req METHOD PATH [BODY] [CURL_ARGS...]
#                          one request with Content-Type: application/json
#                          when BODY is given, $TOKEN as the bearer token
#                          when set; sets HTTP_CODE, BODY, HEADERS
#   register EMAIL PASSWORD / login EMAIL PASSWORD (sets TOKEN)
#   wait_phase ID PHASE SECONDS   poll GET /api/tenants/ID (bounded)
#   admin_until FILTER VALUE SECONDS
#                          poll GET /api/admin/tenants until jq -r FILTER
#                          on it prints VALUE (bounded; BODY is the last answer)
#   is_error_json          0 when $BODY is {"error":{"code","message"}}
#   saasd_stop             SIGTERM; checks exit 0 and no sanitizer report

SAASD_BIN="$OS_BUILDDIR/odoo-saasd"

saasd_start() {
    SAASD_DATA=$OS_TMP/saasd-data
    mkdir -p "$OS_TMP/xdg"
    rm -f "$OS_TMP/saasd.out" "$OS_TMP/saasd.err"   # a restart must not read the old ones
    XDG_CONFIG_HOME=$OS_TMP/xdg "$SAASD_BIN" --listen 127.0.0.1:0 --kubeconfig "$SIM_KC" \
        --data-dir "$SAASD_DATA" "$@" >"$OS_TMP/saasd.out" 2>"$OS_TMP/saasd.err" &
    SAASD_PID=$!
    OS_CLEANUP_HOOK="saasd_kill; sim_kill"
    saasd_await "$OS_TMP/saasd.out" "$SAASD_PID" 100
    if [ -z "$SAASD_URL" ]; then
        not_ok "odoo-saasd starts" "$(cat "$OS_TMP/saasd.err")"
        finish
        exit 1
    fi
}

# saasd_await OUT PID TENTHS: wait (at most TENTHS tenths of a second for
# each) until the odoo-saasd PID, writing its stdout to OUT, says where it
# listens, then until its /readyz answers 200.  Sets SAASD_URL (empty when
# it never listened) and READYZ (the last /readyz status).
saasd_await() {
    i=0
    while [ $i -lt "$3" ]; do
        grep -q '^listening on http://' "$1" 2>/dev/null && break
        kill -0 "$2" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    SAASD_URL=$(sed -n 's/^listening on //p' "$1")
    READYZ=
    i=0
    while [ -n "$SAASD_URL" ] && [ $i -lt "$3" ]; do
        READYZ=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$SAASD_URL/readyz")
        [ "$READYZ" = 200 ] && break
        sleep 0.1
        i=$((i + 1))
    done
}

saasd_kill() {
    [ -n "$SAASD_PID" ] || return 0
    kill "$SAASD_PID" 2>/dev/null
    i=0
    while kill -0 "$SAASD_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$SAASD_PID" 2>/dev/null
    SAASD_PID=
}

saasd_stop() {
    if [ -n "$SAASD_PID" ]; then
        kill -TERM "$SAASD_PID" 2>/dev/null
        i=0
        while kill -0 "$SAASD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        if kill -0 "$SAASD_PID" 2>/dev/null; then
            not_ok "odoo-saasd exits on SIGTERM" "still running after 10 s"
        else
            wait "$SAASD_PID"
            check_eq "odoo-saasd exits 0 on SIGTERM" 0 "$?"
        fi
        SAASD_PID=
    fi
    if grep -qE 'Sanitizer|runtime error:|LeakSanitizer' "$OS_TMP/saasd.err" 2>/dev/null; then
        not_ok "odoo-saasd: no sanitizer report" "$(grep -A8 -E 'Sanitizer|runtime error:' "$OS_TMP/saasd.err")"
    else
        ok "odoo-saasd: no sanitizer report"
    fi
}

req() {
    _m=$1 _p=$2
    shift 2
    _data=
    if [ $# -gt 0 ]; then _data=$1; shift; fi
    set -- "$@" -H "Accept: application/json"
    [ -n "$TOKEN" ] && set -- "$@" -H "Authorization: Bearer $TOKEN"
    if [ -n "$_data" ]; then
        set -- "$@" -H "Content-Type: application/json" --data-binary "$_data"
    fi
    _out=$(curl -sS --max-time 30 -D "$OS_TMP/headers" -X "$_m" -w '\n%{http_code}' "$@" \
        "$SAASD_URL$_p" 2>&1)
    HTTP_CODE=$(printf '%s\n' "$_out" | tail -n 1)
    BODY=$(printf '%s\n' "$_out" | sed '$d')
    HEADERS=$(cat "$OS_TMP/headers" 2>/dev/null)
}

register() {
    TOKEN= req POST /api/auth/register "{\"email\":\"$1\",\"password\":\"$2\"}"
}

login() {
    TOKEN= req POST /api/auth/login "{\"email\":\"$1\",\"password\":\"$2\"}"
    TOKEN=$(jqr .access_token)
}

is_error_json() {
    [ "$(printf '%s' "$BODY" | jq -r '(.error.code|type) + "/" + (.error.message|type)' 2>/dev/null)" = "string/string" ]
}

# check_error NAME CODE: the answer is CODE with the JSON error envelope.
check_error() {
    if [ "$HTTP_CODE" = "$2" ] && is_error_json; then
        ok "$1"
    else
        not_ok "$1" "want $2 with {\"error\":{...}}, got $HTTP_CODE: $BODY"
    fi
}

admin_until() {
    _i=0 _n=$(($3 * 10))
    while [ $_i -lt $_n ]; do
        req GET /api/admin/tenants
        [ "$(jqr "$1")" = "$2" ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

wait_phase() {
    _i=0 _n=$(($3 * 5))
    while [ $_i -lt $_n ]; do
        req GET "/api/tenants/$1"
        [ "$(jqr .phase)" = "$2" ] && return 0
        sleep 0.2
        _i=$((_i + 1))
    done
    return 1
}

# base64url of stdin, no padding.
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# forge_token HEADER_JSON PAYLOAD_JSON [KEY]: an HS256-signed token (no
# signature part when KEY is empty).
forge_token() {
    _h=$(printf '%s' "$1" | b64url)
    _p=$(printf '%s' "$2" | b64url)
    if [ -n "$3" ]; then
        _s=$(printf '%s.%s' "$_h" "$_p" | openssl dgst -sha256 -hmac "$3" -binary | b64url)
    else
        _s=
    fi
    printf '%s.%s.%s' "$_h" "$_p" "$_s"
}
