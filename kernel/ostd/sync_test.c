// SPDX-License-Identifier: MPL-2.0
// KTESTs for mutexes, wait queues and IRQ-saving spinlocks across CPUs.
#include <ostd/ktest.h>
#include <ostd/sync.h>
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/time.h>
#include "arch/x86_64/cpu.h"

#define MS 1000000ULL

/* Wait (sleeping 1 ms at a time) until t is asleep, at most timeout_ns. */
static bool wait_sleeping(struct task *t, uint64_t timeout_ns)
{
    uint64_t end = clock_monotonic_ns() + timeout_ns;
    while (task_state(t) != TASK_SLEEPING) {
        if (clock_monotonic_ns() > end)
            return false;
        task_sleep_ns(MS);
    }
    return true;
}

/* ---- mutex ---- */

struct mutex_shared {
    struct mutex m;
    long counter;         /* guarded by m, deliberately non-atomic */
    int inside;           /* tasks inside the critical section */
    int violations;
    int not_held;
    uint64_t cpu_mask;
};

static void mutex_worker(void *arg)
{
    struct mutex_shared *s = arg;
    for (int i = 0; i < 2000; i++) {
        mutex_lock(&s->m);
        if (atomic_add(&s->inside, 1) != 1)
            atomic_add(&s->violations, 1);
        if (!mutex_held(&s->m))
            atomic_add(&s->not_held, 1);
        long v = s->counter;
        for (int k = 0; k < 20; k++)
            cpu_relax();           /* widen the race window */
        s->counter = v + 1;
        __atomic_or_fetch(&s->cpu_mask, 1ULL << cpu_this(), __ATOMIC_SEQ_CST);
        atomic_sub(&s->inside, 1);
        mutex_unlock(&s->m);
        if (i % 64 == 0)
            task_yield();
    }
}

KTEST(mutex_mutual_exclusion_smp)
{
    static struct mutex_shared s;
    mutex_init(&s.m);
    s.counter = 0;
    s.violations = s.not_held = s.inside = 0;
    s.cpu_mask = 0;
    struct task *t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = task_spawn("mutex-worker", mutex_worker, &s, i % 2);
        KT_ASSERT(t[i] != NULL);
    }
    for (int i = 0; i < 4; i++) {
        task_join(t[i]);
        task_put(t[i]);
    }
    KT_EQ(s.counter, 4 * 2000);
    KT_EQ(s.violations, 0);
    KT_EQ(s.not_held, 0);
    KT_ASSERT(!mutex_held(&s.m));
    if (cpu_count() > 1)
        KT_EQ(s.cpu_mask, 3);   /* contention really crossed CPUs */
}

struct trylock_arg {
    struct mutex m;
    int result;     /* 1: got the mutex, 2: did not; read after task_join */
};

static void trylock_fn(void *arg)
{
    struct trylock_arg *a = arg;
    bool got = mutex_trylock(&a->m);
    if (got)
        mutex_unlock(&a->m);
    a->result = got ? 1 : 2;
}

KTEST(mutex_trylock_and_handoff)
{
    struct trylock_arg s;
    mutex_init(&s.m);
    s.result = 0;
    bool first = mutex_trylock(&s.m);
    bool held = mutex_held(&s.m);
    bool second = mutex_trylock(&s.m);     /* not recursive */
    struct task *t = task_spawn("trylock", trylock_fn, &s, -1);
    KT_ASSERT(t != NULL);
    task_join(t);
    task_put(t);
    int while_held = s.result;
    mutex_unlock(&s.m);
    bool released = !mutex_held(&s.m);
    s.result = 0;
    t = task_spawn("trylock", trylock_fn, &s, -1);
    KT_ASSERT(t != NULL);
    task_join(t);
    task_put(t);
    KT_ASSERT(first && held && !second);
    KT_EQ(while_held, 2);
    KT_ASSERT(released);
    KT_EQ(s.result, 1);
}

/* A sleeper blocked in mutex_lock is woken by mutex_unlock. */
struct blocker { struct mutex *m; int got; };

static void blocker_fn(void *arg)
{
    struct blocker *b = arg;
    mutex_lock(b->m);
    atomic_store(&b->got, 1);
    mutex_unlock(b->m);
}

KTEST(mutex_unlock_wakes_waiter)
{
    struct mutex m;
    mutex_init(&m);
    mutex_lock(&m);
    struct blocker b = { &m, 0 };
    struct task *t = task_spawn("blocker", blocker_fn, &b, -1);
    KT_ASSERT(t != NULL);
    bool slept = wait_sleeping(t, 5000 * MS);
    int early = atomic_load(&b.got);
    mutex_unlock(&m);
    task_join(t);
    task_put(t);
    KT_ASSERT(slept);
    KT_EQ(early, 0);
    KT_EQ(b.got, 1);
}

/* ---- wait queues ---- */

struct wq_shared {
    struct waitqueue wq;
    int cond;
    int woke;
};

static void sleeper_fn(void *arg)
{
    struct wq_shared *s = arg;
    wait_event(&s->wq, atomic_load(&s->cond) != 0);
    atomic_add(&s->woke, 1);
}

