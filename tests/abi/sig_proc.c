// SPDX-License-Identifier: MPL-2.0
// ABI suite: default actions seen through wait4, stop/continue, SIGCHLD, EINTR and SA_RESTART, timers, SIGPIPE.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

static long raw(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static volatile int hits, last_code, last_pid, last_status;
static volatile long *shm;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    hits++;
    last_code = si->si_code;
    last_pid = si->si_pid;
    last_status = si->si_status;
}

static void set_action(int sig, int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void ms_sleep(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static void timer_ms(long ms)
{
    struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * A periodic SIGALRM every ms for the EINTR checks: a one-shot that fires before the call blocks
 * (a stalled host) would leave the call blocked for ever. timer_ms(0) turns it off.
 */
static void ticks_ms(long ms)
{
    struct itimerval it = { { ms / 1000, (ms % 1000) * 1000 }, { ms / 1000, (ms % 1000) * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

/* A child that waits for signals forever (pause in a loop). */
static pid_t idle_child(void)
{
    pid_t pid = fork();
    if (pid == 0)
        for (;;)
            pause();
    return pid;
}

static int wait_status(pid_t pid, int opts)
{
    int st = -1;
    if (waitpid(pid, &st, opts) != pid)
        return -1;
    return st;
}

static void test_default_actions(void)
{
    pid_t pid = idle_child();
    kill(pid, SIGTERM);
    int st = wait_status(pid, 0);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM's default action terminates");
    tap_eq_long(st, SIGTERM, "the wait status is the bare signal number");

    pid = idle_child();
    kill(pid, SIGQUIT);
    st = wait_status(pid, 0);
    tap_eq_long(st, SIGQUIT, "a core-dumping signal with RLIMIT_CORE 0 reports no core flag");

    pid = idle_child();
    kill(pid, SIGUSR1);
    tap_eq_long(wait_status(pid, 0), SIGUSR1, "SIGUSR1's default action terminates");

    pid = fork();
    if (pid == 0) {
        volatile int *volatile bad = (volatile int *)8;
        *bad = 1;
        _exit(0);
    }
    tap_eq_long(wait_status(pid, 0), SIGSEGV, "a bad access without a handler kills with SIGSEGV");

    pid = fork();
    if (pid == 0) {
        signal(SIGTERM, SIG_IGN);
        raise(SIGTERM);
        kill(getpid(), SIGCHLD);
        kill(getpid(), SIGURG);
        kill(getpid(), SIGWINCH);
        _exit(3);
    }
    tap_eq_long(wait_status(pid, 0), 3 << 8, "ignored and default-ignored signals do nothing");

    shm[0] = 0;
    pid = fork();
    if (pid == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGTERM);
        sigprocmask(SIG_BLOCK, &s, NULL);
        raise(SIGTERM);
        shm[0] = 1;
        sigprocmask(SIG_UNBLOCK, &s, NULL);
        _exit(0);
    }
    tap_eq_long(wait_status(pid, 0), SIGTERM, "a blocked fatal signal kills once unblocked");
    tap_eq_long(shm[0], 1, "the process ran on while the signal was blocked");

    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(pid, pid);
    tap_eq_long(kill(-pid, SIGTERM), 0, "kill of a process group succeeds");
    tap_eq_long(wait_status(pid, 0), SIGTERM, "kill of a process group reaches its members");
}

static void test_stop_continue(void)
{
    pid_t pid = idle_child();
    kill(pid, SIGSTOP);
    int st = wait_status(pid, WUNTRACED);
    tap_ok(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "SIGSTOP stops the child (WUNTRACED)");
    tap_eq_long(st, (SIGSTOP << 8) | 0x7f, "the stop status is sig << 8 | 0x7f");
    tap_eq_long(waitpid(pid, &st, WUNTRACED | WNOHANG), 0, "a stop is reported once");
    kill(pid, SIGCONT);
    st = wait_status(pid, WCONTINUED);
    tap_ok(WIFCONTINUED(st), "SIGCONT resumes the child (WCONTINUED)");
    tap_eq_long(st, 0xffff, "the continue status is 0xffff");
    /* The child's process group (init's) is orphaned: job-control stops are discarded. */
    kill(pid, SIGTSTP);
    ms_sleep(100);
    tap_eq_long(waitpid(pid, &st, WUNTRACED | WNOHANG), 0, "SIGTSTP does not stop a process in an orphaned group");
    kill(pid, SIGSTOP);
    st = wait_status(pid, WUNTRACED);
    tap_ok(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "a continued process can be stopped again");
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    kill(pid, SIGCONT);
    tap_eq_long(waitid(P_PID, pid, &si, WCONTINUED), 0, "waitid sees the continue");
    tap_ok(si.si_code == CLD_CONTINUED && si.si_status == SIGCONT, "waitid reports CLD_CONTINUED with SIGCONT");
    kill(pid, SIGSTOP);
    wait_status(pid, WUNTRACED);
    kill(pid, SIGKILL);
    tap_eq_long(wait_status(pid, 0), SIGKILL, "SIGKILL ends a stopped process");
}

static void test_vfork_kill(void)
{
    shm[1] = 0;
    pid_t a = fork();
    if (a == 0) {
        pid_t b = vfork();
        if (b == 0) {
            shm[1] = getpid();
            for (;;)
                pause();
        }
        _exit(0);
    }
    while (shm[1] == 0)
        ms_sleep(1);
    ms_sleep(20);
    kill(a, SIGKILL);
    tap_eq_long(wait_status(a, 0), SIGKILL, "SIGKILL ends a parent waiting in vfork");
    kill((pid_t)shm[1], SIGKILL);
    waitpid((pid_t)shm[1], NULL, 0);    /* re-parented to us when we are init */
}

static void test_sigchld(void)
{
    set_action(SIGCHLD, 0);
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGCHLD);
    sigprocmask(SIG_BLOCK, &s, &old);
    hits = 0;
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    sigset_t empty;
    sigemptyset(&empty);
    int r = sigsuspend(&empty);
    tap_ok(r == -1 && errno == EINTR, "sigsuspend returns EINTR after a handler");
    tap_eq_long(hits, 1, "SIGCHLD reached the parent");
    tap_eq_long(last_code, CLD_EXITED, "si_code is CLD_EXITED");
    tap_eq_long(last_pid, pid, "si_pid is the child");
    tap_eq_long(last_status, 7, "si_status is the exit code");
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    tap_ok(sigismember(&cur, SIGCHLD), "sigsuspend restores the mask");
    tap_eq_long(wait_status(pid, 0), 7 << 8, "the child is still a zombie to reap");
    sigprocmask(SIG_SETMASK, &old, NULL);

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGCHLD, &sa, NULL);
    pid = fork();
    if (pid == 0)
        _exit(1);
    tap_eq_long(raw(SYS_wait4, -1, 0, 0, 0), -ECHILD, "with SIGCHLD ignored children are reaped automatically");
    sa.sa_handler = SIG_DFL;
    sa.sa_flags = SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, NULL);
    pid = fork();
    if (pid == 0)
        _exit(1);
    tap_eq_long(raw(SYS_wait4, -1, 0, 0, 0), -ECHILD, "SA_NOCLDWAIT also reaps automatically");
    sa.sa_flags = 0;
    sigaction(SIGCHLD, &sa, NULL);
}

static void test_eintr(void)
{
    int p[2];
    pipe(p);
    set_action(SIGALRM, 0);
    hits = 0;
    ticks_ms(50);
    char c;
    long r = read(p[0], &c, 1);
    int e = errno;
    timer_ms(0);
    tap_ok(r == -1 && e == EINTR, "read of an empty pipe fails with EINTR");
    tap_ok(hits >= 1, "the SIGALRM handler ran");

    ticks_ms(50);
    struct timespec req = { 5, 0 }, rem = { 0, 0 };
    r = nanosleep(&req, &rem);
    e = errno;
    timer_ms(0);
    tap_ok(r == -1 && e == EINTR, "nanosleep fails with EINTR");
    tap_ok(rem.tv_sec >= 3 && rem.tv_sec <= 4, "nanosleep writes the time left to rem");

    ticks_ms(50);
    req = (struct timespec){ 5, 0 };
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
    timer_ms(0);
    tap_eq_long(r, EINTR, "clock_nanosleep returns EINTR");

    pid_t pid = idle_child();
    ticks_ms(50);
    r = raw(SYS_wait4, pid, 0, 0, 0);
    timer_ms(0);
    tap_eq_long(r, -EINTR, "wait4 fails with EINTR");
    kill(pid, SIGKILL);
    wait_status(pid, 0);

    ticks_ms(50);
    r = raw(SYS_pause, 0, 0, 0, 0);
    timer_ms(0);
    tap_eq_long(r, -EINTR, "pause returns EINTR");

    /* SA_RESTART: the read is restarted and gets the data written later. */
    set_action(SIGALRM, SA_RESTART);
    hits = 0;
    pid = fork();
    if (pid == 0) {
        ms_sleep(300);
        write(p[1], "x", 1);
        _exit(0);
    }
    timer_ms(50);
    c = 0;
    r = read(p[0], &c, 1);
    tap_ok(r == 1 && c == 'x', "an SA_RESTART handler restarts the pipe read");
    tap_eq_long(hits, 1, "the handler ran during the read");
    wait_status(pid, 0);
    close(p[0]);
    close(p[1]);
}

static void test_timedwait(void)
{
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, &old);
    kill(getpid(), SIGUSR1);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    struct timespec ts = { 1, 0 };
    tap_eq_long(sigtimedwait(&s, &si, &ts), SIGUSR1, "sigtimedwait takes a pending signal");
    tap_ok(si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid(), "sigtimedwait fills siginfo");
    ts = (struct timespec){ 0, 20000000 };
    errno = 0;
    tap_ok(sigtimedwait(&s, &si, &ts) == -1 && errno == EAGAIN, "sigtimedwait times out with EAGAIN");
    ts = (struct timespec){ 0, 0 };
    tap_ok(sigtimedwait(&s, &si, &ts) == -1 && errno == EAGAIN, "a zero timeout polls");
    pid_t pid = fork();
    if (pid == 0) {
        ms_sleep(50);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    ts = (struct timespec){ 30, 0 };
    tap_eq_long(sigtimedwait(&s, &si, &ts), SIGUSR1, "sigtimedwait sleeps until the signal arrives");
    wait_status(pid, 0);
    uint64_t k = 1ULL << (SIGUSR1 - 1);
    tap_eq_long(raw(SYS_rt_sigtimedwait, (long)&k, 0, 0, 4), -EINVAL, "rt_sigtimedwait: sigsetsize 4 is EINVAL");
    struct timespec bad = { 0, 2000000000 };
    tap_eq_long(raw(SYS_rt_sigtimedwait, (long)&k, 0, (long)&bad, 8), -EINVAL, "rt_sigtimedwait: bad timeout is EINVAL");
    tap_eq_long(raw(SYS_rt_sigtimedwait, 16, 0, 0, 8), -EFAULT, "rt_sigtimedwait: bad set is EFAULT");
    set_action(SIGUSR2, 0);
    timer_ms(0);
    hits = 0;
    pid = fork();
    if (pid == 0) {
        /* Repeated until killed: one that lands before the wait blocks is not the only one. */
        for (;;) {
            ms_sleep(50);
            kill(getppid(), SIGUSR2);
        }
    }
    ts = (struct timespec){ 30, 0 };
    /* raw: musl's sigtimedwait retries on EINTR */
    tap_eq_long(raw(SYS_rt_sigtimedwait, (long)&k, (long)&si, (long)&ts, 8), -EINTR,
                "another signal's handler interrupts rt_sigtimedwait");
    kill(pid, SIGKILL);
    tap_ok(hits >= 1, "the other signal's handler ran");
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)     /* a last SIGUSR2 may still land */
        ;
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void test_timers(void)
{
    tap_eq_long(alarm(5), 0, "alarm with none pending returns 0");
    unsigned left = alarm(0);   /* 5 unless the host stalled over half a second in between */
    tap_ok(left == 5 || left == 4, "alarm returns the seconds left of the previous one");
    struct itimerval it = { { 0, 200000 }, { 3, 0 } }, got;
    tap_eq_long(setitimer(ITIMER_REAL, &it, NULL), 0, "setitimer ITIMER_REAL succeeds");
    getitimer(ITIMER_REAL, &got);
    tap_ok(got.it_value.tv_sec <= 3 && (got.it_value.tv_sec >= 2 || got.it_value.tv_usec > 0), "getitimer reports the time left");
    tap_ok(got.it_interval.tv_sec == 0 && got.it_interval.tv_usec == 200000, "getitimer reports the interval");
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &zero, &got);
    tap_ok(got.it_value.tv_sec <= 3 && got.it_interval.tv_usec == 200000, "setitimer returns the old value");
    getitimer(ITIMER_REAL, &got);
    tap_ok(got.it_value.tv_sec == 0 && got.it_value.tv_usec == 0, "a zero value disarms the timer");
    struct itimerval badv = { { 0, 0 }, { 0, 1000000 } };
    tap_eq_long(raw(SYS_setitimer, ITIMER_REAL, (long)&badv, 0, 0), -EINVAL, "setitimer with tv_usec >= 1e6 is EINVAL");
    tap_eq_long(raw(SYS_getitimer, 9, (long)&got, 0, 0), -EINVAL, "getitimer with a bad timer is EINVAL");
    tap_eq_long(raw(SYS_getitimer, ITIMER_REAL, 16, 0, 0), -EFAULT, "getitimer with a bad pointer is EFAULT");

    /* A periodic timer fires repeatedly. */
    set_action(SIGALRM, SA_RESTART);
    hits = 0;
    struct itimerval per = { { 0, 20000 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &per, NULL);
    for (int i = 0; i < 2000 && hits < 3; i++)
        ms_sleep(10);
    setitimer(ITIMER_REAL, &zero, NULL);
    tap_ok(hits >= 3, "an interval timer fires repeatedly");

    hits = 0;
    alarm(1);
    while (hits == 0)   /* not a bare pause(): the alarm may fire before it on a stalled host */
        pause();
    tap_eq_long(hits, 1, "alarm delivers SIGALRM");
    tap_eq_long(last_code, SI_KERNEL, "the timer's SIGALRM has si_code SI_KERNEL");
}

static void test_sigpipe(void)
{
    int p[2];
    pipe(p);
    close(p[0]);              /* before fork: no process may hold a read end when the child writes */
    pid_t pid = fork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    close(p[1]);
    tap_eq_long(wait_status(pid, 0), SIGPIPE, "a write to a pipe without readers raises SIGPIPE");
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    tap_ok(write(p[1], "x", 1) == -1 && errno == EPIPE, "with SIGPIPE ignored the write fails with EPIPE");
    set_action(SIGPIPE, 0);
    hits = 0;
    write(p[1], "x", 1);
    tap_eq_long(hits, 1, "a SIGPIPE handler runs on the failed write");
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);
}

int main(void)
{
    shm = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    tap_plan(65);
    test_default_actions();
    test_stop_continue();
    test_sigchld();
    test_vfork_kill();
    test_eintr();
    test_timedwait();
    test_timers();
    test_sigpipe();
    tap_finish();
}
