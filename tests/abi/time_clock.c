// SPDX-License-Identifier: MPL-2.0
// ABI suite: POSIX clocks, gettimeofday/settimeofday, time, nanosleep, clock_nanosleep and times.
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

#define MS 1000000LL
#define SEC 1000000000LL
#define BAD_PTR 0x10L
#define KERNEL_PTR ((long)0xffff800000000000UL)
/* Sleeps may overshoot a lot under TCG; only absurd durations fail. */
#define SLEEP_SLACK (5 * SEC)

static long sc(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static long long ts_ns(const struct timespec *t) { return (long long)t->tv_sec * SEC + t->tv_nsec; }

static long long now_ns(int clk)
{
    struct timespec t = { 0, 0 };
    sc(SYS_clock_gettime, clk, (long)&t, 0, 0);
    return ts_ns(&t);
}

static void busy_ns(long long ns)
{
    long long end = now_ns(CLOCK_MONOTONIC) + ns;
    while (now_ns(CLOCK_MONOTONIC) < end)
        ;
}

static char desc[160];
static const char *d(const char *fmt, long v)
{
    snprintf(desc, sizeof(desc), fmt, v);
    return desc;
}

static const int valid_clocks[] = {
    CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
    CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_TAI,
};
#define NVALID (int)(sizeof(valid_clocks) / sizeof(valid_clocks[0]))
static const long invalid_clocks[] = { -1, INT_MIN, 10, 12, 16, 100, INT_MAX };
#define NINVALID (int)(sizeof(invalid_clocks) / sizeof(invalid_clocks[0]))

/* 11 checks per valid clock. */
static void per_clock(int clk)
{
    struct timespec t = { -1, -1 }, r = { -1, -1 };
    tap_eq_long(sc(SYS_clock_gettime, clk, (long)&t, 0, 0), 0, d("clock_gettime(%ld) succeeds", clk));
    tap_ok(t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < SEC, d("clock %ld gives a normalised timespec", clk));
    tap_eq_long(sc(SYS_clock_getres, clk, (long)&r, 0, 0), 0, d("clock_getres(%ld) succeeds", clk));
    tap_ok(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10 * MS, d("clock %ld has a resolution in (0, 10 ms]", clk));
    tap_eq_long(sc(SYS_clock_getres, clk, 0, 0, 0), 0, d("clock_getres(%ld, NULL) succeeds", clk));
    tap_eq_long(sc(SYS_clock_gettime, clk, 0, 0, 0), -EFAULT, d("clock_gettime(%ld, NULL) fails with EFAULT", clk));
    tap_eq_long(sc(SYS_clock_gettime, clk, BAD_PTR, 0, 0), -EFAULT, d("clock_gettime(%ld) on an unmapped address: EFAULT", clk));
    tap_eq_long(sc(SYS_clock_gettime, clk, KERNEL_PTR, 0, 0), -EFAULT, d("clock_gettime(%ld) on a kernel address: EFAULT", clk));
    tap_eq_long(sc(SYS_clock_getres, clk, BAD_PTR, 0, 0), -EFAULT, d("clock_getres(%ld) on an unmapped address: EFAULT", clk));
    long long prev = now_ns(clk), back = 0;
    for (int i = 0; i < 2000; i++) {
        long long n = now_ns(clk);
        if (n < prev)
            back++;
        prev = n;
    }
    tap_eq_long(back, 0, d("clock %ld never goes backwards over 2000 reads", clk));
    /*
     * Spin in 20 ms steps for up to 5 s: a coarse clock only moves on a timer tick, which a loaded
     * host can deliver to the guest late.
     */
    long long a = now_ns(clk), end = now_ns(CLOCK_MONOTONIC) + 5 * SEC;
    bool moved = false;
    while (!moved && now_ns(CLOCK_MONOTONIC) < end) {
        busy_ns(20 * MS);
        moved = now_ns(clk) > a;
    }
    tap_ok(moved, d("clock %ld advances while the caller runs for 20 ms", clk));
}

/* 4 checks per invalid id, and 2 more. */
static void invalid_ids(void)
{
    struct timespec t = { 0, 0 }, ok = { 0, 1 };
    for (int i = 0; i < NINVALID; i++) {
        long id = invalid_clocks[i];
        tap_eq_long(sc(SYS_clock_gettime, id, (long)&t, 0, 0), -EINVAL, d("clock_gettime(%ld) fails with EINVAL", id));
        tap_eq_long(sc(SYS_clock_getres, id, (long)&t, 0, 0), -EINVAL, d("clock_getres(%ld) fails with EINVAL", id));
        tap_eq_long(sc(SYS_clock_settime, id, (long)&t, 0, 0), -EINVAL, d("clock_settime(%ld) fails with EINVAL", id));
        tap_eq_long(sc(SYS_clock_nanosleep, id, 0, (long)&ok, 0), -EINVAL, d("clock_nanosleep(%ld) fails with EINVAL", id));
    }
    tap_eq_long(sc(SYS_clock_gettime, 100, 0, 0, 0), -EINVAL, "an invalid clock id is reported before a bad pointer");
    tap_eq_long(sc(SYS_clock_gettime, 0x100000001L, (long)&t, 0, 0), 0, "the upper 32 bits of a clock id are ignored");
}

/* 11 checks. */
static void clock_relations(void)
{
    long long m = now_ns(CLOCK_MONOTONIC), b = now_ns(CLOCK_BOOTTIME);
    tap_ok(b >= m, "CLOCK_BOOTTIME is never behind CLOCK_MONOTONIC");
    long long mc = now_ns(CLOCK_MONOTONIC_COARSE), mf = now_ns(CLOCK_MONOTONIC);
    tap_ok(mc <= mf, "CLOCK_MONOTONIC_COARSE is never ahead of CLOCK_MONOTONIC");
    /* The lag is a tick normally, but the tick that moves the coarse clocks can reach a guest on a loaded host late. */
    mf = now_ns(CLOCK_MONOTONIC);
    mc = now_ns(CLOCK_MONOTONIC_COARSE);
    tap_ok(mc >= mf - 1000 * MS, "CLOCK_MONOTONIC_COARSE lags CLOCK_MONOTONIC by less than a second");
    long long rc = now_ns(CLOCK_REALTIME_COARSE), rf = now_ns(CLOCK_REALTIME);
    tap_ok(rc <= rf, "CLOCK_REALTIME_COARSE is never ahead of CLOCK_REALTIME");
    tap_ok(rc >= rf - 1000 * MS, "CLOCK_REALTIME_COARSE lags CLOCK_REALTIME by less than a second");
    long long r = now_ns(CLOCK_REALTIME), tai = now_ns(CLOCK_TAI);
    tap_ok(tai >= r && tai < r + 100 * SEC, "CLOCK_TAI is the realtime clock plus a small non-negative offset");
    tap_ok(r / SEC > 1577836800LL, "the realtime clock is past 2020");
    struct timespec res;
    sc(SYS_clock_getres, CLOCK_MONOTONIC, (long)&res, 0, 0);
    tap_eq_long(ts_ns(&res), 1, "CLOCK_MONOTONIC has a 1 ns resolution");
    sc(SYS_clock_getres, CLOCK_REALTIME, (long)&res, 0, 0);
    tap_eq_long(ts_ns(&res), 1, "CLOCK_REALTIME has a 1 ns resolution");
    struct timespec cres;
    sc(SYS_clock_getres, CLOCK_MONOTONIC_COARSE, (long)&cres, 0, 0);
    tap_ok(ts_ns(&cres) >= 1 * MS, "coarse clocks have at least a millisecond of resolution (a tick)");
    sc(SYS_clock_getres, CLOCK_REALTIME_COARSE, (long)&res, 0, 0);
    tap_eq_long(ts_ns(&res), ts_ns(&cres), "both coarse clocks share the tick resolution");
}

/* 6 checks. */
static void cpu_clocks(void)
{
    /* The CPU-time reads nest inside the monotonic ones, so a stall between two reads cannot skew them. */
    long long m0 = now_ns(CLOCK_MONOTONIC), t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    busy_ns(100 * MS);
    long long t1 = now_ns(CLOCK_THREAD_CPUTIME_ID), m1 = now_ns(CLOCK_MONOTONIC);
    tap_ok(t1 - t0 >= 10 * MS, "100 ms of spinning adds at least 10 ms of thread CPU time");
    tap_ok(t1 - t0 <= m1 - m0 + 10 * MS, "thread CPU time does not grow faster than the monotonic clock");
    long long p = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    tap_ok(p >= t1, "process CPU time includes the thread's CPU time");
    struct timespec req = { 0, 200 * MS };
    long long s0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    sc(SYS_nanosleep, (long)&req, 0, 0, 0);
    long long s1 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    tap_ok(s1 - s0 < 100 * MS, "a 200 ms sleep costs less than 100 ms of thread CPU time");
    struct timespec res;
    tap_eq_long(sc(SYS_clock_getres, CLOCK_PROCESS_CPUTIME_ID, (long)&res, 0, 0), 0, "clock_getres on the process CPU clock");
    tap_eq_long(ts_ns(&res), 1, "the process CPU clock has a 1 ns resolution");
}

/* 15 checks. */
static void gettimeofday_and_time(void)
{
    struct timeval tv = { -1, -1 };
    struct timezone tz = { -1, -1 };
    long long r0 = now_ns(CLOCK_REALTIME);
    tap_eq_long(sc(SYS_gettimeofday, (long)&tv, (long)&tz, 0, 0), 0, "gettimeofday succeeds");
    long long r1 = now_ns(CLOCK_REALTIME);
    long long g = (long long)tv.tv_sec * SEC + tv.tv_usec * 1000LL;
    tap_ok(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "gettimeofday gives tv_usec in [0, 1e6)");
    tap_ok(g >= r0 - 1000 && g <= r1, "gettimeofday agrees with CLOCK_REALTIME read around it");
    tap_eq_long(tz.tz_minuteswest, 0, "the kernel time zone starts at 0 minutes west");
    tap_eq_long(tz.tz_dsttime, 0, "the kernel time zone starts with no DST");
    tap_eq_long(sc(SYS_gettimeofday, 0, 0, 0, 0), 0, "gettimeofday(NULL, NULL) succeeds");
    tap_eq_long(sc(SYS_gettimeofday, (long)&tv, 0, 0, 0), 0, "gettimeofday without a time zone succeeds");
    tap_eq_long(sc(SYS_gettimeofday, BAD_PTR, 0, 0, 0), -EFAULT, "gettimeofday with a bad timeval fails with EFAULT");
    tap_eq_long(sc(SYS_gettimeofday, (long)&tv, BAD_PTR, 0, 0), -EFAULT, "gettimeofday with a bad timezone fails with EFAULT");
    /* time() reads the tick-granular (coarse) clock on Linux, which lags CLOCK_REALTIME by a
     * tick, or more when a loaded host delivers the guest's tick late: allow a second. */
    long long rs = (now_ns(CLOCK_REALTIME) - 1000 * MS) / SEC;
    long t = sc(SYS_time, 0, 0, 0, 0);
    long long re = now_ns(CLOCK_REALTIME) / SEC;
    tap_ok(t >= rs && t <= re, "time(NULL) returns the realtime clock's seconds");
    time_t stored = 0;
    long t2 = sc(SYS_time, (long)&stored, 0, 0, 0);
    tap_ok(t2 >= t, "time() does not go backwards");
    tap_eq_long((long)stored, t2, "time(&t) stores the value it returns");
    tap_eq_long(sc(SYS_time, BAD_PTR, 0, 0, 0), -EFAULT, "time() with a bad pointer fails with EFAULT");
    tap_eq_long(sc(SYS_time, KERNEL_PTR, 0, 0, 0), -EFAULT, "time() with a kernel pointer fails with EFAULT");
    struct timespec rt;
    sc(SYS_clock_gettime, CLOCK_REALTIME, (long)&rt, 0, 0);
    tap_ok(rt.tv_sec - t2 >= 0 && rt.tv_sec - t2 <= 1, "time() and clock_gettime(CLOCK_REALTIME) agree");
}

/* 20 checks. */
static void set_clock(void)
{
    struct timespec ts = { 0, 0 };
    static const int unsettable[] = { CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME,
                                      CLOCK_MONOTONIC_COARSE, CLOCK_REALTIME_COARSE, CLOCK_TAI };
    for (int i = 0; i < 6; i++) {
        sc(SYS_clock_gettime, unsettable[i], (long)&ts, 0, 0);
        tap_eq_long(sc(SYS_clock_settime, unsettable[i], (long)&ts, 0, 0), -EINVAL, d("clock %ld cannot be set (EINVAL)", unsettable[i]));
    }
    sc(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, (long)&ts, 0, 0);
    tap_eq_long(sc(SYS_clock_settime, CLOCK_PROCESS_CPUTIME_ID, (long)&ts, 0, 0), -EINVAL, "the process CPU clock cannot be set (EINVAL)");
    tap_eq_long(sc(SYS_clock_settime, CLOCK_THREAD_CPUTIME_ID, (long)&ts, 0, 0), -EINVAL, "the thread CPU clock cannot be set (EINVAL)");
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, 0, 0, 0), -EFAULT, "clock_settime(REALTIME, NULL) fails with EFAULT");
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, BAD_PTR, 0, 0), -EFAULT, "clock_settime with a bad pointer fails with EFAULT");
    struct timespec now;
    sc(SYS_clock_gettime, CLOCK_REALTIME, (long)&now, 0, 0);
    struct timespec bad1 = { now.tv_sec, -1 }, bad2 = { now.tv_sec, SEC }, bad3 = { -1, 0 }, zero = { 0, 0 };
    struct timespec huge = { LLONG_MAX, 0 };
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, (long)&bad1, 0, 0), -EINVAL, "clock_settime with tv_nsec -1: EINVAL");
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, (long)&bad2, 0, 0), -EINVAL, "clock_settime with tv_nsec 1e9: EINVAL");
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, (long)&bad3, 0, 0), -EINVAL, "clock_settime with tv_sec -1: EINVAL");
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, (long)&zero, 0, 0), -EINVAL, "the wall clock cannot be set before boot (EINVAL)");
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, (long)&huge, 0, 0), -EINVAL, "the wall clock cannot be set past the representable range");
    long long r0 = now_ns(CLOCK_REALTIME), m0 = now_ns(CLOCK_MONOTONIC);
    struct timespec later = { (time_t)(r0 / SEC) + 1000, r0 % SEC };
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, (long)&later, 0, 0), 0, "clock_settime(REALTIME) forward by 1000 s");
    long long r1 = now_ns(CLOCK_REALTIME), m1 = now_ns(CLOCK_MONOTONIC);
    tap_ok(r1 - r0 >= 1000 * SEC && r1 - r0 < 1010 * SEC, "the realtime clock jumped by 1000 s");
    tap_ok(m1 - m0 >= 0 && m1 - m0 < 10 * SEC, "setting the wall clock does not move the monotonic clock");
    long long back = now_ns(CLOCK_REALTIME) - 1000 * SEC;
    struct timespec restore = { (time_t)(back / SEC), back % SEC };
    tap_eq_long(sc(SYS_clock_settime, CLOCK_REALTIME, (long)&restore, 0, 0), 0, "clock_settime(REALTIME) back by 1000 s");
    long long r2 = now_ns(CLOCK_REALTIME);
    tap_ok(r2 >= r0 && r2 - r0 < 10 * SEC, "the realtime clock is back where it was");
}

