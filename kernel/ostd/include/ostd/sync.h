// SPDX-License-Identifier: MPL-2.0
// Spinlocks (IRQ-saving), mutexes, wait queues and atomics.
#ifndef OSTD_SYNC_H
#define OSTD_SYNC_H

#include <ostd/types.h>
#include <ostd/list.h>

typedef struct spinlock {
    uint32_t locked;
    uint32_t owner_cpu;     /* for debugging; valid while locked */
    const char *name;
    const void *key;        /* lock class for the order checker: the init site; NULL: the lock itself */
} spinlock_t;

/* A static lock is its own class. */
#define SPINLOCK_INIT(n) { 0, 0, n, NULL }

/*
 * Every lock initialised at one call site shares one class: the lock-order
 * checker (CONFIG_DEBUG_LOCKS, docs/robustness.md) learns the order of classes.
 */
#define LOCK_CLASS_KEY ({ static const char __lock_key; &__lock_key; })
#define spin_init(l, name) spin_init_key((l), (name), LOCK_CLASS_KEY)
void spin_init_key(spinlock_t *l, const char *name, const void *key);
/* Disable interrupts and preemption, take the lock; returns the previous IRQ state. */
unsigned long spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags);
/* Take the lock with preemption disabled (IRQs untouched): not for data touched by IRQ handlers. */
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_is_locked(const spinlock_t *l);

/* Wait queue: tasks sleep here until woken. Guarded by its own lock. */
struct waitqueue {
    spinlock_t lock;
    struct list_head waiters;   /* guarded by lock */
};
#define wq_init(wq) wq_init_key((wq), __func__, LOCK_CLASS_KEY)
void wq_init_key(struct waitqueue *wq, const char *name, const void *key);
/* Wake up to n waiters (n < 0: all). Any context. Returns how many were woken. */
int wq_wake(struct waitqueue *wq, int n);
#define wq_wake_one(wq) wq_wake(wq, 1)
#define wq_wake_all(wq) wq_wake(wq, -1)

struct wq_entry {
    struct list_head node;
    struct task *task;
    bool queued;
};
/*
 * Low-level sleep protocol: prepare, re-check the condition, sleep, finish.
 * Wake-ups may be spurious (e.g. after preemption): always sleep in a loop.
 */
void wq_prepare(struct waitqueue *wq, struct wq_entry *e);
void wq_sleep(void);
/* Sleep at most timeout_ns (0 = forever); returns false on timeout. */
bool wq_sleep_timeout(uint64_t timeout_ns);
void wq_finish(struct waitqueue *wq, struct wq_entry *e);

/* Sleep until cond is true (checked first without queueing). Task context only. */
#define wait_event(wq, cond) do {                   \
        if (cond)                                   \
            break;                                  \
        struct wq_entry __we = { .queued = false }; \
        for (;;) {                                  \
            wq_prepare((wq), &__we);                \
            if (cond) break;                        \
            wq_sleep();                             \
        }                                           \
        wq_finish((wq), &__we);                     \
    } while (0)

/*
 * Sleeping lock, not recursive, task context only. Uncontended lock and
 * unlock are a single atomic operation on owner; contended lockers sleep on wq.
 */
struct mutex {
    spinlock_t lock;            /* names the mutex (debugging); not taken */
    struct task *owner;         /* the lock itself: changed only by atomic compare-exchange/exchange */
    struct waitqueue wq;        /* tasks waiting for owner to become NULL */
    const char *name;           /* the function that initialised it */
    const void *key;            /* lock class (see spin_init) */
};
/* A static mutex (its own class): static struct mutex m = MUTEX_INIT(m, "name"); */
#define MUTEX_INIT(m, n) { .lock = SPINLOCK_INIT(n), .owner = NULL, \
        .wq = { SPINLOCK_INIT(n " waiters"), LIST_HEAD_INIT((m).wq.waiters) }, .name = n, .key = NULL }
#define mutex_init(m) mutex_init_key((m), __func__, LOCK_CLASS_KEY)
void mutex_init_key(struct mutex *m, const char *name, const void *key);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(const struct mutex *m);

/* Atomics: thin wrappers over the compiler's sequentially consistent builtins. */
#define atomic_load(p)          __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define atomic_store(p, v)      __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define atomic_add(p, v)        __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define atomic_sub(p, v)        __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
#define atomic_xchg(p, v)       __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define atomic_cas(p, o, n)     __atomic_compare_exchange_n((p), (o), (n), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#endif
