#!/bin/sh
# The console in its scripted, off-screen mode (ODOO_SAAS_SCRIPT keys,
# ODOO_SAAS_DUMP screens) against odoo-saas-sim: every view, the keys, the
# ':' line with completion, the filter, the create form (validation as you
# type, then a real create) and the delete confirmation (then a real
# delete), --readonly, resize, an unreachable cluster, a broken theme, the
# ASCII fallback, and a cluster with a couple of thousand tenants.
. "$OS_SRCDIR/tests/lib.sh"
. "$OS_SRCDIR/tests/integration/sim/lib-sim.sh"
. "$OS_SRCDIR/tests/integration/tui/lib-tui.sh"

sim_need_tools kubectl
sim_start --ns-delete-delay-ms 300
OS="$OS_BUILDDIR/odoo-saas"
export LC_ALL=C.UTF-8

# --- an empty cluster -------------------------------------------------------
tui_run '<waitfor:connected>3<wait:300><dump>'
check_eq "empty cluster: exits 0 at the end of the script" 0 "$TUI_RC"
check_contains "empty cluster: tenants view says there are none" "no tenants yet" "$TUI_DUMPS"
check_contains "empty cluster: status bar says connected" "connected" "$TUI_DUMPS"

for t in acme beta; do
    "$OS" tenant create "$t" --tier basic --admin-email "admin@$t.com" >/dev/null 2>&1
done

# --- overview, nodes, tenants --------------------------------------------
tui_run '<waitfor:connected><waitfor:Tenants     2><dump>2<waitfor:sim-node-2><dump>3<waitfor:beta><dump>'
check_eq "exits 0" 0 "$TUI_RC"
check_eq "three screens dumped plus the one at exit" 4 "$(grep -c '^=== dump' "$OS_TMP/dump.txt")"
d1=$(tui_dump 1)
check_contains "overview: the cluster's context" "context odoo-saas-sim" "$d1"
check_contains "overview: node count" "2 (2 ready)" "$d1"
check_contains "overview: tenant count" "Tenants     2   " "$d1"
check "overview: tenants by phase" sh -c 'printf "%s\n" "$1" | grep -Eq "^ Tenants     2   (Ready|Provisioning|Degraded|Failed) [12]"' - "$d1"
check_contains "overview: CPU meter" "CPU         [" "$d1"
check_contains "overview: memory numbers" "allocatable 30.9Gi" "$d1"
check_contains "overview: API latency" "ms (average)" "$d1"
check_eq "overview: the screen is 24 lines" 24 "$(printf '%s\n' "$d1" | wc -l | tr -d ' ')"
d2=$(tui_dump 2)
check_contains "nodes: sim-node-1" "sim-node-1 Ready" "$d2"
check_contains "nodes: sim-node-2" "sim-node-2 Ready" "$d2"
check "nodes: meters with used/requested/allocatable" sh -c 'printf "%s\n" "$1" | grep -Eq "^sim-node-1 +Ready +\[[^]]* [-0-9.]+m?/[0-9.]+m?/4\]"' - "$d2"
d3=$(tui_dump 3)
check "tenants: acme with its phase and tier" sh -c 'printf "%s\n" "$1" | grep -Eq "^acme +(Ready|Provisioning|Degraded|Failed) +basic "' - "$d3"
check_contains "tenants: beta" "beta" "$d3"
check_contains "tenants: trial expiry" " in 1" "$d3"
check_contains "tenants: URL column (cut with an ellipsis at 80 columns)" "https://acme.od…" "$d3"
long=$(grep -E '^.{81,}' "$OS_TMP/dump.txt" | head -n 1)
check_eq "no line wider than 80 columns" "" "$long"

