/*
 * test_netpol.c - the NetworkPolicy evaluator against small handmade
 * policies: isolation and policyTypes defaults, union of policies, both
 * ends of a connection, every kind of peer, ports (default protocol,
 * ranges, named ports), ipBlock with except, the automatic namespace label,
 * the CIDR parser, and the policies the API server would reject.
 *
 * Policies and pods are written in YAML flow style and parsed with the
 * product's own YAML reader, so each case reads like a manifest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cluster/netpol.h"
#include "yaml_json.h"

/* A NetworkPolicy document; spec in YAML flow style. */
#define NP(ns, name, spec) \
    "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n" \
    "metadata: {namespace: " ns ", name: " name "}\nspec: " spec "\n"

/* Pods: web and db in namespace a, web and client in b, other in c. */
#define WEB_A "{metadata: {namespace: a, name: web, labels: {app: web}}," \
    " spec: {containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]}," \
    " status: {podIP: 10.0.0.1}}"
#define DB_A "{metadata: {namespace: a, name: db, labels: {app: db}}," \
    " spec: {containers: [{name: pg, ports: [{name: pg, containerPort: 5432}," \
    " {name: stats, containerPort: 9187, protocol: UDP}]}]}, status: {podIP: 10.0.0.2}}"
#define WEB_B "{metadata: {namespace: b, name: web, labels: {app: web}}, status: {podIP: 10.0.1.1}}"
#define CLIENT_B "{metadata: {namespace: b, name: client, labels: {role: client}}}"
#define OTHER_C "{metadata: {namespace: c, name: other, labels: {app: web}}}"

struct end {
    const char *pod;        /* YAML, or NULL for an address */
    const char *ns_labels;  /* YAML mapping, or NULL */
    const char *ip;
    const char *ns;
};

#define P(p) ((struct end){.pod = (p)})
#define PL(p, l) ((struct end){.pod = (p), .ns_labels = (l)})
#define ADDR(a) ((struct end){.ip = (a)})

static struct json_object *yaml(const char *text, int all)
{
    struct yaml_json_opts yo = {.what = "test", .typed = 1, .all_documents = all};
    struct json_object *out = NULL;
    struct os_error err;

    if (!text)
        return NULL;
    if (yaml_json_parse("test.yaml", text, strlen(text), &yo, &out, &err) < 0)
        fail_msg("yaml: %s", err.message);
    return out;
}

static int eval_rc(const char *policies, struct end src, struct end dst, int port,
                   const char *proto, struct np_verdict *v, struct os_error *err)
{
    struct json_object *pol = yaml(policies, 1);
    struct json_object *sp = yaml(src.pod, 0), *dp = yaml(dst.pod, 0);
    struct json_object *sl = yaml(src.ns_labels, 0), *dl = yaml(dst.ns_labels, 0);
    struct np_endpoint s = {src.ns, sl, sp, src.ip}, d = {dst.ns, dl, dp, dst.ip};
    int rc = np_evaluate(pol, &s, &d, port, proto, v, err);

    json_object_put(pol);
    json_object_put(sp);
    json_object_put(dp);
    json_object_put(sl);
    json_object_put(dl);
    return rc;
}

static struct np_verdict eval(const char *policies, struct end src, struct end dst, int port,
                              const char *proto)
{
    struct np_verdict v;
    struct os_error err;

    if (eval_rc(policies, src, dst, port, proto, &v, &err) < 0)
        fail_msg("np_evaluate: %s", err.message);
    return v;
}

static int allowed(const char *policies, struct end src, struct end dst, int port,
                   const char *proto)
{
    return eval(policies, src, dst, port, proto).allowed;
}

static void expect_reason(struct np_verdict v, const char *want)
{
    if (!strstr(v.reason, want))
        fail_msg("reason \"%s\" lacks \"%s\"", v.reason, want);
}

