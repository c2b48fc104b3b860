// SPDX-License-Identifier: MPL-2.0
// ABI suite: resource limits enforced (NOFILE, NPROC, FSIZE, CPU), CORE accepted, getrusage.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static int child_status(pid_t pid)
{
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

static int exited(int st, int code) { return WIFEXITED(st) && WEXITSTATUS(st) == code; }

static void test_nofile(void)
{
    struct rlimit old, l;
    getrlimit(RLIMIT_NOFILE, &old);
    l = old;
    l.rlim_cur = 10;
    tap_eq_long(setrlimit(RLIMIT_NOFILE, &l), 0, "RLIMIT_NOFILE soft limit 10");
    int last = -1, err = 0;
    for (int i = 0; i < 20; i++) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0) {
            err = errno;
            break;
        }
        last = fd;
    }
    tap_ok(last == 9 && err == EMFILE, "open fails with EMFILE once fds 0..9 are used");
    tap_eq_long(dup(0) < 0 ? errno : 0, EMFILE, "dup past the limit is EMFILE");
    tap_eq_long(dup2(0, 10) < 0 ? errno : 0, EBADF, "dup2 to an fd at the limit is EBADF");
    tap_eq_long(fcntl(0, F_DUPFD, 10) < 0 ? errno : 0, EINVAL, "F_DUPFD with a minimum at the limit is EINVAL");
    tap_eq_long(fcntl(0, F_DUPFD, 5) < 0 ? errno : 0, EMFILE, "F_DUPFD with no free fd below the limit is EMFILE");
    struct pollfd pfd[11];
    memset(pfd, 0, sizeof(pfd));
    for (int i = 0; i < 11; i++)
        pfd[i].fd = -1;
    tap_eq_long(poll(pfd, 11, 0) < 0 ? errno : 0, EINVAL, "poll with more fds than RLIMIT_NOFILE is EINVAL");
    for (int fd = 3; fd <= last; fd++)
        close(fd);
    tap_ok(dup2(0, 9) == 9, "dup2 just below the limit works");
    close(9);
    l.rlim_cur = l.rlim_max + 1;
    tap_eq_long(setrlimit(RLIMIT_NOFILE, &l) < 0 ? errno : 0, EINVAL, "a soft limit above the hard one is EINVAL");
    l.rlim_cur = l.rlim_max = 1048577;
    tap_eq_long(setrlimit(RLIMIT_NOFILE, &l) < 0 ? errno : 0, EPERM, "a hard limit above fs.nr_open is EPERM");
    setrlimit(RLIMIT_NOFILE, &old);
    int fd = fcntl(0, F_DUPFD, 100);
    tap_ok(fd == 100, "raising it again allows fd 100");
    close(fd);
}

static void test_nproc(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit l = { 2, 2 };
        if (setrlimit(RLIMIT_NPROC, &l) || setuid(1000))
            _exit(10);
        pid_t g1 = fork();
        if (g1 == 0) {
            pause();
            _exit(0);
        }
        pid_t g2 = fork();
        if (g2 == 0)
            _exit(0);
        int e = g2 < 0 ? errno : 0;
        kill(g1, SIGKILL);
        waitpid(g1, NULL, 0);
        if (g2 > 0)
            waitpid(g2, NULL, 0);
        if (g1 < 0)
            _exit(11);
        pid_t g3 = fork();      /* g1 is reaped: room again */
        if (g3 == 0)
            _exit(0);
        if (g3 > 0)
            waitpid(g3, NULL, 0);
        _exit(e == EAGAIN ? (g3 > 0 ? 0 : 12) : 13);
    }
    int st = child_status(pid);
    tap_ok(exited(st, 0), "RLIMIT_NPROC: an unprivileged user's third task is EAGAIN, and a reaped one frees room");
    if (!exited(st, 0))
        tap_diag_long("nproc child status", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    pid = fork();
    if (pid == 0) {
        struct rlimit l = { 1, 1 };
        setrlimit(RLIMIT_NPROC, &l);
        pid_t g = fork();
        if (g == 0)
            _exit(0);
        if (g > 0)
            waitpid(g, NULL, 0);
        _exit(g > 0 ? 0 : 1);
    }
    tap_ok(exited(child_status(pid), 0), "RLIMIT_NPROC does not bind root");
}

static volatile int xfsz_hits;
static void on_xfsz(int sig) { (void)sig; xfsz_hits++; }

