/*
 * steps.c - what a deployment does, as data: one row per step with its
 * name, a description, the check that says "already done" and the
 * commands that do it.
 *
 * Commands are POSIX sh run by the remote login shell.  The engine puts a
 * prelude in front of each (deploy.c) that defines:
 *   SUDO        empty for root, else "sudo -n" (never prompts)
 *   M           "$SUDO microk8s"
 *   CHANNEL     the MicroK8s snap channel
 *   B           the bundle folder on the host (absolute)
 *   BUNDLE_SHA  SHA-256 of the local bundle's SHA256SUMS: the upload
 *               wanted (the daemon step stamps what it built from the
 *               remote SHA256SUMS instead, so it never records a bundle
 *               it did not see)
 *   P, U        install prefix (/usr/local) and systemd unit folder
 *               (/etc/systemd/system); ODOO_SAAS_PREFIX and
 *               ODOO_SAAS_UNIT_DIR override them (tests)
 *   E           odoo-saasd's config folder (/etc/odoo-saas; ODOO_SAAS_ETC)
 *   S           MicroK8s' data folder (/var/snap/microk8s/current;
 *               ODOO_SAAS_SNAP_DATA)
 * (Tests: ODOO_SAAS_TOKEN_WAIT, seconds, shortens a wait;
 * ODOO_SAAS_APISERVER replaces the API server address in odoo-saasd's
 * kubeconfig.)
 * Stamps (odoo-saasd's bundle hash, the Traefik values' hash beside the
 * bundle folder) make a changed input rerun its step.
 *
 * odoo-saasd runs on the host under systemd (kubernetes/host/), not in a
 * pod: no image needs building or a registry.  It listens on the node's
 * InternalIP, where Traefik's pods reach it through a selector-less Service
 * and an EndpointSlice naming that address, accepts connections only from
 * loopback, the pod network and the nodes, and talks to the API server
 * with its own ServiceAccount's token, never the admin config.
 * Checks are read-only, so --plan may run them.  A check that fails only
 * means "run the step"; the step's own commands report real errors.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy/deploy.h"

#define OS_RELEASE "\"${ODOO_SAAS_OS_RELEASE:-/etc/os-release}\""
/* $ip := this node's InternalIP as the API server reports it (the node
 * is named after the host, lowercased), or fail saying so.  Loopback and
 * link-local addresses are refused: an EndpointSlice may not name them. */
#define NODE_IP \
    "ip=$($M kubectl get node \"$(hostname | tr A-Z a-z)\" -o " \
    "jsonpath='{.status.addresses[?(@.type==\"InternalIP\")].address}' 2>/dev/null); " \
    "set -- $ip; ip=${1:-}; case $ip in ''|*[!0-9a-fA-F.:]*|127.*|::1|[fF][eE][89aAbB]?:*|169.254.*) " \
    "echo \"cannot tell this node's InternalIP from the API server (got '$ip')\" >&2; false;; esac"
/* The EndpointSlice behind the odoo-saasd Service, with the node's address
 * ($ip, checked by NODE_IP) in place of the placeholder. */
#define SLICE \
    "case $ip in *:*) fam=IPv6;; *) fam=IPv4;; esac && " \
    "sed -e \"s/192\\.0\\.2\\.1/$ip/\" -e \"/^addressType:/s/IPv4/$fam/\" " \
    "\"$B/kubernetes/host/endpointslice.yaml\""
/* odoo-saasd.env: listen on the node's address; admit loopback, the pod
 * network (kube-proxy's --cluster-cidr; MicroK8s' default when the file
 * has none) and every node (pods on other nodes arrive masqueraded as
 * their node), this one first. */
#define DAEMON_ENV \
    NODE_IP " && " \
    "nodes=$($M kubectl get nodes -o " \
    "jsonpath='{.items[*].status.addresses[?(@.type==\"InternalIP\")].address}') && " \
    "cidr=$($SUDO sed -n 's/^--cluster-cidr=//p' \"$S/args/kube-proxy\" 2>/dev/null); " \
    "case ${cidr:-x} in *[!0-9a-fA-F.:/,]*) cidr=10.1.0.0/16;; esac; " \
    "allow=127.0.0.0/8,::1,$cidr,$ip; " \
    "for n in $nodes; do case $n in \"$ip\"|*[!0-9a-fA-F.:]*) ;; *) allow=$allow,$n;; esac; done; " \
    "case $ip in *:*) listen=\"[$ip]:8080\";; *) listen=\"$ip:8080\";; esac; " \
    "printf 'ODOO_SAASD_LISTEN=%s\\nODOO_SAASD_ALLOW_FROM=%s\\n' \"$listen\" \"$allow\""
