#!/bin/sh
# odoo-saas-sim --seed-tenants N: N tenants rendered by the product's own
# code are there at start, Ready, with their pods Running at once; the CLI
# sees them like tenants it created, and can add and delete tenants beside.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools kubectl
SIM_CONTROLLERS=1
CLI=$OS_BUILDDIR/odoo-saas
KC="kubectl --request-timeout=15s"

sim_start --seed-tenants 5 --pod-start-ms 100
list=$($CLI tenant list -o json)
check_eq "five demo tenants" "demo-001 demo-002 demo-003 demo-004 demo-005" "$(printf '%s' "$list" | jq -r '[.[].id] | join(" ")')"
check_eq "all Ready at start" "Ready Ready Ready Ready Ready" "$(printf '%s' "$list" | jq -r '[.[].phase] | join(" ")')"
check_eq "tiers cycle basic, basic, standard" "basic basic standard basic basic" "$(printf '%s' "$list" | jq -r '[.[].tier] | join(" ")')"
check_eq "namespace marked provisioned" true \
    "$($KC get ns tenant-demo-001 -o jsonpath='{.metadata.annotations.odoo-saas\.io/provisioned}')"
check_eq "15 tenant pods" 15 "$($KC get pods -A -l app.kubernetes.io/managed-by=odoo-saas --no-headers | wc -l | tr -d ' ')"
check_eq "10 Running, 5 Completed" "5 Completed 10 Running" \
    "$($KC get pods -A -l app.kubernetes.io/managed-by=odoo-saas --no-headers | awk '{print $4}' | sort | uniq -c | awk '{printf "%s %s ", $1, $2}' | sed 's/ $//')"
check_eq "their PVCs are Bound" "Bound Bound" "$($KC get pvc -n tenant-demo-002 -o jsonpath='{.items[*].status.phase}')"
check "quota used is set" test -n "$($KC get resourcequota -n tenant-demo-003 tenant-quota -o jsonpath='{.status.used.requests\.cpu}')"
check_eq "no events were written while seeding" 0 "$($KC get events -n tenant-demo-001 --no-headers 2>/dev/null | wc -l | tr -d ' ')"
check "the seeded secrets are real (not placeholders)" sh -c \
    "$KC get secret -n tenant-demo-001 odoo -o jsonpath='{.data.db-password}' | base64 -d | grep -qE '^[A-Za-z0-9]{32}$'"
out=$($CLI tenant create extra --tier basic --admin-email a@extra.com --wait=60 2>&1)
check_eq "a tenant created beside them becomes ready" 0 "$?"
out=$($CLI tenant delete demo-005 --yes --wait=30 2>&1)
check_eq "a seeded tenant can be deleted" 0 "$?"
check_eq "five tenants remain (one added, one deleted)" 5 "$($CLI tenant list -o json | jq length)"
sim_stop

# Start time with a hundred tenants (bounded: the CI machine is small).
s=$(date +%s%N)
sim_start --seed-tenants 100 --nodes 3
e=$(date +%s%N)
ms=$(( (e - s) / 1000000 ))
check "100 seeded tenants start in under 10 s ($ms ms)" test "$ms" -lt 10000
check_eq "300 tenant pods" 300 "$($KC get pods -A -l app.kubernetes.io/managed-by=odoo-saas --no-headers | wc -l | tr -d ' ')"
sim_finish
