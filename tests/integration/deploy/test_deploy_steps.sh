#!/bin/sh
# test_deploy_steps.sh - `odoo-saas deploy` and `odoo-saas node add`
# through a real sshd on 127.0.0.1, with recording stand-ins (doubles/)
# for snap, microk8s, systemctl, apt-get, ... on the remote PATH: the step
# sequence, --plan, a rerun that skips everything, uploaded checksums, a
# failing step, an unsupported OS, a connection killed mid-step and the
# resume, a changed bundle, node add; and the platform manifests against
# the Kubernetes schemas.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/deploy/lib-deploy.sh"
. "$OS_SRCDIR/tests/schema/lib.sh"

deploy_setup || { not_ok "test setup"; finish; exit 1; }
if ! sshd_start; then not_ok "sshd starts"; finish; exit 1; fi
ok "sshd starts on 127.0.0.1:$SSH_PORT"

# The commands that change something, in the order they ran.
changes() { deploy_changes; }

# --- host key handling of the CLI -------------------------------------------
out=$(deploy_cli --plan 2>&1); rc=$?
check_eq "deploy refuses an unknown host" 1 "$rc"
check_contains "... showing its fingerprint" "SHA256:" "$out"
check "... and runs nothing" test ! -s "$T/state/log"
out=$(deploy_cli --plan --accept-new-host-key 2>&1)
check "--plan records no host key" test ! -e "$T/known_hosts"

# --- plan on a fresh host ------------------------------------------------------
out=$(deploy_cli --only os-check 2>&1 --accept-new-host-key); rc=$?
check_eq "accept-new-host-key records the host (os-check only)" 0 "$rc"
check_contains "the CLI says it recorded the key" "recorded the new host key SHA256:" "$out"
: >"$T/state/log"
out=$(deploy_cli --plan 2>/dev/null); rc=$?
check_eq "--plan exits 0" 0 "$rc"
check_contains "--plan: os-check is satisfied" "skip  os-check" "$out"
check_contains "--plan: microk8s-install would run" "run   microk8s-install" "$out"
check_contains "--plan: healthz would run" "run   healthz" "$out"
check_eq "--plan lists every step" 16 "$(echo "$out" | grep -cE '^(run|skip) ')"
check_eq "--plan changed nothing" "" "$(changes)"
check "--plan uploaded nothing" test ! -e "$T/remote/bundle"

# --- the full deployment ------------------------------------------------------
: >"$T/state/log"
deploy_cli >"$T/out1" 2>&1; rc=$?
check_eq "deploy succeeds" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/out1" | tail -20
want=$(deploy_full_run)
check_eq "the steps ran in order, each once" "$want" "$(changes)"
check_contains "the snap channel is the default" "--channel=1.33/stable" "$(doubles_log)"
check_contains "step output is streamed" "Enabling metrics-server" "$(cat "$T/out1")"
check_contains "steps are announced" "==> traefik: install Traefik with Helm" "$(cat "$T/out1")"
check_eq "no terminal escape from the host reaches the terminal" 0 "$(tr -cd '\033\007' <"$T/out1" | wc -c)"
check_contains "... it is shown defused" "title ?]0;pwned? done" "$(cat "$T/out1")"
case "$(doubles_log)" in *"enable ingress"*) not_ok "MicroK8s' ingress addon is not enabled" ;;
*) ok "MicroK8s' ingress addon is not enabled" ;; esac
check_contains "the rbac addon is enabled (odoo-saasd is held to its ClusterRole)" " helm3 rbac" "$(doubles_log | grep 'microk8s enable')"
check_contains "Helm gets namespace traefik" "--namespace traefik" "$(doubles_log | grep upgrade)"
check "kubeconfig written" test -s "$T/home/.kube/config"
check "odoo-saasd built and installed" test -x "$T/prefix/bin/odoo-saasd"
check "the unit file installed is kubernetes/host's" cmp -s "$OS_SRCDIR/kubernetes/host/odoo-saasd.service" "$T/units/odoo-saasd.service"

