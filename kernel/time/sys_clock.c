// SPDX-License-Identifier: MPL-2.0
// Clock syscalls: clock_gettime/getres/settime, gettimeofday, settimeofday and time.
#include <ostd/sync.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/capability.h>
#include "proc/cred.h"
#include "syscall/syscall.h"
#include "time/clock.h"

long sys_clock_gettime(struct sys_call *c);
long sys_clock_getres(struct sys_call *c);
long sys_clock_settime(struct sys_call *c);
long sys_gettimeofday(struct sys_call *c);
long sys_settimeofday(struct sys_call *c);
long sys_time(struct sys_call *c);

/*
 * Latest wall-clock second settimeofday accepts: the 64-bit nanosecond range
 * minus 30 years of uptime headroom, as Linux computes it.
 */
#define SETTOD_SEC_MAX ((int64_t)(KTIME_MAX_NS / NSEC_PER_SEC) - 30LL * 365 * 86400)
#define TZ_MINUTES_MAX (15 * 60)

/* The kernel's idea of the time zone: only stored and reported back. */
static spinlock_t tz_lock = SPINLOCK_INIT("timezone");
static struct kernel_timezone sys_tz;   /* guarded by tz_lock */

long sys_clock_gettime(struct sys_call *c)
{
    const struct kclock *k = kclock_get((int32_t)c->arg[0]);
    if (!k)
        return -EINVAL;
    return timespec_to_user(uptr(c->arg[1]), k->now());
}

long sys_clock_getres(struct sys_call *c)
{
    const struct kclock *k = kclock_get((int32_t)c->arg[0]);
    if (!k)
        return -EINVAL;
    if (c->arg[1] == 0)
        return 0;
    return timespec_to_user(uptr(c->arg[1]), kclock_res_ns(k));
}

/* Set the wall clock; new time must be valid, representable and not before boot. */
static long set_realtime(const struct kernel_timespec *ts)
{
    if (!timespec_valid(ts) || ts->tv_sec >= SETTOD_SEC_MAX)
        return -EINVAL;
    uint64_t ns = timespec_to_ns(ts);
    if (ns < clock_monotonic_ns())
        return -EINVAL;   /* the wall clock cannot be set before the moment of boot */
    if (!capable(CAP_SYS_TIME))
        return -EPERM;
    clock_set_realtime_ns(ns);
    return 0;
}

long sys_clock_settime(struct sys_call *c)
{
    const struct kclock *k = kclock_get((int32_t)c->arg[0]);
    if (!k || !(k->flags & KCLOCK_SETTABLE))
        return -EINVAL;   /* only the wall clock can be set; CPU clocks too answer EINVAL */
    struct kernel_timespec ts;
    if (timespec_from_user(&ts, uptr(c->arg[1])))
        return -EFAULT;
    return set_realtime(&ts);
}

long sys_gettimeofday(struct sys_call *c)
{
    uptr_t utv = uptr(c->arg[0]), utz = uptr(c->arg[1]);
    if (!uptr_is_null(utv)) {
        uint64_t ns = clock_realtime_ns();
        struct kernel_timeval tv = { (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) };
        if (copy_to_user(utv, &tv, sizeof(tv)))
            return -EFAULT;
    }
    if (!uptr_is_null(utz)) {
        spin_lock(&tz_lock);
        struct kernel_timezone tz = sys_tz;
        spin_unlock(&tz_lock);
        if (copy_to_user(utz, &tz, sizeof(tz)))
            return -EFAULT;
    }
    return 0;
}

long sys_settimeofday(struct sys_call *c)
{
    uptr_t utv = uptr(c->arg[0]), utz = uptr(c->arg[1]);
    struct kernel_timeval tv;
    struct kernel_timezone tz;
    struct kernel_timespec ts = { 0, 0 };
    if (!uptr_is_null(utv)) {
        if (copy_from_user(&tv, utv, sizeof(tv)))
            return -EFAULT;
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        ts = (struct kernel_timespec){ tv.tv_sec, tv.tv_usec * 1000 };
    }
    if (!uptr_is_null(utz) && copy_from_user(&tz, utz, sizeof(tz)))
        return -EFAULT;
    if (!uptr_is_null(utv) && (!timespec_valid(&ts) || ts.tv_sec >= SETTOD_SEC_MAX))
        return -EINVAL;
    if (!uptr_is_null(utz)) {
        if (tz.tz_minuteswest > TZ_MINUTES_MAX || tz.tz_minuteswest < -TZ_MINUTES_MAX)
            return -EINVAL;
        if (!capable(CAP_SYS_TIME))
            return -EPERM;
        spin_lock(&tz_lock);
        sys_tz = tz;
        spin_unlock(&tz_lock);
    }
    return uptr_is_null(utv) ? 0 : set_realtime(&ts);
}

long sys_time(struct sys_call *c)
{
    int64_t now = (int64_t)(clock_realtime_ns() / NSEC_PER_SEC);
    uptr_t tloc = uptr(c->arg[0]);
    if (!uptr_is_null(tloc) && copy_to_user(tloc, &now, sizeof(now)))
        return -EFAULT;
    return now;
}
