#!/bin/sh
# odoo-saasd answers from its watch-fed model, not by asking the API
# server: against a simulator that adds 200 ms to every request and holds
# 20 running demo tenants, tenant reads take milliseconds, the model holds
# every tenant with its phase (also in /metrics), and changes made on the
# cluster behind its back (kubectl annotate, delete) show up through the
# watches within a bounded wait.  Suspend refuses a tenant that has no
# Deployment yet (409) and leaves it untouched.  A quota refusing a
# tenant's pod shows as Degraded with the quota's message.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools kubectl
SIM_CONTROLLERS=1 sim_start --seed-tenants 20 --latency-ms 200 --ns-delete-delay-ms 300
saasd_start
req GET /readyz
check_eq "ready with the slow cluster" 200 "$HTTP_CODE"

register "op@example.com" "operator password"
printf 'operator password\n' | XDG_CONFIG_HOME=$OS_TMP/xdg "$SAASD_BIN" --create-admin op@example.com \
    --data-dir "$SAASD_DATA" >/dev/null 2>&1
login "op@example.com" "operator password"

admin_until '[.tenants[] | select(.phase == "Ready")] | length' 20 10
check_eq "the model holds the 20 demo tenants, Ready" 20 "$(jqr '[.tenants[] | select(.phase == "Ready")] | length')"

# 20 reads, each far below one 200 ms round trip to the API server
slow=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    ms=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
        "$SAASD_URL/api/admin/tenants" | awk '{printf "%d", $1 * 1000}')
    [ "$ms" -lt 150 ] || slow=$((slow + 1))
done
check_eq "tenant reads never wait for the API server (none of 20 took 150 ms)" 0 "$slow"

req GET /metrics
check_contains "metrics count them by phase" 'odoo_saasd_tenants{phase="Ready"} 20' "$BODY"

# changes behind its back arrive through the watches
kubectl annotate ns tenant-demo-001 odoo-saas.io/suspended=true >/dev/null
admin_until '.tenants[] | select(.id == "demo-001") | .phase' Suspended 5
check_eq "an annotation made with kubectl shows as Suspended" Suspended \
    "$(jqr '.tenants[] | select(.id == "demo-001") | .phase')"
kubectl delete ns tenant-demo-002 --wait=false >/dev/null
admin_until '[.tenants[] | select(.id == "demo-002")] | length' 0 8
check_eq "a namespace deleted with kubectl leaves the model" 0 "$(jqr '[.tenants[] | select(.id == "demo-002")] | length')"
check_eq "19 remain" 19 "$(jqr '.tenants | length')"

# suspend needs the odoo Deployment; resume does not
printf '%s' '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tenant-bare","labels":
    {"app.kubernetes.io/managed-by":"odoo-saas","odoo-saas.io/tenant":"bare"}}}' | kubectl create -f - >/dev/null
admin_until '[.tenants[] | select(.id == "bare")] | length' 1 5
req POST /api/admin/tenants/bare/suspend
check_error "suspending a tenant without its Deployment is 409" 409
check_eq "and leaves the namespace alone" "" \
    "$(kubectl get ns tenant-bare -o jsonpath='{.metadata.annotations.odoo-saas\.io/suspended}')"
req POST /api/admin/tenants/bare/resume
check_eq "resuming it is fine (nothing to scale)" 200 "$HTTP_CODE"
req POST /api/admin/tenants/demo-003/suspend
check_eq "a running demo tenant suspends" 200 "$HTTP_CODE"
check_eq "  scaled to 0" 0 "$(kubectl -n tenant-demo-003 get deploy odoo -o jsonpath='{.spec.replicas}')"
check_eq "  annotated" true \
    "$(kubectl get ns tenant-demo-003 -o jsonpath='{.metadata.annotations.odoo-saas\.io/suspended}')"

# a quota that refuses the tenant's Odoo pod: the answer says so, as the
# console does (the model watches FailedCreate events)
kubectl -n tenant-demo-004 patch resourcequota tenant-quota --type merge \
    -p '{"spec":{"hard":{"requests.cpu":"1m"}}}' >/dev/null
kubectl -n tenant-demo-004 delete pod -l odoo-saas.io/role=odoo --wait=false >/dev/null
admin_until '.tenants[] | select(.id == "demo-004") | .phase' Degraded 10
check_eq "a quota refusing the Odoo pod makes the tenant Degraded" Degraded \
    "$(jqr '.tenants[] | select(.id == "demo-004") | .phase')"
check_contains "  with the quota's message as the reason" "exceeded quota: tenant-quota" \
    "$(jqr '.tenants[] | select(.id == "demo-004") | .reason')"

saasd_stop
sim_finish
