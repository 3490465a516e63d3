/*
 * transport.h - HTTP to the API server on libcurl's multi interface.
 *
 * One struct kube_client holds a curl multi handle (the connection pool,
 * HTTP/2 multiplexing when the server offers it), the TLS trust and the
 * credentials resolved from a struct kube_config.  Calls are started and
 * then driven by kube_client_wait(), which also waits on the caller's own
 * file descriptors (the console's terminal), so one thread can keep many
 * requests and watches in flight without blocking.  kube_client_call() is
 * the blocking shorthand for scripts.
 *
 * Failures are retried with exponential backoff and jitter, honouring
 * Retry-After: 429 and 503 (the server did not act) and connection failures
 * for every method; 500, 502, 504 and dropped connections only for
 * idempotent requests (GET, PUT, DELETE, server-side apply).  Each call has a
 * bounded number of attempts and a bounded total wait.
 */
#ifndef KUBE_TRANSPORT_H
#define KUBE_TRANSPORT_H

#include <stddef.h>
#include <stdio.h>

#include <curl/curl.h>

#include "error.h"
#include "kubeconfig.h"

struct kube_client_opts {
    long connect_timeout_ms;  /* 0: 10 s */
    long timeout_ms;          /* whole request, non-streaming; 0: 60 s */
    int max_attempts;         /* 0: 6 (one try and five retries); 1: no retry */
    long retry_base_ms;       /* first backoff; 0: 250 ms */
    long retry_cap_ms;        /* longest single wait; 0: 8 s */
    long retry_budget_ms;     /* most waiting per call; 0: 30 s */
    long max_host_connections;/* 0: 24 (HTTP/1.1 needs one per request in flight) */
    size_t max_body;          /* largest response body kept; 0: 64 MiB */
    FILE *trace;              /* a line per attempt: method path status ms */
    /* Warnings (insecure TLS, server Warning headers); NULL: stderr. */
    void (*warn)(void *userdata, const char *message);
    void *warn_userdata;
};

struct kube_response {
    long status;              /* HTTP status; 0 when no response came */
    char *body;               /* NUL-terminated, owned by the response */
    size_t len;
    char content_type[128];
    int attempts;
    int http_version;         /* 10, 11, 20 (HTTP/2), 30; 0 when no response */
    long elapsed_ms;          /* from start to the end of the last attempt */
    struct os_error err;      /* code 0 on success (2xx) */
};

/* Called once when a call ends, successfully or not.  resp is borrowed:
 * valid during the callback only (take resp->body by setting it to NULL). */
typedef void (*kube_done_fn)(void *userdata, struct kube_response *resp);
/* Streaming data of a 2xx response; return non-zero to abort the call. */
typedef int (*kube_data_fn)(void *userdata, const char *data, size_t len);

struct kube_call_spec {
    const char *method;       /* GET, POST, PUT, PATCH, DELETE */
    const char *path;         /* "/api/v1/namespaces?limit=500": path and query */
    const char *content_type; /* for the body; NULL with no body */
    const char *accept;       /* NULL: application/json */
    const char *body;         /* copied; may be NULL */
    size_t body_len;
    int stream;               /* 2xx body goes to on_data; no overall timeout */
    long timeout_ms;          /* 0: the client's */
    int no_retry;
    long delay_ms;            /* start after this long (a backoff of the caller's) */
    kube_data_fn on_data;
    kube_done_fn on_done;
    /* Called instead of on_done when the call is cancelled (kube_call_cancel
     * or kube_client_free), so userdata the call owns can be freed; NULL
     * when there is nothing to free. */
    void (*on_cancel)(void *userdata);
    void *userdata;
};

struct kube_client_stats {
    unsigned long requests;   /* attempts sent */
    unsigned long retries;
    unsigned long failures;   /* calls that ended in error */
    unsigned long connections;/* new connections opened (the rest reused one) */
    long last_ms;             /* duration of the last finished attempt */
    long ewma_ms;             /* smoothed attempt duration */
};

struct kube_client;
struct kube_call;

/* Build a client for cfg (which must outlive it).  Runs an exec credential
 * plugin if the config has one.  Free with kube_client_free(). */
int kube_client_new(const struct kube_config *cfg, const struct kube_client_opts *opts,
                    struct kube_client **out, struct os_error *err);
/* Cancels every call in flight (their on_done is not called). */
void kube_client_free(struct kube_client *c);

const struct kube_config *kube_client_config(const struct kube_client *c);
const struct kube_client_stats *kube_client_stats(const struct kube_client *c);

/* Start a call.  The handle belongs to the client and stays valid until
 * on_done returns or kube_call_cancel(); NULL on error. */
struct kube_call *kube_call_start(struct kube_client *c, const struct kube_call_spec *spec,
                                  struct os_error *err);
/* Stop a call without calling its on_done. */
void kube_call_cancel(struct kube_client *c, struct kube_call *call);

/* Drive transfers for at most timeout_ms, also waking when one of fds is
 * ready (their revents are filled).  Finished calls get their on_done here.
 * Returns the number of calls still in flight or waiting to retry. */
int kube_client_wait(struct kube_client *c, int timeout_ms,
                     struct curl_waitfd *fds, unsigned nfds);
int kube_client_in_flight(const struct kube_client *c);

/* Blocking: start spec (its on_done and userdata are ignored) and drive the
 * client until it ends.  Returns 0 on a 2xx, else resp->err's code (also
 * copied to err).  resp is filled either way; free with kube_response_clear. */
int kube_client_call(struct kube_client *c, const struct kube_call_spec *spec,
                     struct kube_response *resp, struct os_error *err);
void kube_response_clear(struct kube_response *resp);

#endif
