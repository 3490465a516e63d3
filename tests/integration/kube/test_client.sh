#!/bin/sh
# The core Kubernetes client (core/kube) against a real odoo-saas-sim:
# runs client_check (cmocka, TAP) with kubeconfigs for the good and the
# failing cases.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"

sim_start --ns-delete-delay-ms 1000
# Same server, a token it never issued.
sed 's/^\( *token: \).*/\1not-the-token/' "$SIM_KC" > "$OS_TMP/bad-token"
# Same server, a CA that did not sign its certificate.
ca=$(base64 -w0 < "$OS_SRCDIR/tests/unit/kube/fixtures/pki/ca.crt")
sed "s/^\( *certificate-authority-data: \).*/\1$ca/" "$SIM_KC" > "$OS_TMP/bad-ca"
# A port nothing listens on (bound and closed just now).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s#https://127.0.0.1:[0-9]*#https://127.0.0.1:$port#" "$SIM_KC" > "$OS_TMP/closed"

# insecure-skip-tls-verify: true (and no CA) connects, with a warning.
sed -e 's/^\( *\)certificate-authority-data: .*/\1insecure-skip-tls-verify: true/' "$SIM_KC" > "$OS_TMP/insecure"
out=$("$OS_BUILDDIR/odoo-saas" --kubeconfig "$OS_TMP/insecure" nodes 2>&1)
check_contains "insecure-skip-tls-verify connects" "sim-node-1" "$out"
check_contains "insecure-skip-tls-verify warns" \
    "warning: TLS certificate verification is disabled by insecure-skip-tls-verify in $OS_TMP/insecure" "$out"
finish

OS_BAD_TOKEN_KUBECONFIG=$OS_TMP/bad-token OS_BAD_CA_KUBECONFIG=$OS_TMP/bad-ca \
OS_CLOSED_KUBECONFIG=$OS_TMP/closed CMOCKA_MESSAGE_OUTPUT=TAP \
    $OS_TEST_WRAPPER "$OS_BUILDDIR/tests/integration/kube/client_check"
