#!/bin/sh
# Hostile and broken input to odoo-saasd: malformed JSON, wrong types,
# missing and unknown fields, a 1 MiB body (413, with a Content-Length and
# chunked), a wrong Content-Type (415), unicode, reserved and malformed
# subdomains, SQL and YAML metacharacters, unknown routes and methods, and
# rapid logins and registrations (429 with Retry-After).  Every answer is
# a 4xx JSON error, no namespace appears on the cluster, no account is
# created by a refused request, and the server stays healthy.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools kubectl
sim_start
cat >"$OS_TMP/api.yaml" <<'YAML'
api:
  rate_limits:
    register: {burst: 40, per_seconds: 60}
    create: {burst: 500, per_seconds: 1}
YAML
saasd_start --config "$OS_TMP/api.yaml"

namespaces() { kubectl get ns -l app.kubernetes.io/managed-by=odoo-saas -o name | grep -c . ; }

register "eve@example.com" "eve's password"
check_eq "a normal account registers" 201 "$HTTP_CODE"
login "eve@example.com" "eve's password"
EVE=$TOKEN

# expect_4xx NAME CODE METHOD PATH BODY [CURL_ARGS...]
expect_4xx() {
    _name=$1 _code=$2
    shift 2
    req "$@"
    check_error "$_name ($_code)" "$_code"
}

# --- malformed JSON and wrong shapes, on every endpoint that takes a body ---
for ep in /api/auth/register /api/auth/login /api/tenants; do
    TOKEN=$EVE
    expect_4xx "$ep: truncated JSON" 400 POST "$ep" '{"email":'
    expect_4xx "$ep: not JSON" 400 POST "$ep" 'email=a@b.c&password=x'
    expect_4xx "$ep: an array" 400 POST "$ep" '[]'
    expect_4xx "$ep: a string" 400 POST "$ep" '"hello"'
    expect_4xx "$ep: two objects" 400 POST "$ep" '{}{}'
    expect_4xx "$ep: deep nesting" 400 POST "$ep" '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'
    expect_4xx "$ep: invalid UTF-8" 400 POST "$ep" "$(printf '{"email":"\377\376"}')"
    expect_4xx "$ep: empty body" 415 POST "$ep" "" -H "Content-Type: text/plain"
    expect_4xx "$ep: text/plain" 415 POST "$ep" '{}' -H "Content-Type: text/plain"
    expect_4xx "$ep: form encoded" 415 POST "$ep" '{}' -H "Content-Type: application/x-www-form-urlencoded"
done
TOKEN=
expect_4xx "register: email is a number" 400 POST /api/auth/register '{"email":42,"password":"long enough"}'
expect_4xx "register: password is an array" 400 POST /api/auth/register '{"email":"a@example.com","password":["x"]}'
expect_4xx "register: email missing" 400 POST /api/auth/register '{"password":"long enough"}'
expect_4xx "register: password null" 400 POST /api/auth/register '{"email":"a@example.com","password":null}'
expect_4xx "register: an unknown field" 400 POST /api/auth/register '{"email":"a@example.com","password":"long enough","admin":true}'
expect_4xx "register: password too short" 400 POST /api/auth/register '{"email":"a@example.com","password":"short"}'
expect_4xx "register: not an email" 400 POST /api/auth/register '{"email":"not-an-email","password":"long enough"}'
expect_4xx "register: SQL in the email" 400 POST /api/auth/register "{\"email\":\"x' OR '1'='1@example.com\",\"password\":\"long enough\"}"
expect_4xx "register: SQL comment in the email" 400 POST /api/auth/register '{"email":"a@example.com;--","password":"long enough"}'
expect_4xx "register: unicode email" 400 POST /api/auth/register '{"email":"jos\u00e9@example.com","password":"long enough"}'
expect_4xx "register: NUL in the email" 400 POST /api/auth/register '{"email":"a\u0000b@example.com","password":"long enough"}'
expect_4xx "register: control character in the password" 400 POST /api/auth/register '{"email":"a@example.com","password":"long\nenough"}'
expect_4xx "login: SQL in the email" 401 POST /api/auth/login "{\"email\":\"' OR 1=1 --@x.com\",\"password\":\"whatever1\"}"
expect_4xx "login: password is an object" 400 POST /api/auth/login '{"email":"eve@example.com","password":{"$ne":null}}'
login "a@example.com" "long enough"
check_error "none of the refused registrations made an account" 401

# --- bodies too large ---
head -c 1048576 /dev/zero | tr '\0' 'a' >"$OS_TMP/big"
for ep in /api/auth/register /api/auth/login /api/tenants; do
    TOKEN=$EVE req POST "$ep" "" -H "Content-Type: application/json" --data-binary @"$OS_TMP/big"
    check_error "$ep: a 1 MiB body is 413" 413
done
TOKEN=$EVE req POST /api/tenants "" -H "Content-Type: application/json" -H "Transfer-Encoding: chunked" \
    --data-binary @"$OS_TMP/big"
check_error "a chunked 1 MiB body is 413" 413
printf '{"subdomain":"acme","tier":"basic","pad":"%s"}' "$(head -c 20000 /dev/zero | tr '\0' 'x')" >"$OS_TMP/20k"
TOKEN=$EVE req POST /api/tenants "" -H "Content-Type: application/json" --data-binary @"$OS_TMP/20k"
check_error "a 20 KiB body is 413" 413