static void expect_invalid(const char *policies, const char *msg)
{
    struct np_verdict v;
    struct os_error err;

    assert_int_equal(eval_rc(policies, P(WEB_A), P(DB_A), 80, "TCP", &v, &err), OS_ERR_INVALID);
    if (!strstr(err.message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, msg);
}

/* ---- isolation and policyTypes ------------------------------------- */

static void test_no_policy_allows_all(void **state)
{
    struct np_verdict v = eval(NP("b", "unrelated", "{podSelector: {}}"), P(WEB_A), P(DB_A),
                               5432, "TCP");
    (void)state;
    assert_true(v.allowed);
    assert_false(v.egress_isolated);
    assert_false(v.ingress_isolated);
    expect_reason(v, "allowed: egress not isolated, ingress not isolated");
    assert_true(allowed("", P(WEB_A), ADDR("1.1.1.1"), 443, NULL));
}

static void test_ingress_only_does_not_isolate_egress(void **state)
{
    /* no policyTypes and no egress section: ["Ingress"] only */
    const char *pol = NP("a", "deny-in", "{podSelector: {}}");
    struct np_verdict v = eval(pol, P(WEB_B), P(DB_A), 5432, "TCP");

    (void)state;
    assert_false(v.allowed);
    assert_true(v.egress_allowed);
    assert_false(v.ingress_allowed);
    assert_true(v.ingress_isolated);
    expect_reason(v, "denied: no ingress rule of a/deny-in allows it");
    /* the same pods may still send anywhere */
    v = eval(pol, P(DB_A), P(WEB_B), 80, "TCP");
    assert_true(v.allowed);
    assert_false(v.egress_isolated);
    assert_true(allowed(pol, P(DB_A), ADDR("8.8.8.8"), 53, "UDP"));
    /* explicit [Ingress] is the same */
    assert_true(allowed(NP("a", "x", "{podSelector: {}, policyTypes: [Ingress]}"),
                        P(DB_A), P(WEB_B), 80, "TCP"));
}

static void test_policy_types_default_with_egress(void **state)
{
    /* an egress section makes the default [Ingress, Egress] */
    const char *pol = NP("a", "web-out", "{podSelector: {matchLabels: {app: web}},"
                         " egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]}");

    (void)state;
    assert_true(allowed(pol, P(WEB_A), P(DB_A), 5432, "TCP"));
    assert_false(allowed(pol, P(WEB_A), P(WEB_B), 80, "TCP"));
    assert_false(eval(pol, P(WEB_A), P(WEB_B), 80, "TCP").egress_allowed);
    /* ...and still isolates ingress, with no ingress rule */
    assert_false(allowed(pol, P(WEB_B), P(WEB_A), 80, "TCP"));
    /* an empty egress list is no egress section: [Ingress] only */
    pol = NP("a", "empty", "{podSelector: {}, egress: []}");
    assert_true(allowed(pol, P(WEB_A), P(WEB_B), 80, "TCP"));
    assert_false(allowed(pol, P(WEB_B), P(WEB_A), 80, "TCP"));
    /* an empty policyTypes list is defaulted too */
    pol = NP("a", "empty-types", "{podSelector: {}, policyTypes: []}");
    assert_false(allowed(pol, P(WEB_B), P(WEB_A), 80, "TCP"));
    assert_true(allowed(pol, P(WEB_A), P(WEB_B), 80, "TCP"));
}

static void test_egress_only_policy(void **state)
{
    const char *pol = NP("a", "deny-out", "{podSelector: {}, policyTypes: [Egress]}");
    struct np_verdict v = eval(pol, P(WEB_A), ADDR("1.1.1.1"), 443, "TCP");

    (void)state;
    assert_false(v.allowed);
    assert_true(v.egress_isolated);
    assert_false(v.egress_allowed);
    expect_reason(v, "denied: no egress rule of a/deny-out allows it");
    /* ingress of the same pods is untouched */
    assert_true(allowed(pol, P(WEB_B), P(DB_A), 5432, "TCP"));
    /* and pods of the same namespace cannot talk to each other */
    assert_false(allowed(pol, P(WEB_A), P(DB_A), 5432, "TCP"));
}

static void test_selection_and_namespace_scope(void **state)
{
    /* selects app=db only: web stays open */
    const char *pol = NP("a", "db", "{podSelector: {matchLabels: {app: db}}}");
    /* a policy of namespace b never applies to pods of a */
    const char *other = NP("b", "web", "{podSelector: {matchLabels: {app: web}},"
                           " policyTypes: [Ingress, Egress]}");
    /* a missing podSelector is {} (the API server decodes it so) */
    const char *missing = NP("a", "all", "{policyTypes: [Ingress]}");

    (void)state;
    assert_true(allowed(pol, P(WEB_B), P(WEB_A), 80, "TCP"));
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 5432, "TCP"));
    assert_true(allowed(other, P(CLIENT_B), P(WEB_A), 80, "TCP"));
    assert_false(allowed(other, P(WEB_A), P(WEB_B), 80, "TCP"));
    assert_false(allowed(missing, P(WEB_B), P(WEB_A), 80, "TCP"));
    assert_false(allowed(missing, P(WEB_B), P(DB_A), 80, "TCP"));
    /* matchExpressions through the shared selector code */
    pol = NP("a", "expr", "{podSelector: {matchExpressions: [{key: app, operator: NotIn,"
             " values: [web]}]}}");
    assert_true(allowed(pol, P(WEB_B), P(WEB_A), 80, "TCP"));
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 80, "TCP"));
}

