#!/bin/sh
# bench/api.sh - odoo-saasd's throughput and latency with wrk, beside nginx
# serving the same JSON as a static file in the same run (the ceiling for a
# small HTTP answer on this machine).
#
#   bench/api.sh [BUILDDIR] [SECONDS] [CONNECTIONS] [RUNS]
#
# Measures, RUNS times interleaved (so drifting load hits every row alike)
# and reports the median of each: GET /api/tenants/{id} with a bearer token
# (the target: at least 70% of nginx) beside nginx serving that same JSON
# as a static file, GET /api/tiers (no auth) beside nginx serving the tiers,
# /healthz, GET /api/tenants (20 tenants in the model); then the cost of a
# login (argon2id: logins/s per core).  Everything runs on 127.0.0.1;
# every wrk run is bounded by SECONDS.  Figures: bench/README.md.
set -eu
build=${1:-.}
secs=${2:-5}
conns=${3:-32}
runs=${4:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/odoo-saas-bench.XXXXXX")
sim_pid= api_pid= nginx_pid=
cleanup() {
    for p in $api_pid $sim_pid $nginx_pid; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
command -v wrk >/dev/null || { echo "bench/api.sh: wrk is not installed (tools/install-deps)"; exit 1; }
command -v nginx >/dev/null || { echo "bench/api.sh: nginx is not installed (tools/install-deps)"; exit 1; }

wait_line() {   # FILE PATTERN
    i=0
    until grep -q "$2" "$1" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 100 ] || { echo "timed out waiting for $2 in $1"; exit 1; }; sleep 0.1
    done
}

"$build/odoo-saas-sim" --listen 127.0.0.1:0 --nodes 2 --kubeconfig-out "$tmp/kc" \
    >"$tmp/sim.out" 2>"$tmp/sim.err" &
sim_pid=$!
wait_line "$tmp/sim.out" '^listening on'
cat >"$tmp/api.yaml" <<'YAML'
api:
  tenants_per_account: 100
  server: {threads: 4, max_connections: 1024, per_ip_connections: 1024}   # 4: the default
  rate_limits: {create: {burst: 100, per_seconds: 1}, login_ip: {burst: 1000000, per_seconds: 0.001},
                login_account: {burst: 1000000, per_seconds: 0.001}}
YAML
XDG_CONFIG_HOME=$tmp "$build/odoo-saasd" --listen 127.0.0.1:0 --kubeconfig "$tmp/kc" \
    --config "$tmp/api.yaml" --data-dir "$tmp/data" >"$tmp/api.out" 2>"$tmp/api.err" &
api_pid=$!
wait_line "$tmp/api.out" '^listening on'
url=$(sed -n 's/^listening on //p' "$tmp/api.out")
j='Content-Type: application/json'
curl -s -H "$j" -d '{"email":"bench@example.com","password":"bench password"}' "$url/api/auth/register" >/dev/null
token=$(curl -s -H "$j" -d '{"email":"bench@example.com","password":"bench password"}' "$url/api/auth/login" | jq -r .access_token)
n=0
while [ $n -lt 20 ]; do
    curl -s -H "$j" -H "Authorization: Bearer $token" -d "{\"subdomain\":\"bench$n\",\"tier\":\"basic\"}" \
        "$url/api/tenants" >/dev/null
    n=$((n + 1))
done

# nginx serving the tiers JSON as a file, on a free port.
mkdir -p "$tmp/www/api" "$tmp/nginx"
curl -s "$url/api/tiers" >"$tmp/www/api/tiers"
mkdir -p "$tmp/www/api/tenants"
curl -s -H "Authorization: Bearer $token" "$url/api/tenants/bench7" >"$tmp/www/api/tenants/bench7"
grep -q '"id":"bench7"' "$tmp/www/api/tenants/bench7" || { echo "bench/api.sh: GET /api/tenants/bench7 failed"; exit 1; }
chmod 755 "$tmp" && chmod -R a+rX "$tmp/www"    # nginx's workers run as another user
port=$(( 20000 + $$ % 20000 ))
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 4;   # as many as odoo-saasd's threads: the same share of a loaded CPU
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
    uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
    server {
        listen 127.0.0.1:$port;
        root $tmp/www;
        default_type application/json;
    }
}
NGINX
nginx -c "$tmp/nginx.conf" -e "$tmp/nginx/error.log" &
nginx_pid=$!
sleep 0.5

