// SPDX-License-Identifier: MPL-2.0
// ABI checks for syslog (klogctl), getpriority/setpriority and the sched_* policy and affinity calls.
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define BAD_PTR 0x10L
#define KERNEL_PTR ((long)0xffff800000000000UL)

static long sc(long nr, long a, long b, long c)
{
    long r = syscall(nr, a, b, c);
    return r < 0 ? -errno : r;
}

static long sc4(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

/* Run fn in a child that first drops to uid/gid 65534; the child's exit code is fn's result. */
static int as_nobody(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
            _exit(100);
        _exit(fn());
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

static int nobody_syslog(void)
{
    return sc(SYS_syslog, 5, 0, 0) == -EPERM && sc(SYS_syslog, 3, (long)&errno, 4) == -EPERM ? 0 : 1;
}

/* ---- syslog: 14 checks ---- */
static void syslog_checks(void)
{
    long size = sc(SYS_syslog, 10, 0, 0);
    tap_ok(size >= 4096, "syslog SIZE_BUFFER reports the log size");
    char *buf = malloc((size_t)size + 1);
    long n1 = sc(SYS_syslog, 3, (long)buf, size);
    tap_ok(n1 > 0 && n1 <= size, "syslog READ_ALL returns the boot log");
    tap_ok(n1 > 0 && buf[0] == '<' && buf[n1 - 1] == '\n', "the log is whole '<level>' lines");
    tap_eq_long(sc(SYS_syslog, 3, (long)buf, 0), 0, "READ_ALL with length 0 returns 0");
    tap_eq_long(sc(SYS_syslog, 3, 0, 16), -EINVAL, "READ_ALL into NULL is EINVAL");
    tap_eq_long(sc(SYS_syslog, 3, (long)buf, -1), -EINVAL, "READ_ALL with a negative length is EINVAL");
    tap_eq_long(sc(SYS_syslog, 3, BAD_PTR, 4096), -EFAULT, "READ_ALL into an unmapped page is EFAULT");
    tap_eq_long(sc(SYS_syslog, 3, KERNEL_PTR, 4096), -EFAULT, "READ_ALL into kernel memory is EFAULT");
    tap_eq_long(sc(SYS_syslog, 11, 0, 0), -EINVAL, "an unknown action is EINVAL");
    tap_eq_long(sc(SYS_syslog, 8, 0, 9), -EINVAL, "CONSOLE_LEVEL 9 is EINVAL");
    tap_ok(sc(SYS_syslog, 6, 0, 0) == 0 && sc(SYS_syslog, 7, 0, 0) == 0, "CONSOLE_OFF then CONSOLE_ON");
    long u1 = sc(SYS_syslog, 9, 0, 0);
    long r = sc(SYS_syslog, 2, (long)buf, 100);
    long u2 = sc(SYS_syslog, 9, 0, 0);
    tap_ok(u1 > 0 && r > 0 && r <= 100 && u2 < u1, "READ consumes unread text (SIZE_UNREAD falls)");
    sc(SYS_syslog, 5, 0, 0);
    long n2 = sc(SYS_syslog, 3, (long)buf, size);
    tap_ok(n2 >= 0 && n2 < n1, "after CLEAR, READ_ALL returns less");
    free(buf);
    tap_eq_long(as_nobody(nobody_syslog), 0, "CLEAR and READ_ALL as a non-root user are EPERM");
}

static int raw_prio(int which, int who) { return (int)sc(SYS_getpriority, which, who, 0); }

static int nobody_nice(void)
{
    /* nice 0 now (the parent reset it); RLIMIT_NICE 25 allows down to -5. */
    if (sc(SYS_setpriority, PRIO_PROCESS, 0, 3) != 0 || raw_prio(PRIO_PROCESS, 0) != 17)
        return 1;
    if (sc(SYS_setpriority, PRIO_PROCESS, 0, -5) != 0)
        return 2;
    if (sc(SYS_setpriority, PRIO_PROCESS, 0, -6) != -EACCES)
        return 3;
    if (sc(SYS_setpriority, PRIO_PROCESS, 1, 5) != -EPERM)
        return 4;
    return 0;
}

/* ---- getpriority/setpriority: 12 checks ---- */
static void priority_checks(void)
{
    tap_eq_long(raw_prio(PRIO_PROCESS, 0), 20, "getpriority: nice 0 is returned as 20");
    tap_eq_long(sc(SYS_setpriority, PRIO_PROCESS, 0, 5), 0, "setpriority nice 5");
    tap_eq_long(raw_prio(PRIO_PROCESS, getpid()), 15, "getpriority by pid sees 20 - 5");
    char stat[512] = "";
    FILE *f = fopen("/proc/self/stat", "r");
    int nice = 99;
    if (f && fgets(stat, sizeof(stat), f)) {
        char *p = strrchr(stat, ')');
        long v[17] = { 0 };
        if (p && sscanf(p + 2, "%*c %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld",
                        &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
                        &v[11], &v[12], &v[13], &v[14], &v[15]) == 16)
            nice = (int)v[15];
    }
    if (f)
        fclose(f);
    tap_eq_long(nice, 5, "/proc/self/stat field 19 is the nice value");
    pid_t pid = fork();
    if (pid == 0)
        _exit(raw_prio(PRIO_PROCESS, 0));
    int st = 0;
    waitpid(pid, &st, 0);
    tap_eq_long(WEXITSTATUS(st), 15, "a fork child inherits the nice value");
    sc(SYS_setpriority, PRIO_PROCESS, 0, 100);
    tap_eq_long(raw_prio(PRIO_PROCESS, 0), 1, "nice above 19 is clamped to 19");
    sc(SYS_setpriority, PRIO_PGRP, 0, -100);
    tap_eq_long(raw_prio(PRIO_PGRP, 0), 40, "PRIO_PGRP: root lowers to -20 (clamped)");
    tap_eq_long(sc(SYS_setpriority, PRIO_USER, 0, 0), 0, "PRIO_USER 0: all of the caller's processes");
    tap_ok(sc(SYS_getpriority, 3, 0, 0) == -EINVAL && sc(SYS_setpriority, -1, 0, 0) == -EINVAL,
           "an unknown 'which' is EINVAL");
    tap_ok(sc(SYS_getpriority, PRIO_PROCESS, 999999, 0) == -ESRCH &&
           sc(SYS_setpriority, PRIO_PROCESS, 999999, 0) == -ESRCH, "an unknown pid is ESRCH");
    struct rlimit rl = { 25, 25 }, old;
    getrlimit(RLIMIT_NICE, &old);
    setrlimit(RLIMIT_NICE, &rl);
    tap_eq_long(as_nobody(nobody_nice), 0,
                "non-root: raise freely, lower within RLIMIT_NICE (EACCES past it), others' EPERM");
    setrlimit(RLIMIT_NICE, &old);
    tap_eq_long(raw_prio(PRIO_PROCESS, 0), 20, "the caller is back at nice 0");
}

static int nobody_sched(void)
{
    struct sched_param sp = { .sched_priority = 10 };
    if (sc(SYS_sched_setscheduler, 0, SCHED_FIFO, (long)&sp) != -EPERM)
        return 1;
    uint64_t m = 1;
    if (sc(SYS_sched_setaffinity, 1, sizeof(m), (long)&m) != -EPERM)
        return 2;
    return 0;
}

/* ---- sched_*: 20 checks ---- */
static void sched_checks(void)
{
    struct sched_param sp = { .sched_priority = 7 };
    tap_eq_long(sc(SYS_sched_getscheduler, 0, 0, 0), SCHED_OTHER, "sched_getscheduler: SCHED_OTHER");
    tap_ok(sc(SYS_sched_getscheduler, -1, 0, 0) == -EINVAL &&
           sc(SYS_sched_getscheduler, 999999, 0, 0) == -ESRCH, "sched_getscheduler: EINVAL, ESRCH");
    tap_ok(sc(SYS_sched_getparam, 0, (long)&sp, 0) == 0 && sp.sched_priority == 0,
           "sched_getparam: priority 0");
    tap_ok(sc(SYS_sched_getparam, 0, 0, 0) == -EINVAL && sc(SYS_sched_getparam, 0, BAD_PTR, 0) == -EFAULT,
           "sched_getparam: NULL is EINVAL, a bad pointer EFAULT");
    sp.sched_priority = 0;
    tap_eq_long(sc(SYS_sched_setscheduler, 0, SCHED_OTHER, (long)&sp), 0, "sched_setscheduler SCHED_OTHER 0");
    sp.sched_priority = 1;
    tap_eq_long(sc(SYS_sched_setscheduler, 0, SCHED_OTHER, (long)&sp), -EINVAL,
                "SCHED_OTHER with priority 1 is EINVAL");
    sp.sched_priority = 0;
    tap_ok(sc(SYS_sched_setscheduler, 0, SCHED_FIFO, (long)&sp) == -EINVAL &&
           sc(SYS_sched_setscheduler, 0, 99, (long)&sp) == -EINVAL &&
           sc(SYS_sched_setscheduler, 0, SCHED_OTHER, 0) == -EINVAL, "FIFO priority 0, policy 99, NULL: EINVAL");
    sp.sched_priority = 100;
    tap_eq_long(sc(SYS_sched_setscheduler, 0, SCHED_RR, (long)&sp), -EINVAL, "SCHED_RR priority 100 is EINVAL");
    tap_eq_long(sc(SYS_sched_setscheduler, 0, SCHED_OTHER, BAD_PTR), -EFAULT, "a bad param pointer is EFAULT");
    sp.sched_priority = 0;
    tap_eq_long(sc(SYS_sched_setscheduler, 0, SCHED_OTHER | SCHED_RESET_ON_FORK, (long)&sp), 0,
                "SCHED_OTHER | SCHED_RESET_ON_FORK");
    pid_t pid = fork();
    if (pid == 0)
        _exit(sc(SYS_sched_getscheduler, 0, 0, 0) == SCHED_OTHER ? 0 : 1);
    int st = 1;
    waitpid(pid, &st, 0);
    tap_ok(sc(SYS_sched_getscheduler, 0, 0, 0) == (SCHED_OTHER | SCHED_RESET_ON_FORK) && st == 0,
           "the flag is reported, and clear in a fork child");
    sc(SYS_sched_setscheduler, 0, SCHED_OTHER, (long)&sp);
    sp.sched_priority = 5;
    tap_ok(sc(SYS_sched_setparam, 0, (long)&sp, 0) == -EINVAL && sc(SYS_sched_setparam, -1, (long)&sp, 0) == -EINVAL,
           "sched_setparam: priority 5 under SCHED_OTHER, pid -1: EINVAL");
    tap_ok(sc(SYS_sched_get_priority_max, SCHED_FIFO, 0, 0) == 99 && sc(SYS_sched_get_priority_min, SCHED_RR, 0, 0) == 1,
           "real-time priorities are 1..99");
    tap_ok(sc(SYS_sched_get_priority_max, SCHED_OTHER, 0, 0) == 0 && sc(SYS_sched_get_priority_min, SCHED_BATCH, 0, 0) == 0 &&
           sc(SYS_sched_get_priority_max, SCHED_IDLE, 0, 0) == 0, "other policies have priority 0");
    tap_ok(sc(SYS_sched_get_priority_max, 4, 0, 0) == -EINVAL && sc(SYS_sched_get_priority_min, -1, 0, 0) == -EINVAL,
           "an unknown policy is EINVAL");
    struct timespec ts = { -1, -1 };
    tap_ok(sc(SYS_sched_rr_get_interval, 0, (long)&ts, 0) == 0 && ts.tv_sec == 0 && ts.tv_nsec >= 0 &&
           ts.tv_nsec < 1000000000L, "sched_rr_get_interval gives a time slice");
    tap_ok(sc(SYS_sched_rr_get_interval, 0, BAD_PTR, 0) == -EFAULT && sc(SYS_sched_rr_get_interval, -1, (long)&ts, 0) == -EINVAL,
           "sched_rr_get_interval: EFAULT, EINVAL");
    uint64_t all = 0, m = 1, got = 0;
    sc(SYS_sched_getaffinity, 0, sizeof(all), (long)&all);
    tap_ok(sc(SYS_sched_setaffinity, 0, sizeof(m), (long)&m) == 0 &&
           sc(SYS_sched_getaffinity, 0, sizeof(got), (long)&got) == sizeof(got) && got == 1,
           "sched_setaffinity to CPU 0 is read back");
    m = 0;
    uint64_t high = 1ULL << 63;
    tap_ok(sc(SYS_sched_setaffinity, 0, sizeof(m), (long)&m) == -EINVAL &&
           sc(SYS_sched_setaffinity, 0, sizeof(high), (long)&high) == -EINVAL &&
           sc(SYS_sched_setaffinity, 0, sizeof(m), BAD_PTR) == -EFAULT &&
           sc(SYS_sched_setaffinity, 999999, sizeof(all), (long)&all) == -ESRCH,
           "sched_setaffinity: empty or offline mask EINVAL, EFAULT, ESRCH");
    tap_eq_long(as_nobody(nobody_sched), 0, "non-root: real-time policy and others' affinity are EPERM");
    sc(SYS_sched_setaffinity, 0, sizeof(all), (long)&all);
}

/* Parent-death signal: a grandchild with PR_SET_PDEATHSIG(SIGTERM) dies when its parent exits. */
static bool pdeath_delivered(void)
{
    int ready[2];
    if (pipe(ready))
        return false;
    pid_t mid = fork();
    if (mid == 0) {
        pid_t c = fork();
        if (c == 0) {
            alarm(60);      /* a missing signal ends in SIGALRM, not a hang */
            prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
            if (write(ready[1], "r", 1) != 1)
                _exit(1);
            for (;;)
                pause();
        }
        char b;
        _exit(read(ready[0], &b, 1) == 1 ? 0 : 1);
    }
    close(ready[1]);
    close(ready[0]);
    int st = 0;
    waitpid(mid, &st, 0);
    pid_t c = waitpid(-1, &st, 0);      /* pid 1 inherits the orphan */
    return c > 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
}

/* Subreaper: S marks itself, its grandchild is re-parented to S (not init) when the middle exits. */
static int subreaper_child(void)
{
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
        return 1;
    int got = -1;
    if (prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&got, 0, 0, 0) || got != 1)
        return 2;
    pid_t s = getpid();
    int hold[2];
    if (pipe(hold))
        return 3;
    pid_t mid = fork();
    if (mid == 0) {
        pid_t me = getpid();
        if (fork() == 0) {
            char b;
            close(hold[1]);
            alarm(60);
            while (read(hold[0], &b, 1) > 0)
                ;
            /* Linux closes the middle's files before it re-parents its children:
             * EOF can come first, so wait for the parent to change. */
            while (getppid() == me)
                usleep(1000);
            _exit(getppid() == s ? 42 : 43);    /* the middle is gone: who is the parent now? */
        }
        _exit(0);
    }
    close(hold[1]);
    close(hold[0]);
    int st = 0;
    waitpid(mid, &st, 0);
    pid_t c = waitpid(-1, &st, 0);
    return c > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 42 ? 0 : 4;
}

static int nnp_child(void)
{
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
        return 1;
    if (sc(SYS_prctl, PR_SET_NO_NEW_PRIVS, 0, 0) != -EINVAL)
        return 2;
    if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0) != -1 || errno != EINVAL)
        return 3;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return 4;
    if (syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0) != -1 || errno != EINVAL)
        return 5;
    pid_t pid = fork();
    if (pid == 0)
        _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
    int st = 1;
    waitpid(pid, &st, 0);
    return st == 0 ? 0 : 6;
}

