/*
 * templates.h - where tenant templates come from: the copies embedded in
 * the binary at build time, or a directory named by the config.
 */
#ifndef TENANT_TEMPLATES_H
#define TENANT_TEMPLATES_H

#include <stddef.h>

#include "error.h"

struct tenant_template {
    const char *name;   /* file name, e.g. "20-postgresql.yaml" */
    const char *text;
    size_t len;
    int owned;          /* name and text are malloc'd (loaded from a directory) */
};

/* Generated (tools/embed-templates). */
extern const struct tenant_template tenant_embedded_templates[];
extern const size_t tenant_embedded_count;

/* dir NULL: the embedded set.  Else every *.yaml file of dir, in name
 * order.  *out is new; free with tenant_templates_free(). */
int tenant_templates_load(const char *dir, struct tenant_template **out, size_t *n,
                          struct os_error *err);
void tenant_templates_free(struct tenant_template *t, size_t n);

#endif
