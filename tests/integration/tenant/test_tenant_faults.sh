#!/bin/sh
# Tenant creation against a slow and unreliable API server: a create killed
# at several points converges when it is run again, and with a fifth of all
# requests failing (429 with Retry-After, or 503) ten tenants still all
# converge, because the client retries what the server did not act on.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"

sim_need_tools kubectl
OS="$OS_BUILDDIR/odoo-saas"

# kc ARGS...: kubectl, tried again while the faulty server refuses it
# (kubectl itself does not retry 503s), at most 20 times.
kc() {
    n=0
    while [ $n -lt 20 ]; do
        kc_out=$(kubectl "$@" 2>/dev/null) && { printf '%s\n' "$kc_out"; return 0; }
        n=$((n + 1))
        sleep 0.1
    done
    return 1
}

# converged ID: the namespace is marked provisioned, every object is there
# exactly once, and the Secrets agree (two kubectl calls rather than one per
# kind: kubectl's start-up was most of this test's time).
converged() {
    ns=tenant-$1
    [ "$(kc get ns "$ns" -o jsonpath='{.metadata.annotations.odoo-saas\.io/provisioned}')" = true ] &&
    kc get deployments,statefulsets,jobs,networkpolicies,secrets,resourcequotas -n "$ns" -o json |
        jq -e '.items as $i
            | ($i | map(.kind) | group_by(.) | map({(.[0]): length}) | add) ==
              {"Deployment": 1, "StatefulSet": 1, "Job": 1, "NetworkPolicy": 5, "Secret": 3, "ResourceQuota": 1}
            and ([$i[] | select(.kind == "Secret" and .metadata.name == "postgresql") | .data["odoo-password"]][0]
                 as $p | $p != null and $p ==
                 [$i[] | select(.kind == "Secret" and .metadata.name == "odoo") | .data["db-password"]][0])' >/dev/null
}

# --- kill `tenant create` part-way, at several points, then run it again ---
sim_start --latency-ms 40
for delay in 0.02 0.06 0.1 0.15; do
    id=crash-$(echo "$delay" | tr -d .)
    "$OS" tenant create "$id" --tier basic --admin-email "a@$id.com" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    "$OS" tenant create "$id" --tier basic --admin-email "a@$id.com" > "$OS_TMP/out" 2>&1
    rc=$?
    if [ $rc -ne 0 ] && grep -q 'already exists' "$OS_TMP/out"; then
        ok "killed after ${delay}s: the first run had finished (refused as existing)"
    else
        check_eq "killed after ${delay}s: the rerun exits 0" 0 "$rc"
    fi
    check "killed after ${delay}s: converged (all objects, once, secrets agree)" converged "$id"
done
check_eq "one Odoo Deployment per tenant, no more" 4 \
    "$(kubectl get deployments -A -l app.kubernetes.io/managed-by=odoo-saas --no-headers | grep -c .)"
sim_kill

# --- a fifth of the requests fail: ten tenants still converge ---
sim_start --fail-rate 0.2 --seed 11 --state "$OS_TMP/flaky.state"
failures=0
for i in 0 1 2 3 4 5 6 7 8 9; do
    "$OS" --trace "$OS_TMP/trace" tenant create "flaky-$i" --tier basic --admin-email "a@flaky$i.com" > "$OS_TMP/out" 2>&1 ||
        { failures=$((failures + 1)); cat "$OS_TMP/out"; }
done
check_eq "ten creates under --fail-rate 0.2 all succeed" 0 "$failures"
# Read them back from the same objects on a server without faults: kubectl
# as a plain observer (against the faulty one each of its reads waited out
# 429s, two thirds of this test's time).
sim_kill
sim_start --state "$OS_TMP/flaky.state"
all=0
for i in 0 1 2 3 4 5 6 7 8 9; do converged "flaky-$i" && all=$((all + 1)); done
check_eq "all ten tenants converged" 10 "$all"
check "the server did answer faults (429 or 503 in the trace)" grep -qE ' (429|503) ' "$OS_TMP/trace"
check "the client retried them (attempt=2 in the trace)" grep -q 'attempt=2' "$OS_TMP/trace"
# Retry-After: 1 on every 429: the next attempt of the same request comes at
# least a second later (trace lines: TIME METHOD PATH STATUS MS attempt=N call=ID;
# the call id is per process, so it is paired with the process's own lines).
early=$(awk '
    /^[0-9]/ { split($1, t, ":"); ms = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000
      key = $7
      if (key in at429 && ms - at429[key] < 900) bad++
      delete at429[key]
      if ($4 == 429) at429[key] = ms }
    END { print bad + 0 }' "$OS_TMP/trace")
check_eq "no retry after a 429 came sooner than its Retry-After" 0 "$early"
finish
