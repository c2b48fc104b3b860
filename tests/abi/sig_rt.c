// SPDX-License-Identifier: MPL-2.0
// ABI suite: real-time signal queueing, sigqueue/rt_sigqueueinfo/rt_tgsigqueueinfo, si_value, RLIMIT_SIGPENDING.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define RT0 40      /* real-time signals well inside SIGRTMIN..SIGRTMAX for every C library */
#define RT1 41
#define RT2 42
#define RT3 43

static long raw(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* Take one pending signal of the listed ones without waiting: its number (si filled) or -errno. */
static int take(siginfo_t *si, int a, int b, int c)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, a);
    if (b)
        sigaddset(&s, b);
    if (c)
        sigaddset(&s, c);
    struct timespec zero = { 0, 0 };
    memset(si, 0, sizeof(*si));
    int r = sigtimedwait(&s, si, &zero);
    return r < 0 ? -errno : r;
}

static int queue(int pid, int sig, int value)
{
    union sigval v = { .sival_int = value };
    return sigqueue(pid, sig, v) ? -errno : 0;
}

/* A siginfo as sigqueue builds it, with a chosen si_code. */
static void make_info(siginfo_t *si, int sig, int code, int value)
{
    memset(si, 0, sizeof(*si));
    si->si_signo = sig;
    si->si_code = code;
    si->si_pid = getpid();
    si->si_uid = getuid();
    si->si_value.sival_int = value;
}

static void test_queue_order(void)
{
    block(RT0);
    block(RT1);
    block(SIGUSR1);
    int ok = queue(getpid(), RT1, 10) == 0;
    for (int i = 1; i <= 3; i++)
        ok &= queue(getpid(), RT0, i) == 0;
    ok &= kill(getpid(), SIGUSR1) == 0 && kill(getpid(), SIGUSR1) == 0;
    tap_ok(ok, "sigqueue and kill to self succeed");
    sigset_t pend;
    sigpending(&pend);
    tap_ok(sigismember(&pend, RT0) && sigismember(&pend, RT1) && sigismember(&pend, SIGUSR1),
           "the queued signals are pending");
    siginfo_t si;
    tap_eq_long(take(&si, RT0, RT1, SIGUSR1), SIGUSR1, "the lowest number comes first (standard signal)");
    int got[3], codes = 1, pids = 1;
    for (int i = 0; i < 3; i++) {
        got[i] = take(&si, RT0, RT1, SIGUSR1) == RT0 ? si.si_value.sival_int : -1;
        codes &= si.si_code == SI_QUEUE;
        pids &= si.si_pid == getpid() && si.si_uid == getuid();
    }
    tap_ok(got[0] == 1 && got[1] == 2 && got[2] == 3, "every instance of a real-time signal queues, in order");
    tap_ok(codes && pids, "queued instances carry SI_QUEUE, the sender's pid and uid");
    tap_ok(take(&si, RT0, RT1, SIGUSR1) == RT1 && si.si_value.sival_int == 10,
           "then the higher real-time signal with its own value");
    tap_eq_long(take(&si, RT0, RT1, SIGUSR1), -EAGAIN, "the standard signal sent twice coalesced into one");
}

static volatile int handler_vals[8], handler_n;

static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    if (handler_n < 8)
        handler_vals[handler_n++] = si->si_value.sival_int;
}

static void test_handler_delivery(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(RT2, &sa, NULL);
    block(RT2);
    for (int i = 0; i < 4; i++)
        queue(getpid(), RT2, 100 + i);
    unblock(RT2);
    tap_ok(handler_n == 4 && handler_vals[0] == 100 && handler_vals[1] == 101 &&
           handler_vals[2] == 102 && handler_vals[3] == 103,
           "unblocking runs the handler once per queued instance, in order, with each si_value");
    signal(RT2, SIG_DFL);
}