# --- filter, sort, help, drill-in ---------------------------------------------
TUI_LINES=40 tui_run '3<waitfor:beta>/acm<dump><Enter><dump><Esc><dump>sS<dump>?<dump><Esc>/beta<Enter><Enter><dump><Esc>'
check_contains "/acm keeps acme" "acme" "$(tui_dump 1)"
case "$(tui_dump 1)" in *beta*) not_ok "/acm hides beta" "$(tui_dump 1)" ;; *) ok "/acm hides beta" ;; esac
check_contains "the filter is shown with its count" "filter: acm  (1 of 2)" "$(tui_dump 1)"
check_contains "Enter keeps the filter" "(1 of 2)" "$(tui_dump 2)"
check_contains "Esc clears the filter" "beta" "$(tui_dump 3)"
check_contains "s then S: sorted by phase, reversed" "PHASE▲" "$(tui_dump 4)"
check_contains "? lists the create key" "c                  create a tenant" "$(tui_dump 5)"
check_contains "? lists the filter key" "/                  filter the rows" "$(tui_dump 5)"
check_contains "? lists the ':' commands" ":tenant ID" "$(tui_dump 5)"
check_contains "? in a table view names the mouse" "mouse: click selects, again opens" "$(tui_dump 5)"
check_contains "Enter opens the selected tenant" "tenant beta" "$(tui_dump 6)"
check_contains "tenant detail: admin email" "admin@beta.com" "$(tui_dump 6)"
check_contains "tenant detail: URL" "https://beta.odoo.localhost" "$(tui_dump 6)"
check_contains "tenant detail: pods table" "POD" "$(tui_dump 6)"

# --- the mouse: a click selects a row, a second click on it opens it ---------------
tui_run '3<waitfor:beta><click:5,3><Enter><dump><Esc><click:5,2><click:5,2><dump><Esc><click:5,15><Enter><dump>'
check_contains "a click on the second row, then Enter: beta" "tenant beta" "$(tui_dump 1)"
check_contains "a double click on the first row opens acme" "tenant acme" "$(tui_dump 2)"
check_contains "a click below the rows changes nothing (acme stays selected)" "tenant acme" "$(tui_dump 3)"
tui_run '<waitfor:connected><click:27,0><waitfor:sim-node-1><dump><click:38,0><waitfor:beta><dump><click:15,0><dump>c<click:27,0><dump>'
check_contains "a click on the title bar's '2 Nodes' tab opens the nodes" "sim-node-1 Ready" "$(tui_dump 1)"
check_contains "a click on '3 Tenants' opens the tenants" "PHASE" "$(tui_dump 2)"
check_contains "a click on '1 Overview' opens the overview" "Tenants     2" "$(tui_dump 3)"
check_contains "in the create form a tab click does not switch views" "Create a tenant" "$(tui_dump 4)"

# --- a node lists its tenants -------------------------------------------------------
tui_run '<waitfor:connected>2<waitfor:sim-node-1><Enter><dump><Esc><dump>'
check_contains "nodes: Enter lists the tenants on the node" "on node sim-node-1" "$(tui_dump 1)"
check_contains "nodes: Esc goes back to the nodes" "sim-node-2 Ready" "$(tui_dump 2)"

# --- the ':' line ---------------------------------------------------------------
tui_run '<waitfor:connected>:no<Tab><dump><Enter><dump>:te<Tab><dump><Esc>:tenant ac<Tab><Enter><waitfor:admin@acme.com><dump>:bogus<Enter><dump>:tenant nosuch<Enter><dump>'
check_contains ":no<Tab> completes to nodes" ":nodes" "$(tui_dump 1)"
check_contains ":nodes opens the nodes" "sim-node-1" "$(tui_dump 2)"
check_contains ":te<Tab> lists the candidates" "tenants tenant" "$(tui_dump 3)"
check_contains ":tenant ac<Tab> completes the tenant id" "tenant acme" "$(tui_dump 4)"
check_contains "an unknown command says so" 'unknown command "bogus"' "$(tui_dump 5)"
check_contains "an unknown tenant says so" 'no tenant "nosuch"' "$(tui_dump 6)"
tui_run '<waitfor:connected>3<waitfor:beta>:sort<Enter><dump>:filter bet<Enter><dump>1:sort<Enter><dump>'
check_contains ":sort sorts like s" "PHASE▼" "$(tui_dump 1)"
check_contains ":filter TEXT filters" "filter: bet  (1 of 2)" "$(tui_dump 2)"
check_contains "a command that does not apply says so" "sort does nothing in this view" "$(tui_dump 3)"

