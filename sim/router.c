/*
 * router.c - turn a REST path into (resource, namespace, name, subresource)
 * using the shared resource table of core/kube/resource.c, so the client's
 * path builder and the simulator's router cannot disagree.
 *
 * Layout (K8S-CONTRACT.md 1.1):
 *   /api/v1/PLURAL[/NAME[/SUB]]                         cluster-scoped core
 *   /api/v1/namespaces/NS/PLURAL[/NAME[/SUB]]           namespaced core
 *   /apis/G/V/...                                       same for named groups
 * A namespaced PLURAL without a namespace is the all-namespaces collection.
 * The only ambiguity is /api/v1/namespaces/NAME/SUB (a namespace's
 * subresource) against /api/v1/namespaces/NS/PLURAL: a known namespaced
 * plural wins.  The deprecated /watch/ prefix is not routed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim.h"

#define MAX_SEGS 10

static int copy(char *dst, size_t len, const char *src)
{
    if (!*src || strlen(src) >= len)
        return -1;
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

/* Split path into segments in buf; returns the count or -1. */
static int split(const char *path, char *buf, size_t len, char **segs)
{
    int n = 0;
    if (strlen(path) >= len)
        return -1;
    strcpy(buf, path);
    for (char *save = NULL, *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (n == MAX_SEGS)
            return -1;
        segs[n++] = t;
    }
    return n;
}

static int set_item(struct sim_route *r, char **rest, int n)
{
    if (n >= 1 && copy(r->name, sizeof(r->name), rest[0]))
        return -1;
    if (n >= 2 && copy(r->sub, sizeof(r->sub), rest[1]))
        return -1;
    r->has_name = n >= 1;
    return n > 2 ? -1 : 0;
}

int sim_route_parse(const char *path, struct sim_route *r)
{
    char buf[2048];
    char *segs[MAX_SEGS];
    int n = split(path, buf, sizeof(buf), segs);
    const char *group, *version;
    char **rest;
    int nrest;

    memset(r, 0, sizeof(*r));
    if (n < 2)
        return -1;
    if (!strcmp(segs[0], "api") && n >= 2) {
        group = "";
        version = segs[1];
        rest = segs + 2;
        nrest = n - 2;
    } else if (!strcmp(segs[0], "apis") && n >= 3) {
        group = segs[1];
        version = segs[2];
        rest = segs + 3;
        nrest = n - 3;
    } else {
        return -1;
    }
    if (nrest == 0)
        return -1;
    if (!strcmp(rest[0], "namespaces") && nrest >= 3) {
        const struct kube_resource *res = kube_resource_by_plural(group, version, rest[2]);
        if (res && res->namespaced) {
            r->res = res;
            r->has_ns = 1;
            if (copy(r->ns, sizeof(r->ns), rest[1]) || set_item(r, rest + 3, nrest - 3))
                return -1;
            r->kind = SIM_ROUTE_RESOURCE;
            return 0;
        }
    }
    r->res = kube_resource_by_plural(group, version, rest[0]);
    if (!r->res || (r->res->namespaced && nrest > 1))
        return -1;
    if (set_item(r, rest + 1, nrest - 1))
        return -1;
    r->kind = SIM_ROUTE_RESOURCE;
    return 0;
}
