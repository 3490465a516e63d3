#!/bin/sh
# odoo-saasd --allow-from over real HTTP, with loopback sources (curl
# --interface 127.0.0.x): a listed peer is answered, an unlisted one is
# closed before any HTTP (curl fails, no status) and counted in /metrics
# and absent from the request log; a /8 lets the whole loopback in; an
# IPv6 listener answers a listed ::1; a bad entry or too many entries stop
# the daemon with exit 2 and one line on stderr, before it creates its
# data directory or listens.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools
sim_start

# from IP PATH: GET $SAASD_URL/PATH from source address IP; sets HTTP_CODE
# (000: no answer) and CURL_RC.
from() {
    HTTP_CODE=$(curl -s --max-time 5 --interface "$1" -o /dev/null -w '%{http_code}' "$SAASD_URL$2")
    CURL_RC=$?
}

# refused_count: odoo_saasd_connections_refused_total, asked from 127.0.0.1.
refused_count() {
    curl -s --max-time 5 "$SAASD_URL/metrics" | sed -n 's/^odoo_saasd_connections_refused_total //p'
}

# --- a bad list: exit 2, one line naming the entry, nothing opened ---
bad_start() {
    XDG_CONFIG_HOME=$OS_TMP/xdg timeout 10 "$SAASD_BIN" --listen 127.0.0.1:0 --kubeconfig "$SIM_KC" \
        --data-dir "$OS_TMP/bad-data" --allow-from "$1" >"$OS_TMP/bad.out" 2>"$OS_TMP/bad.err"
    BAD_RC=$?
}
bad_start 300.1.1.1
check_eq "--allow-from 300.1.1.1 exits 2" 2 "$BAD_RC"
check_eq "... with exactly one line on stderr naming the entry" \
    "odoo-saasd: --allow-from: bad address '300.1.1.1' (want ADDR[/BITS], comma-separated)" \
    "$(cat "$OS_TMP/bad.err")"
check_eq "... and never listens" "" "$(cat "$OS_TMP/bad.out")"
check "... nor creates its data directory" test ! -e "$OS_TMP/bad-data"
bad_start "127.0.0.0/8,10.1.0.0/16,"
check_eq "a trailing comma is refused too" \
    "2 odoo-saasd: --allow-from: bad address '' (want ADDR[/BITS], comma-separated)" \
    "$BAD_RC $(cat "$OS_TMP/bad.err")"
many=$(seq 0 64 | sed 's/^/10.0.0./' | paste -sd, -)
bad_start "$many"
check_eq "65 entries are refused with one line" \
    "2 1" "$BAD_RC $(grep -c . "$OS_TMP/bad.err")"
check_contains "... saying the bound" "more than 64" "$(cat "$OS_TMP/bad.err")"

# --- only 127.0.0.1 ---
saasd_start --allow-from 127.0.0.1/32
from 127.0.0.1 /healthz
check_eq "a listed peer (127.0.0.1) is answered" 200 "$HTTP_CODE"
from 127.0.0.2 /healthz
check_eq "an unlisted peer (127.0.0.2) gets no HTTP answer" 000 "$HTTP_CODE"
if [ "$CURL_RC" -ne 0 ]; then ok "... and curl fails (exit $CURL_RC)"; else not_ok "... and curl fails" "exit 0"; fi
from 127.0.0.3 /api/auth/login
check_eq "nor does another (127.0.0.3), whatever the path" 000 "$HTTP_CODE"
check_eq "the refusals are counted in /metrics" 2 "$(refused_count)"
from 127.0.0.1 /healthz
check_eq "the listed peer is still answered" 200 "$HTTP_CODE"
saasd_stop
log=$(cat "$OS_TMP/saasd.err")
check_contains "the listed peer is in the request log" ' 127.0.0.1 "GET /healthz" 200' "$log"
case "$log" in
*127.0.0.[23]*) not_ok "the refused peers are not in the request log" "$log" ;;
*) ok "the refused peers are not in the request log" ;;
esac

# --- the whole loopback ---
saasd_start --allow-from 127.0.0.0/8
from 127.0.0.2 /healthz
check_eq "with 127.0.0.0/8, 127.0.0.2 is answered" 200 "$HTTP_CODE"
from 127.255.255.254 /healthz
check_eq "... and so is 127.255.255.254" 200 "$HTTP_CODE"
check_eq "nothing refused" 0 "$(refused_count)"
saasd_stop

# --- IPv6 ---
if grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null; then
    saasd_start --listen '[::1]:0' --allow-from 10.0.0.0/8,::1
    from ::1 /healthz
    check_eq "an IPv6 listener answers a listed ::1" 200 "$HTTP_CODE"
    saasd_stop
else
    skip "an IPv6 listener answers a listed ::1" "no IPv6 loopback"
fi

sim_stop
finish
