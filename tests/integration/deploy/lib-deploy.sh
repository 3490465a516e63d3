# lib-deploy.sh - a throwaway OpenSSH server for the deploy tests (sourced
# after tests/lib.sh, not run).
#
#   deploy_setup       scratch dir, host and user keys, a free port, the
#                      stand-ins (doubles/) on a PATH for remote commands
#   sshd_start         run /usr/sbin/sshd -D on 127.0.0.1:$SSH_PORT; waits
#                      until it accepts (bounded); $SSHD_EXTRA is appended
#                      to its configuration
#   sshd_stop          stop it (also done on exit)
#   sshd_children      pids of the per-connection sshd processes
#   deploy_cli ARGS    odoo-saas deploy with the test's host, key,
#                      known_hosts, remote environment and bundle
#   doubles_log        the stand-ins' argv log, one call a line
#   silent_start       a host on 127.0.0.1:$SILENT_PORT that accepts TCP and
#                      never speaks SSH (15 s at most); returns once it listens
#   silent_stop        stop it
#   node_add_cli PORT [ARGS...]  odoo-saas node add of 127.0.0.1:PORT to the
#                      primary on $SSH_PORT, with the test's key and environment
#   deploy_changes     the logged commands that change something, in the
#                      order they ran, each cut to 40 characters
#   deploy_full_run    what deploy_changes shows after a first full run
#
# sshd runs as the test's user (root in CI): PermitRootLogin
# prohibit-password, StrictModes no, UsePAM no, keys and pid file in the
# scratch dir.  Only 127.0.0.1 is used.  Every wait is bounded.

DEPLOY_DIR="$OS_SRCDIR/tests/integration/deploy"

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

