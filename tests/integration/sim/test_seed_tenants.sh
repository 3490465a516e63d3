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
# ---- pod logs ----
logs=$($KC logs -n tenant-demo-001 deploy/odoo 2>/dev/null)
check "kubectl logs deploy/odoo prints Odoo-like lines" sh -c "printf '%s\n' \"\$1\" | grep -q 'INFO odoo_.* werkzeug: .*GET /web/health'" _ "$logs"
check_eq "--tail 3 gives 3 lines" 3 "$($KC logs -n tenant-demo-001 deploy/odoo --tail 3 2>/dev/null | wc -l | tr -d ' ')"
check "postgresql logs look like PostgreSQL" sh -c "$KC logs -n tenant-demo-001 postgresql-0 --tail 40 | grep -q 'LOG:  '"
check "the db-init Job's log ends with its result" sh -c "$KC logs -n tenant-demo-001 job/odoo-db-init | tail -n 1 | grep -q 'initialised'"
check "--timestamps prefixes RFC 3339 times" sh -c \
    "$KC logs -n tenant-demo-001 postgresql-0 --tail 1 --timestamps | grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z '"
timeout 4 $KC logs -f --tail 1 -n tenant-demo-001 deploy/odoo >"$OS_TMP/follow.out" 2>/dev/null
rc=$?
check_eq "kubectl logs -f keeps the stream open (ended by timeout)" 124 "$rc"
n=$(wc -l <"$OS_TMP/follow.out" | tr -d ' ')
check "and a line came every second ($n lines in 4 s)" test "$n" -ge 3 -a "$n" -le 6
s=$(date +%s)
flw=$(curl -sS --max-time 10 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    "$SIM_URL/api/v1/namespaces/tenant-demo-002/pods/postgresql-0/log?follow=true&tailLines=0&timeoutSeconds=2")
check_eq "follow with timeoutSeconds=2 ends by itself (curl exit 0)" 0 "$?"
check "after about 2 s ($(( $(date +%s) - s )) s)" test "$(( $(date +%s) - s ))" -le 4
check "with the lines of those 2 s" sh -c "printf '%s\\n' \"\$1\" | grep -q 'LOG:'" _ "$flw"
api GET /api/v1/namespaces/tenant-demo-001/pods/nosuch/log
check_api "logs of a missing pod: 404" 404 .reason NotFound

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
