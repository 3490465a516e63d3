#!/bin/sh
# The three programs build, answer --version and --help, and refuse an
# unknown option with exit status 2 and a one-line message; every command
# of odoo-saas answers --help.
. "$OS_SRCDIR/tests/lib.sh"

for prog in odoo-saas odoo-saasd odoo-saas-sim; do
    bin="$OS_BUILDDIR/$prog"
    out=$("$bin" --version 2>&1); rc=$?
    check_eq "$prog --version exits 0" 0 "$rc"
    check_contains "$prog --version names the program" "$prog" "$out"
    out=$("$bin" --help 2>&1); rc=$?
    check_eq "$prog --help exits 0" 0 "$rc"
    check_contains "$prog --help shows usage" "Usage:" "$out"
    out=$("$bin" --no-such-option 2>&1); rc=$?
    check_eq "$prog rejects an unknown option with 2" 2 "$rc"
    check_eq "$prog usage error is one line" 1 "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
done

# Every command answers --help (and -h) with its synopsis, exit 0, touching
# nothing: no cluster is needed, even for commands that want one.
for c in "deploy" "node add" "tenant create" "tenant delete" "nodes"; do
    # shellcheck disable=SC2086
    out=$(KUBECONFIG=/nonexistent "$OS_BUILDDIR/odoo-saas" $c --help 2>&1); rc=$?
    check_eq "odoo-saas $c --help exits 0" "0" "$rc"
    check_contains "... showing its synopsis" "Usage: odoo-saas $c " "$out"
done
out=$("$OS_BUILDDIR/odoo-saas" tenant delete acme -h --yes 2>&1)
check_contains "-h after other arguments still only helps" "Usage: odoo-saas tenant delete" "$out"
finish
