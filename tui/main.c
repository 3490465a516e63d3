/*
 * odoo-saas - the operator's console and scriptable CLI.
 *
 * With no subcommand it will open the console (its issue); with a subcommand
 * it runs that command and exits: 0 success, 1 failure, 2 usage.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: odoo-saas [GLOBAL OPTIONS] [COMMAND [ARGS]]\n"
            "\n"
            "Run an Odoo hosting platform on Kubernetes.\n"
            "\n"
            "Global options:\n"
            "  --kubeconfig FILE   kubeconfig to use (default $KUBECONFIG, ~/.kube/config)\n"
            "  --context NAME      kubeconfig context (default: current-context)\n"
            "  -h, --help          show this help\n"
            "  -V, --version       show the version\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("odoo-saas %s\n", PACKAGE_VERSION);
            return 0;
        default:
            fprintf(stderr, "odoo-saas: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    usage(stdout);
    return 0;
}