/* odoo-saasd.kubeconfig: the ServiceAccount token Secret's token and CA
 * (filled in by the token controller), the API server on loopback (MicroK8s
 * serves 16443; its certificate names 127.0.0.1).  The token only passes
 * through pipes and printf, a shell builtin: never an argument list. */
#define SA_SECRET "$M kubectl get secret --namespace odoo-saas odoo-saasd-token -o jsonpath="
#define DAEMON_KUBECONFIG \
    "ca=$(" SA_SECRET "'{.data.ca\\.crt}' 2>/dev/null) && " \
    "tok=$(" SA_SECRET "'{.data.token}' 2>/dev/null | base64 -d 2>/dev/null) && " \
    "case \"$ca:$tok\" in :*|*:|*[!A-Za-z0-9+/=:._-]*) false;; esac && " \
    "printf 'apiVersion: v1\\nkind: Config\\nclusters:\\n- name: microk8s\\n  cluster:\\n" \
    "    server: %s\\n    certificate-authority-data: %s\\n" \
    "contexts:\\n- name: odoo-saasd\\n  context:\\n    cluster: microk8s\\n" \
    "    namespace: odoo-saas\\n    user: odoo-saasd\\ncurrent-context: odoo-saasd\\n" \
    "users:\\n- name: odoo-saasd\\n  user:\\n    token: %s\\n' " \
    "\"${ODOO_SAAS_APISERVER:-https://127.0.0.1:16443}\" \"$ca\" \"$tok\""
/* Restart a running odoo-saasd so it reads what a step changed (a first
 * deployment starts it in step service). */
#define RESTART_IF_ACTIVE \
    "if systemctl is-active --quiet odoo-saasd; then $SUDO systemctl restart odoo-saasd; fi"
#define HEALTHZ "curl -fsS --max-time 5 \"http://$listen/healthz\""
#define LISTEN_ADDR \
    "listen=$($SUDO sed -n 's/^ODOO_SAASD_LISTEN=//p' \"$E/odoo-saasd.env\" 2>/dev/null); " \
    "[ -n \"$listen\" ]"
/* What configure needs from the tarball (tools/install-deps' BUILD list,
 * less autoconf/automake/git, which a dist tarball does not need). */
#define BUILD_DEPS "build-essential pkg-config libncurses-dev libcurl4-openssl-dev " \
    "libjson-c-dev libyaml-dev libssh2-1-dev libmicrohttpd-dev libgnutls28-dev " \
    "libsqlite3-dev libsodium-dev libcmocka-dev"

