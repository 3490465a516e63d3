/*
 * log_follow.h - follow one pod's log into a log_ring, and keep following.
 *
 * GET /api/v1/namespaces/NS/pods/POD/log?follow=true&tailLines=N as a
 * streaming call on the console's kube client (the transport's on_data,
 * as watches use it), so it runs on the one event loop and never blocks.
 * When the stream ends (the server's timeout, a dropped connection, the
 * pod restarting) or cannot start (the container is still waiting), it is
 * started again after a backoff (1 s, doubling, at most 10 s).  Lines come
 * with the server's timestamps (timestamps=true, taken off for display):
 * a resumed stream asks from the second of the last line shown (sinceTime,
 * and tailLines for a server that ignores it) and the ring drops what it
 * already has, so nothing is shown twice and nothing is missed.
 */
#ifndef TUI_LOG_FOLLOW_H
#define TUI_LOG_FOLLOW_H

#include "error.h"
#include "kube/kube.h"
#include "log_ring.h"

#define LOG_FOLLOW_LINES 5000   /* lines kept */
#define LOG_FOLLOW_TAIL 200     /* lines asked for on open */

struct log_follow {
    struct kube_client *client;     /* borrowed */
    struct kube_call *call;         /* in flight, or NULL */
    char ns[128], pod[256];
    struct log_ring ring;
    int streaming;                  /* data came on the current call */
    int connects;                   /* calls that delivered data */
    long backoff_ms;
    char error[OS_ERROR_MSG_MAX];   /* why it is reconnecting, "" when fine */
    int *dirty;                     /* set when something shown changed */
};

/* Start following pod in ns on client.  f must stay at the same address
 * until log_follow_stop().  0, or -1 with err set (nothing to stop). */
int log_follow_start(struct log_follow *f, struct kube_client *client, const char *ns,
                     const char *pod, int *dirty, struct os_error *err);
/* Stop the stream and free the lines; f can be started again. */
void log_follow_stop(struct log_follow *f);

#endif
