// SPDX-License-Identifier: MPL-2.0
// ABI suite: POSIX timers (timer_create/settime/gettime/getoverrun/delete), SIGEV_* kinds, overruns, fork/exec.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define TSIG 44         /* a real-time signal for the timers */
#define MS 1000000L

static long raw(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

struct ksigevent {
    long value;
    int signo, notify;
    int tid;
    int pad[11];
};

static int tcreate(int clock, int notify, int signo, long value, int tid, int *id)
{
    struct ksigevent ev = { .value = value, .signo = signo, .notify = notify, .tid = tid };
    return (int)raw(SYS_timer_create, clock, (long)&ev, (long)id, 0);
}

static long tset(int id, int flags, long value_ns, long interval_ns, struct itimerspec *old)
{
    struct itimerspec its = { .it_interval = { interval_ns / 1000000000L, interval_ns % 1000000000L },
                              .it_value = { value_ns / 1000000000L, value_ns % 1000000000L } };
    return raw(SYS_timer_settime, id, flags, (long)&its, (long)old);
}

static long ts_ns(const struct timespec *ts) { return ts->tv_sec * 1000000000L + ts->tv_nsec; }

static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

/* Wait up to ms for sig: its number (si filled) or -errno. */
static int wait_sig(int sig, siginfo_t *si, long ms)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    struct timespec t = { ms / 1000, (ms % 1000) * MS };
    memset(si, 0, sizeof(*si));
    int r = sigtimedwait(&s, si, &t);
    return r < 0 ? -errno : r;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * MS };
    while (nanosleep(&t, &t))
        ;
}

static void test_one_shot(void)
{
    int id = -1;
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, TSIG, 77, 0, &id), 0, "timer_create CLOCK_MONOTONIC SIGEV_SIGNAL");
    struct itimerspec old = { { 9, 9 }, { 9, 9 } };
    /* 300 ms (like the other timers read back below): a stalled host cannot expire it before timer_gettime. */
    tap_eq_long(tset(id, 0, 300 * MS, 0, &old), 0, "timer_settime relative one-shot");
    tap_ok(ts_ns(&old.it_value) == 0 && ts_ns(&old.it_interval) == 0, "old value of a new timer is disarmed");
    struct itimerspec cur;
    raw(SYS_timer_gettime, id, (long)&cur, 0, 0);
    tap_ok(ts_ns(&cur.it_value) > 0 && ts_ns(&cur.it_value) <= 300 * MS, "timer_gettime shows the time left");
    siginfo_t si;
    int r = wait_sig(TSIG, &si, 30000);
    tap_ok(r == TSIG && si.si_code == SI_TIMER && si.si_value.sival_int == 77,
           "expiry sends the signal with SI_TIMER and si_value");
    tap_ok(si.si_timerid == id && si.si_overrun == 0, "si_timerid is the id, si_overrun 0");
    raw(SYS_timer_gettime, id, (long)&cur, 0, 0);
    tap_ok(ts_ns(&cur.it_value) == 0 && ts_ns(&cur.it_interval) == 0, "an expired one-shot timer reads as disarmed");
    tap_eq_long(raw(SYS_timer_delete, id, 0, 0, 0), 0, "timer_delete");
    tap_eq_long(raw(SYS_timer_delete, id, 0, 0, 0), -EINVAL, "timer_delete twice is EINVAL");
    tap_eq_long(raw(SYS_timer_gettime, id, (long)&cur, 0, 0), -EINVAL, "a deleted timer is EINVAL");
}

static void test_periodic_overrun(void)
{
    int id = -1;
    tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, TSIG, 5, 0, &id);
    tap_eq_long(tset(id, 0, 10 * MS, 10 * MS, NULL), 0, "timer_settime periodic 10 ms");
    siginfo_t si;
    int r = wait_sig(TSIG, &si, 30000);
    tap_eq_long(r, TSIG, "the periodic timer fires");
    sleep_ms(150);      /* the signal stays queued while the timer keeps expiring */
    r = wait_sig(TSIG, &si, 30000);
    long over = raw(SYS_timer_getoverrun, id, 0, 0, 0);
    tap_ok(r == TSIG && si.si_overrun >= 3, "expiries while the signal is pending count as si_overrun");
    tap_eq_long(over, si.si_overrun, "timer_getoverrun matches the delivered si_overrun");
    struct itimerspec old;
    tap_eq_long(tset(id, 0, 0, 0, &old), 0, "timer_settime 0 disarms");
    tap_ok(ts_ns(&old.it_interval) == 10 * MS && ts_ns(&old.it_value) > 0 && ts_ns(&old.it_value) <= 10 * MS,
           "the old value reports the interval and the time left");
    while (wait_sig(TSIG, &si, 0) == TSIG)
        ;
    tap_eq_long(wait_sig(TSIG, &si, 60), -EAGAIN, "a disarmed timer sends nothing");
    raw(SYS_timer_delete, id, 0, 0, 0);
}

