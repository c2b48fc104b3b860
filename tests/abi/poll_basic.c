// SPDX-License-Identifier: MPL-2.0
// ABI suite: poll, ppoll, select, pselect6, epoll, eventfd and timerfd on pipes, FIFOs and files.
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include "fs_test.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void poll_pipes(void)
{
    int p[2];
    pipe(p);
    struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    CHECK(poll(fds, 2, 0), 1, "poll: an empty pipe's write end is ready");
    tap_ok(fds[0].revents == 0 && fds[1].revents == POLLOUT, "poll: revents are 0 and POLLOUT");
    write(p[1], "x", 1);
    CHECK(poll(fds, 1, 0), 1, "poll: data makes the read end ready");
    tap_eq_long(fds[0].revents, POLLIN, "poll: revents is POLLIN");
    char c;
    read(p[0], &c, 1);
    long t0 = now_ms();
    CHECK(poll(fds, 1, 100), 0, "poll: times out on an empty pipe");
    long dt = now_ms() - t0;
    tap_ok(dt >= 90 && dt < 10000, "poll: the timeout lasts about 100 ms");
    close(p[1]);
    CHECK(poll(fds, 1, 0), 1, "poll: a closed write end wakes the reader");
    tap_eq_long(fds[0].revents, POLLHUP, "poll: a reader sees POLLHUP after the last writer closed");
    pipe(p);
    close(p[0]);
    struct pollfd w = { p[1], POLLOUT, 0 };
    CHECK(poll(&w, 1, 0), 1, "poll: a write end without readers is ready");
    tap_eq_long(w.revents, POLLOUT | POLLERR, "poll: it reports POLLOUT|POLLERR");
    close(p[1]);
    struct pollfd bad[3] = { { 999, POLLIN, 0 }, { -1, POLLIN, 0 }, { 0, 0, 0 } };
    CHECK(poll(bad, 2, 0), 1, "poll: a bad fd counts as ready");
    tap_ok(bad[0].revents == POLLNVAL && bad[1].revents == 0, "poll: POLLNVAL for a closed fd, nothing for fd -1");
    CHECK(poll(BADPTR, 1, 0), -EFAULT, "poll: a bad array fails with EFAULT");
    CHECK(syscall(SYS_poll, bad, 1UL << 20, 0), -EINVAL, "poll: nfds above RLIMIT_NOFILE fails with EINVAL");
    CHECK(poll(NULL, 0, 10), 0, "poll: no fds just sleeps");
    int fd = open("/tmp/pollfile", O_CREAT | O_RDWR, 0600);
    struct pollfd f = { fd, POLLIN | POLLOUT, 0 };
    CHECK(poll(&f, 1, 0), 1, "poll: a regular file is always ready");
    tap_eq_long(f.revents, POLLIN | POLLOUT, "poll: a regular file is readable and writable");
    close(fd);
    int n = open("/dev/null", O_RDWR);
    f.fd = n;
    CHECK(poll(&f, 1, 0), 1, "poll: /dev/null is ready");
    close(n);
}

static void poll_blocking_wake(void)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 50 * 1000000 };
        nanosleep(&ts, NULL);
        write(p[1], "y", 1);
        _exit(0);
    }
    struct pollfd fd = { p[0], POLLIN, 0 };
    long t0 = now_ms();
    CHECK(poll(&fd, 1, 30000), 1, "poll: a write from another process wakes a blocked poll");
    tap_ok(now_ms() - t0 < 25000, "poll: the wake-up comes before the timeout");
    int st;
    waitpid(pid, &st, 0);
    close(p[0]);
    close(p[1]);
}

