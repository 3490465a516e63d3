/*
 * exit_trailer.c - every remote command reports its own exit status on a
 * trailer line, because libssh2 cannot say whether the server sent one.
 *
 * libssh2_channel_get_exit_status() answers 0 both for "exit-status 0"
 * and for a channel that closed with no exit-status at all (libssh2 1.10,
 * Debian 12's), and nothing else in its API tells the two apart.  So the
 * command runs in a subshell and the login shell then prints
 *     "\n" RS "odoo-saas-exit:" NONCE ":" STATUS "\n"
 * on stdout and exits with the same status.  The trailer is recognized
 * only as the very last bytes of stdout and with this command's random
 * nonce, so nothing the command prints can stand in for it; it is cut
 * from the output before anyone sees it (the "\n" in front of it too, so
 * the output is byte for byte what the command wrote).  While stdout is
 * streaming, a tail that could be the start of the trailer (at most
 * SSH_TRAILER_MAX bytes from a newline on) is held back until more
 * output or the end shows what it is.
 *
 * ssh_exec.c then judges: a signal is a signal; else the trailer's status;
 * else a non-zero exit-status is real (libssh2 only reports non-zero when
 * one arrived); else (0 and no trailer) the command ended without saying
 * how, and that is a failure, never 0.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deploy/ssh.h"

void ssh_trailer_init(struct ssh_trailer *t, const char *nonce)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->nonce, sizeof(t->nonce), "%s", nonce);
    snprintf(t->prefix, sizeof(t->prefix), "\n\036odoo-saas-exit:%s:", t->nonce);
    t->prefix_len = strlen(t->prefix);
}

char *ssh_trailer_wrap(const struct ssh_trailer *t, const char *command)
{
    static const char fmt[] = "(\n%s\n)\n__os_rc=$?\n"
                              "printf '\\n\\036odoo-saas-exit:%s:%%d\\n' \"$__os_rc\"\n"
                              "exit $__os_rc\n";
    size_t len = sizeof(fmt) + strlen(command) + sizeof(t->nonce);
    char *s = malloc(len);

    if (s)
        snprintf(s, len, fmt, command, t->nonce);
    return s;
}

/* Byte i of the held bytes followed by data. */
static char at(const struct ssh_trailer *t, const char *data, size_t i)
{
    return i < t->hold_len ? t->hold[i] : data[i - t->hold_len];
}

/* Could bytes [from, total) be the trailer or its beginning? */
static int could_be(const struct ssh_trailer *t, const char *data, size_t from, size_t total)
{
    size_t digits = 0;

    for (size_t j = 0; from + j < total; j++) {
        char c = at(t, data, from + j);
        if (j < t->prefix_len) {
            if (c != t->prefix[j])
                return 0;
        } else if (c >= '0' && c <= '9' && digits < 3) {
            digits++;
        } else {
            /* only the final newline may follow the digits */
            return c == '\n' && digits > 0 && from + j + 1 == total;
        }
    }
    return 1;
}

void ssh_trailer_feed(struct ssh_trailer *t, const char *data, size_t len,
                      ssh_trailer_out_fn out, void *ud)
{
    size_t total = t->hold_len + len, keep_at = total;
    char keep[SSH_TRAILER_MAX];

    for (size_t i = total > SSH_TRAILER_MAX ? total - SSH_TRAILER_MAX : 0; i < total; i++)
        if (at(t, data, i) == '\n' && could_be(t, data, i, total)) {
            keep_at = i;
            break;
        }
    for (size_t i = keep_at; i < total; i++)
        keep[i - keep_at] = at(t, data, i);
    if (keep_at > 0 && t->hold_len > 0)
        out(ud, t->hold, keep_at < t->hold_len ? keep_at : t->hold_len);
    if (keep_at > t->hold_len)
        out(ud, data, keep_at - t->hold_len);
    t->hold_len = total - keep_at;
    memcpy(t->hold, keep, t->hold_len);
}

void ssh_trailer_end(struct ssh_trailer *t, ssh_trailer_out_fn out, void *ud)
{
    size_t n = t->hold_len;

    if (n > t->prefix_len + 1 && !memcmp(t->hold, t->prefix, t->prefix_len) &&
        t->hold[n - 1] == '\n' && could_be(t, "", 0, n)) {
        t->seen = 1;
        t->status = atoi(t->hold + t->prefix_len);
    } else if (n) {
        out(ud, t->hold, n);
    }
    t->hold_len = 0;
}