# --- odoo-saasd on the host: address, peers, its own ServiceAccount --------------
check "the daemon's config installed" cmp -s "$OS_SRCDIR/kubernetes/host/config.yaml" "$T/etc/config.yaml"
check_eq "it listens on the node's InternalIP" "ODOO_SAASD_LISTEN=10.0.0.11:8080" "$(grep LISTEN "$T/etc/odoo-saasd.env")"
check_eq "it admits loopback, the pod network (MicroK8s' default) and every node" \
    "ODOO_SAASD_ALLOW_FROM=127.0.0.0/8,::1,10.1.0.0/16,10.0.0.11,10.0.0.12" "$(grep ALLOW "$T/etc/odoo-saasd.env")"
KC=$T/etc/odoo-saasd.kubeconfig
check_eq "the kubeconfig is readable by root only" 600 "$(stat -c %a "$KC")"
if command -v kubectl >/dev/null 2>&1; then
    check_eq "... kubectl reads its token (the Secret's, decoded)" "eyJhbGciOiJSUzI1NiJ9.sa-token-1.sig" \
        "$(kubectl --kubeconfig "$KC" config view --raw -o jsonpath='{.users[0].user.token}')"
    check_eq "... the API server on loopback, as the ServiceAccount's context" "https://127.0.0.1:16443 odoo-saasd odoo-saas" \
        "$(kubectl --kubeconfig "$KC" config view --raw -o jsonpath='{.clusters[0].cluster.server} {.contexts[0].context.user} {.contexts[0].context.namespace}')"
else
    skip "the kubeconfig read back by kubectl" "kubectl is not installed"
fi
check_eq "... never MicroK8s' admin config" "" "$(grep -l client.config "$T/units/odoo-saasd.service" "$T/etc/odoo-saasd.env" 2>/dev/null)"
case "$(cat "$T/out1") $(doubles_log)" in *sa-token*) not_ok "the token is in no output and no command line" ;;
*) ok "the token is in no output and no command line" ;; esac
check_contains "healthz asked the node's address" "curl -fsS --max-time 5 http://10.0.0.11:8080/healthz" "$(doubles_log)"
check_contains "the EndpointSlice names the node's address" "addresses: [10.0.0.11]" "$(cat "$T/state/applied-stdin.yaml")"
if schema_require; then
    "$OS_BUILDDIR/tests/integration/schema/yaml2json" "$T/state/applied-stdin.yaml" >"$T/slice.json"
    schema_valid "the applied EndpointSlice is schema-valid" "$T/slice.json"
fi
unit_check=$T/unit-check/odoo-saasd.service
mkdir -p "$T/unit-check"
sed 's#/usr/local/bin/odoo-saasd#/bin/true#' "$OS_SRCDIR/kubernetes/host/odoo-saasd.service" >"$unit_check"
if command -v systemd-analyze >/dev/null 2>&1; then
    out=$(systemd-analyze verify "$unit_check" 2>&1); rc=$?
    check_eq "systemd-analyze verify: the unit is clean" "0:" "$rc:$out"
    out=$(systemd-analyze security --offline=yes --threshold=20 "$unit_check" 2>&1); rc=$?
    check_eq "systemd-analyze security: exposure at most 2.0" 0 "$rc"
    [ "$rc" -eq 0 ] || echo "$out" | tail -3 | sed 's/^/# /'
else
    not_ok "systemd-analyze checks the unit" "systemd-analyze is not installed (package systemd)"
fi

# --- uploaded files -------------------------------------------------------------
B=$T/remote/bundle
check "uploaded files match SHA256SUMS (remote sha256sum -c)" sh -c "cd '$B' && sha256sum -c --quiet SHA256SUMS"
check "the tarball arrived intact" cmp -s "$T/odoo-saas-0.tar.gz" "$B/odoo-saas.tar.gz"
check "traefik values arrived" cmp -s "$OS_SRCDIR/kubernetes/traefik/values.yaml" "$B/kubernetes/traefik/values.yaml"
check "templates arrived" cmp -s "$OS_SRCDIR/templates/60-odoo.yaml" "$B/templates/60-odoo.yaml"
check_contains "SHA256SUMS lists odoo-saasd's manifests" "kubernetes/odoo-saasd/" "$(cat "$B/SHA256SUMS")"
check_contains "SHA256SUMS lists the platform manifests" "kubernetes/platform/00-namespace.yaml" "$(cat "$B/SHA256SUMS")"
check "no staging folder left" test ! -e "$B.new"

