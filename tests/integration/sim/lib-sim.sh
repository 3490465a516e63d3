# lib-sim.sh - start and stop an odoo-saas-sim for one test script, and talk
# to it with curl (sourced after tests/lib.sh, not run).
#
#   sim_start [ARGS...]   start on 127.0.0.1:0 with a kubeconfig in $OS_TMP,
#                         as the API server alone (--no-controllers) unless
#                         SIM_CONTROLLERS=1 or ARGS has --pod-start-ms or
#                         --seed-tenants (a test that times pods wants them
#                         to run): the phase-1 tests check API semantics
#                         that live controllers would disturb;
#                         waits (bounded: 10 s) for the "listening on" line and
#                         sets SIM_URL, SIM_TOKEN, SIM_CA, SIM_PID, KUBECONFIG.
#                         The simulator is killed when the script exits.
#   api METHOD PATH [CURL_ARGS...]
#                         one authenticated HTTPS request; sets HTTP_CODE and
#                         BODY (and HEADERS, the response headers).
#   jqr FILTER            jq -r FILTER on $BODY
#   sim_need_tools        skip the whole script when curl or jq is missing
#   sim_stop              stop the simulator with SIGTERM, check it exits 0
#                         with no sanitizer report on stderr
#   sim_finish            sim_stop, then finish
#   sim_wait_for DESCRIPTION SECONDS COMMAND...
#                         poll COMMAND until it succeeds (bounded), one TAP line

sim_need_tools() {
    for t in curl jq "$@"; do
        if ! command -v "$t" >/dev/null 2>&1; then
            skip "all checks" "$t is not installed"
            finish
            exit 0
        fi
    done
}

sim_start() {
    [ -n "$OS_TMP" ] || os_tmpdir
    SIM_KC=$OS_TMP/kubeconfig
    rm -f "$OS_TMP/sim.out" "$OS_TMP/sim.err"   # a restart must not read the old ones
    _ctl=--no-controllers
    [ "${SIM_CONTROLLERS:-0}" = 1 ] && _ctl=
    for _a in "$@"; do
        case $_a in --pod-start-ms | --pod-start-ms=* | --seed-tenants | --seed-tenants=*) _ctl= ;; esac
    done
    "$OS_BUILDDIR/odoo-saas-sim" --listen 127.0.0.1:0 --nodes 2 --seed 42 $_ctl \
        --kubeconfig-out "$SIM_KC" "$@" >"$OS_TMP/sim.out" 2>"$OS_TMP/sim.err" &
    SIM_PID=$!
    OS_CLEANUP_HOOK=sim_kill
    i=0
    while [ $i -lt 100 ]; do
        grep -q '^listening on https://' "$OS_TMP/sim.out" 2>/dev/null && break
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    SIM_URL=$(sed -n 's/^listening on //p' "$OS_TMP/sim.out")
    if [ -z "$SIM_URL" ]; then
        not_ok "simulator starts" "$(cat "$OS_TMP/sim.err")"
        finish
        exit 1
    fi
    SIM_TOKEN=$(sed -n 's/^ *token: //p' "$SIM_KC")
    SIM_CA=$OS_TMP/ca.pem
    sed -n 's/^ *certificate-authority-data: //p' "$SIM_KC" | base64 -d >"$SIM_CA"
    KUBECONFIG=$SIM_KC
    KUBECACHEDIR=$OS_TMP/kube-cache     # keep kubectl's caches out of $HOME
    export KUBECONFIG KUBECACHEDIR
}

# Kill the simulator if it still runs (bounded wait for it to go).
sim_kill() {
    [ -n "$SIM_PID" ] || return 0
    kill "$SIM_PID" 2>/dev/null
    i=0
    while kill -0 "$SIM_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$SIM_PID" 2>/dev/null
    SIM_PID=
}

api() {
    _m=$1 _p=$2
    shift 2
    _out=$(curl -sS --max-time 15 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
        -D "$OS_TMP/headers" -X "$_m" -w '\n%{http_code}' "$@" "$SIM_URL$_p" 2>&1)
    HTTP_CODE=$(printf '%s\n' "$_out" | tail -n 1)
    BODY=$(printf '%s\n' "$_out" | sed '$d')
    HEADERS=$(cat "$OS_TMP/headers" 2>/dev/null)
}

jqr() {
    printf '%s\n' "$BODY" | jq -r "$1" 2>/dev/null
}

# check_api NAME WANT_CODE JQ_FILTER WANT_VALUE: code and one field.
check_api() {
    check_eq "$1 (HTTP code)" "$2" "$HTTP_CODE"
    [ -n "$3" ] && check_eq "$1 ($3)" "$4" "$(jqr "$3")"
    return 0
}

sim_finish() {
    sim_stop
    finish
}

# Stop the simulator (SIGTERM, bounded), check its exit status and that
# stderr has no sanitizer report; sim_start may then start another.
sim_stop() {
    if [ -n "$SIM_PID" ]; then
        kill -TERM "$SIM_PID" 2>/dev/null
        i=0
        while kill -0 "$SIM_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        if kill -0 "$SIM_PID" 2>/dev/null; then
            not_ok "simulator exits on SIGTERM" "still running after 10 s"
            kill -9 "$SIM_PID" 2>/dev/null   # a hung one must not outlive the test
        else
            wait "$SIM_PID"
            check_eq "simulator exits 0 on SIGTERM" 0 "$?"
        fi
        SIM_PID=
    fi
    if grep -qE 'Sanitizer|runtime error:' "$OS_TMP/sim.err" 2>/dev/null; then
        not_ok "no sanitizer report" "$(grep -A5 -E 'Sanitizer|runtime error:' "$OS_TMP/sim.err")"
    else
        ok "no sanitizer report"
    fi
}

# sim_wait_for DESCRIPTION SECONDS COMMAND...: run COMMAND every 0.1 s
# until it succeeds (at most SECONDS), then one TAP line either way.
sim_wait_for() {
    _d=$1 _n=$(($2 * 10))
    shift 2
    while [ "$_n" -gt 0 ]; do
        "$@" >/dev/null 2>&1 && { ok "$_d"; return 0; }
        sleep 0.1
        _n=$((_n - 1))
    done
    not_ok "$_d" "timed out: $*"
}
