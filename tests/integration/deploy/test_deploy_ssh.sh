#!/bin/sh
# test_deploy_ssh.sh - core/deploy's SSH layer against a real OpenSSH sshd
# on 127.0.0.1: host keys (unknown, recorded, hashed, changed), keys
# (wrong, missing, encrypted), exit statuses, signals, 10 MB on both
# streams at once, and a connection killed under a running command.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/deploy/lib-deploy.sh"

deploy_setup || { not_ok "test setup (ssh-keygen)"; finish; exit 1; }
if ! sshd_start; then not_ok "sshd starts"; finish; exit 1; fi
ok "sshd starts on 127.0.0.1:$SSH_PORT"

fp_of() { ssh-keygen -l -E sha256 -f "$1" | awk '{print $2}'; }
HOST_FP=$(fp_of "$T/hostkey.pub")

# --- host keys, before any authentication --------------------------------
out=$(DEXEC_KEY=$T/otherkey dexec strict pass 'echo hi' 2>&1); rc=$?
check_eq "unknown host refused" 1 "$rc"
check_contains "unknown host: its fingerprint is shown as OpenSSH prints it" "$HOST_FP" "$out"
check_contains "unknown host: the message names the way out" "--accept-new-host-key" "$out"
case "$out" in *refused\ by*) not_ok "no authentication before the host key is trusted" "$out" ;;
*) ok "no authentication before the host key is trusted" ;; esac
check_eq "sshd saw no key offered by the refusing client" 0 "$(grep -c -i 'publickey' "$T/sshd.log")"
check "known_hosts untouched when refusing" test ! -e "$T/known_hosts"

out=$(dexec accept pass 'echo hi' 2>&1); rc=$?
check_eq "accept-new records and connects" 0 "$rc"
check_contains "the recorded fingerprint is the host's" "recorded $HOST_FP" "$out"
check_contains "known_hosts has a [host]:port line" "[127.0.0.1]:$SSH_PORT ssh-ed25519" "$(cat "$T/known_hosts")"
out=$(dexec strict pass 'echo hi' 2>&1)
check_contains "a recorded host is accepted strictly" "status 0" "$out"
mkdir -p "$T/fresh"
out=$(DEXEC_KNOWN=$T/fresh/.ssh/known_hosts dexec accept pass 'true' 2>&1)
check_contains "accept-new makes a missing ~/.ssh" "status 0" "$out"
check_eq "... private" 700 "$(stat -c %a "$T/fresh/.ssh" 2>/dev/null)"
check_eq "... with a private known_hosts" 600 "$(stat -c %a "$T/fresh/.ssh/known_hosts" 2>/dev/null)"

ssh-keygen -q -H -f "$T/known_hosts" >/dev/null 2>&1
check_contains "known_hosts is hashed now" "|1|" "$(cat "$T/known_hosts")"
out=$(dexec strict pass 'echo hashed' 2>&1)
check_contains "a hashed known_hosts entry matches" "status 0" "$out"

# lines libssh2 cannot use are skipped, not fatal; @revoked is refused
cp "$T/known_hosts" "$T/known_hosts.good"
{
    echo "# a comment"
    echo "@cert-authority *.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKxR2f0W2dYgrXcZsqhHKLWyDf6m8pSy3eU5ZpQ9F5bG"
    echo "other.example sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIGxw"
    echo "garbage-without-a-key"
    cat "$T/known_hosts.good"
} >"$T/known_hosts"
out=$(dexec strict pass 'true' 2>&1)
check_contains "unusable known_hosts lines are skipped, the host still verifies" "status 0" "$out"
printf '@revoked * %s\n' "$(cut -d' ' -f1,2 "$T/hostkey.pub")" >>"$T/known_hosts"
out=$(dexec accept pass 'true' 2>&1); rc=$?
check_eq "a @revoked host key is refused" 1 "$rc"
check_contains "... saying so, with its fingerprint" "marked @revoked" "$out"
check_contains "... and the fingerprint" "$HOST_FP" "$out"
cp "$T/known_hosts.good" "$T/known_hosts"

sshd_stop
mv "$T/hostkey" "$T/hostkey.old"; mv "$T/hostkey.pub" "$T/hostkey.old.pub"
ssh-keygen -q -t ed25519 -N '' -C new-host -f "$T/hostkey"
NEW_FP=$(fp_of "$T/hostkey.pub")
sshd_start || not_ok "sshd restarts with a new host key"
cp "$T/known_hosts" "$T/known_hosts.before"
out=$(dexec strict pass 'echo hi' 2>&1); rc=$?
check_eq "changed host key refused" 1 "$rc"
check_contains "changed key: loud" "HOST KEY CHANGED" "$out"
check_contains "changed key: the offered fingerprint" "$NEW_FP" "$out"
check_contains "changed key: the recorded fingerprint" "$HOST_FP" "$out"
out=$(dexec accept pass 'echo hi' 2>&1); rc=$?
check_eq "changed host key refused even with accept-new" 1 "$rc"
check "known_hosts unchanged after refusals" cmp -s "$T/known_hosts" "$T/known_hosts.before"
# the new key becomes trusted only when the old line is gone
rm -f "$T/known_hosts"
out=$(dexec accept pass 'true' 2>&1)
check_contains "a fresh known_hosts records the new key" "recorded $NEW_FP" "$out"

