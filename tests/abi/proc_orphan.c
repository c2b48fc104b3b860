// SPDX-License-Identifier: MPL-2.0
// Orphaned process groups: an exit that orphans a group with a stopped member sends it SIGHUP then SIGCONT.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static volatile sig_atomic_t got;   /* bit 0: SIGHUP, bit 1: SIGCONT */

static void on_sig(int sig) { got |= sig == SIGHUP ? 1 : 2; }

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The watched process: handlers, then tell `ready`; stop itself, or wait to be orphaned; report `got`. */
static _Noreturn void watched(int ready, int report, bool stop)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sig;
    sigfillset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCONT, &sa, NULL);
    if (write(ready, "r", 1) != 1)
        _exit(1);
    long end = now_ms() + 30000;
    if (stop) {
        raise(SIGSTOP);
        while (got != 3 && now_ms() < end)
            usleep(10000);
    } else {
        while (getppid() != 1 && now_ms() < end)
            usleep(10000);
        usleep(200000);     /* a wrongly sent signal would be pending long before this */
    }
    char b = (char)got;
    _exit(write(report, &b, 1) == 1 ? 0 : 1);
}

/* Wait up to 30 s for the watched process's report; -1 if none (it is then killed). */
static int read_report(int report, pid_t w)
{
    struct pollfd pfd = { .fd = report, .events = POLLIN };
    char b = 0;
    int r = -1;
    if (poll(&pfd, 1, 30000) == 1 && read(report, &b, 1) == 1)
        r = b;
    else
        kill(w, SIGKILL);
    int st;
    while (waitpid(w, &st, 0) < 0 && errno == EINTR)
        ;
    return r;
}

/* The test's side: W's pid from M's tree, M reaped, W's report; the pipes closed. */
static int collect(pid_t m, int ready[2], int report[2], int pidp[2])
{
    pid_t w = -1;
    if (read(pidp[0], &w, sizeof(w)) != sizeof(w))
        w = -1;
    int st;
    waitpid(m, &st, 0);
    int r = w > 0 ? read_report(report[0], w) : -3;
    int fds[] = { ready[0], ready[1], report[0], report[1], pidp[0], pidp[1] };
    for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        close(fds[i]);
    return r;
}

/*
 * Child path: M starts a session, its child W gets a group of its own
 * (linked to the session through M) and stops or not; M exits.
 */
static int child_orphaned(bool stop)
{
    int ready[2], report[2], pidp[2];
    if (pipe(ready) || pipe(report) || pipe(pidp))
        return -2;
    pid_t m = fork();
    if (m == 0) {
        setsid();
        pid_t w = fork();
        if (w == 0) {
            setpgid(0, 0);
            watched(ready[1], report[1], stop);
        }
        setpgid(w, w);
        char b;
        if (read(ready[0], &b, 1) != 1)
            _exit(1);
        int st;
        if (stop && waitpid(w, &st, WUNTRACED) != w)
            _exit(1);
        _exit(write(pidp[1], &w, sizeof(w)) == sizeof(w) ? 0 : 1);
    }
    return collect(m, ready, report, pidp);
}

/*
 * Own-group path: in M's session, P leads a group holding its child W (which
 * stops); P's parent M is the group's only link; P exits while M lives.
 */
static int own_group_orphaned(void)
{
    int ready[2], report[2], pidp[2];
    if (pipe(ready) || pipe(report) || pipe(pidp))
        return -2;
    pid_t m = fork();
    if (m == 0) {
        setsid();
        pid_t p = fork();
        if (p == 0) {
            setpgid(0, 0);
            pid_t w = fork();
            if (w == 0)
                watched(ready[1], report[1], true);
            char b;
            int st;
            if (read(ready[0], &b, 1) != 1 || waitpid(w, &st, WUNTRACED) != w)
                _exit(1);
            _exit(write(pidp[1], &w, sizeof(w)) == sizeof(w) ? 0 : 1);
        }
        setpgid(p, p);
        int st;
        waitpid(p, &st, 0);
        _exit(0);
    }
    return collect(m, ready, report, pidp);
}

int main(void)
{
    tap_plan(3);
    tap_eq_long(child_orphaned(true), 3,
                "a parent's exit orphans its child's group with a stopped member: SIGHUP and SIGCONT");
    tap_eq_long(own_group_orphaned(), 3,
                "a group's last link exits while a member is stopped: SIGHUP and SIGCONT to the group");
    tap_eq_long(child_orphaned(false), 0, "an orphaned group without a stopped member gets no signal");
    tap_finish();
}
