// SPDX-License-Identifier: MPL-2.0
// Spinlocks, wait queues and mutexes (with the CONFIG_DEBUG_LOCKS order-checker hooks).
#include <ostd/sync.h>
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/panic.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "internal.h"
#include "lockdep.h"

#define CALLER ((uint64_t)(uintptr_t)__builtin_return_address(0))

#ifdef CONFIG_DEBUG_LOCKS
#define LD_CHECK(l, key, name, kind, ip) (void)lockdep_check_acquire((l), (key), (name), (kind), (ip))
#define LD_ACQUIRED(l, key, kind, ip)    lockdep_acquired((l), (key), (kind), (ip))
#define LD_RELEASE(l, key, kind, ip)     (void)lockdep_release((l), (key), (kind), (ip))
#define LD_MIGHT_SLEEP(what, ip)         (void)lockdep_might_sleep((what), (ip))
#else
#define LD_CHECK(l, key, name, kind, ip) ((void)(ip))
#define LD_ACQUIRED(l, key, kind, ip)    ((void)(ip))
#define LD_RELEASE(l, key, kind, ip)     ((void)(ip))
#define LD_MIGHT_SLEEP(what, ip)         ((void)(ip))
#endif

void spin_init_key(spinlock_t *l, const char *name, const void *key)
{
    l->locked = 0;
    l->owner_cpu = 0;
    l->name = name;
    l->key = key;
}

static void spin_acquire(spinlock_t *l, enum ld_kind kind, uint64_t ip)
{
    LD_CHECK(l, l->key, l->name, kind, ip);
    for (;;) {
        if (!__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
            break;
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            __asm__ volatile("pause" ::: "memory");
    }
    l->owner_cpu = percpu_ready ? this_cpu()->cpu_id : 0;
    LD_ACQUIRED(l, l->key, kind, ip);
}

static void spin_release(spinlock_t *l, enum ld_kind kind, uint64_t ip)
{
    BUG_ON(!l->locked);
    LD_RELEASE(l, l->key, kind, ip);
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
    spin_acquire(l, LD_SPIN_IRQSAVE, CALLER);
    return f;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    spin_release(l, LD_SPIN_IRQSAVE, CALLER);
    if (have_percpu())
        this_cpu()->preempt_count--;
    irq_restore(f);
}

void spin_lock(spinlock_t *l)
{
    preempt_disable();
    spin_acquire(l, LD_SPIN, CALLER);
}

void spin_unlock(spinlock_t *l)
{
    spin_release(l, LD_SPIN, CALLER);
    preempt_enable();
}

bool spin_is_locked(const spinlock_t *l) { return __atomic_load_n(&l->locked, __ATOMIC_RELAXED); }

/* ---- wait queues ---- */

void wq_init_key(struct waitqueue *wq, const char *name, const void *key)
{
    spin_init_key(&wq->lock, name, key);
    list_init(&wq->waiters);
}


/* Queue the current task and mark it sleeping; the caller re-checks its condition next. */
void wq_prepare(struct waitqueue *wq, struct wq_entry *e)
{
    LD_MIGHT_SLEEP("wait queue", CALLER);
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
void mutex_init_key(struct mutex *m, const char *name, const void *key)
{
    spin_init(&m->lock, "mutex internal");
    m->owner = NULL;
    wq_init_key(&m->wq, "mutex waiters", LOCK_CLASS_KEY);
    m->name = name;
    m->key = key;
}

/* A static mutex's class: its name field (its address is the inner spinlock's, a separate class). */
static __unused const void *mutex_key(const struct mutex *m) { return m->key ? m->key : (const void *)&m->name; }
static __unused const char *mutex_name(const struct mutex *m) { return m->name ? m->name : m->lock.name; }

static bool mutex_try(struct mutex *m)
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
        if (mutex_try(m))
            break;
        wq_sleep();
    }
    wq_finish(&m->wq, &e);
}

bool mutex_trylock(struct mutex *m)
{
    bool ok = mutex_try(m);
    if (ok)
        LD_ACQUIRED(m, mutex_key(m), LD_MUTEX_TRY, CALLER);
    return ok;
}

void mutex_lock(struct mutex *m)
{
    uint64_t ip = CALLER;
    struct task *me = task_current();
    LD_MIGHT_SLEEP(mutex_name(m), ip);
    LD_CHECK(m, mutex_key(m), mutex_name(m), LD_MUTEX, ip);
    if (__atomic_load_n(&m->owner, __ATOMIC_RELAXED) == me && me)
        panic("mutex_lock: recursive locking by %s", task_name(me));
    if (!mutex_try(m))
        mutex_lock_slow(m);
    LD_ACQUIRED(m, mutex_key(m), LD_MUTEX, ip);
}

void mutex_unlock(struct mutex *m)
{
    LD_RELEASE(m, mutex_key(m), LD_MUTEX, CALLER);
    BUG_ON(__atomic_load_n(&m->owner, __ATOMIC_RELAXED) != task_current());
    (void)__atomic_exchange_n(&m->owner, NULL, __ATOMIC_SEQ_CST);
    /* SAFETY: an unlocked peek; see the ordering argument above mutex_init_key. */
    if (__atomic_load_n(&m->wq.waiters.next, __ATOMIC_SEQ_CST) != &m->wq.waiters)
        wq_wake_one(&m->wq);
}

bool mutex_held(const struct mutex *m) { return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == task_current(); }