# --- the create form -------------------------------------------------------------
tui_run '<waitfor:connected>c1bad<dump><BS><BS><BS><BS>ab<dump>c<Tab><Tab><Right><Tab>x@<dump><Enter><dump>example.com<Enter><waitfor:phase: ><dump><Enter><dump>'
check_contains "create: a bad id is refused as it is typed" 'must start with a lowercase letter' "$(tui_dump 1)"
check_contains "create: too short" '3 to 40 characters' "$(tui_dump 2)"
check_contains "create: tier choice moves with Right" "standard" "$(tui_dump 3)"
check_contains "create: a bad email is refused as it is typed" 'needs a domain' "$(tui_dump 3)"
check_contains "create: Enter with a bad field says which" "Admin email:" "$(tui_dump 4)"
check_contains "create: apply progress, step by step" "applied " "$(tui_dump 5)"
check_contains "create: the last step" "tenant abc provisioned" "$(tui_dump 5)"
check_contains "create: done" "tenant abc created" "$(tui_dump 5)"
check_contains "create: follows the phase" "phase: " "$(tui_dump 5)"
check_contains "create: Enter opens the new tenant" "tenant abc" "$(tui_dump 6)"
check_eq "create: the tenant exists on the cluster, with the chosen tier" "standard" \
    "$("$OS" tenant show abc -o json 2>/dev/null | jq -r .tier)"

# --- the delete confirmation -------------------------------------------------------
tui_run '<waitfor:connected>:delete abc<Enter>ab<Enter><dump><Esc><wait:200><dump>'
check_contains "delete: a wrong confirmation is refused" "type abc exactly" "$(tui_dump 1)"
check_contains "delete: Esc cancels and says so" "nothing deleted" "$(tui_dump 2)"
check_eq "delete: nothing was deleted" 0 "$("$OS" tenant show abc >/dev/null 2>&1; echo $?)"
tui_run '<waitfor:connected>3<waitfor:abc>/abc<Enter>d<dump>abc<Enter><waitfor:is gone><dump><Esc><dump>'
check_contains "delete: d asks for the selected tenant's id" "Type the tenant id (abc)" "$(tui_dump 1)"
check_contains "delete: progress until gone" "tenant abc is gone" "$(tui_dump 2)"
check_contains "delete: the request step" "namespace deletion requested" "$(tui_dump 2)"
check_eq "delete: the tenant is gone from the cluster" 1 "$("$OS" tenant show abc >/dev/null 2>&1; echo $?)"
check_eq "delete: gone from the tenants view" "" "$(tui_dump 3 | grep '^abc ')"

# --- --readonly ---------------------------------------------------------------------
tui_run '<waitfor:connected>3<waitfor:acme>?<dump><Esc>c<dump>:create<Enter><dump>d<dump>' --readonly
check_eq "readonly: exits 0" 0 "$TUI_RC"
case "$(tui_dump 1)" in *"create a tenant"*|*"delete the selected"*) not_ok "readonly: help hides create and delete" "$(tui_dump 1)" ;;
*) ok "readonly: help hides create and delete" ;; esac
case "$(tui_dump 2)" in *"Create a tenant"*) not_ok "readonly: c does nothing" "$(tui_dump 2)" ;; *) ok "readonly: c does nothing" ;; esac
check_contains "readonly: :create is refused" "--readonly" "$(tui_dump 3)"
case "$(tui_dump 4)" in *"Delete tenant"*) not_ok "readonly: d does nothing" ;; *) ok "readonly: d does nothing" ;; esac
check_contains "readonly: the title says so" "[readonly]" "$(tui_dump 1)"