static void test_standard_coalesce_keeps_first(void)
{
    block(SIGUSR2);
    queue(getpid(), SIGUSR2, 1);
    queue(getpid(), SIGUSR2, 2);
    siginfo_t si;
    int r = take(&si, SIGUSR2, 0, 0);
    tap_ok(r == SIGUSR2 && si.si_value.sival_int == 1 && si.si_code == SI_QUEUE,
           "a standard signal queued twice keeps the first siginfo");
    tap_eq_long(take(&si, SIGUSR2, 0, 0), -EAGAIN, "and only one instance");
}

static void test_ignore_discards(void)
{
    block(RT3);
    queue(getpid(), RT3, 1);
    queue(getpid(), RT3, 2);
    signal(RT3, SIG_IGN);
    signal(RT3, SIG_DFL);
    sigset_t pend;
    sigpending(&pend);
    tap_ok(!sigismember(&pend, RT3), "setting SIG_IGN discards every queued instance");
}

static void test_sigqueueinfo_errors(void)
{
    siginfo_t si;
    make_info(&si, RT0, SI_QUEUE, 5);
    tap_eq_long(raw(SYS_rt_sigqueueinfo, getpid(), RT0, 16, 0), -EFAULT, "rt_sigqueueinfo: bad siginfo pointer is EFAULT");
    tap_eq_long(raw(SYS_rt_sigqueueinfo, 0x3ffffff, RT0, (long)&si, 0), -ESRCH, "rt_sigqueueinfo: no such process is ESRCH");
    tap_eq_long(raw(SYS_rt_sigqueueinfo, getpid(), 65, (long)&si, 0), -EINVAL, "rt_sigqueueinfo: signal 65 is EINVAL");
    make_info(&si, RT0, SI_USER, 6);
    tap_eq_long(raw(SYS_rt_sigqueueinfo, getpid(), RT0, (long)&si, 0), 0,
                "rt_sigqueueinfo: SI_USER is allowed to oneself");
    siginfo_t got;
    tap_ok(take(&got, RT0, 0, 0) == RT0 && got.si_code == SI_USER && got.si_value.sival_int == 6,
           "and arrives with the given code and value");
    make_info(&si, RT0, SI_QUEUE, 7);
    tap_eq_long(raw(SYS_rt_sigqueueinfo, getpid(), 0, (long)&si, 0), 0, "rt_sigqueueinfo: signal 0 only checks");
}

/* A child that blocks RT0 and checks what the parent queues for it: exit status 0 if all is right. */
static int child_collect(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, RT0);
    int bad = 0;
    for (int i = 0; i < 3; i++) {
        siginfo_t si;
        if (sigwaitinfo(&s, &si) != RT0 || si.si_value.sival_int != 20 + i || si.si_code != SI_QUEUE ||
            si.si_pid != getppid())
            bad |= 1 << i;
    }
    return bad;
}

static void test_other_process(void)
{
    block(RT0);
    block(SIGUSR1);
    pid_t pid = fork();
    if (pid == 0) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        int sig;
        sigwait(&s, &sig);          /* the parent's go-ahead: it finished the EPERM checks */
        _exit(child_collect());
    }
    siginfo_t si;
    make_info(&si, RT0, SI_USER, 1);
    tap_eq_long(raw(SYS_rt_sigqueueinfo, pid, RT0, (long)&si, 0), -EPERM,
                "rt_sigqueueinfo: SI_USER to another process is EPERM");
    make_info(&si, RT0, SI_TKILL, 1);
    tap_eq_long(raw(SYS_rt_sigqueueinfo, pid, RT0, (long)&si, 0), -EPERM,
                "rt_sigqueueinfo: SI_TKILL to another process is EPERM");
    make_info(&si, RT0, SI_KERNEL, 1);
    tap_eq_long(raw(SYS_rt_sigqueueinfo, pid, RT0, (long)&si, 0), -EPERM,
                "rt_sigqueueinfo: SI_KERNEL to another process is EPERM");
    make_info(&si, RT0, SI_QUEUE, 1);
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, pid, pid, 0, (long)&si), 0, "rt_tgsigqueueinfo: signal 0 to another process checks");
    int ok = 1;
    for (int i = 0; i < 3; i++)
        ok &= queue(pid, RT0, 20 + i) == 0;
    kill(pid, SIGUSR1);
    int st = -1;
    waitpid(pid, &st, 0);
    tap_ok(ok && WIFEXITED(st) && WEXITSTATUS(st) == 0,
           "another process receives three queued instances in order with values and the sender's pid");
}

