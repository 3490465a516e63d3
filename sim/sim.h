/*
 * sim.h - the shared state of odoo-saas-sim and the interfaces between its
 * modules.
 *
 * One struct sim, owned by main(), holds everything: options, TLS material,
 * the object store with its event history, and the HTTP daemon.  The store is
 * guarded by one mutex (sim->lock); a condition variable (sim->changed) is
 * broadcast on every write so watch streams and the lifecycle thread sleep
 * without polling.
 *
 * Stored objects are immutable json-c trees: a write builds a new tree and
 * swaps it in.  json-c is not thread-safe (even serialising caches a string in
 * the object), so a stored tree is only touched with sim->lock held; handlers
 * deep-copy what they need and work on the copy outside the lock.
 *
 * Module map:
 *   main.c       options, start-up, signals, shutdown
 *   tls.c        CA + server certificate generated at start (GnuTLS)
 *   kubeconfig.c writes the kubeconfig for clients
 *   server.c     libmicrohttpd: auth, body limits, content negotiation, dispatch
 *   router.c     URL path -> resource/namespace/name/subresource
 *   discovery.c  /version, /api, /apis, /openapi, health
 *   store.c      objects, resourceVersion, uid, history of events
 *   verbs_read.c get, list (selectors, paging), metrics
 *   verbs_write.c create, replace, patch, delete, deletecollection
 *   patch.c      merge patch (RFC 7386), JSON patch (RFC 6902)
 *   apply.c      server-side apply and managedFields
 *   yaml_json.c  YAML -> json-c
 *   validate.c   names, labels, required and unknown fields
 *   validate_kinds.c  the RBAC kinds and EndpointSlice
 *   tokens.c     ServiceAccount token controller (token Secrets)
 *   auth.c       admin or ServiceAccount token; RBAC (rbac.c, pure) -> 403
 *   status.c     metav1.Status bodies with the exact texts
 *   table.c      meta.k8s.io/v1 Table rendering for kubectl
 *   watch.c      chunked watch streams
 *   lifecycle.c  background thread: namespace termination and the phase-2
 *                controllers (controllers.c, workloads.c, replicasets.c, kubelet.c,
 *                events.c; their interface is controllers.h)
 *   faults.c     --latency-ms and --fail-rate
 *   metrics.c    metrics.k8s.io figures from the running pods
 *   seed_tenants.c --seed-tenants N, rendered by the product
 *   logs.c       pods/NAME/log (follow streams like watches)
 *   state.c      --state PATH: save and load the store
 *   seed.c       the initial MicroK8s-like cluster
 *   util.c       time, random, small JSON helpers
 */
#ifndef SIM_H
#define SIM_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "kube/kube.h"

#include "faults.h"

struct sim_ctl;

#define SIM_MAX_BODY (3u * 1024 * 1024)  /* larger request bodies get 413 */
#define SIM_HISTORY 4096                  /* events kept for watch resume */

struct sim_options {
    char listen_host[64];
    unsigned port;
    int nodes;
    char *kubeconfig_out;
    uint64_t seed;
    char *state_path;        /* phase 2: persistence */
    int latency_ms;          /* phase 2: added latency */
    double fail_rate;        /* phase 2: fault injection */
    int seed_tenants;        /* phase 2: demo tenants */
    int ns_delete_delay_ms;  /* namespace Terminating -> gone */
    int bookmark_interval_ms;
    int continue_ttl_ms;     /* list continue tokens expire (410) after this */
    int pod_start_ms;        /* kubelet step duration (controllers.c) */
    int no_controllers;      /* --no-controllers: API server only */
};

struct sim_tls {
    char *ca_pem;            /* CA certificate (goes in the kubeconfig) */
    char *cert_pem;          /* server certificate, signed by the CA */
    char *key_pem;           /* server private key */
};

/* One stored object.  obj holds kind and apiVersion too; list and get strip
 * or keep them as the contract says. */
