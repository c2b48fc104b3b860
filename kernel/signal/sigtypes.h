// SPDX-License-Identifier: MPL-2.0
// Signal state embedded in processes and threads (types only; the API is signal/signal.h).
#ifndef KEEL_SIGNAL_SIGTYPES_H
#define KEEL_SIGNAL_SIGTYPES_H

#include <ostd/types.h>
#include <ostd/sync.h>
#include <ostd/list.h>
#include <ostd/time.h>
#include <uapi/signal.h>

typedef uint64_t ksigset_t;     /* bit (sig - 1) for signals 1..64 */

static inline ksigset_t sigbit(int sig) { return 1ULL << (sig - 1); }

/* What a queued signal tells its handler; turned into a 128-byte siginfo at delivery. */
struct ksiginfo {
    int32_t signo, code;
    int32_t pid;
    uint32_t uid;
    int32_t status;             /* SIGCHLD */
    bool fault;                 /* addr is si_addr (faults) instead of pid/uid */
    uint64_t addr;
    uint64_t value;             /* si_value (rt_sigqueueinfo), raw bytes 24..31 */
    int64_t utime, stime;       /* SIGCHLD at exit: the child's CPU time in clock ticks */
};

struct posix_timer;

/*
 * One queued instance of a real-time signal. Allocated by the sender (task
 * context) and charged to the receiver's real uid against RLIMIT_SIGPENDING,
 * or preallocated by a POSIX timer (then owned by the timer, never freed at
 * dequeue).
 */
struct sigqueue {
    struct list_head node;      /* in sigpending.queue; guarded by the process's sig.lock */
    struct ksiginfo info;
    uint32_t uid;               /* the user charged; immutable */
    bool queued;                /* guarded by sig.lock */
    int32_t overrun;            /* timer expiries while queued; guarded by sig.lock */
    struct posix_timer *timer;  /* owner, or NULL (freed when dequeued); guarded by sig.lock */
};

/*
 * A set of pending signals: standard signals coalesce into one instance
 * (info[]); every instance of a real-time signal is queued in order.
 */
struct sigpending {
    ksigset_t set;              /* written under the process's sig.lock, read atomically */
    ksigset_t legacy;           /* standard signals with an instance in info[]; guarded by sig.lock */
    struct ksiginfo info[SIGRTMIN - 1];     /* signals 1..31 */
    struct list_head queue;     /* struct sigqueue: real-time signals, and timers' standard ones */
};

/* Signal actions: shared by CLONE_SIGHAND, copied by fork, reset by exec. */
struct sighand {
    spinlock_t lock;            /* guards action[]; nests inside proc_signal.lock */
    uint32_t refcount;          /* atomic */
    struct k_sigaction action[KNSIG];
};

/*
 * Per-process signal state. Lock order: tasklist_lock -> process.lock ->
 * sig.lock -> sighand.lock -> wait-queue and task locks (wake-ups).
 * itimer_lock is never held together with sig.lock: the itimer callback
 * re-arms under itimer_lock, drops it, then sends. sig.lock is an IRQ-saving
 * spinlock because that callback sends from interrupt context.
 */
struct proc_signal {
    spinlock_t lock;
    struct sigpending shared;   /* process-directed signals; guarded by lock */
    struct list_head threads;   /* thread_signal.node of live threads; guarded by lock */
    bool group_stop;            /* the process is stopped; guarded by lock, read atomically */
    int nr_live;                /* entries of threads; guarded by lock, read atomically */
    int nr_stopped;             /* threads asleep in the group stop; guarded by lock, read atomically */
    bool stop_reporting;        /* a thread waits to report the stop to the parent; guarded by lock */
    struct waitqueue stop_wq;   /* stopped threads, and the one waiting to report the stop, sleep here */
    struct waitqueue queued_wq; /* woken whenever a signal is queued (signalfd readers, pollers) */
    struct list_head timers;    /* POSIX timers (posix_timer.node); guarded by lock */
    int next_timer_id;          /* guarded by lock */
    struct mutex timer_mutex;   /* serialises timer and itimer arming/deletion (taken before lock) */

    spinlock_t itimer_lock;     /* guards the ITIMER_REAL fields */
    struct ktimer real_timer;
    uint64_t real_deadline;     /* monotonic ns; 0 = disarmed */
    uint64_t real_interval;     /* ns */
};

/* Per-thread signal state. */
/*
 * What restart_syscall(2) resumes: a call that returned -ERESTART_RESTARTBLOCK
 * and was interrupted by a signal with no handler (a stop and continue) is
 * re-entered through fn with what it saved, not restarted from scratch.
 */
struct restart_block {
    long (*fn)(struct restart_block *rb);   /* NULL: restart_syscall fails with EINTR */
    const void *clock;      /* the sleep's clock (time/clock.h struct kclock) */
    uint64_t deadline_ns;   /* absolute expiry of the sleep on that clock */
    uint64_t rem;           /* user address for the time left, or 0 */
    uint64_t arg[4];        /* the call's own arguments (poll: fds, nfds; futex: addr, val, bitset, private) */
};

struct thread_signal {
    ksigset_t blocked;          /* changed only by the owner, under sig.lock; read atomically */
    ksigset_t real_blocked;     /* mask before rt_sigtimedwait unblocked its set (counts as blocked
                                   when deciding to drop an ignored signal); guarded by sig.lock */
    ksigset_t saved_mask;       /* owner only: mask to restore after sigsuspend/sigtimedwait */
    bool restore_mask;          /* owner only: saved_mask is live */
    struct sigpending pending;  /* thread-directed signals; guarded by the process's sig.lock */
    struct list_head node;      /* in proc_signal.threads */
    uint64_t ss_sp, ss_size;    /* sigaltstack; owner only */
    uint32_t ss_flags;          /* SS_DISABLE or 0 (| SS_AUTODISARM) */
    bool dead;                  /* detached at exit: takes no more signals; guarded by sig.lock */
    struct restart_block restart;   /* owner only */
};

#endif
