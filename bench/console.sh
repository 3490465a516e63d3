#!/bin/sh
# bench/console.sh - the console against a simulator with many tenants:
# time to the first full screen, keypress latency, resident memory, CPU and
# bytes written to the terminal while idle.  Beside it, in the same run:
# `kubectl get ns` and `kubectl get pods -A` against the same simulator (what
# an operator would otherwise wait for).
#
#   bench/console.sh BUILDDIR [TENANTS] [IDLE_SECONDS] [RUNS]
#
# The console runs in a real terminal (tmux, 120x40); its output is copied
# with pipe-pane to count bytes.  127.0.0.1 only; every wait is bounded.
set -eu
build=$(cd "${1:-.}" && pwd)
tenants=${2:-1000}
idle=${3:-60}
runs=${4:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odoo-saas-bench.XXXXXX")
sock=$tmp/tmux.sock
sim_pid=
cleanup() {
    tmux -S "$sock" kill-server 2>/dev/null || true
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
screen() { tmux -S "$sock" capture-pane -p -t bench; }
# wait_for TEXT: poll the screen every 10 ms (at most 30 s); prints ms waited.
wait_for() {
    t0=$(ms)
    i=0
    until screen | grep -qF -- "$1"; do
        i=$((i + 1)); [ $i -lt 3000 ] || { echo "timeout waiting for: $1" >&2; return 1; }
        sleep 0.01
    done
    echo $(( $(ms) - t0 ))
}

"$build/odoo-saas-sim" --listen 127.0.0.1:0 --nodes 10 --seed-tenants "$tenants" \
    --kubeconfig-out "$tmp/kc" >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
i=0
until grep -q '^listening on' "$tmp/sim.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 600 ] || { cat "$tmp/sim.err"; exit 1; }; sleep 0.1
done
export KUBECONFIG="$tmp/kc"
last=$(printf 'demo-%03d' "$tenants")

r=0
while [ $r -lt "$runs" ]; do
    : > "$tmp/out-$r"
    t0=$(ms)
    tmux -S "$sock" new-session -d -s bench -x 120 -y 40 "$build/odoo-saas"
    tmux -S "$sock" pipe-pane -t bench -o "cat >> $tmp/out-$r"
    wait_for "Tenants     $tenants" >/dev/null
    first=$(( $(ms) - t0 ))
    pid=$(tmux -S "$sock" list-panes -t bench -F '#{pane_pid}')
    # Let the remaining lists arrive (pods, jobs, events) before timing keys.
    sleep 5
    # Keypresses: switch to Tenants, filter down to the last tenant.
    tmux -S "$sock" send-keys -t bench 3
    k1=$(wait_for "ID")
    tmux -S "$sock" send-keys -t bench / "$last" Enter
    k2=$(wait_for "$last")
    tmux -S "$sock" send-keys -t bench Escape Escape 1
    k3=$(wait_for "Tenants     $tenants")
    sleep 2
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    bytes0=$(wc -c < "$tmp/out-$r")
    sleep "$idle"
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    bytes1=$(wc -c < "$tmp/out-$r")
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    hz=$(getconf CLK_TCK)
    cpu_pct=$(awk -v d=$((cpu1 - cpu0)) -v hz="$hz" -v s="$idle" 'BEGIN {printf "%.2f", 100 * d / hz / s}')
    per_min=$(( (bytes1 - bytes0) * 60 / idle ))
    tmux -S "$sock" kill-session -t bench
    t2=$(ms); kubectl get ns >/dev/null; kns=$(( $(ms) - t2 ))
    t3=$(ms); kubectl get pods -A >/dev/null; kpods=$(( $(ms) - t3 ))
    echo "run $r: first screen ${first} ms; keys: view ${k1} ms, filter ${k2} ms, back ${k3} ms; RSS ${rss} KiB;" \
         "idle CPU ${cpu_pct}%; idle output ${per_min} B/min; kubectl get ns ${kns} ms, get pods -A ${kpods} ms"
    echo "$first" >> "$tmp/first"; echo "$rss" >> "$tmp/rss"; echo "$per_min" >> "$tmp/bytes"
    echo "$cpu_pct" >> "$tmp/cpu"; echo "$kns" >> "$tmp/kns"; echo "$k2" >> "$tmp/k2"
    r=$((r + 1))
done
echo "median of $runs runs, $tenants tenants: first screen $(median < "$tmp/first") ms," \
     "filter keypress $(median < "$tmp/k2") ms, RSS $(median < "$tmp/rss") KiB," \
     "idle CPU $(median < "$tmp/cpu")%, idle output $(median < "$tmp/bytes") B/min;" \
     "kubectl get ns $(median < "$tmp/kns") ms"