KTEST(waitqueue_wake_one_wakes_sleeper)
{
    struct wq_shared s = { .cond = 0, .woke = 0 };
    wq_init(&s.wq);
    int nobody = wq_wake_one(&s.wq);
    struct task *t = task_spawn("sleeper", sleeper_fn, &s, -1);
    KT_ASSERT(t != NULL);
    bool slept = wait_sleeping(t, 5000 * MS);
    /* A wake without the condition: the sleeper re-checks and sleeps again. */
    int spurious = wq_wake_one(&s.wq);
    bool slept_again = wait_sleeping(t, 5000 * MS);
    int woke_early = atomic_load(&s.woke);
    atomic_store(&s.cond, 1);
    int woken = wq_wake_one(&s.wq);
    task_join(t);
    task_put(t);
    KT_EQ(nobody, 0);
    KT_ASSERT(slept);
    KT_EQ(spurious, 1);
    KT_ASSERT(slept_again);
    KT_EQ(woke_early, 0);
    KT_EQ(woken, 1);
    KT_EQ(s.woke, 1);
}

KTEST(waitqueue_wake_all_and_timeout)
{
    struct wq_shared s = { .cond = 0, .woke = 0 };
    wq_init(&s.wq);
    struct task *t[3];
    for (int i = 0; i < 3; i++) {
        t[i] = task_spawn("sleeper", sleeper_fn, &s, i % 2);
        KT_ASSERT(t[i] != NULL);
    }
    bool all_asleep = true;
    for (int i = 0; i < 3; i++)
        all_asleep &= wait_sleeping(t[i], 5000 * MS);
    atomic_store(&s.cond, 1);
    int woken = wq_wake_all(&s.wq);
    for (int i = 0; i < 3; i++) {
        task_join(t[i]);
        task_put(t[i]);
    }
    /* Nobody wakes us: the timed sleep ends on its own, reporting a timeout. */
    struct wq_entry e = { 0 };
    uint64_t t0 = clock_monotonic_ns();
    wq_prepare(&s.wq, &e);
    bool woken_self = wq_sleep_timeout(20 * MS);
    wq_finish(&s.wq, &e);
    uint64_t dt = clock_monotonic_ns() - t0;
    KT_ASSERT(all_asleep);
    KT_EQ(woken, 3);
    KT_EQ(s.woke, 3);
    KT_ASSERT(!woken_self);
    KT_ASSERT(dt >= 20 * MS);
    KT_ASSERT(dt < 2000 * MS);
}

/* ---- spinlocks ---- */

struct spin_shared {
    spinlock_t lock;
    long counter;       /* guarded by lock, non-atomic */
    int inside, violations, irqs_on, bad_owner;
    uint64_t cpu_mask;
};

static void spin_worker(void *arg)
{
    struct spin_shared *s = arg;
    for (int i = 0; i < 20000; i++) {
        unsigned long f = spin_lock_irqsave(&s->lock);
        if (atomic_add(&s->inside, 1) != 1)
            s->violations++;
        if (irqs_enabled())
            s->irqs_on++;
        if (!spin_is_locked(&s->lock) || s->lock.owner_cpu != cpu_this())
            s->bad_owner++;
        long v = s->counter;
        cpu_relax();
        s->counter = v + 1;
        s->cpu_mask |= 1ULL << cpu_this();
        atomic_sub(&s->inside, 1);
        spin_unlock_irqrestore(&s->lock, f);
    }
}

KTEST(spinlock_irqsave_exclusion_smp)
{
    static struct spin_shared s;
    spin_init(&s.lock, "ktest");
    s.counter = 0;
    s.inside = s.violations = s.irqs_on = s.bad_owner = 0;
    s.cpu_mask = 0;
    bool irq_before = irqs_enabled();
    struct task *t[2];
    for (int i = 0; i < 2; i++) {
        t[i] = task_spawn("spin-worker", spin_worker, &s, i);
        KT_ASSERT(t[i] != NULL);
    }
    for (int i = 0; i < 2; i++) {
        task_join(t[i]);
        task_put(t[i]);
    }
    unsigned long f = spin_lock_irqsave(&s.lock);
    bool off_inside = !irqs_enabled();
    spin_unlock_irqrestore(&s.lock, f);
    KT_ASSERT(irq_before);
    KT_ASSERT(off_inside);
    KT_ASSERT(irqs_enabled());   /* restored */
    KT_ASSERT(!spin_is_locked(&s.lock));
    KT_EQ(s.counter, 2 * 20000);
    KT_EQ(s.violations, 0);
    KT_EQ(s.irqs_on, 0);
    KT_EQ(s.bad_owner, 0);
    if (cpu_count() > 1)
        KT_EQ(s.cpu_mask, 3);
}

KTEST(atomics_basic)
{
    int v = 5;
    KT_EQ(atomic_add(&v, 3), 8);
    KT_EQ(atomic_sub(&v, 10), -2);
    KT_EQ(atomic_xchg(&v, 7), -2);
    int expected = 6;
    KT_ASSERT(!atomic_cas(&v, &expected, 9));
    KT_EQ(expected, 7);                      /* a failed CAS reports the current value */
    KT_ASSERT(atomic_cas(&v, &expected, 9));
    KT_EQ(atomic_load(&v), 9);
}
