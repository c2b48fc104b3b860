// SPDX-License-Identifier: MPL-2.0
// POSIX clocks by Linux clock id, and timespec/nanosecond conversions.
#ifndef KEEL_TIME_CLOCK_H
#define KEEL_TIME_CLOCK_H

#include <ostd/types.h>
#include <uapi/time.h>

enum {
    KCLOCK_SETTABLE = 1 << 0,   /* clock_settime may change it */
    KCLOCK_SLEEP    = 1 << 1,   /* clock_nanosleep may sleep on it */
    KCLOCK_CPU      = 1 << 2,   /* a CPU-time clock */
    KCLOCK_COARSE   = 1 << 3,   /* tick granularity */
    KCLOCK_REAL     = 1 << 4,   /* follows the wall clock, jumps when it is set */
};

struct kclock {
    uint64_t (*now)(void);      /* current value in nanoseconds */
    unsigned flags;
};

/* The clock named by a Linux clock id, or NULL (the syscalls answer -EINVAL). Any context. */
const struct kclock *kclock_get(int64_t id);
/* Resolution of a clock in nanoseconds. */
uint64_t kclock_res_ns(const struct kclock *k);

/* Largest nanosecond count a timespec converts to; longer sleeps are "forever". */
#define KTIME_MAX_NS ((uint64_t)INT64_MAX)

/* True if 0 <= tv_sec and 0 <= tv_nsec < 1e9 (what Linux calls a valid timespec). */
bool timespec_valid(const struct kernel_timespec *ts);
/* Nanoseconds in a valid timespec, saturated at KTIME_MAX_NS. */
uint64_t timespec_to_ns(const struct kernel_timespec *ts);
struct kernel_timespec ns_to_timespec(uint64_t ns);

/* Copy a timespec from user space: 0 or -EFAULT (no validation). */
int timespec_from_user(struct kernel_timespec *ts, uptr_t p) __must_check;
int timespec_to_user(uptr_t p, uint64_t ns) __must_check;

#endif