# a host known by its ECDSA key while the server prefers ed25519: the
# known type is negotiated (as OpenSSH does), not "unknown host"
sshd_stop
ssh-keygen -q -t ecdsa -N '' -f "$T/hostkey_ecdsa"
SSHD_EXTRA="HostKey $T/hostkey_ecdsa" sshd_start || not_ok "sshd restarts with two host keys"
printf '[127.0.0.1]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$T/hostkey_ecdsa.pub")" >"$T/known_ecdsa"
out=$(DEXEC_KNOWN=$T/known_ecdsa dexec strict pass 'true' 2>&1)
check_contains "a host known only by its ECDSA key is verified with it" "status 0" "$out"
out=$(DEXEC_KNOWN=$T/known_ecdsa dexec accept pass 'true' 2>&1)
check "... and accept-new adds no second key" test "$(wc -l <"$T/known_ecdsa")" -eq 1
out=$(dexec strict pass 'true' 2>&1)
check_contains "a host known by its ed25519 key still verifies" "status 0" "$out"

# --- authentication --------------------------------------------------------
out=$(DEXEC_KEY=$T/otherkey dexec strict pass 'echo hi' 2>&1); rc=$?
check_eq "a key the server does not know is refused" 1 "$rc"
check_contains "wrong key: says so" "refused by the server" "$out"
out=$(DEXEC_KEY=$T/nokey dexec strict pass 'echo hi' 2>&1)
check_contains "missing key file: says so" "nokey: No such file" "$out"
ssh-keygen -q -t ed25519 -N 'sekrit-pass' -f "$T/enckey"
cat "$T/enckey.pub" >>"$T/authorized_keys"
out=$(DEXEC_KEY=$T/enckey dexec strict pass 'echo hi' 2>&1 </dev/null); rc=$?
check_eq "an encrypted key without a passphrase fails" 1 "$rc"
check_contains "encrypted key: says why" "passphrase" "$out"
out=$(DEPLOY_EXEC_PASSPHRASE=wrong DEXEC_KEY=$T/enckey dexec strict pass 'echo hi' 2>&1); rc=$?
check_eq "a wrong passphrase fails" 1 "$rc"
check_contains "wrong passphrase: says why" "wrong or missing passphrase" "$out"
case "$out" in *wrong*pass*wrong*|*sekrit*) not_ok "the passphrase is not echoed" "$out" ;;
*) ok "the passphrase is not echoed" ;; esac
out=$(DEPLOY_EXEC_PASSPHRASE=sekrit-pass DEXEC_KEY=$T/enckey dexec strict pass 'echo hi' 2>&1)
check_contains "the right passphrase unlocks the key" "status 0" "$out"
grep -q sekrit "$T/sshd.log" && not_ok "no passphrase in the server log" || ok "no passphrase in the server log"

# ssh-agent first, then the default key files
mkdir -p "$T/agenthome/.ssh"
if command -v ssh-agent >/dev/null && eval "$(ssh-agent -s -a "$T/agent.sock")" >/dev/null; then
    ssh-add -q "$T/userkey" 2>/dev/null
    out=$(HOME=$T/agenthome DEPLOY_EXEC_AGENT=1 DEXEC_KEY=- dexec strict pass 'echo via-agent' 2>&1)
    check_contains "ssh-agent authenticates" "status 0" "$out"
    ssh-add -q -D 2>/dev/null
    out=$(HOME=$T/agenthome DEPLOY_EXEC_AGENT=1 DEXEC_KEY=- dexec strict pass 'true' 2>&1)
    check_contains "an empty agent and no key files: every attempt is named" "ssh-agent: holds no keys" "$out"
    check_contains "... with the default key files" "id_ed25519: No such file" "$out"
    kill "$SSH_AGENT_PID" 2>/dev/null
    unset SSH_AUTH_SOCK SSH_AGENT_PID
else
    not_ok "ssh-agent runs" "ssh-agent (openssh-client) is missing: run tools/install-deps"
fi
cp "$T/userkey" "$T/agenthome/.ssh/id_ed25519"
out=$(HOME=$T/agenthome DEXEC_KEY=- dexec strict pass 'echo default-key' 2>&1)
check_contains "~/.ssh/id_ed25519 is tried by default" "status 0" "$out"

# --- commands --------------------------------------------------------------
out=$(dexec strict pass 'echo out; echo err >&2' 2>"$T/err")
check_contains "stdout arrives" "out" "$out"
check_contains "stderr arrives separately" "err" "$(cat "$T/err")"
check_contains "exit 7 is reported as 7" "status 7" "$(dexec strict pass 'exit 7')"
check_contains "the status trailer is cut: stdout is what the command wrote" "stdout 3 stderr 0" \
    "$(dexec strict count 'printf abc')"
