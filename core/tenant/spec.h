/*
 * spec.h - what a tenant is asked to be, and the one gate that checks it.
 *
 * Console form, CLI flags and POST /api/tenants all fill a struct
 * tenant_spec and call tenant_spec_validate(); nothing is created for a
 * spec that fails it.  Messages quote the bad input with control
 * characters escaped, so they stay one line.
 */
#ifndef TENANT_SPEC_H
#define TENANT_SPEC_H

#include <stddef.h>

#include "error.h"
#include "os_config.h"

#define TENANT_ID_MIN 3
#define TENANT_ID_MAX 40
#define TENANT_EMAIL_MAX 254

struct tenant_spec {
    const char *id;             /* tenant-<id> is the namespace */
    const char *subdomain;      /* NULL or "": the id */
    const char *tier;
    const char *admin_email;
    const char *admin_password; /* NULL: generated */
    const char *owner;          /* account that owns it (API), or NULL */
};

/* The whole spec against cfg (tiers).  0 or OS_ERR_INVALID. */
int tenant_spec_validate(const struct tenant_spec *spec, const struct os_config *cfg,
                         struct os_error *err);

/* Single checks, for forms that validate as the user types and for
 * commands that take only an id. */
int tenant_id_validate(const char *id, struct os_error *err);
int tenant_subdomain_validate(const char *subdomain, struct os_error *err);
int tenant_email_validate(const char *email, struct os_error *err);
int tenant_password_validate(const char *password, struct os_error *err);

/* The subdomain a spec really uses (its own or the id). Borrowed. */
const char *tenant_spec_subdomain(const struct tenant_spec *spec);

/* s with control and non-ASCII bytes escaped, cut at 48 characters with
 * "...", for messages.  Returns buf. */
const char *tenant_quote(const char *s, char *buf, size_t len);

#endif
