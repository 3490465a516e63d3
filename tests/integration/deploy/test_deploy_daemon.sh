#!/bin/sh
# test_deploy_daemon.sh - what the deploy leaves for odoo-saasd really
# runs it: a deployment through a real sshd (stand-ins for microk8s & co.,
# whose ServiceAccount token Secret hands out the simulator's own token and
# CA), then the real odoo-saasd started the way systemd would start the
# installed unit (its ExecStart, the EnvironmentFile's variables, %d the
# credentials folder holding the kubeconfig), which must serve /healthz and
# get /readyz (its model synced through the ServiceAccount kubeconfig, over
# TLS, against odoo-saas-sim).  Only the port is changed (0: any free one).
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/deploy/lib-deploy.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"

sim_need_tools
deploy_setup || { not_ok "test setup"; finish; exit 1; }
sim_start
SAASD_PID=
cleanup_all() {
    [ -n "$SAASD_PID" ] && kill "$SAASD_PID" 2>/dev/null
    sim_kill
    sshd_stop
}
OS_CLEANUP_HOOK=cleanup_all
if ! sshd_start; then not_ok "sshd starts"; finish; exit 1; fi
ok "sshd and the simulator start"

# The simulator's address, CA and token, from the kubeconfig it wrote.
"$OS_BUILDDIR/tests/integration/schema/yaml2json" "$SIM_KC" >"$T/simkc.json"
kc() { jq -r ".[0]$1" "$T/simkc.json"; }
server=$(kc '.clusters[0].cluster.server')
kc '.clusters[0].cluster["certificate-authority-data"]' | tr -d '\n' >"$T/state/sa-ca.b64"
printf '%s' "$(kc '.users[0].user.token')" | base64 -w0 >"$T/state/sa-token.b64"
echo 127.0.0.1 >"$T/state/node-ip"
check_contains "the simulator's kubeconfig names an https server" "https://127.0.0.1:" "$server"

ssh-keyscan -p "$SSH_PORT" 127.0.0.1 >"$T/known_hosts" 2>/dev/null
REMOTE_ENV="$REMOTE_ENV ODOO_SAAS_APISERVER=$server"
deploy_cli >"$T/out" 2>&1; rc=$?
check_eq "the deployment succeeds" 0 "$rc"
[ "$rc" -eq 0 ] || tail -20 "$T/out" | sed 's/^/# /'

# --- start odoo-saasd as systemd would ----------------------------------------------
unit=$T/units/odoo-saasd.service
exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//')
check_contains "the unit's ExecStart runs odoo-saasd" "/usr/local/bin/odoo-saasd --listen" "$exec_start"
mkdir -p "$T/cred" "$T/data"
cp "$T/etc/odoo-saasd.kubeconfig" "$T/cred/kubeconfig"
# EnvironmentFile= lines are NAME=VALUE; ${NAME} in ExecStart is one word each
ODOO_SAASD_LISTEN=$(sed -n 's/^ODOO_SAASD_LISTEN=//p' "$T/etc/odoo-saasd.env")
ODOO_SAASD_ALLOW_FROM=$(sed -n 's/^ODOO_SAASD_ALLOW_FROM=//p' "$T/etc/odoo-saasd.env")
check_eq "the env file: the node's address, port 8080" "127.0.0.1:8080" "$ODOO_SAASD_LISTEN"
ODOO_SAASD_LISTEN=127.0.0.1:0
set -f
set -- $(printf '%s\n' "$exec_start" | sed \
    -e "s#\${ODOO_SAASD_LISTEN}#$ODOO_SAASD_LISTEN#g" \
    -e "s#\${ODOO_SAASD_ALLOW_FROM}#$ODOO_SAASD_ALLOW_FROM#g" \
    -e "s#%d/#$T/cred/#g" -e "s#/etc/odoo-saas/#$T/etc/#g" \
    -e "s#/var/lib/odoo-saasd#$T/data#g" -e "s#/usr/local/bin/odoo-saasd#$OS_BUILDDIR/odoo-saasd#")
set +f
case "$*" in *'${'*|*%*) not_ok "every variable and specifier of ExecStart is known" "$*" ;;
*) ok "every variable and specifier of ExecStart is known" ;; esac
"$@" >"$T/saasd.out" 2>"$T/saasd.err" &
SAASD_PID=$!
i=0
while [ $i -lt 100 ] && ! grep -q '^listening on http://' "$T/saasd.out" 2>/dev/null; do
    kill -0 "$SAASD_PID" 2>/dev/null || break
    sleep 0.1; i=$((i + 1))
done
url=$(sed -n 's/^listening on //p' "$T/saasd.out")
check_contains "odoo-saasd starts with the unit's arguments" "http://127.0.0.1:" "$url"
[ -n "$url" ] || sed 's/^/# /' "$T/saasd.err"
code=
i=0
while [ -n "$url" ] && [ $i -lt 100 ]; do
    code=$(curl -s -o /dev/null -w "%{http_code}" --max-time 5 "$url/readyz")
    [ "$code" = 200 ] && break
    sleep 0.1; i=$((i + 1))
done
check_eq "/readyz: the model synced through the ServiceAccount kubeconfig" 200 "$code"
check_eq "/healthz answers" ok "$(curl -s --max-time 5 "$url/healthz" | jq -r .status)"
token=$(kc '.users[0].user.token')
case "$(cat "$T/saasd.out" "$T/saasd.err" "$T/out")" in *"$token"*) not_ok "the token is in no output" ;;
*) ok "the token is in no output" ;; esac
kill "$SAASD_PID" 2>/dev/null
i=0; while kill -0 "$SAASD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait "$SAASD_PID" 2>/dev/null
check_eq "odoo-saasd stops on SIGTERM with 0" 0 "$?"
SAASD_PID=
finish
