/*
 * app.c - the console's event loop, key dispatch and scripted mode.
 *
 * One thread.  Each turn: draw if dirty (erase + one doupdate, so ncurses
 * sends only the cells that changed), then kube_client_wait() on the
 * client's transfers plus the terminal's fd (at most 250 ms, so clocks and
 * a pending SIGWINCH are seen), then model_tick(), then every key waiting.
 * A key goes to the ':'/'/' line when it is open, else to the view's raw
 * handler (forms), else through the keymap to the view's action handler,
 * else to the global actions here.  Handlers return APP_* flags.
 *
 * Scripted mode (ODOO_SAAS_SCRIPT) runs the same dispatch with keys from
 * the script, <wait:MS> pumping the event loop, <waitfor:TEXT> pumping it
 * until the screen shows TEXT (at most 10 s), <dump> writing the screen
 * text to ODOO_SAAS_DUMP, <resize:WxH> resizing the off-screen terminal,
 * <click:X,Y> a mouse click at column X, line Y.
 */
#include "config.h"

#define NCURSES_WIDECHAR 1
#include <ncurses.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "script_file.h"
#include "widgets.h"

#define LOOP_MS 250
#define WAITFOR_MS 10000

/* ---- views --------------------------------------------------------------- */

const struct view_ops *app_view(const struct app *a)
{
    return a->stack[a->depth - 1];
}

void app_push(struct app *a, const struct view_ops *v, const char *arg)
{
    if (a->depth < APP_STACK)
        a->depth++;
    a->stack[a->depth - 1] = v;
    if (v->enter)
        v->enter(a, arg);
    a->dirty = 1;
}

void app_pop(struct app *a)
{
    if (a->depth > 1)
        a->depth--;
    a->dirty = 1;
}

void app_switch(struct app *a, const struct view_ops *v, const char *arg)
{
    a->depth = 0;
    a->node[0] = '\0';
    app_push(a, v, arg);
}

void app_message(struct app *a, int error, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->message, sizeof(a->message), fmt, ap);
    va_end(ap);
    a->message_error = error;
    a->dirty = 1;
}

int app_busy(const struct app *a)
{
    return a->create.state == FORM_RUNNING || a->del.state == FORM_RUNNING ||
           view_deploy_busy(a);
}

struct list_state *app_list(struct app *a)
{
    return &a->lists[app_view(a)->index];
}

void form_steps_add(struct form_steps *s, const char *msg)
{
    if (s->n > 0 && !strcmp(s->line[s->n - 1], msg))
        return;
    if (s->n == FORM_STEPS) {
        memmove(s->line[0], s->line[1], sizeof(s->line[0]) * (FORM_STEPS - 1));
        s->n--;
    }
    snprintf(s->line[s->n++], sizeof(s->line[0]), "%s", msg);
}

void app_list_clamp(struct list_state *ls, int n, int rows)
{
    if (rows < 1)
        rows = 1;
    if (ls->sel >= n)
        ls->sel = n - 1;
    if (ls->sel < 0)
        ls->sel = 0;
    if (ls->top > ls->sel)
        ls->top = ls->sel;
    if (ls->sel >= ls->top + rows)
        ls->top = ls->sel - rows + 1;
    if (ls->top > (n > rows ? n - rows : 0))
        ls->top = n > rows ? n - rows : 0;
    if (ls->top < 0)
        ls->top = 0;
}

/* ---- global actions ------------------------------------------------------ */

static int move_selection(struct app *a, enum action act)
{
    const struct view_ops *v = app_view(a);
    struct list_state *ls = app_list(a);
    int n = v->count ? v->count(a) : 0, page = a->rows > 6 ? a->rows - 5 : 1;

    if (!v->count)
        return 0;
    switch (act) {
    case ACTION_UP: ls->sel--; break;
    case ACTION_DOWN: ls->sel++; break;
    case ACTION_PAGE_UP: ls->sel -= page; ls->top -= page; break;
    case ACTION_PAGE_DOWN: ls->sel += page; ls->top += page; break;
    case ACTION_HOME: ls->sel = 0; break;
    case ACTION_END: ls->sel = n - 1; break;
    default: return 0;
    }
    app_list_clamp(ls, n, page);
    return APP_HANDLED | APP_REDRAW;
}

static int go_tenant(struct app *a, const char *id)
{
    if (!id || !*id) {
        app_message(a, 1, "which tenant? :tenant ID (Tab completes)");
        return APP_HANDLED;
    }
    if (!model_tenant(&a->model, id)) {
        app_message(a, 1, "no tenant \"%s\"", id);
        return APP_HANDLED;
    }
    app_switch(a, &view_tenants, NULL);
    app_push(a, &view_tenant, id);
    return APP_HANDLED | APP_REDRAW;
}

