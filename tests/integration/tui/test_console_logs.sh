#!/bin/sh
# The console's Logs view, the tenant detail's events / quota / isolation,
# and the scripted-mode tools (:save-display, --max-frames, a script file,
# :theme at run time), off-screen against odoo-saas-sim with controllers
# (pods start in 300 ms and print logs).
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/tui/lib-tui.sh"

sim_need_tools kubectl
sim_start --pod-start-ms 300
OS="$OS_BUILDDIR/odoo-saas"
export LC_ALL=C.UTF-8
# Only the built-in themes (and the one a check adds), whatever $HOME holds.
mkdir -p "$OS_TMP/xdg/odoo-saas/themes"
export XDG_CONFIG_HOME="$OS_TMP/xdg"

"$OS" tenant create acme --tier basic --admin-email admin@acme.com >/dev/null 2>&1

# Every run's stderr, checked for sanitizer reports at the end.
run() { tui_run "$@"; printf '%s\n' "$TUI_ERR" >>"$OS_TMP/all.err"; }

# "lines A-B of N" of a logs screen: N.
log_total() { printf '%s\n' "$1" | sed -n 's/.* of \([0-9][0-9]*\) .*/\1/p' | tail -n 1; }

# --- logs: l on a tenant follows its Odoo pod ------------------------------
# 14 lines: more log than fits, so Up can scroll away from the tail.
TUI_LINES=14 TUI_COLS=120 run '<waitfor:connected>3<waitfor:Ready>l<waitfor:/web/health><dump><wait:2300><dump>G<Up><Up><dump><End><dump><Right><dump><Left><dump><Esc><dump>'
check_eq "logs: exits 0" 0 "$TUI_RC"
d1=$(tui_dump 1)
check "logs: l on a tenant opens its Odoo pod" sh -c 'printf "%s\n" "$1" | grep -Eq "^ logs acme  pod odoo-[a-z0-9]+-[a-z0-9]+ "' - "$d1"
check_contains "logs: Odoo's start-up lines" "odoo.modules.registry: Registry loaded" "$d1"
check_contains "logs: the health checks" "GET /web/health" "$d1"
check_contains "logs: following the tail" "following" "$d1"
n1=$(log_total "$d1")
n2=$(log_total "$(tui_dump 2)")
check "logs: follow adds new lines ($n1, then $n2)" test "${n2:-0}" -gt "${n1:-0}"
check_contains "logs: Up pauses the pane" "paused (End follows)" "$(tui_dump 3)"
check_contains "logs: End follows again" "following" "$(tui_dump 4)"
check_contains "logs: Right scrolls long lines sideways" "from column 21" "$(tui_dump 5)"
check "logs: ... the lines start 20 columns in" sh -c 'printf "%s\n" "$1" | grep -Eq "^[0-9]{3} 1 INFO "' - "$(tui_dump 5)"
check "logs: Left scrolls back" sh -c 'printf "%s\n" "$1" | grep -Eq "^20[0-9]{2}-[0-9]{2}-[0-9]{2} "' - "$(tui_dump 6)"
check_contains "logs: Esc goes back to the tenants" "PHASE" "$(tui_dump 7)"

# --- logs: :logs, p cycles to the next pod, help ---------------------------------
run '<waitfor:connected>:logs acme<Enter><waitfor:werkzeug>p<waitfor:pod postgresql-0><waitfor:ready to accept><dump>?<dump>'
check_contains "logs: p moves to the next pod" "pod postgresql-0" "$(tui_dump 1)"
check_contains "logs: postgresql's log shows" "database system is ready to accept" "$(tui_dump 1)"
check_contains "logs: help names p" "follow the tenant's next pod" "$(tui_dump 2)"
run '<waitfor:connected>:logs nosuch<Enter><dump>'
check_contains "logs: an unknown tenant says so" 'no tenant "nosuch"' "$(tui_dump 1)"

