/*
 * allow_list.h - which peers may connect to odoo-saasd (--allow-from).
 *
 * The daemon trusts X-Forwarded-For from whoever reaches it, so on a node
 * it must only be reachable from the proxy pods, the nodes and loopback.
 * The list is a handful of IPv4/IPv6 networks, parsed once at start and
 * matched against each accepted socket's peer address.
 *
 * Ownership: a struct api_allow_list is plain storage of the caller's
 * (no pointer inside, nothing allocated, nothing to free).  After parsing
 * it is only read, so one list may be matched from any number of threads.
 */
#ifndef API_ALLOW_LIST_H
#define API_ALLOW_LIST_H

#include <stddef.h>
#include <sys/socket.h>

#include "error.h"

#define API_ALLOW_MAX 64

struct api_allow_net {
    int family;                 /* AF_INET or AF_INET6 */
    int bits;                   /* prefix length: 0..32 or 0..128 */
    unsigned char addr[16];     /* the network, host bits cleared (4 used for IPv4) */
};

struct api_allow_list {
    size_t n;
    struct api_allow_net net[API_ALLOW_MAX];
};

/* Add the networks of text ("10.1.0.0/16,10.0.0.5,::1", comma-separated
 * ADDR[/BITS]; a bare address is /32 or /128) to l, which starts zeroed.
 * Strict: no spaces, no empty entry, no leading zero in BITS.  An entry
 * with host bits set (10.1.2.3/16) is taken as its network (10.1.0.0/16).
 * An IPv4-mapped IPv6 entry (::ffff:10.0.0.5) is stored as IPv4.  0, or
 * OS_ERR_INVALID with the bad entry in err->message, or OS_ERR_LIMIT past
 * API_ALLOW_MAX entries in all; l is unspecified after an error. */
int api_allow_list_parse(const char *text, struct api_allow_list *l, struct os_error *err);

/* 1 when the peer sa (AF_INET or AF_INET6) lies in a network of l, else 0
 * (also for any other family).  A v4-mapped IPv6 peer (a dual-stack
 * socket's view of an IPv4 client) matches the IPv4 entries too. */
int api_allow_list_match(const struct api_allow_list *l, const struct sockaddr *sa);

#endif