static void test_empty_pod_selector_selects_all(void **state)
{
    const char *pol = NP("a", "all", "{podSelector: {}, policyTypes: [Ingress, Egress]}");

    (void)state;
    assert_false(allowed(pol, P(WEB_B), P(WEB_A), 80, "TCP"));
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 80, "TCP"));
    assert_false(allowed(pol, P(DB_A), P(WEB_B), 80, "TCP"));
    /* pods of b are not selected */
    assert_true(allowed(pol, P(CLIENT_B), P(WEB_B), 80, "TCP"));
}

static void test_union_of_policies(void **state)
{
    const char *pols =
        NP("a", "deny", "{podSelector: {}}")
        NP("a", "from-web", "{podSelector: {matchLabels: {app: db}},"
           " ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]}")
        NP("a", "from-b", "{podSelector: {matchLabels: {app: db}},"
           " ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]}");
    struct np_verdict v = eval(pols, P(WEB_A), P(DB_A), 5432, "TCP");

    (void)state;
    assert_true(v.allowed);
    expect_reason(v, "ingress by a/from-web");
    v = eval(pols, PL(CLIENT_B, "{team: b}"), P(DB_A), 9999, "TCP");
    assert_true(v.allowed);
    expect_reason(v, "ingress by a/from-b");
    v = eval(pols, P(WEB_A), P(DB_A), 80, "TCP");
    assert_false(v.allowed);
    expect_reason(v, "no ingress rule of a/deny, from-web, from-b allows it");
    /* rules of one policy are a union too */
    pols = NP("a", "two-rules", "{podSelector: {matchLabels: {app: db}}, ingress: ["
              "{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 80}]},"
              "{from: [{ipBlock: {cidr: 192.168.0.0/16}}], ports: [{port: 443}]}]}");
    assert_true(allowed(pols, P(WEB_A), P(DB_A), 80, "TCP"));
    assert_false(allowed(pols, P(WEB_A), P(DB_A), 443, "TCP"));
    assert_true(allowed(pols, ADDR("192.168.3.4"), P(DB_A), 443, "TCP"));
    assert_false(allowed(pols, ADDR("192.168.3.4"), P(DB_A), 80, "TCP"));
}

static void test_both_ends_needed(void **state)
{
    /* a's web may send to b's web; b's web accepts nothing */
    const char *pols =
        NP("a", "web-out", "{podSelector: {}, policyTypes: [Egress],"
           " egress: [{to: [{namespaceSelector: {}}]}]}")
        NP("b", "deny-in", "{podSelector: {}, policyTypes: [Ingress]}");
    struct np_verdict v = eval(pols, P(WEB_A), P(WEB_B), 80, "TCP");

    (void)state;
    assert_false(v.allowed);
    assert_true(v.egress_allowed);
    assert_false(v.ingress_allowed);
    expect_reason(v, "no ingress rule of b/deny-in allows it");
    /* the other way: b may receive, a may not send */
    pols = NP("a", "deny-out", "{podSelector: {}, policyTypes: [Egress]}")
           NP("b", "in", "{podSelector: {}, ingress: [{}]}");
    v = eval(pols, P(WEB_A), P(WEB_B), 80, "TCP");
    assert_false(v.allowed);
    assert_false(v.egress_allowed);
    assert_true(v.ingress_allowed);
    /* both denied: both named */
    pols = NP("a", "deny-out", "{podSelector: {}, policyTypes: [Egress]}")
           NP("b", "deny-in", "{podSelector: {}}");
    v = eval(pols, P(WEB_A), P(WEB_B), 80, "TCP");
    expect_reason(v, "denied: no egress rule of a/deny-out allows it; no ingress rule of b/deny-in");
    /* both allowed */
    pols = NP("a", "out", "{podSelector: {}, egress: [{}], policyTypes: [Egress]}")
           NP("b", "in", "{podSelector: {}, ingress: [{}]}");
    v = eval(pols, P(WEB_A), P(WEB_B), 80, "TCP");
    assert_true(v.allowed);
    expect_reason(v, "allowed: egress by a/out, ingress by b/in");
}