# --- a rerun does nothing ---------------------------------------------------------
: >"$T/state/log"
out=$(deploy_cli 2>&1); rc=$?
check_eq "rerun succeeds" 0 "$rc"
check_eq "rerun skips all 16 steps" 16 "$(echo "$out" | grep -c 'already done, skipped')"
check_contains "rerun: the summary says so" "is deployed (0 steps run, 16 already done)" "$out"
check_eq "rerun changes nothing" "" "$(changes)"
out=$(deploy_cli --plan 2>/dev/null)
check_eq "--plan after a deployment: nothing to run" 0 "$(echo "$out" | grep -c '^run ')"
json=$(HOME=$T/client "$OS_BUILDDIR/odoo-saas" -o json deploy --host "$SSH_USER@127.0.0.1:$SSH_PORT" \
    --identity "$T/userkey" --known-hosts "$T/known_hosts" --no-agent --remote-env "$REMOTE_ENV" \
    --remote-dir "$T/remote/bundle" --bundle "$T/odoo-saas-0.tar.gz" --platform-dir "$OS_SRCDIR" \
    --plan 2>/dev/null)
check_eq "-o json --plan: 16 steps, all satisfied" "16 satisfied" \
    "$(printf '%s' "$json" | python3 -c 'import json,sys; a=json.load(sys.stdin); print(len(a), " ".join(sorted(set(x["result"] for x in a))))')"

# --- a new token or a new node address: only what depends on it runs again ----------
echo 2 >"$T/state/token-gen"
: >"$T/state/log"
out=$(deploy_cli 2>&1); rc=$?
check_eq "a rotated ServiceAccount token deploys" 0 "$rc"
check_contains "... daemon-config runs" "==> daemon-config: done" "$out"
check_contains "... the kubeconfig has the new token" "sa-token-2" "$(cat "$KC")"
check_eq "... and the running odoo-saasd restarts, nothing else changes" "systemctl restart odoo-saasd" "$(changes)"
echo 10.0.0.21 >"$T/state/node-ip"
: >"$T/state/log"
out=$(deploy_cli 2>&1); rc=$?
check_eq "a changed node address deploys" 0 "$rc"
check_contains "... the EndpointSlice follows it" "addresses: [10.0.0.21]" "$(cat "$T/state/applied-stdin.yaml")"
check_eq "... so does the listen address" "ODOO_SAASD_LISTEN=10.0.0.21:8080" "$(grep LISTEN "$T/etc/odoo-saasd.env")"
echo 2001:db8::21 >"$T/state/node-ip"
out=$(deploy_cli --only platform,daemon-address 2>&1); rc=$?
check_eq "an IPv6 node address deploys" 0 "$rc"
check_contains "... as an IPv6 EndpointSlice" "addressType: IPv6" "$(cat "$T/state/applied-stdin.yaml")"
check_eq "... listening on [ADDR]:8080" "ODOO_SAASD_LISTEN=[2001:db8::21]:8080" "$(grep LISTEN "$T/etc/odoo-saasd.env")"
for bad in 'x;rm 10.0.0.11' fe80::21 127.0.1.1 169.254.0.9; do
    echo "$bad" >"$T/state/node-ip"
    out=$(deploy_cli --only platform 2>&1); rc=$?
    check_eq "node address '$bad' (not one, or one an EndpointSlice refuses) stops the run" 1 "$rc"
    check_contains "... saying what it got" "cannot tell this node's InternalIP from the API server (got '${bad%% *}')" "$out"
done
rm -f "$T/state/node-ip"
touch "$T/state/no-token"
out=$(deploy_cli --only daemon-config --remote-env "$REMOTE_ENV ODOO_SAAS_TOKEN_WAIT=2" 2>&1); rc=$?
rm -f "$T/state/no-token" "$T/state/token-gen"
check_eq "a Secret without a token stops the run" 1 "$rc"
check_contains "... naming the Secret" "Secret odoo-saas/odoo-saasd-token has no token" "$out"
out=$(deploy_cli 2>&1); rc=$?
check_eq "... and the next run repairs everything" 0 "$rc"
check_contains "... back at the first address" "ODOO_SAASD_LISTEN=10.0.0.11:8080" "$(cat "$T/etc/odoo-saasd.env")"

