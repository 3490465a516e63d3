#!/bin/sh
# odoo-saas-sim: a Deployment's RollingUpdate follows maxSurge and
# maxUnavailable (sampled while it runs: never more pods than replicas +
# maxSurge, never fewer available than replicas - maxUnavailable), its
# status stays consistent, old ReplicaSets beyond revisionHistoryLimit are
# deleted, and the strategy is validated with the API server's 422 texts.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
sim_need_tools kubectl
KC="kubectl --request-timeout=15s"
NS=ro-test

sim_start --pod-start-ms 400
api POST /api/v1/namespaces -H 'Content-Type: application/json' -d "{\"metadata\":{\"name\":\"$NS\"}}"

# A Deployment body: NAME REPLICAS STRATEGY_JSON [EXTRA_SPEC_JSON_MEMBERS]
deploy_json() {
    printf '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},"spec":{"replicas":%s,%s"selector":{"matchLabels":{"app":"%s"}},"template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}%s}}' \
        "$1" "$2" "${3:+\"strategy\":$3,}" "$1" "$1" "${4:+,$4}"
}
post_deploy() {
    api POST "/apis/apps/v1/namespaces/$NS/deployments" -H 'Content-Type: application/json' -d "$(deploy_json "$@")"
}

# ---- validation: the 422s of ValidateDeploymentStrategy ----
post_deploy bad 2 '{"type":"RollingUpdate","rollingUpdate":{"maxSurge":0,"maxUnavailable":0}}'
check_api "maxSurge 0 and maxUnavailable 0 are refused" 422 .message \
    'Deployment.apps "bad" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'
check_eq "its cause: FieldValueInvalid on spec.strategy.rollingUpdate.maxUnavailable" \
    "FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable Invalid Deployment" \
    "$(jqr '"\(.details.causes[0].reason) \(.details.causes[0].field) \(.reason) \(.details.kind)"')"
post_deploy bad 2 '{"rollingUpdate":{"maxSurge":"0%","maxUnavailable":"0%"}}'
check_api "0% and 0% are refused too (a percent shows as a string IntOrString)" 422 .message \
    'Deployment.apps "bad" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0'
post_deploy bad 2 '{"type":"Recreate","rollingUpdate":{"maxSurge":1}}'
check_api "Recreate with rollingUpdate is refused" 422 .message \
    "Deployment.apps \"bad\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy \`type\` is 'Recreate'"
check_eq "as FieldValueForbidden" FieldValueForbidden "$(jqr '.details.causes[0].reason')"
post_deploy bad 2 '{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"1","maxUnavailable":"150%"}}'
check_api "a string without % and more than 100% unavailable: two causes" 422 .message \
    "Deployment.apps \"bad\" is invalid: [spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"1\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%'), spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%]"
post_deploy bad 2 '{"type":"RollingUpdate","rollingUpdate":{"maxSurge":-1}}' '"revisionHistoryLimit":-2'
check_api "negative maxSurge and revisionHistoryLimit are refused" 422 .message \
    'Deployment.apps "bad" is invalid: [spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0, spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0]'
post_deploy bad 2 '{"type":"BlueGreen"}'
check_api "an unknown strategy type is refused" 422 .message \
    'Deployment.apps "bad" is invalid: spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'
api GET "/apis/apps/v1/namespaces/$NS/deployments/bad"
check_eq "none of them was stored" 404 "$HTTP_CODE"
deploy_json bad 2 '{"rollingUpdate":{"maxSurge":0,"maxUnavailable":0}}' >"$OS_TMP/bad.json"
out=$($KC apply -n "$NS" -f "$OS_TMP/bad.json" 2>&1)
check "kubectl apply shows the 422 ($out)" sh -c "printf '%s' \"\$1\" | grep -qF 'The Deployment \"bad\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when \`maxSurge\` is 0'" _ "$out"

