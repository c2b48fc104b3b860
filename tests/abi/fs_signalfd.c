// SPDX-License-Identifier: MPL-2.0
// ABI suite: signalfd/signalfd4 (flags, records, EAGAIN, blocking reads, mask updates, poll/epoll).
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "fs_test.h"

#define REC sizeof(struct signalfd_siginfo)

static sigset_t set_of(int a, int b)
{
    sigset_t s;
    sigemptyset(&s);
    if (a)
        sigaddset(&s, a);
    if (b)
        sigaddset(&s, b);
    return s;
}

static long sfd4(int fd, const void *mask, unsigned long size, int flags)
{
    return R(syscall(SYS_signalfd4, fd, mask, size, flags));
}

static void basics(void)
{
    sigset_t m = set_of(SIGUSR1, 0);
    struct signalfd_siginfo si[3];
    int fd = signalfd(-1, &m, SFD_NONBLOCK);
    tap_ok(fd >= 0, "signalfd with SFD_NONBLOCK returns a descriptor");
    tap_eq_long(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK, "the file is O_RDWR|O_NONBLOCK");
    tap_eq_long(fcntl(fd, F_GETFD), 0, "no SFD_CLOEXEC: close-on-exec is clear");
    CHECK(read(fd, si, REC), -EAGAIN, "nothing pending: read fails with EAGAIN");
    CHECK(read(fd, si, REC - 1), -EINVAL, "a buffer smaller than one record fails with EINVAL");
    CHECK(write(fd, si, 8), -EINVAL, "write to a signalfd fails with EINVAL");
    struct pollfd p = { fd, POLLIN, 0 };
    CHECK(poll(&p, 1, 0), 0, "poll: not readable while nothing is pending");
    kill(getpid(), SIGUSR1);
    CHECK(poll(&p, 1, 0), 1, "poll: readable once a masked signal is pending");
    memset(si, 0, sizeof(si));
    CHECK(read(fd, si, sizeof(si)), REC, "read returns one 128-byte record");
    tap_eq_long(si[0].ssi_signo, SIGUSR1, "ssi_signo is the signal");
    tap_eq_long(si[0].ssi_code, SI_USER, "ssi_code is SI_USER for kill");
    tap_eq_long(si[0].ssi_pid, getpid(), "ssi_pid is the sender");
    tap_eq_long(si[0].ssi_uid, getuid(), "ssi_uid is the sender's uid");
    sigset_t pend;
    sigpending(&pend);
    tap_ok(!sigismember(&pend, SIGUSR1), "reading took the signal off the pending set");
    CHECK(read(fd, si, REC), -EAGAIN, "after the read nothing is left");

    kill(getpid(), SIGUSR2);
    CHECK(read(fd, si, REC), -EAGAIN, "a signal outside the mask is not read");
    kill(getpid(), SIGUSR1);
    m = set_of(SIGUSR1, SIGUSR2);
    CHECK(signalfd(fd, &m, 0), fd, "passing the fd again updates its mask and returns it");
    CHECK(read(fd, si, sizeof(si)), 2 * REC, "one read returns several records");
    tap_ok(si[0].ssi_signo == SIGUSR1 && si[1].ssi_signo == SIGUSR2, "records come lowest signal first");

    m = set_of(SIGRTMIN, 0);
    signalfd(fd, &m, 0);
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 1234 });
    CHECK(read(fd, si, REC), REC, "read a queued real-time signal");
    tap_ok(si[0].ssi_code == SI_QUEUE && si[0].ssi_int == 1234, "ssi_code SI_QUEUE and ssi_int carry sigqueue's value");
    close(fd);
}

static void bad_args(void)
{
    sigset_t m = set_of(SIGUSR1, 0);
    CHECK(sfd4(-1, &m, 4, 0), -EINVAL, "a mask size other than 8 fails with EINVAL");
    CHECK(sfd4(-1, BADPTR, 8, 0), -EFAULT, "a bad mask pointer fails with EFAULT");
    CHECK(sfd4(-1, &m, 8, 1), -EINVAL, "an unknown flag fails with EINVAL");
    CHECK(sfd4(999, &m, 8, 0), -EBADF, "a bad fd fails with EBADF");
    int pfd[2];
    pipe(pfd);
    CHECK(sfd4(pfd[0], &m, 8, 0), -EINVAL, "an fd that is not a signalfd fails with EINVAL");
    close(pfd[0]);
    close(pfd[1]);
    int fd = (int)sfd4(-1, &m, 8, SFD_CLOEXEC);
    tap_eq_long(fcntl(fd, F_GETFD), FD_CLOEXEC, "SFD_CLOEXEC sets close-on-exec");
    tap_eq_long(fcntl(fd, F_GETFL) & O_NONBLOCK, 0, "without SFD_NONBLOCK reads block");
    kill(getpid(), SIGUSR1);
    CHECK(read(fd, BADPTR, REC), -EFAULT, "read into a bad pointer fails with EFAULT");
    close(fd);
}

static void on_alarm(int sig) { (void)sig; }

static void blocking(void)
{
    sigset_t m = set_of(SIGUSR1, 0);
    int fd = signalfd(-1, &m, 0);
    struct signalfd_siginfo si;
    pid_t parent = getpid(), child = fork();
    if (child == 0) {
        usleep(200000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    CHECK(read(fd, &si, REC), REC, "a blocking read waits for a signal");
    tap_ok(si.ssi_signo == SIGUSR1 && si.ssi_pid == (uint32_t)child, "the record names the signal and the sending child");
    waitpid(child, NULL, 0);

    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    /* Periodic, so that a tick landing before read blocks cannot leave it blocked for ever. */
    struct itimerval it = { { 0, 100000 }, { 0, 100000 } }, off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK(read(fd, &si, REC), -EINTR, "a blocking read is interrupted by a handled signal (EINTR)");
    setitimer(ITIMER_REAL, &off, NULL);

    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0, "a signalfd can be added to an epoll set");
    CHECK(epoll_wait(ep, &ev, 1, 0), 0, "epoll: nothing ready");
    kill(getpid(), SIGUSR1);
    CHECK(epoll_wait(ep, &ev, 1, 1000), 1, "epoll: the signalfd is ready once the signal is pending");
    tap_ok(ev.events & EPOLLIN, "epoll reports EPOLLIN");
    CHECK(read(fd, &si, REC), REC, "and the read takes it");
    close(ep);
    close(fd);
}

int main(void)
{
    tap_plan(37);
    sigset_t m = set_of(SIGUSR1, SIGUSR2);
    sigaddset(&m, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &m, NULL);
    basics();
    bad_args();
    blocking();
    tap_finish();
}
