#!/bin/sh
# The tenant lifecycle through the CLI against odoo-saas-sim: rendered
# objects are schema-valid and accepted with fieldValidation=Strict; create,
# list, show, resume, refuse, delete; and every bad input gives a one-line
# error, exit 1 (2 for usage) and changes nothing on the cluster.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/schema/lib.sh"

sim_need_tools kubectl
SIM_CONTROLLERS=1 sim_start --ns-delete-delay-ms 300 --pod-start-ms 300
OS="$OS_BUILDDIR/odoo-saas"

# run ARGS...: sets RC, OUT (stdout) and ERR (stderr).
run() {
    OUT=$("$OS" "$@" 2>"$OS_TMP/stderr")
    RC=$?
    ERR=$(cat "$OS_TMP/stderr")
}

lines() { printf '%s\n' "$1" | grep -c .; }

# The cluster's state, to prove a refused command changed nothing.
snapshot() {
    kubectl get ns,secrets,configmaps,deployments,statefulsets -A \
        -o jsonpath='{range .items[*]}{.metadata.namespace}/{.metadata.name}@{.metadata.resourceVersion}{"\n"}{end}' |
        sort
}

# --- every rendered object is schema-valid, for each tier and route mode ---
if schema_require; then
    for tier in basic standard premium; do
        for mode in ingressroute ingress path; do
            printf 'ingress: {mode: %s}\n' "$mode" > "$OS_TMP/cfg-$mode.yaml"
            "$OS" --config "$OS_TMP/cfg-$mode.yaml" tenant render acme --tier "$tier" \
                --admin-email a@acme.com -o json > "$OS_TMP/r.json"
            schema_valid "render $tier/$mode is schema-valid" "$OS_TMP/r.json"
        done
    done
fi

# --- create three tenants ---
for t in acme beta gamma; do
    run tenant create "$t" --tier basic --admin-email "admin@$t.com"
    check_eq "create $t exits 0" 0 "$RC"
    check_contains "create $t says so" "tenant $t created" "$OUT"
done
# The simulator's controllers run the pods: all three become Ready.
i=0
until [ "$("$OS" tenant list -o json | jq '[.[] | select(.phase == "Ready")] | length')" = 3 ] || [ $i -ge 120 ]; do
    sleep 0.5; i=$((i + 1))
done
check_eq "all three tenants reach Ready" "Ready Ready Ready" \
    "$("$OS" tenant list -o json | jq -r '[.[].phase] | join(" ")')"
check_eq "three tenant namespaces exist" 3 \
    "$(kubectl get ns -l app.kubernetes.io/managed-by=odoo-saas -o name | wc -l | tr -d ' ')"
check_eq "every object was applied (5 network policies in tenant-acme)" 5 \
    "$(kubectl get networkpolicies -n tenant-acme -o name | wc -l | tr -d ' ')"
check_eq "the namespace is marked provisioned" true \
    "$(kubectl get ns tenant-acme -o jsonpath='{.metadata.annotations.odoo-saas\.io/provisioned}')"
check_eq "Secrets agree on the database password" \
    "$(kubectl get secret postgresql -n tenant-acme -o jsonpath='{.data.odoo-password}')" \
    "$(kubectl get secret odoo -n tenant-acme -o jsonpath='{.data.db-password}')"
check_eq "the database password is 32 characters" 32 \
    "$(kubectl get secret odoo -n tenant-acme -o jsonpath='{.data.db-password}' | base64 -d | wc -c | tr -d ' ')"

# --- list and show, table and JSON ---
run tenant list
check_eq "list exits 0" 0 "$RC"
check_eq "list has a header and three rows" 4 "$(lines "$OUT")"
check_contains "list shows the phase" "Ready" "$OUT"
run tenant list -o json
check_eq "list -o json ids" "acme beta gamma" "$(printf '%s' "$OUT" | jq -r '[.[].id] | join(" ")')"
check_eq "list -o json urls" "https://acme.odoo.localhost" "$(printf '%s' "$OUT" | jq -r '.[0].url')"
run tenant show beta
check_contains "show gives the tier" "tier:         basic" "$OUT"
check_contains "show gives the admin" "admin email:  admin@beta.com" "$OUT"
run -o json tenant show beta
check_contains "show -o json phase (the simulator starts pods)" "$(printf '%s' "$OUT" | jq -r .phase)" "Provisioning Ready"
check_eq "show -o json tier" basic "$(printf '%s' "$OUT" | jq -r .tier)"
run tenant show nosuch
check_eq "show of a missing tenant exits 1" 1 "$RC"
check_eq "show of a missing tenant says so" 'odoo-saas: tenant "nosuch" not found' "$ERR"