static void test_rules_without_peers_or_ports(void **state)
{
    const char *all = NP("a", "all", "{podSelector: {}, ingress: [{}]}");
    const char *empty_from = NP("a", "all", "{podSelector: {}, ingress: [{from: [], ports: []}]}");
    const char *port_only = NP("a", "p", "{podSelector: {}, ingress: [{ports: [{port: 5432}]}]}");
    const char *no_rules = NP("a", "none", "{podSelector: {}, ingress: []}");

    (void)state;
    assert_true(allowed(all, ADDR("203.0.113.9"), P(DB_A), 1, "UDP"));
    assert_true(allowed(all, P(WEB_B), P(DB_A), 65535, "SCTP"));
    assert_true(allowed(empty_from, P(WEB_B), P(DB_A), 22, "TCP"));
    assert_true(allowed(port_only, ADDR("203.0.113.9"), P(DB_A), 5432, "TCP"));
    assert_true(allowed(port_only, P(OTHER_C), P(DB_A), 5432, "TCP"));
    assert_false(allowed(port_only, P(OTHER_C), P(DB_A), 5433, "TCP"));
    assert_false(allowed(port_only, P(OTHER_C), P(DB_A), 5432, "UDP"));
    assert_false(allowed(no_rules, P(WEB_A), P(DB_A), 5432, "TCP"));
}

/* ---- peers ---------------------------------------------------------- */

static void test_pod_selector_peer_is_own_namespace(void **state)
{
    const char *pol = NP("a", "db", "{podSelector: {matchLabels: {app: db}},"
                         " ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]}");

    (void)state;
    assert_true(allowed(pol, P(WEB_A), P(DB_A), 5432, "TCP"));
    /* same labels in another namespace: not the peer */
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 5432, "TCP"));
    assert_false(allowed(pol, PL(WEB_B, "{app: web}"), P(DB_A), 5432, "TCP"));
    /* an address is never a pod-selector peer, even a pod's address */
    assert_false(allowed(pol, ADDR("10.0.0.1"), P(DB_A), 5432, "TCP"));
    /* {} in a peer: every pod of the policy's namespace */
    pol = NP("a", "db", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: [{podSelector: {}}]}]}");
    assert_true(allowed(pol, P(WEB_A), P(DB_A), 5432, "TCP"));
    assert_false(allowed(pol, P(CLIENT_B), P(DB_A), 5432, "TCP"));
}

static void test_namespace_selector_peer(void **state)
{
    const char *pol = NP("a", "db", "{podSelector: {matchLabels: {app: db}},"
                         " ingress: [{from: [{namespaceSelector: {matchLabels: {team: x}}}]}]}");
    const char *any = NP("a", "db", "{podSelector: {matchLabels: {app: db}},"
                         " ingress: [{from: [{namespaceSelector: {}}]}]}");

    (void)state;
    /* every pod of a matching namespace, whatever its labels */
    assert_true(allowed(pol, PL(WEB_B, "{team: x}"), P(DB_A), 5432, "TCP"));
    assert_true(allowed(pol, PL(CLIENT_B, "{team: x}"), P(DB_A), 5432, "TCP"));
    assert_false(allowed(pol, PL(CLIENT_B, "{team: y}"), P(DB_A), 5432, "TCP"));
    assert_false(allowed(pol, P(OTHER_C), P(DB_A), 5432, "TCP"));
    /* the policy's own namespace only when it matches too */
    assert_false(allowed(pol, P(WEB_A), P(DB_A), 5432, "TCP"));
    assert_true(allowed(pol, PL(WEB_A, "{team: x}"), P(DB_A), 5432, "TCP"));
    /* not an address */
    assert_false(allowed(pol, ADDR("10.0.1.1"), P(DB_A), 5432, "TCP"));
    /* {}: every namespace, every pod; still no address */
    assert_true(allowed(any, P(OTHER_C), P(DB_A), 5432, "TCP"));
    assert_false(allowed(any, ADDR("1.1.1.1"), P(DB_A), 5432, "TCP"));
}

