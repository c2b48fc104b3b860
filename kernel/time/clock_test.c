// SPDX-License-Identifier: MPL-2.0
// KTESTs for the POSIX clock table and the timespec conversions.
#include <ostd/ktest.h>
#include <ostd/task.h>
#include <ostd/time.h>
#include "time/clock.h"

KTEST(timespec_validity)
{
    struct kernel_timespec ok = { 5, 999999999 }, neg_ns = { 0, -1 }, big_ns = { 0, 1000000000 }, neg_s = { -1, 0 };
    KT_ASSERT(timespec_valid(&ok));
    KT_ASSERT(!timespec_valid(&neg_ns));
    KT_ASSERT(!timespec_valid(&big_ns));
    KT_ASSERT(!timespec_valid(&neg_s));
}

KTEST(timespec_conversions)
{
    struct kernel_timespec ts = { 3, 14 };
    KT_EQ(timespec_to_ns(&ts), 3000000014ULL);
    struct kernel_timespec back = ns_to_timespec(3000000014ULL);
    KT_EQ(back.tv_sec, 3);
    KT_EQ(back.tv_nsec, 14);
    struct kernel_timespec huge = { INT64_MAX, 999999999 };
    KT_EQ(timespec_to_ns(&huge), KTIME_MAX_NS);
    struct kernel_timespec edge = { (int64_t)(KTIME_MAX_NS / NSEC_PER_SEC) - 1, 0 };
    KT_ASSERT(timespec_to_ns(&edge) < KTIME_MAX_NS);
}

KTEST(kclock_ids)
{
    static const int64_t bad[] = { -1, 8, 9, 10, 12, 15, 16, 1000, INT64_MIN };
    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++)
        KT_ASSERT(kclock_get(bad[i]) == NULL);
    for (int id = 0; id <= CLOCK_BOOTTIME; id++)
        KT_ASSERT(kclock_get(id) != NULL);
    KT_ASSERT(kclock_get(CLOCK_TAI) != NULL);
    KT_ASSERT(kclock_get(CLOCK_REALTIME)->flags & KCLOCK_SETTABLE);
    KT_ASSERT(!(kclock_get(CLOCK_MONOTONIC)->flags & KCLOCK_SETTABLE));
    KT_ASSERT(!(kclock_get(CLOCK_MONOTONIC_RAW)->flags & KCLOCK_SLEEP));
    KT_ASSERT(!(kclock_get(CLOCK_THREAD_CPUTIME_ID)->flags & KCLOCK_SLEEP));
}

KTEST(kclock_coarse_and_resolution)
{
    const struct kclock *c = kclock_get(CLOCK_MONOTONIC_COARSE), *f = kclock_get(CLOCK_MONOTONIC);
    uint64_t tick = NSEC_PER_SEC / clock_tick_hz();
    KT_EQ(kclock_res_ns(c), tick);
    KT_EQ(kclock_res_ns(f), 1);
    uint64_t cv = c->now();
    KT_EQ(cv % tick, 0);
    KT_ASSERT(cv <= f->now());
}

KTEST(kclock_thread_cputime_advances)
{
    const struct kclock *k = kclock_get(CLOCK_THREAD_CPUTIME_ID);
    uint64_t t0 = k->now(), end = clock_monotonic_ns() + 5000000ULL;
    while (clock_monotonic_ns() < end)
        ;
    KT_ASSERT(k->now() > t0);
}
