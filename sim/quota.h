/*
 * quota.h - ResourceQuota admission and status.used, as pure functions.
 *
 * What the API server's ResourceQuota admission plugin and the quota
 * controller compute, without their caches: the caller hands over the
 * namespace's quotas and the objects currently in it, and gets back either
 * "admitted" or the exact 403 Status the API server sends, and the
 * status.used map to store on each quota.  No lock, no I/O, no global
 * state; see quota.c for the messages and which sources they follow.
 */
#ifndef SIM_QUOTA_H
#define SIM_QUOTA_H

#include <json-c/json.h>

#include "error.h"

/* The objects of one namespace that quotas count.  Each member is a JSON
 * array of objects or a List ({"items": [...]}), or NULL for none.  All are
 * borrowed. */
struct sim_quota_objects {
    json_object *pods;        /* Succeeded/Failed pods only count for count/pods */
    json_object *pvcs;
    json_object *services;
    json_object *secrets;
    json_object *configmaps;
};

/* status.used for quota (a ResourceQuota object): a new JSON object with
 * one canonical quantity string per spec.hard key the simulator knows
 * (pods, count/pods, cpu, memory, requests.cpu, limits.cpu,
 * requests.memory, limits.memory, requests.ephemeral-storage,
 * limits.ephemeral-storage, requests.storage, persistentvolumeclaims,
 * services, services.nodeports, services.loadbalancers, secrets,
 * configmaps and the count/<resource> forms of the last five).  Unknown
 * keys are left out, as the quota controller does for resources no
 * evaluator tracks.  *used is new; the caller frees it with
 * json_object_put().  OS_ERR_INVALID when quota has no spec.hard object. */
int sim_quota_used(json_object *quota, const struct sim_quota_objects *objs,
                   json_object **used, struct os_error *err);

/* {"hard": spec.hard with canonical quantities, "used": as above}: the
 * whole status to store.  New object; the caller frees it. */
int sim_quota_status(json_object *quota, const struct sim_quota_objects *objs,
                     json_object **status, struct os_error *err);

/* Admission of a create.  resource is the plural of obj's kind: "pods",
 * "persistentvolumeclaims", "services", "secrets" or "configmaps" (any
 * other resource is always admitted).  quotas are the ResourceQuota
 * objects of the namespace (array or list, may be NULL), objs what is in
 * the namespace now (an object with obj's namespace and name is skipped).
 * Returns 0 with *status NULL when admitted, or 0 with *status a new 403
 * Status body (reason Forbidden, details name/kind) when refused; the
 * caller frees it with json_object_put().  Errors only for bad arguments
 * (OS_ERR_INVALID) or memory (OS_ERR_NOMEM). */
int sim_quota_admit(json_object *obj, const char *resource, json_object *quotas,
                    const struct sim_quota_objects *objs, json_object **status,
                    struct os_error *err);

/* Shorthand for a pod create with the namespace's pods. */
int sim_quota_admit_pod(json_object *pod, json_object *quotas, json_object *pods,
                        json_object **status, struct os_error *err);

/* The 403 body apierrors.NewForbidden builds: message
 * "<resource> \"<name>\" is forbidden: <reason>" (no name: "<resource> is
 * forbidden: <reason>"), details {name, kind: resource}.  New object, or
 * NULL when out of memory; the caller frees it. */
json_object *sim_quota_forbidden(const char *resource, const char *name, const char *reason);

#endif