static int run_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st = -1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

/* ---- prctl: 14 checks ---- */
static void prctl_checks(void)
{
    char name[32] = "";
    tap_ok(prctl(PR_SET_NAME, (unsigned long)"keel-prctl-name-long", 0, 0, 0) == 0 &&
           prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0) == 0 && strcmp(name, "keel-prctl-name") == 0,
           "PR_SET_NAME cuts to 15 bytes, PR_GET_NAME reads it");
    char comm[32] = "";
    FILE *f = fopen("/proc/self/comm", "r");
    if (f && !fgets(comm, sizeof(comm), f))
        comm[0] = 0;
    if (f)
        fclose(f);
    tap_ok(strcmp(comm, "keel-prctl-name\n") == 0, "/proc/self/comm shows the new name");
    tap_ok(sc(SYS_prctl, PR_SET_NAME, BAD_PTR, 0) == -EFAULT && sc(SYS_prctl, PR_GET_NAME, BAD_PTR, 0) == -EFAULT,
           "PR_SET_NAME/PR_GET_NAME with a bad pointer: EFAULT");
    int sig = -1;
    tap_ok(prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0) == 0 && prctl(PR_GET_PDEATHSIG, (unsigned long)&sig, 0, 0, 0) == 0 &&
           sig == SIGUSR1, "PR_SET_PDEATHSIG / PR_GET_PDEATHSIG");
    tap_ok(sc(SYS_prctl, PR_SET_PDEATHSIG, 65, 0) == -EINVAL && sc(SYS_prctl, PR_GET_PDEATHSIG, BAD_PTR, 0) == -EFAULT,
           "PR_SET_PDEATHSIG 65 is EINVAL, PR_GET_PDEATHSIG to a bad pointer EFAULT");
    pid_t pid = fork();
    if (pid == 0) {
        int s2 = -1;
        prctl(PR_GET_PDEATHSIG, (unsigned long)&s2, 0, 0, 0);
        int r = 0;
        prctl(PR_GET_CHILD_SUBREAPER, (unsigned long)&r, 0, 0, 0);
        _exit(s2 == 0 && r == 0 ? 0 : 1);
    }
    int st = 1;
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    waitpid(pid, &st, 0);
    prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    tap_ok(st == 0, "a fork child starts with no pdeath signal and is no subreaper");
    tap_ok(pdeath_delivered(), "the parent-death signal is delivered when the parent exits");
    tap_eq_long(run_child(subreaper_child), 0, "orphans go to the nearest child subreaper");
    tap_ok(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 &&
           prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, "PR_GET_DUMPABLE 1, PR_SET_DUMPABLE 0");
    tap_ok(sc(SYS_prctl, PR_SET_DUMPABLE, 2, 0) == -EINVAL && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0 &&
           prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1, "PR_SET_DUMPABLE 2 is EINVAL, 1 restores");
    tap_eq_long(run_child(nnp_child), 0, "no_new_privs: argument checks, set once, inherited by fork");
    tap_eq_long(prctl(PR_GET_SECUREBITS, 0, 0, 0, 0), 0, "PR_GET_SECUREBITS: none set");
    tap_ok(prctl(PR_CAPBSET_READ, 0, 0, 0, 0) == 1 && prctl(PR_CAPBSET_READ, 40, 0, 0, 0) == 1 &&
           sc(SYS_prctl, PR_CAPBSET_READ, 41, 0) == -EINVAL, "PR_CAPBSET_READ: caps 0..40 in the set, 41 EINVAL");
    tap_eq_long(sc(SYS_prctl, 9999, 0, 0), -EINVAL, "an unknown prctl option is EINVAL");
}