static void ppoll_select(void)
{
    int p[2];
    pipe(p);
    struct pollfd fd = { p[0], POLLIN, 0 };
    struct timespec ts = { 0, 1000000 };
    CHECK(ppoll(&fd, 1, &ts, NULL), 0, "ppoll: times out");
    struct timespec badts = { 0, 1000000000 };
    CHECK(ppoll(&fd, 1, &badts, NULL), -EINVAL, "ppoll: tv_nsec of 1e9 fails with EINVAL");
    sigset_t ss;
    sigemptyset(&ss);
    CHECK(syscall(SYS_ppoll, &fd, 1, &ts, &ss, 4), -EINVAL, "ppoll: a wrong sigset size fails with EINVAL");
    CHECK(syscall(SYS_ppoll, &fd, 1, BADPTR, NULL, 8), -EFAULT, "ppoll: a bad timeout pointer fails with EFAULT");
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    struct timeval tv = { 0, 0 };
    CHECK(select(p[1] + 1, &rd, &wr, NULL, &tv), 1, "select: only the write end is ready");
    tap_ok(!FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr), "select: the result sets say so");
    write(p[1], "z", 1);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    CHECK(select(p[1] + 1, &rd, &wr, NULL, NULL), 2, "select: both ends ready once data is in");
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    tv.tv_usec = -1;
    CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv), -EINVAL, "select: a negative timeout fails with EINVAL");
    CHECK(select(-1, NULL, NULL, NULL, NULL), -EINVAL, "select: negative nfds fails with EINVAL");
    FD_ZERO(&rd);
    FD_SET(20, &rd);
    tv.tv_usec = 0;
    CHECK(select(21, &rd, NULL, NULL, &tv), -EBADF, "select: a closed fd in a set fails with EBADF");
    CHECK(select(p[0] + 1, BADPTR, NULL, NULL, &tv), -EFAULT, "select: a bad set pointer fails with EFAULT");
    tv.tv_usec = 20000;
    long t0 = now_ms();
    CHECK(syscall(SYS_select, 0, NULL, NULL, NULL, &tv), 0, "select: no fds sleeps for the timeout");
    tap_ok(now_ms() - t0 >= 15, "select: ... about 20 ms");
    tap_ok(tv.tv_sec == 0 && tv.tv_usec == 0, "select: the remaining time is written back");
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timespec pts = { 1, 0 };
    CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &pts, NULL), 1, "pselect6: a readable pipe");
    close(p[0]);
    close(p[1]);
}

