# tests/schema/lib.sh - schema checks for the integration tests (sourced after
# tests/lib.sh, not run).  Every object the product renders is validated
# against the Kubernetes and Traefik schemas with tests/schema/validate.mjs.
#
#   schema_require         ok when node and the npm packages are installed;
#                          otherwise a failure telling to run tools/install-deps
#                          (returns 1 so the caller can stop: CI never skips)
#   schema_valid NAME FILE      ok when every object in FILE is valid
#   schema_invalid NAME FILE [NEEDLE]
#                          ok when the validator rejects FILE (exit status 1)
#                          and, if given, its output contains NEEDLE
#
# FILE is JSON: a v1 List, an array of objects or one object ("-" for the
# standard input).  The validator's output is left in $SCHEMA_OUT.

SCHEMA_DIR="$OS_SRCDIR/tests/schema"
SCHEMA_VALIDATE="$SCHEMA_DIR/validate.mjs"

schema_require() {
    if ! command -v node >/dev/null 2>&1; then
        not_ok "schema validator can run" \
            "node is not installed: run tools/install-deps (as root) first"
        return 1
    fi
    if [ ! -f "$SCHEMA_DIR/node_modules/kubernetes-models/package.json" ] ||
       [ ! -f "$SCHEMA_DIR/node_modules/@kubernetes-models/traefik/package.json" ]; then
        not_ok "schema validator can run" \
            "$SCHEMA_DIR/node_modules is missing kubernetes-models: run tools/install-deps (as root), or npm ci --prefix tests/schema"
        return 1
    fi
    ok "schema validator can run"
}

# schema_run FILE: run the validator; sets SCHEMA_OUT and SCHEMA_RC.
schema_run() {
    SCHEMA_OUT=$(node "$SCHEMA_VALIDATE" "$1" 2>&1)
    SCHEMA_RC=$?
}

schema_valid() {
    schema_run "$2"
    if [ "$SCHEMA_RC" -eq 0 ]; then ok "$1"; else not_ok "$1" "$SCHEMA_OUT"; fi
}

schema_invalid() {
    schema_run "$2"
    if [ "$SCHEMA_RC" -ne 1 ]; then
        not_ok "$1" "want exit status 1, got $SCHEMA_RC:
$SCHEMA_OUT"
    elif [ -n "${3:-}" ]; then
        check_contains "$1" "$3" "$SCHEMA_OUT"
    else
        ok "$1"
    fi
}
