// SPDX-License-Identifier: MPL-2.0
// The POSIX clock table: which Linux clock ids exist, how to read them, what they allow.
#include <ostd/time.h>
#include <ostd/task.h>
#include <ostd/user.h>
#include "time/clock.h"

static uint64_t tick_ns(void) { return NSEC_PER_SEC / clock_tick_hz(); }

/* Coarse clocks read the fine clock rounded down to a tick: never ahead of it, never backwards. */
static uint64_t realtime_coarse(void) { uint64_t t = clock_realtime_ns(); return t - t % tick_ns(); }
static uint64_t monotonic_coarse(void) { uint64_t t = clock_monotonic_ns(); return t - t % tick_ns(); }

static uint64_t thread_cputime(void) { return task_runtime_ns(task_current()); }

/*
 * FIXME: the process clock must sum the runtime of every thread of the
 * process (and of its exited threads); until clone creates threads a process
 * has exactly one, the calling one.
 */
static uint64_t process_cputime(void) { return task_runtime_ns(task_current()); }

/*
 * Keel has no NTP slewing and no suspend, so MONOTONIC_RAW and BOOTTIME read
 * the monotonic clock, and TAI is the realtime clock with a TAI offset of 0
 * (Linux's value until adjtimex sets one).
 * FIXME: REALTIME_ALARM and BOOTTIME_ALARM need an RTC alarm device; they
 * answer -EINVAL, as Linux does on machines without one.
 */
static const struct kclock clocks[MAX_CLOCKS] = {
    [CLOCK_REALTIME] = { clock_realtime_ns, KCLOCK_SETTABLE | KCLOCK_SLEEP | KCLOCK_REAL },
    [CLOCK_MONOTONIC] = { clock_monotonic_ns, KCLOCK_SLEEP },
    [CLOCK_PROCESS_CPUTIME_ID] = { process_cputime, KCLOCK_CPU | KCLOCK_SLEEP },
    [CLOCK_THREAD_CPUTIME_ID] = { thread_cputime, KCLOCK_CPU },
    [CLOCK_MONOTONIC_RAW] = { clock_monotonic_ns, 0 },
    [CLOCK_REALTIME_COARSE] = { realtime_coarse, KCLOCK_COARSE },
    [CLOCK_MONOTONIC_COARSE] = { monotonic_coarse, KCLOCK_COARSE },
    [CLOCK_BOOTTIME] = { clock_monotonic_ns, KCLOCK_SLEEP },
    [CLOCK_TAI] = { clock_realtime_ns, KCLOCK_SLEEP | KCLOCK_REAL },
};

/*
 * FIXME: negative ids encode per-pid and per-thread CPU clocks
 * (clock_getcpuclockid, pthread_getcpuclockid) and dynamic fd clocks; they
 * need the process table and are rejected for now.
 */
const struct kclock *kclock_get(int64_t id)
{
    if (id < 0 || id >= MAX_CLOCKS || !clocks[id].now)
        return NULL;
    return &clocks[id];
}

/* High-resolution clocks report 1 ns, as Linux does with hrtimers; coarse ones a tick. */
uint64_t kclock_res_ns(const struct kclock *k)
{
    return (k->flags & KCLOCK_COARSE) ? tick_ns() : 1;
}

bool timespec_valid(const struct kernel_timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && (uint64_t)ts->tv_nsec < NSEC_PER_SEC;
}

uint64_t timespec_to_ns(const struct kernel_timespec *ts)
{
    uint64_t sec = (uint64_t)ts->tv_sec;
    if (sec >= KTIME_MAX_NS / NSEC_PER_SEC)
        return KTIME_MAX_NS;
    return sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

struct kernel_timespec ns_to_timespec(uint64_t ns)
{
    return (struct kernel_timespec){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
}

int timespec_from_user(struct kernel_timespec *ts, uptr_t p)
{
    return copy_from_user(ts, p, sizeof(*ts));
}

int timespec_to_user(uptr_t p, uint64_t ns)
{
    struct kernel_timespec ts = ns_to_timespec(ns);
    return copy_to_user(p, &ts, sizeof(ts));
}
