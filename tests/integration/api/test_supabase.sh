#!/bin/sh
# odoo-saasd with the Supabase backend, against a GoTrue stand-in
# (mock-gotrue.py) and odoo-saas-sim: sign-up and login are forwarded (the
# anon key sent), Supabase's own tokens are accepted (HS256 with the
# project's JWT secret, iss URL/auth/v1, aud authenticated, the email
# claim), forged ones refused, tenants are owned by the email, admins are
# marked in the local database, and an unreachable GoTrue is a 503.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools python3 openssl base64 kubectl
sim_start
GT_PID=
OS_CLEANUP_HOOK="saasd_kill; sim_kill; [ -n \"\$GT_PID\" ] && kill \$GT_PID 2>/dev/null"

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$OS_TMP/jwt-secret"
chmod 600 "$OS_TMP/jwt-secret"
printf 'anon-key-123\n' >"$OS_TMP/anon-key"
python3 "$OS_SRCDIR/tests/integration/api/mock-gotrue.py" "$OS_TMP/jwt-secret" anon-key-123 \
    >"$OS_TMP/gt.out" 2>"$OS_TMP/gt.err" &
GT_PID=$!
i=0
until grep -q '^listening on' "$OS_TMP/gt.out" 2>/dev/null || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
GT_URL=$(sed -n 's/^listening on //p' "$OS_TMP/gt.out")
check_contains "the GoTrue stand-in starts" "http://127.0.0.1:" "$GT_URL"

cat >"$OS_TMP/api.yaml" <<YAML
api:
  accounts: {backend: supabase, supabase_url: "$GT_URL", supabase_anon_key_file: "$OS_TMP/anon-key"}
  tokens: {secret_file: "$OS_TMP/jwt-secret"}
YAML
saasd_start --config "$OS_TMP/api.yaml"

register " Ann@Example.com" "ann's long password"
check_eq "register through GoTrue: 201" "201/ann@example.com" "$HTTP_CODE/$(jqr .email)"
register "ann@example.com" "ann's long password"
check_error "registering again: 409" 409
check_eq "  as email_taken" email_taken "$(jqr .error.code)"
register "weak@example.com" "12345678x"
check_eq "a password GoTrue takes: 201" 201 "$HTTP_CODE"
login "ann@example.com" "ann's long password"
check_eq "login through GoTrue: 200" 200 "$HTTP_CODE"
ANN=$TOKEN
payload=$(printf '%s' "$ANN" | cut -d. -f2 | tr '_-' '/+')
while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="$payload="; done
check_eq "the token is Supabase's" "$GT_URL/auth/v1 authenticated" \
    "$(printf '%s' "$payload" | base64 -d 2>/dev/null | jq -r '.iss + " " + .aud')"
req GET /api/me
check_eq "me is ann, not an admin" "ann@example.com/false" "$(jqr '.email + "/" + (.admin|tostring)')"
TOKEN= req POST /api/auth/login '{"email":"ann@example.com","password":"wrong password"}'
check_error "a wrong password: 401" 401
W=$BODY
TOKEN= req POST /api/auth/login '{"email":"nobody@example.com","password":"wrong password"}'
check_eq "an unknown email: the same answer" "$W" "$BODY"

TOKEN=$ANN req POST /api/tenants '{"subdomain":"supa","tier":"basic"}'
check_eq "ann creates a tenant: 202" 202 "$HTTP_CODE"
check_eq "owned by her email" "ann@example.com" \
    "$(kubectl get ns tenant-supa -o jsonpath='{.metadata.annotations.odoo-saas\.io/owner}')"
TOKEN=$ANN req GET /api/tenants
check_eq "and listed" supa "$(jqr '[.tenants[].id]|join(" ")')"

# forged tokens
NOW=$(date +%s)
SECRET=$(cat "$OS_TMP/jwt-secret")
HS='{"alg":"HS256","typ":"JWT"}'
claims() { printf '{"iss":"%s","aud":"%s","sub":"u1","email":"%s","iat":%s,"exp":%s}' "$1" "$2" "$3" "$NOW" $((NOW + 600)); }
TOKEN=$(forge_token "$HS" "$(claims "$GT_URL/auth/v1" authenticated ann@example.com)" "$SECRET") req GET /api/me
check_eq "a token signed with the project's secret is accepted (control)" 200 "$HTTP_CODE"
TOKEN=$(forge_token "$HS" "$(claims "$GT_URL/auth/v1" authenticated ann@example.com)" "not-the-secret-not-the-secret-xx") req GET /api/me
check_error "another secret: 401" 401
TOKEN=$(forge_token '{"alg":"none"}' "$(claims "$GT_URL/auth/v1" authenticated ann@example.com)" "") req GET /api/me
check_error "alg none: 401" 401
TOKEN=$(forge_token "$HS" "$(claims odoo-saasd odoo-saas-api ann@example.com)" "$SECRET") req GET /api/me
check_error "our own issuer and audience are not Supabase's: 401" 401
TOKEN=$(forge_token "$HS" "$(claims "$GT_URL/auth/v1" authenticated not-an-email)" "$SECRET") req GET /api/me
check_error "no usable email claim: 401" 401

# admins are marked locally
register "root@example.com" "root's long password"
login "root@example.com" "root's long password"
ROOT=$TOKEN
TOKEN=$ROOT req GET /api/admin/tenants
check_error "before --create-admin: 403" 403
printf 'local admin pw\n' | XDG_CONFIG_HOME=$OS_TMP/xdg "$SAASD_BIN" --create-admin root@example.com \
    --config "$OS_TMP/api.yaml" --data-dir "$SAASD_DATA" >/dev/null 2>&1
check_eq "--create-admin marks root" 0 "$?"
TOKEN=$ROOT req GET /api/admin/tenants
check_eq "then root sees every tenant" "200/supa" "$HTTP_CODE/$(jqr '[.tenants[].id]|join(" ")')"

if grep -q "anon-key-123\|long password" "$OS_TMP/saasd.err"; then
    not_ok "no key or password in the log"
else
    ok "no key or password in the log"
fi

kill "$GT_PID" 2>/dev/null
wait "$GT_PID" 2>/dev/null
GT_PID=
register "late@example.com" "late long password"
check_error "GoTrue unreachable: 503" 503
TOKEN=$ANN req GET /api/tenants
check_eq "tokens still verify without it" 200 "$HTTP_CODE"

saasd_stop
sim_finish
