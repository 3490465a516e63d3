/*
 * yaml2json.c - test helper: every document of the YAML files named on the
 * command line, as one JSON array on stdout (typed scalars), so the
 * platform manifests can go through tests/schema's validator.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "yaml_json.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    struct yaml_json_opts opts = {.what = "manifest", .typed = 1, .all_documents = 1};
    struct json_object *all = json_object_new_array(), *docs;
    struct os_error err;
    size_t len;
    char *text;

    for (int i = 1; i < argc; i++) {
        if (!(text = slurp(argv[i], &len))) {
            fprintf(stderr, "yaml2json: cannot read %s\n", argv[i]);
            return 1;
        }
        if (yaml_json_parse(argv[i], text, len, &opts, &docs, &err) < 0) {
            fprintf(stderr, "yaml2json: %s\n", err.message);
            return 1;
        }
        free(text);
        for (size_t j = 0; docs && j < json_object_array_length(docs); j++)
            json_object_array_add(all, json_object_get(json_object_array_get_idx(docs, j)));
        json_object_put(docs);
    }
    puts(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY));
    json_object_put(all);
    return 0;
}
