#!/bin/sh
# bench/api.sh - odoo-saasd's throughput and latency with wrk, beside nginx
# serving the same JSON as a static file in the same run (the ceiling for a
# small HTTP answer on this machine).
#
#   bench/api.sh [BUILDDIR] [SECONDS] [CONNECTIONS]
#
# Measures: GET /api/tiers (no auth: routing + JSON), GET /api/tenants with a
# bearer token (JWT verify + SQLite lookup + the model snapshot, 20 tenants
# in the model), /healthz, and nginx serving the tiers JSON.  Everything
# runs on 127.0.0.1; wrk's runs are bounded by SECONDS.
#
# Recorded (commit after 4ef7176, `bench/api.sh BUILD 5 32`, 2 vCPU KVM shared
# by wrk, nginx, odoo-saasd and the simulator; median of 3 runs, req/s):
#   nginx static /api/tiers           140 k   (p50 0.17 ms)
#   odoo-saasd GET /api/tiers          83 k   (p50 0.43 ms)  0.6x nginx
#   odoo-saasd GET /healthz            96 k   (p50 0.27 ms)
#   odoo-saasd GET /api/tenants        15 k   (p50 1.6 ms; JWT verify, an
#                                             SQLite lookup, 20 tenants)
# Runs vary by about 30% on this shared machine.
set -eu
build=${1:-.}
secs=${2:-5}
conns=${3:-32}
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
  server: {threads: 4, max_connections: 1024, per_ip_connections: 1024}
  rate_limits: {create: {burst: 100, per_seconds: 1}}
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
chmod 755 "$tmp" && chmod -R a+rX "$tmp/www"    # nginx's workers run as another user
port=$(( 20000 + $$ % 20000 ))
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
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

run() {   # NAME URL [HEADER]
    if [ -n "${3:-}" ]; then
        out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$2")
    else
        out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$2")
    fi
    rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')
    p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
    errs=$(printf '%s\n' "$out" | awk '/Non-2xx/ {print $NF}')
    [ "${errs:-0}" = 0 ] || echo "bench/api.sh: $1 had non-2xx answers" >&2
    printf '%-34s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${errs:-0}"
}
echo "wrk: 2 threads, $conns connections, ${secs}s each; $(nproc) CPUs"
run "nginx static /api/tiers" "http://127.0.0.1:$port/api/tiers"
run "odoo-saasd GET /api/tiers" "$url/api/tiers"
run "odoo-saasd GET /healthz" "$url/healthz"
run "odoo-saasd GET /api/tenants (auth)" "$url/api/tenants" "Authorization: Bearer $token"