one() {   # URL [HEADER]: "req/s p50 p99 non2xx" of one wrk run
    if [ -n "${2:-}" ]; then
        out=$(timeout $((secs + 10)) wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$2" "$1")
    else
        out=$(timeout $((secs + 10)) wrk -t2 -c"$conns" -d"${secs}s" --latency "$1")
    fi
    printf '%s\n' "$out" | awk '/Requests\/sec/ {r=$2} $1 == "50%" {p50=$2} $1 == "99%" {p99=$2}
        /Non-2xx/ {e=$NF} END {printf "%s %s %s %s\n", r, p50, p99, e ? e : 0}'
}
run() {   # NAME URL [HEADER]: one run, appended to $tmp/results
    set -- "$1" "$2" "${3:-}" "$(one "$2" "${3:-}")"
    echo "$1|$4" >>"$tmp/results"
}
echo "wrk: 2 threads, $conns connections, ${secs}s each, median of $runs runs; $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
auth="Authorization: Bearer $token"
r=0
while [ $r -lt "$runs" ]; do   # interleaved, so drifting load hits every row alike
    run "nginx static /api/tenants/bench7" "http://127.0.0.1:$port/api/tenants/bench7"
    run "odoo-saasd GET /api/tenants/{id}" "$url/api/tenants/bench7" "$auth"
    run "nginx static /api/tiers" "http://127.0.0.1:$port/api/tiers"
    run "odoo-saasd GET /api/tiers" "$url/api/tiers"
    run "odoo-saasd GET /healthz" "$url/healthz"
    run "odoo-saasd GET /api/tenants (auth)" "$url/api/tenants" "$auth"
    r=$((r + 1))
done
# Logins: argon2id by design (t=2, 64 MiB each), so per core is what counts.
cat >"$tmp/login.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"email":"bench@example.com","password":"bench password"}'
wrk.headers["Content-Type"] = "application/json"
LUA
out=$(timeout $((secs + 10)) wrk -t2 -c4 -d"${secs}s" -s "$tmp/login.lua" "$url/api/auth/login")
logins=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
login_errs=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
# The median of each row (req/s decides; its p50/p99 come with it).
awk -F'|' '{print $1}' "$tmp/results" | awk '!seen[$0]++' | while IFS= read -r name; do
    grep -F "$name|" "$tmp/results" | cut -d'|' -f2 | sort -n -k1,1 |
        awk -v n="$name" '{a[NR]=$0} END {split(a[int((NR+1)/2)], f, " ");
            printf "%-36s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n", n, f[1], f[2], f[3], f[4];
            if (f[4] != 0) printf "bench/api.sh: %s had non-2xx answers\n", n > "/dev/stderr"}'
done
nginx_id=$(grep -F 'nginx static /api/tenants/bench7|' "$tmp/results" | cut -d'|' -f2 | cut -d' ' -f1 | sort -n |
    awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
api_id=$(grep -F 'odoo-saasd GET /api/tenants/{id}|' "$tmp/results" | cut -d'|' -f2 | cut -d' ' -f1 | sort -n |
    awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
# Also the ratio within each round (the two runs seconds apart), whose median
# drifting load disturbs less.
grep -F 'nginx static /api/tenants/bench7|' "$tmp/results" | cut -d'|' -f2 | cut -d' ' -f1 >"$tmp/n.col"
grep -F 'odoo-saasd GET /api/tenants/{id}|' "$tmp/results" | cut -d'|' -f2 | cut -d' ' -f1 >"$tmp/a.col"
rounds=$(paste -d' ' "$tmp/a.col" "$tmp/n.col" | awk '{printf "%.0f\n", 100 * $1 / $2}' | sort -n | tr '\n' ' ' | sed 's/ $//')
awk -v a="$api_id" -v n="$nginx_id" -v r="$rounds" 'BEGIN {split(r, x, " "); k = 0; for (i in x) k++;
    printf "GET /api/tenants/{id}: %.0f%% of nginx (medians); per round %s%% (median %s%%); target 70%%\n",
        100 * a / n, r, x[int((k + 1) / 2)]}'
awk -v l="$logins" -v c="$(nproc)" 'BEGIN {printf "POST /api/auth/login (4 connections, one run): %.1f logins/s, %.1f per core\n", l, l / c}'
[ "${login_errs:-0}" = 0 ] || echo "bench/api.sh: $login_errs logins were refused" >&2
