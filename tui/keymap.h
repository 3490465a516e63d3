/*
 * keymap.h - keys to actions, key names, and ':' command completion.
 *
 * A key is one int: a Unicode character as is, or a curses function key
 * (KEY_UP, ...) with KEYMAP_FN or'ed in, since the two ranges overlap.
 * The keymap is built from the default keys of the action table
 * (actions.h); the same key names are what ODOO_SAAS_SCRIPT uses
 * ("<Enter>", "<Esc>", "<C-f>").  Nothing here needs a terminal.
 */
#ifndef TUI_KEYMAP_H
#define TUI_KEYMAP_H

#include <stddef.h>

#include "actions.h"

#define KEYMAP_FN 0x40000000
#define KEYMAP_MAX_BINDS 128

/* Special keys every handler compares with. */
#define KEY_ESCAPE 27
#define KEY_TAB 9

/* Parse one key at s: "<Name>" or one UTF-8 character.  Returns the bytes
 * used, or -1 for an unknown <Name>.  <Name>: Enter, Esc, Tab, BTab, BS,
 * Del, Space, Up, Down, Left, Right, PgUp, PgDn, Home, End, lt (a '<'),
 * F1-F12, C-x (control-x). */
int keymap_parse_key(const char *s, int *key);
/* The name of key ("<Up>", "q") into buf; returns buf. */
char *keymap_key_name(int key, char *buf, size_t len);
/* The key as typed text (a printable character), else 0. */
int keymap_key_char(int key);
/* Enter arrives as '\n', '\r' or KEY_ENTER; backspace as 8, 127 or KEY_BACKSPACE. */
int keymap_is_enter(int key);
int keymap_is_backspace(int key);

struct keymap_bind {
    int key;
    unsigned views;
    enum action action;
};

struct keymap {
    struct keymap_bind binds[KEYMAP_MAX_BINDS];
    int n;
};

/* The defaults from the action table.  readonly leaves out ACTION_WRITES
 * actions (the one place --readonly is checked for keys). */
void keymap_init(struct keymap *km, int readonly);
/* The action key has in view (a VIEW_* bit), or ACTION_NONE. */
enum action keymap_lookup(const struct keymap *km, unsigned view, int key);
/* The keys bound to a in view, "<Up> k", into buf ("" when none). */
char *keymap_keys_of(const struct keymap *km, enum action a, unsigned view, char *buf, size_t len);

/* Complete the ':' line in place (line holds len bytes of room): the
 * command word from the action table's commands, or after a command that
 * takes a tenant or a theme, the word from ids (n of them: tenant ids or
 * theme names, as the caller picked for the command).  A single match is completed
 * with a trailing space; several extend to their common prefix and are
 * listed in shown (space-separated, cut to fit).  Returns the number of
 * matches.  readonly leaves out commands that write. */
int keymap_complete(char *line, size_t len, const char *const *ids, size_t n, int readonly,
                    char *shown, size_t shown_len);

#endif