# --- resize ---------------------------------------------------------------------------
tui_run '<waitfor:connected>2<waitfor:sim-node-2><dump><resize:250x70><dump><resize:80x24><dump>'
check_contains "80x24: ROLE column hidden" "NAME" "$(tui_dump 1)"
case "$(tui_dump 1)" in *ROLE*) not_ok "80x24: no room for ROLE" ;; *) ok "80x24: no room for ROLE" ;; esac
check_contains "250x70: relayout shows ROLE" "ROLE" "$(tui_dump 2)"
check_contains "250x70: the dump is that size" "=== dump 2 (250x70) ===" "$TUI_DUMPS"
check_eq "250x70: 70 lines" 70 "$(tui_dump 2 | wc -l | tr -d ' ')"
check_contains "back to 80x24" "=== dump 3 (80x24) ===" "$TUI_DUMPS"
TUI_LINES=70 TUI_COLS=250 tui_run '<waitfor:Tenants     2><dump>'
check_contains "250x70 from the start: meters and numbers on one line" "]  used" "$(tui_dump 1)"

# --- ASCII fallback when the locale is not UTF-8 -------------------------------------------
LC_ALL=C tui_run '<waitfor:connected>2<waitfor:sim-node-2><waitfor:[|><dump>3<waitfor:acme><dump>'
if LC_ALL=C grep -q '[^ -~]' "$OS_TMP/dump.txt"; then
    not_ok "C locale: the screen is plain ASCII" "$(LC_ALL=C grep -n '[^ -~]' "$OS_TMP/dump.txt" | head -3)"
else
    ok "C locale: the screen is plain ASCII"
fi
check_contains "C locale: meters in ASCII" "[|" "$(tui_dump 1)"
check_contains "C locale: ellipsis in ASCII" "https://acme.od~" "$(tui_dump 2)"

# --- themes -------------------------------------------------------------------------------
printf 'title = red\nrow = chartreuse\n' >"$OS_TMP/bad.theme"
tui_run '<wait:100><dump>' --theme "$OS_TMP/bad.theme"
check_eq "a malformed theme still opens the console" 0 "$TUI_RC"
check_contains "a malformed theme names its line" "bad.theme:2: unknown colour" "$TUI_DUMPS"
for th in default dark light solarized-dark monochrome; do
    tui_run '<waitfor:connected><dump>' --theme "$th"
    check_eq "theme $th: opens without a message" "" "$(tui_dump 1 | grep -i theme)"
done
mkdir -p "$OS_TMP/xdg/odoo-saas/themes"
printf 'title = magenta\n' >"$OS_TMP/xdg/odoo-saas/themes/mine.theme"
XDG_CONFIG_HOME=$OS_TMP/xdg tui_run '<wait:100><dump>' --theme mine
check_eq "a user theme from XDG_CONFIG_HOME loads" "" "$(tui_dump 1 | grep -i theme)"
tui_run '<wait:100><dump>' --theme nosuch
check_contains "an unknown theme says so" "theme nosuch not found" "$TUI_DUMPS"

# --- an unreachable cluster -----------------------------------------------------------------
sed "s|server: .*|server: https://127.0.0.1:1|" "$KUBECONFIG" >"$OS_TMP/dead.kc"
tui_run '<wait:1500><dump>3<dump>' --kubeconfig "$OS_TMP/dead.kc"
check_eq "unreachable: the console opens and exits 0" 0 "$TUI_RC"
check_contains "unreachable: the status bar says so" "unreachable" "$(tui_dump 1)"
check_contains "unreachable: views wait" "waiting for the cluster" "$(tui_dump 2)"
tui_run '<wait:100><dump>' --kubeconfig "$OS_TMP/nosuch.kc"
check_eq "no kubeconfig: the console opens" 0 "$TUI_RC"
check_contains "no kubeconfig: the status bar says so" "no cluster" "$(tui_dump 1)"

# --- an unknown script key ---------------------------------------------------------------------
tui_run '<Nope>'
check_eq "a bad script key exits 1" 1 "$TUI_RC"
check_contains "a bad script key is named" "<Nope>" "$TUI_ERR"

