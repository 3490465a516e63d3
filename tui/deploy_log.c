/*
 * deploy_log.c - a bounded ring of output lines for the Deploy screen (see
 * deploy_log.h).  Bytes are sanitized as they arrive, so nothing a host
 * prints can reach the terminal as an escape sequence.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "deploy_log.h"

void deploy_log_clear(struct deploy_log *l)
{
    l->first = l->n = l->open = 0;
    l->dropped = 0;
    memset(l->text, 0, sizeof(l->text));
}

static char *slot(struct deploy_log *l, int i)
{
    return l->line[(l->first + i) % DEPLOY_LOG_LINES];
}

/* A new, empty, open line of stream (the oldest goes when full). */
static char *new_line(struct deploy_log *l, int stream)
{
    if (l->n == DEPLOY_LOG_LINES) {
        l->first = (l->first + 1) % DEPLOY_LOG_LINES;
        l->n--;
        l->dropped++;
    }
    l->n++;
    l->stream[(l->first + l->n - 1) % DEPLOY_LOG_LINES] = (unsigned char)stream;
    l->open = 1;
    char *s = slot(l, l->n - 1);
    s[0] = '\0';
    return s;
}

/* The open line of stream, or a new one. */
static char *open_line(struct deploy_log *l, int stream)
{
    if (l->n && l->open && l->stream[(l->first + l->n - 1) % DEPLOY_LOG_LINES] == stream)
        return slot(l, l->n - 1);
    return new_line(l, stream);
}

static void add_byte(struct deploy_log *l, int stream, char c)
{
    char *s;
    size_t len;

    if (c == '\n') {
        open_line(l, stream);
        l->open = 0;
        return;
    }
    s = open_line(l, stream);
    if (c == '\r') {
        s[0] = '\0';
        return;
    }
    len = strlen(s);
    /* full: continue on a new line, never inside a UTF-8 sequence */
    if (len + 1 >= DEPLOY_LOG_WIDTH ||
        (len + 5 >= DEPLOY_LOG_WIDTH && ((unsigned char)c & 0xc0) != 0x80)) {
        s = new_line(l, stream);
        len = 0;
    }
    s[len] = c == '\t' ? ' ' : c;
    s[len + 1] = '\0';
}

/* The text state of stream (an unknown stream shares the console's). */
static struct term_text_stream *text_of(struct deploy_log *l, int stream)
{
    return &l->text[stream == 1 || stream == 2 ? stream : 0];
}

static void add_bytes(struct deploy_log *l, int stream, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add_byte(l, stream, s[i]);
}

void deploy_log_add(struct deploy_log *l, int stream, const char *data, size_t len)
{
    enum { CHUNK = 1024 };
    char buf[TERM_TEXT_FEED_ROOM(CHUNK)];
    size_t n;

    while (len > 0) {
        n = len < CHUNK ? len : CHUNK;
        add_bytes(l, stream, buf, term_text_feed(text_of(l, stream), data, n, buf));
        data += n;
        len -= n;
    }
}

/* A remote stream ended: the bytes of a character it was cut inside. */
static void end_stream(struct deploy_log *l, int stream)
{
    char buf[TERM_TEXT_HELD + 1];

    add_bytes(l, stream, buf, term_text_flush(text_of(l, stream), buf));
}

void deploy_log_note(struct deploy_log *l, const char *text)
{
    end_stream(l, 1);
    end_stream(l, 2);
    if (l->open)
        l->open = 0;
    deploy_log_add(l, 0, text, strlen(text));
    deploy_log_add(l, 0, "\n", 1);
}

const char *deploy_log_line(const struct deploy_log *l, int i, int *stream)
{
    if (i < 0 || i >= l->n)
        return "";
    if (stream)
        *stream = l->stream[(l->first + i) % DEPLOY_LOG_LINES];
    return l->line[(l->first + i) % DEPLOY_LOG_LINES];
}

int deploy_log_count(const struct deploy_log *l)
{
    return l->n;
}
