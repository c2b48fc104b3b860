// SPDX-License-Identifier: MPL-2.0
// Sleeping syscalls: nanosleep and clock_nanosleep (relative and TIMER_ABSTIME).
#include <ostd/task.h>
#include <ostd/time.h>
#include <uapi/errno.h>
#include "syscall/syscall.h"
#include "time/clock.h"
#include "signal/signal.h"

long sys_nanosleep(struct sys_call *c);
long sys_clock_nanosleep(struct sys_call *c);

/* Clocks that can be set are re-read at least this often, so a set wall clock is noticed. */
#define REAL_RECHECK_NS (100 * 1000 * 1000ULL)

static long sleep_resume(struct restart_block *rb);

/*
 * A relative sleep until deadline on clock k. Interrupted, it writes the time
 * left to rem (if not 0; a completed sleep leaves rem untouched, as Linux) and
 * returns -ERESTART_RESTARTBLOCK: EINTR when a handler runs; after a stop and
 * continue, restart_syscall resumes it with the same deadline, so the whole
 * sleep still ends when first asked.
 */
static long sleep_to_deadline(const struct kclock *k, uint64_t deadline, uint64_t rem)
{
    uint64_t now = k->now(), left;
    if (now >= deadline || !signal_sleep_ns(deadline - now, &left))
        return 0;
    if (rem && timespec_to_user(uptr(rem), left))
        return -EFAULT;
    struct restart_block *rb = signal_restart_block();
    *rb = (struct restart_block){ .fn = sleep_resume, .clock = k, .deadline_ns = deadline, .rem = rem };
    return -ERESTART_RESTARTBLOCK;
}

static long sleep_resume(struct restart_block *rb)
{
    return sleep_to_deadline(rb->clock, rb->deadline_ns, rb->rem);
}

static long sleep_relative(const struct kclock *k, uint64_t ns, uint64_t rem)
{
    uint64_t now = k->now();
    return ns ? sleep_to_deadline(k, now + ns < now ? UINT64_MAX : now + ns, rem) : 0;
}

/* Sleep until clock k reads at least deadline. */
static long sleep_until(const struct kclock *k, uint64_t deadline)
{
    for (;;) {
        uint64_t now = k->now();
        if (now >= deadline)
            return 0;
        uint64_t d = deadline - now;
        if (k->flags & KCLOCK_REAL)
            d = MIN(d, REAL_RECHECK_NS);
        if (signal_sleep_ns(d, NULL))
            return -ERESTARTNOHAND;
    }
}

/* Copy in and validate a requested time: 0, -EFAULT or -EINVAL. */
static int get_request(struct kernel_timespec *ts, uint64_t uaddr)
{
    if (timespec_from_user(ts, uptr(uaddr)))
        return -EFAULT;
    return timespec_valid(ts) ? 0 : -EINVAL;
}

long sys_nanosleep(struct sys_call *c)
{
    struct kernel_timespec ts;
    int err = get_request(&ts, c->arg[0]);
    if (err)
        return err;
    return sleep_relative(kclock_get(CLOCK_MONOTONIC), timespec_to_ns(&ts), c->arg[1]);
}

/*
 * CPU-time clocks: with one thread per process the caller's CPU time cannot
 * advance while it sleeps, so only a deadline already reached can complete.
 * FIXME: sleep on the process clock once other threads can consume CPU time.
 */
static long cpu_clock_sleep(const struct kclock *k, bool abs, uint64_t ns)
{
    bool reached = abs ? k->now() >= ns : ns == 0;
    return reached ? 0 : -EOPNOTSUPP;
}

long sys_clock_nanosleep(struct sys_call *c)
{
    const struct kclock *k = kclock_get((int32_t)c->arg[0]);
    bool abs = (int32_t)c->arg[1] & TIMER_ABSTIME;   /* other flag bits are ignored, as on Linux */
    if (!k)
        return -EINVAL;
    if (!(k->flags & KCLOCK_SLEEP))
        return -EOPNOTSUPP;
    struct kernel_timespec ts;
    int err = get_request(&ts, c->arg[2]);
    if (err)
        return err;
    uint64_t ns = timespec_to_ns(&ts);
    if (k->flags & KCLOCK_CPU)
        return cpu_clock_sleep(k, abs, ns);
    if (abs)
        return sleep_until(k, ns);
    return sleep_relative(k, ns, c->arg[3]);
}
