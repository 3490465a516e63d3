#!/bin/sh
# odoo-saasd's connection limits, with raw sockets (python3): an idle or
# slow client is cut off after timeout_seconds, a client over its
# per-IP connection limit is refused while the others keep working, a
# header block beyond the per-connection memory limit is refused, and a
# request in flight when SIGTERM arrives is still answered.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/api/lib-api.sh"

sim_need_tools python3
sim_start
cat >"$OS_TMP/api.yaml" <<'YAML'
api:
  server: {timeout_seconds: 1, per_ip_connections: 4, connection_memory_kib: 32}
YAML
saasd_start --config "$OS_TMP/api.yaml"
PORT=${SAASD_URL##*:}

py() { python3 - "$PORT" "$@"; }

# --- a slow client is cut off ---
out=$(py <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")   # never finishes its headers
t = time.time()
data = s.recv(100)
print("closed" if data == b"" else "data", "%.0f" % (time.time() - t))
PY
)
case "$out" in
"closed "[1-4]) ok "a client that stops mid-headers is closed after the timeout ($out s)" ;;
*) not_ok "a client that stops mid-headers is closed after the timeout" "$out" ;;
esac

# --- per-IP connection limit ---
out=$(py <<'PY'
import socket, sys
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(4)]
extra = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    refused = extra.recv(100) == b""
except OSError:
    refused = True
for h in held:
    h.close()
print("refused" if refused else "served")
PY
)
check_eq "a fifth connection from one address is refused" refused "$out"
req GET /healthz
check_eq "after they close, the server answers again" 200 "$HTTP_CODE"

# --- headers beyond the per-connection memory ---
big=$(head -c 40000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$SAASD_URL/healthz")
case "$code" in
4*|000) ok "a 40 KB header block is refused ($code)" ;;
*) not_ok "a 40 KB header block is refused" "got $code" ;;
esac
req GET /healthz
check_eq "the server is healthy after it" 200 "$HTTP_CODE"

# --- SIGTERM with a request in flight ---
register "late@example.com" "late long password"
py "$SAASD_PID" >"$OS_TMP/inflight" <<'PY' &
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
body = b'{"email":"late@example.com","password":"late long password"}'
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
time.sleep(0.02)            # argon2id is still running (about 100 ms)
os.kill(pid, signal.SIGTERM)
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.split(b"\r\n", 1)[0].decode())
PY
wait $!
check_eq "a login in flight at SIGTERM is still answered" "HTTP/1.1 200 OK" "$(cat "$OS_TMP/inflight")"
saasd_stop
sim_finish
