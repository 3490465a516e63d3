/*
 * templates.c - the embedded templates, or a directory of them.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "templates.h"

#define TEMPLATE_MAX (1u << 20)
#define TEMPLATES_MAX 64

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct tenant_template *)a)->name,
                  ((const struct tenant_template *)b)->name);
}

static int load_embedded(struct tenant_template **out, size_t *n, struct os_error *err)
{
    *out = calloc(tenant_embedded_count ? tenant_embedded_count : 1, sizeof(**out));
    if (!*out)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    memcpy(*out, tenant_embedded_templates, tenant_embedded_count * sizeof(**out));
    *n = tenant_embedded_count;
    return 0;
}

static int read_one(const char *dir, const char *file, struct tenant_template *t,
                    struct os_error *err)
{
    char path[4096];
    FILE *f;
    char *text;
    size_t len;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (!(f = fopen(path, "rb")))
        return os_error_set(err, OS_ERR_IO, "template %s: %s", path, strerror(errno));
    text = malloc(TEMPLATE_MAX + 1);
    len = text ? fread(text, 1, TEMPLATE_MAX + 1, f) : 0;
    fclose(f);
    if (!text)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    if (len > TEMPLATE_MAX) {
        free(text);
        return os_error_set(err, OS_ERR_LIMIT, "template %s: larger than 1 MiB", path);
    }
    text[len] = '\0';
    t->name = strdup(file);
    t->text = text;
    t->len = len;
    t->owned = 1;
    if (!t->name)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    return 0;
}

static int is_yaml(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".yaml");
}

int tenant_templates_load(const char *dir, struct tenant_template **out, size_t *n,
                          struct os_error *err)
{
    struct dirent *de;
    DIR *d;
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (!dir)
        return load_embedded(out, n, err);
    if (!(d = opendir(dir)))
        return os_error_set(err, OS_ERR_IO, "templates directory %s: %s", dir, strerror(errno));
    *out = calloc(TEMPLATES_MAX, sizeof(**out));
    if (!*out)
        rc = os_error_set(err, OS_ERR_NOMEM, "out of memory");
    while (rc == 0 && (de = readdir(d))) {
        if (!is_yaml(de->d_name))
            continue;
        if (*n == TEMPLATES_MAX)
            rc = os_error_set(err, OS_ERR_LIMIT, "templates directory %s: more than %d templates",
                              dir, TEMPLATES_MAX);
        else if ((rc = read_one(dir, de->d_name, &(*out)[*n], err)) == 0 || (*out)[*n].owned)
            (*n)++;
    }
    closedir(d);
    if (rc == 0 && *n == 0)
        rc = os_error_set(err, OS_ERR_INVALID, "templates directory %s has no .yaml file", dir);
    if (rc < 0) {
        tenant_templates_free(*out, *n);
        *out = NULL;
        *n = 0;
        return rc;
    }
    qsort(*out, *n, sizeof(**out), by_name);
    return 0;
}

void tenant_templates_free(struct tenant_template *t, size_t n)
{
    if (!t)
        return;
    for (size_t i = 0; i < n; i++) {
        if (t[i].owned) {
            free((char *)t[i].name);
            free((char *)t[i].text);
        }
    }
    free(t);
}
