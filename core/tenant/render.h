/*
 * render.h - a tenant spec to the Kubernetes objects that make it.
 *
 * Templates (the YAML files of templates/, embedded in the binary at build time, or a
 * directory from the config) are parsed as YAML first; then ${NAME} is
 * replaced inside scalar values only.  A scalar that is exactly "${NAME}"
 * takes the variable's type (a number stays a number); anywhere else the
 * value is spliced into the string.  Text is never spliced into YAML, so no
 * input can add keys or documents.  "$${" writes a literal "${".
 *
 * A mapping with the key "_when" (a whole document, or an item of a list)
 * is kept only when the condition holds: "NAME" (a true boolean variable),
 * "!NAME", or "NAME=value".  The key itself is removed.
 *
 * Render is pure: the same spec, config, secrets and time give the same
 * objects.
 */
#ifndef TENANT_RENDER_H
#define TENANT_RENDER_H

#include <time.h>

#include <json-c/json.h>

#include "error.h"
#include "os_config.h"
#include "spec.h"

#define TENANT_SECRET_LEN 32
#define TENANT_PLACEHOLDER "(generated when the tenant is created)"

struct tenant_secrets {
    char db_password[TENANT_SECRET_LEN + 1];       /* the Odoo database role */
    char pg_superuser_password[TENANT_SECRET_LEN + 1];
    char master_password[TENANT_SECRET_LEN + 1];   /* Odoo admin_passwd */
    char admin_password[129];                      /* the Odoo admin login */
};

/* Random secrets from libsodium (alphanumeric, TENANT_SECRET_LEN long);
 * admin_password is copied when given, else random too. */
int tenant_secrets_generate(struct tenant_secrets *s, const char *admin_password,
                            struct os_error *err);
/* Wipe (sodium_memzero). */
void tenant_secrets_wipe(struct tenant_secrets *s);

/* Render every object of the tenant into a new "v1 List" (*out; the caller
 * puts it).  secrets NULL renders TENANT_PLACEHOLDER for each secret value
 * (for `tenant render`).  created is the tenant's creation time (UTC). */
int tenant_render(const struct tenant_spec *spec, const struct os_config *cfg,
                  const struct tenant_secrets *secrets, time_t created,
                  struct json_object **out, struct os_error *err);

/* The address customers use: https://<subdomain>.<base_domain>, or
 * https://<base_domain>/<subdomain> in path mode. */
void tenant_url(const struct tenant_spec *spec, const struct os_config *cfg, char *buf, size_t len);

/* The variables render uses, as a JSON object of NAME -> value (new). */
int tenant_render_vars(const struct tenant_spec *spec, const struct os_config *cfg,
                       const struct tenant_secrets *secrets, time_t created,
                       struct json_object **out, struct os_error *err);

/* Substitute vars into a parsed template document in place; the result may
 * be NULL when the document's _when is false. *doc is replaced. */
int tenant_render_doc(struct json_object **doc, struct json_object *vars, const char *name,
                      struct os_error *err);

#endif
