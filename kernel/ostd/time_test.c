// SPDX-License-Identifier: MPL-2.0
// KTESTs for clocks, task sleeps and one-shot ktimers.
#include <ostd/ktest.h>
#include <ostd/time.h>
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/sync.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"

#define MS 1000000ULL
#define SLACK (2000 * MS)   /* upper bound for "not absurdly late" under slow TCG */

/* Poll (sleeping 1 ms between looks) until *flag becomes nonzero or timeout_ns passes. */
static bool wait_flag(const int *flag, uint64_t timeout_ns)
{
    uint64_t end = clock_monotonic_ns() + timeout_ns;
    while (!atomic_load(flag)) {
        if (clock_monotonic_ns() > end)
            return false;
        task_sleep_ns(MS);
    }
    return true;
}

KTEST(clock_monotonic_advances)
{
    uint64_t first = clock_monotonic_ns();
    uint64_t prev = first, backwards = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t now = clock_monotonic_ns();
        backwards += now < prev;
        prev = now;
    }
    uint64_t spin_end = clock_monotonic_ns() + MS;   /* must get there by busy-waiting */
    uint64_t spins = 0;
    while (clock_monotonic_ns() < spin_end && spins < 1000000000ULL)
        spins++;
    uint64_t last = clock_monotonic_ns();
    KT_ASSERT(first > 0);
    KT_EQ(backwards, 0);
    KT_ASSERT(last >= first + MS);
    KT_ASSERT(clock_tick_hz() >= 50 && clock_tick_hz() <= 10000);
    /* The wall clock comes from the RTC: after 2020-01-01 (QEMU gives host time). */
    KT_ASSERT(clock_realtime_ns() > 1577836800ULL * NSEC_PER_SEC);
}

/* Each CPU's reading must be >= one taken before on another CPU (TSCs in sync). */
static uint64_t xcpu_stamp;
static int xcpu_bad;

static void xcpu_check(void *arg)
{
    (void)arg;
    uint64_t before = atomic_load(&xcpu_stamp);
    uint64_t now = clock_monotonic_ns();
    if (now < before)
        atomic_add(&xcpu_bad, 1);
}

KTEST(clock_monotonic_across_cpus)
{
    for (int i = 0; i < 200; i++) {
        atomic_store(&xcpu_stamp, clock_monotonic_ns());
        cpu_call_all(xcpu_check, NULL);
    }
    KT_EQ(atomic_load(&xcpu_bad), 0);
}

KTEST(task_sleep_duration)
{
    for (int i = 0; i < 3; i++) {
        uint64_t t0 = clock_monotonic_ns();
        task_sleep_ns(20 * MS);
        uint64_t dt = clock_monotonic_ns() - t0;
        KT_ASSERT(dt >= 20 * MS);
        KT_ASSERT(dt < 20 * MS + SLACK);
    }
    uint64_t t0 = clock_monotonic_ns();
    task_sleep_ns(0);
    KT_ASSERT(clock_monotonic_ns() - t0 < SLACK);
}

struct timer_probe {
    int fired;
    uint64_t when;
    int cpu;
    bool in_irq_context;
};

static void probe_fn(void *arg)
{
    struct timer_probe *p = arg;
    p->when = clock_monotonic_ns();
    p->cpu = (int)cpu_this();
    p->in_irq_context = this_cpu()->irq_depth > 0 && !irqs_enabled();
    atomic_add(&p->fired, 1);
}

KTEST(ktimer_fires_once)
{
    struct timer_probe p = { 0 };
    struct ktimer t;
    ktimer_init(&t, probe_fn, &p);
    preempt_disable();    /* arm and read the CPU together */
    int arm_cpu = (int)cpu_this();
    uint64_t deadline = clock_monotonic_ns() + 10 * MS;
    ktimer_arm(&t, deadline);
    preempt_enable();
    bool fired = wait_flag(&p.fired, 5000 * MS);
    task_sleep_ns(50 * MS);   /* a one-shot timer must not fire again */
    bool cancel_after = ktimer_cancel(&t);
    KT_ASSERT(fired);
    KT_EQ(atomic_load(&p.fired), 1);
    KT_ASSERT(p.when >= deadline);
    KT_ASSERT(p.when < deadline + SLACK);
    KT_EQ(p.cpu, arm_cpu);
    KT_ASSERT(p.in_irq_context);
    KT_EQ(t.cpu, -1);
    KT_ASSERT(!cancel_after);
}

KTEST(ktimer_cancel_pending)
{
    struct timer_probe p = { 0 };
    struct ktimer t;
    ktimer_init(&t, probe_fn, &p);
    bool cancel_unarmed = ktimer_cancel(&t);
    /* 500 ms: a host stall between arm and cancel must not let it fire first. */
    ktimer_arm(&t, clock_monotonic_ns() + 500 * MS);
    bool cancelled = ktimer_cancel(&t);
    bool cancelled_again = ktimer_cancel(&t);
    task_sleep_ns(700 * MS);
    KT_ASSERT(!cancel_unarmed);
    KT_ASSERT(cancelled);
    KT_ASSERT(!cancelled_again);
    KT_EQ(atomic_load(&p.fired), 0);
}

KTEST(ktimer_rearm_replaces_deadline)
{
    struct timer_probe p = { 0 };
    struct ktimer t;
    ktimer_init(&t, probe_fn, &p);
    ktimer_arm(&t, clock_monotonic_ns() + 60000 * MS);   /* far away */
    uint64_t deadline = clock_monotonic_ns() + 5 * MS;
    ktimer_arm(&t, deadline);                            /* re-arm sooner */
    bool fired = wait_flag(&p.fired, 5000 * MS);
    bool pending = ktimer_cancel(&t);                    /* only one instance was queued */
    KT_ASSERT(fired);
    KT_ASSERT(p.when >= deadline);
    KT_ASSERT(!pending);
    KT_EQ(atomic_load(&p.fired), 1);
}

/* Timers armed out of order run in deadline order. */
struct order_probe {
    int seq;
    int slot[3];
};
struct order_timer {
    struct ktimer t;
    struct order_probe *p;
    int id;
};

static void order_fn(void *arg)
{
    struct order_timer *ot = arg;
    int n = atomic_add(&ot->p->seq, 1);
    if (n <= 3)
        ot->p->slot[n - 1] = ot->id;
}

KTEST(ktimer_deadline_order)
{
    struct order_probe p = { 0 };
    struct order_timer ot[3];
    static const uint64_t delay_ms[3] = { 60, 20, 40 };
    preempt_disable();   /* same CPU, same tick granularity */
    uint64_t now = clock_monotonic_ns();
    for (int i = 0; i < 3; i++) {
        ot[i].p = &p;
        ot[i].id = i;
        ktimer_init(&ot[i].t, order_fn, &ot[i]);
        ktimer_arm(&ot[i].t, now + delay_ms[i] * MS);
    }
    preempt_enable();
    uint64_t end = clock_monotonic_ns() + 5000 * MS;
    while (atomic_load(&p.seq) < 3 && clock_monotonic_ns() < end)
        task_sleep_ns(MS);
    int n = atomic_load(&p.seq);
    for (int i = 0; i < 3; i++)
        ktimer_cancel(&ot[i].t);   /* never leave a stack timer armed */
    KT_EQ(n, 3);
    KT_EQ(p.slot[0], 1);
    KT_EQ(p.slot[1], 2);
    KT_EQ(p.slot[2], 0);
}
