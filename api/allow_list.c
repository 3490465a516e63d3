/*
 * allow_list.c - the --allow-from networks: parse them, match a peer.
 *
 * Each entry is kept as its network (host bits cleared) and a prefix
 * length, so matching is a memcmp of the whole bytes and one masked byte.
 * Parsing leans on inet_pton(), which is already strict (four decimal
 * parts, no leading zeros, no zone); what it adds is the /BITS and the
 * comma-separated list.  IPv4 is matched as IPv4 whether the peer came in
 * on a v4 socket or as a v4-mapped address on a dual-stack v6 socket.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "allow_list.h"

/* The longest entry: an IPv6 literal and "/128". */
#define ENTRY_MAX (INET6_ADDRSTRLEN + 4)

static const unsigned char v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* "16" into *bits, at most max: digits only, no sign, no leading zero. */
static int parse_bits(const char *s, int max, int *bits)
{
    int v = 0;

    if (!*s || strlen(s) > 3 || (s[0] == '0' && s[1]))
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (v > max)
        return -1;
    *bits = v;
    return 0;
}

/* Clear the bits past the prefix: 10.1.2.3/16 is the network 10.1.0.0/16. */
static void mask_host_bits(unsigned char *a, int bits, int nbytes)
{
    for (int i = 0; i < nbytes; i++) {
        int keep = bits - 8 * i;

        if (keep <= 0)
            a[i] = 0;
        else if (keep < 8)
            a[i] &= (unsigned char)(0xff << (8 - keep));
    }
}

/* ::ffff:a.b.c.d/96 and longer as the IPv4 network, so that it also
 * matches IPv4 peers of a v4 socket. */
static void unmap(struct api_allow_net *n)
{
    if (n->family != AF_INET6 || n->bits < 96 || memcmp(n->addr, v4_mapped_prefix, 12))
        return;
    memmove(n->addr, n->addr + 12, 4);
    memset(n->addr + 4, 0, 12);
    n->family = AF_INET;
    n->bits -= 96;
}

/* One entry, s[0..len), into *n: 0, or -1 when it is not ADDR[/BITS]. */
static int parse_entry(const char *s, size_t len, struct api_allow_net *n)
{
    char buf[ENTRY_MAX + 1];
    char *slash;
    int max;

    if (len == 0 || len > ENTRY_MAX)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if ((slash = strchr(buf, '/')))
        *slash = '\0';
    memset(n, 0, sizeof(*n));
    if (inet_pton(AF_INET, buf, n->addr) == 1) {
        n->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
        n->family = AF_INET6;
        max = 128;
    } else {
        return -1;
    }
    n->bits = max;
    if (slash && parse_bits(slash + 1, max, &n->bits) < 0)
        return -1;
    mask_host_bits(n->addr, n->bits, max / 8);
    unmap(n);
    return 0;
}

int api_allow_list_parse(const char *text, struct api_allow_list *l, struct os_error *err)
{
    const char *s = text;

    for (;;) {
        size_t len = strcspn(s, ",");

        if (l->n == API_ALLOW_MAX)
            return os_error_set(err, OS_ERR_LIMIT, "more than %d networks (use wider prefixes)",
                                API_ALLOW_MAX);
        if (parse_entry(s, len, &l->net[l->n]) < 0)   /* cut short: the text is the operator's */
            return os_error_set(err, OS_ERR_INVALID,
                                "bad address '%.*s' (want ADDR[/BITS], comma-separated)",
                                (int)(len > 64 ? 64 : len), s);
        l->n++;
        if (!s[len])
            return 0;
        s += len + 1;
    }
}

/* Whether address a (4 or 16 bytes, of family) lies in n. */
static int in_net(const struct api_allow_net *n, int family, const unsigned char *a)
{
    int full = n->bits / 8, rest = n->bits % 8;

    if (n->family != family || memcmp(n->addr, a, (size_t)full))
        return 0;
    return rest == 0 || ((a[full] ^ n->addr[full]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static int in_list(const struct api_allow_list *l, int family, const unsigned char *a)
{
    for (size_t i = 0; i < l->n; i++)
        if (in_net(&l->net[i], family, a))
            return 1;
    return 0;
}

int api_allow_list_match(const struct api_allow_list *l, const struct sockaddr *sa)
{
    const unsigned char *a;

    if (sa && sa->sa_family == AF_INET) {
        a = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
        return in_list(l, AF_INET, a);
    }
    if (!sa || sa->sa_family != AF_INET6)
        return 0;
    a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    if (!memcmp(a, v4_mapped_prefix, 12) && in_list(l, AF_INET, a + 12))
        return 1;
    return in_list(l, AF_INET6, a);
}