static int back(struct app *a)
{
    struct list_state *ls = app_list(a);

    if (ls->filter[0]) {
        ls->filter[0] = '\0';
        ls->sel = ls->top = 0;
    } else if (a->depth > 1) {
        app_pop(a);
    } else if (app_view(a) != &view_overview) {
        app_switch(a, &view_overview, NULL);
    }
    return APP_HANDLED | APP_REDRAW;
}

/* What every view shares; arg from the ':' line or NULL. */
static int global_action(struct app *a, enum action act, const char *arg)
{
    switch (act) {
    case ACTION_QUIT:
    case ACTION_QUIT_SHORT:
        if (app_busy(a)) {
            a->confirm_quit = 1;
            return APP_HANDLED | APP_REDRAW;
        }
        return APP_HANDLED | APP_QUIT;
    case ACTION_HELP:
        a->help_for = app_view(a)->bit;
        app_push(a, &view_help, NULL);
        return APP_HANDLED | APP_REDRAW;
    case ACTION_COMMAND:
        a->input = ':';
        a->line[0] = '\0';
        return APP_HANDLED | APP_REDRAW;
    case ACTION_FILTER:
        if (!app_view(a)->count)
            return 0;
        if (arg) {
            snprintf(app_list(a)->filter, sizeof(app_list(a)->filter), "%s", arg);
            return APP_HANDLED | APP_REDRAW;
        }
        a->input = '/';
        snprintf(a->line, sizeof(a->line), "%s", app_list(a)->filter);
        return APP_HANDLED | APP_REDRAW;
    case ACTION_BACK: return back(a);
    case ACTION_OVERVIEW: app_switch(a, &view_overview, NULL); return APP_HANDLED | APP_REDRAW;
    case ACTION_NODES: app_switch(a, &view_nodes, NULL); return APP_HANDLED | APP_REDRAW;
    case ACTION_TENANTS: app_switch(a, &view_tenants, NULL); return APP_HANDLED | APP_REDRAW;
    case ACTION_TENANT: return go_tenant(a, arg);
    case ACTION_CREATE: app_push(a, &view_create, arg); return APP_HANDLED | APP_REDRAW;
    case ACTION_DELETE:
        if (!arg || !*arg) {
            app_message(a, 1, "which tenant? select one, or :delete ID");
            return APP_HANDLED;
        }
        app_push(a, &view_delete, arg);
        return APP_HANDLED | APP_REDRAW;
    case ACTION_LOGS:
    case ACTION_THEME:
    case ACTION_THEME_NEXT:
    case ACTION_SAVE_DISPLAY:
        return app_command(a, act, arg);
    case ACTION_DEPLOY:
        if (app_view(a) == &view_deploy)
            view_deploy.enter(a, arg);
        else
            app_push(a, &view_deploy, arg);
        return APP_HANDLED | APP_REDRAW;
    default:
        return move_selection(a, act);
    }
}

/* ---- the ':' and '/' line ------------------------------------------------ */

static int run_command(struct app *a, char *line)
{
    char *arg = line + strspn(line, " "), *word = arg;
    const struct action_info *ai;
    enum action act;
    int r;

    arg += strcspn(arg, " ");
    if (*arg)
        *arg++ = '\0';
    arg += strspn(arg, " ");
    for (char *e = arg + strlen(arg); e > arg && e[-1] == ' ';)
        *--e = '\0';
    if (!*word)
        return APP_HANDLED | APP_REDRAW;
    act = action_by_command(word);
    ai = action_info(act);
    if (!ai) {
        app_message(a, 1, "unknown command \"%s\" (Tab completes)", word);
        return APP_HANDLED | APP_REDRAW;
    }
    if (a->readonly && (ai->flags & ACTION_WRITES)) {
        app_message(a, 1, "%s: the console is --readonly", word);
        return APP_HANDLED | APP_REDRAW;
    }
    /* Without an argument a command is its key: the view may act first
     * (":sort", ":delete" on the selected tenant). */
    if (!*arg && (ai->views & app_view(a)->bit) && app_view(a)->action &&
        (r = app_view(a)->action(a, act)))
        return r;
    if ((r = global_action(a, act, *arg ? arg : NULL)))
        return r;
    app_message(a, 1, "%s does nothing in this view", word);
    return APP_HANDLED | APP_REDRAW;
}

