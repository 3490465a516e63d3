#!/bin/sh
# Tenants spread across nodes because the templates ask for it (issue 8):
# seven tenants on three nodes leave no node with more than three Odoo pods;
# with the anti-affinity removed from the templates the same cluster stacks
# them (so the spread is not luck); `nodes --rebalance` evens out a cluster
# skewed by a cordon, moving one tenant at a time.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"

sim_need_tools kubectl
OS="$OS_BUILDDIR/odoo-saas"

# odoo_per_node: "N N N" Odoo pods per node, in node-name order.
odoo_per_node() {
    for n in $(kubectl get nodes -o jsonpath='{.items[*].metadata.name}'); do
        kubectl get pods -A -l odoo-saas.io/role=odoo --field-selector "spec.nodeName=$n" \
            -o name 2>/dev/null | grep -c .
    done | tr '\n' ' ' | sed 's/ $//'
}

# create_ready ID...: create tenants one after another, each Ready before
# the next (placement then depends only on what is already on the nodes,
# not on the order a burst of pods reaches the scheduler).
create_ready() {
    for id in "$@"; do
        "$OS" ${CONFIG:+--config "$CONFIG"} tenant create "$id" --tier "${TIER:-basic}" \
            --admin-email "a@$id.com" --wait=60 >/dev/null 2>&1 || not_ok "create $id"
    done
}

max_of() { echo "$1" | tr ' ' '\n' | sort -n | tail -n 1; }

# Light tenants and one loaded node: resource scoring alone would put every
# light tenant on the idle node (their requests barely move it), while the
# templates' anti-affinity spreads them 3/3.  Both runs get the same load and
# the same tier: only the templates differ, so the spread cannot be luck.
os_tmpdir
printf 'tiers:\n  light: {cpu: 200m, memory: 512Mi, storage: 1Gi, workers: 0}\n' > "$OS_TMP/light.yaml"
load_node2() {
    kubectl create -f - >/dev/null <<YAML
{"apiVersion": "v1", "kind": "Pod",
 "metadata": {"name": "busy", "namespace": "default"},
 "spec": {"nodeName": "sim-node-2", "containers": [{"name": "busy", "image": "busybox",
   "resources": {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"cpu": "1", "memory": "4Gi"}}}]}}
YAML
}

# --- six tenants on two nodes: 3/3, each tenant on one node ---
SIM_CONTROLLERS=1 sim_start --nodes 2 --pod-start-ms 100
load_node2
CONFIG=$OS_TMP/light.yaml TIER=light create_ready sx1 sx2 sx3 sx4 sx5 sx6
check_eq "six tenants, two nodes: Odoo pods 3/3" "3 3" "$(odoo_per_node)"
check_eq "odoo-saas nodes: 3 tenants on each node (max 3, min 3)" "3 3" \
    "$("$OS" -o json nodes | jq -r '"\(.spread.maxTenantsPerNode) \(.spread.minTenantsPerNode)"')"
sim_kill

# --- seven tenants on three nodes ---
SIM_CONTROLLERS=1 sim_start --nodes 3 --pod-start-ms 100
create_ready sp1 sp2 sp3 sp4 sp5 sp6 sp7
spread=$(odoo_per_node)
check "seven tenants, three nodes: no node has more than 3 ($spread)" test "$(max_of "$spread")" -le 3
sim_kill

# --- the six on two nodes again without the anti-affinity: the spread is lost ---
mkdir -p "$OS_TMP/templates"
cp "$OS_SRCDIR"/templates/*.yaml "$OS_TMP/templates/"
python3 - "$OS_TMP/templates" <<'PY'
import re, sys
for name in ("30-postgresql.yaml", "60-odoo.yaml"):
    p = sys.argv[1] + "/" + name
    s = open(p).read()
    # drop the whole "affinity:" block of the pod template
    s = re.sub(r"\n      affinity:\n(        .*\n|          .*\n)*", "\n", s)
    open(p, "w").write(s)
PY
check "the stripped templates have no anti-affinity" sh -c "! grep -q podAntiAffinity $OS_TMP/templates/60-odoo.yaml"
cp "$OS_TMP/light.yaml" "$OS_TMP/no-affinity.yaml"
printf 'templates_dir: %s\n' "$OS_TMP/templates" >> "$OS_TMP/no-affinity.yaml"
SIM_CONTROLLERS=1 sim_start --nodes 2 --pod-start-ms 100
load_node2
CONFIG=$OS_TMP/no-affinity.yaml TIER=light create_ready un1 un2 un3 un4 un5 un6
stacked=$(odoo_per_node)
check_eq "the same six without anti-affinity all land on the idle node" "6 0" "$stacked"
sim_kill

# --- rebalance a cluster skewed by a cordon ---
SIM_CONTROLLERS=1 sim_start --nodes 2 --pod-start-ms 100
kubectl patch node sim-node-2 -p '{"spec":{"unschedulable":true}}' >/dev/null
create_ready rb1 rb2 rb3 rb4
check_eq "while sim-node-2 is cordoned every Odoo lands on sim-node-1" "4 0" "$(odoo_per_node)"
kubectl patch node sim-node-2 -p '{"spec":{"unschedulable":false}}' >/dev/null
run_out=$("$OS" nodes --rebalance --plan)
check_contains "--plan lists a move" "sim-node-1" "$run_out"
check_eq "--plan lists two moves" 2 "$("$OS" -o json nodes --rebalance --plan | jq length)"
check_eq "--plan changed nothing" "4 0" "$(odoo_per_node)"
# Watch the tenants while it runs: never more than one down at once.
( i=0; worst=0
  while [ $i -lt 600 ] && [ ! -f "$OS_TMP/rebalanced" ]; do
      down=$("$OS" tenant list -o json 2>/dev/null | jq '[.[] | select(.phase != "Ready")] | length')
      [ "${down:-0}" -gt "$worst" ] && worst=$down
      i=$((i + 1)); sleep 0.1
  done; echo "$worst" > "$OS_TMP/worst" ) &
watcher=$!
out=$("$OS" nodes --rebalance)
rc=$?
touch "$OS_TMP/rebalanced"
wait "$watcher"
check_eq "--rebalance exits 0" 0 "$rc"
check_contains "--rebalance reports each move" "Ready on sim-node-2" "$out"
check_eq "after --rebalance the tenants are even" "2 2" "$(odoo_per_node)"
check "at most one tenant was down at a time (worst: $(cat "$OS_TMP/worst"))" test "$(cat "$OS_TMP/worst")" -le 1
check_contains "a second --plan has nothing to do" "nothing to move" "$("$OS" nodes --rebalance --plan)"
refuse=$("$OS" --readonly nodes --rebalance 2>&1)
check_contains "--readonly refuses to rebalance" "--readonly" "$refuse"
finish