static const struct deploy_step steps[] = {
    {"os-check", "the host runs Ubuntu 24.04 or 24.10",
     ". " OS_RELEASE " && case \"$ID:$VERSION_ID\" in ubuntu:24.04|ubuntu:24.10) ;; *) exit 1;; esac",
     {". " OS_RELEASE "; echo \"unsupported system: ${PRETTY_NAME:-unknown}"
      " (Ubuntu 24.04 or 24.10 is needed)\" >&2; exit 1", NULL}, 30},
    {"sudo", "the login user is root or has passwordless sudo",
     "[ \"$(id -u)\" = 0 ] || sudo -n true 2>/dev/null",
     {"echo \"$(id -un) needs passwordless sudo on this host (or log in as root)\" >&2; exit 1",
      NULL}, 30},
    {"microk8s-install", "install the MicroK8s snap",
     "snap list microk8s >/dev/null 2>&1",
     {"$SUDO snap install microk8s --classic --channel=\"$CHANNEL\"", NULL}, 1800},
    {"microk8s-group", "add the login user to the microk8s group",
     "getent group microk8s | cut -d: -f4 | tr , '\\n' | grep -qx \"$(id -un)\"",
     {"$SUDO usermod -a -G microk8s \"$(id -un)\"", NULL}, 60},
    {"microk8s-ready", "wait until MicroK8s is running",
     "$M status --timeout 10 2>/dev/null | grep -q '^microk8s is running'",
     {"$M status --wait-ready --timeout 600", NULL}, 660},
    /* rbac: without it MicroK8s authorizes every request (AlwaysAllow), and
     * odoo-saasd's ServiceAccount would not be held to its ClusterRole */
    {"addons", "enable dns, hostpath-storage, metrics-server, helm3 and rbac",
     "s=$($M status 2>/dev/null | sed -n '/^ *enabled:/,/^ *disabled:/p') && "
     "for a in dns hostpath-storage metrics-server helm3 rbac; do "
     "printf '%s\\n' \"$s\" | grep -qE \"^ +$a( |\\$)\" || exit 1; done",
     {"$M enable dns hostpath-storage metrics-server helm3 rbac", NULL}, 900},
    {"kubeconfig", "write ~/.kube/config from microk8s config",
     "test -s \"$HOME/.kube/config\" && $M config 2>/dev/null | cmp -s - \"$HOME/.kube/config\"",
     {"mkdir -p \"$HOME/.kube\" && umask 077 && $M config > \"$HOME/.kube/config.new\" && "
      "mv \"$HOME/.kube/config.new\" \"$HOME/.kube/config\"", NULL}, 60},
    {"bundle", "upload the platform bundle (SFTP, checked with sha256sum)",
     "test -f \"$B/SHA256SUMS\" && test \"$(sha256sum < \"$B/SHA256SUMS\" | cut -c1-64)\" = "
     "\"$BUNDLE_SHA\" && cd \"$B\" && sha256sum -c --quiet SHA256SUMS",
     {"rm -rf \"$B.new\" \"$B.old\" && mkdir -p \"$(dirname \"$B\")\"", DEPLOY_UPLOAD,
      "if test -e \"$B\"; then mv \"$B\" \"$B.old\"; fi && mv \"$B.new\" \"$B\" && rm -rf \"$B.old\"",
      NULL}, 900},
    {"build-deps", "install the packages odoo-saasd builds with",
     "! dpkg-query -W -f '${Status}\\n' " BUILD_DEPS " 2>&1 | grep -qv '^install ok installed$'",
     {"$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "
      "--no-install-recommends " BUILD_DEPS, NULL}, 1800},
    {"daemon", "build odoo-saasd from the bundle and install it",
     "test -x \"$P/bin/odoo-saasd\" && test -f \"$B/SHA256SUMS\" && "
     "test \"$(cat \"$P/lib/odoo-saas/bundle.sha256\" 2>/dev/null)\" = "
     "\"$(sha256sum < \"$B/SHA256SUMS\" | cut -c1-64)\"",
     {"rm -rf \"$B/build\" && mkdir -p \"$B/build\" && "
      "tar -xzf \"$B/odoo-saas.tar.gz\" -C \"$B/build\" --strip-components=1 && cd \"$B/build\" && "
      "./configure -q --prefix=\"$P\" && make -j\"$(nproc)\" odoo-saasd",
      "cd \"$B/build\" && $SUDO install -D -m 755 odoo-saasd \"$P/bin/odoo-saasd\" && "
      "$SUDO mkdir -p \"$P/lib/odoo-saas\" && "
      "sha256sum < \"$B/SHA256SUMS\" | cut -c1-64 | $SUDO tee \"$P/lib/odoo-saas/bundle.sha256\" >/dev/null",
      RESTART_IF_ACTIVE, NULL}, 1800},
    {"traefik", "install Traefik with Helm into namespace traefik",
     "$M helm3 status traefik --namespace traefik >/dev/null 2>&1 && "
     "test \"$(cat \"$B.traefik-values.sha256\" 2>/dev/null)\" = "
     "\"$(sha256sum < \"$B/kubernetes/traefik/values.yaml\" | cut -c1-64)\"",
     {"$M helm3 repo add traefik https://traefik.github.io/charts --force-update && "
      "$M helm3 repo update traefik",
      "$M helm3 upgrade --install traefik traefik/traefik --namespace traefik --create-namespace "
      "--values \"$B/kubernetes/traefik/values.yaml\" --wait --timeout 10m && "
      "sha256sum < \"$B/kubernetes/traefik/values.yaml\" | cut -c1-64 > \"$B.traefik-values.sha256\"",
      NULL}, 900},
    {"platform", "apply the platform manifests (namespace odoo-saas, odoo-saasd's objects, "
     "the EndpointSlice with this node's address)",
     NODE_IP " && "
     "$M kubectl diff -f \"$B/kubernetes/platform/\" -f \"$B/kubernetes/odoo-saasd/\" >/dev/null 2>&1 && "
     SLICE " | $M kubectl diff -f - >/dev/null 2>&1",
     {"$M kubectl apply -f \"$B/kubernetes/platform/\"",
      "$M kubectl apply -f \"$B/kubernetes/odoo-saasd/\"",
      NODE_IP " && " SLICE " | $M kubectl apply -f -", NULL}, 300},
    {"daemon-config", "install odoo-saasd's config and its ServiceAccount kubeconfig in /etc/odoo-saas",
     "cmp -s \"$B/kubernetes/host/config.yaml\" \"$E/config.yaml\" && "
     "kc=$(" DAEMON_KUBECONFIG ") && [ \"$kc\" = \"$($SUDO cat \"$E/odoo-saasd.kubeconfig\" 2>/dev/null)\" ]",
     {"$SUDO install -d -m 755 \"$E\" && "
      "$SUDO install -m 644 \"$B/kubernetes/host/config.yaml\" \"$E/config.yaml\"",
      "w=${ODOO_SAAS_TOKEN_WAIT:-60}; i=0; until kc=$(" DAEMON_KUBECONFIG "); do i=$((i+1)); "
      "if [ $i -ge $w ]; then echo \"Secret odoo-saas/odoo-saasd-token has no token after $w s "
      "(is the token controller running?)\" >&2; exit 1; fi; sleep 1; done && umask 077 && "
      "printf '%s\\n' \"$kc\" | $SUDO tee \"$E/odoo-saasd.kubeconfig.new\" >/dev/null && "
      "$SUDO chmod 600 \"$E/odoo-saasd.kubeconfig.new\" && "
      "$SUDO mv \"$E/odoo-saasd.kubeconfig.new\" \"$E/odoo-saasd.kubeconfig\" && "
      "echo \"wrote $E/odoo-saasd.kubeconfig (ServiceAccount odoo-saas/odoo-saasd)\"",
      RESTART_IF_ACTIVE, NULL}, 300},
    {"daemon-address", "give odoo-saasd the node's address and the peers it admits (odoo-saasd.env)",
     "env=$(" DAEMON_ENV ") && [ \"$env\" = \"$($SUDO cat \"$E/odoo-saasd.env\" 2>/dev/null)\" ]",
     {"env=$(" DAEMON_ENV ") && $SUDO install -d -m 755 \"$E\" && "
      "printf '%s\\n' \"$env\" | $SUDO tee \"$E/odoo-saasd.env.new\" >/dev/null && "
      "$SUDO chmod 644 \"$E/odoo-saasd.env.new\" && "
      "$SUDO mv \"$E/odoo-saasd.env.new\" \"$E/odoo-saasd.env\" && printf '%s\\n' \"$env\"",
      RESTART_IF_ACTIVE, NULL}, 60},
    {"service", "install and start the odoo-saasd systemd service",
     "cmp -s \"$B/kubernetes/host/odoo-saasd.service\" \"$U/odoo-saasd.service\" && "
     "systemctl is-enabled --quiet odoo-saasd && systemctl is-active --quiet odoo-saasd",
     {"$SUDO install -m 644 \"$B/kubernetes/host/odoo-saasd.service\" \"$U/odoo-saasd.service\" && "
      "$SUDO systemctl daemon-reload && $SUDO systemctl enable odoo-saasd && "
      "$SUDO systemctl restart odoo-saasd", NULL}, 120},
    {"healthz", "odoo-saasd answers /healthz on the node's address",
     LISTEN_ADDR " && " HEALTHZ " >/dev/null",
     {LISTEN_ADDR " || { echo \"no ODOO_SAASD_LISTEN in $E/odoo-saasd.env\" >&2; exit 1; }; "
      "i=0; until " HEALTHZ "; do i=$((i+1)); if [ $i -ge 30 ]; then "
      "echo \"odoo-saasd does not answer http://$listen/healthz\" >&2; exit 1; fi; "
      "sleep 2; done", NULL}, 300},
};

