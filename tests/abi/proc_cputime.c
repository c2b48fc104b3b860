// SPDX-License-Identifier: MPL-2.0
// ABI suite: user vs system CPU time in getrusage, wait4, times() and /proc/<pid>/stat.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define BUSY_MS 400

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long tv_ms(struct timeval tv) { return tv.tv_sec * 1000 + tv.tv_usec / 1000; }

/*
 * Was a (read later, in ms) consistent with b (read earlier)? Ticks truncate; TCG and procfs reads
 * cost time, and a guest whose virtual CPU the loaded host deschedules between the two reads is
 * charged that time too (its scheduler clock runs on): allow half a second.
 */
static bool after_near(long a, long b) { return a >= b - 30 && a <= b + 500; }

static volatile unsigned long sink;

/* Spin in user mode for about ms of wall time (the clock is read rarely). */
static void busy_user(long ms)
{
    long end = now_ms() + ms;
    while (now_ms() < end)
        for (unsigned long i = 0; i < 2000000; i++)
            sink += i;
}

/* Make cheap system calls for about ms of wall time. */
static void busy_syscalls(long ms)
{
    long end = now_ms() + ms;
    while (now_ms() < end)
        for (int i = 0; i < 200; i++)
            syscall(SYS_getppid);
}

static void usage(int who, long *u, long *s)
{
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    getrusage(who, &ru);
    *u = tv_ms(ru.ru_utime);
    *s = tv_ms(ru.ru_stime);
}

static void test_self(void)
{
    long u0, s0, u1, s1;
    usage(RUSAGE_SELF, &u0, &s0);
    busy_user(BUSY_MS);
    usage(RUSAGE_SELF, &u1, &s1);
    long du = u1 - u0, ds = s1 - s0;
    if (!tap_ok(du >= BUSY_MS / 2 && du > ds, "a busy user loop grows utime more than stime"))
        tap_diag_long("utime ms (want > stime)", du, ds);

    usage(RUSAGE_SELF, &u0, &s0);
    busy_syscalls(BUSY_MS);
    usage(RUSAGE_SELF, &u1, &s1);
    ds = s1 - s0;
    if (!tap_ok(ds >= BUSY_MS / 10, "a loop of cheap system calls grows stime"))
        tap_diag_long("stime ms", ds, BUSY_MS / 10);

    long tu, ts;
    usage(RUSAGE_THREAD, &tu, &ts);
    usage(RUSAGE_SELF, &u1, &s1);
    tap_ok(tu >= BUSY_MS / 2 && tu <= u1 + 20 && ts <= s1 + 20, "RUSAGE_THREAD of the only thread matches RUSAGE_SELF");

    struct tms t;
    clock_t r = times(&t);
    long hz = sysconf(_SC_CLK_TCK);
    tap_ok(r != (clock_t)-1 && hz == 100 && after_near(t.tms_utime * 10, u1) &&
           after_near(t.tms_stime * 10, s1), "times() agrees with getrusage");
}

/* Fields 14-17 of /proc/self/stat (utime, stime, cutime, cstime), in ticks. */
static bool stat_times(long v[4])
{
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p)
        return false;
    p += 2;                                     /* field 3 */
    for (int field = 3; field < 14; field++) {
        p = strchr(p, ' ');
        if (!p)
            return false;
        p++;
    }
    return sscanf(p, "%ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3]) == 4;
}

static void test_proc_stat(void)
{
    long v[4] = { -1, -1, -1, -1 }, u, s;
    bool ok = stat_times(v);
    usage(RUSAGE_SELF, &u, &s);
    if (!tap_ok(ok && after_near(u, v[0] * 10) && after_near(s, v[1] * 10),
                "/proc/self/stat utime and stime agree with getrusage"))
        tap_diag_long("stat utime ticks vs rusage ms", v[0], u);
}

static void test_children(void)
{
    long cu0, cs0, cu1, cs1, v0[4] = { 0 }, v1[4] = { 0 };
    usage(RUSAGE_CHILDREN, &cu0, &cs0);
    stat_times(v0);
    int p[2];
    if (pipe(p))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        busy_user(BUSY_MS);
        (void)!write(p[1], "x", 1);
        _exit(0);
    }
    char c;
    (void)!read(p[0], &c, 1);                   /* the child has done its work, not yet waited for */
    usage(RUSAGE_CHILDREN, &cu1, &cs1);
    tap_ok(cu1 == cu0 && cs1 == cs0, "a child's time is not in RUSAGE_CHILDREN before it is waited for");
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    int st;
    pid_t w = wait4(pid, &st, 0, &ru);
    tap_ok(w == pid && tv_ms(ru.ru_utime) >= BUSY_MS / 2 && tv_ms(ru.ru_utime) > tv_ms(ru.ru_stime),
           "wait4 reports the busy child's utime, more than its stime");
    usage(RUSAGE_CHILDREN, &cu1, &cs1);
    tap_ok(cu1 - cu0 >= BUSY_MS / 2 && cu1 - cu0 <= tv_ms(ru.ru_utime) + 20, "after wait RUSAGE_CHILDREN has its utime");
    struct tms t;
    times(&t);
    tap_ok(t.tms_cutime * 10 >= cu1 - 30 && t.tms_cutime * 10 <= cu1 + 30, "times() tms_cutime agrees");  /* no child ran since */
    bool ok = stat_times(v1);
    tap_ok(ok && (v1[2] - v0[2]) * 10 >= BUSY_MS / 2, "/proc/self/stat cutime has the reaped child's time");
    close(p[0]);
    close(p[1]);
}

/* SIGCHLD for an exited child carries its CPU time in clock ticks. */
static void test_sigchld_times(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    pid_t pid = fork();
    if (pid == 0) {
        busy_user(BUSY_MS);
        _exit(0);
    }
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    struct timespec limit = { 30, 0 };
    int sig = sigtimedwait(&set, &si, &limit);
    int st;
    waitpid(pid, &st, 0);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (!tap_ok(sig == SIGCHLD && si.si_pid == pid && si.si_code == CLD_EXITED && si.si_utime >= BUSY_MS / 80 &&
                si.si_utime > si.si_stime, "SIGCHLD at exit carries the child's si_utime (ticks), more than si_stime"))
        tap_diag_long("si_utime ticks vs si_stime", (long)si.si_utime, (long)si.si_stime);
}

static void test_errors(void)
{
    struct rusage ru;
    errno = 0;
    tap_ok(getrusage(7, &ru) == -1 && errno == EINVAL, "getrusage with a bad who is EINVAL");
    errno = 0;
    tap_ok(syscall(SYS_getrusage, RUSAGE_SELF, (void *)8) == -1 && errno == EFAULT, "getrusage to a bad pointer is EFAULT");
}

int main(void)
{
    tap_plan(13);
    mount("proc", "/proc", "proc", 0, NULL);
    test_self();
    test_proc_stat();
    test_children();
    test_sigchld_times();
    test_errors();
    tap_finish();
}
