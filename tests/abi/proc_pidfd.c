// SPDX-License-Identifier: MPL-2.0
// ABI suite: pidfds (pidfd_open, pidfd_send_signal, poll at exit, waitid P_PIDFD, clone3/clone CLONE_PIDFD).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long raw(long nr, long a, long b, long c, long d, long e)
{
    long r = syscall(nr, a, b, c, d, e);
    return r < 0 ? -errno : r;
}

static int readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static pid_t sleeper(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

struct cargs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
    uint64_t stack, stack_size, tls;
};

static void test_open_signal_wait(void)
{
    pid_t pid = sleeper();
    int fd = (int)raw(SYS_pidfd_open, pid, 0, 0, 0, 0);
    tap_ok(fd >= 0, "pidfd_open of a child");
    tap_eq_long(fcntl(fd, F_GETFD), FD_CLOEXEC, "a pidfd is close-on-exec");
    tap_ok(!readable(fd), "not readable while the process lives");
    tap_eq_long(raw(SYS_pidfd_send_signal, fd, 0, 0, 0, 0), 0, "pidfd_send_signal signal 0 checks");
    tap_eq_long(raw(SYS_pidfd_send_signal, fd, SIGTERM, 0, 0, 0), 0, "pidfd_send_signal SIGTERM");
    struct pollfd p = { .fd = fd, .events = POLLIN };
    tap_ok(poll(&p, 1, 30000) == 1 && (p.revents & POLLIN), "the pidfd turns readable when the process exits");
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    tap_eq_long(raw(SYS_waitid, P_PIDFD, fd, (long)&si, WEXITED, 0), 0, "waitid P_PIDFD");
    tap_ok(si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGTERM,
           "waitid P_PIDFD reports the signalled child");
    tap_eq_long(raw(SYS_pidfd_send_signal, fd, SIGTERM, 0, 0, 0), -ESRCH, "after reaping, pidfd_send_signal is ESRCH");
    tap_ok(readable(fd), "and the pidfd stays readable");
    tap_eq_long(raw(SYS_waitid, P_PIDFD, fd, (long)&si, WEXITED | WNOHANG, 0), -ECHILD,
                "waitid P_PIDFD of a reaped child is ECHILD");
    close(fd);
}

static void test_errors(void)
{
    tap_eq_long(raw(SYS_pidfd_open, 0, 0, 0, 0, 0), -EINVAL, "pidfd_open pid 0 is EINVAL");
    tap_eq_long(raw(SYS_pidfd_open, -1, 0, 0, 0, 0), -EINVAL, "pidfd_open pid -1 is EINVAL");
    tap_eq_long(raw(SYS_pidfd_open, getpid(), 1, 0, 0, 0), -EINVAL, "pidfd_open unknown flag is EINVAL");
    tap_eq_long(raw(SYS_pidfd_open, 0x3ffffff, 0, 0, 0, 0), -ESRCH, "pidfd_open of no process is ESRCH");
    int nb = (int)raw(SYS_pidfd_open, getpid(), O_NONBLOCK, 0, 0, 0);
    tap_ok(nb >= 0 && (fcntl(nb, F_GETFL) & O_NONBLOCK), "PIDFD_NONBLOCK sets O_NONBLOCK");
    int devnull = open("/dev/null", O_RDONLY);
    tap_eq_long(raw(SYS_pidfd_send_signal, devnull, 0, 0, 0, 0), -EBADF, "pidfd_send_signal on a non-pidfd is EBADF");
    tap_eq_long(raw(SYS_pidfd_send_signal, 999, 0, 0, 0, 0), -EBADF, "pidfd_send_signal on a closed fd is EBADF");
    tap_eq_long(raw(SYS_pidfd_send_signal, nb, 0, 0, 1, 0), -EINVAL, "pidfd_send_signal flags are EINVAL");
    tap_eq_long(raw(SYS_pidfd_send_signal, nb, SIGUSR1, 16, 0, 0), -EFAULT, "pidfd_send_signal bad siginfo is EFAULT");
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR2;
    si.si_code = SI_QUEUE;
    tap_eq_long(raw(SYS_pidfd_send_signal, nb, SIGUSR1, (long)&si, 0, 0), -EINVAL,
                "pidfd_send_signal with si_signo != sig is EINVAL");
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    si.si_signo = SIGUSR1;
    si.si_value.sival_int = 55;
    tap_eq_long(raw(SYS_pidfd_send_signal, nb, SIGUSR1, (long)&si, 0, 0), 0, "pidfd_send_signal with a siginfo to oneself");
    siginfo_t got;
    struct timespec zero = { 0, 0 };
    tap_ok(sigtimedwait(&s, &got, &zero) == SIGUSR1 && got.si_code == SI_QUEUE && got.si_value.sival_int == 55,
           "the siginfo arrives as given");
    pid_t pid = sleeper();
    int fd = (int)raw(SYS_pidfd_open, pid, 0, 0, 0, 0);
    si.si_code = SI_USER;
    tap_eq_long(raw(SYS_pidfd_send_signal, fd, SIGUSR1, (long)&si, 0, 0), -EPERM,
                "pidfd_send_signal with si_code SI_USER to another process is EPERM");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fd);
    close(nb);
    close(devnull);
}

static void test_clone_pidfd(void)
{
    int pfd = -1;
    struct cargs a = { .flags = CLONE_PIDFD, .pidfd = (uint64_t)&pfd, .exit_signal = SIGCHLD };
    long pid = raw(SYS_clone3, (long)&a, sizeof(a), 0, 0, 0);
    if (pid == 0)
        _exit(5);
    tap_ok(pid > 0 && pfd >= 0, "clone3 CLONE_PIDFD returns a pidfd");
    struct pollfd p = { .fd = pfd, .events = POLLIN };
    tap_ok(poll(&p, 1, 30000) == 1, "which turns readable when the child exits");
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    raw(SYS_waitid, P_PIDFD, pfd, (long)&si, WEXITED, 0);
    tap_ok(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 5, "waitid P_PIDFD on it");
    close(pfd);
    a.pidfd = 16;
    tap_eq_long(raw(SYS_clone3, (long)&a, sizeof(a), 0, 0, 0), -EFAULT, "clone3 CLONE_PIDFD with a bad pointer is EFAULT");
    tap_eq_long(raw(SYS_wait4, -1, 0, WNOHANG, 0, 0), -ECHILD, "and no child was left behind");
    a.pidfd = (uint64_t)&pfd;
    a.flags = CLONE_PIDFD | CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
    a.exit_signal = 0;
    tap_eq_long(raw(SYS_clone3, (long)&a, sizeof(a), 0, 0, 0), -EINVAL, "CLONE_PIDFD with CLONE_THREAD is EINVAL");
    int x;
    tap_eq_long(raw(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, (long)&x, 0, 0), -EINVAL,
                "clone() with CLONE_PIDFD and CLONE_PARENT_SETTID is EINVAL");
    pid = raw(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, (long)&x, 0, 0);
    if (pid == 0)
        _exit(6);
    int st = -1;
    waitpid((pid_t)pid, &st, 0);
    tap_ok(pid > 0 && x >= 0 && fcntl(x, F_GETFD) == FD_CLOEXEC && WIFEXITED(st),
           "clone() CLONE_PIDFD returns the pidfd through parent_tid");
    close(x);
}

int main(void)
{
    tap_plan(32);
    test_open_signal_wait();
    test_errors();
    test_clone_pidfd();
    tap_finish();
}
