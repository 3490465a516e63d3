/*
 * events.c - v1 Events written by the simulated controllers, scheduler and
 * kubelet (Scheduled, FailedScheduling, SuccessfulCreate, FailedCreate...).
 *
 * Like the event recorder of client-go, a repeat of the same event (same
 * involved object, reason and message) does not make a new object: the
 * existing one gets count+1 and a new lastTimestamp.  New events are named
 * "<involved name>.<16 hex digits>" from a hash of --seed and the event, so
 * a run is reproducible under --seed.  Called with sim->lock held.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "controllers.h"

static int same_event(json_object *ev, const char *uid, const char *reason, const char *message)
{
    const char *u = sim_json_str(ev, "involvedObject.uid");
    const char *r = sim_json_str(ev, "reason");
    const char *m = sim_json_str(ev, "message");
    return u && r && m && !strcmp(u, uid) && !strcmp(r, reason) && !strcmp(m, message);
}

void sim_event_record(struct sim *s, struct sim_nsview *v, json_object *inv, const char *type,
                      const char *reason, const char *message, const char *component, int64_t now)
{
    struct sim_ctl *c = s->ctl;
    const char *uid = sim_json_str(inv, "metadata.uid");
    const char *ns = sim_json_str(inv, "metadata.namespace");
    const char *name = sim_json_str(inv, "metadata.name");
    char ts[32];

    if (!uid || !ns || !name || c->seeding)
        return;
    sim_format_time(now, ts, sizeof(ts));
    for (size_t i = 0; i < v->events.n; i++) {
        struct sim_object *o = v->events.v[i];
        if (!o || !same_event(o->obj, uid, reason, message))
            continue;
        json_object *e = sim_ctl_copy(o->obj);
        json_object_object_add(e, "count", json_object_new_int64(sim_ctl_int(e, "count", 1) + 1));
        sim_json_set_str(e, "lastTimestamp", ts);
        sim_store_replace(s, o, e);
        return;
    }
    /* The name hashes --seed, the object, reason and message (and an
     * attempt number against clashes), so it does not depend on the
     * interleaving of requests. */
    char ename[320];
    const char *kind0 = sim_json_str(inv, "kind");
    for (uint64_t k = 0; k < 100; k++) {
        uint64_t h = 0xcbf29ce484222325ULL ^ s->opt.seed ^ (k * 0x9e3779b97f4a7c15ULL);
        const char *parts[] = {ns, kind0 ? kind0 : "", name, reason, message};
        for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
            for (const char *p = parts[i]; *p; p++)
                h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
            h = (h ^ 0xff) * 0x100000001b3ULL;
        }
        snprintf(ename, sizeof(ename), "%s.%016" PRIx64, name, h);
        int clash = 0;
        for (size_t i = 0; i < v->events.n && !clash; i++)
            clash = v->events.v[i] && !strcmp(v->events.v[i]->name, ename);
        if (!clash)
            break;
    }
    json_object *e = json_object_new_object();
    json_object_object_add(e, "apiVersion", json_object_new_string("v1"));
    json_object_object_add(e, "kind", json_object_new_string("Event"));
    json_object *m = sim_json_obj(e, "metadata");
    sim_json_set_str(m, "name", ename);
    sim_json_set_str(m, "namespace", ns);
    json_object *io = sim_json_obj(e, "involvedObject");
    const char *av = sim_json_str(inv, "apiVersion");
    const char *kind = sim_json_str(inv, "kind");
    sim_json_set_str(io, "kind", kind ? kind : "");
    sim_json_set_str(io, "namespace", ns);
    sim_json_set_str(io, "name", name);
    sim_json_set_str(io, "uid", uid);
    if (av)
        sim_json_set_str(io, "apiVersion", av);
    if (sim_json_str(inv, "metadata.resourceVersion"))
        sim_json_set_str(io, "resourceVersion", sim_json_str(inv, "metadata.resourceVersion"));
    sim_json_set_str(e, "reason", reason);
    sim_json_set_str(e, "message", message);
    sim_json_set_str(e, "type", type);
    json_object_object_add(e, "count", json_object_new_int(1));
    sim_json_set_str(e, "firstTimestamp", ts);
    sim_json_set_str(e, "lastTimestamp", ts);
    sim_json_set_str(sim_json_obj(e, "source"), "component", component);
    sim_json_set_str(e, "reportingComponent", component);
    sim_json_set_str(e, "reportingInstance", "");
    struct sim_object *o = sim_store_add(s, c->r_event, e);
    if (o)
        sim_objvec_push(&v->events, o);
}
