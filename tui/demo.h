/*
 * demo.h - the built-in demo cluster: an odoo-saas-sim started for this
 * process on 127.0.0.1 and stopped when it ends.
 */
#ifndef TUI_DEMO_H
#define TUI_DEMO_H

#include <sys/types.h>

#include "error.h"

struct demo {
    pid_t pid;
    char dir[256];          /* temporary directory holding the kubeconfig */
    char kubeconfig[320];
};

/* Start odoo-saas-sim (beside this program, else from $PATH) with nodes
 * nodes and wait (at most 10 s) until it listens.  extra_args: more
 * simulator options (NULL-terminated) or NULL. */
int demo_start(struct demo *d, int nodes, const char *const *extra_args, struct os_error *err);
/* Stop it (SIGTERM, then SIGKILL after 5 s) and remove the directory. */
void demo_stop(struct demo *d);

#endif
