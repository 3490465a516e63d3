/*
 * term_text.c - untrusted text made safe for a terminal (see term_text.h).
 *
 * One decoder, utf8_scan(), decides what the bytes at a position start:
 * a whole valid character, a byte that must become '?', or (only at the
 * end of the bytes there are) a character that is cut but could still be
 * valid.  term_text_clean() treats a cut character as invalid, since its
 * buffer is all there is; term_text_feed() holds it for the next chunk.
 * Invalid bytes become '?' one at a time, so both give the same output
 * however a stream is cut.
 */
#include "config.h"

#include <string.h>

#include "term_text.h"

enum { UTF8_BAD = 0, UTF8_CUT = -1 };

/* The bytes a character with this lead byte takes, or 0 when it cannot
 * lead one (ASCII is handled before; 0xc0/0xc1 only lead overlong
 * forms, 0xf5 and up only code points past U+10FFFF). */
static int utf8_need(unsigned char lead)
{
    if (lead < 0xc2 || lead > 0xf4)
        return 0;
    return lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/* Whether b may follow lead as a character's second byte.  Narrower than
 * 0x80-0xbf exactly where a wider range would let in a C1 control (after
 * 0xc2), an overlong form (0xe0, 0xf0), a surrogate (0xed), or a code
 * point past U+10FFFF (0xf4): the second byte decides each of them. */
static int second_ok(unsigned char lead, unsigned char b)
{
    switch (lead) {
    case 0xc2: return b >= 0xa0 && b <= 0xbf;
    case 0xe0: return b >= 0xa0 && b <= 0xbf;
    case 0xed: return b >= 0x80 && b <= 0x9f;
    case 0xf0: return b >= 0x90 && b <= 0xbf;
    case 0xf4: return b >= 0x80 && b <= 0x8f;
    default:   return b >= 0x80 && b <= 0xbf;
    }
}

/* What the avail (>= 1) bytes at s start, s[0] >= 0x80: the length of a
 * whole valid character, UTF8_BAD when s[0] must become '?', or UTF8_CUT
 * when the bytes end inside a character that may still be valid. */
static int utf8_scan(const unsigned char *s, size_t avail)
{
    int need = utf8_need(s[0]);

    if (!need)
        return UTF8_BAD;
    for (int i = 1; i < need; i++) {
        if ((size_t)i == avail)
            return UTF8_CUT;
        if (i == 1 ? !second_ok(s[0], s[1]) : (s[i] & 0xc0) != 0x80)
            return UTF8_BAD;
    }
    return need;
}

/* A single byte as shown: printable ASCII as is, any other '?'. */
static char safe_byte(unsigned char c)
{
    return c < 0x20 || c >= 0x7f ? '?' : (char)c;
}

size_t term_text_clean(const char *in, size_t len, char *out, size_t outlen)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, at = 0;

    if (!outlen)
        return 0;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    while (i < len && at + 1 < outlen) {
        int n = s[i] < 0x80 ? 1 : utf8_scan(s + i, len - i);
        if (n > 1) {
            if (at + (size_t)n >= outlen)
                break;          /* no room for the whole character: never split it */
            memmove(out + at, s + i, (size_t)n);    /* out may be in */
        } else {
            out[at] = s[i] == '\t' ? ' ' : safe_byte(s[i]);
            n = 1;
        }
        at += (size_t)n;
        i += (size_t)n;
    }
    out[at] = '\0';
    return at;
}

/* First finish the character st holds with the bytes of in (len of them):
 * *used is how many it took.  Writes the character, or when it proves
 * invalid a '?' for each byte before the one that showed it (that byte
 * was not part of it, so it goes back to in).  Returns the bytes written;
 * st->n stays nonzero when in ran out first. */
static size_t resume(struct term_text_stream *st, const unsigned char *in, size_t len,
                     size_t *used, char *out)
{
    size_t at = 0;
    int n;

    *used = 0;
    while (st->n && *used < len) {
        st->held[st->n++] = in[(*used)++];
        n = utf8_scan(st->held, st->n);
        if (n == UTF8_CUT)
            continue;
        if (n > 1) {
            memcpy(out, st->held, st->n);
            at = st->n;
        } else {
            /* the held bytes after the lead are continuation bytes, each
             * invalid alone: '?' as term_text_clean() would give them */
            (*used)--;
            at = st->n - 1u;
            memset(out, '?', at);
        }
        st->n = 0;
    }
    return at;
}

size_t term_text_feed(struct term_text_stream *st, const char *in, size_t len, char *out)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i, at = resume(st, s, len, &i, out);

    while (i < len) {
        int n = s[i] < 0x80 ? 1 : utf8_scan(s + i, len - i);
        if (n == UTF8_CUT) {
            /* the chunk ends inside a character: the next one may finish it */
            st->n = (unsigned char)(len - i);
            memcpy(st->held, s + i, st->n);
            break;
        }
        if (n > 1) {
            memcpy(out + at, s + i, (size_t)n);
        } else {
            out[at] = s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ? (char)s[i] : safe_byte(s[i]);
            n = 1;
        }
        at += (size_t)n;
        i += (size_t)n;
    }
    out[at] = '\0';
    return at;
}

size_t term_text_flush(struct term_text_stream *st, char *out)
{
    size_t n = st->n;

    memset(out, '?', n);
    out[n] = '\0';
    st->n = 0;
    return n;
}
