/*
 * script_file.h - where the scripted mode's keys come from.
 *
 * ODOO_SAAS_SCRIPT holds the keys themselves ("3/acme<Enter><dump>"), or
 * names a readable file that holds them.  In a file, a line whose first
 * character is '#' is a comment, and line breaks only separate: a key is
 * always written, <Enter> included, so a long script can be laid out one
 * step per line.
 */
#ifndef TUI_SCRIPT_FILE_H
#define TUI_SCRIPT_FILE_H

#include "error.h"

#define SCRIPT_FILE_MAX (1u << 20)

/* The script value names: a new string (free it), or NULL with err set
 * (an unreadable or too large file). */
char *script_load(const char *value, struct os_error *err);

/* The keys of a script file's text: comments and line breaks removed.  A
 * new string (free it), or NULL when out of memory. */
char *script_from_text(const char *text);

#endif
