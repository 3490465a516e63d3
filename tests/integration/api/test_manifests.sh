#!/bin/sh
# kubernetes/odoo-saasd and kubernetes/host: every object is valid against
# the Kubernetes and Traefik schemas; Traefik reaches the daemon on the host
# (selector-less Service, the EndpointSlice template tied to it, the
# IngressRoute serving api.<base-domain> of the host config, which
# odoo-saasd itself accepts); the daemon's identity is the ServiceAccount
# whose token Secret the deploy reads; the ClusterRole stays
# least-privilege: no wildcards, no RBAC or node access, Secrets only
# listed and created.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/schema/lib.sh"

command -v jq >/dev/null 2>&1 || { skip "all checks" "jq is not installed"; finish; exit 0; }
os_tmpdir
DIR="$OS_SRCDIR/kubernetes/odoo-saasd"
HOST="$OS_SRCDIR/kubernetes/host"
"$OS_BUILDDIR/tests/integration/schema/yaml2json" "$DIR"/*.yaml "$HOST/endpointslice.yaml" >"$OS_TMP/all.json"
check_eq "the manifests parse" 0 "$?"
q() { jq -r "$1" "$OS_TMP/all.json"; }
check_eq "the objects" "ServiceAccount Secret ClusterRole ClusterRoleBinding Service IngressRoute EndpointSlice" \
    "$(q '[.[].kind]|join(" ")')"

if schema_require; then
    schema_valid "every object is schema-valid" "$OS_TMP/all.json"
fi

# --- the daemon runs on the host: no pod, its own ServiceAccount's token ---
check_eq "no workload in the cluster runs odoo-saasd" "" \
    "$(q '.[] | select(.kind=="Deployment" or .kind=="StatefulSet" or .kind=="Pod") | .kind')"
check_eq "nothing mounts the ServiceAccount's token" false \
    "$(q '.[] | select(.kind=="ServiceAccount") | .automountServiceAccountToken')"
check_eq "the token Secret belongs to that ServiceAccount" "kubernetes.io/service-account-token odoo-saasd" \
    "$(q '.[] | select(.kind=="Secret") | "\(.type) \(.metadata.annotations["kubernetes.io/service-account.name"])"')"

# --- Traefik -> Service -> EndpointSlice -> the host's port ---
svc='.[] | select(.kind=="Service")'
slice='.[] | select(.kind=="EndpointSlice")'
check_eq "the Service has no selector (its endpoints are the host's)" null "$(q "$svc.spec.selector")"
check_eq "the EndpointSlice is tied to the Service" "$(q "$svc.metadata.name")" \
    "$(q "$slice.metadata.labels[\"kubernetes.io/service-name\"]")"
check_eq "... in its namespace" "$(q "$svc.metadata.namespace")" "$(q "$slice.metadata.namespace")"
check_eq "... under the Service's port name, on the daemon's port" "http:8080" \
    "$(q "$svc.spec.ports[0].name"):$(q "$slice.ports[] | select(.name==\"$(q "$svc.spec.ports[0].name")\") | .port")"
check_eq "... not managed (so not removed) by the EndpointSlice controller" deploy.odoo-saas.io \
    "$(q "$slice.metadata.labels[\"endpointslice.kubernetes.io/managed-by\"]")"
check_eq "... its address the placeholder the deploy replaces" 192.0.2.1 "$(q "$slice.endpoints[0].addresses[0]")"
check_eq "the IngressRoute sends to the Service's port" "$(q "$svc.metadata.name"):$(q "$svc.spec.ports[0].port")" \
    "$(q '.[] | select(.kind=="IngressRoute") | .spec.routes[0].services[0] | "\(.name):\(.port)"')"

# --- the host's config is accepted by odoo-saasd and matches the route ---
printf 'p4ssword-long\n' | "$OS_BUILDDIR/odoo-saasd" --create-admin a@example.com \
    --config "$HOST/config.yaml" --data-dir "$OS_TMP/data" >/dev/null 2>"$OS_TMP/err"
check_eq "odoo-saasd accepts kubernetes/host/config.yaml" 0 "$?"
base=$(sed -n 's/^base_domain: *//p' "$HOST/config.yaml")
check_eq "the IngressRoute serves api.<base_domain>" "Host(\`api.$base\`)" \
    "$(q '.[] | select(.kind=="IngressRoute") | .spec.routes[0].match')"
check_contains "behind Traefik it trusts X-Forwarded-For" "trust_forwarded_for: true" "$(cat "$HOST/config.yaml")"
unit=$(cat "$HOST/odoo-saasd.service")
check_contains "... so the unit admits only --allow-from peers" '--allow-from ${ODOO_SAASD_ALLOW_FROM}' "$unit"
check_contains "the unit reads the ServiceAccount kubeconfig as a credential" \
    "LoadCredential=kubeconfig:/etc/odoo-saas/odoo-saasd.kubeconfig" "$unit"
check_eq "... never MicroK8s' admin config" "" "$(echo "$unit" | grep client.config)"

# --- least privilege ---
rules='.[] | select(.kind=="ClusterRole") | .rules[]'
check_eq "no wildcard anywhere" "" "$(q "$rules | select((.verbs + .resources + .apiGroups) | index(\"*\")) | .resources[]")"
check_eq "no RBAC, nodes, exec or escalation rights" "" \
    "$(q "$rules | select((.apiGroups | index(\"rbac.authorization.k8s.io\")) or (.resources | index(\"nodes\")) or (.resources | index(\"pods/exec\")) or (.verbs | (index(\"escalate\") or index(\"bind\") or index(\"impersonate\")))) | .resources[]")"
check_eq "Secrets: only list and create" "create,list" \
    "$(q "[$rules | select(.resources | index(\"secrets\")) | .verbs[]] | sort | join(\",\")")"
check_eq "pods: only list and watch" "list,watch" \
    "$(q "[$rules | select(.resources | index(\"pods\")) | .verbs[]] | sort | join(\",\")")"
check_eq "bound to the odoo-saasd ServiceAccount only" "ServiceAccount/odoo-saas/odoo-saasd" \
    "$(q '.[] | select(.kind=="ClusterRoleBinding") | .subjects | map("\(.kind)/\(.namespace)/\(.name)") | join(" ")')"
finish
