/*
 * keymap.c - the action table's rows, the default keymap built from them,
 * key names both ways, and ':' completion (see keymap.h).
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <stdio.h>
#include <string.h>

#include "keymap.h"
#include "layout.h"

static const struct action_info actions[] = {
    [ACTION_NONE] = {"NONE", NULL, "", "", 0, 0, ""},
#define X(id, cmd, keys, args, views, flags, help) \
    [ACTION_##id] = {#id, cmd, keys, args, views, flags, help},
    ACTIONS(X)
#undef X
};

const struct action_info *action_info(enum action a)
{
    return a > ACTION_NONE && a < ACTION_COUNT ? &actions[a] : NULL;
}

enum action action_by_command(const char *name)
{
    for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
        if (actions[a].command && !strcmp(actions[a].command, name))
            return (enum action)a;
    return ACTION_NONE;
}

static const struct {
    const char *name;
    int key;
} names[] = {
    {"Enter", '\n'},
    {"Esc", KEY_ESCAPE},
    {"Tab", KEY_TAB},
    {"BTab", KEYMAP_FN | KEY_BTAB},
    {"BS", KEYMAP_FN | KEY_BACKSPACE},
    {"Del", KEYMAP_FN | KEY_DC},
    {"Space", ' '},
    {"Up", KEYMAP_FN | KEY_UP},
    {"Down", KEYMAP_FN | KEY_DOWN},
    {"Left", KEYMAP_FN | KEY_LEFT},
    {"Right", KEYMAP_FN | KEY_RIGHT},
    {"PgUp", KEYMAP_FN | KEY_PPAGE},
    {"PgDn", KEYMAP_FN | KEY_NPAGE},
    {"Home", KEYMAP_FN | KEY_HOME},
    {"End", KEYMAP_FN | KEY_END},
    {"lt", '<'},
};

/* Digits of s (n bytes) as a number, -1 when not all digits. */
static int atoi_n(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int parse_name(const char *name, size_t n, int *key)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == n && !strncmp(names[i].name, name, n)) {
            *key = names[i].key;
            return 0;
        }
    if (n == 3 && name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z') {
        *key = name[2] - 'a' + 1;
        return 0;
    }
    if (n >= 2 && n <= 3 && name[0] == 'F') {
        int f = atoi_n(name + 1, n - 1);
        if (f >= 1 && f <= 12) {
            *key = KEYMAP_FN | KEY_F(f);
            return 0;
        }
    }
    return -1;
}

int keymap_parse_key(const char *s, int *key)
{
    const char *end;

    if (s[0] == '<' && (end = strchr(s + 1, '>')) && end > s + 1) {
        if (parse_name(s + 1, (size_t)(end - s - 1), key) < 0)
            return -1;
        return (int)(end - s + 1);
    }
    if (!*s)
        return -1;
    return layout_utf8_decode(s, key);
}

char *keymap_key_name(int key, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].key == key && key != '<') {
            snprintf(buf, len, "<%s>", names[i].name);
            return buf;
        }
    if (key >= 1 && key <= 26)
        snprintf(buf, len, "<C-%c>", 'a' + key - 1);
    else if (key >= (KEYMAP_FN | KEY_F(1)) && key <= (KEYMAP_FN | KEY_F(12)))
        snprintf(buf, len, "<F%d>", (key & ~KEYMAP_FN) - KEY_F0);
    else if (key & KEYMAP_FN)
        snprintf(buf, len, "<%s>", keyname(key & ~KEYMAP_FN) ?: "?");
    else if (key < 0x80)
        snprintf(buf, len, "%c", key);
    else
        snprintf(buf, len, "%lc", (wint_t)key);
    return buf;
}

int keymap_key_char(int key)
{
    return !(key & KEYMAP_FN) && key >= 0x20 && key != 0x7f ? key : 0;
}

int keymap_is_enter(int key)
{
    return key == '\n' || key == '\r' || key == (KEYMAP_FN | KEY_ENTER);
}

int keymap_is_backspace(int key)
{
    return key == 8 || key == 0x7f || key == (KEYMAP_FN | KEY_BACKSPACE);
}

