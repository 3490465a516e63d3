/*
 * yaml2json.c - test helper: YAML files (every document) to one JSON array
 * on stdout, through core/yaml_json (typed scalars), so the shell tests can
 * hand manifests to the schema validator without a YAML tool installed.
 *
 * Usage: yaml2json FILE...
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "yaml_json.h"

static int add_file(const char *path, struct json_object *all)
{
    struct yaml_json_opts yo = {.what = "manifest", .typed = 1, .all_documents = 1};
    struct json_object *docs = NULL;
    struct os_error err;
    char *text = malloc(1 << 20);
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f || !text) {
        fprintf(stderr, "yaml2json: cannot read %s\n", path);
        free(text);
        if (f)
            fclose(f);
        return -1;
    }
    n = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    text[n] = '\0';
    if (yaml_json_parse(path, text, n, &yo, &docs, &err) < 0) {
        fprintf(stderr, "yaml2json: %s\n", err.message);
        free(text);
        return -1;
    }
    free(text);
    for (size_t i = 0; docs && i < json_object_array_length(docs); i++)
        json_object_array_add(all, json_object_get(json_object_array_get_idx(docs, i)));
    json_object_put(docs);
    return 0;
}

int main(int argc, char **argv)
{
    struct json_object *all = json_object_new_array();
    int rc = 0;

    for (int i = 1; i < argc && rc == 0; i++)
        rc = add_file(argv[i], all);
    if (rc == 0)
        puts(json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(all);
    return rc ? 1 : 0;
}
