#!/bin/sh
# The fuzz target's seed corpus (tests/fuzz/corpus/request), replayed
# without libFuzzer in every suite: each input passes the target's checks
# (a status from 200 to 599, JSON answers, the error envelope on 4xx/5xx),
# and the answers are the ones the API promises: every route reached, a
# token placeholder turned into a valid token, alg none refused, another
# account's tenant a 404, admin routes open to the admin token.
. "$OS_SRCDIR/tests/lib.sh"

CORPUS="$OS_SRCDIR/tests/fuzz/corpus/request"
out=$(FUZZ_REQUEST_VERBOSE=1 "$OS_BUILDDIR/tests/fuzz/fuzz_replay" "$CORPUS" 2>&1)
check_eq "every seed passes the target's checks" "ran $(ls "$CORPUS" | wc -l | tr -d ' ') inputs" \
    "$(printf '%s\n' "$out" | tail -n 1)"
answer() {   # NAME SEED WANT: the status the seed got ("replay: FILE", then its answer)
    got=$(printf '%s\n' "$out" | awk -v f="$CORPUS/$2" '
        $0 == "replay: " f {take = 1; next}
        take && /^fuzz_request: / {sub(/.* -> /, ""); sub(/ .*/, ""); print; exit}')
    check_eq "$1" "$3" "$got"
}
answer "GET /api/me with the user's token" me 200
answer "a literal token signed with the fuzz secret" me-literal-token 200
answer "alg none is refused" me-alg-none 401
answer "my tenant" tenant-get 200
answer "another account's tenant is a 404" tenant-get-other 404
answer "create answers 202" tenant-create 202
answer "admin list with the admin token" admin-list 200
answer "a known path under another method is a 405" method-not-allowed 405
answer "register's body passes its checks" register 200
finish