void keymap_init(struct keymap *km, int readonly)
{
    km->n = 0;
    for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++) {
        const char *p = actions[a].keys;
        if (readonly && (actions[a].flags & ACTION_WRITES))
            continue;
        while (*p && km->n < KEYMAP_MAX_BINDS) {
            int key, used;
            if (*p == ' ') {
                p++;
                continue;
            }
            if ((used = keymap_parse_key(p, &key)) < 0)
                break;      /* a typo in the table: tests/unit/tui catches it */
            km->binds[km->n++] = (struct keymap_bind){key, actions[a].views, (enum action)a};
            p += used;
        }
    }
}

enum action keymap_lookup(const struct keymap *km, unsigned view, int key)
{
    if (keymap_is_enter(key))
        key = '\n';
    if (key == 0x7f || key == 8)
        key = KEYMAP_FN | KEY_BACKSPACE;
    for (int i = 0; i < km->n; i++)
        if (km->binds[i].key == key && (km->binds[i].views & view))
            return km->binds[i].action;
    return ACTION_NONE;
}

char *keymap_keys_of(const struct keymap *km, enum action a, unsigned view, char *buf, size_t len)
{
    size_t at = 0;
    char name[32];

    if (len)
        buf[0] = '\0';
    for (int i = 0; i < km->n; i++) {
        if (km->binds[i].action != a || !(km->binds[i].views & view))
            continue;
        keymap_key_name(km->binds[i].key, name, sizeof(name));
        int n = snprintf(buf + at, len - at, "%s%s", at ? " " : "", name);
        if (n < 0 || (size_t)n >= len - at)
            break;
        at += (size_t)n;
    }
    return buf;
}

/* Common prefix length of a and b. */
static size_t common(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && a[n] == b[n])
        n++;
    return n;
}

/* Complete word (the text after offset start of line) among cands. */
static int complete_word(char *line, size_t len, size_t start, const char *const *cands, size_t n,
                         char *shown, size_t shown_len)
{
    const char *word = line + start, *first = NULL;
    size_t wlen = strlen(word), prefix = 0, at = 0;
    int matches = 0;

    for (size_t i = 0; i < n; i++) {
        if (!cands[i] || strncmp(cands[i], word, wlen))
            continue;
        if (!first) {
            first = cands[i];
            prefix = strlen(first);
        } else {
            prefix = common(first, cands[i]) < prefix ? common(first, cands[i]) : prefix;
        }
        if (shown_len && at + strlen(cands[i]) + 2 < shown_len)
            at += (size_t)snprintf(shown + at, shown_len - at, "%s%s", at ? " " : "", cands[i]);
        matches++;
    }
    if (!first)
        return 0;
    if (start + prefix + 1 < len) {
        memcpy(line + start, first, prefix);
        line[start + prefix] = '\0';
        if (matches == 1 && start + prefix + 2 < len)
            strcat(line, " ");
    }
    return matches;
}

int keymap_complete(char *line, size_t len, const char *const *ids, size_t n, int readonly,
                    char *shown, size_t shown_len)
{
    const char *cmds[ACTION_COUNT];
    const char *space = strchr(line, ' ');
    size_t ncmds = 0;

    if (shown_len)
        shown[0] = '\0';
    if (!space) {
        for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
            if (actions[a].command && strcmp(actions[a].command, "q") &&
                !(readonly && (actions[a].flags & ACTION_WRITES)))
                cmds[ncmds++] = actions[a].command;
        return complete_word(line, len, 0, cmds, ncmds, shown, shown_len);
    }
    char cmd[32];
    snprintf(cmd, sizeof(cmd), "%.*s", (int)(space - line), line);
    const struct action_info *ai = action_info(action_by_command(cmd));
    if (!ai || !(ai->flags & (ACTION_ARG_TENANT | ACTION_ARG_THEME)))
        return 0;
    while (*space == ' ')
        space++;
    return complete_word(line, len, (size_t)(space - line), ids, n, shown, shown_len);
}