# --- logs: the stream resumes without a gap or a repeat -------------------------------
# Through a proxy that cuts every connection after 1.5 s, the log stream
# drops again and again; each time it resumes from its last line.  (That a
# pod cannot drive the terminal is unit-tested: tests/unit/tui/test_log_ring.c.)
if command -v python3 >/dev/null 2>&1; then
    python3 "$OS_SRCDIR/tests/integration/tui/drop_proxy.py" "${SIM_URL##*:}" 1500 "$OS_TMP/proxy.port" &
    proxy_pid=$!
    OS_CLEANUP_HOOK="kill $proxy_pid 2>/dev/null; sim_kill"
    i=0
    while [ ! -s "$OS_TMP/proxy.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    sed "s|server: https://127.0.0.1:.*|server: https://127.0.0.1:$(cat "$OS_TMP/proxy.port")|" "$KUBECONFIG" >"$OS_TMP/proxy.kc"
    rm -f "$OS_TMP/trace.txt"
    # The drops come on the proxy's clock: the script gives them 6 s.
    TUI_LINES=40 TUI_COLS=160 run '<waitfor:connected>:logs acme<Enter><waitfor:werkzeug><wait:6000><dump>' \
        --kubeconfig "$OS_TMP/proxy.kc" --trace "$OS_TMP/trace.txt"
    kill "$proxy_pid" 2>/dev/null
    OS_CLEANUP_HOOK=sim_kill
    n=$(grep -c '/log?follow=true' "$OS_TMP/trace.txt")
    check "resume: the log stream was cut and asked again ($n requests)" test "$n" -ge 2
    check "resume: asked again from the last line's second" grep -q '/log?follow=true.*sinceTime=' "$OS_TMP/trace.txt"
    # The health checks come one a second: every one shown once, none missing.
    secs=$(tui_dump 1 | sed -n 's/^[0-9-]* \([0-9:]*\),600 1 INFO .* werkzeug: .*/\1/p' |
        awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }')
    gaps=$(printf '%s\n' "$secs" | awk 'NR > 1 && $1 != prev + 1 { print prev "->" $1 } { prev = $1 }')
    check "resume: health-check lines shown ($(printf '%s\n' "$secs" | grep -c .))" test "$(printf '%s\n' "$secs" | grep -c .)" -ge 6
    check_eq "resume: one line a second, no repeat, no gap" "" "$gaps"
else
    skip "resume: the log stream resumes" "python3 is not installed"
fi

# --- tenant detail: events, quota, isolation, URL, admin ------------------------------
api POST /api/v1/namespaces/tenant-acme/events -H 'Content-Type: application/json' -d "{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"acme.marker\",\"namespace\":\"tenant-acme\"},\"involvedObject\":{\"kind\":\"Deployment\",\"name\":\"odoo\",\"namespace\":\"tenant-acme\"},\"reason\":\"MarkerReason\",\"message\":\"marker event for the console test\",\"type\":\"Warning\",\"lastTimestamp\":\"$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)\"}"
check_eq "detail: a test event is posted" 201 "$HTTP_CODE"
TUI_LINES=40 TUI_COLS=160 run '<waitfor:connected>:tenant acme<Enter><waitfor:checks, all pass><waitfor:MarkerReason><dump>'
d=$(tui_dump 1)
check_contains "detail: URL" "https://acme.odoo.localhost" "$d"
check_contains "detail: admin email" "admin@acme.com" "$d"
check "detail: the isolation check passes" sh -c 'printf "%s\n" "$1" | grep -Eq "^ Isolation [0-9]+ checks, all pass"' - "$d"
check "detail: the events table, newest first (the future-dated marker on top)" sh -c \
    'printf "%s\n" "$1" | grep -A1 "^ *LAST *REASON" | tail -n 1 | grep -q "MarkerReason .*Deployment/odoo .*marker event for the console test"' - "$d"
check_contains "detail: the controllers' events too" "Started container odoo" "$d"
kubectl get resourcequota tenant-quota -n tenant-acme -o json >"$OS_TMP/quota.json" 2>/dev/null
cpu="$(jq -r '.status.used["requests.cpu"]' "$OS_TMP/quota.json")/$(jq -r '.status.hard["requests.cpu"]' "$OS_TMP/quota.json")"
pods="$(jq -r '.status.used.pods' "$OS_TMP/quota.json")/$(jq -r '.status.hard.pods' "$OS_TMP/quota.json")"
check_contains "detail: quota cpu used/hard as the API has it ($cpu)" "cpu $cpu " "$d"
check_contains "detail: quota pods used/hard ($pods)" "pods $pods " "$d"

# Without the policy that lets odoo out to its database the check fails,
# says which path, and counts as `tenant check-isolation` does.
"$OS" tenant create beta --tier basic --admin-email admin@beta.com --wait >/dev/null 2>&1   # pods settled: the count is stable
kubectl delete -n tenant-beta networkpolicy/odoo-to-postgresql >/dev/null 2>&1
cli=$("$OS" tenant check-isolation beta 2>/dev/null | sed -n 's/^\([0-9]*\) checks, \([0-9]*\) failed$/\2 of \1/p')
TUI_COLS=160 run '<waitfor:connected>:tenant beta<Enter><waitfor:checks FAIL><dump>'
check_contains "detail: a missing policy fails the isolation check, naming the path" \
    "checks FAIL: odoo -> own postgresql (5432/TCP): denied" "$(tui_dump 1)"
check_contains "detail: the same count as tenant check-isolation ($cli)" "Isolation $cli checks FAIL" "$(tui_dump 1)"

# --- :save-display -------------------------------------------------------------------------
run "<waitfor:connected>2<waitfor:sim-node-2>:save-display $OS_TMP/saved.txt<Enter><dump>"
check_eq "save-display: the file starts like a dump" "=== dump 1 (80x24) ===" "$(head -n 1 "$OS_TMP/saved.txt" 2>/dev/null)"
check_eq "save-display: the whole screen, 24 lines after the header" 25 "$(wc -l <"$OS_TMP/saved.txt" 2>/dev/null | tr -d ' ')"
check "save-display: the nodes view as shown" grep -q "^sim-node-2 *Ready" "$OS_TMP/saved.txt"
case "$(cat "$OS_TMP/saved.txt" 2>/dev/null)" in *":save-display"*) not_ok "save-display: without the command line" ;;
*) ok "save-display: without the command line" ;; esac
check_contains "save-display: the status bar says where" "screen saved to $OS_TMP/saved.txt" "$(tui_dump 1)"
run ":save-display /nonexistent/dir/x.txt<Enter><dump>"
check_contains "save-display: an unwritable path says so" "cannot write /nonexistent/dir/x.txt" "$(tui_dump 1)"

