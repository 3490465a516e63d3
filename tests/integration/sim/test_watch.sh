#!/bin/sh
# odoo-saas-sim watch streams through curl --no-buffer: synthetic ADDED
# events, live ADDED/MODIFIED/DELETED, selectors (objects entering and
# leaving a label selector), resume from a resourceVersion, the 410 ERROR
# event for a version older than the history, bookmarks, timeoutSeconds, and
# no CPU use while a watch is idle.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools
sim_start --bookmark-interval-ms 300

J="Content-Type: application/json"
CM=/api/v1/namespaces/w-test/configmaps

# watch NAME PATH_AND_QUERY: a background curl writing $OS_TMP/NAME.
watch_bg() {
    curl -sS --no-buffer --max-time 30 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
        "$SIM_URL$2" >"$OS_TMP/$1" 2>"$OS_TMP/$1.err" &
    eval "PID_$1=\$!"
}
# wait_lines NAME PATTERN COUNT: wait (5 s at most) until COUNT lines match.
count_lines() { n=$(grep -c -- "$2" "$OS_TMP/$1" 2>/dev/null); echo "${n:-0}"; }
wait_lines() {
    i=0
    # The file may not exist yet when curl has not connected: count 0.
    while [ "$(count_lines "$1" "$2")" -lt "$3" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ "$(count_lines "$1" "$2")" -ge "$3" ]
}
# wait_exit PID: wait (8 s at most) for a background curl; 0 when it ended.
wait_exit() {
    i=0
    while kill -0 "$1" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
    ! kill -0 "$1" 2>/dev/null
}
# nth_event NAME N: "TYPE name" of the Nth event line.
nth_event() {
    sed -n "${2}p" "$OS_TMP/$1" | jq -r '"\(.type) \(.object.metadata.name)"'
}

api POST /api/v1/namespaces -H "$J" -d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"w-test"}}'
api POST $CM -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"a":"1"}}'
check_eq "setup: configmap c1" 201 "$HTTP_CODE"

# Synthetic ADDED, then live events in order.
watch_bg all "$CM?watch=1&timeoutSeconds=20"
watch_bg sel "$CM?watch=true&labelSelector=app%3Dx&timeoutSeconds=20"
watch_bg fld "$CM?watch=1&fieldSelector=metadata.name%3Dc2&timeoutSeconds=20"
if wait_lines all '"type":"ADDED"' 1; then ok "synthetic ADDED for the existing object"; else not_ok "synthetic ADDED for the existing object" "$(cat "$OS_TMP/all")"; fi
check_eq "first event is ADDED c1" "ADDED c1" "$(nth_event all 1)"
check_eq "events carry kind and apiVersion" "ConfigMap v1" "$(sed -n 1p "$OS_TMP/all" | jq -r '"\(.object.kind) \(.object.apiVersion)"')"
api POST $CM -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c2"}}'
api PATCH $CM/c1 -H "Content-Type: application/merge-patch+json" -d '{"data":{"a":"2"}}'
api PATCH $CM/c1 -H "Content-Type: application/merge-patch+json" -d '{"metadata":{"labels":{"app":"x"}}}'
api PATCH $CM/c1 -H "Content-Type: application/merge-patch+json" -d '{"metadata":{"labels":{"app":null}}}'
api DELETE $CM/c2
wait_lines all '"type":"DELETED"' 1
check_eq "live ADDED" "ADDED c2" "$(nth_event all 2)"
check_eq "MODIFIED after a patch" "MODIFIED c1" "$(nth_event all 3)"
check_eq "MODIFIED carries the new state" 2 "$(sed -n 3p "$OS_TMP/all" | jq -r .object.data.a)"
check_eq "DELETED last" "DELETED c2" "$(nth_event all 6)"
check_eq "one JSON object per line" 6 "$(jq -c .type "$OS_TMP/all" | wc -l | tr -d ' ')"
wait_lines sel '"type":"DELETED"' 1
check_eq "selector watch: object entering the selector is ADDED" "ADDED c1" "$(nth_event sel 1)"
check_eq "selector watch: object leaving the selector is DELETED" "DELETED c1" "$(nth_event sel 2)"
check_eq "selector watch: nothing else" 2 "$(grep -c . "$OS_TMP/sel")"
check_eq "selector watch: DELETED carries the last matching state" x "$(sed -n 2p "$OS_TMP/sel" | jq -r .object.metadata.labels.app)"
wait_lines fld '"type":"DELETED"' 1
check_eq "fieldSelector watch: only c2 (ADDED, DELETED)" "ADDED c2,DELETED c2" \
    "$(jq -r '"\(.type) \(.object.metadata.name)"' "$OS_TMP/fld" | paste -sd, -)"

