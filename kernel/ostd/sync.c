// SPDX-License-Identifier: MPL-2.0
// Spinlocks, wait queues and mutexes.
#include <ostd/sync.h>
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/panic.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "internal.h"

void spin_init(spinlock_t *l, const char *name)
{
    l->locked = 0;
    l->owner_cpu = 0;
    l->name = name;
}

static void spin_acquire(spinlock_t *l)
{
    for (;;) {
        if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
            break;
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            __asm__ volatile("pause" ::: "memory");
    }
    l->owner_cpu = percpu_ready ? this_cpu()->cpu_id : 0;
}

static void spin_release(spinlock_t *l)
{
    BUG_ON(!l->locked);
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Before percpu is set up (very early boot) GS is 0: skip preemption accounting then. */
static bool have_percpu(void)
{
    return percpu_ready;
}

unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long f = irq_save();
    if (have_percpu())
        this_cpu()->preempt_count++;
    spin_acquire(l);
    return f;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    spin_release(l);
    if (have_percpu())
        this_cpu()->preempt_count--;
    irq_restore(f);
}

void spin_lock(spinlock_t *l)
{
    preempt_disable();
    spin_acquire(l);
}

void spin_unlock(spinlock_t *l)
{
    spin_release(l);
    preempt_enable();
}

bool spin_is_locked(const spinlock_t *l) { return __atomic_load_n(&l->locked, __ATOMIC_RELAXED); }

/* ---- wait queues ---- */

void wq_init(struct waitqueue *wq)
{
    spin_init(&wq->lock, "waitqueue");
    list_init(&wq->waiters);
}


/* Queue the current task and mark it sleeping; the caller re-checks its condition next. */
void wq_prepare(struct waitqueue *wq, struct wq_entry *e)
{
    unsigned long f = spin_lock_irqsave(&wq->lock);
    e->task = task_current();
    if (!e->queued) {
        list_add_tail(&e->node, &wq->waiters);
        e->queued = true;
    }
    task_mark_sleeping();
    spin_unlock_irqrestore(&wq->lock, f);
}

void wq_finish(struct waitqueue *wq, struct wq_entry *e)
{
    task_wake(task_current());   /* back to running if the condition held before sleeping */
    unsigned long f = spin_lock_irqsave(&wq->lock);
    if (e->queued) {
        list_del(&e->node);
        e->queued = false;
    }
    spin_unlock_irqrestore(&wq->lock, f);
}

int wq_wake(struct waitqueue *wq, int n)
{
    int woken = 0;
    struct list_head *p;
    unsigned long f = spin_lock_irqsave(&wq->lock);
    list_for_each(p, &wq->waiters) {
        if (n >= 0 && woken >= n)
            break;
        struct wq_entry *e = list_entry(p, struct wq_entry, node);
        if (task_wake(e->task))
            woken++;
    }
    spin_unlock_irqrestore(&wq->lock, f);
    return woken;
}

/* ---- mutexes ---- */

/*
 * The owner word is the lock: an uncontended lock or unlock is one atomic
 * instruction and touches neither the wait queue nor the scheduler. Waiters
 * queue on wq and retry; mutex_unlock wakes one when the queue is non-empty.
 * No lost wake-up: a waiter queues itself before its compare-and-swap, the
 * unlocker clears the owner before looking at the queue, and both are
 * sequentially consistent, so either the waiter's CAS sees the lock free or
 * the unlocker sees the waiter queued.
 */
void mutex_init(struct mutex *m)
{
    spin_init(&m->lock, "mutex");
    m->owner = NULL;
    wq_init(&m->wq);
}

bool mutex_trylock(struct mutex *m)
{
    struct task *expected = NULL;
    return __atomic_compare_exchange_n(&m->owner, &expected, task_current(), false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

static void mutex_lock_slow(struct mutex *m)
{
    struct wq_entry e = { .queued = false };
    for (;;) {
        wq_prepare(&m->wq, &e);
        if (mutex_trylock(m))
            break;
        wq_sleep();
    }
    wq_finish(&m->wq, &e);
}

void mutex_lock(struct mutex *m)
{
    struct task *me = task_current();
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me && me)
        panic("mutex_lock: recursive locking by %s", task_name(me));
    if (!mutex_trylock(m))
        mutex_lock_slow(m);
}

void mutex_unlock(struct mutex *m)
{
    BUG_ON(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != task_current());
    (void)__atomic_exchange_n(&m->owner, NULL, __ATOMIC_SEQ_CST);
    /* SAFETY: an unlocked peek; see the ordering argument above mutex_init. */
    if (__atomic_load_n(&m->wq.waiters.next, __ATOMIC_SEQ_CST) != &m->wq.waiters)
        wq_wake_one(&m->wq);
}

bool mutex_held(const struct mutex *m) { return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == task_current(); }