static void test_fsize(void)
{
    signal(SIGXFSZ, on_xfsz);
    struct rlimit old, l;
    getrlimit(RLIMIT_FSIZE, &old);
    l = old;
    l.rlim_cur = 1000;
    setrlimit(RLIMIT_FSIZE, &l);
    int fd = open("/tmp/fsize", O_RDWR | O_CREAT | O_TRUNC, 0600);
    static char buf[1500];
    tap_eq_long(write(fd, buf, sizeof(buf)), 1000, "a write crossing RLIMIT_FSIZE is cut short at the limit");
    tap_eq_long(xfsz_hits, 0, "no SIGXFSZ for the short write");
    tap_eq_long(write(fd, buf, 10) < 0 ? errno : 0, EFBIG, "a write at the limit is EFBIG");
    tap_eq_long(xfsz_hits, 1, "and raises SIGXFSZ");
    tap_eq_long(pwrite(fd, buf, 10, 2000) < 0 ? errno : 0, EFBIG, "pwrite past the limit is EFBIG");
    tap_eq_long(ftruncate(fd, 5000) < 0 ? errno : 0, EFBIG, "ftruncate growing past the limit is EFBIG");
    tap_eq_long(xfsz_hits, 3, "each raising SIGXFSZ");
    tap_eq_long(ftruncate(fd, 500), 0, "shrinking is allowed");
    tap_eq_long(write(fd, buf, 0), 0, "a zero-length write at the limit is fine");
    close(fd);
    int p[2];
    pipe(p);
    tap_eq_long(write(p[1], buf, 1500), 1500, "RLIMIT_FSIZE does not apply to pipes");
    close(p[0]);
    close(p[1]);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGXFSZ, SIG_DFL);
        int f = open("/tmp/fsize", O_WRONLY | O_APPEND);
        ftruncate(f, 1000);
        write(f, buf, 10);
        _exit(0);
    }
    int st = child_status(pid);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ, "SIGXFSZ's default action kills the writer (O_APPEND at the limit)");
    setrlimit(RLIMIT_FSIZE, &old);
    unlink("/tmp/fsize");
    signal(SIGXFSZ, SIG_DFL);
}

static int xcpu_pipe;
static void on_xcpu(int sig)
{
    (void)sig;
    char c = 'x';
    write(xcpu_pipe, &c, 1);
}

static void test_cpu(void)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        xcpu_pipe = p[1];
        signal(SIGXCPU, on_xcpu);
        struct rlimit l = { 1, 2 };
        setrlimit(RLIMIT_CPU, &l);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    close(p[1]);
    int st = child_status(pid);
    char got[8];
    long n = read(p[0], got, sizeof(got));
    close(p[0]);
    tap_ok(n >= 1, "RLIMIT_CPU: SIGXCPU at the soft limit");
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL at the hard limit");
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    long ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
    tap_ok(ms >= 1900, "RUSAGE_CHILDREN counts the reaped child's CPU time");
    pid = fork();
    if (pid == 0) {
        struct rlimit l = { 1, RLIM_INFINITY };
        setrlimit(RLIMIT_CPU, &l);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    st = child_status(pid);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU, "SIGXCPU's default action kills at the soft limit");
}

static void test_core_and_rusage(void)
{
    struct rlimit l = { 4096, RLIM_INFINITY }, g;
    tap_eq_long(setrlimit(RLIMIT_CORE, &l), 0, "RLIMIT_CORE is accepted");
    getrlimit(RLIMIT_CORE, &g);
    tap_ok(g.rlim_cur == 4096 && g.rlim_max == RLIM_INFINITY, "and reads back");
    l.rlim_cur = 0;
    setrlimit(RLIMIT_CORE, &l);
    struct rusage ru;
    for (volatile int i = 0; i < 20000000; i++)
        ;
    tap_eq_long(getrusage(RUSAGE_SELF, &ru), 0, "getrusage RUSAGE_SELF");
    tap_ok(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec > 0,
           "a process that computed has used CPU time");
    tap_eq_long(getrusage(RUSAGE_THREAD, &ru), 0, "getrusage RUSAGE_THREAD");
    tap_eq_long(syscall(SYS_getrusage, 5, &ru) < 0 ? errno : 0, EINVAL, "getrusage: unknown who is EINVAL");
    tap_eq_long(syscall(SYS_getrusage, RUSAGE_SELF, 16) < 0 ? errno : 0, EFAULT, "getrusage: bad pointer is EFAULT");
    tap_eq_long(syscall(SYS_prlimit64, 0, 99, 0, &l) < 0 ? errno : 0, EINVAL, "prlimit64: unknown resource is EINVAL");
}

int main(void)
{
    tap_plan(36);
    test_nofile();
    test_nproc();
    test_fsize();
    test_cpu();
    test_core_and_rusage();
    tap_finish();
}