struct sim_object {
    const struct kube_resource *res;
    char *ns;                /* "" for cluster-scoped */
    char *name;
    json_object *obj;        /* immutable once stored; only under sim->lock */
    uint64_t rv;
    int64_t purge_at_ms;     /* namespaces in Terminating: when to remove */
    char *item_json;         /* cached list-item serialisation (owned; made
                              * by lists, dropped by sim_store_replace) */
    size_t item_len;
};

enum sim_event_type { SIM_ADDED, SIM_MODIFIED, SIM_DELETED };

/* One entry of the watch history ring. */
struct sim_event {
    uint64_t rv;
    enum sim_event_type type;
    const struct kube_resource *res;
    char *ns;
    json_object *obj;        /* new state (DELETED: last state) */
    json_object *prev;       /* MODIFIED: the state before, else NULL */
    char *json;              /* obj serialised, kind/apiVersion included */
};

struct sim_store {
    struct sim_object **objs;
    size_t nobjs, cap;
    uint64_t rv;             /* global resourceVersion counter */
    struct sim_event ring[SIM_HISTORY];
    size_t ring_start, ring_len;
    uint64_t history_floor;  /* a watch from an rv below this is 410 */
};

struct sim {
    struct sim_options opt;
    struct sim_tls tls;
    char token[65];          /* bearer token, hex */
    unsigned port;           /* the port actually bound */
    uint64_t rng;            /* seeded PRNG state (splitmix64) */
    pthread_mutex_t lock;    /* guards store, rng and stopping */
    pthread_cond_t changed;  /* broadcast on every store change and on stop */
    struct sim_store store;
    int stopping;
    int nwatches;            /* open watch streams, so shutdown can drain them */
    int64_t start_ms;
    struct sim_faults faults; /* --latency-ms, --fail-rate (own lock) */
    int faults_ready;         /* faults initialised (destroy at exit) */
    void *daemon;            /* struct MHD_Daemon * */
    pthread_t lifecycle;
    int lifecycle_started;
    struct sim_ctl *ctl;     /* phase-2 controllers' state (controllers.h) */
    uint64_t tokens_rv;      /* token controller: store changes up to this
                              * were looked at (tokens.c); 0: never */
    uint64_t state_saved_rv; /* --state: store version last saved (state.c) */
    int64_t state_saved_ms;
};

/* ---- util.c ---- */
int64_t sim_now_ms(void);
/* RFC 3339 UTC timestamp of ms since the epoch, into buf (>= 21 bytes). */
void sim_format_time(int64_t ms, char *buf, size_t len);
int64_t sim_parse_time(const char *s);           /* -1 when unparsable */
uint64_t sim_rand(struct sim *s);                /* call with lock held */
void sim_uuid(struct sim *s, char *buf);         /* 37 bytes; lock held */
/* 5 characters from the generateName alphabet into buf (6 bytes). */
void sim_rand_suffix(struct sim *s, char *buf, size_t n);
/* Path lookup "a.b.c" in a json tree; NULL when missing.  Borrowed ref. */
json_object *sim_json_path(json_object *o, const char *dotted);
const char *sim_json_str(json_object *o, const char *dotted); /* or NULL */
/* The string member key of o (o may be NULL; key taken whole, so it may
 * hold dots, as annotation names do), or NULL.  Borrowed. */
const char *sim_json_member_str(json_object *o, const char *key);
/* Get or create the object member key of o; borrowed ref. */
json_object *sim_json_obj(json_object *o, const char *key);
/* Ensure o.key is a string value. */
void sim_json_set_str(json_object *o, const char *key, const char *val);
/* Human duration like kubectl's AGE column ("5m", "3d2h"). */
void sim_human_duration(int64_t ms, char *buf, size_t len);

/* ---- tls.c ---- */
/* Fill tls with freshly generated PEMs (malloc'd; sim_tls_free() frees and
 * wipes the key).  On error tls is left empty. */
int sim_tls_generate(struct sim_tls *tls, struct os_error *err);
void sim_tls_free(struct sim_tls *tls);

/* ---- kubeconfig.c ---- */
/* Write the kubeconfig for s (server URL, CA, token) to path, mode 0600. */
int sim_kubeconfig_write(const struct sim *s, const char *path, struct os_error *err);

