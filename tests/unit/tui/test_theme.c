/*
 * test_theme.c - theme files (tui/theme.c): the grammar, errors naming the
 * line, the fallback to default, the shipped themes, colour reduction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "theme.h"

static void test_parse(void **state)
{
    struct theme t;
    struct os_error err;
    (void)state;
    theme_default(&t);
    assert_int_equal(theme_parse("t", "# comment\n\n title = white on blue, bold \n"
                                      "dim = bright-black\nmeter-used = color34, underline, bold\n"
                                      "row = 200 on default\nrow-selected = reverse\n", &t, &err), 0);
    assert_int_equal(t.style[THEME_TITLE].fg, 7);
    assert_int_equal(t.style[THEME_TITLE].bg, 4);
    assert_int_equal(t.style[THEME_TITLE].attrs, THEME_A_BOLD);
    assert_int_equal(t.style[THEME_DIM].fg, 8);
    assert_int_equal(t.style[THEME_METER_USED].fg, 34);
    assert_int_equal(t.style[THEME_METER_USED].attrs, THEME_A_BOLD | THEME_A_UNDERLINE);
    assert_int_equal(t.style[THEME_ROW].fg, 200);
    assert_int_equal(t.style[THEME_ROW].bg, THEME_DEFAULT_COLOR);
    assert_int_equal(t.style[THEME_ROW_SELECTED].fg, THEME_DEFAULT_COLOR);
    assert_int_equal(t.style[THEME_ROW_SELECTED].attrs, THEME_A_REVERSE);
}

static void check_error(const char *text, const char *want)
{
    struct theme t, before;
    struct os_error err;

    theme_default(&t);
    before = t;
    assert_int_equal(theme_parse("x.theme", text, &t, &err), OS_ERR_PARSE);
    if (!strstr(err.message, want))
        fail_msg("\"%s\" does not contain \"%s\"", err.message, want);
    assert_memory_equal(&t, &before, sizeof(t));     /* untouched */
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    check_error("title = red\nrow = purple\n", "x.theme:2: unknown colour");
    check_error("nosuchrole = red\n", "x.theme:1: unknown role");
    check_error("title red\n", "x.theme:1: expected 'role = colour'");
    check_error("title = red on\n", "x.theme:1: unknown background");
    check_error("title = red over blue\n", "x.theme:1: expected 'on BACKGROUND'");
    check_error("title = red, blinking\n", "x.theme:1: unknown attribute");
    check_error("title = color256\n", "unknown colour");
    check_error("\n\n\ntitle = red ; x\n", "x.theme:4: unexpected text");
}

static void test_shipped_default_matches_builtin(void **state)
{
    struct theme builtin, file;
    struct os_error err;
    const char *const dirs[] = {OS_THEMES_SRCDIR, NULL};
    (void)state;
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    theme_default(&builtin);
    memset(&file, 0, sizeof(file));
    for (int i = 0; i < THEME_NROLES; i++)
        file.style[i] = (struct theme_style){-1, -1, 99};
    {
        FILE *f = fopen(OS_THEMES_SRCDIR "/default.theme", "r");
        char text[8192];
        size_t n;
        assert_non_null(f);
        n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        assert_int_equal(theme_parse("default", text, &file, &err), 0);
    }
    assert_memory_equal(file.style, builtin.style, sizeof(file.style));
    (void)dirs;
}

static void test_shipped_themes_load(void **state)
{
    static const char *const names[] = {"default", "dark", "light", "solarized-dark", "monochrome"};
    const char *const dirs[] = {OS_THEMES_SRCDIR, NULL};
    struct theme t;
    struct os_error err;
    (void)state;
    setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (theme_load(names[i], dirs, &t, &err) < 0)
            fail_msg("%s: %s", names[i], err.message);
        assert_string_equal(t.name, names[i]);
    }
    assert_int_equal(theme_load("monochrome", dirs, &t, &err), 0);
    for (int r = 0; r < THEME_NROLES; r++)
        assert_int_equal(t.style[r].fg, THEME_DEFAULT_COLOR);
}

static void test_user_theme_and_fallback(void **state)
{
    char dir[] = "/tmp/test_theme.XXXXXX", path[256];
    const char *const dirs[] = {OS_THEMES_SRCDIR, NULL};
    struct theme t, def;
    struct os_error err;
    FILE *f;
    (void)state;
    assert_non_null(mkdtemp(dir));
    setenv("XDG_CONFIG_HOME", dir, 1);
    snprintf(path, sizeof(path), "%s/odoo-saas", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/odoo-saas/themes", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/odoo-saas/themes/mine.theme", dir);
    f = fopen(path, "w");
    fputs("title = magenta\n", f);
    fclose(f);
    assert_int_equal(theme_load("mine", dirs, &t, &err), 0);
    assert_int_equal(t.style[THEME_TITLE].fg, 5);
    snprintf(path, sizeof(path), "%s/odoo-saas/themes/broken.theme", dir);
    f = fopen(path, "w");
    fputs("title = magenta\n\nrow = nocolour\n", f);
    fclose(f);
    theme_default(&def);
    assert_int_equal(theme_load("broken", dirs, &t, &err), OS_ERR_PARSE);
    assert_non_null(strstr(err.message, "broken.theme:3"));
    assert_non_null(strstr(err.message, "using default"));
    assert_memory_equal(t.style, def.style, sizeof(t.style));
    assert_int_equal(theme_load("nosuch", dirs, &t, &err), OS_ERR_IO);
    assert_memory_equal(t.style, def.style, sizeof(t.style));
    remove(path);
    snprintf(path, sizeof(path), "%s/odoo-saas/themes/mine.theme", dir);
    remove(path);
    snprintf(path, sizeof(path), "%s/odoo-saas/themes", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/odoo-saas", dir);
    rmdir(path);
    rmdir(dir);
}

static void test_color_down(void **state)
{
    int bold;
    (void)state;
    assert_int_equal(theme_color_down(3, 8, &bold), 3);
    assert_int_equal(bold, 0);
    assert_int_equal(theme_color_down(-1, 8, &bold), -1);
    assert_int_equal(theme_color_down(9, 8, &bold), 1);     /* bright red -> red + bold */
    assert_int_equal(bold, 1);
    assert_int_equal(theme_color_down(9, 16, &bold), 9);
    assert_int_equal(theme_color_down(196, 8, &bold), 1);   /* pure red in the cube */
    assert_int_equal(theme_color_down(21, 8, &bold), 4);    /* pure blue */
    assert_int_equal(theme_color_down(231, 8, &bold), 7);   /* white */
    assert_int_equal(theme_color_down(16, 8, &bold), 0);    /* black */
    assert_int_equal(theme_color_down(234, 8, &bold), 0);   /* a dark grey */
    assert_int_equal(theme_color_down(34, 256, &bold), 34);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_shipped_default_matches_builtin),
        cmocka_unit_test(test_shipped_themes_load),
        cmocka_unit_test(test_user_theme_and_fallback),
        cmocka_unit_test(test_color_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
