#!/bin/sh
# test_deploy_daemon.sh - what the deploy leaves for odoo-saasd really
# runs it, against a cluster that holds it to its ClusterRole.
# odoo-saas-sim plays MicroK8s' API server: the microk8s stand-in hands
# `microk8s kubectl` to real kubectl against it, so the platform step
# applies the manifests for real (RBAC, token Secret, Service,
# EndpointSlice with the node's address), the simulator's token controller
# fills the ServiceAccount's token and daemon-config reads it.  Then the
# real odoo-saasd is started the way systemd would start the installed unit
# (its ExecStart, the EnvironmentFile's variables, %d the credentials
# folder holding the kubeconfig): it must sync (/readyz) and take a
# customer's tenant through its life (Ready, suspended, resumed, deleted)
# with nothing but the ServiceAccount's rights.
# Only the listen address is changed (the simulated node's address is not
# this machine's): 127.0.0.1, any free port.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/deploy/lib-deploy.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools kubectl
deploy_setup || { not_ok "test setup"; finish; exit 1; }
SIM_CONTROLLERS=1 sim_start
SAASD_PID=
cleanup_all() {
    [ -n "$SAASD_PID" ] && kill "$SAASD_PID" 2>/dev/null
    sim_kill
    sshd_stop
}
OS_CLEANUP_HOOK=cleanup_all
if ! sshd_start; then not_ok "sshd starts"; finish; exit 1; fi
ok "sshd and the simulator start"

# The simulator is the cluster; its node is this "host".
echo "$SIM_KC" >"$T/state/sim-kubeconfig"
node=$(kubectl --kubeconfig "$SIM_KC" get nodes -o jsonpath='{.items[0].metadata.name}')
printf '#!/bin/sh\necho %s\n' "$node" >"$T/bin/hostname"
chmod +x "$T/bin/hostname"
"$OS_BUILDDIR/tests/integration/schema/yaml2json" "$SIM_KC" >"$T/simkc.json"
server=$(jq -r '.[0].clusters[0].cluster.server' "$T/simkc.json")
check_contains "the simulator's kubeconfig names an https server" "https://127.0.0.1:" "$server"

ssh-keyscan -p "$SSH_PORT" 127.0.0.1 >"$T/known_hosts" 2>/dev/null
REMOTE_ENV="$REMOTE_ENV ODOO_SAAS_APISERVER=$server"
deploy_cli >"$T/out" 2>&1; rc=$?
check_eq "the deployment succeeds" 0 "$rc"
[ "$rc" -eq 0 ] || tail -20 "$T/out" | sed 's/^/# /'

# --- what the platform step left on the cluster ---------------------------------------
k() { kubectl --kubeconfig "$SIM_KC" --request-timeout=20s "$@" 2>&1; }
ip=$(k get node "$node" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
check_eq "the EndpointSlice names the node's InternalIP, port 8080" "$ip:8080" \
    "$(k get endpointslice -n odoo-saas odoo-saasd-host -o jsonpath='{.endpoints[0].addresses[0]}:{.ports[0].port}')"
check_eq "the ClusterRole is bound to the ServiceAccount" "ServiceAccount/odoo-saasd" \
    "$(k get clusterrolebinding odoo-saasd-api -o jsonpath='{.subjects[0].kind}/{.subjects[0].name}')"
check_eq "the env file listens on that address" "$ip:8080" "$(sed -n 's/^ODOO_SAASD_LISTEN=//p' "$T/etc/odoo-saasd.env")"

# --- start odoo-saasd as systemd would ----------------------------------------------
unit=$T/units/odoo-saasd.service
exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr '\n' ' ' | sed 's/^ExecStart=//')
check_contains "the unit's ExecStart runs odoo-saasd" "/usr/local/bin/odoo-saasd --listen" "$exec_start"
mkdir -p "$T/cred" "$T/data"
cp "$T/etc/odoo-saasd.kubeconfig" "$T/cred/kubeconfig"
# EnvironmentFile= lines are NAME=VALUE; ${NAME} in ExecStart is one word each
ODOO_SAASD_LISTEN=$(sed -n 's/^ODOO_SAASD_LISTEN=//p' "$T/etc/odoo-saasd.env")
ODOO_SAASD_ALLOW_FROM=$(sed -n 's/^ODOO_SAASD_ALLOW_FROM=//p' "$T/etc/odoo-saasd.env")
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
saasd_await "$T/saasd.out" "$SAASD_PID" 600
check_contains "odoo-saasd starts with the unit's arguments" "http://127.0.0.1:" "$SAASD_URL"
[ -n "$SAASD_URL" ] || sed 's/^/# /' "$T/saasd.err"
check_eq "/readyz: the model synced through the ServiceAccount kubeconfig" 200 "$READYZ"
check_eq "/healthz answers" ok "$(curl -s --max-time 5 "$SAASD_URL/healthz" | jq -r .status)"