# ---- defaults ----
post_deploy partial 0 '{"rollingUpdate":{"maxSurge":2}}'
check_api "a partial strategy is accepted" 201 \
    '.spec.strategy | "\(.type) \(.rollingUpdate.maxSurge) \(.rollingUpdate.maxUnavailable)"' "RollingUpdate 2 25%"
post_deploy recreate 0 '{"type":"Recreate"}'
check_api "Recreate without rollingUpdate is accepted as is" 201 '.spec.strategy | tojson' '{"type":"Recreate"}'
post_deploy plain 0 '' '"revisionHistoryLimit":0'
check_api "no strategy: RollingUpdate 25%/25%, revisionHistoryLimit 0 kept" 201 \
    '"\(.spec.strategy | tojson) \(.spec.revisionHistoryLimit)"' '{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}} 0'
api PATCH "/apis/apps/v1/namespaces/$NS/deployments/plain" -H 'Content-Type: application/merge-patch+json' \
    -d '{"spec":{"strategy":{"type":"Recreate"}}}'
check_api "switching to Recreate while the stored rollingUpdate stays is refused (as on a real server)" 422 \
    '.details.causes[0].field' spec.strategy.rollingUpdate
api PATCH "/apis/apps/v1/namespaces/$NS/deployments/plain" -H 'Content-Type: application/merge-patch+json' \
    -d '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'
check_api "switching with rollingUpdate: null is accepted" 200 '.spec.strategy | tojson' '{"type":"Recreate"}'
api DELETE "/apis/apps/v1/namespaces/$NS/deployments/partial"
api DELETE "/apis/apps/v1/namespaces/$NS/deployments/recreate"
api DELETE "/apis/apps/v1/namespaces/$NS/deployments/plain"

# sample_rollout NAME REPLICAS: poll the pods, ReplicaSets and status of
# Deployment NAME until its rollout is complete (bounded: 600 rounds), and
# set MAX_PODS, MIN_READY (pods Ready = available here), MAX_SPEC (sum of
# the ReplicaSets' spec.replicas), MIN_AVAIL (status.availableReplicas),
# SAW_BOTH (a round with two ReplicaSets scaled above 0), BAD_STATUS (a
# status whose counts do not add up), REASONS (Progressing reasons seen),
# DONE (1 when complete).
sample_rollout() {
    _n=$1 _want=$2
    MAX_PODS=0 MIN_READY=999 MAX_SPEC=0 MIN_AVAIL=999 SAW_BOTH=0 BAD_STATUS= REASONS= DONE=0
    _i=0
    while [ $_i -lt 600 ]; do
        api GET "/api/v1/namespaces/$NS/pods?labelSelector=app%3D$_n"
        _pods=$(jqr '"\(.items | length) \([.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length)"')
        set -- $_pods
        [ "$1" -gt "$MAX_PODS" ] && MAX_PODS=$1
        [ "$2" -lt "$MIN_READY" ] && MIN_READY=$2
        api GET "/apis/apps/v1/namespaces/$NS/replicasets?labelSelector=app%3D$_n"
        set -- $(jqr '"\([.items[].spec.replicas] | add) \([.items[] | select(.spec.replicas > 0)] | length)"')
        [ "$1" -gt "$MAX_SPEC" ] && MAX_SPEC=$1
        [ "$2" -ge 2 ] && SAW_BOTH=1
        api GET "/apis/apps/v1/namespaces/$NS/deployments/$_n"
        set -- $(jqr '.status as $s | "\($s.replicas) \($s.updatedReplicas) \($s.readyReplicas) \($s.availableReplicas) \($s.unavailableReplicas // 0) \($s.observedGeneration == .metadata.generation) \([$s.conditions[] | select(.type == "Progressing") | .reason] | join(""))"')
        [ "$4" -lt "$MIN_AVAIL" ] && MIN_AVAIL=$4
        # updated <= replicas, available <= ready <= replicas
        if [ "$2" -gt "$1" ] || [ "$4" -gt "$3" ] || [ "$3" -gt "$1" ]; then BAD_STATUS="$BAD_STATUS [$*]"; fi
        case " $REASONS " in *" $7 "*) ;; *) REASONS="$REASONS $7" ;; esac
        if [ "$6" = true ] && [ "$1 $2 $4 $5" = "$_want $_want $_want 0" ] && [ "$_pods" = "$_want $_want" ]; then
            DONE=1
            break
        fi
        _i=$((_i + 1))
    done
}