static void epoll_basics(void)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    tap_ok(ep >= 0, "epoll_create1(EPOLL_CLOEXEC)");
    tap_eq_long(fcntl(ep, F_GETFD), FD_CLOEXEC, "epoll: EPOLL_CLOEXEC sets close-on-exec");
    CHECK(epoll_create1(1), -EINVAL, "epoll_create1 with a bad flag fails with EINVAL");
    CHECK(syscall(SYS_epoll_create, 0), -EINVAL, "epoll_create(0) fails with EINVAL");
    int p[2];
    pipe(p);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1234567890ULL };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0, "epoll_ctl ADD a pipe");
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), -EEXIST, "epoll_ctl ADD twice fails with EEXIST");
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &ev), -ENOENT, "epoll_ctl MOD of an unknown fd fails with ENOENT");
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL), -ENOENT, "epoll_ctl DEL of an unknown fd fails with ENOENT");
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), -EINVAL, "epoll_ctl ADD of itself fails with EINVAL");
    CHECK(epoll_ctl(ep, 99, p[0], &ev), -EINVAL, "epoll_ctl with a bad op fails with EINVAL");
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev), -EBADF, "epoll_ctl of a closed fd fails with EBADF");
    CHECK(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev), -EINVAL, "epoll_ctl on a non-epoll fd fails with EINVAL");
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, p[1], BADPTR), -EFAULT, "epoll_ctl with a bad event pointer fails with EFAULT");
    int rf = open("/tmp/pollfile", O_RDONLY);
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, rf, &ev), -EPERM, "epoll_ctl ADD of a regular file fails with EPERM");
    close(rf);
    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 0), 0, "epoll_wait: nothing ready");
    CHECK(epoll_wait(ep, out, 0, 0), -EINVAL, "epoll_wait: maxevents 0 fails with EINVAL");
    CHECK(epoll_wait(p[0], out, 4, 0), -EINVAL, "epoll_wait on a non-epoll fd fails with EINVAL");
    CHECK(epoll_wait(ep, (void *)0xffff800000000000UL, 4, 0), -EFAULT, "epoll_wait into a kernel address fails with EFAULT");
    long t0 = now_ms();
    CHECK(epoll_wait(ep, out, 4, 50), 0, "epoll_wait: times out");
    tap_ok(now_ms() - t0 >= 40, "epoll_wait: ... after about 50 ms");
    write(p[1], "a", 1);
    CHECK(epoll_wait(ep, out, 4, 0), 1, "epoll_wait (level): data is reported");
    tap_ok(out[0].events == EPOLLIN && out[0].data.u64 == 0x1234567890ULL, "epoll_wait returns the events and data");
    CHECK(epoll_wait(ep, out, 4, 0), 1, "epoll_wait (level): reported again while unread");
    ev.events = EPOLLIN | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0, "epoll_ctl MOD to edge-triggered");
    CHECK(epoll_wait(ep, out, 4, 0), 1, "epoll_wait (edge): the pending data is reported once");
    CHECK(epoll_wait(ep, out, 4, 0), 0, "epoll_wait (edge): not again without a new event");
    write(p[1], "b", 1);
    CHECK(epoll_wait(ep, out, 4, 0), 1, "epoll_wait (edge): a new write is a new edge");
    CHECK(epoll_wait(ep, out, 4, 0), 0, "epoll_wait (edge): and only one");
    char buf[8];
    read(p[0], buf, sizeof(buf));
    ev.events = EPOLLIN | EPOLLONESHOT;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0, "epoll_ctl MOD to one-shot");
    write(p[1], "c", 1);
    CHECK(epoll_wait(ep, out, 4, 0), 1, "epoll_wait (oneshot): reported once");
    CHECK(epoll_wait(ep, out, 4, 0), 0, "epoll_wait (oneshot): then disabled");
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0, "epoll_ctl MOD re-arms a one-shot item");
    CHECK(epoll_wait(ep, out, 4, 0), 1, "epoll_wait (oneshot): reported again after MOD");
    int ep2 = epoll_create1(0);
    ev.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
    CHECK(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev), 0, "an epoll fd can watch another");
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev), -ELOOP, "a loop of epoll fds fails with ELOOP");
    CHECK(epoll_wait(ep2, out, 4, 0), 1, "a nested epoll fd is readable when its items are");
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0, "epoll_ctl DEL");
    CHECK(epoll_wait(ep, out, 4, 0), 0, "a deleted item is not reported");
    ev.events = EPOLLIN;
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    close(p[1]);
    CHECK(epoll_wait(ep, out, 4, 0), 1, "epoll_wait: the closed write end is reported");
    tap_ok(out[0].events & EPOLLHUP, "epoll_wait: ... with EPOLLHUP");
    close(p[0]);
    close(ep2);
    close(ep);
}

static void eventfd_tests(void)
{
    int e = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
    tap_ok(e >= 0, "eventfd2 with EFD_NONBLOCK|EFD_CLOEXEC");
    tap_eq_long(fcntl(e, F_GETFD), FD_CLOEXEC, "eventfd: EFD_CLOEXEC sets close-on-exec");
    uint64_t v = 0;
    CHECK(read(e, &v, 8), 8, "eventfd: read returns 8 bytes");
    tap_eq_long((long)v, 3, "eventfd: read returns the counter");
    CHECK(read(e, &v, 8), -EAGAIN, "eventfd: a zero counter gives EAGAIN when non-blocking");
    CHECK(read(e, &v, 4), -EINVAL, "eventfd: a short read fails with EINVAL");
    v = 5;
    CHECK(write(e, &v, 8), 8, "eventfd: write adds to the counter");
    v = UINT64_MAX;
    CHECK(write(e, &v, 8), -EINVAL, "eventfd: writing 2^64-1 fails with EINVAL");
    v = UINT64_MAX - 1;
    CHECK(write(e, &v, 8), -EAGAIN, "eventfd: an overflowing write gives EAGAIN");
    struct pollfd pf = { e, POLLIN | POLLOUT, 0 };
    CHECK(poll(&pf, 1, 0), 1, "eventfd: poll");
    tap_eq_long(pf.revents, POLLIN | POLLOUT, "eventfd: readable and writable");
    close(e);
    e = eventfd(2, EFD_SEMAPHORE);
    read(e, &v, 8);
    tap_eq_long((long)v, 1, "eventfd: EFD_SEMAPHORE reads 1");
    read(e, &v, 8);
    pf.fd = e;
    pf.events = POLLIN;
    CHECK(poll(&pf, 1, 0), 0, "eventfd: not readable at zero");
    CHECK(eventfd(0, 0x80), -EINVAL, "eventfd2 with a bad flag fails with EINVAL");
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u32 = 7 }, out[2];
    epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
    v = 1;
    write(e, &v, 8);
    CHECK(epoll_wait(ep, out, 2, 0), 1, "eventfd + epoll (edge): a write is an edge");
    CHECK(epoll_wait(ep, out, 2, 0), 0, "eventfd + epoll (edge): once");
    write(e, &v, 8);
    CHECK(epoll_wait(ep, out, 2, 0), 1, "eventfd + epoll (edge): another write, another edge");
    close(ep);
    close(e);
}

