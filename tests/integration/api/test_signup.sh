#!/bin/sh
# The signup story through odoo-saasd against odoo-saas-sim: register, log
# in, create, poll, list, delete; a second account cannot see or delete the
# first one's tenant (404, like a missing one); admin endpoints refuse a
# customer (403) and work for the admin made with --create-admin, whose
# suspend and resume show on the cluster and in the phase.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools kubectl
SIM_CONTROLLERS=1 sim_start --ns-delete-delay-ms 300
saasd_start

# --- register, log in ---
register " Ann@Example.COM " "correct horse battery"
check_eq "register answers 201" 201 "$HTTP_CODE"
check_eq "register normalises the email" "ann@example.com" "$(jqr .email)"
register "ann@example.com" "another password"
check_error "registering the same email again is 409" 409
login "ann@example.com" "correct horse battery"
check_eq "login answers 200" 200 "$HTTP_CODE"
check_eq "login gives a Bearer token" "Bearer" "$(jqr .token_type)"
check_eq "login says when it expires" 3600 "$(jqr .expires_in)"
ANN=$TOKEN
req GET /api/me
check_eq "me is ann" "ann@example.com/false" "$(jqr '.email + "/" + (.admin|tostring)')"

# --- tiers and subdomains ---
TOKEN= req GET /api/tiers
check_eq "tiers lists basic, standard, premium" "basic standard premium" "$(jqr '[.tiers[].name]|join(" ")')"
TOKEN= req GET /api/subdomains/acme
check_eq "acme is valid and free" "true/true" "$(jqr '(.valid|tostring) + "/" + (.available|tostring)')"

# --- create, poll, list ---
TOKEN=$ANN req POST /api/tenants '{"subdomain":"acme","tier":"basic"}'
check_eq "create answers 202" 202 "$HTTP_CODE"
check_eq "create gives the id" acme "$(jqr .id)"
check_eq "create says Provisioning" Provisioning "$(jqr .status)"
check_eq "create links to the status" /api/tenants/acme "$(jqr .links.self)"
check_contains "create has a Location header" "Location: /api/tenants/acme" "$HEADERS"
check_contains "create gives the URL" "acme." "$(jqr .url)"
check "the namespace exists on the cluster" kubectl get ns tenant-acme
check_eq "its owner annotation is the account" "ann@example.com" \
    "$(kubectl get ns tenant-acme -o jsonpath='{.metadata.annotations.odoo-saas\.io/owner}')"
check_eq "its admin email is the account's" "ann@example.com" \
    "$(kubectl get ns tenant-acme -o jsonpath='{.metadata.annotations.odoo-saas\.io/admin-email}')"
TOKEN= req GET /api/subdomains/acme
check_eq "acme is now taken" "true/false" "$(jqr '(.valid|tostring) + "/" + (.available|tostring)')"
TOKEN=$ANN req POST /api/tenants '{"subdomain":"acme","tier":"basic"}'
check_error "creating acme again is 409" 409
TOKEN=$ANN
if wait_phase acme Ready 15; then
    ok "acme becomes Ready"
else
    # The simulator may not run tenants to Ready yet: Provisioning is the
    # honest answer meanwhile.
    check_eq "acme is Provisioning (the simulator does not make it Ready)" Provisioning "$(jqr .phase)"
fi
check_contains "status has a trial expiry" "T" "$(jqr .trial_expires_at)"
TOKEN=$ANN req GET /api/tenants
check_eq "list holds acme" acme "$(jqr '[.tenants[].id]|join(" ")')"
check_eq "a customer does not see the owner field" null "$(jqr '.tenants[0].owner')"

# --- a second account sees nothing of it ---
register "bob@example.com" "bobs password!"
login "bob@example.com" "bobs password!"
BOB=$TOKEN
TOKEN=$BOB req GET /api/tenants/acme
check_error "bob gets 404 for ann's tenant" 404
NOTFOUND=$BODY
TOKEN=$BOB req GET /api/tenants/nosuchthing
check_eq "exactly like a missing one" "$NOTFOUND" "$BODY"
TOKEN=$BOB req DELETE /api/tenants/acme
check_error "bob cannot delete ann's tenant (404)" 404
check "acme is still there" kubectl get ns tenant-acme
TOKEN=$BOB req GET /api/tenants
check_eq "bob's list is empty" 0 "$(jqr '.tenants|length')"
TOKEN= req GET /api/tenants
check_error "no token: 401" 401

