// SPDX-License-Identifier: MPL-2.0
// Lock-order checker (CONFIG_DEBUG_LOCKS): hooks called by sync.c, held-lock state, self-test API.
#ifndef OSTD_LOCKDEP_H
#define OSTD_LOCKDEP_H

#include <ostd/types.h>

enum ld_kind { LD_SPIN, LD_SPIN_IRQSAVE, LD_MUTEX, LD_MUTEX_TRY };

enum ld_fault {
    LD_OK = 0,
    LD_CYCLE,            /* lock order inversion: A->B seen, now B->A (or a longer cycle) */
    LD_SLEEP_IN_SPIN,    /* mutex/wait while holding a spinlock */
    LD_IRQ_UNSAFE,       /* a class taken in IRQ context is also taken with IRQs enabled */
    LD_RECURSIVE,        /* the same lock taken twice */
    LD_NOT_HELD,         /* releasing a lock this CPU/task does not hold */
    LD_OVERFLOW,         /* a fixed-size table is full: checking degraded */
};

struct ld_held {
    const void *lock;
    uint16_t cls;
    uint64_t ip;         /* where it was taken */
};

#define LD_TASK_DEPTH 8
/* Mutexes the task holds; only the task itself touches it. Lives in struct task. */
struct lockdep_task {
    unsigned depth;
    struct ld_held held[LD_TASK_DEPTH];
};

#ifdef CONFIG_DEBUG_LOCKS
struct task;
struct lockdep_task *task_lockdep(struct task *t);

/* Check (and panic, or report in report-only mode) before taking; record once taken. */
enum ld_fault lockdep_check_acquire(const void *lock, const void *key, const char *name,
                                    enum ld_kind kind, uint64_t ip);
void lockdep_acquired(const void *lock, const void *key, enum ld_kind kind, uint64_t ip);
enum ld_fault lockdep_release(const void *lock, const void *key, enum ld_kind kind, uint64_t ip);
/* About to sleep (mutex_lock, wq_sleep): no spinlock may be held in task context. */
enum ld_fault lockdep_might_sleep(const char *what, uint64_t ip);

/* Self-tests: faults are printed and recorded instead of panicking. Returns the previous mode. */
bool lockdep_set_report_only(bool on);
enum ld_fault lockdep_take_last_fault(void);
#endif

#endif
