#!/bin/sh
# sim_scale.sh - how odoo-saas-sim copes with a full demo cluster.
#
# Starts odoo-saas-sim with --seed-tenants N (default 1000: 3,000 pods)
# on 127.0.0.1 five times (RUNS) and prints the medians of:
#   start      from exec to the "listening on" line (seeding included)
#   curl       GET /api/v1/pods, all namespaces, one request (curl
#              time_total), the first after start (cold) and the median of
#              the next ones (warm)
#   kubectl    `kubectl get pods -A` wall time, beside it in the same run
# Everything is bounded (timeouts on every wait) and local.
#
# Usage: bench/sim_scale.sh [BUILDDIR]   (env: TENANTS, NODES, RUNS)
set -u
B=${1:-${OS_BUILDDIR:-.}}
TENANTS=${TENANTS:-1000}
NODES=${NODES:-30}
RUNS=${RUNS:-5}
SIM=$B/odoo-saas-sim
[ -x "$SIM" ] || { echo "sim_scale.sh: no $SIM (give the build directory)" >&2; exit 2; }
command -v curl >/dev/null || { echo "sim_scale.sh: curl is needed" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/sim-scale.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$T/start"; : >"$T/cold"; : >"$T/warm"; : >"$T/kubectl"
r=0
while [ $r -lt "$RUNS" ]; do
    rm -f "$T/out"
    s=$(now_ms)
    "$SIM" --listen 127.0.0.1:0 --nodes "$NODES" --seed-tenants "$TENANTS" --kubeconfig-out "$T/kc" \
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
    [ -n "$URL" ] || { echo "sim_scale.sh: the simulator did not start: $(cat "$T/err")" >&2; exit 1; }
    echo $((e - s)) >>"$T/start"
    TOKEN=$(sed -n 's/^ *token: //p' "$T/kc")
    sed -n 's/^ *certificate-authority-data: //p' "$T/kc" | base64 -d >"$T/ca.pem"
    get() {
        curl -sS --max-time 60 --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" \
            -o "$T/pods.json" -w '%{time_total}\n' "$URL/api/v1/pods" | awk '{ printf "%d\n", $1 * 1000 }'
    }
    get >>"$T/cold"
    for k in 1 2 3 4 5; do get; done | median >>"$T/warm"
    if command -v kubectl >/dev/null; then
        s=$(now_ms)
        KUBECONFIG=$T/kc KUBECACHEDIR=$T/kcache timeout 120 kubectl get pods -A --request-timeout=60s >/dev/null 2>&1
        echo $(($(now_ms) - s)) >>"$T/kubectl"
    fi
    pods=$(grep -o '"kind":"Pod"' "$T/pods.json" | wc -l)
    [ "$pods" -gt 0 ] || pods=$(grep -o '"phase":"' "$T/pods.json" | wc -l)
    kill "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    PID=
    r=$((r + 1))
done
echo "odoo-saas-sim --seed-tenants $TENANTS --nodes $NODES, $RUNS runs, $(nproc) cores, $(wc -c <"$T/pods.json" | tr -d ' ') bytes of PodList"
echo "start (exec -> listening)          median $(median <"$T/start") ms   (runs: $(tr '\n' ' ' <"$T/start"))"
echo "GET /api/v1/pods, curl, cold       median $(median <"$T/cold") ms"
echo "GET /api/v1/pods, curl, warm       median $(median <"$T/warm") ms"
[ -s "$T/kubectl" ] && echo "kubectl get pods -A (wall)         median $(median <"$T/kubectl") ms"
exit 0
