# lib.sh - TAP helpers shared by the integration tests (sourced, not run).
#
#   ok "name"              a passing check
#   not_ok "name" "why"    a failing check (the script goes on)
#   skip "name" "why"      a check that could not run, with the reason
#   check "name" CMD...    run CMD; ok when it exits 0
#   check_eq "name" WANT GOT
#   check_contains "name" NEEDLE HAYSTACK
#   finish                 exit 1 if anything failed
#
# OS_BUILDDIR and OS_SRCDIR come from tests/run-tests (or default to the
# current directory), so a script can also be run by hand from the build dir.

: "${OS_BUILDDIR:=$(pwd)}"
: "${OS_SRCDIR:=$(cd "$(dirname "$0")" && git rev-parse --show-toplevel 2>/dev/null || pwd)}"
TAP_N=0
TAP_FAILED=0

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
    TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
    echo "not ok $TAP_N - $1"
    [ -n "$2" ] && printf '%s\n' "$2" | head -n 20 | sed 's/^/# /'
    return 0
}
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP $2"; }

check() {
    name=$1; shift
    if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want: $2
got:  $3"; fi
}
check_contains() {
    case "$3" in
    *"$2"*) ok "$1" ;;
    *) not_ok "$1" "missing: $2
in: $3" ;;
    esac
}
finish() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }

# A scratch directory removed when the script exits.
os_tmpdir() {
    OS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/odoo-saas-test.XXXXXX")
    trap 'os_cleanup' EXIT INT TERM
}
os_cleanup() {
    [ -n "$OS_CLEANUP_HOOK" ] && eval "$OS_CLEANUP_HOOK"
    [ -n "$OS_TMP" ] && rm -rf "$OS_TMP"
}
