// SPDX-License-Identifier: MPL-2.0
// Signals: per-process actions and pending sets, sending, interruptible sleeps, delivery on return to user.
#ifndef KEEL_SIGNAL_SIGNAL_H
#define KEEL_SIGNAL_SIGNAL_H

#include <ostd/types.h>
#include <ostd/sync.h>
#include <uapi/errno.h>
#include "signal/sigtypes.h"

struct process;
struct thread;

/* Bytes the largest signal frame needs on a stack (AT_MINSIGSTKSZ, as Linux computes it). */
uint64_t signal_frame_max_size(void);

/* ---- life cycle (proc/) ---- */
/* Give init a fresh sighand and signal state. 0 or -ENOMEM. */
int signal_init_process(struct process *p) __must_check;
/* Signal state of a new process: share (CLONE_SIGHAND) or copy p's actions. 0 or -ENOMEM. */
int signal_fork(struct process *np, struct process *p, uint64_t clone_flags) __must_check;
/* A new thread inherits parent's mask (and altstack unless CLONE_VM without CLONE_VFORK). */
void signal_init_thread(struct thread *th, const struct thread *parent, uint64_t clone_flags);
/* Make th reachable for signal wake-ups / remove it (before its task goes away). */
void signal_thread_attach(struct thread *th);
void signal_thread_detach(struct thread *th);
/* The last thread of p is exiting: disarm timers. */
void signal_process_exit(struct process *p);
/* Free p's signal state (process_free). */
void signal_process_free(struct process *p);
/* Caught signals go back to SIG_DFL, ignored ones stay (exec, clone3 CLONE_CLEAR_SIGHAND); p's own sighand. */
void signal_reset_handlers(struct process *p);
/* execve succeeded: caught signals go back to SIG_DFL, the altstack is cleared. */
void signal_exec(struct process *p, struct thread *th);

/* ---- sending ---- */
/*
 * Queue info for process p (any thread may take it); tasklist_lock held.
 * 0, or -EAGAIN when a real-time signal with a sender-chosen si_code (not
 * SI_USER) cannot be queued (RLIMIT_SIGPENDING, memory), as Linux.
 */
int signal_send_proc_locked(struct process *p, const struct ksiginfo *info);
/* Queue info for thread t (t alive: its process lock or tasklist_lock held). 0 or -EAGAIN as above. */
int signal_send_thread(struct thread *t, const struct ksiginfo *info);
/* A kernel-generated signal for the calling thread (SIGPIPE, SIGXFSZ...). */
void signal_send_current(int sig);
/* A synchronous fault: forced through even if blocked or ignored (reset to default then). */
void signal_force_fault(struct thread *th, int sig, int code, uint64_t addr);
/* p has become a zombie: send its exit signal to the parent; true if p must be reaped now
 * (the parent ignores SIGCHLD or set SA_NOCLDWAIT). tasklist_lock held. */
bool signal_parent_exit_locked(struct process *p);
/* May the calling process send a signal to p? tasklist_lock held. */
bool signal_may_send_locked(const struct process *p);
/* Fill a SI_USER-style siginfo from the caller. */
void ksiginfo_user(struct ksiginfo *si, int sig, int code);
/* Send sig (SI_KERNEL) to every live process of group pgrp; takes tasklist_lock. 0 or -ESRCH/-EINVAL. */
int signal_kill_pgrp(int pgrp, int sig);
/* Does the calling thread block sig, or its process set SIG_IGN for it (the TTY's SIGTTIN/SIGTTOU rule)? */
bool signal_blocked_or_ignored_current(int sig);

/* ---- sleeping ---- */
/*
 * Take the lowest pending signal of mask for th (its own pending set first,
 * then the process's): the signal number with *out filled, or 0 if none.
 * Real-time signals come out one queued instance at a time, oldest first.
 * Takes the process's sig.lock; task context. For signalfd and sigtimedwait.
 */
int signal_dequeue(struct thread *th, ksigset_t mask, struct ksiginfo *out);

/* Is SIGKILL pending for the calling thread (for killable, otherwise uninterruptible waits)? */
bool signal_fatal_pending_current(void);
/* Should the calling thread stop sleeping (an unblocked signal, a stop or a fatal exit is pending)?
 * Always false for kernel tasks that are not user threads. */
bool signal_pending_current(void);
/* The same for th, the calling thread (the return-to-user path has it at hand). */
bool signal_pending_thread(struct thread *th);

/*
 * Sleep on wq until cond; returns 0, or -ERESTARTSYS when a signal needs the
 * thread first (the syscall is restarted or fails with EINTR depending on the
 * handler's SA_RESTART). Task context only.
 */
#define wait_event_interruptible(wq, cond) ({           \
        struct wq_entry __wei = { 0 };                  \
        int __r = 0;                                    \
        for (;;) {                                      \
            wq_prepare((wq), &__wei);                   \
            if (cond)                                   \
                break;                                  \
            if (signal_pending_current()) {             \
                __r = -ERESTARTSYS;                     \
                break;                                  \
            }                                           \
            wq_sleep();                                 \
        }                                               \
        wq_finish((wq), &__wei);                        \
        __r;                                            \
    })

/*
 * Sleep until timeout_ns passes (0: no timeout) or a signal is pending.
 * Returns true when a signal cut the sleep short; *left (if not NULL) gets
 * the time remaining. Task context, user threads only.
 */
bool signal_sleep_ns(uint64_t timeout_ns, uint64_t *left);
/* The calling thread's restart block, to fill before returning -ERESTART_RESTARTBLOCK. */
struct restart_block *signal_restart_block(void);

/* ---- signalfd (fs/signalfd.c); user threads only ---- */
/* The calling process's queue, woken whenever a signal is queued for it or one of its threads. */
struct waitqueue *signal_queued_wq_current(void);
/* Signals pending for the calling thread (its own and its process's). */
ksigset_t signal_pending_set_current(void);
/* Take the lowest pending signal of mask (SIGKILL/SIGSTOP never) for the caller, thread set first; 0 if none. */
int signal_dequeue_current(ksigset_t mask, struct ksiginfo *out);

/* ---- delivery ---- */
/*
 * On every return to user mode: handle stops, default actions and set up a
 * handler frame; fix up a syscall's restart codes. nr is the syscall number
 * just run, or -1 for an exception/interrupt.
 */
void signal_return_to_user(struct thread *th, long nr);

#endif