static void test_tgsigqueueinfo(void)
{
    long tid = syscall(SYS_gettid);
    siginfo_t si;
    make_info(&si, RT1, SI_QUEUE, 33);
    block(RT1);
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, getpid(), tid, RT1, (long)&si), 0, "rt_tgsigqueueinfo to the own thread");
    siginfo_t got;
    tap_ok(take(&got, RT1, 0, 0) == RT1 && got.si_value.sival_int == 33 && got.si_code == SI_QUEUE,
           "rt_tgsigqueueinfo carries si_value and si_code");
    make_info(&si, RT1, SI_TKILL, 34);
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, getpid(), tid, RT1, (long)&si), 0,
                "rt_tgsigqueueinfo: SI_TKILL to the calling thread itself is allowed");
    take(&got, RT1, 0, 0);
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, 0, tid, RT1, (long)&si), -EINVAL, "rt_tgsigqueueinfo: tgid 0 is EINVAL");
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, getpid(), -1, RT1, (long)&si), -EINVAL, "rt_tgsigqueueinfo: tid -1 is EINVAL");
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, getpid(), tid, RT1, 8), -EFAULT, "rt_tgsigqueueinfo: bad pointer is EFAULT");
    make_info(&si, RT1, SI_QUEUE, 35);
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, getpid(), 0x3ffffff, RT1, (long)&si), -ESRCH,
                "rt_tgsigqueueinfo: no such thread is ESRCH");
    tap_eq_long(raw(SYS_rt_tgsigqueueinfo, getpid(), tid, 99, (long)&si), -EINVAL,
                "rt_tgsigqueueinfo: signal 99 is EINVAL");
}

static void test_rlimit_sigpending(void)
{
    struct rlimit old, lim;
    getrlimit(RLIMIT_SIGPENDING, &old);
    lim = old;
    lim.rlim_cur = 4;
    tap_eq_long(setrlimit(RLIMIT_SIGPENDING, &lim), 0, "RLIMIT_SIGPENDING can be lowered");
    block(RT2);
    int ok = 0;
    for (int i = 0; i < 4; i++)
        ok += queue(getpid(), RT2, i) == 0;
    tap_eq_long(ok, 4, "four instances queue within a limit of four");
    tap_eq_long(queue(getpid(), RT2, 4), -EAGAIN, "sigqueue past RLIMIT_SIGPENDING is EAGAIN");
    tap_eq_long(kill(getpid(), RT2), 0, "kill() of a real-time signal past the limit still succeeds");
    siginfo_t si;
    int got = 0;
    for (int i = 0; i < 4; i++)
        got += take(&si, RT2, 0, 0) == RT2 && si.si_value.sival_int == i && si.si_code == SI_QUEUE;
    tap_eq_long(got, 4, "the four queued instances come out in order");
    while (take(&si, RT2, 0, 0) == RT2)
        ;
    tap_eq_long(queue(getpid(), RT2, 9), 0, "taking them frees room under the limit");
    take(&si, RT2, 0, 0);
    setrlimit(RLIMIT_SIGPENDING, &old);
}

int main(void)
{
    tap_plan(36);
    test_queue_order();
    test_handler_delivery();
    test_standard_coalesce_keeps_first();
    test_ignore_discards();
    test_sigqueueinfo_errors();
    test_other_process();
    test_tgsigqueueinfo();
    test_rlimit_sigpending();
    tap_finish();
}