# --- a customer's tenant, with nothing but the ServiceAccount's rights ---------------
register "ann@example.com" "correct horse battery"
check_eq "a customer registers" 201 "$HTTP_CODE"
login "ann@example.com" "correct horse battery"
req POST /api/tenants '{"subdomain":"acme","tier":"basic"}'
check_eq "... creates a tenant" 202 "$HTTP_CODE"
if wait_phase acme Ready 60; then ok "... which becomes Ready"; else not_ok "... which becomes Ready" "$BODY"; fi
check_eq "the cluster has its Odoo Deployment" odoo "$(k get deploy -n tenant-acme odoo -o jsonpath='{.metadata.name}')"
ANN=$TOKEN
printf 'root password 123\n' | "$OS_BUILDDIR/odoo-saasd" --create-admin root@example.com \
    --config "$T/etc/config.yaml" --data-dir "$T/data" >/dev/null 2>&1
login root@example.com "root password 123"
req POST /api/admin/tenants/acme/suspend
check_eq "an admin suspends it" 200 "$HTTP_CODE"
check_eq "... odoo scaled to 0" 0 "$(k -n tenant-acme get deploy odoo -o jsonpath='{.spec.replicas}')"
req POST /api/admin/tenants/acme/resume
check_eq "... and resumes it" "200 1" "$HTTP_CODE $(k -n tenant-acme get deploy odoo -o jsonpath='{.spec.replicas}')"
TOKEN=$ANN req DELETE /api/tenants/acme
check_eq "the customer deletes it" 202 "$HTTP_CODE"
i=0; while [ $i -lt 100 ] && k get ns tenant-acme >/dev/null; do sleep 0.2; i=$((i + 1)); done
check_contains "... and its namespace goes" NotFound "$(k get ns tenant-acme)"
case "$(cat "$T/saasd.err")" in *forbidden*) not_ok "odoo-saasd was never refused by RBAC" "$(grep forbidden "$T/saasd.err" | head -3)" ;;
*) ok "odoo-saasd was never refused by RBAC" ;; esac
# the ServiceAccount is held to its ClusterRole: no nodes
sa_token=$(sed -n 's/^    token: //p' "$T/cred/kubeconfig")
check_eq "the ServiceAccount's token may not list nodes" \
    'nodes is forbidden: User "system:serviceaccount:odoo-saas:odoo-saasd" cannot list resource "nodes" in API group "" at the cluster scope' \
    "$(curl -s --cacert "$SIM_CA" -H "Authorization: Bearer $sa_token" "$server/api/v1/nodes" | jq -r .message)"
case "$(cat "$T/saasd.out" "$T/saasd.err" "$T/out")" in *"$sa_token"*) not_ok "the token is in no output" ;;
*) ok "the token is in no output" ;; esac
kill "$SAASD_PID" 2>/dev/null
i=0; while kill -0 "$SAASD_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait "$SAASD_PID" 2>/dev/null
check_eq "odoo-saasd stops on SIGTERM with 0" 0 "$?"
SAASD_PID=
finish
