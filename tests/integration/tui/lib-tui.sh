# lib-tui.sh - drive the console in tests (sourced after tests/lib.sh and
# tests/integration/sim/lib-sim.sh, not run).
#
#   tui_run SCRIPT [ODOO_SAAS_ARGS...]
#        run `odoo-saas` with no command in the scripted, off-screen mode
#        (ODOO_SAAS_SCRIPT=SCRIPT, LINES/COLUMNS from TUI_LINES/TUI_COLS,
#        default 24x80), bounded by 60 s; sets TUI_RC, TUI_ERR and TUI_DUMPS
#        (every screen dumped, "=== dump N (WxH) ===" before each).
#   tui_dump N        the text of dump N of the last tui_run
#   tmux_start NAME CMD...
#        start CMD in a detached tmux session of 80x24 on a private server
#        (killed when the script exits); CMD's exit status goes to
#        $OS_TMP/NAME.exit
#   tmux_wait NAME TEXT [SECONDS]
#        poll capture-pane (every 0.1 s, at most SECONDS, default 10) until
#        TEXT shows; 0 when it did.  TMUX_SCREEN holds the last capture.
#   tmux_gone NAME [SECONDS]   wait for the command to exit; 0 when it did
#   tmux_click NAME X Y        a left click at column X, line Y (0-based), sent
#                              as the terminal would (the pane's terminfo
#                              kmous: SGR \E[< or X10 \E[M)
#   tmux_need          skip the whole script when tmux is missing
#   wait_for NAME TEXT WHAT [SECONDS]
#        one check (ok / not ok WHAT) that TEXT shows within SECONDS (10)
#   keys NAME KEY...   send-keys, then give the console 0.2 s
#   has_colour TEXT    0 when TEXT (capture-pane -e) holds a colour SGR

TUI_BIN="$OS_BUILDDIR/odoo-saas"

tui_run() {
    _script=$1
    shift
    rm -f "$OS_TMP/dump.txt"
    ODOO_SAAS_SCRIPT=$_script ODOO_SAAS_DUMP=$OS_TMP/dump.txt \
        LINES=${TUI_LINES:-24} COLUMNS=${TUI_COLS:-80} TERM=${TUI_TERM:-xterm-256color} \
        timeout 60 "$TUI_BIN" "$@" >"$OS_TMP/tui.out" 2>"$OS_TMP/tui.err"
    TUI_RC=$?
    TUI_ERR=$(cat "$OS_TMP/tui.err")
    TUI_DUMPS=$(cat "$OS_TMP/dump.txt" 2>/dev/null)
}

tui_dump() {
    awk -v n="$1" '/^=== dump [0-9]+ / { cur = $3 + 0; next } cur == n' "$OS_TMP/dump.txt"
}

TMUX_SOCKET="odoo-saas-test-$$"
# A private server with no status line, so a pane is the whole 80x24.
tmux_cmd() {
    [ -f "$OS_TMP/tmux.conf" ] || echo "set -g status off" >"$OS_TMP/tmux.conf"
    tmux -L "$TMUX_SOCKET" -f "$OS_TMP/tmux.conf" "$@"
}

tmux_kill_all() {
    tmux_cmd kill-server 2>/dev/null
    return 0
}

tmux_start() {
    _name=$1
    shift
    rm -f "$OS_TMP/$_name.exit"
    # The command line is run by the shell tmux starts; quote each word.
    _cmd=
    for _w in "$@"; do _cmd="$_cmd '$(printf '%s' "$_w" | sed "s/'/'\\\\''/g")'"; done
    tmux_cmd new-session -d -s "$_name" -x 80 -y 24 \
        "$_cmd 2>'$OS_TMP/$_name.err'; echo \$? >'$OS_TMP/$_name.exit'; sleep 600"
}

# tmux_screen NAME [-e]: the pane's text (with -e, its escape sequences too).
tmux_screen() {
    TMUX_SCREEN=$(tmux_cmd capture-pane -p -t "$1" ${2:+"$2"} 2>/dev/null)
}

tmux_wait() {
    _i=0
    _max=$(( ${3:-10} * 10 ))
    while [ $_i -lt $_max ]; do
        tmux_screen "$1"
        case "$TMUX_SCREEN" in *"$2"*) return 0 ;; esac
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

tmux_gone() {
    _i=0
    _max=$(( ${2:-10} * 10 ))
    while [ $_i -lt $_max ]; do
        [ -s "$OS_TMP/$1.exit" ] && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    return 1
}

tmux_need() {
    if ! command -v tmux >/dev/null 2>&1; then
        skip "all checks" "tmux is not installed (tools/install-deps installs it)"
        finish
        exit 0
    fi
}

wait_for() {
    if tmux_wait "$1" "$2" "${4:-10}"; then ok "$3"; else not_ok "$3" "missing: $2
screen:
$TMUX_SCREEN"; fi
}

# A lone Esc is only known as one after ESCDELAY; keys right behind it
# would read as an Alt sequence, as they would from a person typing that
# fast: hence the pause.
keys() { _s=$1; shift; tmux_cmd send-keys -t "$_s" "$@"; sleep 0.2; }

# Colour in SGR sequences: 30-38/40-48 (39/49 are "default"), 90-97,
# 100-107, and 256/truecolour forms.
has_colour() {
    printf '%s' "$1" | grep -Eq "$(printf '\033')\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m"
}

tmux_click() {
    _term=$(tmux_cmd show -gv default-terminal 2>/dev/null)
    _x=$(($2 + 1)) _y=$(($3 + 1))
    if infocmp -1 "${_term:-screen}" 2>/dev/null | grep -q 'kmous=\\E\[<'; then
        tmux_cmd send-keys -t "$1" -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' "$_x" "$_y" "$_x" "$_y")"
    else
        tmux_cmd send-keys -t "$1" -l "$(printf '\033[M %b%b\033[M#%b%b' \
            "\\0$(printf %o $((32 + _x)))" "\\0$(printf %o $((32 + _y)))" \
            "\\0$(printf %o $((32 + _x)))" "\\0$(printf %o $((32 + _y)))")"
    fi
}
