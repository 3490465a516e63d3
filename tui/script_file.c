/*
 * script_file.c - ODOO_SAAS_SCRIPT as keys or as a file (see script_file.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "script_file.h"

char *script_from_text(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;

    if (!out)
        return NULL;
    while (*text) {
        size_t len = strcspn(text, "\n");
        if (text[0] != '#') {
            memcpy(o, text, len);
            o += len;
            if (o > out && o[-1] == '\r')
                o--;
        }
        text += len;
        if (*text == '\n')
            text++;
    }
    *o = '\0';
    return out;
}

/* The whole file, or NULL with err set. */
static char *read_all(const char *path, size_t size, struct os_error *err)
{
    FILE *f = fopen(path, "r");
    char *text;
    size_t got;

    if (!f)
        return os_error_set(err, OS_ERR_IO, "cannot read %s", path), NULL;
    if (!(text = malloc(size + 1))) {
        fclose(f);
        return os_error_set(err, OS_ERR_NOMEM, "out of memory"), NULL;
    }
    got = fread(text, 1, size, f);
    fclose(f);
    text[got] = '\0';
    return text;
}

char *script_load(const char *value, struct os_error *err)
{
    struct stat st;
    char *text, *keys;

    /* Inline keys are the common case; a file must be a regular one. */
    if (stat(value, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (!(keys = strdup(value)))
            os_error_set(err, OS_ERR_NOMEM, "out of memory");
        return keys;
    }
    if ((size_t)st.st_size > SCRIPT_FILE_MAX)
        return os_error_set(err, OS_ERR_LIMIT, "%s is larger than 1 MiB", value), NULL;
    if (!(text = read_all(value, (size_t)st.st_size, err)))
        return NULL;
    if (!(keys = script_from_text(text)))
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
    free(text);
    return keys;
}