/* 15 checks. */
static void set_timeofday(void)
{
    struct timezone z0 = { 0, 0 }, z60 = { 60, 1 }, zbig = { 15 * 60 + 1, 0 }, zneg = { -15 * 60 - 1, 0 }, got;
    struct timeval tv;
    tap_eq_long(sc(SYS_settimeofday, 0, 0, 0, 0), 0, "settimeofday(NULL, NULL) succeeds and does nothing");
    tap_eq_long(sc(SYS_settimeofday, 0, (long)&z0, 0, 0), 0, "settimeofday sets a zero time zone");
    tap_eq_long(sc(SYS_settimeofday, 0, (long)&z60, 0, 0), 0, "settimeofday sets a time zone 60 minutes west");
    sc(SYS_gettimeofday, (long)&tv, (long)&got, 0, 0);
    tap_ok(got.tz_minuteswest == 60 && got.tz_dsttime == 1, "gettimeofday reports the time zone that was set");
    tap_eq_long(sc(SYS_settimeofday, 0, (long)&zbig, 0, 0), -EINVAL, "a time zone over 15 hours west fails with EINVAL");
    tap_eq_long(sc(SYS_settimeofday, 0, (long)&zneg, 0, 0), -EINVAL, "a time zone over 15 hours east fails with EINVAL");
    sc(SYS_gettimeofday, (long)&tv, (long)&got, 0, 0);
    tap_eq_long(got.tz_minuteswest, 60, "a rejected time zone leaves the old one");
    tap_eq_long(sc(SYS_settimeofday, 0, (long)&z0, 0, 0), 0, "the time zone is restored to 0");
    tap_eq_long(sc(SYS_settimeofday, BAD_PTR, 0, 0, 0), -EFAULT, "settimeofday with a bad timeval fails with EFAULT");
    tap_eq_long(sc(SYS_settimeofday, 0, BAD_PTR, 0, 0), -EFAULT, "settimeofday with a bad timezone fails with EFAULT");
    sc(SYS_gettimeofday, (long)&tv, 0, 0, 0);
    struct timeval u1 = { tv.tv_sec, 1000000 }, u2 = { tv.tv_sec, -1 };
    tap_eq_long(sc(SYS_settimeofday, (long)&u1, 0, 0, 0), -EINVAL, "settimeofday with tv_usec 1e6 fails with EINVAL");
    tap_eq_long(sc(SYS_settimeofday, (long)&u2, 0, 0, 0), -EINVAL, "settimeofday with tv_usec -1 fails with EINVAL");
    long long r0 = now_ns(CLOCK_REALTIME);
    struct timeval fwd = { (time_t)(r0 / SEC) + 500, 0 };
    tap_eq_long(sc(SYS_settimeofday, (long)&fwd, 0, 0, 0), 0, "settimeofday moves the wall clock 500 s forward");
    long long r1 = now_ns(CLOCK_REALTIME);
    tap_ok(r1 - r0 >= 499 * SEC && r1 - r0 < 510 * SEC, "the realtime clock followed settimeofday");
    long long back = now_ns(CLOCK_REALTIME) - 500 * SEC;
    struct timeval bk = { (time_t)(back / SEC), (back % SEC) / 1000 };
    tap_eq_long(sc(SYS_settimeofday, (long)&bk, 0, 0, 0), 0, "settimeofday moves the wall clock back");
}

