#!/bin/sh
# The console in a real terminal (tmux, 80x24) against odoo-saas-sim with
# controllers (pods start in 300 ms): create a tenant through the form and
# watch it reach Ready, open it (events, quota, isolation), follow its
# Odoo log; then switch themes at run time and see the colours change in
# capture-pane -e.  Every wait polls the pane, bounded.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/tui/lib-tui.sh"

tmux_need
sim_need_tools
sim_start --pod-start-ms 300
OS_CLEANUP_HOOK="tmux_kill_all; sim_kill"
OS="$OS_BUILDDIR/odoo-saas"
export LC_ALL=C.UTF-8 TERM=xterm-256color
unset NO_COLOR
mkdir -p "$OS_TMP/xdg"
export XDG_CONFIG_HOME="$OS_TMP/xdg"     # the built-in themes only

# The SGR sequences of the pane's first line (the title bar).
title_sgr() { tmux_cmd capture-pane -p -e -t "$1" | head -n 1 | grep -o "$(printf '\033')\[[0-9;]*m" | sort -u | tr -d '\n\033'; }

tmux_start live "$OS" --kubeconfig "$KUBECONFIG"
wait_for live "connected" "the console opens and connects"

# --- create through the form, watch it reach Ready -----------------------------
keys live c
wait_for live "Create a tenant" "c opens the create form"
keys live gamma Tab Tab Tab a@gamma.com
wait_for live "a@gamma.com" "the form takes the typed email"
keys live Enter
wait_for live "tenant gamma created" "Enter creates the tenant, step by step" 20
wait_for live "phase: Ready" "the form follows the new tenant until Ready" 20
check_eq "the cluster has it, Ready" "Ready" "$("$OS" tenant show gamma -o json 2>/dev/null | jq -r .phase)"
keys live Enter
wait_for live "tenant gamma" "Enter opens the new tenant"
wait_for live "checks, all pass" "its detail shows the isolation check passing"
wait_for live "Started container" "its detail lists the namespace's events"
tmux_screen live
case "$TMUX_SCREEN" in *"pods "[0-9]*/10*) ok "its detail shows the quota used/hard" ;;
*) not_ok "its detail shows the quota used/hard" "$TMUX_SCREEN" ;; esac
keys live l
wait_for live "werkzeug" "l follows the Odoo pod's log"

# The stream drops when its pod goes; the Deployment's new pod is followed.
old=$(printf '%s\n' "$TMUX_SCREEN" | sed -n 's/^ logs gamma  pod \(odoo-[^ ]*\) .*/\1/p')
api DELETE "/api/v1/namespaces/tenant-gamma/pods/$old"
check_eq "the followed pod ($old) is deleted" 200 "$HTTP_CODE"
i=0
new=
while [ $i -lt 150 ]; do
    tmux_screen live
    new=$(printf '%s\n' "$TMUX_SCREEN" | sed -n 's/^ logs gamma  pod \(odoo-[^ ]*\) .*following$/\1/p')
    [ -n "$new" ] && [ "$new" != "$old" ] && printf '%s\n' "$TMUX_SCREEN" | grep -q werkzeug && break
    sleep 0.1
    i=$((i + 1))
done
if [ -n "$new" ] && [ "$new" != "$old" ]; then ok "the log follows the replacement pod ($new)"
else not_ok "the log follows the replacement pod" "$TMUX_SCREEN"; fi

# p: the tenant's next pod (by name).
keys live p
wait_for live "pod postgresql-0" "p moves to the next pod"
wait_for live "connection received" "postgresql's log streams"

# --- themes at run time: the colours change --------------------------------------
keys live Escape
keys live 1
wait_for live "Cluster     " "1 goes back to the overview"
tmux_screen live -e
if has_colour "$TMUX_SCREEN"; then ok "default theme: colour escapes"; else not_ok "default theme: colour escapes" "$TMUX_SCREEN"; fi
before=$(title_sgr live)
keys live : theme Space monochrome Enter
wait_for live "theme monochrome" ":theme monochrome switches"
tmux_screen live -e
if has_colour "$TMUX_SCREEN"; then not_ok "monochrome: no colour escapes any more" "$(printf '%s' "$TMUX_SCREEN" | od -c | head -20)"
else ok "monochrome: no colour escapes any more"; fi
keys live T
wait_for live "theme solarized-dark" "T cycles to the next theme"
tmux_screen live -e
if has_colour "$TMUX_SCREEN"; then ok "solarized-dark: colour again"; else not_ok "solarized-dark: colour again" "$TMUX_SCREEN"; fi
after=$(title_sgr live)
check "solarized-dark: the title bar's colours differ from default's" test "$before" != "$after"
keys live : q Enter
if tmux_gone live 15; then ok ":q quits"; else not_ok ":q quits" "$(tmux_cmd capture-pane -p -t live)"; fi
check_eq "the console exits 0" 0 "$(cat "$OS_TMP/live.exit" 2>/dev/null)"
check_eq "nothing on stderr" "" "$(cat "$OS_TMP/live.err" 2>/dev/null)"

tmux_kill_all
sim_finish