static void test_namespace_and_pod_in_one_peer_vs_two(void **state)
{
    const char *one = NP("a", "one", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: ["
                         "{namespaceSelector: {matchLabels: {team: x}},"
                         " podSelector: {matchLabels: {app: web}}}]}]}");
    const char *two = NP("a", "two", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: ["
                         "{namespaceSelector: {matchLabels: {team: x}}},"
                         " {podSelector: {matchLabels: {app: web}}}]}]}");

    (void)state;
    /* one peer: web pods of team-x namespaces, and only those */
    assert_true(allowed(one, PL(WEB_B, "{team: x}"), P(DB_A), 5432, "TCP"));
    assert_false(allowed(one, PL(CLIENT_B, "{team: x}"), P(DB_A), 5432, "TCP"));
    assert_false(allowed(one, P(WEB_A), P(DB_A), 5432, "TCP"));
    assert_false(allowed(one, PL(OTHER_C, "{team: y}"), P(DB_A), 5432, "TCP"));
    /* two peers: any pod of team-x namespaces, or web pods of a */
    assert_true(allowed(two, PL(WEB_B, "{team: x}"), P(DB_A), 5432, "TCP"));
    assert_true(allowed(two, PL(CLIENT_B, "{team: x}"), P(DB_A), 5432, "TCP"));
    assert_true(allowed(two, P(WEB_A), P(DB_A), 5432, "TCP"));
    assert_false(allowed(two, PL(OTHER_C, "{team: y}"), P(DB_A), 5432, "TCP"));
}

static void test_automatic_namespace_label(void **state)
{
    const char *pol = NP("a", "db", "{podSelector: {matchLabels: {app: db}}, ingress: [{from: ["
                         "{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}}]}]}");

    (void)state;
    /* given even when the caller passes no label */
    assert_true(allowed(pol, P(WEB_B), P(DB_A), 5432, "TCP"));
    assert_true(allowed(pol, PL(CLIENT_B, "{team: x}"), P(DB_A), 5432, "TCP"));
    assert_false(allowed(pol, P(OTHER_C), P(DB_A), 5432, "TCP"));
    /* and it cannot be faked: the server sets it to the name */
    assert_false(allowed(pol, PL(OTHER_C, "{kubernetes.io/metadata.name: b}"), P(DB_A), 5432, "TCP"));
    /* the endpoint's namespace wins over the pod's metadata */
    assert_true(allowed(pol, ((struct end){.pod = OTHER_C, .ns = "b"}), P(DB_A), 5432, "TCP"));
}

static void test_ip_block(void **state)
{
    const char *pol = NP("a", "out", "{podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock:"
                         " {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 169.254.0.0/16]}}]}]}");
    const char *narrow = NP("a", "out", "{podSelector: {}, policyTypes: [Egress], egress: [{to: ["
                            "{ipBlock: {cidr: 192.168.1.0/24}}, {ipBlock: {cidr: 8.8.8.8/32}},"
                            " {ipBlock: {cidr: 172.16.9.9/12}}, {ipBlock: {cidr: \"2001:db8::/32\"}}]}]}");

    (void)state;
    assert_true(allowed(pol, P(WEB_A), ADDR("1.1.1.1"), 443, "TCP"));
    assert_true(allowed(pol, P(WEB_A), ADDR("11.0.0.0"), 443, "TCP"));
    assert_true(allowed(pol, P(WEB_A), ADDR("9.255.255.255"), 443, "TCP"));
    assert_false(allowed(pol, P(WEB_A), ADDR("10.0.0.0"), 443, "TCP"));
    assert_false(allowed(pol, P(WEB_A), ADDR("10.255.255.255"), 443, "TCP"));
    assert_false(allowed(pol, P(WEB_A), ADDR("169.254.169.254"), 80, "TCP"));
    assert_true(allowed(pol, P(WEB_A), ADDR("169.255.0.1"), 80, "TCP"));
    /* prefix boundaries, /32, host bits cleared as the API server does */
    assert_true(allowed(narrow, P(WEB_A), ADDR("192.168.1.0"), 1, "TCP"));
    assert_true(allowed(narrow, P(WEB_A), ADDR("192.168.1.255"), 1, "TCP"));
    assert_false(allowed(narrow, P(WEB_A), ADDR("192.168.2.0"), 1, "TCP"));
    assert_false(allowed(narrow, P(WEB_A), ADDR("192.168.0.255"), 1, "TCP"));
    assert_true(allowed(narrow, P(WEB_A), ADDR("8.8.8.8"), 1, "TCP"));
    assert_false(allowed(narrow, P(WEB_A), ADDR("8.8.8.9"), 1, "TCP"));
    assert_true(allowed(narrow, P(WEB_A), ADDR("172.31.0.1"), 1, "TCP"));
    assert_false(allowed(narrow, P(WEB_A), ADDR("172.32.0.1"), 1, "TCP"));
    /* an IPv6 block never matches; an IPv6 address matches no block */
    assert_false(allowed(narrow, P(WEB_A), ADDR("2001:db8::1"), 1, "TCP"));
    assert_false(allowed(pol, P(WEB_A), ADDR("2001:db8::1"), 1, "TCP"));
}

static void test_ip_block_and_pod_addresses(void **state)
{
    /* our choice: ipBlock sees pod addresses too (status.podIP or the
     * endpoint's ip) */
    const char *pol = NP("a", "db", "{podSelector: {matchLabels: {app: db}},"
                         " ingress: [{from: [{ipBlock: {cidr: 10.0.1.0/24}}]}]}");

    (void)state;
    assert_true(allowed(pol, P(WEB_B), P(DB_A), 5432, "TCP"));       /* 10.0.1.1 */
    assert_false(allowed(pol, P(WEB_A), P(DB_A), 5432, "TCP"));      /* 10.0.0.1 */
    assert_false(allowed(pol, P(CLIENT_B), P(DB_A), 5432, "TCP"));   /* no IP known */
    assert_true(allowed(pol, ((struct end){.pod = CLIENT_B, .ip = "10.0.1.7"}), P(DB_A), 5432, "TCP"));
    /* except applies to pods as well */
    pol = NP("a", "db", "{podSelector: {matchLabels: {app: db}},"
             " ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}}]}]}");
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 5432, "TCP"));
    assert_true(allowed(pol, P(WEB_A), P(DB_A), 5432, "TCP"));
}

