/*
 * console.h - the full-screen console: `odoo-saas` with no command.
 *
 * Opens the terminal (ncursesw), starts watching the cluster named by the
 * CLI's global options and runs the event loop until the operator quits.
 * The cluster need not be reachable: the console opens and says so.
 *
 * Environment: NO_COLOR (no colour at all), ODOO_SAAS_SCRIPT (keys to feed
 * instead of the terminal: scripted, off-screen mode on /dev/null sized by
 * LINES/COLUMNS; keys as in keymap.h ("q", "<Enter>", "<Esc>", "<C-f>")
 * plus <wait:MS>, <waitfor:TEXT> (at most 10 s), <resize:WxH> and <dump>;
 * the console exits when the script ends), ODOO_SAAS_DUMP (file the
 * screen text is appended to at each <dump> and at the end of a script,
 * each screen after a line "=== dump N (WxH) ===").
 * SIGINT, SIGTERM and SIGHUP end the console cleanly.
 */
#ifndef TUI_CONSOLE_H
#define TUI_CONSOLE_H

#include "cli.h"

/* theme: --theme NAME or NULL (default; monochrome under NO_COLOR).
 * Returns the exit status: 0, or 1 when the terminal could not be used. */
int console_run(struct cli *cli, const char *theme);

#endif