# --- a passphrase asked on the terminal (a pty from script(1)), never echoed -------
ssh-keygen -q -t ed25519 -N 'pty-secret-42' -f "$T/enckey"
cat "$T/enckey.pub" >>"$T/authorized_keys"
if command -v script >/dev/null 2>&1; then
    cmd="HOME=$T/client '$OS_BUILDDIR/odoo-saas' deploy --host '$SSH_USER@127.0.0.1:$SSH_PORT' --identity '$T/enckey' --known-hosts '$T/known_hosts' --no-agent --remote-env '$REMOTE_ENV' --only os-check"
    out=$( (sleep 1; printf 'pty-secret-42\r') | timeout 30 script -qec "$cmd" /dev/null 2>&1); rc=$?
    check_eq "an encrypted key is unlocked with the passphrase typed on the terminal" 0 "$rc"
    check_contains "... the prompt names the key" "Passphrase for $T/enckey" "$out"
    case "$out" in *pty-secret-42*) not_ok "... the passphrase is not echoed" "$out" ;;
    *) ok "... the passphrase is not echoed" ;; esac
else
    skip "passphrase on a terminal" "script(1) from util-linux is not installed"
fi

# --- a host that accepts TCP but never speaks SSH: --connect-timeout -----------------
silent_start
start=$(date +%s)
out=$(HOME=$T/client "$OS_BUILDDIR/odoo-saas" deploy --plan --host "$SSH_USER@127.0.0.1:$SILENT_PORT" \
    --identity "$T/userkey" --known-hosts "$T/known_hosts" --no-agent --connect-timeout 2 2>&1); rc=$?
took=$(( $(date +%s) - start ))
silent_stop
check_eq "a silent host fails the deployment" 1 "$rc"
check_contains "... timed out connecting" "timed out connecting" "$out"
[ "$took" -lt 8 ] && ok "... within --connect-timeout (${took}s)" || not_ok "... within --connect-timeout" "took ${took}s"

# --- usage ------------------------------------------------------------------------
out=$(deploy_cli --only traefik,bogus 2>&1); rc=$?
check_eq "an unknown step is refused" 1 "$rc"
check_contains "... listing the steps" "unknown step 'bogus'" "$out"
out=$(HOME=$T/client "$OS_BUILDDIR/odoo-saas" deploy --host "$SSH_USER@127.0.0.1:$SSH_PORT" \
    --identity "$T/userkey" --known-hosts "$T/known_hosts" --no-agent 2>&1); rc=$?
check_eq "deploy without --bundle is refused" 1 "$rc"
check_contains "... naming the option" "--bundle TARBALL" "$out"
out=$("$OS_BUILDDIR/odoo-saas" deploy --host a@b --primary c@d 2>&1); rc=$?
check_eq "deploy --primary is a usage error" 2 "$rc"
out=$("$OS_BUILDDIR/odoo-saas" node add --host a@b --primary c@d --bundle x 2>&1); rc=$?
check_eq "node add --bundle is a usage error" 2 "$rc"
out=$("$OS_BUILDDIR/odoo-saas" deploy --host nobody 2>&1); rc=$?
check_eq "a bad --host is refused" 1 "$rc"
check_contains "... saying what is wanted" "USER@HOST[:PORT]" "$out"

# --- a failing step stops the run and shows its stderr ----------------------------
rm -f "$T/state/applied" "$T/state/enabled" "$T/state/active"
touch "$T/state/fail-apply"
: >"$T/state/log"
out=$(deploy_cli 2>&1); rc=$?
check_eq "a failing step fails the deployment" 1 "$rc"
check_contains "its stderr is shown" 'namespaces "odoo-saas" is forbidden' "$out"
check_contains "the error names the step and status" "step platform failed (exit 1)" "$out"
case "$(changes)" in *systemctl*) not_ok "no step runs after the failure" "$(changes)" ;;
*) ok "no step runs after the failure" ;; esac
rm -f "$T/state/fail-apply"
out=$(deploy_cli --only platform,service,healthz 2>&1); rc=$?
check_eq "--only finishes the missing steps" 0 "$rc"
check_contains "... platform ran" "==> platform: done" "$out"

# --- unsupported OS ---------------------------------------------------------------
cp "$T/os-release" "$T/os-release.ok"
printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n' >"$T/os-release"
: >"$T/state/log"
out=$(deploy_cli 2>&1); rc=$?
check_eq "an unsupported OS stops the deployment" 1 "$rc"
check_contains "... naming the system" "unsupported system: Debian GNU/Linux 12" "$out"
check_eq "... before anything else is checked" "" "$(doubles_log)"
cp "$T/os-release.ok" "$T/os-release"