# --- admin ---
TOKEN=$BOB req GET /api/admin/tenants
check_error "a customer gets 403 on admin/tenants" 403
TOKEN=$BOB req POST /api/admin/tenants/acme/suspend
check_error "a customer gets 403 on suspend" 403
printf 'root password 123\n' | XDG_CONFIG_HOME=$OS_TMP/xdg "$SAASD_BIN" --create-admin Root@Example.com \
    --data-dir "$SAASD_DATA" >"$OS_TMP/ca.out" 2>&1
check_eq "--create-admin exits 0" 0 "$?"
login "root@example.com" "root password 123"
ROOT=$TOKEN
TOKEN=$ROOT req GET /api/me
check_eq "root is an admin" true "$(jqr .admin)"
TOKEN=$ROOT req GET /api/admin/tenants
check_eq "admin sees acme with its owner" "acme/ann@example.com" "$(jqr '.tenants[0].id + "/" + .tenants[0].owner')"
TOKEN=$ROOT req POST /api/admin/tenants/acme/suspend
check_eq "suspend answers 200" 200 "$HTTP_CODE"
check_eq "suspend annotates the namespace" true \
    "$(kubectl get ns tenant-acme -o jsonpath='{.metadata.annotations.odoo-saas\.io/suspended}')"
check_eq "suspend scales odoo to 0" 0 "$(kubectl -n tenant-acme get deploy odoo -o jsonpath='{.spec.replicas}')"
TOKEN=$ANN
if wait_phase acme Suspended 10; then ok "ann sees Suspended"; else not_ok "ann sees Suspended" "$BODY"; fi
TOKEN=$ROOT req POST /api/admin/tenants/acme/resume
check_eq "resume answers 200" 200 "$HTTP_CODE"
check_eq "resume removes the annotation" "" \
    "$(kubectl get ns tenant-acme -o jsonpath='{.metadata.annotations.odoo-saas\.io/suspended}')"
check_eq "resume scales odoo to 1" 1 "$(kubectl -n tenant-acme get deploy odoo -o jsonpath='{.spec.replicas}')"
TOKEN=$ROOT req POST /api/admin/tenants/nosuch/suspend
check_error "suspending a missing tenant is 404" 404

# --- tenant limit (default 3 per account) ---
for s in acme2 acme3; do TOKEN=$ANN req POST /api/tenants "{\"subdomain\":\"$s\",\"tier\":\"basic\"}"; done
check_eq "ann's third tenant is accepted" 202 "$HTTP_CODE"
TOKEN=$ANN req POST /api/tenants '{"subdomain":"acme4","tier":"basic"}'
check_error "a fourth is refused (403)" 403
check_eq "with the limit code" tenant_limit "$(jqr .error.code)"
if kubectl get ns tenant-acme4 >/dev/null 2>&1; then not_ok "no namespace for acme4"; else ok "no namespace for acme4"; fi

# --- delete ---
TOKEN=$ANN req DELETE /api/tenants/acme
check_eq "ann deletes acme: 202" 202 "$HTTP_CODE"
i=0
while kubectl get ns tenant-acme >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if kubectl get ns tenant-acme >/dev/null 2>&1; then not_ok "the namespace goes away"; else ok "the namespace goes away"; fi
TOKEN=$ANN
i=0
while [ $i -lt 50 ]; do
    req GET /api/tenants/acme
    [ "$HTTP_CODE" = 404 ] && break
    sleep 0.1
    i=$((i + 1))
done
check_error "acme is then 404" 404

# --- the log: one line per request, no secrets ---
if grep -qE 'correct horse|root password|eyJ' "$OS_TMP/saasd.err"; then
    not_ok "no password or token in the log" "$(grep -E 'correct horse|root password|eyJ' "$OS_TMP/saasd.err" | head -3)"
else
    ok "no password or token in the log"
fi
check_contains "the log has the request line" '"POST /api/tenants" 202' "$(cat "$OS_TMP/saasd.err")"

saasd_stop
sim_finish
