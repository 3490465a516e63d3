/*
 * tls.c - a throwaway PKI made at start-up with GnuTLS.
 *
 * A self-signed CA (ECDSA P-256, fast to generate) signs one server
 * certificate whose subjectAltName holds IP 127.0.0.1 and DNS localhost, the
 * names clients use to reach a loopback simulator.  Everything stays in
 * memory as PEM: libmicrohttpd takes the key and certificate, the kubeconfig
 * gets the CA.  Serial numbers are random and positive (Go rejects negative
 * serials).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "sim.h"

/* malloc'd NUL-terminated copy of a gnutls datum (freed by gnutls_free). */
static char *datum_str(gnutls_datum_t *d)
{
    char *s = malloc(d->size + 1);
    if (s) {
        memcpy(s, d->data, d->size);
        s[d->size] = '\0';
    }
    gnutls_free(d->data);
    return s;
}

static int new_key(gnutls_x509_privkey_t *key)
{
    if (gnutls_x509_privkey_init(key) < 0)
        return -1;
    return gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
                                        GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0
               ? -1 : 0;
}

/* Fill the fields common to both certificates. */
static int cert_base(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *cn)
{
    unsigned char serial[16];
    time_t now = time(NULL);

    if (gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)) < 0)
        return -1;
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    if (gnutls_x509_crt_set_version(crt, 3) < 0 ||
        gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) < 0 ||
        gnutls_x509_crt_set_activation_time(crt, now - 3600) < 0 ||
        gnutls_x509_crt_set_expiration_time(crt, now + 10L * 365 * 86400) < 0 ||
        gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn)) < 0 ||
        gnutls_x509_crt_set_key(crt, key) < 0)
        return -1;
    return 0;
}

static int make_ca(gnutls_x509_crt_t ca, gnutls_x509_privkey_t cakey)
{
    unsigned char id[64];
    size_t idlen = sizeof(id);

    if (cert_base(ca, cakey, "odoo-saas-sim-ca") < 0 ||
        gnutls_x509_crt_set_basic_constraints(ca, 1, -1) < 0 ||
        gnutls_x509_crt_set_key_usage(ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
                                              GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
        gnutls_x509_crt_get_key_id(ca, 0, id, &idlen) < 0 ||
        gnutls_x509_crt_set_subject_key_id(ca, id, idlen) < 0 ||
        gnutls_x509_crt_sign2(ca, ca, cakey, GNUTLS_DIG_SHA256, 0) < 0)
        return -1;
    return 0;
}

static int make_server(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
                       gnutls_x509_crt_t ca, gnutls_x509_privkey_t cakey)
{
    static const unsigned char loopback[4] = {127, 0, 0, 1};
    unsigned char id[64];
    size_t idlen = sizeof(id);

    if (cert_base(crt, key, "odoo-saas-sim") < 0 ||
        gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 ||
        gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
                                               GNUTLS_KEY_KEY_ENCIPHERMENT) < 0 ||
        gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0) < 0 ||
        gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                             GNUTLS_FSAN_APPEND) < 0 ||
        gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, loopback, 4,
                                             GNUTLS_FSAN_APPEND) < 0 ||
        gnutls_x509_crt_get_key_id(ca, 0, id, &idlen) < 0 ||
        gnutls_x509_crt_set_authority_key_id(crt, id, idlen) < 0 ||
        gnutls_x509_crt_sign2(crt, ca, cakey, GNUTLS_DIG_SHA256, 0) < 0)
        return -1;
    return 0;
}

int sim_tls_generate(struct sim_tls *tls, struct os_error *err)
{
    gnutls_x509_privkey_t cakey = NULL, key = NULL;
    gnutls_x509_crt_t ca = NULL, crt = NULL;
    gnutls_datum_t d;
    int rc = -1;

    memset(tls, 0, sizeof(*tls));
    if (new_key(&cakey) || new_key(&key) || gnutls_x509_crt_init(&ca) < 0 ||
        gnutls_x509_crt_init(&crt) < 0 || make_ca(ca, cakey) || make_server(crt, key, ca, cakey))
        goto out;
    if (gnutls_x509_crt_export2(ca, GNUTLS_X509_FMT_PEM, &d) < 0 || !(tls->ca_pem = datum_str(&d)))
        goto out;
    if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d) < 0 || !(tls->cert_pem = datum_str(&d)))
        goto out;
    if (gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &d) < 0 || !(tls->key_pem = datum_str(&d)))
        goto out;
    rc = 0;
out:
    if (cakey) gnutls_x509_privkey_deinit(cakey);
    if (key) gnutls_x509_privkey_deinit(key);
    if (ca) gnutls_x509_crt_deinit(ca);
    if (crt) gnutls_x509_crt_deinit(crt);
    if (rc) {
        sim_tls_free(tls);
        return os_error_set(err, OS_ERR_IO, "cannot generate the TLS certificates");
    }
    return 0;
}

void sim_tls_free(struct sim_tls *tls)
{
    free(tls->ca_pem);
    free(tls->cert_pem);
    if (tls->key_pem) {
        memset(tls->key_pem, 0, strlen(tls->key_pem));
        free(tls->key_pem);
    }
    memset(tls, 0, sizeof(*tls));
}
