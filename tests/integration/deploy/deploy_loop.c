/*
 * deploy_loop.c - test helper: drive the deployment engine from a poll()
 * loop the way the console will, and report how long the longest single
 * deploy_engine_step() call took (connecting, commands and uploads must
 * never make it wait on the network).
 *
 *   deploy_loop HOST PORT USER KEY KNOWN_HOSTS REMOTE_ENV REMOTE_DIR ONLY
 *
 * Prints "result done|failed calls N again N max_ms N events N".
 * DEPLOY_LOOP_BUNDLE and DEPLOY_LOOP_PLATFORM give a bundle to upload.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "deploy/deploy.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void count(void *ud, const struct deploy_event *ev)
{
    (void)ev;
    ++*(int *)ud;
}

int main(int argc, char **argv)
{
    struct deploy_opts o = {0};
    struct deploy_engine *e;
    struct os_error err;
    int rc, calls = 0, again = 0, events = 0;
    long max_ms = 0, t;

    if (argc != 9) {
        fprintf(stderr, "usage: deploy_loop HOST PORT USER KEY KNOWN_HOSTS REMOTE_ENV REMOTE_DIR ONLY\n");
        return 2;
    }
    snprintf(o.target.host, sizeof(o.target.host), "%s", argv[1]);
    o.target.port = atoi(argv[2]);
    snprintf(o.target.user, sizeof(o.target.user), "%s", argv[3]);
    o.identity = argv[4];
    o.known_hosts = argv[5];
    o.remote_env = argv[6];
    o.remote_dir = argv[7];
    o.only = argv[8];
    o.no_agent = 1;
    o.bundle = getenv("DEPLOY_LOOP_BUNDLE");
    o.platform_dir = getenv("DEPLOY_LOOP_PLATFORM");
    o.on_event = count;
    o.ud = &events;
    if (deploy_engine_new(&o, &e, &err) < 0) {
        fprintf(stderr, "deploy_loop: %s\n", err.message);
        return 1;
    }
    for (int i = 0; i < 100000; i++) {
        t = now_ms();
        rc = deploy_engine_step(e);
        t = now_ms() - t;
        calls++;
        if (t > max_ms)
            max_ms = t;
        if (rc != DEPLOY_AGAIN)
            break;
        again++;
        struct pollfd p = {.fd = deploy_engine_fd(e), .events = deploy_engine_events(e)};
        poll(&p, 1, 100);
    }
    printf("result %s calls %d again %d max_ms %ld events %d\n",
           rc == DEPLOY_DONE ? "done" : "failed", calls, again, max_ms, events);
    if (rc == DEPLOY_FAILED)
        fprintf(stderr, "deploy_loop: %s\n", deploy_engine_error(e)->message);
    deploy_engine_free(e);
    return rc == DEPLOY_DONE ? 0 : 1;
}
