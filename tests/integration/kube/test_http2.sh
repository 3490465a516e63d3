#!/bin/sh
# The client speaks HTTP/2 when the server offers it, and multiplexes many
# requests in flight over one connection.  odoo-saas-sim speaks HTTP/1.1
# (libmicrohttpd), so a local nginx terminates TLS with HTTP/2 in front of it.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"

if ! command -v nginx >/dev/null 2>&1; then
    not_ok "nginx is installed" "run tools/install-deps (as root) first"
    finish
    exit 1
fi
sim_start
T=$OS_TMP/nginx
mkdir -p "$T"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
sim_port=${SIM_URL##*:}

# A throwaway CA and a server certificate for 127.0.0.1.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.crt" -days 1 \
    -subj /CN=odoo-saas-test-ca >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$T/server.key" -out "$T/server.csr" \
    -subj /CN=127.0.0.1 >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' > "$T/ext"
openssl x509 -req -in "$T/server.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" -CAcreateserial \
    -out "$T/server.crt" -days 1 -extfile "$T/ext" >/dev/null 2>&1
check "test certificates were made" test -s "$T/server.crt"

cat > "$T/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/error.log;
events { worker_connections 128; }
http {
    access_log off;
    client_body_temp_path $T/body;
    proxy_temp_path $T/proxy;
    fastcgi_temp_path $T/fastcgi;
    uwsgi_temp_path $T/uwsgi;
    scgi_temp_path $T/scgi;
    server {
        listen 127.0.0.1:$port ssl http2;
        ssl_certificate $T/server.crt;
        ssl_certificate_key $T/server.key;
        http2_max_concurrent_streams 128;
        location / {
            proxy_pass https://127.0.0.1:$sim_port;
            proxy_ssl_verify off;
            proxy_http_version 1.1;
            proxy_buffering off;
        }
    }
}
CONF
nginx -p "$T" -c "$T/nginx.conf" &
NGINX_PID=$!
OS_CLEANUP_HOOK="kill $NGINX_PID 2>/dev/null; sim_kill"
i=0
until curl -s -o /dev/null --cacert "$T/ca.crt" "https://127.0.0.1:$port/healthz" || [ $i -ge 50 ]; do
    sleep 0.1; i=$((i + 1))
done
check_eq "nginx answers over HTTP/2" 2 \
    "$(curl -s -o /dev/null -w '%{http_version}' --http2 --cacert "$T/ca.crt" "https://127.0.0.1:$port/healthz")"

ca=$(base64 -w0 < "$T/ca.crt")
sed -e "s#https://127.0.0.1:[0-9]*#https://127.0.0.1:$port#" \
    -e "s/^\( *certificate-authority-data: \).*/\1$ca/" "$SIM_KC" > "$T/kubeconfig"
# The client's own checks (TAP from cmocka): 32 requests at once, all HTTP/2,
# one connection.
finish
OS_H2_KUBECONFIG=$T/kubeconfig CMOCKA_MESSAGE_OUTPUT=TAP \
    "$OS_BUILDDIR/tests/integration/kube/client_check"