# --- thousands of tenants ------------------------------------------------------------------------
N=2000
i=1
: >"$OS_TMP/curl.cfg"
while [ $i -le $N ]; do
    id=$(printf 'load%04d' $i)
    [ $i -gt 1 ] && echo next >>"$OS_TMP/curl.cfg"
    printf 'url = "%s/api/v1/namespaces"\ncacert = "%s"\nrequest = "POST"\nheader = "Content-Type: application/json"\nheader = "Authorization: Bearer %s"\ndata = "{\\"apiVersion\\":\\"v1\\",\\"kind\\":\\"Namespace\\",\\"metadata\\":{\\"name\\":\\"tenant-%s\\",\\"labels\\":{\\"app.kubernetes.io/managed-by\\":\\"odoo-saas\\",\\"odoo-saas.io/tenant\\":\\"%s\\",\\"odoo-saas.io/tier\\":\\"basic\\"}}}"\noutput = "/dev/null"\n' \
        "$SIM_URL" "$SIM_CA" "$SIM_TOKEN" "$id" "$id" >>"$OS_TMP/curl.cfg"
    i=$((i + 1))
done
curl -sS -K "$OS_TMP/curl.cfg" >/dev/null 2>"$OS_TMP/curl.err"
check_eq "2000 more tenant namespaces created" 2002 \
    "$(kubectl get ns -l app.kubernetes.io/managed-by=odoo-saas -o name 2>/dev/null | wc -l | tr -d ' ')"
start=$(date +%s)
tui_run '<waitfor:Tenants     2002><dump>3<waitfor:load0001><End><dump>/load1999<dump><Esc>s<Home><dump>'
secs=$(( $(date +%s) - start ))
check_eq "2002 tenants: exits 0" 0 "$TUI_RC"
check_contains "2002 tenants: all counted" "Tenants     2002" "$(tui_dump 1)"
check_contains "2002 tenants: End reaches the last" "load2000" "$(tui_dump 2)"
check_contains "2002 tenants: the filter finds one" "(1 of 2002)" "$(tui_dump 3)"
check "2002 tenants: the whole script took under 30 s (took ${secs}s)" test "$secs" -lt 30

# --- q with work in flight asks first (a slow cluster keeps the apply going) ---------------------
sim_stop
sim_start --latency-ms 150
tui_run '<waitfor:connected>cslow<Tab><Tab><Tab>a@slow.com<Enter><Esc>q<dump>n<dump><waitfor:tenant slow created><dump>q'
check_eq "in flight: exits 0" 0 "$TUI_RC"
check_contains "in flight: q asks first" "Work in flight" "$(tui_dump 1)"
check_contains "in flight: the dialog says what runs" "A tenant is being created." "$(tui_dump 1)"
case "$(tui_dump 2)" in *"Work in flight"*) not_ok "in flight: n stays" "$(tui_dump 2)" ;; *) ok "in flight: n stays" ;; esac
check_contains "in flight: the apply ends, reported in the status bar" "tenant slow created" "$(tui_dump 3)"
check_eq "in flight: q then quits at once (four dumps, the last at exit)" 4 "$(grep -c '^=== dump' "$OS_TMP/dump.txt")"
tui_run '<waitfor:connected>cslower<Tab><Tab><Tab>a@slow.com<Enter><Esc>q<dump>y'
check_eq "in flight: y quits anyway, exit 0" 0 "$TUI_RC"
check_contains "in flight: y came after the question" "Work in flight" "$(tui_dump 1)"

# --- with the simulator's controllers: pods, nodes, live phases ---------------------------------
sim_stop
SIM_CONTROLLERS=1 sim_start
"$OS" tenant create live --tier basic --admin-email admin@live.com >/dev/null 2>&1
TUI_LINES=40 TUI_COLS=120 tui_run '<waitfor:connected>:tenant live<Enter><waitfor:postgresql-0><wait:300><dump>2<waitfor:sim-node-2><Enter><waitfor:live><dump>'
check_contains "controllers: the tenant's pods show" "postgresql-0" "$(tui_dump 1)"
check "controllers: each pod with its state, readiness, restarts and node" sh -c \
    'printf "%s\n" "$1" | grep -Eq "^postgresql-0 +[A-Za-z]+ +[0-9]/[0-9] +[0-9]+ sim-node-[12] "' - "$(tui_dump 1)"
check_contains "controllers: the detail names the nodes" "on sim-node-" "$(tui_dump 1)"
check_contains "controllers: a node lists the tenant with a pod on it" "live" "$(tui_dump 2)"

sim_finish