static void timerfd_tests(void)
{
    int t = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    tap_ok(t >= 0, "timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)");
    CHECK(timerfd_create(CLOCK_MONOTONIC, 0x1), -EINVAL, "timerfd_create with a bad flag fails with EINVAL");
    CHECK(timerfd_create(12345, 0), -EINVAL, "timerfd_create with a bad clock fails with EINVAL");
    uint64_t v;
    CHECK(read(t, &v, 8), -EAGAIN, "timerfd: a disarmed timer reads EAGAIN");
    /* 300 ms: long enough that a stalled host cannot expire it before timerfd_gettime looks. */
    struct itimerspec its = { { 0, 0 }, { 0, 300 * 1000000 } }, old;
    CHECK(timerfd_settime(t, 0, &its, NULL), 0, "timerfd_settime relative 300 ms");
    struct itimerspec cur;
    CHECK(timerfd_gettime(t, &cur), 0, "timerfd_gettime");
    tap_ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 300 * 1000000,
           "timerfd_gettime shows the time left");
    struct pollfd pf = { t, POLLIN, 0 };
    CHECK(poll(&pf, 1, 30000), 1, "timerfd: poll wakes at expiry");
    CHECK(read(t, &v, 8), 8, "timerfd: read after expiry");
    tap_eq_long((long)v, 1, "timerfd: one expiration");
    CHECK(timerfd_gettime(t, &cur), 0, "timerfd_gettime after a one-shot expiry");
    tap_ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "timerfd: a fired one-shot timer is disarmed");
    its.it_interval.tv_nsec = 10 * 1000000;
    its.it_value.tv_nsec = 10 * 1000000;
    /* The count follows the clock, not how long nanosleep really took: bound it by timestamps. */
    long ta = now_ms();
    timerfd_settime(t, 0, &its, NULL);
    long tb = now_ms();
    struct timespec ts = { 0, 55 * 1000000 };
    nanosleep(&ts, NULL);
    long tc = now_ms();
    read(t, &v, 8);
    long td = now_ms();
    tap_ok(v >= 4 && (long)v >= (tc - tb) / 10 - 1 && (long)v <= (td - ta) / 10 + 1,
           "timerfd: an interval timer counts its expirations");
    struct itimerspec zero = { { 0, 0 }, { 0, 0 } };
    CHECK(timerfd_settime(t, 0, &zero, &old), 0, "timerfd_settime disarms");
    tap_ok(old.it_interval.tv_nsec == 10 * 1000000, "timerfd_settime returns the old interval");
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int rt = timerfd_create(CLOCK_REALTIME, 0);
    struct itimerspec abs = { { 0, 0 }, { now.tv_sec, now.tv_nsec } };
    abs.it_value.tv_nsec += 10 * 1000000;
    if (abs.it_value.tv_nsec >= 1000000000) {
        abs.it_value.tv_sec++;
        abs.it_value.tv_nsec -= 1000000000;
    }
    CHECK(timerfd_settime(rt, TFD_TIMER_ABSTIME, &abs, NULL), 0, "timerfd_settime absolute on CLOCK_REALTIME");
    CHECK(read(rt, &v, 8), 8, "timerfd: a blocking read waits for the expiry");
    tap_eq_long((long)v, 1, "timerfd: ... and returns 1");
    its.it_value.tv_nsec = 1000000000;
    CHECK(timerfd_settime(rt, 0, &its, NULL), -EINVAL, "timerfd_settime with tv_nsec 1e9 fails with EINVAL");
    CHECK(timerfd_settime(rt, 0x100, &zero, NULL), -EINVAL, "timerfd_settime with a bad flag fails with EINVAL");
    CHECK(timerfd_settime(rt, 0, BADPTR, NULL), -EFAULT, "timerfd_settime with a bad pointer fails with EFAULT");
    int p[2];
    pipe(p);
    CHECK(timerfd_gettime(p[0], &cur), -EINVAL, "timerfd_gettime on a pipe fails with EINVAL");
    CHECK(timerfd_gettime(999, &cur), -EBADF, "timerfd_gettime on a closed fd fails with EBADF");
    close(p[0]);
    close(p[1]);
    close(rt);
    close(t);
}

