#!/bin/sh
# odoo-saas-sim --state PATH: the cluster is saved (atomically, mode 0600,
# every few seconds when it changed and at exit) and loaded at the next
# start instead of the seed, so a demo cluster survives a restart.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools kubectl
SIM_CONTROLLERS=1
CLI=$OS_BUILDDIR/odoo-saas
KC="kubectl --request-timeout=15s"

os_tmpdir
ST=$OS_TMP/state.json
sim_start --state "$ST" --pod-start-ms 100
$CLI tenant create acme --tier basic --admin-email a@acme.com --wait=60 >/dev/null 2>&1
check_eq "tenant created" 0 "$?"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep-me, namespace: default}\ndata: {k: v1}\n' >"$OS_TMP/cm.yaml"
$KC apply -f "$OS_TMP/cm.yaml" >/dev/null 2>&1
i=0
while [ $i -lt 50 ] && ! grep -q '"keep-me"' "$ST" 2>/dev/null; do sleep 0.2; i=$((i + 1)); done
check "the state is saved while running (within a few seconds)" grep -q '"keep-me"' "$ST"
check_eq "the state file is mode 0600 (it holds Secrets)" 600 "$(stat -c %a "$ST")"
check "the state file is one JSON document" jq -e '.kind == "OdooSaasSimState" and (.objects | length) > 50' "$ST"
ns_uid=$($KC get ns tenant-acme -o jsonpath='{.metadata.uid}')
pod=$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o jsonpath='{.items[0].metadata.name}')
pw=$($KC get secret -n tenant-acme odoo -o jsonpath='{.data.db-password}')
sim_stop
check "no temporary file is left" test -z "$(ls "$OS_TMP" | grep 'state.json.tmp')"

sim_start --state "$ST" --pod-start-ms 100
check_eq "after a restart the tenant is Ready" Ready "$($CLI tenant show acme -o json | jq -r .phase)"
check_eq "with the same namespace uid" "$ns_uid" "$($KC get ns tenant-acme -o jsonpath='{.metadata.uid}')"
check_eq "the same odoo pod, Running" "$pod Running" \
    "$($KC get pods -n tenant-acme -l odoo-saas.io/role=odoo -o jsonpath='{.items[0].metadata.name} {.items[0].status.phase}')"
check_eq "the same secrets" "$pw" "$($KC get secret -n tenant-acme odoo -o jsonpath='{.data.db-password}')"
check_eq "a ConfigMap made with kubectl survives" v1 "$($KC get cm -n default keep-me -o jsonpath='{.data.k}')"
check_eq "the seed was not added again (2 nodes)" 2 "$($KC get nodes -o name | wc -l | tr -d ' ')"
$CLI tenant create beta --tier basic --admin-email a@beta.com --wait=60 >/dev/null 2>&1
check_eq "a new tenant after the restart becomes ready" 0 "$?"
ips=$($KC get pods -A -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | grep -v '^$')
check_eq "pod IPs stay unique across the restart" "$(printf '%s\n' "$ips" | wc -l)" "$(printf '%s\n' "$ips" | sort -u | wc -l)"
# The generator goes on where it was: starting again from the seed would
# give new objects the uids of old ones (and the kubelet then took a new
# pod for an old one: a tenant that never became ready, now and then).
dup=$($KC get nodes,namespaces,pods,pvc,secrets,configmaps,deployments,replicasets,statefulsets,jobs -A \
    -o jsonpath='{range .items[*]}{.metadata.uid}{"\n"}{end}' | sort | uniq -d)
check_eq "uids stay unique across the restart" "" "$dup"
check "the state file keeps the generator's state" jq -e '.random | test("^[0-9]+$")' "$ST"
$CLI tenant delete acme --yes --wait=30 >/dev/null 2>&1
check_eq "delete acme" 0 "$?"
sim_stop
sim_start --state "$ST"
check_eq "a deleted tenant stays deleted" beta "$($CLI tenant list -o json | jq -r '[.[].id] | join(" ")')"
sim_stop

# SIGTERM while the state saver writes (it drops the lock to write, right
# after start): the stop must not be lost (it hung for good before).
rm -f "$OS_TMP/big.json"
sim_start --state "$OS_TMP/big.json" --seed-tenants 100
sim_stop
check "the state was saved at exit" test -s "$OS_TMP/big.json"
# The same 100 tenants: the seeding renders them in two threads and reuses
# each tier's first tenant; it checks itself against tenant_render() and
# says so on stderr when they differ.
sim_start --seed-tenants 100
check "the shared render agreed with tenant_render()" sh -c "! grep -q 'differs from tenant_render' '$OS_TMP/sim.err'"
check_eq "a late tenant's objects name only that tenant" demo-100 \
    "$($KC get all,cm,ingressroute,netpol -n tenant-demo-100 -o yaml | grep -o 'demo-[0-9]*' | sort -u | tr '\n' ' ' | sed 's/ $//')"
sim_stop

printf '{"not": "a state"}' >"$OS_TMP/bad.json"
out=$("$OS_BUILDDIR/odoo-saas-sim" --listen 127.0.0.1:0 --state "$OS_TMP/bad.json" 2>&1 </dev/null)
check_eq "a file that is not a state: exit 1" 1 "$?"
check_contains "with the reason" "is not a simulator state file" "$out"
finish