/* ---- ports ---------------------------------------------------------- */

static void test_protocol_defaults_to_tcp(void **state)
{
    const char *tcp = NP("a", "p", "{podSelector: {}, ingress: [{ports: [{port: 53}]}]}");
    const char *udp_any = NP("a", "p", "{podSelector: {}, ingress: [{ports: [{protocol: UDP}]}]}");
    const char *empty_port = NP("a", "p", "{podSelector: {}, ingress: [{ports: [{}]}]}");

    (void)state;
    assert_true(allowed(tcp, P(WEB_B), P(DB_A), 53, "TCP"));
    assert_true(allowed(tcp, P(WEB_B), P(DB_A), 53, NULL));
    assert_true(allowed(tcp, P(WEB_B), P(DB_A), 53, "tcp"));
    assert_false(allowed(tcp, P(WEB_B), P(DB_A), 53, "UDP"));
    /* a protocol without a port: every port of that protocol only */
    assert_true(allowed(udp_any, P(WEB_B), P(DB_A), 53, "UDP"));
    assert_true(allowed(udp_any, P(WEB_B), P(DB_A), 65000, "UDP"));
    assert_false(allowed(udp_any, P(WEB_B), P(DB_A), 53, "TCP"));
    /* {}: every TCP port, still no UDP */
    assert_true(allowed(empty_port, P(WEB_B), P(DB_A), 1234, "TCP"));
    assert_false(allowed(empty_port, P(WEB_B), P(DB_A), 1234, "UDP"));
    assert_false(allowed(empty_port, P(WEB_B), P(DB_A), 1234, "SCTP"));
}

static void test_end_port(void **state)
{
    const char *pol = NP("a", "range", "{podSelector: {}, ingress: [{ports:"
                         " [{port: 32000, endPort: 32768}, {protocol: UDP, port: 5000, endPort: 5000}]}]}");

    (void)state;
    assert_true(allowed(pol, P(WEB_B), P(DB_A), 32000, "TCP"));
    assert_true(allowed(pol, P(WEB_B), P(DB_A), 32500, "TCP"));
    assert_true(allowed(pol, P(WEB_B), P(DB_A), 32768, "TCP"));
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 31999, "TCP"));
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 32769, "TCP"));
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 32500, "UDP"));
    assert_true(allowed(pol, P(WEB_B), P(DB_A), 5000, "UDP"));
    assert_false(allowed(pol, P(WEB_B), P(DB_A), 5001, "UDP"));
}

static void test_named_ports(void **state)
{
    const char *in = NP("a", "db", "{podSelector: {matchLabels: {app: db}},"
                        " ingress: [{ports: [{port: pg}, {protocol: UDP, port: stats}]}]}");
    const char *out = NP("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress],"
                         " egress: [{ports: [{port: pg}]}]}");
    const char *udp_pg = NP("a", "db", "{podSelector: {matchLabels: {app: db}},"
                            " ingress: [{ports: [{protocol: UDP, port: pg}]}]}");
    const char *src_name = NP("a", "web", "{podSelector: {matchLabels: {app: web}}, policyTypes: [Egress],"
                              " egress: [{ports: [{port: http}]}]}");

    (void)state;
    /* resolved on the destination pod: name, number and protocol agree */
    assert_true(allowed(in, P(WEB_B), P(DB_A), 5432, "TCP"));
    assert_false(allowed(in, P(WEB_B), P(DB_A), 5433, "TCP"));
    assert_false(allowed(in, P(WEB_B), P(DB_A), 5432, "UDP"));
    assert_true(allowed(in, P(WEB_B), P(DB_A), 9187, "UDP"));
    assert_false(allowed(in, P(WEB_B), P(DB_A), 9187, "TCP"));
    /* the name exists, but as a TCP port: a UDP rule does not open it */
    assert_false(allowed(udp_pg, P(WEB_B), P(DB_A), 5432, "UDP"));
    /* in an egress rule, still the destination's ports */
    assert_true(allowed(out, P(WEB_A), P(DB_A), 5432, "TCP"));
    assert_false(allowed(out, P(WEB_A), P(WEB_B), 5432, "TCP"));   /* WEB_B has no "pg" */
    assert_false(allowed(out, P(WEB_A), ADDR("1.2.3.4"), 5432, "TCP"));
    /* never the source's: web has "http" on 8080, db does not */
    assert_false(allowed(src_name, P(WEB_A), P(DB_A), 8080, "TCP"));
}