/* ---- store.c (all calls with sim->lock held unless noted) ---- */
int sim_store_init(struct sim_store *st);
/* Free every object and event (no lock needed: single-threaded by then). */
void sim_store_free(struct sim_store *st);
struct sim_object *sim_store_find(struct sim *s, const struct kube_resource *res,
                                  const char *ns, const char *name);
/* Insert a new object: sets resourceVersion (and uid/creationTimestamp when
 * missing), records ADDED.  Takes ownership of obj.  Returns the entry. */
struct sim_object *sim_store_add(struct sim *s, const struct kube_resource *res,
                                 json_object *obj);
/* Replace o's tree with obj (ownership taken), bump rv, record MODIFIED. */
void sim_store_replace(struct sim *s, struct sim_object *o, json_object *obj);
/* Remove o, record DELETED with its last state. */
void sim_store_remove(struct sim *s, struct sim_object *o);
/* Collect the objects of res (ns NULL = all namespaces), sorted by ns then
 * name.  *out is malloc'd (caller frees the array only). */
size_t sim_store_collect(struct sim *s, const struct kube_resource *res,
                         const char *ns, struct sim_object ***out);
/* The list-item JSON of o (kind/apiVersion dropped for built-in types),
 * cached in o until it changes; *len gets its length.  Borrowed. */
const char *sim_store_item_json(struct sim_object *o, size_t *len);
/* Fill the list-item JSON cache of every object of res (NULL: all), with
 * two threads: only at start, before any other thread touches the store
 * (no lock needed then). */
void sim_store_warm(struct sim *s, const struct kube_resource *res);
/* Seeding mode: while set, no history is recorded. */
void sim_store_seal_history(struct sim *s);

/* ---- router.c ---- */
enum sim_route_kind {
    SIM_ROUTE_NONE,          /* unknown path: 404 */
    SIM_ROUTE_RESOURCE,      /* a resource collection or item */
};

struct sim_route {
    enum sim_route_kind kind;
    const struct kube_resource *res;
    char ns[254];
    char name[254];
    char sub[32];            /* "status", "finalize", "scale", "log" or "" */
    int has_ns, has_name;
};

/* Parse an URL path (no query).  Returns 0 and fills r, or -1 for an
 * unknown path. */
int sim_route_parse(const char *path, struct sim_route *r);

/* ---- status.c: each returns a new Status json (the caller puts it, usually
 * by handing it to sim_respond_status()) ---- */
struct sim_cause {
    const char *reason;
    const char *message;
    const char *field;
};
json_object *sim_status(int code, const char *reason, const char *message);
json_object *sim_status_success(const struct kube_resource *res, const char *name,
                                const char *uid);
json_object *sim_status_not_found(const struct kube_resource *res, const char *name);
json_object *sim_status_ns_not_found(const char *ns);
json_object *sim_status_path_not_found(void);
json_object *sim_status_already_exists(const struct kube_resource *res, const char *name,
                                       int being_deleted);
json_object *sim_status_conflict(const struct kube_resource *res, const char *name,
                                 const char *why);
json_object *sim_status_forbidden(const struct kube_resource *res, const char *name,
                                  const char *why);
json_object *sim_status_ns_terminating(const struct kube_resource *res,
                                       const char *name, const char *ns);
json_object *sim_status_invalid(const struct kube_resource *res, const char *name,
                                const struct sim_cause *causes, size_t n);
json_object *sim_status_bad_request(const char *message);
json_object *sim_status_unauthorized(void);
json_object *sim_status_method_not_allowed(const struct kube_resource *res,
                                           const char *method);
json_object *sim_status_expired(const char *message);
/* 504 for a resourceVersion newer than the store: "Too large resource
 * version" with retryAfterSeconds 1. */
json_object *sim_status_too_large_rv(unsigned long long want, unsigned long long current);
/* Add a cause to details.causes of st. */
void sim_status_add_cause(json_object *st, const char *reason, const char *message,
                          const char *field);

