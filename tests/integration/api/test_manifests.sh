#!/bin/sh
# kubernetes/odoo-saasd: every object is valid against the Kubernetes and
# Traefik schemas, the pod passes the restricted profile's checks, the
# IngressRoute serves api.<base-domain> of the ConfigMap's config (which
# odoo-saasd itself accepts), and the ClusterRole stays least-privilege:
# no wildcards, no RBAC or node access, Secrets only listed and created.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/schema/lib.sh"

command -v jq >/dev/null 2>&1 || { skip "all checks" "jq is not installed"; finish; exit 0; }
os_tmpdir
DIR="$OS_SRCDIR/kubernetes/odoo-saasd"
"$OS_BUILDDIR/tests/integration/schema/yaml2json" "$DIR"/*.yaml >"$OS_TMP/all.json"
check_eq "the manifests parse" 0 "$?"
q() { jq -r "$1" "$OS_TMP/all.json"; }
check_eq "the objects" "ServiceAccount ClusterRole ClusterRoleBinding ConfigMap PersistentVolumeClaim Deployment Service IngressRoute" \
    "$(q '[.[].kind]|join(" ")')"

if schema_require; then
    schema_valid "every object is schema-valid" "$OS_TMP/all.json"
fi

# --- the pod ---
pod='.[] | select(.kind=="Deployment") | .spec.template.spec'
check_eq "runs as non-root" true "$(q "$pod.securityContext.runAsNonRoot")"
check_eq "seccomp RuntimeDefault" RuntimeDefault "$(q "$pod.securityContext.seccompProfile.type")"
check_eq "no privilege escalation" false "$(q "$pod.containers[0].securityContext.allowPrivilegeEscalation")"
check_eq "drops every capability" ALL "$(q "$pod.containers[0].securityContext.capabilities.drop|join(\",\")")"
check_eq "read-only root filesystem" true "$(q "$pod.containers[0].securityContext.readOnlyRootFilesystem")"
check_eq "readiness is /readyz" /readyz "$(q "$pod.containers[0].readinessProbe.httpGet.path")"
check_eq "the data dir is on the volume" /var/lib/odoo-saasd \
    "$(q "$pod.containers[0].volumeMounts[] | select(.name==\"data\") | .mountPath")"
check_eq "one replica, Recreate (SQLite on RWO)" "1/Recreate" \
    "$(q '.[] | select(.kind=="Deployment") | "\(.spec.replicas)/\(.spec.strategy.type)"')"

# --- the config it carries is accepted by odoo-saasd ---
q '.[] | select(.kind=="ConfigMap") | .data["config.yaml"]' >"$OS_TMP/config.yaml"
printf 'p4ssword-long\n' | "$OS_BUILDDIR/odoo-saasd" --create-admin a@example.com \
    --config "$OS_TMP/config.yaml" --data-dir "$OS_TMP/data" >/dev/null 2>"$OS_TMP/err"
check_eq "odoo-saasd accepts the ConfigMap's config" 0 "$?"
base=$(sed -n 's/^base_domain: *//p' "$OS_TMP/config.yaml")
check_eq "the IngressRoute serves api.<base_domain>" "Host(\`api.$base\`)" \
    "$(q '.[] | select(.kind=="IngressRoute") | .spec.routes[0].match')"

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