/* 12 checks. */
static void nanosleep_checks(void)
{
    struct timespec req = { 0, 50 * MS }, rem = { -7, -7 };
    long long t0 = now_ns(CLOCK_MONOTONIC);
    tap_eq_long(sc(SYS_nanosleep, (long)&req, (long)&rem, 0, 0), 0, "nanosleep(50 ms) returns 0");
    long long el = now_ns(CLOCK_MONOTONIC) - t0;
    tap_ok(el >= 50 * MS, "nanosleep(50 ms) sleeps at least 50 ms");
    tap_ok(el < 50 * MS + SLEEP_SLACK, "nanosleep(50 ms) does not sleep absurdly long");
    tap_ok(rem.tv_sec == -7 && rem.tv_nsec == -7, "a completed nanosleep leaves rem untouched");
    struct timespec req2 = { 0, 250 * MS };
    t0 = now_ns(CLOCK_MONOTONIC);
    tap_eq_long(sc(SYS_nanosleep, (long)&req2, BAD_PTR, 0, 0), 0, "a completed nanosleep ignores a bad rem pointer");
    tap_ok(now_ns(CLOCK_MONOTONIC) - t0 >= 250 * MS, "nanosleep(250 ms) sleeps at least 250 ms");
    struct timespec z = { 0, 0 };
    tap_eq_long(sc(SYS_nanosleep, (long)&z, 0, 0, 0), 0, "nanosleep(0) returns 0");
    tap_eq_long(sc(SYS_nanosleep, 0, 0, 0, 0), -EFAULT, "nanosleep(NULL) fails with EFAULT");
    tap_eq_long(sc(SYS_nanosleep, BAD_PTR, 0, 0, 0), -EFAULT, "nanosleep with a bad request fails with EFAULT");
    struct timespec b1 = { 0, -1 }, b2 = { 0, SEC }, b3 = { -1, 0 };
    tap_eq_long(sc(SYS_nanosleep, (long)&b1, 0, 0, 0), -EINVAL, "nanosleep with tv_nsec -1 fails with EINVAL");
    tap_eq_long(sc(SYS_nanosleep, (long)&b2, 0, 0, 0), -EINVAL, "nanosleep with tv_nsec 1e9 fails with EINVAL");
    tap_eq_long(sc(SYS_nanosleep, (long)&b3, 0, 0, 0), -EINVAL, "nanosleep with a negative tv_sec fails with EINVAL");
}