# --- subdomains a tenant cannot have ---
TOKEN=$EVE
for sub in www api admin traefik kube-system tenant-x odoo-saas-x ab \
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmno" ACME 1abc abc- -abc "a_b" "a.b" "a b" "" \
    '\u00e1cme' '\u0430cme' '\ud83d\ude00' \
    "acme'; DROP TABLE accounts;--" "' OR 1=1 --" 'acme\nkind: Secret' '{a: b}' '&anchor' '*alias' \
    'acme: x' '- x' '${NAMESPACE}' '$(id)' '`id`' '../etc' 'acme\u0000x'; do
    expect_4xx "subdomain '$(printf '%s' "$sub" | tr '\\' '/')' is refused" 400 POST /api/tenants "{\"subdomain\":\"$sub\",\"tier\":\"basic\"}"
done
expect_4xx "an unknown tier" 400 POST /api/tenants '{"subdomain":"goodname","tier":"gold"}'
expect_4xx "a tier with YAML in it" 400 POST /api/tenants '{"subdomain":"goodname","tier":"basic\nx: y"}'
expect_4xx "subdomain as a number" 400 POST /api/tenants '{"subdomain":123,"tier":"basic"}'
expect_4xx "subdomain as an object" 400 POST /api/tenants '{"subdomain":{"a":1},"tier":"basic"}'
expect_4xx "tier as a boolean" 400 POST /api/tenants '{"subdomain":"goodname","tier":true}'
expect_4xx "tier missing" 400 POST /api/tenants '{"subdomain":"goodname"}'
expect_4xx "an extra field (owner)" 400 POST /api/tenants '{"subdomain":"goodname","tier":"basic","owner":"root@example.com"}'
TOKEN= expect_4xx "create without a token" 401 POST /api/tenants '{"subdomain":"goodname","tier":"basic"}'
TOKEN= req GET '/api/subdomains/%C3%A1cme'
check_eq "the subdomain check says a unicode name is invalid" false "$(jqr .valid)"

# --- routes ---
TOKEN=$EVE
expect_4xx "an unknown path" 404 GET /api/nothing
expect_4xx "a path with dots" 404 GET /api/tenants/../admin/tenants "" --path-as-is
expect_4xx "a wrong method" 405 PUT /api/tenants
expect_4xx "PATCH on a tenant" 405 PATCH /api/tenants/acme
expect_4xx "a missing tenant" 404 GET /api/tenants/doesnotexist
expect_4xx "a long id" 404 GET "/api/tenants/$(head -c 300 /dev/zero | tr '\0' a)"

# --- nothing was created ---
check_eq "no namespace appeared on the cluster" 0 "$(namespaces)"
TOKEN=$EVE req GET /api/tenants
check_eq "eve has no tenants" 0 "$(jqr '.tenants|length')"

# --- rate limits: logins for one account, then registrations from one IP ---
got=
i=0
while [ $i -lt 20 ]; do
    TOKEN= req POST /api/auth/login '{"email":"eve@example.com","password":"wrong password"}'
    if [ "$HTTP_CODE" = 429 ]; then got=429; break; fi
    i=$((i + 1))
done
check_eq "rapid logins hit the rate limit" 429 "$got"
check_error "the 429 is a JSON error" 429
check_contains "with a Retry-After header" "Retry-After:" "$HEADERS"
TOKEN= req POST /api/auth/login '{"email":"eve@example.com","password":"eve'"'"'s password"}'
check_eq "even the right password waits" 429 "$HTTP_CODE"
got=
i=0
while [ $i -lt 60 ]; do
    TOKEN= req POST /api/auth/register '{"email":"a@b","password":"x"}'
    if [ "$HTTP_CODE" = 429 ]; then got=429; break; fi
    i=$((i + 1))
done
check_eq "rapid registrations hit the rate limit" 429 "$got"
check_contains "with a Retry-After header" "Retry-After:" "$HEADERS"

# --- unknown and wrong emails answer alike ---
TOKEN= req POST /api/auth/login '{"email":"nobody@example.com","password":"wrong password"}'
A=$BODY
TOKEN= req POST /api/auth/login '{"email":"nobody2@example.com","password":"wrong password"}'
check_eq "an unknown email's answer does not name the email" "$A" "$BODY"

# --- still healthy ---
TOKEN= req GET /healthz
check_eq "healthz is 200 after all that" 200 "$HTTP_CODE"
TOKEN= req GET /readyz
check_eq "readyz is 200 after all that" 200 "$HTTP_CODE"
saasd_stop

# --- the create rate limit (a second run, tighter) ---
printf 'api:\n  rate_limits:\n    create: {burst: 2, per_seconds: 600}\n' >"$OS_TMP/tight.yaml"
saasd_start --config "$OS_TMP/tight.yaml"
login "eve@example.com" "eve's password"
for i in 1 2 3; do req POST /api/tenants '{"subdomain":"www","tier":"basic"}'; done
check_error "a third create in a row is 429" 429
check_contains "with a Retry-After header" "Retry-After:" "$HEADERS"
check_eq "still no namespace" 0 "$(namespaces)"
saasd_stop

printf 'api:\n  no_such_key: 1\n' >"$OS_TMP/bad.yaml"
out=$("$SAASD_BIN" --listen 127.0.0.1:0 --kubeconfig "$SIM_KC" --data-dir "$OS_TMP/d2" --config "$OS_TMP/bad.yaml" 2>&1)
check_eq "an unknown config key stops the start" 1 "$?"
check_contains "naming it" "api.no_such_key" "$out"
sim_finish
