#!/bin/sh
# The three programs build, answer --version and --help, and refuse an
# unknown option with exit status 2 and a one-line message.
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
finish