static void tenant_ids(const struct app *a, const char **ids, size_t max, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < a->model.ntenants && *n < max; i++)
        ids[(*n)++] = a->model.tenants[i].st.id;
}

/* ':theme NA<Tab>': complete among the theme names; the matches, or -1
 * when the line is not a theme command. */
static int complete_theme(struct app *a, char *shown, size_t len)
{
    size_t n;
    char **names;
    int matches;

    if (strncmp(a->line, "theme ", 6))
        return -1;
    names = theme_names(theme_search_dirs(), &n);
    matches = keymap_complete(a->line, sizeof(a->line), (const char *const *)names, n, a->readonly, shown, len);
    theme_names_free(names, n);
    return matches;
}

static void complete(struct app *a)
{
    size_t n;
    const char **ids;
    char shown[256];
    int matches = complete_theme(a, shown, sizeof(shown));

    if (matches < 0) {
        if (!(ids = malloc((a->model.ntenants + 1) * sizeof(*ids))))
            return;
        tenant_ids(a, ids, a->model.ntenants, &n);
        matches = keymap_complete(a->line, sizeof(a->line), ids, n, a->readonly, shown, sizeof(shown));
        free(ids);
    }
    if (matches > 1)
        app_message(a, 0, "%s", shown);
    else if (!matches)
        app_message(a, 1, "no completion");
    else
        a->message[0] = '\0';
}

static int line_key(struct app *a, int key)
{
    size_t len = strlen(a->line);
    int ch = keymap_key_char(key), mode = a->input;

    if (key == KEY_ESCAPE) {
        a->input = 0;
        a->line[0] = '\0';      /* '/' then Esc: no filter */
    } else if (keymap_is_enter(key)) {
        a->input = 0;
        if (mode == ':') {
            char line[sizeof(a->line)];
            snprintf(line, sizeof(line), "%s", a->line);
            a->message[0] = '\0';
            return run_command(a, line);
        }
    } else if (keymap_is_backspace(key)) {
        if (len == 0)
            a->input = 0;
        else
            while (len > 0 && ((unsigned char)a->line[--len] & 0xc0) == 0x80)
                ;
        a->line[len] = '\0';
    } else if (key == KEY_TAB && mode == ':') {
        complete(a);
    } else if (ch && len + 5 < sizeof(a->line)) {
        char buf[8];
        int n = snprintf(buf, sizeof(buf), "%lc", (wint_t)ch);
        if (n > 0)
            memcpy(a->line + len, buf, (size_t)n + 1);
    }
    if (mode == '/') {
        struct list_state *ls = app_list(a);
        snprintf(ls->filter, sizeof(ls->filter), "%s", a->line);
        ls->sel = ls->top = 0;
    }
    return APP_HANDLED | APP_REDRAW;
}

/* ---- dispatch ------------------------------------------------------------ */

static int dispatch(struct app *a, int key)
{
    const struct view_ops *v = app_view(a);
    enum action act;
    int r;

    if (a->confirm_quit) {
        a->confirm_quit = 0;
        return key == 'y' || key == 'Y' ? APP_QUIT : APP_REDRAW;
    }
    if (a->input)
        return line_key(a, key);
    if (v->key && (r = v->key(a, key)))
        return r;
    if ((act = keymap_lookup(&a->keymap, v->bit, key)) == ACTION_NONE)
        return 0;
    if (v->action && (r = v->action(a, act)))
        return r;
    return global_action(a, act, NULL);
}

void app_key(struct app *a, int key)
{
    int r;

    if (!a->input && !a->confirm_quit && a->message[0]) {
        a->message[0] = '\0';
        a->dirty = 1;
    }
    r = dispatch(a, key);
    if (r & APP_QUIT)
        a->quit = 1;
    if (r & APP_REDRAW)
        a->dirty = 1;
}

/* ---- drawing ------------------------------------------------------------- */

static void draw_quit_dialog(struct app *a)
{
    const char *lines[] = {
        view_deploy_busy(a) ? "A deployment is running; quitting stops it."
        : a->create.state == FORM_RUNNING ? "A tenant is being created." : "A tenant is being deleted.",
        "Quit anyway? The cluster keeps going; a rerun resumes.",
        "",
        "y: quit     any other key: stay",
    };
    widget_dialog(a, "Work in flight", lines, 4);
}

