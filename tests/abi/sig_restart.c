// SPDX-License-Identifier: MPL-2.0
// ABI suite: timed waits stopped and continued resume towards their first deadline; handlers make them EINTR.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define FUTEX_WAIT_PRIVATE 128  /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define WAIT_MS 1500    /* the timed wait */
#define STOP_MS 1000    /* the parent stops the child this long after it is ready */
#define HELD_MS 800     /* and continues it this long after it stopped */
#define SLACK_MS 700    /* allowed lateness (TCG under load); a whole-timeout restart is >= STOP_MS later */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* What the child saw, in memory shared with the parent. */
struct report { int64_t before, after; long r; int err; };
static struct report *rep;

enum call { C_POLL, C_PPOLL, C_SELECT, C_FUTEX, C_EPOLL };

/* Start the timed wait; the result and the times around it go to rep. */
static void timed_wait(enum call c, int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    struct timespec ts = { WAIT_MS / 1000, (WAIT_MS % 1000) * 1000000L };
    struct timeval tv = { WAIT_MS / 1000, (WAIT_MS % 1000) * 1000L };
    static uint32_t word;
    struct epoll_event ev = { .events = EPOLLIN };
    int ep = -1;
    if (c == C_EPOLL) {
        ep = epoll_create1(0);
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fd, &rd);
    rep->before = now_ms();
    switch (c) {
    case C_POLL: rep->r = poll(&pfd, 1, WAIT_MS); break;
    case C_PPOLL: rep->r = ppoll(&pfd, 1, &ts, NULL); break;
    case C_SELECT: rep->r = select(fd + 1, &rd, NULL, NULL, &tv); break;
    case C_FUTEX: rep->r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0); break;
    case C_EPOLL: rep->r = epoll_wait(ep, &ev, 1, WAIT_MS); break;
    }
    rep->err = rep->r < 0 ? errno : 0;
    rep->after = now_ms();
}

/*
 * A child waits (on a pipe nobody writes); it is stopped and continued in the
 * middle. *stop and *cont get the parent's SIGSTOP and SIGCONT times; false
 * when the child went wrong.
 */
static bool stopped_wait(enum call c, int64_t *stop, int64_t *cont)
{
    int p[2], ready[2];
    if (pipe(p) || pipe(ready))
        return false;
    memset(rep, 0, sizeof(*rep));
    pid_t pid = fork();
    if (pid == 0) {
        (void)!write(ready[1], "r", 1);
        timed_wait(c, p[0]);
        _exit(0);
    }
    char b;
    (void)!read(ready[0], &b, 1);
    msleep(STOP_MS);
    *stop = now_ms();
    kill(pid, SIGSTOP);
    int st = 0;
    waitpid(pid, &st, WUNTRACED);
    bool stopped = WIFSTOPPED(st);
    msleep(HELD_MS);
    *cont = now_ms();
    kill(pid, SIGCONT);
    waitpid(pid, &st, 0);
    close(p[0]);
    close(p[1]);
    close(ready[0]);
    close(ready[1]);
    return stopped && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/*
 * How a stopped wait resumes, as Linux: poll and futex keep their deadline
 * (restart_syscall), so they end at max(deadline, SIGCONT); ppoll and select
 * restart with the time that was left when they were stopped (written back to
 * the user's timeout), so they end that long after SIGCONT; epoll_wait fails.
 */
enum resume { KEEPS_DEADLINE, TIME_LEFT, FAILS };

static void check_resumed(enum call c, enum resume how, const char *desc)
{
    int64_t stop = 0, cont = 0;
    bool ok = stopped_wait(c, &stop, &cont);
    int64_t deadline = rep->before + WAIT_MS, end = deadline > cont ? deadline : cont;
    if (how == TIME_LEFT)
        end = cont + (deadline > stop ? deadline - stop : 0);
    long want = how == FAILS ? -1 : c == C_FUTEX ? -1 : 0;
    int want_err = how == FAILS ? EINTR : c == C_FUTEX ? ETIMEDOUT : 0;
    ok = ok && rep->r == want && rep->err == want_err;
    if (how != FAILS && rep->after - rep->before < WAIT_MS - 20)
        ok = false;
    if (!tap_ok(ok && rep->after < end + SLACK_MS, desc)) {
        tap_diag_long("result", rep->r, want);
        tap_diag_long("errno", rep->err, want_err);
        tap_diag_long("ms after the expected end", (long)(rep->after - end), 0);
    }
}

static void on_alarm(int sig) { (void)sig; }

/* A handler (SA_RESTART even) interrupts the timed wait: EINTR, well before the timeout. */
static void check_handler_eintr(enum call c, const char *desc)
{
    memset(rep, 0, sizeof(*rep));
    pid_t pid = fork();
    if (pid == 0) {
        int p[2];
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_alarm;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGALRM, &sa, NULL);
        /* Periodic: a first tick landing before the wait blocks (stalled host) is not the only one. */
        struct itimerval it = { { 0, 300000 }, { 0, 300000 } };
        if (pipe(p) || setitimer(ITIMER_REAL, &it, NULL))
            _exit(1);
        timed_wait(c, p[0]);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && rep->r == -1 && rep->err == EINTR &&
           rep->after - rep->before < WAIT_MS, desc);
}

int main(void)
{
    tap_plan(7);
    rep = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (rep == MAP_FAILED) {
        tap_diag("no shared memory");
        tap_finish();
    }
    check_resumed(C_POLL, KEEPS_DEADLINE, "poll(1.5 s) stopped and continued times out at its first deadline");
    check_resumed(C_PPOLL, TIME_LEFT, "ppoll(1.5 s) stopped and continued resumes with the time it had left");
    check_resumed(C_SELECT, TIME_LEFT, "select(1.5 s) stopped and continued resumes with the time it had left");
    check_resumed(C_FUTEX, KEEPS_DEADLINE, "relative FUTEX_WAIT stopped and continued times out at its first deadline");
    check_resumed(C_EPOLL, FAILS, "epoll_wait stopped and continued fails with EINTR (never restarted)");
    check_handler_eintr(C_POLL, "a SA_RESTART handler makes a timed poll fail with EINTR");
    check_handler_eintr(C_FUTEX, "a SA_RESTART handler makes a timed FUTEX_WAIT fail with EINTR");
    tap_finish();
}
