/*
 * selector.h - Kubernetes label and field selectors: parse and match.
 *
 * Label selectors come in two forms and end up in the same struct:
 *   - the query-string syntax (K8S-CONTRACT.md 3.2): "app=odoo,tier!=db",
 *     "env in (a,b)", "env notin (c)", "key", "!key";
 *   - the metav1.LabelSelector JSON form used in objects (Deployments,
 *     NetworkPolicies): {"matchLabels":{...},"matchExpressions":[...]}.
 * A selector is an AND of requirements.  An empty selector (no requirement)
 * matches everything; a NULL selector matches nothing, which is what a
 * missing podSelector-style field means in the places that use it.
 *
 * Field selectors ("metadata.name=x,status.phase!=Running") are only parsed
 * here into (field, op, value) terms: which fields a resource supports is the
 * server's business, and so is the lookup of a field in an object.
 */
#ifndef KUBE_SELECTOR_H
#define KUBE_SELECTOR_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

enum kube_sel_op {
    KUBE_SEL_EQ,          /* key=value, key==value */
    KUBE_SEL_NEQ,         /* key!=value (also true when the key is absent) */
    KUBE_SEL_IN,          /* key in (a,b) */
    KUBE_SEL_NOTIN,       /* key notin (a,b) (true when the key is absent) */
    KUBE_SEL_EXISTS,      /* key */
    KUBE_SEL_NOT_EXISTS,  /* !key */
};

struct kube_sel_req {
    char *key;
    enum kube_sel_op op;
    char **values;        /* one for EQ/NEQ, one or more for IN/NOTIN */
    size_t nvalues;
};

struct kube_selector {
    struct kube_sel_req *reqs;
    size_t nreqs;
};

/* Parse the string syntax.  NULL or "" gives an empty selector (matches
 * everything).  On a syntax error returns OS_ERR_INVALID with a message that
 * starts "unable to parse requirement: " (the server answers it with 400).
 * *out is allocated; the caller frees it with kube_selector_free(). */
int kube_selector_parse(const char *text, struct kube_selector **out,
                        struct os_error *err);

/* Build from a metav1.LabelSelector JSON object.  A NULL json gives
 * *out = NULL (matches nothing); {} gives an empty selector.  Unknown
 * operators or malformed members are OS_ERR_INVALID.  The caller frees *out
 * with kube_selector_free(). */
int kube_selector_from_json(json_object *label_selector,
                            struct kube_selector **out, struct os_error *err);

/* 1 when labels (a JSON object of string values, or NULL for none) satisfy
 * every requirement; always 0 for a NULL selector. */
int kube_selector_matches(const struct kube_selector *sel, json_object *labels);

/* 1 when the selector has no requirement (matches everything). */
int kube_selector_is_empty(const struct kube_selector *sel);

/* Safe on NULL. */
void kube_selector_free(struct kube_selector *sel);

struct kube_field_term {
    char *field;
    int negate;           /* 0 for = and ==, 1 for != */
    char *value;
};

struct kube_field_selector {
    struct kube_field_term *terms;
    size_t nterms;
};

/* Parse "a=b,c!=d".  NULL or "" gives no term.  Errors are OS_ERR_INVALID
 * ("invalid selector: ...").  The caller frees *out with
 * kube_field_selector_free(). */
int kube_field_selector_parse(const char *text, struct kube_field_selector **out,
                              struct os_error *err);

/* Safe on NULL. */
void kube_field_selector_free(struct kube_field_selector *fs);

#endif