# --- refusals change nothing ---
before=$(snapshot)
refuse() { # refuse NAME WANT_RC NEEDLE ARGS...
    name=$1 want=$2 needle=$3
    shift 3
    run "$@"
    check_eq "$name: exit $want" "$want" "$RC"
    check_eq "$name: one line on stderr" 1 "$(lines "$ERR")"
    check_contains "$name: says why" "$needle" "$ERR"
}
refuse "existing tenant" 1 'tenant "acme" already exists' tenant create acme --tier basic --admin-email a@acme.com
refuse "uppercase" 1 'must start with a lowercase letter' tenant create Acme --tier basic --admin-email a@acme.com
refuse "dots" 1 'may contain only lowercase letters' tenant create acme.com --tier basic --admin-email a@acme.com
refuse "leading digit" 1 'must start with a lowercase letter' tenant create 1acme --tier basic --admin-email a@acme.com
refuse "leading hyphen" 2 'bad option' tenant create -acme --tier basic --admin-email a@acme.com
refuse "leading hyphen after --" 1 'must start with a lowercase letter' tenant create --tier basic --admin-email a@acme.com -- -acme
refuse "41 characters" 1 'must be 3 to 40 characters' tenant create abcdefghijklmnopqrstuvwxyz0123456789abcde --tier basic --admin-email a@acme.com
refuse "reserved" 1 'is reserved' tenant create www --tier basic --admin-email a@acme.com
refuse "kube prefix" 1 'is reserved' tenant create kube-tenant --tier basic --admin-email a@acme.com
refuse "YAML metacharacters" 1 'may contain only' tenant create 'acme: {x: 1}' --tier basic --admin-email a@acme.com
refuse "shell metacharacters" 1 'may contain only' tenant create 'acme$(id)' --tier basic --admin-email a@acme.com
refuse "newline" 1 'acme\nkind' tenant create "$(printf 'acme\nkind')" --tier basic --admin-email a@acme.com
refuse "unknown tier" 1 'unknown tier "gold"' tenant create delta --tier gold --admin-email a@acme.com
refuse "malformed email" 1 'admin email "not-an-email"' tenant create delta --tier basic --admin-email not-an-email
refuse "missing kubeconfig" 1 '/nonexistent/kubeconfig' --kubeconfig /nonexistent/kubeconfig tenant create delta --tier basic --admin-email a@acme.com
printf 'apiVersion: v1\nclusters: [\n' > "$OS_TMP/garbage"
refuse "garbage kubeconfig" 1 "kubeconfig $OS_TMP/garbage: line" --kubeconfig "$OS_TMP/garbage" tenant create delta --tier basic --admin-email a@acme.com
refuse "readonly" 1 '--readonly' --readonly tenant create delta --tier basic --admin-email a@acme.com
refuse "delete without --yes" 2 'without --yes' tenant delete acme </dev/null
check_eq "refused commands changed nothing on the cluster" "$before" "$(snapshot)"

# An unreachable cluster: a port nothing listens on (retries, then one line).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s#https://127.0.0.1:[0-9]*#https://127.0.0.1:$port#" "$SIM_KC" > "$OS_TMP/closed"
refuse "unreachable cluster" 1 "cannot reach https://127.0.0.1:$port" --kubeconfig "$OS_TMP/closed" tenant create delta --tier basic --admin-email a@acme.com
check_eq "nothing was created for refused tenants" "" "$(kubectl get ns tenant-delta -o name 2>/dev/null)"

# --- resume: a create that died after the namespace and one Secret ---
"$OS" tenant render delta --tier standard --admin-email a@delta.com -o json |
    jq '.items[0] as $ns | .items[] | select(.kind == "Namespace" or (.kind == "Secret" and .metadata.name == "postgresql"))
        | if .kind == "Secret" then .stringData = {"superuser-password": "pre-existing-superuser", "odoo-password": "pre-existing-odoo-pw"} else . end' \
    > "$OS_TMP/partial.json"
kubectl create -f "$OS_TMP/partial.json" >/dev/null 2>&1
created_at=$(kubectl get ns tenant-delta -o jsonpath='{.metadata.annotations.odoo-saas\.io/created-at}')
sleep 1
run tenant create delta --tier standard --admin-email a@delta.com
check_eq "resume exits 0" 0 "$RC"
check_contains "resume says so" "tenant delta resumed and completed" "$OUT"
check_eq "resume keeps the stored database password" pre-existing-odoo-pw \
    "$(kubectl get secret odoo -n tenant-delta -o jsonpath='{.data.db-password}' | base64 -d)"