# --- a connection killed mid-step resumes -------------------------------------------
rm -f "$T/state/addons"
touch "$T/state/hang-enable"
: >"$T/state/log"
deploy_cli >"$T/out-killed" 2>&1 &
dpid=$!
i=0; while [ $i -lt 100 ] && [ ! -f "$T/state/enable-started" ]; do sleep 0.1; i=$((i + 1)); done
check "the addons step is running" test -f "$T/state/enable-started"
for p in $(sshd_children); do kill -KILL "$p"; done
i=0; while [ $i -lt 100 ] && kill -0 $dpid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 $dpid 2>/dev/null; then
    kill $dpid; not_ok "a dropped connection stops the deployment at once"
else
    wait $dpid; rc=$?
    check_eq "a dropped connection fails the deployment" 1 "$rc"
    check_contains "... saying which step" "step addons" "$(cat "$T/out-killed")"
fi
rm -f "$T/state/hang-enable"
i=0; while [ $i -lt 50 ] && [ -f "$T/state/enable-started" ]; do sleep 0.1; i=$((i + 1)); done
: >"$T/state/log"
out=$(deploy_cli 2>&1); rc=$?
check_eq "the next run resumes and succeeds" 0 "$rc"
check_contains "... running the interrupted step" "==> addons: done" "$out"
check_eq "... and only that one" "microk8s enable dns hostpath-storage met" "$(changes)"

# --- a changed bundle is uploaded and built again ------------------------------------
echo "changed" >"$T/src/odoo-saas-0/NEWS"
tar -czf "$T/odoo-saas-0.tar.gz" -C "$T/src" odoo-saas-0
out=$(deploy_cli 2>&1); rc=$?
check_eq "a changed bundle deploys" 0 "$rc"
check_contains "... uploads again" "==> bundle: done" "$out"
check_contains "... rebuilds odoo-saasd" "==> daemon: done" "$out"
check_contains "... and restarts it" "systemctl restart odoo-saasd" "$(changes)"
check_contains "... and leaves Traefik alone" "--- traefik: already done" "$out"

# --- the engine steps from an event loop without waiting on a command ---------------
rm -f "$T/state/ready"
touch "$T/state/slow-ready"
out=$("$OS_BUILDDIR/tests/integration/deploy/deploy_loop" 127.0.0.1 "$SSH_PORT" "$SSH_USER" \
    "$T/userkey" "$T/known_hosts" "$REMOTE_ENV" "$T/remote/bundle" microk8s-ready 2>&1); rc=$?
rm -f "$T/state/slow-ready"
check_eq "the engine, polled from a loop, finishes the step" 0 "$rc"
max=$(echo "$out" | sed -n 's/.* max_ms \([0-9]*\).*/\1/p')
again=$(echo "$out" | sed -n 's/.* again \([0-9]*\).*/\1/p')
[ "${max:-9999}" -lt 1000 ] && ok "no engine step blocks on a 2 s command (longest ${max} ms)" ||
    not_ok "no engine step blocks on a 2 s command" "$out"
[ "${again:-0}" -ge 5 ] && ok "the loop got control back while it ran ($again times)" ||
    not_ok "the loop got control back while it ran" "$out"
# a host name: resolved in the background, the loop polls again meanwhile
printf '[localhost]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$T/hostkey.pub")" >"$T/known_localhost"
out=$("$OS_BUILDDIR/tests/integration/deploy/deploy_loop" localhost "$SSH_PORT" "$SSH_USER" \
    "$T/userkey" "$T/known_localhost" "$REMOTE_ENV" "$T/remote/bundle" os-check 2>&1); rc=$?
check_eq "the engine reaches a host given by name" 0 "$rc"
max=$(echo "$out" | sed -n 's/.* max_ms \([0-9]*\).*/\1/p')
[ "${max:-9999}" -lt 1000 ] && ok "... no step held the loop (longest ${max} ms)" || not_ok "... no step held the loop" "$out"
# a 24 MB bundle through the same loop: the upload never holds it either
head -c 24000000 /dev/urandom >"$T/big.tar.gz"
loop_out=$(DEPLOY_LOOP_BUNDLE=$T/big.tar.gz DEPLOY_LOOP_PLATFORM=$OS_SRCDIR \
    "$OS_BUILDDIR/tests/integration/deploy/deploy_loop" 127.0.0.1 "$SSH_PORT" "$SSH_USER" \
    "$T/userkey" "$T/known_hosts" "$REMOTE_ENV" "$T/loopdir/bundle" bundle 2>&1); rc=$?