static void test_abstime(void)
{
    int id = -1;
    tcreate(CLOCK_REALTIME, SIGEV_SIGNAL, TSIG, 6, 0, &id);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long when = ts_ns(&now) + 300 * MS;
    tap_eq_long(tset(id, TIMER_ABSTIME, when, 0, NULL), 0, "timer_settime TIMER_ABSTIME on CLOCK_REALTIME");
    struct itimerspec cur;
    raw(SYS_timer_gettime, id, (long)&cur, 0, 0);
    tap_ok(ts_ns(&cur.it_value) > 0 && ts_ns(&cur.it_value) <= 300 * MS, "an absolute timer reads as time left");
    siginfo_t si;
    tap_ok(wait_sig(TSIG, &si, 30000) == TSIG && si.si_value.sival_int == 6, "the absolute timer fires");
    struct timespec after;
    clock_gettime(CLOCK_REALTIME, &after);
    tap_ok(ts_ns(&after) >= when, "not before its time");
    tap_eq_long(tset(id, TIMER_ABSTIME, 1 * MS, 0, NULL), 0, "an absolute time in the past is accepted");
    tap_eq_long(wait_sig(TSIG, &si, 30000), TSIG, "and fires at once");
    raw(SYS_timer_delete, id, 0, 0, 0);
}

static void test_null_sigevent(void)
{
    int id = -1;
    block(SIGALRM);
    tap_eq_long(raw(SYS_timer_create, CLOCK_BOOTTIME, 0, (long)&id, 0), 0, "timer_create with no sigevent (CLOCK_BOOTTIME)");
    tset(id, 0, 10 * MS, 0, NULL);
    siginfo_t si;
    int r = wait_sig(SIGALRM, &si, 30000);
    tap_ok(r == SIGALRM && si.si_code == SI_TIMER && si.si_value.sival_int == id,
           "no sigevent means SIGALRM with si_value = the timer id");
    raw(SYS_timer_delete, id, 0, 0, 0);
}

static void test_sigev_none(void)
{
    int id = -1;
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &id), 0, "timer_create SIGEV_NONE");
    tset(id, 0, 300 * MS, 0, NULL);
    struct itimerspec cur;
    raw(SYS_timer_gettime, id, (long)&cur, 0, 0);
    tap_ok(ts_ns(&cur.it_value) > 0, "a SIGEV_NONE timer counts down");
    sleep_ms(600);
    raw(SYS_timer_gettime, id, (long)&cur, 0, 0);
    sigset_t pend;
    sigpending(&pend);
    tap_ok(ts_ns(&cur.it_value) == 0 && !sigismember(&pend, TSIG), "and expires without a signal");
    raw(SYS_timer_delete, id, 0, 0, 0);
}

static void test_thread_id(void)
{
    int id = -1;
    int tid = (int)syscall(SYS_gettid);
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_THREAD_ID, TSIG, 8, tid, &id), 0, "timer_create SIGEV_THREAD_ID (own thread)");
    tset(id, 0, 10 * MS, 0, NULL);
    siginfo_t si;
    tap_ok(wait_sig(TSIG, &si, 30000) == TSIG && si.si_value.sival_int == 8, "the thread-directed timer fires");
    raw(SYS_timer_delete, id, 0, 0, 0);
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_THREAD_ID, TSIG, 0, 0x3ffffff, &id), -EINVAL,
                "SIGEV_THREAD_ID: no such thread is EINVAL");
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_THREAD_ID, TSIG, 0, child, &id), -EINVAL,
                "SIGEV_THREAD_ID: a thread of another process is EINVAL");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
}

static atomic_int thread_notified;
static atomic_int notified_value;

static void on_notify(union sigval v)
{
    atomic_store(&notified_value, v.sival_int);
    atomic_fetch_add(&thread_notified, 1);
}

static void test_sigev_thread(void)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof(ev));
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = on_notify;
    ev.sigev_value.sival_int = 99;
    timer_t t;
    tap_eq_long(timer_create(CLOCK_MONOTONIC, &ev, &t), 0, "musl timer_create SIGEV_THREAD");
    struct itimerspec its = { { 0, 0 }, { 0, 20 * MS } };
    timer_settime(t, 0, &its, NULL);
    for (int i = 0; i < 3000 && !atomic_load(&thread_notified); i++)   /* up to 30 s */
        sleep_ms(10);
    tap_ok(atomic_load(&thread_notified) == 1 && atomic_load(&notified_value) == 99,
           "SIGEV_THREAD runs the function in a thread with si_value");
    tap_eq_long(timer_delete(t), 0, "musl timer_delete of a SIGEV_THREAD timer");
}