check_eq "resume keeps the creation time" "$created_at" \
    "$(kubectl get ns tenant-delta -o jsonpath='{.metadata.annotations.odoo-saas\.io/created-at}')"
check_eq "resume applied everything (standard: 6 network policies)" 6 \
    "$(kubectl get networkpolicies -n tenant-delta -o name | wc -l | tr -d ' ')"
run tenant create delta --tier standard --admin-email a@delta.com
check_eq "after the resume it is a finished tenant" 'odoo-saas: tenant "delta" already exists' "$ERR"

# Another owner's unfinished tenant is not resumed: it answers "already exists".
"$OS" tenant render epsilon --tier basic --admin-email a@eps.com --owner alice@eps.com -o json |
    jq '.items[0]' > "$OS_TMP/eps-ns.json"
kubectl create -f "$OS_TMP/eps-ns.json" >/dev/null 2>&1
run tenant create epsilon --tier basic --admin-email b@eps.com --owner mallory@evil.com
check_eq "another owner's unfinished tenant is refused" 'odoo-saas: tenant "epsilon" already exists' "$ERR"
check_eq "and nothing was added to it" 0 "$(kubectl get secrets -n tenant-epsilon -o name | grep -c .)"
run tenant create epsilon --tier basic --admin-email a@eps.com --owner alice@eps.com
check_eq "its owner can finish it" 0 "$RC"

# --- isolation: every path that matters, from the live policies ---
run tenant check-isolation acme
check_eq "check-isolation exits 0 on a healthy tenant" 0 "$RC"
check_contains "check-isolation: no check failed" " checks, 0 failed" "$OUT"
run -o json tenant check-isolation acme
check_eq "check-isolation -o json: every check ok" true "$(printf '%s' "$OUT" | jq 'all(.[]; .ok)')"
check_eq "check-isolation -o json: the ingress controller reaches odoo" allowed \
    "$(printf '%s' "$OUT" | jq -r '[.[] | select(.check == "ingress controller -> odoo http")][0].actual')"
check_eq "check-isolation -o json: basic tier odoo cannot reach the internet" denied \
    "$(printf '%s' "$OUT" | jq -r '[.[] | select(.check == "odoo -> internet" and .port == 443)][0].actual')"
run -o json tenant check-isolation delta
check_eq "standard tier odoo reaches the internet on 443" allowed \
    "$(printf '%s' "$OUT" | jq -r '[.[] | select(.check == "odoo -> internet" and .port == 443)][0].actual')"
kubectl delete networkpolicy odoo-from-ingress -n tenant-acme >/dev/null
run tenant check-isolation acme
check_eq "a missing policy makes check-isolation exit 1" 1 "$RC"
check_contains "and it says how many checks fail" " checks, 2 failed" "$OUT"
check_eq "the failing checks are the ingress controller's" 2 \
    "$(printf '%s\n' "$OUT" | grep '^ingress controller -> odoo' | grep -c 'FAIL$')"

# --- delete: a non-tenant namespace is never touched ---
kubectl create -f - >/dev/null 2>&1 <<'YAML'
{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tenant-evil"}}
YAML
refuse "delete a namespace that is not a tenant" 1 'not an odoo-saas tenant' tenant delete evil --yes
check_eq "the foreign namespace is still there" namespace/tenant-evil "$(kubectl get ns tenant-evil -o name)"

# --- delete one tenant; the others are untouched ---
others_before=$(kubectl get all,secrets,configmaps,networkpolicies -n tenant-acme -o jsonpath='{range .items[*]}{.metadata.name}@{.metadata.resourceVersion} {end}')
run tenant delete beta --yes --wait=30
check_eq "delete --wait exits 0" 0 "$RC"
check_contains "delete --wait says deleted" "tenant beta deleted" "$OUT"
check_eq "the namespace is gone" "" "$(kubectl get ns tenant-beta -o name 2>/dev/null)"
check_eq "other tenants untouched" "$others_before" \
    "$(kubectl get all,secrets,configmaps,networkpolicies -n tenant-acme -o jsonpath='{range .items[*]}{.metadata.name}@{.metadata.resourceVersion} {end}')"
run tenant delete beta --yes
check_eq "deleting it again says not found" 'odoo-saas: tenant "beta" not found' "$ERR"
finish