check_eq "... byte for byte, blank lines included" "$(printf 'a\n\nb\nstatus 0')" \
    "$(dexec strict pass 'printf "a\n\nb\n"')"
check_contains "a look-alike trailer (another nonce) stays in the output" "stdout 36 stderr 0" \
    "$(dexec strict count 'printf "\n\036odoo-saas-exit:0000000000000000:0\n"; exit 5')"
check_contains "... status 5" "status 5" "$(dexec strict pass 'printf "\n\036odoo-saas-exit:0000000000000000:0\n"; exit 5')"
check_contains "a killed command reports its signal" "signal KILL" "$(dexec strict pass 'kill -KILL $$')"
check_contains "SIGTERM too" "signal TERM" "$(dexec strict pass 'kill -TERM $$')"
out=$(timeout 60 "$OS_BUILDDIR/tests/integration/deploy/deploy_exec" 127.0.0.1 "$SSH_PORT" \
    "$SSH_USER" "$T/userkey" "$T/known_hosts" strict count \
    'head -c 10000000 /dev/zero & head -c 10000000 /dev/zero >&2; wait')
check_contains "10 MB on stdout and stderr at once completes" "stdout 10000000 stderr 10000000" "$out"
check_contains "... with status 0" "status 0" "$out"

# --- deadlines ---------------------------------------------------------------
start=$(date +%s)
out=$(DEPLOY_EXEC_TIMEOUT_MS=1500 dexec strict pass 'sleep 20' 2>&1); rc=$?
took=$(( $(date +%s) - start ))
check_eq "a command past its deadline fails" 1 "$rc"
check_contains "... saying it timed out" "timed out" "$out"
[ "$took" -lt 10 ] && ok "... promptly (${took}s)" || not_ok "... promptly" "took ${took}s"
# a server that accepts TCP but never speaks SSH
silent_start
start=$(date +%s)
out=$(DEPLOY_EXEC_CONNECT_MS=1500 "$OS_BUILDDIR/tests/integration/deploy/deploy_exec" 127.0.0.1 \
    "$SILENT_PORT" "$SSH_USER" "$T/userkey" "$T/known_hosts" strict pass true 2>&1); rc=$?
took=$(( $(date +%s) - start ))
silent_stop
check_eq "a silent server fails the connect" 1 "$rc"
check_contains "... at the handshake, timed out" "timed out" "$out"
[ "$took" -lt 10 ] && ok "... promptly (${took}s)" || not_ok "... promptly" "took ${took}s"

# --- a host name, resolved in the background (getaddrinfo_a) ------------------
printf '[localhost]:%s %s\n' "$SSH_PORT" "$(cut -d' ' -f1,2 "$T/hostkey.pub")" >"$T/known_localhost"
out=$("$OS_BUILDDIR/tests/integration/deploy/deploy_exec" localhost "$SSH_PORT" "$SSH_USER" \
    "$T/userkey" "$T/known_localhost" strict pass 'echo by-name' 2>&1)
check_contains "a host given by name is resolved and reached" "status 0" "$out"
out=$("$OS_BUILDDIR/tests/integration/deploy/deploy_exec" no-such-host.invalid "$SSH_PORT" "$SSH_USER" \
    "$T/userkey" "$T/known_localhost" strict pass true 2>&1); rc=$?
check_eq "a name that does not resolve fails" 1 "$rc"
check_contains "... with the resolver's word" "no-such-host.invalid: " "$out"

# --- a command that ends without reporting its status ------------------------
# OpenSSH always sends exit-status or exit-signal, so a channel closing
# without either is played by ForceCommand: the login shell never runs our
# command (nor the trailer after it) and the server reports a plain 0,
# which libssh2 1.10 also answers for a channel closed with no status.
sshd_stop
SSHD_EXTRA="ForceCommand /bin/true" sshd_start || not_ok "sshd restarts with ForceCommand"
out=$(dexec strict pass 'exit 0' 2>&1); rc=$?
check_eq "status 0 without the shell's report is a failure, never 0" 1 "$rc"
check_contains "... saying so" "ended without reporting an exit status" "$out"
sshd_stop
sshd_start || not_ok "sshd restarts"

# --- a connection killed under a running command ---------------------------
: >"$T/killed.out"
dexec strict pass 'echo started; sleep 20' >"$T/killed.out" 2>&1 &
cpid=$!
i=0; while [ $i -lt 100 ] && ! grep -q started "$T/killed.out"; do sleep 0.1; i=$((i + 1)); done
for p in $(sshd_children); do kill -KILL "$p"; done
i=0; while [ $i -lt 100 ] && kill -0 $cpid 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if kill -0 $cpid 2>/dev/null; then
    kill $cpid; not_ok "a dropped connection ends the command at once"
else
    wait $cpid; rc=$?
    check_eq "a dropped connection is a failure, not status 0" 1 "$rc"
    case "$(cat "$T/killed.out")" in *"status 0"*) not_ok "no status 0 after a drop" ;;
    *) ok "no status 0 after a drop" ;; esac
fi
finish