# deploy_ready CHECK NAME REPLICAS STRATEGY [MORE_SPEC]: apply the
# Deployment and wait (the check named CHECK) until it has rolled out.
deploy_ready() {
    _what=$1
    shift
    deploy_json "$@" >"$OS_TMP/$1.json"
    $KC apply -n "$NS" -f "$OS_TMP/$1.json" >/dev/null 2>&1
    sim_wait_for "$_what" 20 $KC rollout status -n "$NS" "deploy/$1" --timeout=1s
}

# roll NAME REPLICAS: move NAME to a new template and sample the rollout.
roll() {
    $KC set image -n "$NS" "deploy/$1" c=nginx:2 >/dev/null 2>&1
    sample_rollout "$1" "$2"
}

# ---- RollingUpdate, 4 replicas, maxSurge 1, maxUnavailable 0 ----
deploy_ready "the Deployment of 4 rolls out" web 4 \
    '{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}' '"revisionHistoryLimit":2'
rs1=$($KC get rs -n "$NS" -l app=web -o jsonpath='{.items[0].metadata.name}')
check_eq "its ReplicaSet: desired-replicas 4, max-replicas 5 (replicas + maxSurge)" "4 5" \
    "$($KC get rs -n "$NS" "$rs1" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/desired-replicas} {.metadata.annotations.deployment\.kubernetes\.io/max-replicas}')"
roll web 4
check_eq "the rollout to a new template completes" 1 "$DONE"
check "never more than 5 pods during the rollout (max $MAX_PODS)" test "$MAX_PODS" -le 5
check_eq "the surge was used: 5 pods at some point" 5 "$MAX_PODS"
check "never fewer than 4 Ready pods (min $MIN_READY)" test "$MIN_READY" -ge 4
check "the ReplicaSets' replicas never sum above 5 (max $MAX_SPEC)" test "$MAX_SPEC" -le 5
check "status.availableReplicas never below 4 (min $MIN_AVAIL)" test "$MIN_AVAIL" -ge 4
check_eq "old and new ReplicaSets were both scaled up at some point" 1 "$SAW_BOTH"
check_eq "status counts consistent in every sample" "" "$BAD_STATUS"
check "Progressing went through ReplicaSetUpdated to NewReplicaSetAvailable ($REASONS)" \
    sh -c "printf '%s' '$REASONS' | grep -q 'ReplicaSetUpdated.*NewReplicaSetAvailable'"
dj=$($KC get deploy -n "$NS" web -o json)
rs2=$($KC get rs -n "$NS" -l app=web -o json | jq -r ".items[] | select(.metadata.name != \"$rs1\") | .metadata.name")
check_eq "final status: 4 replicas, updated, ready, available; no unavailableReplicas" "4 4 4 4 null" \
    "$(printf '%s' "$dj" | jq -r '.status | "\(.replicas) \(.updatedReplicas) \(.readyReplicas) \(.availableReplicas) \(.unavailableReplicas)"')"
check_eq "conditions: Available True MinimumReplicasAvailable, Progressing NewReplicaSetAvailable" \
    "Available True MinimumReplicasAvailable Deployment has minimum availability.|Progressing True NewReplicaSetAvailable ReplicaSet \"$rs2\" has successfully progressed." \
    "$(printf '%s' "$dj" | jq -r '[.status.conditions[] | "\(.type) \(.status) \(.reason) \(.message)"] | join("|")')"