deploy_setup() {
    os_tmpdir
    OS_CLEANUP_HOOK=sshd_stop
    T=$OS_TMP
    mkdir -p "$T/bin" "$T/state" "$T/home" "$T/prefix" "$T/units" "$T/remote" "$T/client"
    ssh-keygen -q -t ed25519 -N '' -C test-host -f "$T/hostkey" || return 1
    ssh-keygen -q -t ed25519 -N '' -C test-user -f "$T/userkey" || return 1
    ssh-keygen -q -t ed25519 -N '' -C other-user -f "$T/otherkey" || return 1
    cp "$T/userkey.pub" "$T/authorized_keys"
    for d in "$DEPLOY_DIR"/doubles/*; do
        cp "$d" "$T/bin/" && chmod +x "$T/bin/$(basename "$d")"
    done
    printf 'ID=ubuntu\nVERSION_ID="24.04"\nPRETTY_NAME="Ubuntu 24.04 LTS"\n' >"$T/os-release"
    SSH_PORT=$(free_port)
    SSH_USER=$(id -un)
    REMOTE_ENV="PATH=$T/bin:\$PATH HOME=$T/home DOUBLES=$T/state ODOO_SAAS_OS_RELEASE=$T/os-release ODOO_SAAS_PREFIX=$T/prefix ODOO_SAAS_UNIT_DIR=$T/units ODOO_SAAS_ETC=$T/etc ODOO_SAAS_SNAP_DATA=$T/snap"
    make_bundle
}

# A stand-in source tarball: its configure writes a Makefile whose
# odoo-saasd target is a tiny script.
make_bundle() {
    mkdir -p "$T/src/odoo-saas-0"
    cat >"$T/src/odoo-saas-0/configure" <<'EOF'
#!/bin/sh
printf 'odoo-saasd:\n\tprintf "#!/bin/sh\\necho odoo-saasd\\n" > odoo-saasd && chmod +x odoo-saasd\n' > Makefile
EOF
    chmod +x "$T/src/odoo-saas-0/configure"
    tar -czf "$T/odoo-saas-0.tar.gz" -C "$T/src" odoo-saas-0
}

sshd_start() {
    mkdir -p /run/sshd 2>/dev/null
    cat >"$T/sshd_config" <<EOF
ListenAddress 127.0.0.1
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile $T/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
MaxStartups 50
LogLevel VERBOSE
${SSHD_EXTRA:-}
EOF
    /usr/sbin/sshd -D -f "$T/sshd_config" -p "$SSH_PORT" -E "$T/sshd.log" &
    SSHD_PID=$!
    i=0
    while [ $i -lt 50 ]; do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $SSH_PORT), 1)" \
            2>/dev/null && return 0
        kill -0 "$SSHD_PID" 2>/dev/null || break
        sleep 0.1; i=$((i + 1))
    done
    echo "# sshd did not start:" && sed 's/^/# /' "$T/sshd.log"
    return 1
}

sshd_stop() {
    [ -n "$SSHD_PID" ] || return 0
    for p in $(sshd_children); do kill "$p" 2>/dev/null; done
    kill "$SSHD_PID" 2>/dev/null
    wait "$SSHD_PID" 2>/dev/null
    SSHD_PID=
}

sshd_children() {
    [ -n "$SSHD_PID" ] && pgrep -P "$SSHD_PID"
}

# deploy_exec with the test's key and known_hosts: POLICY MODE COMMAND
dexec() {
    "$OS_BUILDDIR/tests/integration/deploy/deploy_exec" 127.0.0.1 "$SSH_PORT" "$SSH_USER" \
        "${DEXEC_KEY:-$T/userkey}" "${DEXEC_KNOWN:-$T/known_hosts}" "$@"
}

deploy_cli() {
    HOME=$T/client "$OS_BUILDDIR/odoo-saas" deploy --host "$SSH_USER@127.0.0.1:$SSH_PORT" \
        --identity "$T/userkey" --known-hosts "$T/known_hosts" --no-agent \
        --remote-env "$REMOTE_ENV" --remote-dir "$T/remote/bundle" \
        --bundle "$T/odoo-saas-0.tar.gz" --platform-dir "$OS_SRCDIR" "$@"
}

# node add of 127.0.0.1:PORT to the primary on $SSH_PORT, with the test's
# key, known_hosts and remote environment: PORT [ARGS...]
node_add_cli() {
    _port=$1
    shift
    HOME=$T/client "$OS_BUILDDIR/odoo-saas" node add --host "$SSH_USER@127.0.0.1:$_port" \
        --primary "$SSH_USER@127.0.0.1:$SSH_PORT" --identity "$T/userkey" \
        --known-hosts "$T/known_hosts" --no-agent --remote-env "$REMOTE_ENV" "$@"
}

doubles_log() {
    cat "$T/state/log" 2>/dev/null
}

deploy_changes() {
    doubles_log | grep -E '^(snap install|usermod|microk8s (status --wait-ready|enable|helm3 (repo|upgrade)|kubectl apply|join|add-node)|apt-get|systemctl (daemon-reload|enable|restart))' |
        sed 's/ --install.*//' | cut -c1-40
}

deploy_full_run() {
    cut -c1-40 <<EOF
snap install microk8s --classic --channel
usermod -a -G microk8s $SSH_USER
microk8s status --wait-ready --timeout 6
microk8s enable dns hostpath-storage metric
apt-get update -qq
apt-get install -y -qq --no-install-recommen
microk8s helm3 repo add traefik https://tr
microk8s helm3 repo update traefik
microk8s helm3 upgrade
microk8s kubectl apply -f $T/remote/bund
microk8s kubectl apply -f $T/remote/bund
microk8s kubectl apply -f -
systemctl daemon-reload
systemctl enable odoo-saasd
systemctl restart odoo-saasd
EOF
}

silent_start() {
    SILENT_PORT=$(free_port)
    python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $SILENT_PORT)); s.listen(5); open('$T/silent.ready', 'w').close()
c, _ = s.accept(); time.sleep(15)" &
    SILENT_PID=$!
    # listening before the client starts (a loaded machine starts python slowly)
    i=0; while [ $i -lt 100 ] && [ ! -e "$T/silent.ready" ]; do sleep 0.1; i=$((i + 1)); done
    rm -f "$T/silent.ready"
}

silent_stop() {
    kill "$SILENT_PID" 2>/dev/null
    wait "$SILENT_PID" 2>/dev/null
}
