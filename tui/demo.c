/*
 * demo.c - run a private simulator for `odoo-saas --demo`.
 *
 * The simulator writes its kubeconfig into a fresh temporary directory and
 * prints "listening on ..." when ready; we read its stdout for that line
 * with a deadline, so a simulator that cannot start is reported, not
 * waited on forever.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demo.h"

#define START_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 5000

/* The simulator installed beside this program, or plain "odoo-saas-sim". */
static void sim_path(char *buf, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    char *slash;

    snprintf(buf, len, "odoo-saas-sim");
    if (n <= 0)
        return;
    self[n] = '\0';
    if (!(slash = strrchr(self, '/')))
        return;
    snprintf(slash + 1, sizeof(self) - (size_t)(slash + 1 - self), "odoo-saas-sim");
    if (access(self, X_OK) == 0)
        snprintf(buf, len, "%s", self);
}

static void exec_sim(int out_fd, int nodes, const char *kubeconfig, const char *const *extra)
{
    char path[PATH_MAX], nodes_s[16];
    const char *argv[32] = {0};
    int n = 0;

    sim_path(path, sizeof(path));
    snprintf(nodes_s, sizeof(nodes_s), "%d", nodes);
    argv[n++] = path;
    argv[n++] = "--listen";
    argv[n++] = "127.0.0.1:0";
    argv[n++] = "--nodes";
    argv[n++] = nodes_s;
    argv[n++] = "--kubeconfig-out";
    argv[n++] = kubeconfig;
    for (; extra && *extra && n < 30; extra++)
        argv[n++] = *extra;
    char log[PATH_MAX];
    int log_fd;

    dup2(out_fd, STDOUT_FILENO);
    close(out_fd);
    /* Its log would scribble over the console: keep it beside the kubeconfig. */
    snprintf(log, sizeof(log), "%s", kubeconfig);
    snprintf(strrchr(log, '/') + 1, sizeof(log) - (size_t)(strrchr(log, '/') + 1 - log), "sim.log");
    log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd >= 0) {
        dup2(log_fd, STDERR_FILENO);
        close(log_fd);
    }
    execvp(argv[0], (char *const *)argv);
    fprintf(stderr, "odoo-saas: cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
}

/* Read the simulator's stdout until the "listening on" line. */
static int wait_listening(int fd, struct os_error *err)
{
    char buf[512];
    size_t used = 0;
    long waited = 0;

    while (waited < START_TIMEOUT_MS) {
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, 100);
        ssize_t n;
        if (r < 0 && errno != EINTR)
            break;
        waited += 100;
        if (r <= 0)
            continue;
        n = read(fd, buf + used, sizeof(buf) - 1 - used);
        if (n <= 0)
            return os_error_set(err, OS_ERR_IO,
                                "the demo simulator exited before it was ready (is odoo-saas-sim built?)");
        used += (size_t)n;
        buf[used] = '\0';
        if (strstr(buf, "listening on "))
            return 0;
        if (used == sizeof(buf) - 1)
            used = 0;
    }
    return os_error_set(err, OS_ERR_IO, "the demo simulator did not start within %d s",
                        START_TIMEOUT_MS / 1000);
}

int demo_start(struct demo *d, int nodes, const char *const *extra_args, struct os_error *err)
{
    int pipefd[2], rc;

    memset(d, 0, sizeof(*d));
    snprintf(d->dir, sizeof(d->dir), "%s/odoo-saas-demo.XXXXXX",
             getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(d->dir))
        return os_error_set(err, OS_ERR_IO, "cannot make a directory for the demo: %s", strerror(errno));
    snprintf(d->kubeconfig, sizeof(d->kubeconfig), "%s/kubeconfig", d->dir);
    if (pipe(pipefd) < 0) {
        rmdir(d->dir);
        return os_error_set(err, OS_ERR_IO, "pipe: %s", strerror(errno));
    }
    d->pid = fork();
    if (d->pid == 0) {
        close(pipefd[0]);
        exec_sim(pipefd[1], nodes, d->kubeconfig, extra_args);
    }
    close(pipefd[1]);
    if (d->pid < 0) {
        close(pipefd[0]);
        rmdir(d->dir);
        return os_error_set(err, OS_ERR_IO, "fork: %s", strerror(errno));
    }
    rc = wait_listening(pipefd[0], err);
    close(pipefd[0]);
    if (rc < 0)
        demo_stop(d);
    return rc;
}

void demo_stop(struct demo *d)
{
    int status;

    if (d->pid > 0) {
        kill(d->pid, SIGTERM);
        for (int waited = 0; waited < STOP_TIMEOUT_MS; waited += 50) {
            if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
                d->pid = 0;
                break;
            }
            usleep(50000);
        }
        if (d->pid > 0) {
            kill(d->pid, SIGKILL);
            waitpid(d->pid, &status, 0);
        }
        d->pid = 0;
    }
    if (d->kubeconfig[0]) {
        char log[sizeof(d->dir) + 16];
        unlink(d->kubeconfig);
        snprintf(log, sizeof(log), "%s/sim.log", d->dir);
        unlink(log);
    }
    if (d->dir[0])
        rmdir(d->dir);
    d->dir[0] = d->kubeconfig[0] = '\0';
}
