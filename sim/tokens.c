/*
 * tokens.c - the ServiceAccount token controller (kube-controller-
 * manager's "tokens" controller, legacy long-lived tokens).
 *
 * A Secret of type kubernetes.io/service-account-token with the
 * annotation kubernetes.io/service-account.name: NAME, in a namespace
 * where ServiceAccount NAME exists, gets data.token (32 random bytes,
 * hex), data.ca.crt (the simulator's CA PEM, the one --kubeconfig-out
 * writes), data.namespace and the annotation
 * kubernetes.io/service-account.uid.  auth.c accepts that token as the
 * ServiceAccount while the Secret exists and the uid still matches, so
 * deleting the Secret (or the ServiceAccount) revokes it.
 *
 * It is a lifecycle step that runs even with --no-controllers: tokens are
 * part of authentication, not of the workload controllers that flag
 * keeps quiet, and no phase-1 test writes such Secrets.  It wakes on every
 * store change and looks at the Secrets only when the history has a
 * Secret or ServiceAccount event it has not seen (or lost events).  An
 * existing token is kept, so a token survives --state save/restore;
 * ca.crt is refreshed then (the CA is new at every start).
 *
 * Unlike a real server: a Secret made before its ServiceAccount waits for
 * it (kube-controller-manager deletes it), and the token is opaque, not a
 * signed JWT, so a token written into data by hand is accepted too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sim.h"

#define SA_TOKEN_TYPE "kubernetes.io/service-account-token"
#define ANN_NAME "kubernetes.io/service-account.name"
#define ANN_UID "kubernetes.io/service-account.uid"

/* base64 of len bytes of raw: malloc'd (caller frees) or NULL. */
static char *b64(const void *raw, size_t len)
{
    size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
    char *out = malloc(n);
    if (out)
        sodium_bin2base64(out, n, raw, len, sodium_base64_VARIANT_ORIGINAL);
    return out;
}

/* 1 when a store event newer than tokens_rv concerns Secrets or
 * ServiceAccounts, or events were lost, or this is the first pass. */
static int tokens_dirty(struct sim *s, const struct kube_resource *secrets,
                        const struct kube_resource *sas)
{
    struct sim_store *st = &s->store;
    if (!s->tokens_rv || st->history_floor > s->tokens_rv)
        return 1;
    for (size_t i = 0; i < st->ring_len; i++) {
        struct sim_event *e = &st->ring[(st->ring_start + i) % SIM_HISTORY];
        if (e->rv > s->tokens_rv && (e->res == secrets || e->res == sas))
            return 1;
    }
    return 0;
}

/* Set data[key] = base64(val) in nobj; 1 when it changed. */
static int set_data(json_object *data, const char *key, const char *val)
{
    char *enc = b64(val, strlen(val));
    const char *cur = sim_json_member_str(data, key);
    int changed = enc && (!cur || strcmp(cur, enc));
    if (changed)
        json_object_object_add(data, key, json_object_new_string(enc));
    free(enc);
    return changed;
}

/* The new tree of a token Secret o for ServiceAccount sa, or NULL when
 * nothing needs to change.  Caller owns the result. */
static json_object *filled(struct sim *s, struct sim_object *o, struct sim_object *sa)
{
    const char *sa_uid = sim_json_str(sa->obj, "metadata.uid");
    json_object *ann = sim_json_path(o->obj, "metadata.annotations");
    const char *uid = sim_json_member_str(ann, ANN_UID);
    if (!sa_uid || (uid && strcmp(uid, sa_uid)))
        return NULL;   /* made for an earlier ServiceAccount of that name */

    json_object *nobj = NULL;
    json_object_deep_copy(o->obj, &nobj, NULL);
    json_object *data = sim_json_obj(nobj, "data");
    int changed = 0;
    if (!sim_json_member_str(data, "token") || !*sim_json_member_str(data, "token")) {
        unsigned char raw[32];
        char hex[65];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
        changed |= set_data(data, "token", hex);
        sodium_memzero(hex, sizeof(hex));
    }
    changed |= set_data(data, "ca.crt", s->tls.ca_pem);
    changed |= set_data(data, "namespace", o->ns);
    if (!uid) {
        json_object *nann = sim_json_obj(sim_json_obj(nobj, "metadata"), "annotations");
        json_object_object_add(nann, ANN_UID, json_object_new_string(sa_uid));
        changed = 1;
    }
    if (!changed) {
        json_object_put(nobj);
        return NULL;
    }
    sim_managed_update(nobj, o->obj, "kube-controller-manager", "Update", "v1", sim_now_ms());
    return nobj;
}

int64_t sim_tokens_step(struct sim *s, int64_t now_ms)
{
    const struct kube_resource *secrets = kube_resource_by_plural("", "v1", "secrets");
    const struct kube_resource *sas = kube_resource_by_plural("", "v1", "serviceaccounts");
    struct sim_object **v = NULL;
    (void)now_ms;

    if (!s->tls.ca_pem || !tokens_dirty(s, secrets, sas))
        return 0;
    size_t n = sim_store_collect(s, secrets, NULL, &v);
    for (size_t i = 0; i < n; i++) {
        const char *type = sim_json_str(v[i]->obj, "type");
        const char *sa_name = sim_json_member_str(sim_json_path(v[i]->obj, "metadata.annotations"), ANN_NAME);
        if (!type || strcmp(type, SA_TOKEN_TYPE) || !sa_name ||
            sim_json_path(v[i]->obj, "metadata.deletionTimestamp"))
            continue;
        struct sim_object *sa = sim_store_find(s, sas, v[i]->ns, sa_name);
        json_object *nobj = sa ? filled(s, v[i], sa) : NULL;
        if (nobj)
            sim_store_replace(s, v[i], nobj);   /* v[i] stays valid: replaced in place */
    }
    free(v);
    s->tokens_rv = s->store.rv;
    return 0;
}
