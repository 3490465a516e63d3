/*
 * netpol.h - is this connection allowed?  networking.k8s.io/v1 NetworkPolicy
 * semantics, evaluated in memory.
 *
 * Pure: no I/O, no global state.  The caller passes every NetworkPolicy of
 * the cluster (a JSON array, or a List object with "items"), the two ends of
 * a connection and the destination port and protocol; the answer says
 * whether the source's egress and the destination's ingress allow it, and
 * which policies decided.
 *
 * Semantics (the API reference for NetworkPolicySpec, -Peer, -Port, IPBlock):
 *   - a pod is isolated for ingress (egress) when a policy of its namespace
 *     selects it and lists "Ingress" ("Egress") in policyTypes; without
 *     policyTypes a policy is ["Ingress"], plus "Egress" when it has an
 *     egress section.  A missing podSelector is {} (all pods), as the API
 *     server decodes it;
 *   - a direction that is not isolated allows everything; an isolated one
 *     allows what at least one rule of one selecting policy allows;
 *   - a connection between two pods needs both ends: the source's egress
 *     and the destination's ingress;
 *   - a rule without from/to (or with an empty list) matches every peer;
 *     without ports (or an empty list) every port;
 *   - peers: podSelector alone = pods of the policy's namespace;
 *     namespaceSelector alone = every pod of the matching namespaces; both
 *     in one peer = pods matching both; ipBlock = addresses in cidr and in
 *     no except entry.  Namespaces always carry the automatic label
 *     kubernetes.io/metadata.name=<name>, added here whatever the caller
 *     passes;
 *   - ports: protocol defaults to TCP; port is a number, a number range with
 *     endPort (inclusive), or a name resolved against the *destination* pod's
 *     spec.containers[].ports[] (name, containerPort and protocol must all
 *     agree).  A named port never matches a destination that is not a pod;
 *   - a pod can always reach itself (same namespace and name).
 *
 * Choices where the specification leaves room (documented, and tested):
 *   - ipBlock matches pod addresses too: an endpoint's IP (np_endpoint.ip,
 *     else the pod's status.podIP) is compared with every ipBlock, pod or
 *     not, as Calico, Cilium and Antrea do.  A pod without a known IP never
 *     matches an ipBlock;
 *   - IPv4 only: IPv6 cidrs are accepted and never match (an IPv4 address
 *     is never inside them); an IPv6 endpoint address matches no ipBlock;
 *   - traffic from a node (kubelet probes, hostNetwork pods) is out of
 *     scope: pass pods and external addresses only;
 *   - an endpoint without a pod (an external address) is never isolated:
 *     no policy selects it.
 *
 * Malformed policies (an empty peer, ipBlock mixed with selectors, a bad
 * cidr, endPort below port or with a named port, an unknown policyType) are
 * OS_ERR_INVALID naming the policy and the field: the API server rejects
 * them, so guessing would only hide a bug.
 */
#ifndef CLUSTER_NETPOL_H
#define CLUSTER_NETPOL_H

#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

#define NP_METADATA_NAME_LABEL "kubernetes.io/metadata.name"
#define NP_REASON_MAX 256

/* One end of a connection.  Everything is borrowed from the caller. */
struct np_endpoint {
    const char *namespace;        /* NULL: the pod's metadata.namespace */
    struct json_object *ns_labels;/* the namespace's labels, or NULL */
    struct json_object *pod;      /* a Pod (metadata.labels, spec.containers
                                   * ports), or NULL for an external address */
    const char *ip;               /* dotted IPv4; NULL: the pod's status.podIP */
};

struct np_verdict {
    int allowed;                  /* egress_allowed && ingress_allowed */
    int egress_allowed;           /* the source's egress lets it out */
    int ingress_allowed;          /* the destination's ingress lets it in */
    int egress_isolated;          /* some policy isolates the source's egress */
    int ingress_isolated;
    char reason[NP_REASON_MAX];   /* "allowed: egress by ns/a, ingress not
                                   * isolated", "denied: no ingress rule of
                                   * ns/default-deny, x allows it", ... */
};

/* A compiled set of policies (selectors parsed, cidrs decoded), for callers
 * that evaluate many connections against the same policies. */
struct np_set;

/* Compile policies: a JSON array of NetworkPolicy objects or a List with
 * "items".  Items whose "kind" is present and is not NetworkPolicy are
 * skipped, so a rendered tenant list can be passed whole.  NULL is no
 * policy.  On success *out is new: free it with np_set_free(). */
int np_set_build(struct json_object *policies, struct np_set **out, struct os_error *err);

/* Number of policies compiled. */
size_t np_set_count(const struct np_set *set);

/* Safe on NULL. */
void np_set_free(struct np_set *set);

/* Evaluate one connection from src to dst on port (1-65535) and protocol
 * ("TCP", "UDP", "SCTP"; case-insensitive; NULL is TCP).  0 with *out
 * filled, or OS_ERR_INVALID for a bad argument or endpoint. */
int np_set_evaluate(const struct np_set *set, const struct np_endpoint *src,
                    const struct np_endpoint *dst, int port, const char *protocol,
                    struct np_verdict *out, struct os_error *err);

/* np_set_build + np_set_evaluate + np_set_free, for one question. */
int np_evaluate(struct json_object *policies, const struct np_endpoint *src,
                const struct np_endpoint *dst, int port, const char *protocol,
                struct np_verdict *out, struct os_error *err);

/* Parse a dotted IPv4 address ("10.1.2.3": four decimal parts 0-255, no
 * leading zeros, no spaces) into host order.  0 or OS_ERR_INVALID. */
int np_parse_ipv4(const char *text, uint32_t *out);

/* Parse an IPv4 CIDR ("10.0.0.0/8", prefix 0-32); host bits are cleared as
 * the API server's parser does.  0 or OS_ERR_INVALID. */
int np_parse_cidr(const char *text, uint32_t *addr, uint32_t *mask);

#endif
