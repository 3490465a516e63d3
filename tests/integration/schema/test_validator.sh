#!/bin/sh
# The schema validator (tests/schema/validate.mjs) accepts valid Kubernetes
# and Traefik objects and rejects wrong types, missing required fields,
# unknown fields at any depth, unknown kinds, removed API versions and
# malformed input, so the tests that use it can really fail.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/schema/lib.sh"

FX="$OS_SRCDIR/tests/integration/schema/fixtures"

# Without node or the npm packages this is a failure, never a skip.
schema_require || { finish; exit 1; }

valid="namespace deployment statefulset networkpolicy ingressroute middleware
  resourcequota limitrange job secret configmap"
for f in $valid; do
    schema_valid "accepts $f.json" "$FX/$f.json"
done

# All of them at once, as a v1 List on the standard input.
list=$(node -e '
const fs = require("fs");
const items = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
process.stdout.write(JSON.stringify({ apiVersion: "v1", kind: "List", items }));
' $(for f in $valid; do echo "$FX/$f.json"; done))
out=$(printf '%s' "$list" | node "$SCHEMA_VALIDATE" - 2>&1); rc=$?
check_eq "a v1 List of all valid fixtures on stdin exits 0" 0 "$rc"
check_eq "one ok line per object" 11 "$(printf '%s\n' "$out" | grep -c '^ok ')"
check_contains "ok line names apiVersion, kind, namespace/name" \
    "ok traefik.io/v1alpha1 IngressRoute tenant-acme/odoo" "$out"
check_contains "cluster-scoped objects show namespace -" "ok v1 Namespace -/tenant-acme" "$out"
check_contains "summary line" "11 objects: 11 ok, 0 invalid" "$out"

out=$(printf '[%s,%s]' "$(cat "$FX/namespace.json")" "$(cat "$FX/configmap.json")" |
    node "$SCHEMA_VALIDATE" 2>&1); rc=$?
check_eq "a bare array on stdin (no argument) exits 0" 0 "$rc"
check_contains "a bare array is validated item by item" "2 objects: 2 ok, 0 invalid" "$out"

# Each kind of mistake is rejected, with the path and the reason.
schema_invalid "rejects replicas: \"two\"" "$FX/bad-replicas-type.json" \
    "invalid apps/v1 Deployment tenant-acme/odoo: spec.replicas: must be integer"
schema_invalid "rejects a container without a name" "$FX/bad-container-no-name.json" \
    "spec.template.spec.containers[0].name: required field is missing"
schema_invalid "rejects an unknown field deep in the pod template" "$FX/bad-deep-unknown-field.json" \
    "spec.template.spec.containers[0].imagePullPolicyy: unknown field"
schema_invalid "rejects a top-level typo (spce)" "$FX/bad-top-level-typo.json" \
    "invalid apps/v1 Deployment tenant-acme/odoo: spce: unknown field"
schema_invalid "rejects an unknown field in an IngressRoute" "$FX/bad-ingressroute-typo.json" \
    "spec.routes[0].services[0].prot: unknown field"
schema_invalid "rejects an unknown kind" "$FX/bad-unknown-kind.json" \
    'kind: unknown kind "Deploymnet" in apps/v1'
schema_invalid "rejects a removed apiVersion (extensions/v1beta1)" "$FX/bad-removed-apiversion.json" \
    'apiVersion "extensions/v1beta1" is not served'
schema_invalid "a List with one bad object fails" "$FX/list-mixed.json" \
    "invalid v1 ConfigMap tenant-acme/bad: data.n: must be string"
check_contains "the good objects of that List are still reported ok" \
    "ok v1 ServiceAccount tenant-acme/odoo" "$SCHEMA_OUT"
check_contains "its summary counts both" "3 objects: 2 ok, 1 invalid" "$SCHEMA_OUT"
schema_invalid "an empty List fails (no silent pass)" "$FX/list-empty.json" "holds no object"

out=$(echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
  "spec":{"replicas":"two","selector":{},"template":{"spec":{"containers":[{"imagePullPolicyy":"Always"}]}}}}' |
    node "$SCHEMA_VALIDATE" - 2>&1); rc=$?
check_eq "an object with three errors exits 1" 1 "$rc"
check_eq "each error on its own invalid line" 3 "$(printf '%s\n' "$out" | grep -c '^invalid apps/v1 Deployment -/d: ')"

# Unreadable input is exit status 2, not a verdict on objects.
schema_run "$FX/bad-malformed.json"
check_eq "malformed JSON exits 2" 2 "$SCHEMA_RC"
check_contains "malformed JSON is named" "is not valid JSON" "$SCHEMA_OUT"
schema_run "$FX/no-such-file.json"
check_eq "a missing file exits 2" 2 "$SCHEMA_RC"
out=$(echo '42' | node "$SCHEMA_VALIDATE" - 2>&1); rc=$?
check_eq "JSON that is not an object, array or List exits 2" 2 "$rc"

# An unknown key at every level of every valid fixture is rejected (string
# maps such as labels and data excepted, since they take any key).
check "a typo at any typed level of the valid fixtures is rejected" \
    node "$OS_SRCDIR/tests/integration/schema/typo-sweep.mjs" "$SCHEMA_VALIDATE" \
    $(for f in $valid; do echo "$FX/$f.json"; done)

finish