/* 3 checks: relative sleep on one clock. */
static void rel_sleep(int clk)
{
    struct timespec req = { 0, 30 * MS }, rem = { -7, -7 };
    long long t0 = now_ns(CLOCK_MONOTONIC);
    tap_eq_long(sc(SYS_clock_nanosleep, clk, 0, (long)&req, (long)&rem), 0, d("clock_nanosleep(%ld, relative 30 ms) returns 0", clk));
    long long el = now_ns(CLOCK_MONOTONIC) - t0;
    tap_ok(el >= 30 * MS && el < 30 * MS + SLEEP_SLACK, d("clock_nanosleep(%ld) slept at least 30 ms, not absurdly long", clk));
    tap_ok(rem.tv_sec == -7 && rem.tv_nsec == -7, d("clock_nanosleep(%ld) leaves rem untouched on completion", clk));
}

/* 3 checks: absolute sleep on one clock. */
static void abs_sleep(int clk)
{
    long long deadline = now_ns(clk) + 40 * MS;
    struct timespec req = { (time_t)(deadline / SEC), deadline % SEC };
    tap_eq_long(sc(SYS_clock_nanosleep, clk, TIMER_ABSTIME, (long)&req, BAD_PTR), 0, d("clock_nanosleep(%ld, TIMER_ABSTIME) returns 0", clk));
    long long n = now_ns(clk);
    tap_ok(n >= deadline, d("clock %ld reached the absolute deadline", clk));
    tap_ok(n < deadline + SLEEP_SLACK, d("clock_nanosleep(%ld, TIMER_ABSTIME) did not oversleep absurdly", clk));
}

