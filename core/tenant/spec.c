/*
 * spec.c - validation of tenant ids, subdomains, emails and passwords.
 *
 * An id becomes a namespace suffix, a label value, a database name and part
 * of Service and StatefulSet names, so it is held to the strictest of those
 * rules: a DNS-1035 label (a lowercase letter first; letters, digits and
 * inner hyphens) of 3-40 characters (contract section 6 recommends 40 so
 * every derived name stays valid).  Names the platform uses itself are
 * reserved.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "spec.h"

static const char *const reserved[] = {
    "www", "api", "admin", "traefik", "ingress", "mail", "smtp", "imap", "pop", "ftp",
    "ns1", "ns2", "dns", "default", "system", "odoo", "odoo-saas", "app", "apps", "status",
    "docs", "help", "support", "billing", "dashboard", "console", "static", "assets", "cdn",
    "login", "signup", "auth", "metrics", "monitoring", "grafana", "prometheus", "localhost",
    "root", "postgres", "public", "tenant", NULL,
};
/* Prefixes that belong to Kubernetes or to us, and punycode ("xn--"), which
 * would let a name pose as another in a browser's address bar. */
static const char *const reserved_prefixes[] = {"kube-", "tenant-", "odoo-saas-", "xn--", NULL};

const char *tenant_quote(const char *s, char *buf, size_t len)
{
    size_t n = 0, shown = 0;

    if (!s)
        s = "";
    for (; *s && n + 5 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (shown++ == 48) {
            n += (size_t)snprintf(buf + n, len - n, "...");
            break;
        }
        if (c == '"' || c == '\\')
            n += (size_t)snprintf(buf + n, len - n, "\\%c", c);
        else if (c == '\n')
            n += (size_t)snprintf(buf + n, len - n, "\\n");
        else if (c < 0x20 || c >= 0x7f)
            n += (size_t)snprintf(buf + n, len - n, "\\x%02x", c);
        else
            buf[n++] = (char)c;
    }
    buf[n < len ? n : len - 1] = '\0';
    return buf;
}

static int is_reserved(const char *name)
{
    for (const char *const *r = reserved; *r; r++)
        if (!strcmp(*r, name))
            return 1;
    for (const char *const *p = reserved_prefixes; *p; p++)
        if (!strncmp(*p, name, strlen(*p)))
            return 1;
    return 0;
}

/* Shared rule for ids and subdomains; what is "tenant id" or "subdomain". */
static int dns_name_check(const char *what, const char *s, size_t max, struct os_error *err)
{
    char q[160];
    size_t n;

    if (!s || !*s)
        return os_error_set(err, OS_ERR_INVALID, "%s is required", what);
    n = strlen(s);
    tenant_quote(s, q, sizeof(q));
    if (n < TENANT_ID_MIN || n > max)
        return os_error_set(err, OS_ERR_INVALID, "%s \"%s\" must be %d to %zu characters long",
                            what, q, TENANT_ID_MIN, max);
    if (!islower((unsigned char)s[0]) || !isalpha((unsigned char)s[0]))
        return os_error_set(err, OS_ERR_INVALID, "%s \"%s\" must start with a lowercase letter",
                            what, q);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return os_error_set(err, OS_ERR_INVALID,
                                "%s \"%s\" may contain only lowercase letters, digits and '-'",
                                what, q);
    }
    if (s[n - 1] == '-')
        return os_error_set(err, OS_ERR_INVALID, "%s \"%s\" must not end with '-'", what, q);
    if (is_reserved(s))
        return os_error_set(err, OS_ERR_INVALID, "%s \"%s\" is reserved", what, q);
    return 0;
}

int tenant_id_validate(const char *id, struct os_error *err)
{
    return dns_name_check("tenant id", id, TENANT_ID_MAX, err);
}

int tenant_subdomain_validate(const char *subdomain, struct os_error *err)
{
    return dns_name_check("subdomain", subdomain, 63, err);
}

static int domain_ok(const char *d)
{
    size_t label = 0, labels = 0;
    char prev = '.';

    for (; *d; prev = *d++) {
        unsigned char c = (unsigned char)*d;
        if (c == '.') {
            if (label == 0 || prev == '-')
                return 0;
            label = 0;
            continue;
        }
        if (!(isalnum(c) || c == '-') || (label == 0 && c == '-') || ++label > 63)
            return 0;
        if (label == 1)
            labels++;
    }
    return label > 0 && prev != '-' && labels >= 2;
}

int tenant_email_validate(const char *email, struct os_error *err)
{
    char q[160];
    const char *at;
    size_t local;

    if (!email || !*email)
        return os_error_set(err, OS_ERR_INVALID, "admin email is required");
    tenant_quote(email, q, sizeof(q));
    at = strchr(email, '@');
    if (strlen(email) > TENANT_EMAIL_MAX || !at || strchr(at + 1, '@'))
        return os_error_set(err, OS_ERR_INVALID, "admin email \"%s\" is not an email address", q);
    local = (size_t)(at - email);
    if (local == 0 || local > 64 || email[0] == '.' || at[-1] == '.' || strstr(email, ".."))
        return os_error_set(err, OS_ERR_INVALID, "admin email \"%s\" is not an email address", q);
    for (const char *p = email; p < at; p++)
        if (!isalnum((unsigned char)*p) && !strchr("!#$%&'*+-/=?^_`{|}~.", *p))
            return os_error_set(err, OS_ERR_INVALID,
                                "admin email \"%s\" has a character not allowed in an address", q);
    if (!domain_ok(at + 1))
        return os_error_set(err, OS_ERR_INVALID,
                            "admin email \"%s\" needs a domain such as example.com", q);
    return 0;
}

int tenant_password_validate(const char *password, struct os_error *err)
{
    size_t n;

    if (!password)
        return 0;
    n = strlen(password);
    if (n < 12 || n > 128)
        return os_error_set(err, OS_ERR_INVALID, "admin password must be 12 to 128 characters long");
    for (const char *p = password; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return os_error_set(err, OS_ERR_INVALID,
                                "admin password must not contain control characters");
    return 0;
}

const char *tenant_spec_subdomain(const struct tenant_spec *spec)
{
    return spec->subdomain && *spec->subdomain ? spec->subdomain : spec->id;
}

int tenant_spec_validate(const struct tenant_spec *spec, const struct os_config *cfg,
                         struct os_error *err)
{
    char q[160], names[256];
    int rc;

    if ((rc = tenant_id_validate(spec->id, err)) < 0)
        return rc;
    if (spec->subdomain && *spec->subdomain &&
        (rc = tenant_subdomain_validate(spec->subdomain, err)) < 0)
        return rc;
    if (!spec->tier || !*spec->tier)
        return os_error_set(err, OS_ERR_INVALID, "tier is required");
    if (!os_config_tier(cfg, spec->tier)) {
        os_config_tier_names(cfg, names, sizeof(names));
        return os_error_set(err, OS_ERR_INVALID, "unknown tier \"%s\" (known: %s)",
                            tenant_quote(spec->tier, q, sizeof(q)), names);
    }
    if ((rc = tenant_email_validate(spec->admin_email, err)) < 0)
        return rc;
    if ((rc = tenant_password_validate(spec->admin_password, err)) < 0)
        return rc;
    if (spec->owner && (rc = tenant_email_validate(spec->owner, err)) < 0)
        return os_error_prefix(err, "owner");
    return 0;
}
