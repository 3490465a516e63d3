/*
 * test_keymap.c - the action table, default keymap, key names and ':'
 * completion (tui/keymap.c), with no terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define NCURSES_WIDECHAR 1
#include <ncurses.h>

#include "keymap.h"

static void test_parse_key(void **state)
{
    int key;
    (void)state;
    assert_int_equal(keymap_parse_key("q", &key), 1);
    assert_int_equal(key, 'q');
    assert_int_equal(keymap_parse_key("<Enter>x", &key), 7);
    assert_true(keymap_is_enter(key));
    assert_int_equal(keymap_parse_key("<Esc>", &key), 5);
    assert_int_equal(key, KEY_ESCAPE);
    assert_int_equal(keymap_parse_key("<Down>", &key), 6);
    assert_int_equal(key, KEYMAP_FN | KEY_DOWN);
    assert_int_equal(keymap_parse_key("<PgDn>", &key), 6);
    assert_int_equal(key, KEYMAP_FN | KEY_NPAGE);
    assert_int_equal(keymap_parse_key("<C-f>", &key), 5);
    assert_int_equal(key, 6);
    assert_int_equal(keymap_parse_key("<F1>", &key), 4);
    assert_int_equal(key, KEYMAP_FN | KEY_F(1));
    assert_int_equal(keymap_parse_key("<lt>", &key), 4);
    assert_int_equal(key, '<');
    assert_int_equal(keymap_parse_key("<", &key), 1);       /* a lone '<' is itself */
    assert_int_equal(key, '<');
    assert_int_equal(keymap_parse_key("\xc3\xa9", &key), 2);
    assert_int_equal(key, 0xe9);
    assert_int_equal(keymap_parse_key("<Nope>", &key), -1);
    assert_int_equal(keymap_parse_key("", &key), -1);
}

static void test_key_names_round_trip(void **state)
{
    static const char *const names[] = {"<Enter>", "<Esc>", "<Tab>", "<Up>", "<PgUp>", "<End>",
                                        "<C-b>", "q", "?", "/"};
    char buf[32];
    int key;
    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_true(keymap_parse_key(names[i], &key) > 0);
        assert_string_equal(keymap_key_name(key, buf, sizeof(buf)), names[i]);
    }
}

/* Every key string of the action table parses (a typo would drop it). */
static void test_table_keys_parse(void **state)
{
    (void)state;
    for (int a = ACTION_NONE + 1; a < ACTION_COUNT; a++) {
        const char *p = action_info(a)->keys;
        int key, used;
        while (*p) {
            if (*p == ' ') {
                p++;
                continue;
            }
            used = keymap_parse_key(p, &key);
            if (used <= 0)
                fail_msg("action %s: bad key at \"%s\"", action_info(a)->id, p);
            p += used;
        }
        assert_non_null(action_info(a)->help);
        assert_true(action_info(a)->views != 0);
    }
}

/* No key means two things in one view. */
static void test_no_conflicts(void **state)
{
    struct keymap km;
    (void)state;
    keymap_init(&km, 0);
    for (int i = 0; i < km.n; i++)
        for (int j = i + 1; j < km.n; j++)
            if (km.binds[i].key == km.binds[j].key && (km.binds[i].views & km.binds[j].views)) {
                char name[32];
                fail_msg("%s bound to %s and %s", keymap_key_name(km.binds[i].key, name, sizeof(name)),
                         action_info(km.binds[i].action)->id, action_info(km.binds[j].action)->id);
            }
}

static void test_lookup(void **state)
{
    struct keymap km;
    char buf[64];
    (void)state;
    keymap_init(&km, 0);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, 'c'), ACTION_CREATE);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, 'j'), ACTION_DOWN);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, KEYMAP_FN | KEY_DOWN), ACTION_DOWN);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, '\r'), ACTION_OPEN);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, KEYMAP_FN | KEY_ENTER), ACTION_OPEN);
    assert_int_equal(keymap_lookup(&km, VIEW_CREATE, '\n'), ACTION_SUBMIT);
    assert_int_equal(keymap_lookup(&km, VIEW_CREATE, KEYMAP_FN | KEY_DOWN), ACTION_NEXT_FIELD);
    assert_int_equal(keymap_lookup(&km, VIEW_OVERVIEW, 'd'), ACTION_NONE);   /* not in that view */
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, 'x'), ACTION_NONE);
    assert_string_equal(keymap_keys_of(&km, ACTION_DOWN, VIEW_TENANTS, buf, sizeof(buf)), "<Down> j");
    assert_string_equal(keymap_keys_of(&km, ACTION_CREATE, VIEW_TENANTS, buf, sizeof(buf)), "c");
    assert_string_equal(keymap_keys_of(&km, ACTION_NEXT_FIELD, VIEW_TENANTS, buf, sizeof(buf)), "");
}

