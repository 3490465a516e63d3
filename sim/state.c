/*
 * state.c - --state PATH: the object store survives a restart.
 *
 * The file is one JSON document {"kind":"OdooSaasSimState","version":1,
 * "resourceVersion":"N","random":"N","objects":[...]} with every stored
 * object, kind and apiVersion included.  "random" is the generator's
 * state: uids and generated names go on from where they were, since
 * starting again from --seed would hand out the uids of objects already
 * in the file (a new pod then passed for an old one to the kubelet).  It is written from each object's cached
 * list-item JSON (store.c), so a save of an unchanged store is mostly
 * memcpy under the lock; the file is then written outside the lock to
 * PATH.tmpXXXXXX (mode 0600: it holds the tenants' Secrets), fsync'd and
 * renamed over PATH, so a crash leaves the old file or the new one, never
 * half of one.  The lifecycle thread saves when the store changed and
 * SIM_STATE_EVERY_MS passed since the last save; main saves once more at
 * shutdown.
 *
 * At start, an existing file replaces the seeding: objects are added
 * back in file order (uid, creationTimestamp and everything else kept; a
 * fresh resourceVersion each), Terminating namespaces get their purge
 * deadline again, and the pod IPs in use are taken out of the IP pool.
 * Pods that were Running keep their status (the kubelet treats them as
 * already started); pods still starting start again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "controllers.h"
#include "state.h"

struct buf {
    char *p;
    size_t len, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = (b->len + n + 1) * 2;
        char *np = realloc(b->p, nc);
        if (!np)
            return -1;
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

/* The whole file's text (lock held).  Returns 0 or -1 (out of memory). */
static int serialise(struct sim *s, struct buf *b)
{
    char head[160];
    int n = snprintf(head, sizeof(head),
                     "{\"kind\":\"OdooSaasSimState\",\"version\":1,\"resourceVersion\":\"%llu\",\"random\":\"%llu\",\"objects\":[\n",
                     (unsigned long long)s->store.rv, (unsigned long long)s->rng);
    if (put(b, head, (size_t)n))
        return -1;
    for (size_t i = 0; i < s->store.nobjs; i++) {
        struct sim_object *o = s->store.objs[i];
        size_t len;
        const char *js = sim_store_item_json(o, &len);
        char av[96], tk[256];
        if (i && put(b, ",\n", 2))
            return -1;
        if (!strcmp(o->res->group, "traefik.io") || len < 2) {
            /* Custom resources keep kind/apiVersion in their item form. */
            if (put(b, js, len ? len : 2))
                return -1;
            continue;
        }
        kube_resource_api_version(o->res, av, sizeof(av));
        n = snprintf(tk, sizeof(tk), "{\"apiVersion\":\"%s\",\"kind\":\"%s\"%s", av, o->res->kind,
                     len > 2 ? "," : "");
        if (put(b, tk, (size_t)n) || put(b, js + 1, len - 1))
            return -1;
    }
    return put(b, "\n]}\n", 4);
}

static int write_atomic(const char *path, const char *data, size_t len, struct os_error *err)
{
    char *tmp = malloc(strlen(path) + 16);
    if (!tmp)
        return os_error_set(err, OS_ERR_NOMEM, "out of memory");
    sprintf(tmp, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        os_error_set(err, OS_ERR_IO, "--state: cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    fchmod(fd, 0600);
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    int ok = off == len && fsync(fd) == 0;
    close(fd);
    if (!ok || rename(tmp, path) != 0) {
        os_error_set(err, OS_ERR_IO, "--state: cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int sim_state_save(struct sim *s, int lock_held, struct os_error *err)
{
    struct buf b = {0};
    uint64_t rv;
    if (!s->opt.state_path)
        return 0;
    if (!lock_held)
        pthread_mutex_lock(&s->lock);
    int rc = serialise(s, &b);
    rv = s->store.rv;
    pthread_mutex_unlock(&s->lock);          /* write without blocking requests */
    if (rc == 0)
        rc = write_atomic(s->opt.state_path, b.p, b.len, err);
    else
        os_error_set(err, OS_ERR_NOMEM, "out of memory");
    free(b.p);
    if (lock_held)
        pthread_mutex_lock(&s->lock);
    if (rc == 0)
        s->state_saved_rv = rv;
    return rc;
}

int64_t sim_state_step(struct sim *s, int64_t now)
{
    if (!s->opt.state_path)
        return 0;
    if (s->store.rv == s->state_saved_rv)
        return 0;
    if (now < s->state_saved_ms + SIM_STATE_EVERY_MS)
        return s->state_saved_ms + SIM_STATE_EVERY_MS;
    struct os_error err = {0};
    if (sim_state_save(s, 1, &err) < 0)
        fprintf(stderr, "odoo-saas-sim: %s\n", err.message);
    s->state_saved_ms = sim_now_ms();
    return s->store.rv != s->state_saved_rv ? s->state_saved_ms + SIM_STATE_EVERY_MS : 0;
}

/* Take the pod's IP out of the pool so new pods do not get it. */
static void reserve_ip(struct sim *s, json_object *pod)
{
    const char *ip = sim_json_str(pod, "status.podIP");
    unsigned a, b, x, y;
    if (!s->ctl || !ip || sscanf(ip, "%u.%u.%u.%u", &a, &b, &x, &y) != 4 || a != 10 || b != 1 || x > 255 || y > 255)
        return;
    unsigned idx = x << 8 | y;
    s->ctl->ips.used[idx / 8] |= (unsigned char)(1u << (idx % 8));
}

int sim_state_load(struct sim *s, int *loaded, struct os_error *err)
{
    *loaded = 0;
    if (!s->opt.state_path || access(s->opt.state_path, F_OK) != 0)
        return 0;
    json_object *doc = json_object_from_file(s->opt.state_path), *objs;
    if (!doc || !json_object_object_get_ex(doc, "objects", &objs) || !json_object_is_type(objs, json_type_array)) {
        json_object_put(doc);
        return os_error_set(err, OS_ERR_INVALID, "--state: %s is not a simulator state file", s->opt.state_path);
    }
    const struct kube_resource *pod = kube_resource_by_kind("v1", "Pod");
    const struct kube_resource *ns = kube_resource_by_kind("v1", "Namespace");
    int64_t now = sim_now_ms();
    const char *rng = sim_json_str(doc, "random");
    pthread_mutex_lock(&s->lock);
    /* A file from before "random" was saved: away from the seed's start
     * at least, so new uids do not repeat the ones the file holds. */
    s->rng = rng ? strtoull(rng, NULL, 10) : s->rng ^ ((uint64_t)now * 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i < json_object_array_length(objs); i++) {
        json_object *o = json_object_array_get_idx(objs, i);
        const char *av = sim_json_str(o, "apiVersion"), *kind = sim_json_str(o, "kind");
        const struct kube_resource *r = av && kind ? kube_resource_by_kind(av, kind) : NULL;
        if (!r)
            continue;
        struct sim_object *so = sim_store_add(s, r, json_object_get(o));
        if (!so)
            continue;
        if (r == pod)
            reserve_ip(s, so->obj);
        if (r == ns && sim_json_path(so->obj, "metadata.deletionTimestamp"))
            so->purge_at_ms = now + s->opt.ns_delete_delay_ms;
    }
    sim_store_seal_history(s);
    s->state_saved_rv = s->store.rv;
    s->state_saved_ms = now;
    pthread_mutex_unlock(&s->lock);
    json_object_put(doc);
    *loaded = 1;
    return 0;
}
