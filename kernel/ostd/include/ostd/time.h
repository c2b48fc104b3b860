// SPDX-License-Identifier: MPL-2.0
// Clocks (TSC based) and one-shot kernel timers.
#ifndef OSTD_TIME_H
#define OSTD_TIME_H

#include <ostd/types.h>
#include <ostd/list.h>

#define NSEC_PER_SEC 1000000000ULL

uint64_t clock_monotonic_ns(void);   /* since boot, never goes backwards */
uint64_t clock_realtime_ns(void);    /* wall clock: RTC at boot + monotonic + adjustments */
void clock_set_realtime_ns(uint64_t ns);
uint64_t clock_tick_hz(void);        /* scheduler tick frequency */

/* One-shot timer; the callback runs in interrupt context on the arming CPU. */
struct ktimer {
    struct list_head node;   /* guarded by the per-CPU timer lock */
    uint64_t deadline_ns;
    void (*fn)(void *arg);
    void *arg;
    int cpu;                 /* -1 when not armed */
};
void ktimer_init(struct ktimer *t, void (*fn)(void *), void *arg);
void ktimer_arm(struct ktimer *t, uint64_t deadline_ns);
/* Returns true if the timer was pending and is now cancelled. */
bool ktimer_cancel(struct ktimer *t);

#endif