/* 32 checks. */
static void clock_nanosleep_checks(void)
{
    rel_sleep(CLOCK_MONOTONIC);
    rel_sleep(CLOCK_REALTIME);
    rel_sleep(CLOCK_BOOTTIME);
    abs_sleep(CLOCK_MONOTONIC);
    abs_sleep(CLOCK_REALTIME);
    abs_sleep(CLOCK_BOOTTIME);
    struct timespec past = { 1, 0 }, z = { 0, 0 }, req = { 0, MS };
    long long t0 = now_ns(CLOCK_MONOTONIC);
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&past, 0), 0, "an absolute deadline in the past returns 0");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&z, 0), 0, "an absolute realtime deadline of 0 returns 0");
    tap_ok(now_ns(CLOCK_MONOTONIC) - t0 < SEC, "past deadlines return at once");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x2, (long)&req, 0), 0, "unknown clock_nanosleep flag bits are ignored");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, (long)&req, 0), -EOPNOTSUPP, "sleeping on the thread CPU clock is not supported");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, (long)&req, 0), -EOPNOTSUPP, "sleeping on CLOCK_MONOTONIC_RAW is not supported");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, (long)&req, 0), -EOPNOTSUPP, "sleeping on CLOCK_MONOTONIC_COARSE is not supported");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_REALTIME_COARSE, 0, (long)&req, 0), -EOPNOTSUPP, "sleeping on CLOCK_REALTIME_COARSE is not supported");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, 0, 0), -EFAULT, "clock_nanosleep with a NULL request fails with EFAULT");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD_PTR, 0), -EFAULT, "clock_nanosleep with a bad request fails with EFAULT");
    struct timespec b1 = { 0, -1 }, b2 = { 0, SEC }, b3 = { -1, 0 };
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&b1, 0), -EINVAL, "clock_nanosleep with tv_nsec -1: EINVAL");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (long)&b2, 0), -EINVAL, "clock_nanosleep with tv_nsec 1e9: EINVAL");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&b3, 0), -EINVAL, "an absolute negative deadline: EINVAL");
    tap_eq_long(sc(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, (long)&b2, 0), -EINVAL, "an absolute realtime deadline with tv_nsec 1e9: EINVAL");
}