# --- --max-frames ------------------------------------------------------------------------
start=$(date +%s)
run '1231231231<wait:20000>' --max-frames 3
secs=$(( $(date +%s) - start ))
check_eq "--max-frames 3: exits 0" 0 "$TUI_RC"
check "--max-frames 3: exits after the third frame, not after the script's 20 s (${secs}s)" test "$secs" -lt 10
"$OS" --max-frames 0 >/dev/null 2>&1
check_eq "--max-frames 0 is a usage error" 2 "$?"

# --- ODOO_SAAS_SCRIPT=FILE ----------------------------------------------------------------------
cat >"$OS_TMP/script.keys" <<'KEYS'
# the tenants, one step a line; a line break is not <Enter>
<waitfor:connected>
3
<waitfor:acme>
<dump>
KEYS
run "$OS_TMP/script.keys"
check_eq "script file: exits 0" 0 "$TUI_RC"
check_contains "script file: its keys ran" "acme" "$(tui_dump 1)"
check_contains "script file: the tenants view" "PHASE" "$(tui_dump 1)"
case "$(tui_dump 2)" in *"tenant acme"*) not_ok "script file: line breaks are not Enter" "$(tui_dump 2)" ;;
*) ok "script file: line breaks are not Enter" ;; esac
check_eq "script file: two dumps (its own and the one at exit)" 2 "$(grep -c '^=== dump' "$OS_TMP/dump.txt")"

# --- :theme at run time -------------------------------------------------------------------------
printf 'title = magenta\n' >"$OS_TMP/xdg/odoo-saas/themes/mine.theme"
printf 'title = red\nrow = chartreuse\n' >"$OS_TMP/bad.theme"
TUI_COLS=120 run ":theme so<Tab><dump><Enter><dump>:theme m<Tab><dump><Esc>:theme $OS_TMP/bad.theme<Enter><dump>T<dump>:theme mine<Enter><dump>"
check_eq "theme: exits 0" 0 "$TUI_RC"
check_contains "theme: Tab completes a built-in name" ":theme solarized-dark" "$(tui_dump 1)"
check_contains "theme: :theme switches" "theme solarized-dark" "$(tui_dump 2)"
check_contains "theme: Tab lists the user's themes with the built-in ones" "mine monochrome" "$(tui_dump 3)"
check_contains "theme: a broken file names its line and keeps the theme" "bad.theme:2: unknown colour or attribute; keeping solarized-dark" "$(tui_dump 4)"
check_contains "theme: T cycles to the next theme (wrapping around)" "theme dark" "$(tui_dump 5)"
check_contains "theme: a user theme loads" "theme mine" "$(tui_dump 6)"

if grep -qE 'Sanitizer|runtime error:' "$OS_TMP/all.err" 2>/dev/null; then
    not_ok "no sanitizer report from the console" "$(grep -A5 -E 'Sanitizer|runtime error:' "$OS_TMP/all.err")"
else ok "no sanitizer report from the console"; fi

sim_finish