#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

const struct deploy_step *deploy_steps(size_t *n)
{
    *n = NSTEPS;
    return steps;
}

const struct deploy_step *deploy_step_find(const char *name)
{
    for (size_t i = 0; i < NSTEPS; i++)
        if (!strcmp(steps[i].name, name))
            return &steps[i];
    return NULL;
}

static void step_names(char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NSTEPS && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", steps[i].name);
}

int deploy_select(const char *only, int *selected, struct os_error *err)
{
    char names[400];
    const char *p = only, *end;
    size_t len;
    int found;

    for (size_t i = 0; i < NSTEPS; i++)
        selected[i] = only == NULL;
    for (; p && *p; p = *end ? end + 1 : end) {
        end = strchr(p, ',');
        if (!end)
            end = p + strlen(p);
        len = (size_t)(end - p);
        found = 0;
        for (size_t i = 0; i < NSTEPS; i++)
            if (strlen(steps[i].name) == len && !strncmp(steps[i].name, p, len))
                selected[i] = found = 1;
        if (!found) {
            step_names(names, sizeof(names));
            return os_error_set(err, OS_ERR_INVALID, "unknown step '%.*s' (steps: %s)", (int)len, p,
                                names);
        }
    }
    return 0;
}

int deploy_target_parse(const char *spec, struct deploy_target *t, struct os_error *err)
{
    const char *at = strchr(spec, '@'), *h, *colon, *close;
    char *endp;
    long port = 22;
    size_t hlen;

    memset(t, 0, sizeof(*t));
    if (!at || at == spec || (size_t)(at - spec) >= sizeof(t->user))
        return os_error_set(err, OS_ERR_INVALID, "bad host '%s' (want USER@HOST[:PORT])", spec);
    memcpy(t->user, spec, (size_t)(at - spec));
    h = at + 1;
    if (*h == '[') {
        if (!(close = strchr(h, ']')))
            return os_error_set(err, OS_ERR_INVALID, "bad host '%s': missing ]", spec);
        hlen = (size_t)(close - h - 1);
        h++;
        colon = close[1] == ':' ? close + 1 : NULL;
        if (close[1] && !colon)
            return os_error_set(err, OS_ERR_INVALID, "bad host '%s'", spec);
    } else {
        colon = strchr(h, ':');
        hlen = colon ? (size_t)(colon - h) : strlen(h);
    }
    if (hlen == 0 || hlen >= sizeof(t->host) || memchr(h, '@', hlen) || memchr(h, ' ', hlen))
        return os_error_set(err, OS_ERR_INVALID, "bad host '%s' (want USER@HOST[:PORT])", spec);
    memcpy(t->host, h, hlen);
    if (colon) {
        port = strtol(colon + 1, &endp, 10);
        if (!colon[1] || *endp || port < 1 || port > 65535)
            return os_error_set(err, OS_ERR_INVALID, "bad port in '%s'", spec);
    }
    t->port = (int)port;
    for (const char *c = t->user; *c; c++)
        if (!(*c == '_' || *c == '-' || *c == '.' || (*c >= 'a' && *c <= 'z') ||
              (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
            return os_error_set(err, OS_ERR_INVALID, "bad user name in '%s'", spec);
    return 0;
}

int deploy_parse_join(const char *output, char *url, size_t len, struct os_error *err)
{
    static const char prefix[] = "microk8s join ";
    const char *p = output, *u, *end;

    for (; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, prefix, sizeof(prefix) - 1))
            continue;
        u = p + sizeof(prefix) - 1;
        end = u + strcspn(u, " \t\r\n");
        if (end == u || (size_t)(end - u) >= len || !memchr(u, '/', (size_t)(end - u)))
            continue;
        for (const char *c = u; c < end; c++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:/[]-_", *c))
                return os_error_set(err, OS_ERR_PARSE, "unexpected characters in the join URL");
        memcpy(url, u, (size_t)(end - u));
        url[end - u] = '\0';
        return 0;
    }
    return os_error_set(err, OS_ERR_PARSE, "microk8s add-node printed no 'microk8s join' line");
}
