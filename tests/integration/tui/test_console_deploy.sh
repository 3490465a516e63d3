#!/bin/sh
# test_console_deploy.sh - the console's Deploy screen in a real terminal
# (tmux) against a real sshd on 127.0.0.1 with the recording stand-ins of
# tests/integration/deploy: the host list from the config's deploy:
# section, an unknown host key shown and accepted, a full run with live
# step marks and output while the rest of the console stays live, a rerun
# that skips everything, a failing step showing its stderr, an encrypted
# key's passphrase asked in the screen (masked); and a plan in the
# scripted, off-screen mode.  Every wait polls, bounded.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/deploy/lib-deploy.sh"
. "$OS_SRCDIR/tests/integration/tui/lib-tui.sh"

if ! command -v tmux >/dev/null 2>&1; then
    skip "all checks" "tmux is not installed (tools/install-deps installs it)"
    finish
    exit 0
fi
deploy_setup || { not_ok "test setup"; finish; exit 1; }
if ! sshd_start; then not_ok "sshd starts"; finish; exit 1; fi
OS_CLEANUP_HOOK="tmux_kill_all; sshd_stop"
OS="$OS_BUILDDIR/odoo-saas"
export LC_ALL=C.UTF-8 TERM=xterm-256color
unset SSH_AUTH_SOCK
HOST="$SSH_USER@127.0.0.1:$SSH_PORT"
HOST_FP=$(ssh-keygen -l -E sha256 -f "$T/hostkey.pub" | awk '{print $2}')

# config KEY_FILE > FILE: the deploy: section for this host.
config() {
    cat <<EOC
deploy:
  hosts: ["$HOST", "nobody@192.0.2.1:22"]
  identity: $1
  known_hosts: $T/known_hosts
  microk8s_channel: 1.32/edge
  bundle: $T/odoo-saas-0.tar.gz
  platform_dir: $OS_SRCDIR
  remote_dir: $T/remote/bundle
  remote_env: "$REMOTE_ENV"
  connect_timeout: 10
EOC
}
config "$T/userkey" >"$T/config.yaml"

screen_has() { tmux_screen "$1"; case "$TMUX_SCREEN" in *"$2"*) return 0 ;; esac; return 1; }

# --- the screen and an unknown host -------------------------------------------
tmux_start dep env HOME="$T/client" KUBECONFIG="$T/none" "$OS" --config "$T/config.yaml"
wait_for dep "Overview" "the console opens (no cluster needed)"
keys dep : d e p l o y Enter
wait_for dep "Deploy over SSH" ":deploy opens the Deploy screen"
check_contains "the hosts come from the config" "$HOST" "$TMUX_SCREEN"
check_contains "... all of them" "nobody@192.0.2.1:22" "$TMUX_SCREEN"
check_contains "every step is listed, pending" "· microk8s-install" "$TMUX_SCREEN"
keys dep Enter
wait_for dep "Unknown host key" "an unknown host stops the run and asks"
check_contains "... showing the fingerprint" "$HOST_FP" "$TMUX_SCREEN"
check "... nothing recorded yet" test ! -e "$T/known_hosts"
check_eq "... nothing ran" "" "$(doubles_log)"
# the host's key changes between showing and accepting: nothing is recorded
sshd_stop
mv "$T/hostkey" "$T/hostkey.first"
mv "$T/hostkey.pub" "$T/hostkey.first.pub"
ssh-keygen -q -t ed25519 -N '' -C second-host -f "$T/hostkey"
sshd_start || not_ok "sshd restarts with another host key"
NEW_FP=$(ssh-keygen -l -E sha256 -f "$T/hostkey.pub" | awk '{print $2}')
keys dep a
wait_for dep "offered another key" "a key other than the one shown is not recorded on a"
check_contains "... the new key is shown to accept instead" "$NEW_FP" "$TMUX_SCREEN"
check "... known_hosts still untouched" test ! -e "$T/known_hosts"

# --- accept, and a full run while the console stays live ------------------------
touch "$T/state/slow-ready"            # microk8s-ready takes 2 s: time to look around
keys dep a
wait_for dep "▶ microk8s-ready" "accepted: the run goes on (microk8s-ready running)" 20
keys dep '?'
wait_for dep "Keys of the Deploy view" "keys work while a step runs (help opens)"
check_contains "help lists the plan key" "toggle the plan" "$TMUX_SCREEN"
keys dep Escape
keys dep q
wait_for dep "A deployment is running" "q asks first while a run is in flight"
keys dep n
keys dep Escape
wait_for dep "Tenants" "Esc leaves the screen; the run goes on"
wait_for dep "is deployed" "the end of the run shows in the status bar elsewhere" 30
rm -f "$T/state/slow-ready"
keys dep : d e p l o y Enter
wait_for dep "is deployed (13 steps run, 3 already done)" "back on the screen: the result"
check_contains "the satisfied steps are marked skipped" "- os-check         skipped" "$TMUX_SCREEN"
for s in microk8s-install addons bundle traefik platform service; do
    check_contains "step $s is marked done" "✓ $s" "$TMUX_SCREEN"
done
check_contains "the output pane shows the steps' output" "==> service: done" "$TMUX_SCREEN"
check_contains "... the remote commands' own lines too" "namespace/odoo-saas serverside-applied" "$TMUX_SCREEN"
check_contains "healthz answered: skipped" "- healthz          skipped" "$TMUX_SCREEN"
check_contains "the host key was recorded" "[127.0.0.1]:$SSH_PORT ssh-ed25519" "$(cat "$T/known_hosts" 2>/dev/null)"
want=$(deploy_full_run)
check_eq "the stand-ins saw every step's commands, in order, once" "$want" "$(deploy_changes)"
check_contains "the snap channel came from deploy.microk8s_channel" "--channel=1.32/edge" "$(doubles_log)"
check "the bundle arrived intact" cmp -s "$T/odoo-saas-0.tar.gz" "$T/remote/bundle/odoo-saas.tar.gz"