void app_draw(struct app *a)
{
    if (!a->dirty)
        return;
    getmaxyx(stdscr, a->rows, a->cols);
    erase();
    a->cursor_y = -1;
    if (a->rows < 6 || a->cols < 30) {
        widget_text(a, 0, 0, a->cols, THEME_ERROR, "terminal too small", 0);
    } else {
        widget_title(a);
        app_view(a)->draw(a, 1, a->rows - 2);
        if (a->confirm_quit)
            draw_quit_dialog(a);
        widget_status(a);
    }
    if (a->input)
        getyx(stdscr, a->cursor_y, a->cursor_x);
    if (a->cursor_y >= 0)
        move(a->cursor_y, a->cursor_x);
    curs_set(a->cursor_y >= 0 ? 1 : 0);
    wnoutrefresh(stdscr);
    doupdate();
    a->dirty = 0;
    if (a->max_frames > 0 && ++a->frames >= a->max_frames)
        a->quit = 1;    /* --max-frames: sanitizer smoke runs */
}

/* ---- the loop ------------------------------------------------------------ */

/* Wait up to ms for network or terminal input; 1 when the model changed. */
/* Returns 1 when fd (>= 0) became readable. */
static int pump(struct app *a, int ms, int fd)
{
    short dev;
    int dfd = view_deploy_fd(a, &dev);   /* a running deployment's socket, or -1 */
    /* [0] the terminal, [1] the deployment; wait on those that are >= 0 */
    struct curl_waitfd wfd[2] = {{.fd = fd, .events = CURL_WAIT_POLLIN},
                                 {.fd = dfd, .events = (dev & POLLIN ? CURL_WAIT_POLLIN : 0) |
                                                       (dev & POLLOUT ? CURL_WAIT_POLLOUT : 0)}};
    struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN}, {.fd = dfd, .events = dev}};
    int ready = 0, at = fd >= 0 ? 0 : 1, n = (fd >= 0) + (dfd >= 0);

    if (a->client) {
        kube_client_wait(a->client, ms, n ? &wfd[at] : NULL, (unsigned)n);
        ready = fd >= 0 && (wfd[0].revents & CURL_WAIT_POLLIN);
    } else if (n) {
        ready = poll(&pfd[at], (nfds_t)n, ms) > 0 && fd >= 0 && pfd[0].revents;
    } else if (ms > 0) {
        nanosleep(&(struct timespec){ms / 1000, ms % 1000 * 1000000L}, NULL);
    }
    view_deploy_pump(a);   /* when its socket is ready, and at least every LOOP_MS */
    if (model_tick(&a->model)) {
        view_delete_follow(a);
        a->dirty = 1;
    }
    view_logs_tick(a);
    view_tenant_tick(a);
    return ready;
}

/* The terminal hung up (an SSH session dropped): it reads as ready for
 * ever with nothing to read, so the loop would spin. */
static int terminal_gone(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* Every key waiting; returns how many were read. */
static int read_keys(struct app *a)
{
    wint_t wch;
    int r, n = 0;

    while ((r = get_wch(&wch)) != ERR) {
        n++;
        if (r == KEY_CODE_YES && wch == KEY_RESIZE) {
            a->dirty = 1;
            continue;
        }
        if (r == KEY_CODE_YES && wch == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) == OK && (ev.bstate & BUTTON1_PRESSED))
                app_click(a, ev.y, ev.x);
            continue;
        }
        app_key(a, r == KEY_CODE_YES ? (int)(KEYMAP_FN | wch) : (int)wch);
        if (a->quit)
            break;
    }
    return n;
}

static int interactive(struct app *a)
{
    time_t last = 0;

    while (!a->quit && !(a->stop && *a->stop)) {
        app_draw(a);
        int ready = pump(a, LOOP_MS, fileno(stdin));
        if (!read_keys(a) && ready && terminal_gone(fileno(stdin)))
            a->quit = 1;
        if (time(NULL) != last) {     /* ages and clocks: ncurses sends only what changed */
            last = time(NULL);
            a->dirty = 1;
        }
    }
    return 0;
}