static void test_errors(void)
{
    int id = -1;
    struct ksigevent ev = { .signo = TSIG, .notify = SIGEV_SIGNAL };
    tap_eq_long(raw(SYS_timer_create, 99, (long)&ev, (long)&id, 0), -EINVAL, "timer_create: unknown clock is EINVAL");
    tap_eq_long(raw(SYS_timer_create, CLOCK_MONOTONIC_RAW, (long)&ev, (long)&id, 0), -EOPNOTSUPP,
                "timer_create: CLOCK_MONOTONIC_RAW is EOPNOTSUPP");
    tap_eq_long(raw(SYS_timer_create, CLOCK_MONOTONIC, 16, (long)&id, 0), -EFAULT, "timer_create: bad sigevent is EFAULT");
    tap_eq_long(raw(SYS_timer_create, CLOCK_MONOTONIC, (long)&ev, 16, 0), -EFAULT, "timer_create: bad id pointer is EFAULT");
    tap_eq_long(tcreate(CLOCK_MONOTONIC, 99, TSIG, 0, 0, &id), -EINVAL, "timer_create: unknown sigev_notify is EINVAL");
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, 0, 0, 0, &id), -EINVAL, "timer_create: signal 0 is EINVAL");
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, 65, 0, 0, &id), -EINVAL, "timer_create: signal 65 is EINVAL");
    tap_eq_long(tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, TSIG, 0, 0, &id), 0, "a valid timer for the error checks");
    struct itimerspec its = { { 0, 0 }, { 0, 1000000000L } }, cur;
    tap_eq_long(raw(SYS_timer_settime, id, 0, (long)&its, 0), -EINVAL, "timer_settime: tv_nsec 1e9 is EINVAL");
    its.it_value.tv_nsec = -1;
    tap_eq_long(raw(SYS_timer_settime, id, 0, (long)&its, 0), -EINVAL, "timer_settime: negative tv_nsec is EINVAL");
    tap_eq_long(raw(SYS_timer_settime, id, 0, 0, 0), -EINVAL, "timer_settime: no new value is EINVAL");
    tap_eq_long(raw(SYS_timer_settime, id, 0, 16, 0), -EFAULT, "timer_settime: bad pointer is EFAULT");
    its.it_value.tv_nsec = 0;
    tap_eq_long(raw(SYS_timer_settime, id + 1000, 0, (long)&its, 0), -EINVAL, "timer_settime: unknown id is EINVAL");
    tap_eq_long(raw(SYS_timer_gettime, id, 16, 0, 0), -EFAULT, "timer_gettime: bad pointer is EFAULT");
    tap_eq_long(raw(SYS_timer_gettime, -1, (long)&cur, 0, 0), -EINVAL, "timer_gettime: id -1 is EINVAL");
    tap_eq_long(raw(SYS_timer_getoverrun, id + 1000, 0, 0, 0), -EINVAL, "timer_getoverrun: unknown id is EINVAL");
    tap_eq_long(raw(SYS_timer_getoverrun, id, 0, 0, 0), 0, "timer_getoverrun of a timer that never fired is 0");
    raw(SYS_timer_delete, id, 0, 0, 0);
}

static void test_deleted_pending(void)
{
    int id = -1;
    tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, TSIG, 12, 0, &id);
    tset(id, 0, 5 * MS, 0, NULL);
    sleep_ms(50);
    raw(SYS_timer_delete, id, 0, 0, 0);
    siginfo_t si;
    tap_ok(wait_sig(TSIG, &si, 0) == TSIG && si.si_value.sival_int == 12 && si.si_code == SI_TIMER,
           "a signal still pending when its timer is deleted is delivered");
}

/* After exec (argv[1] = "exec-check"): the timer the pre-exec image created is gone. */
static int exec_check(int id)
{
    struct itimerspec cur;
    return raw(SYS_timer_gettime, id, (long)&cur, 0, 0) == -EINVAL ? 0 : 1;
}

static void test_fork_exec(void)
{
    int id = -1;
    tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, TSIG, 0, 0, &id);
    tset(id, 0, 10000 * MS, 0, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct itimerspec cur;
        _exit(raw(SYS_timer_gettime, id, (long)&cur, 0, 0) == -EINVAL ? 0 : 1);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child inherits no timers");
    raw(SYS_timer_delete, id, 0, 0, 0);
    pid = fork();
    if (pid == 0) {
        int cid = -1;
        tcreate(CLOCK_MONOTONIC, SIGEV_SIGNAL, TSIG, 0, 0, &cid);
        tset(cid, 0, 10000 * MS, 0, NULL);
        char arg[16];
        arg[0] = '0' + (char)(cid % 10);
        arg[1] = 0;
        char *argv[] = { "/init", "exec-check", arg, NULL };
        execve("/init", argv, NULL);
        _exit(2);
    }
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve deletes the timers");
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "exec-check"))
        return exec_check(argv[2][0] - '0');
    block(TSIG);
    tap_plan(55);
    test_one_shot();
    test_periodic_overrun();
    test_abstime();
    test_null_sigevent();
    test_sigev_none();
    test_thread_id();
    test_sigev_thread();
    test_errors();
    test_deleted_pending();
    test_fork_exec();
    tap_finish();
}
