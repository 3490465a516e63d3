/*
 * odoo-saasd - the headless signup API.
 *
 * Placeholder until the signup API issue lands: it parses its options and
 * answers --help and --version, so packaging and CI can rely on the binary.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: odoo-saasd --listen ADDR:PORT [--kubeconfig K] [--context C]\n"
            "                  [--config F] [--data-dir DIR]\n"
            "\n"
            "The odoo-saas signup API (HTTP+JSON). Not implemented yet.\n"
            "\n"
            "  -h, --help       show this help\n"
            "  -V, --version    show the version\n");
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
    while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("odoo-saasd %s\n", PACKAGE_VERSION);
            return 0;
        default:
            fprintf(stderr, "odoo-saasd: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    fprintf(stderr, "odoo-saasd: the API server is not implemented yet\n");
    return 1;
}
