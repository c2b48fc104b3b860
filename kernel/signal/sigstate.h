// SPDX-License-Identifier: MPL-2.0
// Internal helpers shared by the signal service's files (not for other subsystems).
#ifndef KEEL_SIGNAL_SIGSTATE_H
#define KEEL_SIGNAL_SIGSTATE_H

#include "signal/signal.h"

#define SIG_UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP))
#define SIG_STOPSET (sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))

enum sig_default { SIGDFL_TERM, SIGDFL_CORE, SIGDFL_IGNORE, SIGDFL_STOP, SIGDFL_CONT };

enum sig_default sig_default_action(int sig);
static inline bool sig_valid(int sig) { return sig >= 1 && sig <= KNSIG; }

/* Copy p's action for sig. */
struct k_sigaction sig_action_get(struct process *p, int sig);
/* Would sig be dropped by p right now (SIG_IGN, or SIG_DFL whose default is to ignore)? */
bool sig_ignored(struct process *p, int sig);

/* Set the caller's blocked mask (KILL/STOP removed); sig.lock is taken inside. */
void sig_set_blocked(struct thread *th, ksigset_t mask);
/* Stop every thread of p: set the stop flag and wake sleepers so they notice. */
void sig_start_group_stop(struct process *p);
/* Record the mask rt_sigtimedwait lifted (0 when done). */
void sig_set_real_blocked(struct thread *th, ksigset_t mask);
/*
 * Queue info for p (t NULL) or thread t, with its stop/continue side
 * effects; sig.lock held. *qp (if any) is queued and set to NULL, else left
 * for the caller to free; flushed entries go to dead (NULL: none can be, i.e.
 * info is not SIGCONT/SIGKILL/a stop signal). True if this continued p.
 */
bool sig_send_locked(struct process *p, struct thread *t, const struct ksiginfo *info,
                     struct sigqueue **qp, struct list_head *dead);
/* Drop the signals of mask from every pending set of p; sig.lock held. */
void sig_flush_locked(struct process *p, ksigset_t mask, struct list_head *dead);
/* Take the lowest pending signal of mask; sig.lock held. Freed entries go to dead. */
int sig_dequeue_locked(struct thread *th, ksigset_t mask, struct ksiginfo *out, struct list_head *dead);
/* Pending signals of th (thread | shared). */
ksigset_t sig_pending_set(struct thread *th);
/* Notify p's parent that p stopped (why = CLD_STOPPED) or continued (CLD_CONTINUED); tasklist_lock held. */
void sig_notify_parent_locked(struct process *p, int why, int sig);
/* Set up p's ITIMER_REAL (disarmed). */
void sig_itimer_init(struct process *p);
/* Queue a process-directed signal from interrupt context (no parent notification). */
void signal_send_proc_irq(struct process *p, const struct ksiginfo *info);
/* The caller's sigaltstack as sigaltstack(2) reports it at stack pointer sp. */
struct k_stack sig_altstack_get(const struct thread *th, uint64_t sp);
/* Change it: 0, -EPERM (running on it), -EINVAL (flags) or -ENOMEM (too small). */
int sig_altstack_set(struct thread *th, const struct k_stack *ns, uint64_t sp);
/* ---- queued instances (sigqueue.c) ---- */
/* An entry for a signal to p, charged to p's real uid; NULL over RLIMIT_SIGPENDING or out of memory. */
struct sigqueue *sigqueue_alloc(struct process *p, const struct ksiginfo *info);
/* Uncharge and free one entry / every entry on a list (task context, no spinlock held). */
void sigqueue_free(struct sigqueue *q);
void sigqueue_free_list(struct list_head *dead);
void sigpending_init(struct sigpending *sp);
/* Queue q (a real-time signal, or a timer's); sig.lock held. */
void sigpending_add_locked(struct sigpending *sp, struct sigqueue *q);
/* Record the one instance of standard signal info->signo; sig.lock held. */
void sigpending_add_info_locked(struct sigpending *sp, const struct ksiginfo *info);
/* Take the lowest pending signal of mask from sp: its number or 0; sig.lock held. */
int sigpending_take_locked(struct sigpending *sp, ksigset_t mask, struct ksiginfo *out,
                           struct list_head *dead);
/* Drop the signals of mask from sp; entries to free go to dead; sig.lock held. */
void sigpending_flush_locked(struct sigpending *sp, ksigset_t mask, struct list_head *dead);

/* ---- POSIX timers (posix_timer.c) ---- */
/* A timer's signal was dequeued with that many overruns; sig.lock held. */
void sig_timer_delivered_locked(struct posix_timer *t, int32_t overrun);
/* Thread th is leaving: timers aimed at it stop sending; sig.lock held. */
void sig_timers_forget_thread_locked(struct process *p, struct thread *th);
/* Delete every timer of p (exec and exit). Task context. */
void sig_timers_delete_all(struct process *p);

/* Build a user siginfo. */
void ksiginfo_to_user(struct k_siginfo *out, const struct ksiginfo *in);

#endif
