/*
 * odoo-saas-sim - a loopback Kubernetes API server stand-in.
 *
 * Placeholder until the simulator issue lands: it parses its options and
 * answers --help and --version, so packaging and CI can rely on the binary.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: odoo-saas-sim --listen 127.0.0.1:0 --nodes N --kubeconfig-out PATH\n"
            "                     [--state PATH] [--latency-ms N] [--fail-rate F]\n"
            "\n"
            "A simulated MicroK8s API server for the demo and the tests. Not implemented yet.\n"
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
            printf("odoo-saas-sim %s\n", PACKAGE_VERSION);
            return 0;
        default:
            fprintf(stderr, "odoo-saas-sim: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    fprintf(stderr, "odoo-saas-sim: the simulator is not implemented yet\n");
    return 1;
}