/* ---- special cases -------------------------------------------------- */

static void test_pod_reaches_itself(void **state)
{
    const char *pol = NP("a", "deny", "{podSelector: {}, policyTypes: [Ingress, Egress]}");
    struct np_verdict v = eval(pol, P(DB_A), P(DB_A), 5432, "TCP");

    (void)state;
    assert_true(v.allowed);
    expect_reason(v, "itself");
    /* same name in another namespace is another pod */
    assert_false(allowed(pol, P(WEB_A), P(WEB_B), 80, "TCP"));
}

static void test_external_endpoints(void **state)
{
    const char *pol = NP("a", "deny", "{podSelector: {}, policyTypes: [Ingress, Egress]}");
    struct np_verdict v = eval(pol, ADDR("1.1.1.1"), P(WEB_B), 80, "TCP");

    (void)state;
    assert_true(v.allowed);
    expect_reason(v, "egress not a pod");
    v = eval(pol, ADDR("1.1.1.1"), P(WEB_A), 80, "TCP");
    assert_false(v.allowed);
    assert_true(v.egress_allowed);
    v = eval(pol, P(WEB_A), ADDR("1.1.1.1"), 80, "TCP");
    assert_false(v.allowed);
    assert_true(v.ingress_allowed);
}

static void test_list_input_and_other_kinds(void **state)
{
    struct json_object *list = yaml("{kind: List, items: [{kind: Namespace, metadata: {name: a}},"
                                    " {kind: NetworkPolicy, metadata: {namespace: a, name: d},"
                                    " spec: {podSelector: {}}}, {metadata: {namespace: a, name: e},"
                                    " spec: {podSelector: {}, policyTypes: [Egress]}}]}", 0);
    struct np_set *set;
    struct os_error err;

    (void)state;
    assert_int_equal(np_set_build(list, &set, &err), 0);
    assert_int_equal(np_set_count(set), 2);
    np_set_free(set);
    assert_int_equal(np_set_build(NULL, &set, &err), 0);
    assert_int_equal(np_set_count(set), 0);
    np_set_free(set);
    json_object_put(list);
    list = json_object_new_string("x");
    assert_int_equal(np_set_build(list, &set, &err), OS_ERR_INVALID);
    assert_null(set);
    json_object_put(list);
}

static void test_invalid_policies(void **state)
{
    (void)state;
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{from: [{}]}]}"),
                   "a/p: spec.ingress[0].from[0] needs podSelector, namespaceSelector or ipBlock");
    expect_invalid(NP("a", "p", "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 1.0.0.0/8},"
                      " podSelector: {}}]}]}"), "ipBlock cannot be combined");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}"),
                   "from[0].ipBlock.cidr: \"10.0.0.0/33\" is not a CIDR");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0,"
                      " except: [10.0.0.0]}}]}]}"), "ipBlock.except[0]");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{ports: [{port: http, endPort: 90}]}]}"),
                   "ports[0].endPort");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{ports: [{port: 90, endPort: 80}]}]}"),
                   "ports[0].endPort");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{ports: [{endPort: 80}]}]}"),
                   "endPort");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{ports: [{port: 0}]}]}"),
                   "ports[0].port must be 1-65535");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{ports: [{port: 70000}]}]}"),
                   "ports[0].port");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: [{ports: [{protocol: ICMP}]}]}"),
                   "protocol must be TCP, UDP or SCTP");
    expect_invalid(NP("a", "p", "{podSelector: {}, policyTypes: [Ingres]}"),
                   "spec.policyTypes[0] must be Ingress or Egress");
    expect_invalid(NP("a", "p", "{podSelector: {matchExpressions: [{key: a, operator: Maybe}]}}"),
                   "a/p: spec.podSelector");
    expect_invalid(NP("a", "p", "{podSelector: {}, ingress: {from: []}}"), "spec.ingress must be a list");
    expect_invalid("---\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelector: {}}\n",
                   "has no namespace");
}

