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
/* Take the lowest pending signal of mask for th (thread set first, then shared); 0 if none. */
int sig_dequeue(struct thread *th, ksigset_t mask, struct ksiginfo *out);
/* Take the lowest pending signal of mask; sig.lock held. */
int sig_dequeue_locked(struct thread *th, ksigset_t mask, struct ksiginfo *out);
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
/* Build a user siginfo. */
void ksiginfo_to_user(struct k_siginfo *out, const struct ksiginfo *in);

#endif
