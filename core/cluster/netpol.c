/*
 * netpol.c - the NetworkPolicy evaluator (semantics in netpol.h).
 *
 * How it works: np_set_build() compiles each policy once - selectors parsed
 * with kube_selector_from_json(), cidrs decoded to address/mask pairs,
 * policyTypes defaulted the way the API server defaults them - and rejects
 * what the API server would reject.  np_set_evaluate() then resolves the
 * two endpoints (namespace, labels with the automatic
 * kubernetes.io/metadata.name label, pod labels, IP) and asks each
 * direction in turn: the source's egress with the destination as the peer,
 * the destination's ingress with the source as the peer.  A direction walks
 * the policies of the pod's namespace that select it and include the
 * direction; none means "not isolated", else the first rule that matches
 * both the peer and the port allows it.  Named ports are always resolved on
 * the destination pod, the one whose port the connection targets.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/selector.h"
#include "netpol.h"

enum { NP_INGRESS = 0, NP_EGRESS = 1 };

/* Room for "networkpolicy ns/name: spec.egress[0].to[1].ipBlock..." */
#define NP_WHERE_MAX 256

struct np_cidr {
    uint32_t addr, mask;
    int v6;                        /* an IPv6 cidr: never matches */
};

struct np_peer {
    int ipblock;
    struct kube_selector *pods;        /* NULL: not given */
    struct kube_selector *namespaces;  /* NULL: not given */
    struct np_cidr cidr;
    struct np_cidr *except;
    size_t nexcept;
};

struct np_port {
    char protocol[8];
    int port, end_port;            /* port 0: every port of the protocol */
    char *name;                    /* a named port, or NULL */
};

struct np_rule {
    struct np_peer *peers;         /* npeers 0: every peer */
    size_t npeers;
    struct np_port *ports;         /* nports 0: every port */
    size_t nports;
};

struct np_policy {
    char *namespace, *name;
    struct kube_selector *selector;
    int types[2];                  /* [NP_INGRESS], [NP_EGRESS] */
    struct np_rule *rules[2];
    size_t nrules[2];
};

struct np_set {
    struct np_policy *policies;
    size_t n;
};

/* One resolved end of a connection. */
struct np_side {
    const char *ns;
    struct json_object *ns_labels; /* owned: caller's labels + automatic */
    struct json_object *labels;    /* the pod's, borrowed */
    struct json_object *pod;
    const char *name;
    int has_ip;
    uint32_t ip;
};

static const char *dir_names[2] = {"ingress", "egress"};

/* ---- small helpers -------------------------------------------------- */

static struct json_object *get(struct json_object *obj, const char *key)
{
    struct json_object *v = NULL;
    if (obj && json_object_is_type(obj, json_type_object))
        json_object_object_get_ex(obj, key, &v);
    return v;
}

