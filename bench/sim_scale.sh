#!/bin/sh
# sim_scale.sh - how odoo-saas-sim copes with a full demo cluster.
#
# Starts odoo-saas-sim with --seed-tenants N (default 1000: ~3,000 pods)
# on 127.0.0.1 five times (RUNS) and prints the medians of:
#   start      from exec to the "listening on" line (seeding included)
#   cpu        the simulator's user+system CPU time at that moment (less
#              sensitive than wall time to a machine shared with others)
#   rss        its peak resident memory (VmHWM) at that moment
#   curl       GET /api/v1/pods, all namespaces, one request (curl
#              time_total), the first after start (cold) and the median of
#              the next ones (warm)
#   kubectl    `kubectl get pods -A` wall time, beside it in the same run
# With a second build directory (PREV, e.g. the previous commit's build)
# the two simulators take turns within each run, so both see the same
# load; the load average is printed before and after.
# Everything is bounded (timeouts on every wait) and local.
#
# Usage: bench/sim_scale.sh [BUILDDIR [PREV_BUILDDIR]]   (env: TENANTS, NODES, RUNS)
set -u
B=${1:-${OS_BUILDDIR:-.}}
PREV=${2:-}
TENANTS=${TENANTS:-1000}
NODES=${NODES:-30}
RUNS=${RUNS:-5}
command -v curl >/dev/null || { echo "sim_scale.sh: curl is needed" >&2; exit 2; }
for d in "$B" ${PREV:+"$PREV"}; do
    [ -x "$d/odoo-saas-sim" ] || { echo "sim_scale.sh: no $d/odoo-saas-sim (give the build directory)" >&2; exit 2; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/sim-scale.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
TICK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# one_run TAG BUILDDIR: one start, the lists, kubectl; figures into $T/TAG.*
one_run() {
    tag=$1 sim=$2/odoo-saas-sim
    rm -f "$T/out"
    s=$(now_ms)
    "$sim" --listen 127.0.0.1:0 --nodes "$NODES" --seed-tenants "$TENANTS" --kubeconfig-out "$T/kc" \
        >"$T/out" 2>"$T/err" &
    PID=$!
    i=0
    while [ $i -lt 6000 ] && ! grep -q '^listening on' "$T/out" 2>/dev/null; do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.005
        i=$((i + 1))
    done
    e=$(now_ms)
    URL=$(sed -n 's/^listening on //p' "$T/out")
    [ -n "$URL" ] || { echo "sim_scale.sh: $sim did not start: $(cat "$T/err")" >&2; exit 1; }
    echo $((e - s)) >>"$T/$tag.start"
    awk -v t="$TICK" '{ printf "%d\n", ($14 + $15) * 1000 / t }' "/proc/$PID/stat" >>"$T/$tag.cpu"
    awk '/^VmHWM/ { printf "%d\n", $2 / 1024 }' "/proc/$PID/status" >>"$T/$tag.rss"
    TOKEN=$(sed -n 's/^ *token: //p' "$T/kc")
    sed -n 's/^ *certificate-authority-data: //p' "$T/kc" | base64 -d >"$T/ca.pem"
    get() {
        curl -sS --max-time 60 --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" \
            -o "$T/pods.json" -w '%{time_total}\n' "$URL/api/v1/pods" | awk '{ printf "%d\n", $1 * 1000 }'
    }
    get >>"$T/$tag.cold"
    for k in 1 2 3 4 5; do get; done | median >>"$T/$tag.warm"
    if command -v kubectl >/dev/null; then
        s=$(now_ms)
        KUBECONFIG=$T/kc KUBECACHEDIR=$T/kcache timeout 120 kubectl get pods -A --request-timeout=60s >/dev/null 2>&1
        echo $(($(now_ms) - s)) >>"$T/$tag.kubectl"
    fi
    kill "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=
}

report() {
    tag=$1 what=$2
    echo "$what"
    echo "  start (exec -> listening)        median $(median <"$T/$tag.start") ms   (runs: $(tr '\n' ' ' <"$T/$tag.start"))"
    echo "  CPU time at listening            median $(median <"$T/$tag.cpu") ms   peak RSS median $(median <"$T/$tag.rss") MiB"
    echo "  GET /api/v1/pods, curl, cold     median $(median <"$T/$tag.cold") ms   (runs: $(tr '\n' ' ' <"$T/$tag.cold"))"
    echo "  GET /api/v1/pods, curl, warm     median $(median <"$T/$tag.warm") ms"
    [ -s "$T/$tag.kubectl" ] && echo "  kubectl get pods -A (wall)       median $(median <"$T/$tag.kubectl") ms"
    return 0
}

load_before=$(load)
r=0
while [ $r -lt "$RUNS" ]; do
    one_run new "$B"
    [ -n "$PREV" ] && one_run prev "$PREV"
    r=$((r + 1))
done
pods=$(grep -o '"kind":"Pod"' "$T/pods.json" | wc -l)
[ "$pods" -gt 0 ] || pods=$(grep -o '"phase":"' "$T/pods.json" | wc -l)
echo "odoo-saas-sim --seed-tenants $TENANTS --nodes $NODES, $RUNS runs, $(nproc) cores, $pods pods, $(wc -c <"$T/pods.json" | tr -d ' ') bytes of PodList"
echo "load average before: $load_before, after: $(load)"
report new "$B"
[ -n "$PREV" ] && report prev "$PREV (taking turns with the above)"
exit 0