static void fifo_poll(void)
{
    mkfifo("/tmp/pollfifo", 0600);
    int r = open("/tmp/pollfifo", O_RDONLY | O_NONBLOCK);
    struct pollfd pf = { r, POLLIN, 0 };
    CHECK(poll(&pf, 1, 0), 0, "FIFO: a reader with no writer yet is not hung up");
    int w = open("/tmp/pollfifo", O_WRONLY | O_NONBLOCK);
    write(w, "q", 1);
    CHECK(poll(&pf, 1, 0), 1, "FIFO: readable after a write");
    tap_eq_long(pf.revents, POLLIN, "FIFO: POLLIN");
    close(w);
    poll(&pf, 1, 0);
    tap_eq_long(pf.revents, POLLIN | POLLHUP, "FIFO: POLLIN|POLLHUP once the writer left");
    close(r);
}

static volatile sig_atomic_t usr1_hits;
static void on_usr1(int sig) { (void)sig; usr1_hits++; }

/* A child signals us while we block in poll/select/epoll_wait on an idle pipe: EINTR. */
static void interrupted_waits(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;          /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    int p[2];
    pipe(p);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN };
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    for (int which = 0; which < 3; which++) {
        /* The child signals every 200 ms until killed: one landing before we block is not lost. */
        int before = usr1_hits;
        pid_t parent = getpid(), c = fork();
        if (c == 0) {
            for (;;) {
                struct timespec ts = { 0, 200 * 1000 * 1000 };
                nanosleep(&ts, NULL);
                kill(parent, SIGUSR1);
            }
        }
        long r;
        if (which == 0) {
            struct pollfd pfd = { p[0], POLLIN, 0 };
            r = poll(&pfd, 1, 20000);
        } else if (which == 1) {
            fd_set rs;
            FD_ZERO(&rs);
            FD_SET(p[0], &rs);
            struct timeval tv = { 20, 0 };
            r = select(p[0] + 1, &rs, NULL, NULL, &tv);
        } else {
            r = epoll_wait(ep, &ev, 1, 20000);
        }
        int e = errno;
        kill(c, SIGKILL);
        while (waitpid(c, NULL, 0) < 0 && errno == EINTR)   /* a last SIGUSR1 may still land */
            ;
        static const char *names[] = { "a signal interrupts poll with EINTR",
                                       "a signal interrupts select with EINTR",
                                       "a signal interrupts epoll_wait with EINTR" };
        tap_ok(r == -1 && e == EINTR && usr1_hits > before, names[which]);
    }
    close(ep);
    close(p[0]);
    close(p[1]);
    signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
    tap_plan(122);
    poll_pipes();
    poll_blocking_wake();
    ppoll_select();
    epoll_basics();
    eventfd_tests();
    timerfd_tests();
    fifo_poll();
    interrupted_waits();
    tap_finish();
}
