/*
 * kubeconfig.c - write the kubeconfig that points clients at the simulator.
 *
 * The file has one cluster (server URL and the CA as certificate-authority-
 * data), one user with the bearer token, one context, and current-context,
 * the shape of K8S-CONTRACT.md 9.1.  It holds a secret, so it is created
 * with mode 0600 (and fchmod'ed in case it already existed).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "sim.h"

int sim_kubeconfig_write(const struct sim *s, const char *path, struct os_error *err)
{
    size_t pem_len = strlen(s->tls.ca_pem);
    size_t b64_len = sodium_base64_encoded_len(pem_len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(b64_len);
    FILE *f = NULL;
    int fd, rc = 0;

    if (!b64)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    sodium_bin2base64(b64, b64_len, (const unsigned char *)s->tls.ca_pem, pem_len,
                      sodium_base64_VARIANT_ORIGINAL);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) < 0 || !(f = fdopen(fd, "w"))) {
        rc = os_error_set(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(b64);
        return rc;
    }
    fprintf(f,
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            "- name: odoo-saas-sim\n"
            "  cluster:\n"
            "    server: https://%s:%u\n"
            "    certificate-authority-data: %s\n"
            "contexts:\n"
            "- name: odoo-saas-sim\n"
            "  context:\n"
            "    cluster: odoo-saas-sim\n"
            "    user: admin\n"
            "current-context: odoo-saas-sim\n"
            "preferences: {}\n"
            "users:\n"
            "- name: admin\n"
            "  user:\n"
            "    token: %s\n",
            s->opt.listen_host, s->port, b64, s->token);
    if (fclose(f) != 0)
        rc = os_error_set(err, OS_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    free(b64);
    return rc;
}
