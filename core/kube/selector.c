/*
 * selector.c - label selector parser/matcher and field selector parser.
 *
 * The string syntax is read by a tiny lexer (identifiers, "!", "=", "==",
 * "!=", "(", ")", ",") and a recursive-descent parser that mirrors
 * k8s.io/apimachinery/pkg/labels: requirements separated by commas, each one
 * "[!]key [op value | in (v,...) | notin (v,...)]".  Keys and values are
 * checked with the label rules, so a selector the server would reject is
 * rejected here too.  Everything is bounded by the input length.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "selector.h"

enum tok { T_END, T_IDENT, T_NOT, T_EQ, T_DEQ, T_NEQ, T_OPEN, T_CLOSE, T_COMMA, T_BAD };

struct lexer {
    const char *p;
    enum tok tok;
    char text[320];       /* current identifier, truncated past 319 bytes */
    size_t len;           /* its real length */
};

static int is_special(char c)
{
    return c == '!' || c == '=' || c == '(' || c == ')' || c == ',' ||
           isspace((unsigned char)c);
}

static void lex(struct lexer *lx)
{
    while (isspace((unsigned char)*lx->p))
        lx->p++;
    lx->text[0] = '\0';
    lx->len = 0;
    switch (*lx->p) {
    case '\0': lx->tok = T_END; return;
    case '(': lx->p++; lx->tok = T_OPEN; return;
    case ')': lx->p++; lx->tok = T_CLOSE; return;
    case ',': lx->p++; lx->tok = T_COMMA; return;
    case '!':
        lx->p++;
        if (*lx->p == '=') { lx->p++; lx->tok = T_NEQ; } else lx->tok = T_NOT;
        return;
    case '=':
        lx->p++;
        if (*lx->p == '=') { lx->p++; lx->tok = T_DEQ; } else lx->tok = T_EQ;
        return;
    default:
        break;
    }
    const char *s = lx->p;
    while (*lx->p && !is_special(*lx->p))
        lx->p++;
    lx->len = (size_t)(lx->p - s);
    size_t n = lx->len < sizeof(lx->text) - 1 ? lx->len : sizeof(lx->text) - 1;
    memcpy(lx->text, s, n);
    lx->text[n] = '\0';
    lx->tok = T_IDENT;
}

static const char *tok_name(const struct lexer *lx)
{
    switch (lx->tok) {
    case T_END: return "EOS";
    case T_NOT: return "!";
    case T_EQ: return "=";
    case T_DEQ: return "==";
    case T_NEQ: return "!=";
    case T_OPEN: return "(";
    case T_CLOSE: return ")";
    case T_COMMA: return ",";
    case T_IDENT: return lx->text;
    default: return "?";
    }
}

/* Label name part: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], max 63. */
static int valid_name_part(const char *s, size_t n)
{
    if (n == 0 || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

/* DNS-1123 subdomain, max 253. */
static int valid_subdomain(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && c != '.')
            return 0;
        int edge = i == 0 || i == n - 1 || s[i - 1] == '.' || s[i + 1] == '.';
        if (edge && !alnum)
            return 0;
    }
    return 1;
}

static int valid_key(const char *key)
{
    const char *slash = strchr(key, '/');
    if (!slash)
        return valid_name_part(key, strlen(key));
    return valid_subdomain(key, (size_t)(slash - key)) &&
           valid_name_part(slash + 1, strlen(slash + 1));
}

static int valid_value(const char *v)
{
    return *v == '\0' || valid_name_part(v, strlen(v));
}

static void req_free(struct kube_sel_req *r)
{
    free(r->key);
    for (size_t i = 0; i < r->nvalues; i++)
        free(r->values[i]);
    free(r->values);
}

void kube_selector_free(struct kube_selector *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->nreqs; i++)
        req_free(&sel->reqs[i]);
    free(sel->reqs);
    free(sel);
}

static int add_value(struct kube_sel_req *r, const char *v)
{
    char **nv = realloc(r->values, (r->nvalues + 1) * sizeof(*nv));
    if (!nv)
        return -1;
    r->values = nv;
    if (!(nv[r->nvalues] = strdup(v)))
        return -1;
    r->nvalues++;
    return 0;
}