check_eq "old ReplicaSet at 0, new at 4" "$rs1=0 $rs2=4" \
    "$($KC get rs -n "$NS" "$rs1" "$rs2" -o jsonpath='{range .items[*]}{.metadata.name}={.spec.replicas} {end}' | sed 's/ $//')"
ev=$($KC get events -n "$NS" -o json | jq -r '.items[] | select(.reason == "ScalingReplicaSet" and .involvedObject.name == "web") | .message')
check "scaled up the new ReplicaSet by one first" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Scaled up replica set $rs2 from 0 to 1'" _ "$ev"
check "scaled the old one down one by one" sh -c "printf '%s\n' \"\$1\" | grep -qx 'Scaled down replica set $rs1 from 4 to 3'" _ "$ev"

# ---- maxSurge 0, maxUnavailable 1: never above 4 pods, never below 3 Ready ----
deploy_ready "a Deployment with maxSurge 0 rolls out" lean 4 \
    '{"type":"RollingUpdate","rollingUpdate":{"maxSurge":0,"maxUnavailable":1}}'
roll lean 4
check_eq "its rollout completes" 1 "$DONE"
check "never more than 4 pods (max $MAX_PODS)" test "$MAX_PODS" -le 4
check "never fewer than 3 Ready pods (min $MIN_READY)" test "$MIN_READY" -ge 3
check_eq "one pod was unavailable at some point (maxUnavailable used)" 3 "$MIN_READY"
check_eq "its status counts stay consistent" "" "$BAD_STATUS"

# ---- Recreate: no surge, the old pods go before new ones come ----
deploy_ready "a Recreate Deployment rolls out" rec 3 '{"type":"Recreate"}'
roll rec 3
check_eq "its rollout completes" 1 "$DONE"
check "never more than 3 pods (max $MAX_PODS)" test "$MAX_PODS" -le 3
check_eq "never old and new ReplicaSets scaled up together" 0 "$SAW_BOTH"
check_eq "the new ReplicaSet's max-replicas is replicas (no surge)" 3 \
    "$($KC get rs -n "$NS" -l app=rec -o json | jq -r '.items[] | select(.spec.replicas > 0) | .metadata.annotations["deployment.kubernetes.io/max-replicas"]')"

# ---- revisionHistoryLimit 2: after 4 rollouts, the current + 2 old ----
for img in nginx:3 nginx:4 nginx:5; do
    $KC set image -n "$NS" deploy/web c=$img >/dev/null 2>&1
    sim_wait_for "rollout to $img" 30 $KC rollout status -n "$NS" deploy/web --timeout=1s
done
sim_wait_for "after 4 rollouts exactly 3 ReplicaSets are left" 10 sh -c \
    "test \"\$($KC get rs -n $NS -l app=web -o name | wc -l)\" -eq 3"
check_eq "the current one (revision 5) and the two before it (3, 4)" "3=0 4=0 5=4" \
    "$($KC get rs -n "$NS" -l app=web -o json | jq -r '[.items[] | "\(.metadata.annotations["deployment.kubernetes.io/revision"])=\(.spec.replicas)"] | sort | join(" ")')"
check_eq "the deleted ones are the oldest (the first two templates)" "" \
    "$($KC get rs -n "$NS" "$rs1" "$rs2" --ignore-not-found -o name)"
check_eq "kubectl rollout history lists revisions 3 4 5" "3 4 5" \
    "$($KC rollout history -n "$NS" deploy/web | awk '$1 ~ /^[0-9]+$/ {print $1}' | tr '\n' ' ' | sed 's/ $//')"
$KC patch -n "$NS" deploy/web --type=merge -p '{"spec":{"revisionHistoryLimit":0}}' >/dev/null 2>&1
sim_wait_for "revisionHistoryLimit 0 leaves only the current ReplicaSet" 10 sh -c \
    "test \"\$($KC get rs -n $NS -l app=web -o name | wc -l)\" -eq 1"
check_eq "and its pods are untouched" 4 "$($KC get pods -n "$NS" -l app=web --no-headers | grep -c Running)"

sim_finish