static const char *get_str(struct json_object *obj, const char *key)
{
    struct json_object *v = get(obj, key);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* An optional list member: absent or null is *out = NULL. */
static int get_list(struct json_object *obj, const char *key, struct json_object **out,
                    const char *where, struct os_error *err)
{
    *out = get(obj, key);
    if (*out && !json_object_is_type(*out, json_type_array))
        return os_error_set(err, OS_ERR_INVALID, "%s.%s must be a list", where, key);
    return 0;
}

static size_t list_len(struct json_object *arr)
{
    return arr ? json_object_array_length(arr) : 0;
}

static void appendf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void appendf(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;

    if (used + 1 >= len)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* ---- addresses ------------------------------------------------------ */

/* Decimal digits only, no leading zero, at most max_digits, value <= max. */
static int parse_dec(const char *s, size_t n, int max_digits, unsigned max, unsigned *out)
{
    unsigned v = 0;

    if (n == 0 || n > (size_t)max_digits || (n > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_ipv4_n(const char *s, size_t n, uint32_t *out)
{
    uint32_t addr = 0;
    size_t start = 0;
    int parts = 0;

    for (size_t i = 0; i <= n; i++) {
        unsigned octet;
        if (i < n && s[i] != '.')
            continue;
        if (++parts > 4 || parse_dec(s + start, i - start, 3, 255, &octet) < 0)
            return OS_ERR_INVALID;
        addr = addr << 8 | octet;
        start = i + 1;
    }
    if (parts != 4)
        return OS_ERR_INVALID;
    *out = addr;
    return 0;
}

int np_parse_ipv4(const char *text, uint32_t *out)
{
    if (!text)
        return OS_ERR_INVALID;
    return parse_ipv4_n(text, strlen(text), out);
}

int np_parse_cidr(const char *text, uint32_t *addr, uint32_t *mask)
{
    const char *slash = text ? strchr(text, '/') : NULL;
    unsigned prefix;
    uint32_t a;

    if (!slash || parse_ipv4_n(text, (size_t)(slash - text), &a) < 0 ||
        parse_dec(slash + 1, strlen(slash + 1), 2, 32, &prefix) < 0)
        return OS_ERR_INVALID;
    *mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    *addr = a & *mask;
    return 0;
}

static int cidr_build(struct json_object *v, struct np_cidr *c, const char *where,
                      struct os_error *err)
{
    const char *s = v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;

    if (!s)
        return os_error_set(err, OS_ERR_INVALID, "%s must be a CIDR string", where);
    if (strchr(s, ':')) {
        c->v6 = 1;
        return 0;
    }
    if (np_parse_cidr(s, &c->addr, &c->mask) < 0)
        return os_error_set(err, OS_ERR_INVALID, "%s: \"%.64s\" is not a CIDR (a.b.c.d/0-32)",
                            where, s);
    return 0;
}

static int cidr_contains(const struct np_cidr *c, uint32_t ip)
{
    return !c->v6 && (ip & c->mask) == c->addr;
}

/* ---- compile -------------------------------------------------------- */

static int ipblock_build(struct json_object *ib, struct np_peer *p, const char *where,
                         struct os_error *err)
{
    char at[NP_WHERE_MAX];
    struct json_object *except;

    p->ipblock = 1;
    snprintf(at, sizeof(at), "%.200s.ipBlock.cidr", where);
    if (cidr_build(get(ib, "cidr"), &p->cidr, at, err) < 0)
        return err->code;
    snprintf(at, sizeof(at), "%.200s.ipBlock", where);
    if (get_list(ib, "except", &except, at, err) < 0)
        return err->code;
    if (list_len(except) && !(p->except = calloc(list_len(except), sizeof(*p->except))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    p->nexcept = list_len(except);
    for (size_t i = 0; i < p->nexcept; i++) {
        snprintf(at, sizeof(at), "%.200s.ipBlock.except[%zu]", where, i);
        if (cidr_build(json_object_array_get_idx(except, i), &p->except[i], at, err) < 0)
            return err->code;
    }
    return 0;
}

static int selector_build(struct json_object *v, struct kube_selector **out, const char *where,
                          const char *key, struct os_error *err)
{
    if (!v)
        return 0;
    if (kube_selector_from_json(v, out, err) < 0)
        return os_error_prefix(err, "%s.%s", where, key);
    return 0;
}

static int peer_build(struct json_object *j, struct np_peer *p, const char *where,
                      struct os_error *err)
{
    struct json_object *ps = get(j, "podSelector"), *ns = get(j, "namespaceSelector");
    struct json_object *ib = get(j, "ipBlock");

    if (!json_object_is_type(j, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "%s must be a mapping", where);
    if (ib && (ps || ns))
        return os_error_set(err, OS_ERR_INVALID,
                            "%s: ipBlock cannot be combined with a selector", where);
    if (ib)
        return ipblock_build(ib, p, where, err);
    if (!ps && !ns)
        return os_error_set(err, OS_ERR_INVALID,
                            "%s needs podSelector, namespaceSelector or ipBlock", where);
    if (selector_build(ps, &p->pods, where, "podSelector", err) < 0 ||
        selector_build(ns, &p->namespaces, where, "namespaceSelector", err) < 0)
        return err->code;
    return 0;
}

static int port_number(struct json_object *v, int *out)
{
    int64_t n;

    if (!json_object_is_type(v, json_type_int))
        return -1;
    n = json_object_get_int64(v);
    if (n < 1 || n > 65535)
        return -1;
    *out = (int)n;
    return 0;
}

static int port_protocol(struct json_object *v, struct np_port *p, const char *where,
                         struct os_error *err)
{
    const char *proto = v && json_object_is_type(v, json_type_string)
                            ? json_object_get_string(v) : NULL;

    if (!v)
        proto = "TCP";
    if (!proto || (strcmp(proto, "TCP") && strcmp(proto, "UDP") && strcmp(proto, "SCTP")))
        return os_error_set(err, OS_ERR_INVALID, "%s.protocol must be TCP, UDP or SCTP", where);
    snprintf(p->protocol, sizeof(p->protocol), "%s", proto);
    return 0;
}

static int port_build(struct json_object *j, struct np_port *p, const char *where,
                      struct os_error *err)
{
    struct json_object *port = get(j, "port"), *end = get(j, "endPort");

    if (!json_object_is_type(j, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "%s must be a mapping", where);
    if (port_protocol(get(j, "protocol"), p, where, err) < 0)
        return err->code;
    if (port && json_object_is_type(port, json_type_string) &&
        json_object_get_string_len(port) > 0) {
        if (!(p->name = strdup(json_object_get_string(port))))
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    } else if (port && port_number(port, &p->port) < 0) {
        return os_error_set(err, OS_ERR_INVALID,
                            "%s.port must be 1-65535 or a port name", where);
    }
    p->end_port = p->port;
    if (end && (!p->port || port_number(end, &p->end_port) < 0 || p->end_port < p->port))
        return os_error_set(err, OS_ERR_INVALID,
                            "%s.endPort needs a numeric port and must be port-65535", where);
    return 0;
}

static int rule_build(struct json_object *j, struct np_rule *r, const char *peers_key,
                      const char *where, struct os_error *err)
{
    struct json_object *peers, *ports;
    char at[NP_WHERE_MAX];

    if (!json_object_is_type(j, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "%s must be a mapping", where);
    if (get_list(j, peers_key, &peers, where, err) < 0 ||
        get_list(j, "ports", &ports, where, err) < 0)
        return err->code;
    if ((list_len(peers) && !(r->peers = calloc(list_len(peers), sizeof(*r->peers)))) ||
        (list_len(ports) && !(r->ports = calloc(list_len(ports), sizeof(*r->ports)))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    r->npeers = list_len(peers);    /* zeroed entries are safe to free */
    r->nports = list_len(ports);
    for (size_t i = 0; i < r->npeers; i++) {
        snprintf(at, sizeof(at), "%.200s.%s[%zu]", where, peers_key, i);
        if (peer_build(json_object_array_get_idx(peers, i), &r->peers[i], at, err) < 0)
            return err->code;
    }
    for (size_t i = 0; i < r->nports; i++) {
        snprintf(at, sizeof(at), "%.200s.ports[%zu]", where, i);
        if (port_build(json_object_array_get_idx(ports, i), &r->ports[i], at, err) < 0)
            return err->code;
    }
    return 0;
}

static int rules_build(struct json_object *spec, struct np_policy *p, int dir,
                       const char *where, struct os_error *err)
{
    const char *key = dir == NP_INGRESS ? "ingress" : "egress";
    struct json_object *rules;
    char at[NP_WHERE_MAX];

    snprintf(at, sizeof(at), "%.200s: spec", where);
    if (get_list(spec, key, &rules, at, err) < 0)
        return err->code;
    if (list_len(rules) && !(p->rules[dir] = calloc(list_len(rules), sizeof(struct np_rule))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    p->nrules[dir] = list_len(rules);
    for (size_t i = 0; i < p->nrules[dir]; i++) {
        snprintf(at, sizeof(at), "%.200s: spec.%s[%zu]", where, key, i);
        if (rule_build(json_object_array_get_idx(rules, i), &p->rules[dir][i],
                       dir == NP_INGRESS ? "from" : "to", at, err) < 0)
            return err->code;
    }
    return 0;
}

/* policyTypes, defaulted as the API server does: ["Ingress"], plus "Egress"
 * when the egress list is not empty. */
static int types_build(struct json_object *spec, struct np_policy *p, const char *where,
                       struct os_error *err)
{
    struct json_object *types;
    char at[NP_WHERE_MAX];

    snprintf(at, sizeof(at), "%.200s: spec", where);
    if (get_list(spec, "policyTypes", &types, at, err) < 0)
        return err->code;
    if (!list_len(types)) {
        p->types[NP_INGRESS] = 1;
        p->types[NP_EGRESS] = list_len(get(spec, "egress")) > 0;
        return 0;
    }
    for (size_t i = 0; i < list_len(types); i++) {
        struct json_object *t = json_object_array_get_idx(types, i);
        const char *s = t && json_object_is_type(t, json_type_string) ? json_object_get_string(t) : "";
        if (strcmp(s, "Ingress") && strcmp(s, "Egress"))
            return os_error_set(err, OS_ERR_INVALID,
                                "%s: spec.policyTypes[%zu] must be Ingress or Egress", where, i);
        p->types[!strcmp(s, "Egress") ? NP_EGRESS : NP_INGRESS] = 1;
    }
    return 0;
}

static int policy_build(struct json_object *j, struct np_policy *p, struct os_error *err)
{
    struct json_object *meta = get(j, "metadata"), *spec = get(j, "spec");
    const char *ns = get_str(meta, "namespace"), *name = get_str(meta, "name");
    struct json_object *sel = get(spec, "podSelector");
    char where[NP_WHERE_MAX];

    snprintf(where, sizeof(where), "networkpolicy %.60s/%.60s", ns ? ns : "?", name ? name : "?");
    if (!ns || !*ns)
        return os_error_set(err, OS_ERR_INVALID, "%s has no namespace", where);
    if (!(p->namespace = strdup(ns)) || !(p->name = strdup(name ? name : "(unnamed)")))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (sel ? kube_selector_from_json(sel, &p->selector, err) < 0
            : kube_selector_parse("", &p->selector, err) < 0)
        return os_error_prefix(err, "%s: spec.podSelector", where);
    if (types_build(spec, p, where, err) < 0 ||
        rules_build(spec, p, NP_INGRESS, where, err) < 0 ||
        rules_build(spec, p, NP_EGRESS, where, err) < 0)
        return err->code;
    return 0;
}

static void rule_free(struct np_rule *r)
{
    for (size_t i = 0; i < r->npeers; i++) {
        kube_selector_free(r->peers[i].pods);
        kube_selector_free(r->peers[i].namespaces);
        free(r->peers[i].except);
    }
    for (size_t i = 0; i < r->nports; i++)
        free(r->ports[i].name);
    free(r->peers);
    free(r->ports);
}

static void policy_free(struct np_policy *p)
{
    for (int dir = 0; dir < 2; dir++) {
        for (size_t i = 0; i < p->nrules[dir]; i++)
            rule_free(&p->rules[dir][i]);
        free(p->rules[dir]);
    }
    kube_selector_free(p->selector);
    free(p->namespace);
    free(p->name);
}

void np_set_free(struct np_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        policy_free(&set->policies[i]);
    free(set->policies);
    free(set);
}

size_t np_set_count(const struct np_set *set)
{
    return set ? set->n : 0;
}

static int is_policy(struct json_object *item)
{
    const char *kind = get_str(item, "kind");
    return json_object_is_type(item, json_type_object) && (!kind || !strcmp(kind, "NetworkPolicy"));
}

int np_set_build(struct json_object *policies, struct np_set **out, struct os_error *err)
{
    struct json_object *items = json_object_is_type(policies, json_type_array)
                                    ? policies : get(policies, "items");
    struct np_set *set = calloc(1, sizeof(*set));
    struct os_error local;

    if (!err)
        err = &local;
    *out = NULL;
    if (!set)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (policies && !json_object_is_type(items, json_type_array)) {
        np_set_free(set);
        return os_error_set(err, OS_ERR_INVALID, "policies must be a list of NetworkPolicy objects");
    }
    if (list_len(items) && !(set->policies = calloc(list_len(items), sizeof(*set->policies)))) {
        np_set_free(set);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < list_len(items); i++) {
        struct json_object *item = json_object_array_get_idx(items, i);
        if (!is_policy(item))
            continue;
        if (policy_build(item, &set->policies[set->n++], err) < 0) {
            np_set_free(set);
            return err->code;
        }
    }
    *out = set;
    return 0;
}

/* ---- endpoints ------------------------------------------------------ */

/* The namespace's labels as the API server keeps them: the caller's, with
 * kubernetes.io/metadata.name always equal to the namespace's name. */
static int ns_labels_build(const struct np_endpoint *ep, const char *ns, struct json_object **out)
{
    struct json_object *labels = json_object_new_object();

    if (!labels)
        return OS_ERR_NOMEM;
    if (ep->ns_labels && json_object_is_type(ep->ns_labels, json_type_object)) {
        json_object_object_foreach(ep->ns_labels, k, v) {
            if (json_object_object_add(labels, k, json_object_get(v)) < 0) {
                json_object_put(labels);
                return OS_ERR_NOMEM;
            }
        }
    }
    if (ns && json_object_object_add(labels, NP_METADATA_NAME_LABEL,
                                     json_object_new_string(ns)) < 0) {
        json_object_put(labels);
        return OS_ERR_NOMEM;
    }
    *out = labels;
    return 0;
}

static int side_ip(const struct np_endpoint *ep, struct np_side *s, const char *which,
                   struct os_error *err)
{
    const char *ip = ep->ip ? ep->ip : get_str(get(ep->pod, "status"), "podIP");

    if (!ip || !*ip || strchr(ip, ':'))   /* unknown or IPv6: matches no ipBlock */
        return 0;
    if (np_parse_ipv4(ip, &s->ip) < 0)
        return os_error_set(err, OS_ERR_INVALID, "%s address \"%.64s\" is not an IPv4 address",
                            which, ip);
    s->has_ip = 1;
    return 0;
}

static int side_resolve(const struct np_endpoint *ep, struct np_side *s, const char *which,
                        struct os_error *err)
{
    struct json_object *meta;

    if (!ep)
        return os_error_set(err, OS_ERR_INVALID, "no %s endpoint", which);
    meta = get(ep->pod, "metadata");
    s->pod = ep->pod;
    s->ns = ep->namespace ? ep->namespace : get_str(meta, "namespace");
    s->labels = get(meta, "labels");
    s->name = get_str(meta, "name");
    if (ep->pod && (!s->ns || !*s->ns))
        return os_error_set(err, OS_ERR_INVALID, "the %s pod has no namespace", which);
    if (!ep->pod && !ep->ip)
        return os_error_set(err, OS_ERR_INVALID, "the %s endpoint needs a pod or an address",
                            which);
    if (side_ip(ep, s, which, err) < 0)
        return err->code;
    if (ns_labels_build(ep, s->ns, &s->ns_labels) < 0)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    return 0;
}

/* ---- matching ------------------------------------------------------- */

static int peer_matches(const struct np_peer *p, const char *policy_ns, const struct np_side *s)
{
    if (p->ipblock) {
        if (!s->has_ip || !cidr_contains(&p->cidr, s->ip))
            return 0;
        for (size_t i = 0; i < p->nexcept; i++)
            if (cidr_contains(&p->except[i], s->ip))
                return 0;
        return 1;
    }
    if (!s->pod)
        return 0;
    if (p->namespaces ? !kube_selector_matches(p->namespaces, s->ns_labels)
                      : strcmp(s->ns, policy_ns) != 0)
        return 0;
    return !p->pods || kube_selector_matches(p->pods, s->labels);
}

/* The destination pod declares a container port with this name, number
 * and protocol (the protocol of a container port defaults to TCP). */
static int named_port_matches(struct json_object *pod, const char *name, int port,
                              const char *proto)
{
    struct json_object *containers = get(get(pod, "spec"), "containers");
    size_t n = json_object_is_type(containers, json_type_array)
                   ? json_object_array_length(containers) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *ports = get(json_object_array_get_idx(containers, i), "ports");
        size_t m = json_object_is_type(ports, json_type_array) ? json_object_array_length(ports) : 0;
        for (size_t k = 0; k < m; k++) {
            struct json_object *cp = json_object_array_get_idx(ports, k);
            const char *cname = get_str(cp, "name"), *cproto = get_str(cp, "protocol");
            struct json_object *num = get(cp, "containerPort");
            if (cname && !strcmp(cname, name) && json_object_is_type(num, json_type_int) &&
                json_object_get_int64(num) == port && !strcmp(cproto ? cproto : "TCP", proto))
                return 1;
        }
    }
    return 0;
}

static int port_matches(const struct np_port *p, int port, const char *proto,
                        struct json_object *dst_pod)
{
    if (strcmp(p->protocol, proto))
        return 0;
    if (p->name)
        return dst_pod && named_port_matches(dst_pod, p->name, port, proto);
    return !p->port || (port >= p->port && port <= p->end_port);
}

static int rule_matches(const struct np_rule *r, const char *policy_ns, const struct np_side *peer,
                        int port, const char *proto, struct json_object *dst_pod)
{
    int ok = r->nports == 0;

    for (size_t i = 0; !ok && i < r->nports; i++)
        ok = port_matches(&r->ports[i], port, proto, dst_pod);
    if (!ok || r->npeers == 0)
        return ok;
    for (size_t i = 0; i < r->npeers; i++)
        if (peer_matches(&r->peers[i], policy_ns, peer))
            return 1;
    return 0;
}

/* What one direction of one pod decides. */
struct np_dir_result {
    int isolated, allowed;
    char by[128];        /* the policy that allowed it */
    char tried[160];     /* "ns/a, b, c": the selecting policies */
};

static void dir_evaluate(const struct np_set *set, int dir, const struct np_side *self,
                         const struct np_side *peer, int port, const char *proto,
                         struct json_object *dst_pod, struct np_dir_result *res)
{
    memset(res, 0, sizeof(*res));
    for (size_t i = 0; self->pod && i < set->n; i++) {
        const struct np_policy *p = &set->policies[i];
        if (!p->types[dir] || strcmp(p->namespace, self->ns) ||
            !kube_selector_matches(p->selector, self->labels))
            continue;
        if (!res->isolated)
            appendf(res->tried, sizeof(res->tried), "%s/%s", p->namespace, p->name);
        else
            appendf(res->tried, sizeof(res->tried), ", %s", p->name);
        res->isolated = 1;
        for (size_t k = 0; !res->allowed && k < p->nrules[dir]; k++) {
            if (rule_matches(&p->rules[dir][k], p->namespace, peer, port, proto, dst_pod)) {
                res->allowed = 1;
                snprintf(res->by, sizeof(res->by), "%s/%s", p->namespace, p->name);
            }
        }
        if (res->allowed)
            return;
    }
    if (!res->isolated)
        res->allowed = 1;
}

static void describe_allowed(char *buf, size_t len, int dir, const struct np_dir_result *r,
                             const struct np_side *self)
{
    if (!self->pod)
        appendf(buf, len, "%s not a pod", dir_names[dir]);
    else if (!r->isolated)
        appendf(buf, len, "%s not isolated", dir_names[dir]);
    else
        appendf(buf, len, "%s by %s", dir_names[dir], r->by);
}

static void verdict_fill(struct np_verdict *out, const struct np_dir_result *eg,
                         const struct np_dir_result *in, const struct np_side *src,
                         const struct np_side *dst)
{
    out->egress_allowed = eg->allowed;
    out->ingress_allowed = in->allowed;
    out->egress_isolated = eg->isolated;
    out->ingress_isolated = in->isolated;
    out->allowed = eg->allowed && in->allowed;
    out->reason[0] = '\0';
    if (out->allowed) {
        appendf(out->reason, sizeof(out->reason), "allowed: ");
        describe_allowed(out->reason, sizeof(out->reason), NP_EGRESS, eg, src);
        appendf(out->reason, sizeof(out->reason), ", ");
        describe_allowed(out->reason, sizeof(out->reason), NP_INGRESS, in, dst);
        return;
    }
    appendf(out->reason, sizeof(out->reason), "denied:");
    if (!eg->allowed)
        appendf(out->reason, sizeof(out->reason), " no egress rule of %s allows it", eg->tried);
    if (!eg->allowed && !in->allowed)
        appendf(out->reason, sizeof(out->reason), ";");
    if (!in->allowed)
        appendf(out->reason, sizeof(out->reason), " no ingress rule of %s allows it", in->tried);
}

static int same_pod(const struct np_side *a, const struct np_side *b)
{
    if (!a->pod || !b->pod)
        return 0;
    if (a->pod == b->pod)
        return 1;
    return a->name && b->name && !strcmp(a->name, b->name) && !strcmp(a->ns, b->ns);
}

static int protocol_normalize(const char *protocol, char out[8])
{
    size_t n = protocol ? strlen(protocol) : 3;

    if (!protocol)
        protocol = "TCP";
    if (n >= 8)
        return -1;
    for (size_t i = 0; i <= n; i++)
        out[i] = (char)toupper((unsigned char)protocol[i]);
    return strcmp(out, "TCP") && strcmp(out, "UDP") && strcmp(out, "SCTP") ? -1 : 0;
}

int np_set_evaluate(const struct np_set *set, const struct np_endpoint *src,
                    const struct np_endpoint *dst, int port, const char *protocol,
                    struct np_verdict *out, struct os_error *err)
{
    struct np_side s, d;
    struct np_dir_result eg, in;
    char proto[8];
    struct os_error local;
    int rc;

    if (!err)
        err = &local;
    memset(out, 0, sizeof(*out));
    memset(&s, 0, sizeof(s));
    memset(&d, 0, sizeof(d));
    if (!set)
        return os_error_set(err, OS_ERR_INVALID, "no policy set");
    if (port < 1 || port > 65535)
        return os_error_set(err, OS_ERR_INVALID, "port %d is not 1-65535", port);
    if (protocol_normalize(protocol, proto) < 0)
        return os_error_set(err, OS_ERR_INVALID, "protocol \"%.16s\" is not TCP, UDP or SCTP",
                            protocol);
    rc = side_resolve(src, &s, "source", err);
    if (rc == 0)
        rc = side_resolve(dst, &d, "destination", err);
    if (rc == 0 && same_pod(&s, &d)) {
        out->allowed = out->egress_allowed = out->ingress_allowed = 1;
        snprintf(out->reason, sizeof(out->reason), "allowed: a pod can always reach itself");
    } else if (rc == 0) {
        dir_evaluate(set, NP_EGRESS, &s, &d, port, proto, d.pod, &eg);
        dir_evaluate(set, NP_INGRESS, &d, &s, port, proto, d.pod, &in);
        verdict_fill(out, &eg, &in, &s, &d);
    }
    json_object_put(s.ns_labels);
    json_object_put(d.ns_labels);
    return rc;
}

int np_evaluate(struct json_object *policies, const struct np_endpoint *src,
                const struct np_endpoint *dst, int port, const char *protocol,
                struct np_verdict *out, struct os_error *err)
{
    struct np_set *set;
    struct os_error local;
    int rc;

    if (!err)
        err = &local;
    memset(out, 0, sizeof(*out));
    if (np_set_build(policies, &set, err) < 0)
        return err->code;
    rc = np_set_evaluate(set, src, dst, port, protocol, out, err);
    np_set_free(set);
    return rc;
}