static void test_readonly_drops_writes(void **state)
{
    struct keymap km;
    char buf[256];
    (void)state;
    keymap_init(&km, 1);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, 'c'), ACTION_NONE);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, 'd'), ACTION_NONE);
    assert_int_equal(keymap_lookup(&km, VIEW_TENANTS, 'q'), ACTION_QUIT);
    strcpy(buf, "cr");
    assert_int_equal(keymap_complete(buf, sizeof(buf), NULL, 0, 1, NULL, 0), 0);
}

static void test_action_commands(void **state)
{
    (void)state;
    assert_int_equal(action_by_command("nodes"), ACTION_NODES);
    assert_int_equal(action_by_command("q"), ACTION_QUIT_SHORT);
    assert_int_equal(action_by_command("tenant"), ACTION_TENANT);
    assert_int_equal(action_by_command("nosuch"), ACTION_NONE);
    assert_null(action_info(ACTION_NONE));
    assert_null(action_info(ACTION_COUNT));
}

static void test_complete(void **state)
{
    const char *const ids[] = {"acme", "acorn", "beta"};
    char line[64], shown[128];
    (void)state;
    strcpy(line, "no");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)), 1);
    assert_string_equal(line, "nodes ");
    strcpy(line, "te");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)), 2);
    assert_string_equal(line, "tenant");
    assert_string_equal(shown, "tenants tenant");
    strcpy(line, "tenant a");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)), 2);
    assert_string_equal(line, "tenant ac");
    assert_string_equal(shown, "acme acorn");
    strcpy(line, "tenant acm");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)), 1);
    assert_string_equal(line, "tenant acme ");
    strcpy(line, "delete b");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)), 1);
    assert_string_equal(line, "delete beta ");
    strcpy(line, "nodes x");        /* nodes takes no tenant */
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)), 0);
    assert_string_equal(line, "nodes x");
    strcpy(line, "zz");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)), 0);
    strcpy(line, "");
    assert_true(keymap_complete(line, sizeof(line), ids, 3, 0, shown, sizeof(shown)) > 5);
    assert_non_null(strstr(shown, "quit"));
    assert_null(strstr(shown, "q "));
}

/* :theme and :logs complete their argument from the list the caller
 * passes (theme names, tenant ids); :save-display takes a file, not one. */
static void test_complete_theme_and_logs(void **state)
{
    const char *themes[] = {"dark", "default", "light", "monochrome", "solarized-dark"};
    const char *ids[] = {"acme", "beta"};
    char line[64], shown[128];
    (void)state;
    strcpy(line, "theme so");
    assert_int_equal(keymap_complete(line, sizeof(line), themes, 5, 0, shown, sizeof(shown)), 1);
    assert_string_equal(line, "theme solarized-dark ");
    strcpy(line, "theme d");
    assert_int_equal(keymap_complete(line, sizeof(line), themes, 5, 0, shown, sizeof(shown)), 2);
    assert_string_equal(line, "theme d");
    assert_string_equal(shown, "dark default");
    strcpy(line, "logs b");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 2, 0, shown, sizeof(shown)), 1);
    assert_string_equal(line, "logs beta ");
    strcpy(line, "save-display a");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 2, 0, shown, sizeof(shown)), 0);
    strcpy(line, "sav");
    assert_int_equal(keymap_complete(line, sizeof(line), ids, 2, 0, shown, sizeof(shown)), 1);
    assert_string_equal(line, "save-display ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_key),
        cmocka_unit_test(test_key_names_round_trip),
        cmocka_unit_test(test_table_keys_parse),
        cmocka_unit_test(test_no_conflicts),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_readonly_drops_writes),
        cmocka_unit_test(test_action_commands),
        cmocka_unit_test(test_complete),
        cmocka_unit_test(test_complete_theme_and_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