check_eq "a large bundle uploads from the loop" 0 "$rc"
check "... intact" cmp -s "$T/big.tar.gz" "$T/loopdir/bundle/odoo-saas.tar.gz"
max=$(echo "$loop_out" | sed -n 's/.* max_ms \([0-9]*\).*/\1/p')
again=$(echo "$loop_out" | sed -n 's/.* again \([0-9]*\).*/\1/p')
[ "${max:-9999}" -lt 1000 ] && ok "connect and upload hand control back (longest step ${max} ms, $again returns)" ||
    not_ok "connect and upload hand control back" "$loop_out"
rm -rf "$T/big.tar.gz" "$T/loopdir"

# --- changed Traefik values reinstall Traefik ----------------------------------------
mkdir -p "$T/platform"
cp -r "$OS_SRCDIR/kubernetes" "$OS_SRCDIR/templates" "$T/platform/"
echo "# changed by the test" >>"$T/platform/kubernetes/traefik/values.yaml"
: >"$T/state/log"
out=$(deploy_cli --platform-dir "$T/platform" 2>&1); rc=$?
check_eq "changed Traefik values deploy" 0 "$rc"
check_contains "... Helm runs again" "==> traefik: done" "$out"
check_contains "... with the new values" "microk8s helm3 upgrade" "$(changes)"
out=$(deploy_cli --platform-dir "$T/platform" 2>&1)
check_contains "... and only once" "--- traefik: already done" "$out"

# --- node add -----------------------------------------------------------------------
# A second sshd with its own host key plays the new node (the stand-ins'
# state is shared, which is fine: the node's own steps are already done).
out=$(node_add_cli "$SSH_PORT" 2>&1); rc=$?
check_eq "node add refuses a node that is the primary" 1 "$rc"
check_contains "... saying why" "same machine" "$out"
NODE_PORT=$(free_port)
ssh-keygen -q -t ed25519 -N '' -C node-host -f "$T/nodekey"
sed -e "s|^HostKey .*|HostKey $T/nodekey|" -e "s|^PidFile .*|PidFile $T/node.pid|" \
    "$T/sshd_config" >"$T/node_sshd_config"
/usr/sbin/sshd -D -f "$T/node_sshd_config" -p "$NODE_PORT" -E "$T/node_sshd.log" &
NODE_PID=$!
OS_CLEANUP_HOOK="kill $NODE_PID 2>/dev/null; sshd_stop"
i=0
while [ $i -lt 50 ] && ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $NODE_PORT), 1)" 2>/dev/null; do
    sleep 0.1; i=$((i + 1))
done
: >"$T/state/log"
out=$(node_add_cli "$NODE_PORT" --accept-new-host-key 2>&1); rc=$?
check_eq "node add succeeds" 0 "$rc"
check_contains "... recording the new node's host key" "recorded the new host key" "$out"
check_contains "add-node ran on the primary" "microk8s add-node" "$(doubles_log)"
check_eq "join got the URL add-node printed" "10.0.0.11:25000/0123456789abcdef0123456789abcdef/feedbeef" \
    "$(cat "$T/state/joined-url" 2>/dev/null)"