/* Append a requirement (takes ownership of r's members). */
static int add_req(struct kube_selector *sel, struct kube_sel_req *r)
{
    struct kube_sel_req *nr = realloc(sel->reqs, (sel->nreqs + 1) * sizeof(*nr));
    if (!nr)
        return -1;
    sel->reqs = nr;
    nr[sel->nreqs++] = *r;
    return 0;
}

#define PARSE_ERR(...) os_error_set(err, OS_ERR_INVALID, "unable to parse requirement: " __VA_ARGS__)

static int parse_values(struct lexer *lx, struct kube_sel_req *r, struct os_error *err)
{
    lex(lx);
    if (lx->tok != T_OPEN)
        return PARSE_ERR("found '%s', expected: '('", tok_name(lx));
    for (;;) {
        lex(lx);
        if (lx->tok == T_CLOSE && r->nvalues == 0)
            return PARSE_ERR("for 'in', 'notin' operators, values set can't be empty");
        if (lx->tok == T_IDENT) {
            if (!valid_value(lx->text))
                return PARSE_ERR("values[%zu][%s]: Invalid value: \"%s\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                                 r->nvalues, r->key, lx->text);
            if (add_value(r, lx->text))
                return os_error_set(err, OS_ERR_NOMEM, "out of memory");
            lex(lx);
        } else if (lx->tok == T_COMMA || lx->tok == T_CLOSE) {
            if (add_value(r, ""))      /* "(a,)" means a and the empty value */
                return os_error_set(err, OS_ERR_NOMEM, "out of memory");
        } else {
            return PARSE_ERR("found '%s', expected: ',', ')' or identifier", tok_name(lx));
        }
        if (lx->tok == T_CLOSE)
            return 0;
        if (lx->tok != T_COMMA)
            return PARSE_ERR("found '%s', expected: ',' or ')'", tok_name(lx));
    }
}

/* One requirement; leaves the lexer on the token after it. */
static int parse_req(struct lexer *lx, struct kube_sel_req *r, struct os_error *err)
{
    int negate = 0;

    lex(lx);
    if (lx->tok == T_NOT) {
        negate = 1;
        lex(lx);
    }
    if (lx->tok != T_IDENT)
        return PARSE_ERR("found '%s', expected: !, identifier, or 'end of string'", tok_name(lx));
    if (lx->len >= sizeof(lx->text) - 1 || !valid_key(lx->text))
        return PARSE_ERR("key: Invalid value: \"%s\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                         lx->text);
    if (!(r->key = strdup(lx->text)))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    lex(lx);
    if (negate) {
        r->op = KUBE_SEL_NOT_EXISTS;
        if (lx->tok != T_END && lx->tok != T_COMMA)
            return PARSE_ERR("found '%s', expected: ',' or 'end of string'", tok_name(lx));
        return 0;
    }
    if (lx->tok == T_END || lx->tok == T_COMMA) {
        r->op = KUBE_SEL_EXISTS;
        return 0;
    }
    if (lx->tok == T_IDENT && (!strcmp(lx->text, "in") || !strcmp(lx->text, "notin"))) {
        r->op = !strcmp(lx->text, "in") ? KUBE_SEL_IN : KUBE_SEL_NOTIN;
        int rc = parse_values(lx, r, err);
        if (rc)
            return rc;
        lex(lx);
        return 0;
    }
    if (lx->tok != T_EQ && lx->tok != T_DEQ && lx->tok != T_NEQ)
        return PARSE_ERR("found '%s', expected: in, notin, =, ==, !=", tok_name(lx));
    r->op = lx->tok == T_NEQ ? KUBE_SEL_NEQ : KUBE_SEL_EQ;
    lex(lx);
    const char *v = "";
    if (lx->tok == T_IDENT) {
        v = lx->text;
    } else if (lx->tok != T_END && lx->tok != T_COMMA) {
        return PARSE_ERR("found '%s', expected: identifier", tok_name(lx));
    }
    if (!valid_value(v))
        return PARSE_ERR("values[0][%s]: Invalid value: \"%s\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                         r->key, v);
    if (add_value(r, v))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (lx->tok == T_IDENT)
        lex(lx);
    return 0;
}

int kube_selector_parse(const char *text, struct kube_selector **out, struct os_error *err)
{
    struct kube_selector *sel = calloc(1, sizeof(*sel));
    struct lexer lx = {.p = text ? text : ""};

    *out = NULL;
    if (!sel)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    const char *q = lx.p;
    while (isspace((unsigned char)*q))
        q++;
    if (*q) {
        for (;;) {
            struct kube_sel_req r = {0};
            int rc = parse_req(&lx, &r, err);
            if (rc || add_req(sel, &r)) {
                req_free(&r);
                kube_selector_free(sel);
                return rc ? rc : os_error_set(err, OS_ERR_NOMEM, "out of memory");
            }
            if (lx.tok == T_END)
                break;
            if (lx.tok != T_COMMA) {
                kube_selector_free(sel);
                return PARSE_ERR("found '%s', expected: ',' or 'end of string'", tok_name(&lx));
            }
        }
    }
    *out = sel;
    return 0;
}

static int from_json_expr(json_object *e, struct kube_sel_req *r, struct os_error *err)
{
    json_object *k, *o, *vals;

    if (!json_object_is_type(e, json_type_object) ||
        !json_object_object_get_ex(e, "key", &k) || !json_object_is_type(k, json_type_string) ||
        !json_object_object_get_ex(e, "operator", &o) || !json_object_is_type(o, json_type_string))
        return os_error_set(err, OS_ERR_INVALID, "matchExpressions: key and operator are required");
    const char *op = json_object_get_string(o);
    if (!(r->key = strdup(json_object_get_string(k))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (!strcmp(op, "In")) r->op = KUBE_SEL_IN;
    else if (!strcmp(op, "NotIn")) r->op = KUBE_SEL_NOTIN;
    else if (!strcmp(op, "Exists")) r->op = KUBE_SEL_EXISTS;
    else if (!strcmp(op, "DoesNotExist")) r->op = KUBE_SEL_NOT_EXISTS;
    else
        return os_error_set(err, OS_ERR_INVALID, "\"%s\" is not a valid label selector operator", op);
    int has_vals = json_object_object_get_ex(e, "values", &vals) &&
                   json_object_is_type(vals, json_type_array);
    size_t n = has_vals ? json_object_array_length(vals) : 0;
    if ((r->op == KUBE_SEL_IN || r->op == KUBE_SEL_NOTIN) && n == 0)
        return os_error_set(err, OS_ERR_INVALID, "values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
    if ((r->op == KUBE_SEL_EXISTS || r->op == KUBE_SEL_NOT_EXISTS) && n > 0)
        return os_error_set(err, OS_ERR_INVALID, "values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(vals, i);
        if (!json_object_is_type(v, json_type_string))
            return os_error_set(err, OS_ERR_INVALID, "matchExpressions: values must be strings");
        if (add_value(r, json_object_get_string(v)))
            return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    return 0;
}

int kube_selector_from_json(json_object *ls, struct kube_selector **out, struct os_error *err)
{
    json_object *ml, *me;
    struct kube_selector *sel;

    *out = NULL;
    if (!ls)
        return 0;
    if (!json_object_is_type(ls, json_type_object))
        return os_error_set(err, OS_ERR_INVALID, "a label selector must be an object");
    if (!(sel = calloc(1, sizeof(*sel))))
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (json_object_object_get_ex(ls, "matchLabels", &ml) && ml) {
        json_object_object_foreach(ml, key, val) {
            struct kube_sel_req r = {.op = KUBE_SEL_EQ};
            if (!json_object_is_type(val, json_type_string)) {
                kube_selector_free(sel);
                return os_error_set(err, OS_ERR_INVALID, "matchLabels: values must be strings");
            }
            if (!(r.key = strdup(key)) || add_value(&r, json_object_get_string(val)) ||
                add_req(sel, &r)) {
                req_free(&r);
                kube_selector_free(sel);
                return os_error_set(err, OS_ERR_NOMEM, "out of memory");
            }
        }
    }
    if (json_object_object_get_ex(ls, "matchExpressions", &me) && me) {
        size_t n = json_object_is_type(me, json_type_array) ? json_object_array_length(me) : 0;
        for (size_t i = 0; i < n; i++) {
            struct kube_sel_req r = {0};
            int rc = from_json_expr(json_object_array_get_idx(me, i), &r, err);
            if (rc || add_req(sel, &r)) {
                req_free(&r);
                kube_selector_free(sel);
                return rc ? rc : os_error_set(err, OS_ERR_NOMEM, "out of memory");
            }
        }
    }
    *out = sel;
    return 0;
}

static int in_values(const struct kube_sel_req *r, const char *v)
{
    for (size_t i = 0; i < r->nvalues; i++)
        if (!strcmp(r->values[i], v))
            return 1;
    return 0;
}

static int req_matches(const struct kube_sel_req *r, json_object *labels)
{
    json_object *v = NULL;
    int has = labels && json_object_object_get_ex(labels, r->key, &v) && v;
    const char *s = has ? json_object_get_string(v) : NULL;

    switch (r->op) {
    case KUBE_SEL_EQ: case KUBE_SEL_IN: return has && in_values(r, s);
    case KUBE_SEL_NEQ: case KUBE_SEL_NOTIN: return !has || !in_values(r, s);
    case KUBE_SEL_EXISTS: return has;
    case KUBE_SEL_NOT_EXISTS: return !has;
    }
    return 0;
}

int kube_selector_matches(const struct kube_selector *sel, json_object *labels)
{
    if (!sel)
        return 0;
    for (size_t i = 0; i < sel->nreqs; i++)
        if (!req_matches(&sel->reqs[i], labels))
            return 0;
    return 1;
}

int kube_selector_is_empty(const struct kube_selector *sel)
{
    return sel && sel->nreqs == 0;
}

void kube_field_selector_free(struct kube_field_selector *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->nterms; i++) {
        free(fs->terms[i].field);
        free(fs->terms[i].value);
    }
    free(fs->terms);
    free(fs);
}

/* Trimmed copy of [s, e); caller frees. */
static char *dup_trim(const char *s, const char *e)
{
    while (s < e && isspace((unsigned char)*s))
        s++;
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    return strndup(s, (size_t)(e - s));
}

static int add_term(struct kube_field_selector *fs, const char *s, const char *e,
                    struct os_error *err)
{
    const char *op = NULL;
    size_t oplen = 0;
    int negate = 0;

    for (const char *p = s; p < e && !op; p++) {
        if (p[0] == '!' && p + 1 < e && p[1] == '=') { op = p; oplen = 2; negate = 1; }
        else if (p[0] == '=' && p + 1 < e && p[1] == '=') { op = p; oplen = 2; }
        else if (p[0] == '=') { op = p; oplen = 1; }
    }
    if (!op || op == s)
        return os_error_set(err, OS_ERR_INVALID, "invalid selector: '%.*s'; can't understand '%.*s'",
                            (int)(e - s), s, (int)(e - s), s);
    struct kube_field_term *nt = realloc(fs->terms, (fs->nterms + 1) * sizeof(*nt));
    if (!nt)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    fs->terms = nt;
    struct kube_field_term *t = &nt[fs->nterms];
    t->field = dup_trim(s, op);
    t->value = dup_trim(op + oplen, e);
    t->negate = negate;
    if (!t->field || !t->value) {
        free(t->field);
        free(t->value);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    }
    fs->nterms++;
    return 0;
}

int kube_field_selector_parse(const char *text, struct kube_field_selector **out,
                              struct os_error *err)
{
    struct kube_field_selector *fs = calloc(1, sizeof(*fs));

    *out = NULL;
    if (!fs)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    const char *p = text ? text : "";
    while (*p) {
        const char *e = strchr(p, ',');
        if (!e)
            e = p + strlen(p);
        int rc = add_term(fs, p, e, err);
        if (!rc && *e && !e[1])     /* a trailing comma leaves an empty term */
            rc = add_term(fs, e + 1, e + 1, err);
        if (rc) {
            kube_field_selector_free(fs);
            return rc;
        }
        p = *e ? e + 1 : e;
    }
    *out = fs;
    return 0;
}