static void test_invalid_arguments(void **state)
{
    const char *pol = NP("a", "p", "{podSelector: {}}");
    struct np_verdict v;
    struct os_error err;

    (void)state;
    assert_int_equal(eval_rc(pol, P(WEB_A), P(DB_A), 0, "TCP", &v, &err), OS_ERR_INVALID);
    assert_int_equal(eval_rc(pol, P(WEB_A), P(DB_A), 65536, "TCP", &v, &err), OS_ERR_INVALID);
    assert_int_equal(eval_rc(pol, P(WEB_A), P(DB_A), 80, "ICMP", &v, &err), OS_ERR_INVALID);
    assert_int_equal(eval_rc(pol, P(WEB_A), ADDR("1.2.3.256"), 80, "TCP", &v, &err), OS_ERR_INVALID);
    assert_non_null(strstr(err.message, "destination address \"1.2.3.256\""));
    assert_int_equal(eval_rc(pol, P(WEB_A), (struct end){0}, 80, "TCP", &v, &err), OS_ERR_INVALID);
    assert_int_equal(eval_rc(pol, P("{metadata: {name: x}}"), P(DB_A), 80, "TCP", &v, &err),
                     OS_ERR_INVALID);
    assert_non_null(strstr(err.message, "source pod has no namespace"));
    assert_int_equal(np_evaluate(NULL, NULL, NULL, 80, NULL, &v, NULL), OS_ERR_INVALID);
}

static void test_parse_cidr(void **state)
{
    static const char *const bad[] = {
        "1.2.3.4/33", "1.2.3.4/-1", "1.2.3/8", "1.2.3.4.5/8", "256.0.0.0/8", "01.2.3.4/8",
        "1.2.3.4/08", "1.2.3.4/", "1.2.3.4", " 1.2.3.4/8", "1..3.4/8", "a.b.c.d/8",
        "1.2.3.4/8x", "1.2.3.4/8/8", "", "/8", "1.2.3.4 /8", "+1.2.3.4/8", "1.2.3.1000/8",
    };
    uint32_t addr, mask;

    (void)state;
    assert_int_equal(np_parse_cidr("10.0.0.0/8", &addr, &mask), 0);
    assert_int_equal(addr, 0x0a000000u);
    assert_int_equal(mask, 0xff000000u);
    assert_int_equal(np_parse_cidr("0.0.0.0/0", &addr, &mask), 0);
    assert_int_equal(mask, 0);
    assert_int_equal(np_parse_cidr("1.2.3.4/32", &addr, &mask), 0);
    assert_int_equal(addr, 0x01020304u);
    assert_int_equal(mask, 0xffffffffu);
    assert_int_equal(np_parse_cidr("10.1.2.3/8", &addr, &mask), 0);
    assert_int_equal(addr, 0x0a000000u);
    assert_int_equal(np_parse_cidr("255.255.255.255/31", &addr, &mask), 0);
    assert_int_equal(addr, 0xfffffffeu);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        if (np_parse_cidr(bad[i], &addr, &mask) == 0)
            fail_msg("\"%s\" parsed as a CIDR", bad[i]);
    assert_int_equal(np_parse_cidr(NULL, &addr, &mask), OS_ERR_INVALID);
    assert_int_equal(np_parse_ipv4("0.0.0.0", &addr), 0);
    assert_int_equal(addr, 0);
    assert_int_equal(np_parse_ipv4("1.2.3.4 ", &addr), OS_ERR_INVALID);
    assert_int_equal(np_parse_ipv4("1.2.3.04", &addr), OS_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_policy_allows_all),
        cmocka_unit_test(test_ingress_only_does_not_isolate_egress),
        cmocka_unit_test(test_policy_types_default_with_egress),
        cmocka_unit_test(test_egress_only_policy),
        cmocka_unit_test(test_selection_and_namespace_scope),
        cmocka_unit_test(test_empty_pod_selector_selects_all),
        cmocka_unit_test(test_union_of_policies),
        cmocka_unit_test(test_both_ends_needed),
        cmocka_unit_test(test_rules_without_peers_or_ports),
        cmocka_unit_test(test_pod_selector_peer_is_own_namespace),
        cmocka_unit_test(test_namespace_selector_peer),
        cmocka_unit_test(test_namespace_and_pod_in_one_peer_vs_two),
        cmocka_unit_test(test_automatic_namespace_label),
        cmocka_unit_test(test_ip_block),
        cmocka_unit_test(test_ip_block_and_pod_addresses),
        cmocka_unit_test(test_protocol_defaults_to_tcp),
        cmocka_unit_test(test_end_port),
        cmocka_unit_test(test_named_ports),
        cmocka_unit_test(test_pod_reaches_itself),
        cmocka_unit_test(test_external_endpoints),
        cmocka_unit_test(test_list_input_and_other_kinds),
        cmocka_unit_test(test_invalid_policies),
        cmocka_unit_test(test_invalid_arguments),
        cmocka_unit_test(test_parse_cidr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