/* Line y of the screen as UTF-8 text, trailing blanks cut. */
static char *screen_line(struct app *a, int y, char *out, size_t len)
{
    wchar_t line[1024];
    size_t at = 0;
    int n = mvinnwstr(y, 0, line, a->cols < 1023 ? a->cols : 1023);

    if (n < 0)
        n = 0;
    while (n > 0 && line[n - 1] == L' ')
        n--;
    for (int i = 0; i < n && at + 5 < len; i++) {
        unsigned long c = (unsigned long)line[i];
        if (c < 0x80) {
            out[at++] = (char)c;
        } else if (c < 0x800) {
            out[at++] = (char)(0xc0 | c >> 6);
            out[at++] = (char)(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out[at++] = (char)(0xe0 | c >> 12);
            out[at++] = (char)(0x80 | (c >> 6 & 0x3f));
            out[at++] = (char)(0x80 | (c & 0x3f));
        } else {
            out[at++] = (char)(0xf0 | c >> 18);
            out[at++] = (char)(0x80 | (c >> 12 & 0x3f));
            out[at++] = (char)(0x80 | (c >> 6 & 0x3f));
            out[at++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[at] = '\0';
    return out;
}

/* The screen as text: a "=== dump N (WxH) ===" line, then each line. */
static void write_screen(struct app *a, FILE *f, int n)
{
    char line[4096];

    fprintf(f, "=== dump %d (%dx%d) ===\n", n, a->cols, a->rows);
    for (int y = 0; y < a->rows; y++)
        fprintf(f, "%s\n", screen_line(a, y, line, sizeof(line)));
}

/* The screen as text, appended to the dump file. */
static void dump(struct app *a)
{
    FILE *f;

    if (!a->dump_path || !(f = fopen(a->dump_path, "a")))
        return;
    write_screen(a, f, ++a->dumps);
    fclose(f);
}

int app_save_display(struct app *a, const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return -1;
    write_screen(a, f, 1);
    return fclose(f) == 0 ? 0 : -1;
}

static int screen_has(struct app *a, const char *text)
{
    char line[4096];

    for (int y = 0; y < a->rows; y++)
        if (strstr(screen_line(a, y, line, sizeof(line)), text))
            return 1;
    return 0;
}

/* Pump the loop for ms milliseconds, drawing as things change; stop early
 * once the screen shows until (when not NULL). */
static void script_wait(struct app *a, long ms, const char *until)
{
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long done = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (done >= ms || (until && screen_has(a, until)) || a->quit)
            break;
        pump(a, (int)(ms - done < 50 ? ms - done : 50), -1);
        app_draw(a);
    }
}

/* A <word:arg> directive of the script; bytes used, or 0 when s is not one. */
static int directive(struct app *a, const char *s)
{
    long v;
    int w, h, n = 0;

    if (sscanf(s, "<wait:%ld>%n", &v, &n) == 1 && n > 0) {
        script_wait(a, v, NULL);
        return n;
    }
    if (!strncmp(s, "<waitfor:", 9) && strchr(s, '>')) {
        char text[256];
        n = (int)(strchr(s, '>') - s);
        snprintf(text, sizeof(text), "%.*s", n - 9, s + 9);
        app_draw(a);
        script_wait(a, WAITFOR_MS, text);
        return n + 1;
    }
    if (!strncmp(s, "<dump>", 6)) {
        app_draw(a);
        dump(a);
        return 6;
    }
    if (sscanf(s, "<click:%d,%d>%n", &w, &h, &n) == 2 && n > 0) {
        app_click(a, h, w);           /* <click:X,Y>: column X, line Y */
        app_draw(a);
        return n;
    }
    if (sscanf(s, "<resize:%dx%d>%n", &w, &h, &n) == 2 && n > 0) {
        resize_term(h, w);
        a->dirty = 1;
        return n;
    }
    return 0;
}

static int scripted(struct app *a, const char *script)
{
    const char *p = script;

    while (*p && !a->quit) {
        int key, used = directive(a, p);
        if (used) {
            p += used;
            continue;
        }
        if ((used = keymap_parse_key(p, &key)) < 0) {
            app_draw(a);
            dump(a);
            endwin();
            fprintf(stderr, "odoo-saas: ODOO_SAAS_SCRIPT: unknown key at \"%.20s\"\n", p);
            return 1;
        }
        p += used;
        app_key(a, key);
        pump(a, 0, -1);
        app_draw(a);
    }
    a->dirty = 1;
    app_draw(a);
    dump(a);
    return 0;
}

int app_run(struct app *a, const char *script)
{
    struct os_error err;
    char *text;
    int rc;

    a->dirty = 1;
    a->max_frames = a->cli ? a->cli->max_frames : 0;
    if (!script)
        return interactive(a);
    /* ODOO_SAAS_SCRIPT holds the keys, or names a file that does. */
    if (!(text = script_load(script, &err))) {
        endwin();
        fprintf(stderr, "odoo-saas: ODOO_SAAS_SCRIPT: %s\n", err.message);
        return 1;
    }
    rc = scripted(a, text);
    free(text);
    return rc;
}