case "$out" in *0123456789abcdef*) not_ok "the join token is not printed" "$out" ;;
*) ok "the join token is not printed" ;; esac
check_contains "the primary's odoo-saasd admits the new node" ",10.0.0.12,10.0.0.13" "$(grep ALLOW "$T/etc/odoo-saasd.env")"
check_contains "... and restarts with it" "systemctl restart odoo-saasd" "$(doubles_log)"
: >"$T/state/log"
out=$(node_add_cli "$NODE_PORT" 2>&1); rc=$?
check_eq "node add again succeeds" 0 "$rc"
check_contains "... skipping the join" "--- join: already done" "$out"
case "$(doubles_log)" in *add-node*) not_ok "no new join token is made" ;;
*) ok "no new join token is made" ;; esac
out=$(node_add_cli "$NODE_PORT" --plan 2>/dev/null)
check_contains "node add --plan: the join is satisfied" "skip  join" "$out"
check_eq "node add --plan lists its six steps" 6 "$(echo "$out" | grep -cE '^(run|skip) ')"
rm -f "$T/home/.odoo-saas/joined"
: >"$T/state/log"
out=$(node_add_cli "$NODE_PORT" --plan 2>/dev/null)
check_contains "node add --plan on an unjoined host: join would run" "run   join" "$out"
case "$(doubles_log)" in *add-node*|*" join "*) not_ok "node add --plan makes no token and joins nothing" ;;
*) ok "node add --plan makes no token and joins nothing" ;; esac
out=$(node_add_cli "$NODE_PORT" --worker 2>&1); rc=$?
check_eq "node add --worker succeeds" 0 "$rc"
check_contains "... joining as a worker" "--worker" "$(doubles_log | grep 'microk8s join')"
rm -f "$T/home/.odoo-saas/joined"
touch "$T/state/unregistered"
out=$(node_add_cli "$NODE_PORT" 2>&1); rc=$?
rm -f "$T/state/unregistered"
check_eq "a joined node that never registers fails node add" 1 "$rc"
check_contains "... after a bounded wait, naming it" "did not register with the primary" "$out"

# --- the MicroK8s channel from the config (deploy.microk8s_channel) -----------------
printf 'deploy:\n  microk8s_channel: 1.31/candidate\n' >"$T/chan.yaml"
chan_cli() {
    HOME=$T/client "$OS_BUILDDIR/odoo-saas" --config "$T/chan.yaml" "$@" \
        --identity "$T/userkey" --known-hosts "$T/known_hosts" --no-agent --remote-env "$REMOTE_ENV"
}
rm -f "$T/state/installed"; : >"$T/state/log"
chan_cli deploy --host "$SSH_USER@127.0.0.1:$SSH_PORT" --only microk8s-install >/dev/null 2>&1
check_contains "deploy installs the channel of deploy.microk8s_channel" "--channel=1.31/candidate" "$(doubles_log)"
rm -f "$T/state/installed"; : >"$T/state/log"
chan_cli deploy --host "$SSH_USER@127.0.0.1:$SSH_PORT" --only microk8s-install --channel 1.30/beta >/dev/null 2>&1
check_contains "--channel overrides the config" "--channel=1.30/beta" "$(doubles_log)"
rm -f "$T/state/installed"; : >"$T/state/log"
chan_cli node add --host "$SSH_USER@127.0.0.1:$NODE_PORT" --primary "$SSH_USER@127.0.0.1:$SSH_PORT" >/dev/null 2>&1
check_contains "node add installs the config's channel too" "--channel=1.31/candidate" "$(doubles_log)"
printf 'deploy:\n  microk8s_channel: "1.31; reboot"\n' >"$T/chan.yaml"
out=$(chan_cli deploy --host "$SSH_USER@127.0.0.1:$SSH_PORT" --plan 2>&1); rc=$?
check_eq "a bad channel in the config is refused" 1 "$rc"
check_contains "... naming the key" "deploy.microk8s_channel must be a snap channel" "$out"

# --- the manifests ------------------------------------------------------------------
if schema_require; then
    "$OS_BUILDDIR/tests/integration/schema/yaml2json" "$OS_SRCDIR"/kubernetes/platform/*.yaml >"$T/platform.json"
    schema_valid "platform manifests are schema-valid" "$T/platform.json"
    check_contains "platform: namespace odoo-saas" '"name":"odoo-saas"' "$(tr -d ' \n' <"$T/platform.json")"
fi
"$OS_BUILDDIR/tests/integration/schema/yaml2json" "$OS_SRCDIR/kubernetes/traefik/values.yaml" >"$T/values.json"
v=$(tr -d ' \n' <"$T/values.json")
check_contains "traefik values: a Deployment" '"kind":"Deployment"' "$v"
check_contains "traefik values: ingressClass traefik" '"name":"traefik"' "$v"
check_contains "traefik values: kubernetesCRD provider" '"kubernetesCRD":{"enabled":true' "$v"
check_contains "traefik values: kubernetesIngress provider" '"kubernetesIngress":{"enabled":true' "$v"
check_contains "traefik values: web entry point" '"web":{' "$v"
check_contains "traefik values: websecure entry point" '"websecure":{' "$v"
finish
