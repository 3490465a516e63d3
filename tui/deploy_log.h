/*
 * deploy_log.h - the Deploy screen's output pane as data: the remote
 * output of a run, split into lines, made safe for the terminal and
 * bounded (the oldest lines fall off), with no terminal needed, so the
 * unit tests can check it.
 */
#ifndef TUI_DEPLOY_LOG_H
#define TUI_DEPLOY_LOG_H

#include <stddef.h>

#include "term_text.h"

#define DEPLOY_LOG_LINES 500
#define DEPLOY_LOG_WIDTH 200      /* bytes a line holds; longer ones continue on the next */

struct deploy_log {
    char line[DEPLOY_LOG_LINES][DEPLOY_LOG_WIDTH];   /* a ring, NUL-terminated lines */
    unsigned char stream[DEPLOY_LOG_LINES];          /* 1 stdout, 2 stderr, 0 the console's */
    int first, n;                 /* the oldest line's slot, how many lines */
    int open;                     /* the newest line awaits its newline */
    size_t dropped;               /* lines that fell off the top */
    struct term_text_stream text[3];   /* per stream: a character cut between chunks */
};

void deploy_log_clear(struct deploy_log *l);
/* Append len bytes of stream (1 stdout, 2 stderr): control bytes and
 * invalid UTF-8 become '?' (term_text_feed(), a character cut between
 * chunks is kept whole), a tab a space, '\n' ends a line, '\r' starts the
 * open line over (so a progress bar shows its latest state), and a line
 * open on the other stream is ended first. */
void deploy_log_add(struct deploy_log *l, int stream, const char *data, size_t len);
/* Add a whole line of the console's own (stream 0).  The console notes
 * only between steps, so the remote streams have ended: a character one
 * ended inside shows as '?' first. */
void deploy_log_note(struct deploy_log *l, const char *text);
/* Line i, 0 the oldest of deploy_log_count(); its stream in *stream when
 * not NULL.  The text is l's. */
const char *deploy_log_line(const struct deploy_log *l, int i, int *stream);
int deploy_log_count(const struct deploy_log *l);

#endif