static bool same_bytes(const char *path, const char *want, size_t n)
{
    static char got[120000];
    int fd = open(path, O_RDONLY);
    ssize_t r = fd >= 0 ? read(fd, got, sizeof(got)) : -1;
    if (fd >= 0)
        close(fd);
    return r == (ssize_t)n && memcmp(got, want, n) == 0;
}

/* ---- sendfile: 10 checks ---- */
static void sendfile_checks(void)
{
    static char data[100000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)('a' + (i * 7) % 26);
    int src = open("/tmp/sf_src", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (src < 0 || write(src, data, sizeof(data)) != (ssize_t)sizeof(data))
        tap_diag("cannot create /tmp/sf_src");
    lseek(src, 0, SEEK_SET);
    int dst = open("/tmp/sf_dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t r = sendfile(dst, src, NULL, sizeof(data) + 500);
    close(dst);
    tap_ok(r == (ssize_t)sizeof(data) && lseek(src, 0, SEEK_CUR) == (off_t)sizeof(data) &&
           same_bytes("/tmp/sf_dst", data, sizeof(data)), "file to file without an offset: all bytes, offset advanced");
    tap_eq_long(sendfile(1, src, NULL, 10), 0, "at end of file sendfile returns 0");
    off_t off = 10;
    dst = open("/tmp/sf_dst2", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    r = sendfile(dst, src, &off, 50);
    close(dst);
    tap_ok(r == 50 && off == 60 && lseek(src, 0, SEEK_CUR) == (off_t)sizeof(data) &&
           same_bytes("/tmp/sf_dst2", data + 10, 50), "with an offset pointer: it advances, the file offset does not");
    int p[2];
    char back[1000];
    off = 0;
    tap_ok(pipe(p) == 0 && sendfile(p[1], src, &off, sizeof(back)) == (ssize_t)sizeof(back) &&
           read(p[0], back, sizeof(back)) == (ssize_t)sizeof(back) && memcmp(back, data, sizeof(back)) == 0,
           "file to pipe");
    tap_eq_long(sc4(SYS_sendfile, src, p[0], 0, 10), -EINVAL, "a pipe as the source is EINVAL");
    int app = open("/tmp/sf_app", O_WRONLY | O_CREAT | O_APPEND, 0644);
    off = 0;
    tap_eq_long(sc4(SYS_sendfile, app, src, (long)&off, 10), -EINVAL, "an O_APPEND destination is EINVAL");
    int ro = open("/tmp/sf_dst", O_RDONLY), wo = open("/tmp/sf_dst2", O_WRONLY);
    tap_ok(sc4(SYS_sendfile, p[1], -1, 0, 10) == -EBADF && sc4(SYS_sendfile, ro, src, 0, 10) == -EBADF &&
           sc4(SYS_sendfile, p[1], wo, 0, 10) == -EBADF, "bad, unwritable or unreadable descriptors: EBADF");
    tap_eq_long(sc4(SYS_sendfile, p[1], src, BAD_PTR, 10), -EFAULT, "a bad offset pointer is EFAULT");
    off = -1;
    tap_eq_long(sc4(SYS_sendfile, p[1], src, (long)&off, 10), -EINVAL, "a negative offset is EINVAL");
    off = (off_t)sizeof(data) - 30;
    tap_ok(sendfile(p[1], src, &off, 1000) == 30 && off == (off_t)sizeof(data), "a count past the end copies the rest");
    close(p[0]);
    close(p[1]);
    close(app);
    close(ro);
    close(wo);
    close(src);
}

/* ---- getdents (old format): 3 checks ---- */
static void getdents_checks(void)
{
    close(open("/tmp/gd_file", O_WRONLY | O_CREAT, 0644));
    mkdir("/tmp/gd_dir", 0755);
    int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    static char buf[8192];
    long n = sc(SYS_getdents, fd, (long)buf, sizeof(buf));
    int seen = 0;
    bool aligned = n > 0;
    for (long off = 0; n > 0 && off < n;) {
        unsigned short reclen;
        memcpy(&reclen, buf + off + 16, 2);
        const char *name = buf + off + 18;
        char type = buf[off + reclen - 1];
        aligned &= reclen % 8 == 0 && reclen > 18;
        if (strcmp(name, ".") == 0 && type == DT_DIR)
            seen |= 1;
        if (strcmp(name, "..") == 0 && type == DT_DIR)
            seen |= 2;
        if (strcmp(name, "gd_file") == 0 && type == DT_REG)
            seen |= 4;
        if (strcmp(name, "gd_dir") == 0 && type == DT_DIR)
            seen |= 8;
        if (!reclen)
            break;
        off += reclen;
    }
    tap_ok(seen == 15 && aligned, "getdents: ., .., a file and a directory with d_type in the last byte");
    tap_eq_long(sc(SYS_getdents, fd, (long)buf, sizeof(buf)), 0, "getdents at the end returns 0");
    lseek(fd, 0, SEEK_SET);
    int file = open("/tmp/gd_file", O_RDONLY);
    tap_ok(sc(SYS_getdents, file, (long)buf, sizeof(buf)) == -ENOTDIR && sc(SYS_getdents, -1, (long)buf, sizeof(buf)) == -EBADF &&
           sc(SYS_getdents, fd, (long)buf, 10) == -EINVAL && sc(SYS_getdents, fd, BAD_PTR, sizeof(buf)) == -EFAULT,
           "getdents: ENOTDIR, EBADF, EINVAL for a tiny buffer, EFAULT");
    close(file);
    close(fd);
}

/* ---- utimes/futimesat: 5 checks ---- */
static void utimes_checks(void)
{
    close(open("/tmp/ut_file", O_WRONLY | O_CREAT, 0644));
    struct timeval tv[2] = { { 1000000, 250000 }, { 2000000, 500000 } };
    struct stat st;
    tap_ok(sc(SYS_utimes, (long)"/tmp/ut_file", (long)tv, 0) == 0 && stat("/tmp/ut_file", &st) == 0 &&
           st.st_atim.tv_sec == 1000000 && st.st_atim.tv_nsec == 250000000 &&
           st.st_mtim.tv_sec == 2000000 && st.st_mtim.tv_nsec == 500000000, "utimes sets atime and mtime (microseconds)");
    tv[1].tv_usec = 1000000;
    tap_ok(sc(SYS_utimes, (long)"/tmp/ut_file", (long)tv, 0) == -EINVAL && sc(SYS_utimes, 0, 0, 0) == -EFAULT &&
           sc(SYS_utimes, (long)"/tmp/ut_file", BAD_PTR, 0) == -EFAULT &&
           sc(SYS_utimes, (long)"/tmp/no-such", 0, 0) == -ENOENT, "utimes: EINVAL, EFAULT, ENOENT");
    tv[1].tv_usec = 0;
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    tap_ok(sc4(SYS_futimesat, dir, (long)"ut_file", (long)tv, 0) == 0 && stat("/tmp/ut_file", &st) == 0 &&
           st.st_mtim.tv_sec == 2000000 && st.st_mtim.tv_nsec == 0, "futimesat relative to a directory fd");
    int fd = open("/tmp/ut_file", O_RDONLY);
    tv[1].tv_sec = 3000000;
    tap_ok(sc4(SYS_futimesat, fd, 0, (long)tv, 0) == 0 && stat("/tmp/ut_file", &st) == 0 && st.st_mtim.tv_sec == 3000000,
           "futimesat with a NULL path sets the times of the fd itself");
    time_t now = time(NULL);
    tap_ok(sc(SYS_utimes, (long)"/tmp/ut_file", 0, 0) == 0 && stat("/tmp/ut_file", &st) == 0 &&
           st.st_mtim.tv_sec >= now - 5 && st.st_mtim.tv_sec <= now + 5, "utimes with NULL times sets now");
    close(fd);
    close(dir);
}

int main(void)
{
    tap_plan(14 + 12 + 20 + 14 + 10 + 3 + 5);
    if (mount("proc", "/proc", "proc", 0, NULL))
        tap_diag("mounting /proc failed");
    syslog_checks();
    priority_checks();
    sched_checks();
    prctl_checks();
    sendfile_checks();
    getdents_checks();
    utimes_checks();
    tap_finish();
}