/* 9 checks. */
static void times_checks(void)
{
    struct tms a, b;
    memset(&a, 0x55, sizeof(a));
    long r0 = sc(SYS_times, (long)&a, 0, 0, 0);
    tap_ok(r0 >= 0, "times() returns a non-negative tick count");
    tap_ok(a.tms_cutime == 0 && a.tms_cstime == 0, "times() reports no CPU time of waited-for children");
    busy_ns(200 * MS);
    long r1 = sc(SYS_times, (long)&b, 0, 0, 0);
    long cpu = (long)((b.tms_utime + b.tms_stime) - (a.tms_utime + a.tms_stime));
    tap_ok(cpu >= 2, "200 ms of spinning adds CPU ticks in times()");
    tap_ok(cpu <= r1 - r0 + 2, "CPU ticks do not exceed elapsed ticks");
    tap_ok(r1 - r0 >= 18 && r1 - r0 < 20 + 500, "the tick count advances by about 20 (USER_HZ 100) in 200 ms");
    struct timespec req = { 0, 100 * MS };
    long s0 = sc(SYS_times, 0, 0, 0, 0);
    sc(SYS_nanosleep, (long)&req, 0, 0, 0);
    long s1 = sc(SYS_times, 0, 0, 0, 0);
    tap_ok(s0 >= r1, "times(NULL) returns the tick count too");
    tap_ok(s1 - s0 >= 9, "the tick count advances while sleeping");
    tap_eq_long(sc(SYS_times, BAD_PTR, 0, 0, 0), -EFAULT, "times() with a bad buffer fails with EFAULT");
    tap_eq_long(sc(SYS_times, KERNEL_PTR, 0, 0, 0), -EFAULT, "times() with a kernel buffer fails with EFAULT");
}

int main(void)
{
    tap_plan(NVALID * 11 + NINVALID * 4 + 2 + 11 + 6 + 15 + 20 + 15 + 12 + 32 + 9);
    for (int i = 0; i < NVALID; i++)
        per_clock(valid_clocks[i]);
    invalid_ids();
    clock_relations();
    cpu_clocks();
    gettimeofday_and_time();
    set_clock();
    set_timeofday();
    nanosleep_checks();
    clock_nanosleep_checks();
    times_checks();
    tap_finish();
}