# Resume from a list resourceVersion: no synthetic events, only later ones.
api GET $CM
lrv=$(jqr .metadata.resourceVersion)
api POST $CM -H "$J" -d '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c3"}}'
watch_bg resume "$CM?watch=1&resourceVersion=$lrv&timeoutSeconds=20"
wait_lines resume '"type"' 1
check_eq "resume: first event is the later ADDED c3" "ADDED c3" "$(nth_event resume 1)"
check_eq "resume: no synthetic event for c1" 0 "$(grep -c '"name":"c1"' "$OS_TMP/resume")"

# Too old: a 200 stream with one ERROR event, then the end.
start=$(date +%s)
out=$(curl -sS --no-buffer --max-time 10 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    -w '\n%{http_code}' "$SIM_URL$CM?watch=1&resourceVersion=1")
check_eq "too old: HTTP 200" 200 "$(printf '%s\n' "$out" | tail -n 1)"
ev=$(printf '%s\n' "$out" | sed '$d')
check_eq "too old: exactly one event" 1 "$(printf '%s\n' "$ev" | grep -c .)"
check_eq "too old: ERROR Expired 410" "ERROR Expired 410" "$(printf '%s' "$ev" | jq -r '"\(.type) \(.object.reason) \(.object.code)"')"
check_eq "too old: message" true "$(printf '%s' "$ev" | jq -r '.object.message | test("^too old resource version: 1 \\([0-9]+\\)$")')"
[ $(($(date +%s) - start)) -le 3 ] && ok "too old: the stream closes at once" || not_ok "too old: the stream closes at once"

# timeoutSeconds ends the stream cleanly.
start=$(date +%s)
curl -sS --no-buffer --max-time 10 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    "$SIM_URL$CM?watch=1&timeoutSeconds=1" >"$OS_TMP/to" 2>&1
rc=$?
el=$(($(date +%s) - start))
check_eq "timeoutSeconds: curl sees a clean end" 0 "$rc"
[ $el -ge 1 ] && [ $el -le 4 ] && ok "timeoutSeconds=1 closes after about 1 s" || not_ok "timeoutSeconds=1 closes after about 1 s" "took $el s"

# Bookmarks: only metadata.resourceVersion.
curl -sS --no-buffer --max-time 10 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    "$SIM_URL$CM?watch=1&allowWatchBookmarks=true&timeoutSeconds=2&resourceVersion=$lrv" >"$OS_TMP/bm" 2>&1
bm=$(grep '"BOOKMARK"' "$OS_TMP/bm" | head -n 1)
check_contains "bookmark event arrives" '"type":"BOOKMARK"' "$bm"
check_eq "bookmark object has kind, apiVersion and only metadata.resourceVersion" \
    "ConfigMap v1 resourceVersion" \
    "$(printf '%s' "$bm" | jq -r '"\(.object.kind) \(.object.apiVersion) \(.object.metadata | keys | join(","))"')"
curl -sS --no-buffer --max-time 10 --cacert "$SIM_CA" -H "Authorization: Bearer $SIM_TOKEN" \
    "$SIM_URL$CM?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1" >"$OS_TMP/wl" 2>&1
check_contains "sendInitialEvents ends with the initial-events-end bookmark" '"k8s.io/initial-events-end":"true"' "$(cat "$OS_TMP/wl")"

# An idle watch costs no CPU (well under 0.3 s of CPU over 2 s).
watch_bg idle "$CM?watch=1&timeoutSeconds=20"
sleep 0.3
t0=$(awk '{print $14 + $15}' "/proc/$SIM_PID/stat")
sleep 2
t1=$(awk '{print $14 + $15}' "/proc/$SIM_PID/stat")
[ $((t1 - t0)) -lt 30 ] && ok "idle watch: no busy loop" || not_ok "idle watch: no busy loop" "$((t1 - t0)) ticks"

api GET "$CM?watch=1&resourceVersion=99999999"
check_api "watch from a future resourceVersion: 504" 504 .reason Timeout
api GET "$CM?watch=1&resourceVersion=-1"
check_api "negative resourceVersion: 400" 400 .reason BadRequest
api GET "$CM?watch=1&resourceVersion=abc"
check_api "bad resourceVersion: 400" 400 .reason BadRequest
api GET "$CM?watch=1&fieldSelector=data.a%3D1"
check_api "watch with an unsupported fieldSelector: 400" 400 .message "field label not supported: data.a"

for p in $PID_all $PID_sel $PID_fld $PID_resume $PID_idle; do kill "$p" 2>/dev/null; done
sim_finish
