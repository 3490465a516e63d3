/*
 * cmd_tenant_render.c - `odoo-saas tenant render ID ...`: print every object
 * a tenant is made of, without touching a cluster.  Secret values are
 * placeholders: real ones are generated when the tenant is created.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "tenant_opts.h"

int cmd_tenant_render(struct cli *cli, int argc, char **argv)
{
    const struct cli_command *self = cli_command("tenant render");
    struct tenant_opts o;
    struct json_object *list = NULL, *items;
    struct os_error err;
    int rc = tenant_opts_parse(cli, self, argc, argv, 0, &o);

    if (rc != 0) {
        tenant_opts_free(&o);
        return rc;
    }
    /* Render is pure; the creation time is the one input that is "now". */
    if (tenant_render(&o.spec, o.cfg, NULL, time(NULL), &list, &err) < 0) {
        tenant_opts_free(&o);
        return cli_fail(&err);
    }
    if (cli->json) {
        cli_print_json(list);
    } else if (json_object_object_get_ex(list, "items", &items)) {
        printf("%-24s %-28s %s\n", "KIND", "NAMESPACE", "NAME");
        for (size_t i = 0; i < json_object_array_length(items); i++) {
            struct json_object *obj = json_object_array_get_idx(items, i);
            const char *ns = kube_object_namespace(obj);
            printf("%-24s %-28s %s\n", kube_object_str(obj, "kind"), ns ? ns : "-",
                   kube_object_name(obj));
        }
    }
    json_object_put(list);
    tenant_opts_free(&o);
    return 0;
}