/* ---- requests and responses (server.c) ---- */
struct sim_watch;

struct sim_response {
    int code;
    json_object *body;       /* owned; NULL with text */
    char *text;              /* owned plain-text body, or NULL */
    size_t text_len;         /* its length when binary (0: strlen(text)) */
    const char *content_type;
    const char *retry_after; /* Retry-After header value (static), or NULL */
    char *warnings[8];       /* owned Warning header values */
    int nwarnings;
    struct sim_watch *watch; /* set for a watch stream (owned) */
    /* Another stream (pod logs with follow): MHD content reader and its
     * free function; stream is owned until handed to MHD. */
    void *stream;
    ssize_t (*stream_read)(void *cls, uint64_t pos, char *buf, size_t max);
    void (*stream_free)(void *cls);
};

struct sim_request {
    struct sim *sim;
    const char *method;
    const char *url;
    struct sim_route route;
    const char *content_type;     /* may be NULL */
    const char *accept;           /* may be NULL */
    const char *user_agent;       /* may be NULL */
    const char *body;
    size_t body_len;
    int want_table;               /* Accept asked for meta.k8s.io Table */
    void *conn;                   /* struct MHD_Connection * */
    const struct sim_user *user;  /* the ServiceAccount asking (rbac.h), valid
                                   * while it is dispatched; NULL for the
                                   * admin token and public paths */
};