# --- a rerun skips everything --------------------------------------------------------
: >"$T/state/log"
keys dep Enter
wait_for dep "(0 steps run, 16 already done)" "a rerun skips every step" 20
check_contains "... marked skipped" "- microk8s-install skipped" "$TMUX_SCREEN"
check_eq "... and changes nothing" "" "$(deploy_changes)"

# --- a failing step stops the run and shows its stderr ---------------------------------
rm -f "$T/state/applied" "$T/state/enabled" "$T/state/active"
touch "$T/state/fail-apply"
keys dep Enter
wait_for dep "step platform failed (exit 1)" "a failing step fails the run, saying which" 20
check_contains "... its stderr is in the output pane" 'namespaces "odoo-saas" is forbidden' "$TMUX_SCREEN"
check_contains "... marked failed" "✗ platform" "$TMUX_SCREEN"
check_contains "... the steps after it stay pending" "· service" "$TMUX_SCREEN"
rm -f "$T/state/fail-apply"

# --- q in the middle of a run: asks, then stops it and exits cleanly ----------------------
rm -f "$T/state/ready"
touch "$T/state/slow-ready"
keys dep Enter
wait_for dep "▶ microk8s-ready" "a run is going again" 20
keys dep q
wait_for dep "A deployment is running" "q asks first"
keys dep y
if tmux_gone dep 20; then ok "y quits in the middle of a run"; else not_ok "y quits in the middle of a run"; fi
check_eq "the console exits 0 (the run's connection closed, nothing leaked)" 0 "$(cat "$OS_TMP/dep.exit" 2>/dev/null)"
check_eq "... nothing on stderr" "" "$(cat "$OS_TMP/dep.err" 2>/dev/null)"
rm -f "$T/state/slow-ready"

# --- an encrypted key: the passphrase is asked in the screen, masked --------------------
ssh-keygen -q -t ed25519 -N 'tui-secret-7' -f "$T/enckey"
cat "$T/enckey.pub" >>"$T/authorized_keys"
config "$T/enckey" >"$T/config-enc.yaml"
tmux_start enc env HOME="$T/client" KUBECONFIG="$T/none" "$OS" --config "$T/config-enc.yaml"
wait_for enc "Overview" "encrypted key: the console opens"
keys enc : d e p l o y Enter p Enter
wait_for enc "Encrypted key" "an encrypted key's passphrase is asked in the screen"
check_contains "... naming the key" "Passphrase for $T/enckey" "$TMUX_SCREEN"
tmux_cmd send-keys -t enc -l 'tui-secret-7'
wait_for enc "[************]" "... masked as it is typed"
case "$TMUX_SCREEN" in *tui-secret*) not_ok "... never shown" "$TMUX_SCREEN" ;; *) ok "... never shown" ;; esac
keys enc Enter
wait_for enc "steps would run" "the passphrase unlocks the key (a plan runs)" 20
keys enc q
if tmux_gone enc; then ok "q quits at once when no run is in flight"; else not_ok "q quits at once when no run is in flight"; fi
check_eq "... exit 0" 0 "$(cat "$OS_TMP/enc.exit" 2>/dev/null)"

# --- scripted, off-screen: a plan -----------------------------------------------------------
rm -f "$T/state/healthy" "$T/state/active"
HOME=$T/client KUBECONFIG=$T/none TUI_COLS=100 TUI_LINES=30 \
    tui_run ':deploy<Enter>p<Enter><waitfor:steps would run><dump>' --config "$T/config.yaml"
check_eq "scripted plan: exits 0" 0 "$TUI_RC"
check_contains "scripted plan: the outcome" "steps would run" "$TUI_DUMPS"
check_contains "scripted plan: satisfied steps" "= os-check" "$TUI_DUMPS"
HOME=$T/client KUBECONFIG=$T/none TUI_COLS=100 TUI_LINES=16 \
    tui_run ':deploy<Enter><dump>p<Enter><waitfor:steps would run><dump>' --config "$T/config.yaml"
check_contains "a short screen: the steps are a window, from the first" "Steps 1-" "$(tui_dump 1)"
check_contains "... showing the first step" "os-check" "$(tui_dump 1)"
check_contains "... which follows the run to the last step" "of 16" "$(tui_dump 2)"
check_contains "... healthz in sight at the end" "* healthz          would run" "$(tui_dump 2)"
check_contains "... both hosts still listed" "nobody@192.0.2.1:22" "$(tui_dump 2)"

printf 'deploy: {}\n' >"$T/nohosts.yaml"
HOME=$T/client KUBECONFIG=$T/none tui_run ':deploy<Enter><Enter><dump>:deploy ops@adhoc.example:2222<Enter><dump>' \
    --config "$T/nohosts.yaml"
check_contains "scripted: no hosts configured: the screen says how to add one" "add deploy.hosts to the config" "$(tui_dump 1)"
check_contains "scripted: :deploy USER@HOST adds a host to the list" "> ops@adhoc.example:2222" "$(tui_dump 2)"
: >"$T/state/log"
HOME=$T/client KUBECONFIG=$T/none tui_run ':deploy<Enter><Enter><dump>' --readonly --config "$T/config.yaml"
check_contains "scripted: --readonly refuses a deployment (a plan is allowed)" "the console is --readonly: p for a plan" "$TUI_DUMPS"
check_eq "... and nothing ran" "" "$(doubles_log)"

tmux_kill_all
finish
