/*
 * actions.h - every console action, once: the X-macro table that feeds the
 * keymap (default keys), the `?` help screen and the `:` command line and
 * its Tab completion, so the three cannot disagree (the tig habit).
 *
 * X(ID, command, keys, args, views, flags, help)
 *   command  name on the ':' line, or NULL (key only)
 *   keys     default keys, space-separated: "q", "<Up> k", "<C-f>"
 *   args     what the command takes after its name ("ID"), or ""
 *   views    VIEW_* bits where the action applies
 *   flags    ACTION_WRITES: changes the cluster (hidden by --readonly)
 *            ACTION_ARG_TENANT: the argument completes to tenant ids
 *            ACTION_ARG_THEME: the argument completes to theme names
 */
#ifndef TUI_ACTIONS_H
#define TUI_ACTIONS_H

enum view_bit {
    VIEW_OVERVIEW = 1 << 0,
    VIEW_NODES = 1 << 1,
    VIEW_TENANTS = 1 << 2,
    VIEW_TENANT = 1 << 3,
    VIEW_CREATE = 1 << 4,
    VIEW_DELETE = 1 << 5,
    VIEW_HELP = 1 << 6,
    VIEW_LOGS = 1 << 7,
    VIEW_DEPLOY = 1 << 8,
};

#define VIEW_BROWSE (VIEW_OVERVIEW | VIEW_NODES | VIEW_TENANTS | VIEW_TENANT | VIEW_HELP | VIEW_LOGS | VIEW_DEPLOY)
#define VIEW_LISTS (VIEW_NODES | VIEW_TENANTS | VIEW_TENANT | VIEW_HELP | VIEW_LOGS | VIEW_DEPLOY)
#define VIEW_ALL (VIEW_BROWSE | VIEW_CREATE | VIEW_DELETE)

enum { ACTION_WRITES = 1, ACTION_ARG_TENANT = 2, ACTION_ARG_THEME = 4 };

#define ACTIONS(X) \
    X(QUIT, "quit", "q", "", VIEW_ALL, 0, "quit (asks first when work is in flight)") \
    X(QUIT_SHORT, "q", "", "", VIEW_ALL, 0, "quit, like q") \
    X(HELP, "help", "? <F1>", "", VIEW_ALL, 0, "show the keys of this view") \
    X(COMMAND, NULL, ":", "", VIEW_BROWSE, 0, "command line (Tab completes, Esc cancels)") \
    X(BACK, NULL, "<Esc>", "", VIEW_ALL, 0, "clear the filter, else go back") \
    X(OVERVIEW, "overview", "1", "", VIEW_BROWSE, 0, "the overview") \
    X(NODES, "nodes", "2", "", VIEW_BROWSE, 0, "the nodes") \
    X(TENANTS, "tenants", "3", "", VIEW_BROWSE, 0, "the tenants") \
    X(TENANT, "tenant", "", "ID", VIEW_ALL, ACTION_ARG_TENANT, "one tenant in detail") \
    X(UP, NULL, "<Up> k", "", VIEW_LISTS, 0, "move up") \
    X(DOWN, NULL, "<Down> j", "", VIEW_LISTS, 0, "move down") \
    X(PAGE_UP, NULL, "<PgUp> <C-b>", "", VIEW_LISTS, 0, "page up") \
    X(PAGE_DOWN, NULL, "<PgDn> <C-f>", "", VIEW_LISTS, 0, "page down") \
    X(HOME, NULL, "<Home> g", "", VIEW_LISTS, 0, "first row") \
    X(END, NULL, "<End> G", "", VIEW_LISTS, 0, "last row") \
    X(OPEN, NULL, "<Enter>", "", VIEW_NODES | VIEW_TENANTS, 0, \
      "open the selected row (a node lists its tenants)") \
    X(FILTER, "filter", "/", "TEXT", VIEW_NODES | VIEW_TENANTS, 0, "filter the rows (Esc clears)") \
    X(SORT, "sort", "s", "", VIEW_NODES | VIEW_TENANTS, 0, "sort by the next column") \
    X(SORT_REVERSE, NULL, "S", "", VIEW_NODES | VIEW_TENANTS, 0, "reverse the sort") \
    X(CREATE, "create", "c", "", VIEW_BROWSE, ACTION_WRITES, "create a tenant") \
    X(DELETE, "delete", "d", "ID", VIEW_TENANTS | VIEW_TENANT, ACTION_WRITES | ACTION_ARG_TENANT, \
      "delete the selected tenant (type its id to confirm)") \
    X(NEXT_FIELD, NULL, "<Tab> <Down>", "", VIEW_CREATE, 0, "next field") \
    X(PREV_FIELD, NULL, "<BTab> <Up>", "", VIEW_CREATE, 0, "previous field") \
    X(CHOICE, NULL, "<Left> <Right>", "", VIEW_CREATE, 0, "change the tier") \
    X(SUBMIT, NULL, "<Enter>", "", VIEW_CREATE | VIEW_DELETE, ACTION_WRITES, \
      "create / delete once every field is valid") \
    X(LOGS, "logs", "l", "ID", VIEW_TENANTS | VIEW_TENANT, ACTION_ARG_TENANT, \
      "follow Odoo's log (in the detail: the selected pod's)") \
    X(NEXT_POD, NULL, "p", "", VIEW_LOGS, 0, "follow the tenant's next pod") \
    X(THEME, "theme", "", "NAME", VIEW_ALL, ACTION_ARG_THEME, "switch the colour theme (Tab completes)") \
    X(THEME_NEXT, NULL, "T", "", VIEW_BROWSE, 0, "cycle through the colour themes") \
    X(SAVE_DISPLAY, "save-display", "", "FILE", VIEW_ALL, 0, "write the screen as text to FILE") \
    X(SCROLL_LEFT, NULL, "<Left>", "", VIEW_LOGS, 0, "scroll long lines back left") \
    X(SCROLL_RIGHT, NULL, "<Right>", "", VIEW_LOGS, 0, "scroll long lines right") \
    X(DEPLOY, "deploy", "", "USER@HOST", VIEW_ALL, 0, \
      "the Deploy screen: install the platform on a host over SSH") \
    X(DEPLOY_START, NULL, "<Enter>", "", VIEW_DEPLOY, 0, "deploy to the selected host (a rerun resumes)") \
    X(DEPLOY_PLAN, NULL, "p", "", VIEW_DEPLOY, 0, "toggle the plan: the next run only checks") \
    X(DEPLOY_ACCEPT, NULL, "a", "", VIEW_DEPLOY, ACTION_WRITES, \
      "accept the unknown host key shown, record it and deploy")

enum action {
    ACTION_NONE = 0,
#define X(id, cmd, keys, args, views, flags, help) ACTION_##id,
    ACTIONS(X)
#undef X
    ACTION_COUNT
};

struct action_info {
    const char *id;        /* "QUIT" */
    const char *command;   /* "quit" or NULL */
    const char *keys;
    const char *args;
    unsigned views;
    unsigned flags;
    const char *help;
};

/* The row of action a (ACTION_NONE < a < ACTION_COUNT), else NULL. */
const struct action_info *action_info(enum action a);
/* The action whose command is name, else ACTION_NONE. */
enum action action_by_command(const char *name);

#endif