/* A query parameter (decoded, owned by MHD, valid for the request) or NULL. */
const char *sim_query(const struct sim_request *rq, const char *key);
/* 1 for "1", "true" or "True". */
int sim_query_true(const struct sim_request *rq, const char *key);
/* Set the answer; rs takes ownership of body (a previous body is put). */
void sim_respond_json(struct sim_response *rs, int code, json_object *body);
/* Same, with the HTTP code taken from the Status's "code". */
void sim_respond_status(struct sim_response *rs, json_object *status);
/* Add a Warning header value (copied; freed with the response). */
void sim_add_warning(struct sim_response *rs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Start the HTTPS daemon; sets s->port (the bound port when 0 was asked). */
int sim_server_start(struct sim *s, struct os_error *err);
/* Stop the daemon (joins its threads).  Safe when not started. */
void sim_server_stop(struct sim *s);

/* ---- discovery.c ---- */
/* Handles discovery/health/openapi paths; returns 1 when it answered. */
int sim_discovery_handle(struct sim_request *rq, struct sim_response *rs);
/* 1 when the group/version is served (the table has a row for it). */
int sim_group_version_served(const char *group, const char *version);

/* ---- verbs ---- */
void sim_verb_get(struct sim_request *rq, struct sim_response *rs);
void sim_verb_list(struct sim_request *rq, struct sim_response *rs);
void sim_verb_create(struct sim_request *rq, struct sim_response *rs);
void sim_verb_replace(struct sim_request *rq, struct sim_response *rs);
void sim_verb_patch(struct sim_request *rq, struct sim_response *rs);
void sim_verb_delete(struct sim_request *rq, struct sim_response *rs);
void sim_verb_delete_collection(struct sim_request *rq, struct sim_response *rs);
void sim_metrics_get(struct sim_request *rq, struct sim_response *rs);
void sim_metrics_list(struct sim_request *rq, struct sim_response *rs);

/* Shared write path (verbs_write.c): finish an update of o with the new tree
 * nobj (owned), enforcing preconditions and validation.  Used by PUT, PATCH
 * and apply. */
struct sim_write_ctx {
    const char *manager;          /* field manager */
    const char *operation;        /* "Update" or "Apply" */
    int dry_run;
    int status_only;              /* /status subresource */
    const char *precondition_rv;  /* "" or NULL: none */
    json_object *managed;         /* apply create: managedFields to store */
    int authorize_create;         /* a create by apply: RBAC "create" too */
};

/* Create obj (owned) as rq's resource: namespace checks, validation,
 * defaults, store.  Answers 201 (or an error) in rs.  Apply uses it too. */
void sim_create_object(struct sim_request *rq, struct sim_response *rs, json_object *obj,
                       const struct sim_write_ctx *w);
/* Update o (lock held) with nobj (owned): rv precondition, validation,
 * preserved metadata, generation, managedFields.  Answers 200 in rs. */
void sim_update_object(struct sim_request *rq, struct sim_response *rs, struct sim_object *o,
                       json_object *nobj, const struct sim_write_ctx *w);
/* Check unknown fields per fieldValidation: 400 (returns -1), or Warning
 * headers (Warn, the default); with Warn and Ignore they are then removed
 * from obj, so they are never stored. */
int sim_check_unknown_fields(struct sim_request *rq, struct sim_response *rs, json_object *obj);
/* The server-side defaults of a create (status, generation, spec defaults)
 * applied to obj in place (lock held).  Seeding uses it too. */
void sim_object_defaults(struct sim *s, const struct kube_resource *res, json_object *obj);
/* Remove a namespace and all its content now (lock held). */
void sim_namespace_purge(struct sim *s, struct sim_object *ns);

/* ---- list filtering (verbs_read.c) ---- */
struct sim_filter {
    struct kube_selector *labels;         /* NULL: everything */
    struct kube_field_selector *fields;   /* NULL: everything */
};
/* Parse labelSelector/fieldSelector of rq for res; on error fills rs with a
 * 400 and returns -1.  sim_filter_free() releases. */
int sim_filter_parse(struct sim_request *rq, const struct kube_resource *res,
                     struct sim_filter *f, struct sim_response *rs);
int sim_filter_match(const struct sim_filter *f, json_object *obj);
void sim_filter_free(struct sim_filter *f);

/* A copy of the stored object as served: list items drop kind/apiVersion
 * (built-in types only).  Caller puts. */
json_object *sim_object_export(const struct sim_object *o, int with_type);

/* ---- patch.c ---- */
/* RFC 7386: returns a new tree (caller puts). */
json_object *sim_merge_patch(json_object *target, json_object *patch);
/* Strategic merge patch (see patch.c for what is covered): a new tree. */
json_object *sim_strategic_merge_patch(json_object *target, json_object *patch);
/* RFC 6902 on a deep copy of target: returns a new tree or NULL with msg. */
json_object *sim_json_patch(json_object *target, json_object *ops, char *msg, size_t len);

/* ---- apply.c ---- */
void sim_apply(struct sim_request *rq, struct sim_response *rs);
/* Record a non-apply write by manager in nobj's managedFields, comparing
 * with old (NULL on create). */
void sim_managed_update(json_object *nobj, json_object *old, const char *manager,
                        const char *operation, const char *api_version, int64_t now);
/* The field manager of a write: fieldManager or derived from User-Agent. */
void sim_manager_name(const struct sim_request *rq, char *buf, size_t len);

/* ---- yaml_json.c ---- */
/* Parse one YAML (or JSON) document into json-c: a new tree the caller
 * puts, or NULL with a one-line reason in msg. */
json_object *sim_yaml_to_json(const char *text, size_t len, char *msg, size_t msglen);

/* ---- validate.c ---- */
struct sim_invalid {
    struct sim_cause causes[16];
    char bufs[16][1024];
    size_t n;
};
/* Collect 422 causes for obj of res into inv. */
void sim_validate(const struct kube_resource *res, json_object *obj, struct sim_invalid *inv);
/* Same for an update of old to obj: adds the immutable-field checks. */
void sim_validate_update(const struct kube_resource *res, json_object *obj, json_object *old,
                         struct sim_invalid *inv);
/* Add one cause (message printf-formatted, field copied) to inv. */
void sim_invalid_add(struct sim_invalid *inv, const char *reason, const char *field,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* 1 when s is a lowercase RFC 1123 subdomain. */
int sim_is_subdomain(const char *s);
/* spec.strategy.rollingUpdate.<key> (ru may be NULL) after the API's
 * defaulting (absent or null: "25%") into *v; v->s points into ru. */
struct sim_intstr;
void sim_rolling_value(json_object *ru, const char *key, struct sim_intstr *v);
/* validate_kinds.c: RBAC kinds and EndpointSlice (create, and the extra
 * checks of an update). */
void sim_validate_kind(const struct kube_resource *res, json_object *obj, struct sim_invalid *inv);
void sim_validate_kind_update(const struct kube_resource *res, json_object *obj, json_object *old,
                              struct sim_invalid *inv);
/* Unknown field names of obj into names (each malloc'd; caller frees), up
 * to max.  Returns the count. */
size_t sim_unknown_fields(const struct kube_resource *res, json_object *obj,
                          char **names, size_t max);
/* Drop the unknown fields (same levels), as decoding into typed objects
 * does on a real server. */
void sim_prune_unknown_fields(const struct kube_resource *res, json_object *obj);
/* 1 when the resource has a /status subresource (main writes keep status). */
int sim_has_status(const struct kube_resource *res);
/* 1 when the kind carries metadata.generation. */
int sim_kind_has_generation(const struct kube_resource *res);

/* ---- table.c ---- */
/* Build a meta.k8s.io/v1 Table from objects (borrowed, only read).
 * include_object is the includeObject parameter: "None", "Object" or
 * Metadata (NULL).  Returns a new tree (caller puts). */
json_object *sim_table(const char *include_object, const struct kube_resource *res,
                       json_object **objs, size_t n, const char *rv, const char *cont);

/* ---- watch.c ---- */
/* Start a watch on rq's route; fills rs with a stream (rs->watch, owned by
 * the response and then by MHD, freed by sim_watch_free) or an error. */
void sim_watch_start(struct sim_request *rq, struct sim_response *rs);
/* MHD content reader and free callbacks (run in the connection thread). */
ssize_t sim_watch_read(void *cls, uint64_t pos, char *buf, size_t max);
void sim_watch_free(void *cls);

/* ---- scale.c: the /scale subresource of Deployments and StatefulSets ---- */
void sim_scale(struct sim_request *rq, struct sim_response *rs);

/* ---- lifecycle.c ---- */
/* Start the background thread (namespace purge; phase-2 controllers). */
int sim_lifecycle_start(struct sim *s, struct os_error *err);
/* Set stopping, wake everyone, join the thread, and give open watch streams
 * up to max_wait_ms to send their last chunk. */
void sim_lifecycle_stop(struct sim *s, int max_wait_ms);

/* ---- tokens.c: the ServiceAccount token controller ---- */
/* Lifecycle step (lock held): fill data.token, data.ca.crt,
 * data.namespace and the service-account.uid annotation of every Secret
 * of type kubernetes.io/service-account-token whose ServiceAccount
 * exists.  Returns 0 (it runs again on the next store change). */
int64_t sim_tokens_step(struct sim *s, int64_t now_ms);

/* ---- auth.c: who is asking, and may they (rbac.h decides) ---- */
struct sim_user;
/* From the Authorization header value (may be NULL): 1 for the admin
 * token, 0 with *u filled for a ServiceAccount token (takes the lock),
 * -1 when not authenticated. */
int sim_authenticate(struct sim *s, const char *header, struct sim_user *u);
/* Authorize rq (route parsed) for u by RBAC; 0 when allowed, else -1
 * with the 403 Status in rs.  Takes the lock. */
int sim_authorize(struct sim_request *rq, const struct sim_user *u, struct sim_response *rs);
/* The second check of a request that was authorized as patch or update
 * and is about to create the object (server-side apply of a missing
 * object): rq->user must also be allowed "create" on it.  0 when allowed
 * or rq->user is NULL (the admin token), else -1 with the 403 Status in
 * rs.  Lock held. */
int sim_authorize_create(struct sim_request *rq, struct sim_response *rs);

/* ---- seed.c ---- */
/* Fill the store with the initial cluster and seal the history. */
int sim_seed(struct sim *s, struct os_error *err);

/* ---- seed_tenants.c ---- */
/* --seed-tenants N: N tenants rendered by the product (lock held, before
 * the history is sealed); their pods are placed and Running at once. */
int sim_seed_tenants(struct sim *s, struct os_error *err);

#endif
