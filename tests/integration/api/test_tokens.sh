#!/bin/sh
# Tokens odoo-saasd must refuse (401 with a JSON error): none, garbage,
# alg none (signed or not), another algorithm, a wrong signature, a
# tampered payload, an expired exp, a wrong issuer or audience, and a
# valid token for an account that does not exist.  A token it made itself,
# and one forged with the real secret, are accepted (the control).  On one
# keep-alive connection the remembered token changes none of that.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools openssl base64
sim_start
saasd_start

check_eq "the token secret is mode 600" 600 "$(stat -c %a "$SAASD_DATA/token-secret")"
SECRET=$(tr -d '\n' < "$SAASD_DATA/token-secret")
register "tok@example.com" "token tester 1"
login "tok@example.com" "token tester 1"
GOOD=$TOKEN
req GET /api/me
check_eq "its own token is accepted" 200 "$HTTP_CODE"

NOW=$(date +%s)
EXP=$((NOW + 600))
claims() { printf '{"iss":"%s","aud":"%s","sub":"%s","iat":%s,"exp":%s}' "$1" "$2" "$3" "$4" "$5"; }
OK_CLAIMS=$(claims odoo-saasd odoo-saas-api tok@example.com "$NOW" "$EXP")
HS='{"alg":"HS256","typ":"JWT"}'

TOKEN=$(forge_token "$HS" "$OK_CLAIMS" "$SECRET") req GET /api/me
check_eq "a token forged with the real secret is accepted (control)" 200 "$HTTP_CODE"

refuse() {
    TOKEN=$2 req GET /api/me
    check_error "$1: 401" 401
}
refuse "no token at all" ""
refuse "garbage" "not.a.token"
refuse "two parts" "abc.def"
refuse "alg none, unsigned" "$(forge_token '{"alg":"none","typ":"JWT"}' "$OK_CLAIMS" "")"
refuse "alg none, signed anyway" "$(forge_token '{"alg":"none","typ":"JWT"}' "$OK_CLAIMS" "$SECRET")"
refuse "alg HS512" "$(forge_token '{"alg":"HS512","typ":"JWT"}' "$OK_CLAIMS" "$SECRET")"
refuse "alg RS256" "$(forge_token '{"alg":"RS256","typ":"JWT"}' "$OK_CLAIMS" "$SECRET")"
refuse "a wrong signature" "$(forge_token "$HS" "$OK_CLAIMS" "0123456789abcdef0123456789abcdef0123")"
H=${GOOD%%.*}
S=${GOOD##*.}
refuse "a tampered payload" "$H.$(claims odoo-saasd odoo-saas-api root@example.com "$NOW" "$EXP" | b64url).$S"
refuse "an expired exp" "$(forge_token "$HS" "$(claims odoo-saasd odoo-saas-api tok@example.com $((NOW - 7200)) $((NOW - 3600)))" "$SECRET")"
refuse "a wrong issuer" "$(forge_token "$HS" "$(claims evil odoo-saas-api tok@example.com "$NOW" "$EXP")" "$SECRET")"
refuse "a wrong audience" "$(forge_token "$HS" "$(claims odoo-saasd other tok@example.com "$NOW" "$EXP")" "$SECRET")"
refuse "an account that does not exist" "$(forge_token "$HS" "$(claims odoo-saasd odoo-saas-api ghost@example.com "$NOW" "$EXP")" "$SECRET")"
TOKEN= req GET /api/me "" -H "Authorization: Basic dG9rOnRva2Vu"
check_error "Basic auth instead of Bearer: 401" 401

# One keep-alive connection remembers the token it presented (auth_memo.h);
# the memo must not weaken a check: another token on that connection is
# verified on its own, and a remembered token is refused once its exp
# passes.  python3 keeps one socket; "same" says it was never reopened.
NOW=$(date +%s)
SHORT_EXP=$((NOW + 3))
SHORT=$(forge_token "$HS" "$(claims odoo-saasd odoo-saas-api tok@example.com "$NOW" "$SHORT_EXP")" "$SECRET")
TAMPERED="$H.$(claims odoo-saasd odoo-saas-api root@example.com "$NOW" "$EXP" | b64url).$S"
out=$(timeout 20 python3 - "$SAASD_URL" "$SHORT" "$TAMPERED" "$GOOD" "$SHORT_EXP" <<'PY2'
import http.client, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
def me(tok):
    c.request("GET", "/api/me", headers={"Authorization": "Bearer " + tok})
    r = c.getresponse()
    r.read()
    return str(r.status)
codes = [me(sys.argv[2])]
sock = c.sock
codes += [me(sys.argv[3]), me(sys.argv[2]), me(sys.argv[4]), me(sys.argv[2])]
time.sleep(max(0.0, int(sys.argv[5]) - time.time()) + 0.2)   # past exp
codes += [me(sys.argv[2]), me(sys.argv[4])]
print(" ".join(codes), "same" if c.sock is sock else "reopened")
PY2
)
check_eq "one connection: short token, tampered, short, good, short; then after exp: short, good" \
    "200 401 200 200 200 401 200 same" "$out"

saasd_stop
sim_finish
