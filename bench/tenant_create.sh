#!/bin/sh
# bench/tenant_create.sh - wall time to create one tenant against
# odoo-saas-sim with a simulated network latency, beside `kubectl create -f`
# of the same rendered objects, in the same run.
#
#   bench/tenant_create.sh [BUILDDIR] [RUNS] [LATENCY_MS]
#
# Prints one line per run and the medians.  Traffic stays on 127.0.0.1;
# the loops are bounded by RUNS.
set -eu
build=${1:-.}
runs=${2:-7}
latency=${3:-20}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odoo-saas-bench.XXXXXX")
sim_pid=
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

"$build/odoo-saas-sim" --listen 127.0.0.1:0 --nodes 2 --latency-ms "$latency" \
    --kubeconfig-out "$tmp/kc" >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
i=0
until grep -q '^listening on' "$tmp/sim.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/sim.err"; exit 1; }; sleep 0.1
done
export KUBECONFIG="$tmp/kc"

ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Warm kubectl's discovery cache the way an operator's would be.
kubectl api-resources >/dev/null 2>&1 || true
r=0
while [ $r -lt "$runs" ]; do
    t0=$(ms)
    "$build/odoo-saas" --trace "$tmp/trace-$r" tenant create "os-$r" --tier basic \
        --admin-email "a@os$r.com" >/dev/null
    t1=$(ms)
    "$build/odoo-saas" tenant render "kc-$r" --tier basic --admin-email "a@kc$r.com" -o json \
        > "$tmp/kc-$r.json"
    t2=$(ms)
    kubectl create -f "$tmp/kc-$r.json" >/dev/null
    t3=$(ms)
    echo "run $r: odoo-saas tenant create $((t1 - t0)) ms, kubectl create -f $((t3 - t2)) ms"
    echo $((t1 - t0)) >> "$tmp/os"
    echo $((t3 - t2)) >> "$tmp/kubectl"
    r=$((r + 1))
done
requests=$(grep -c . "$tmp/trace-0")
echo "median over $runs runs, --latency-ms $latency: odoo-saas $(median < "$tmp/os") ms," \
     "kubectl $(median < "$tmp/kubectl") ms; odoo-saas sent $requests requests per tenant"
