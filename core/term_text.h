/*
 * term_text.h - untrusted text made safe to show on the operator's
 * terminal.
 *
 * A pod's log or a deploy host's output may hold anything: escape
 * sequences (ESC, and the C1 controls U+0080-U+009F, which some terminals
 * obey even when sent as UTF-8, e.g. U+009B as a CSI), bells, and bytes
 * that are not UTF-8 at all, which a terminal may take for the start of
 * a sequence.  Everything here maps such bytes to '?', one '?' per byte,
 * and keeps valid UTF-8 text whole, so a name like "café" or an emoji
 * shows as the host sent it.  Valid means: no overlong form, no surrogate
 * (U+D800-U+DFFF), nothing past U+10FFFF, and no C1 control.
 *
 * Two forms, with the same result on the same bytes:
 *   term_text_clean()  one whole buffer (a log line, an error message);
 *   term_text_feed()   a stream that arrives in chunks cut anywhere,
 *                      even inside a character: the cut character's
 *                      first bytes wait in a small state until the next
 *                      chunk completes it (or shows it invalid).
 *
 * Pure: no I/O, no allocation; tests/unit/test_term_text.c.
 */
#ifndef CORE_TERM_TEXT_H
#define CORE_TERM_TEXT_H

#include <stddef.h>

/* Copy len bytes of in to out (room for outlen bytes, NUL included) so
 * that no byte can drive a terminal: control bytes (C0, DEL, C1) and bytes
 * that are not valid UTF-8 become '?', a tab a space, and a trailing '\r'
 * goes (a CRLF line's CR).  A character that does not fit is left out
 * whole, never split.  out may be in (cleaning in place): the output is
 * never longer than the input.  Returns the length of out. */
size_t term_text_clean(const char *in, size_t len, char *out, size_t outlen);

/* ---- streams ---------------------------------------------------------- */

#define TERM_TEXT_HELD 3        /* a character's bytes a chunk may end inside */

/* One stream's state between chunks: the first bytes of a character the
 * last chunk ended inside.  The caller owns it, one per stream (stdout
 * and stderr are two streams), for as long as the stream runs; a zeroed
 * struct is a new stream.  Nothing in it needs freeing. */
struct term_text_stream {
    unsigned char held[TERM_TEXT_HELD + 1];    /* + the byte that decides them */
    unsigned char n;                           /* bytes held, at most 3 between calls */
};

/* The room out needs for term_text_feed() of len bytes: the bytes held
 * from before may come out too, and a NUL. */
#define TERM_TEXT_FEED_ROOM(len) ((len) + TERM_TEXT_HELD + 1)

/* Clean the next len bytes of st's stream into out, which has room for
 * TERM_TEXT_FEED_ROOM(len) bytes and does not overlap in.  As
 * term_text_clean(), except that tab, '\n' and '\r' pass unchanged (the
 * caller lays out lines), and a character cut at the end of in is held
 * in st, not replaced.  out is NUL-terminated; returns its length. */
size_t term_text_feed(struct term_text_stream *st, const char *in, size_t len, char *out);

/* The stream ended: the bytes of a character it ended inside become '?'
 * each, into out (room for TERM_TEXT_HELD + 1 bytes, NUL-terminated), and
 * st is a new stream again.  Returns the length of out (0 when nothing
 * was held). */
size_t term_text_flush(struct term_text_stream *st, char *out);

#endif
