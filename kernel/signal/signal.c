// SPDX-License-Identifier: MPL-2.0
// Signal state life cycle, sending (queueing plus wake-ups), stop/continue side effects, SIGCHLD.
#include <ostd/heap.h>
#include <ostd/task.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/wait.h>
#include <uapi/sched.h>
#include <uapi/time.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "signal/sigstate.h"

enum sig_default sig_default_action(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return SIGDFL_IGNORE;
    case SIGCONT: return SIGDFL_CONT;
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return SIGDFL_STOP;
    case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
    case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS: return SIGDFL_CORE;
    default: return SIGDFL_TERM;
    }
}

struct k_sigaction sig_action_get(struct process *p, int sig)
{
    unsigned long f = spin_lock_irqsave(&p->sighand->lock);
    struct k_sigaction a = p->sighand->action[sig - 1];
    spin_unlock_irqrestore(&p->sighand->lock, f);
    return a;
}

bool sig_ignored(struct process *p, int sig)
{
    struct k_sigaction a = sig_action_get(p, sig);
    if (a.handler == SIG_IGN)
        return true;
    if (a.handler != SIG_DFL)
        return false;
    enum sig_default d = sig_default_action(sig);
    /* init never gets default actions it did not ask for (SIGKILL included, as Linux). */
    return d == SIGDFL_IGNORE || d == SIGDFL_CONT || p->pid == 1;
}

/* ---- life cycle ---- */

static void proc_signal_init(struct process *p)
{
    spin_init(&p->sig.lock, "sig");
    spin_init(&p->sig.itimer_lock, "itimer");
    list_init(&p->sig.threads);
    sigpending_init(&p->sig.shared);
    list_init(&p->sig.timers);
    p->sig.next_timer_id = 0;
    mutex_init(&p->sig.timer_mutex);
    wq_init(&p->sig.stop_wq);
    wq_init(&p->sig.queued_wq);
    sig_itimer_init(p);
}

static struct sighand *sighand_alloc(void)
{
    struct sighand *sh = kzalloc(sizeof(*sh));
    if (sh) {
        spin_init(&sh->lock, "sighand");
        sh->refcount = 1;
    }
    return sh;
}

int signal_init_process(struct process *p)
{
    proc_signal_init(p);
    p->sighand = sighand_alloc();
    return p->sighand ? 0 : -ENOMEM;
}

int signal_fork(struct process *np, struct process *p, uint64_t clone_flags)
{
    proc_signal_init(np);
    if (clone_flags & CLONE_SIGHAND) {
        atomic_add(&p->sighand->refcount, 1);
        np->sighand = p->sighand;
        return 0;
    }
    np->sighand = sighand_alloc();
    if (!np->sighand)
        return -ENOMEM;
    unsigned long f = spin_lock_irqsave(&p->sighand->lock);
    memcpy(np->sighand->action, p->sighand->action, sizeof(np->sighand->action));
    spin_unlock_irqrestore(&p->sighand->lock, f);
    return 0;
}

void signal_init_thread(struct thread *th, const struct thread *parent, uint64_t clone_flags)
{
    list_init(&th->sig.node);
    sigpending_init(&th->sig.pending);
    th->sig.dead = false;
    th->sig.ss_flags = SS_DISABLE;
    if (!parent)
        return;
    th->sig.blocked = atomic_load(&parent->sig.blocked);
    /* A new thread on its own stack must not inherit the creator's alternate stack. */
    if ((clone_flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
        th->sig.ss_sp = parent->sig.ss_sp;
        th->sig.ss_size = parent->sig.ss_size;
        th->sig.ss_flags = parent->sig.ss_flags;
    }
}

void signal_thread_attach(struct thread *th)
{
    struct process *p = th->proc;
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    list_add_tail(&th->sig.node, &p->sig.threads);
    atomic_store(&p->sig.nr_live, p->sig.nr_live + 1);
    spin_unlock_irqrestore(&p->sig.lock, f);
}

void signal_thread_detach(struct thread *th)
{
    struct process *p = th->proc;
    struct list_head dead;
    list_init(&dead);
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    list_del(&th->sig.node);
    list_init(&th->sig.node);
    atomic_store(&p->sig.nr_live, p->sig.nr_live - 1);
    th->sig.dead = true;        /* signals sent from now on are dropped */
    sigpending_flush_locked(&th->sig.pending, ~0ULL, &dead);
    sig_timers_forget_thread_locked(p, th);
    spin_unlock_irqrestore(&p->sig.lock, f);
    wq_wake_all(&p->sig.stop_wq);   /* a thread waiting to report a group stop no longer waits for this one */
    sigqueue_free_list(&dead);
}

void signal_process_free(struct process *p)
{
    if (p->sig.shared.queue.next) {     /* NULL: a fork that failed before signal_fork */
        struct list_head dead;
        list_init(&dead);
        unsigned long f = spin_lock_irqsave(&p->sig.lock);
        sigpending_flush_locked(&p->sig.shared, ~0ULL, &dead);
        spin_unlock_irqrestore(&p->sig.lock, f);
        sigqueue_free_list(&dead);
    }
    struct sighand *sh = p->sighand;
    if (sh && atomic_sub(&sh->refcount, 1) == 0)
        kfree(sh);
    p->sighand = NULL;
}

void signal_reset_handlers(struct process *p)
{
    struct sighand *sh = p->sighand;
    unsigned long f = spin_lock_irqsave(&sh->lock);
    for (int i = 0; i < KNSIG; i++) {
        struct k_sigaction *a = &sh->action[i];
        if (a->handler != SIG_IGN)
            *a = (struct k_sigaction){ .handler = SIG_DFL };
        a->flags = 0;
    }
    spin_unlock_irqrestore(&sh->lock, f);
}

void signal_exec(struct process *p, struct thread *th)
{
    struct sighand *old = p->sighand;
    if (atomic_load(&old->refcount) > 1) {
        struct sighand *sh = sighand_alloc();
        if (sh) {   /* FIXME: on OOM the caught handlers stay shared (they are reset below anyway) */
            unsigned long f = spin_lock_irqsave(&old->lock);
            memcpy(sh->action, old->action, sizeof(sh->action));
            spin_unlock_irqrestore(&old->lock, f);
            p->sighand = sh;
            if (atomic_sub(&old->refcount, 1) == 0)
                kfree(old);
        }
    }
    signal_reset_handlers(p);
    th->sig.ss_sp = th->sig.ss_size = 0;
    th->sig.ss_flags = SS_DISABLE;
    sig_timers_delete_all(p);
}

/* ---- sending ---- */

void ksiginfo_user(struct ksiginfo *si, int sig, int code)
{
    struct process *me = current_proc();   /* NULL in kernel tasks: the sender is the kernel */
    *si = (struct ksiginfo){ .signo = sig, .code = code, .pid = me ? me->pid : 0,
                             .uid = me ? me->cred->uid : 0 };
}

bool signal_may_send_locked(const struct process *p)
{
    const struct cred *me = current_proc()->cred, *them = p->cred;
    if (me->euid == 0 || !them)
        return true;
    return me->euid == them->suid || me->euid == them->uid ||
           me->uid == them->suid || me->uid == them->uid;
}

/* Wake threads of p that will take sig (only t, if given); sig.lock held. */
static void wake_takers_locked(struct process *p, struct thread *t, int sig)
{
    struct list_head *l;
    list_for_each(l, &p->sig.threads) {
        struct thread *o = list_entry(l, struct thread, sig.node);
        if (t && o != t)
            continue;
        if (sig != SIGKILL && (atomic_load(&o->sig.blocked) & sigbit(sig)))
            continue;
        struct task *task = __atomic_load_n(&o->task, __ATOMIC_ACQUIRE);
        if (task)
            task_wake(task);
    }
}

void sig_start_group_stop(struct process *p)
{
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    atomic_store(&p->sig.group_stop, true);
    wake_takers_locked(p, NULL, SIGKILL);   /* SIGKILL: wake regardless of masks */
    spin_unlock_irqrestore(&p->sig.lock, f);
}

void sig_flush_locked(struct process *p, ksigset_t mask, struct list_head *dead)
{
    sigpending_flush_locked(&p->sig.shared, mask, dead);
    struct list_head *l;
    list_for_each(l, &p->sig.threads) {
        struct thread *o = list_entry(l, struct thread, sig.node);
        sigpending_flush_locked(&o->sig.pending, mask, dead);
    }
}

/* True if every thread of p (or t) blocks sig; sig.lock held. */
static bool blocked_by_all_locked(struct process *p, struct thread *t, int sig)
{
    if (t)
        return (atomic_load(&t->sig.blocked) | t->sig.real_blocked) & sigbit(sig);
    struct list_head *l;
    list_for_each(l, &p->sig.threads) {
        struct thread *o = list_entry(l, struct thread, sig.node);
        if (!((atomic_load(&o->sig.blocked) | o->sig.real_blocked) & sigbit(sig)))
            return false;
    }
    return !list_empty(&p->sig.threads);
}

bool sig_send_locked(struct process *p, struct thread *t, const struct ksiginfo *info,
                     struct sigqueue **qp, struct list_head *dead)
{
    int sig = info->signo;
    bool continued = false;
    if (t && t->sig.dead)
        return false;
    if (sig == SIGCONT || sig == SIGKILL) {
        sig_flush_locked(p, SIG_STOPSET, dead);
        continued = p->sig.group_stop;
        atomic_store(&p->sig.group_stop, false);
        wq_wake_all(&p->sig.stop_wq);
    } else if (SIG_STOPSET & sigbit(sig)) {
        sig_flush_locked(p, sigbit(SIGCONT), dead);
    }
    bool drop = sig_ignored(p, sig) && !blocked_by_all_locked(p, t, sig);
    if (!drop && !__atomic_load_n(&p->group_exit, __ATOMIC_ACQUIRE)) {
        struct sigpending *sp = t ? &t->sig.pending : &p->sig.shared;
        if (qp && *qp) {
            sigpending_add_locked(sp, *qp);     /* every instance queues */
            *qp = NULL;
        } else if (sig >= SIGRTMIN) {
            atomic_store(&sp->set, sp->set | sigbit(sig));  /* no entry: the info is lost */
        } else if (!(sp->set & sigbit(sig))) {
            sigpending_add_info_locked(sp, info);   /* standard signals coalesce */
        }
        wake_takers_locked(p, t, sig);
        wq_wake_all(&p->sig.queued_wq);     /* blocked signals too: signalfd reads them */
    }
    return continued && sig == SIGCONT;
}

/*
 * Queue info for p (t NULL) or thread t. *cont is set if this continued a
 * stopped p. Real-time signals get a queue entry charged to p's user; 0 or
 * -EAGAIN when none can be had and the sender chose si_code (Linux's rule).
 */
static int send_common(struct process *p, struct thread *t, const struct ksiginfo *info, bool *cont)
{
    struct sigqueue *q = NULL;
    struct list_head dead;
    list_init(&dead);
    if (info->signo >= SIGRTMIN) {
        q = sigqueue_alloc(p, info);
        if (!q && info->code != SI_USER)
            return -EAGAIN;
    }
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    *cont = sig_send_locked(p, t, info, &q, &dead);
    spin_unlock_irqrestore(&p->sig.lock, f);
    sigqueue_free(q);           /* not queued (dropped) */
    sigqueue_free_list(&dead);
    return 0;
}

int signal_send_proc_locked(struct process *p, const struct ksiginfo *info)
{
    if (p->state != PROC_ALIVE)
        return 0;
    bool cont = false;
    int r = send_common(p, NULL, info, &cont);
    if (cont)
        sig_notify_parent_locked(p, CLD_CONTINUED, SIGCONT);
    return r;
}

int signal_send_thread(struct thread *t, const struct ksiginfo *info)
{
    bool cont = false;
    int r = send_common(t->proc, t, info, &cont);
    if (cont) {
        mutex_lock(&tasklist_lock);
        sig_notify_parent_locked(t->proc, CLD_CONTINUED, SIGCONT);
        mutex_unlock(&tasklist_lock);
    }
    return r;
}

/* Called from the itimer callback (interrupt context): standard signals only, no mutex, no heap. */
void signal_send_proc_irq(struct process *p, const struct ksiginfo *info)
{
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    (void)sig_send_locked(p, NULL, info, NULL, NULL);
    spin_unlock_irqrestore(&p->sig.lock, f);
}

void signal_send_current(int sig)
{
    struct ksiginfo si;
    ksiginfo_user(&si, sig, SI_USER);
    struct thread *th = thread_current();
    bool cont;
    (void)send_common(th->proc, th, &si, &cont);
}

void signal_force_fault(struct thread *th, int sig, int code, uint64_t addr)
{
    struct process *p = th->proc;
    struct ksiginfo si = { .signo = sig, .code = code, .fault = true, .addr = addr };
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    spin_lock(&p->sighand->lock);
    struct k_sigaction *a = &p->sighand->action[sig - 1];
    bool blocked = atomic_load(&th->sig.blocked) & sigbit(sig);
    if (a->handler == SIG_IGN || blocked)
        a->handler = SIG_DFL;
    spin_unlock(&p->sighand->lock);
    if (blocked)
        atomic_store(&th->sig.blocked, th->sig.blocked & ~sigbit(sig));
    sigpending_add_info_locked(&th->sig.pending, &si);
    spin_unlock_irqrestore(&p->sig.lock, f);
}

/* ---- SIGCHLD ---- */

void sig_notify_parent_locked(struct process *p, int why, int sig)
{
    struct process *parent = p->parent;
    if (!parent)
        return;
    if (why == CLD_STOPPED)
        p->wait_stop_status = (sig << 8) | 0x7f;
    else
        p->wait_continued = true, p->wait_stop_status = 0;
    atomic_add(&parent->child_gen, 1);
    wq_wake_all(&parent->child_wq);
    if (sig_action_get(parent, SIGCHLD).flags & SA_NOCLDSTOP)
        return;
    /* FIXME: si_utime/si_stime stay 0 here (Linux gives the child's CPU time so far). */
    struct ksiginfo si = { .signo = SIGCHLD, .code = why, .pid = p->pid,
                           .uid = p->cred ? p->cred->uid : 0, .status = sig };
    signal_send_proc_locked(parent, &si);
}

bool signal_parent_exit_locked(struct process *p)
{
    struct process *parent = p->parent;
    int sig = p->exit_signal;
    if (!parent || sig == 0)
        return false;
    bool autoreap = false;
    if (sig == SIGCHLD) {
        struct k_sigaction a = sig_action_get(parent, SIGCHLD);
        autoreap = a.handler == SIG_IGN || (a.flags & SA_NOCLDWAIT);
        if (a.handler == SIG_IGN)
            return true;
    }
    int st = p->exit_status;
    bool killed = (st & 0x7f) != 0;
    /* Every thread has exited and folded its CPU time into p, so these are final. */
    const uint64_t tick = NSEC_PER_SEC / USER_HZ;
    uint64_t user = MIN(p->utime_ns, p->runtime_ns);
    struct ksiginfo si = { .signo = sig, .pid = p->pid, .uid = p->cred ? p->cred->uid : 0,
                           .code = killed ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED,
                           .status = killed ? (st & 0x7f) : (st >> 8) & 0xff,
                           .utime = (int64_t)(user / tick), .stime = (int64_t)((p->runtime_ns - user) / tick) };
    if (sig_valid(sig))
        signal_send_proc_locked(parent, &si);
    return autoreap;
}

/* ---- pending state ---- */

ksigset_t sig_pending_set(struct thread *th)
{
    return atomic_load(&th->sig.pending.set) | atomic_load(&th->proc->sig.shared.set);
}

/* ---- signalfd ---- */

struct waitqueue *signal_queued_wq_current(void)
{
    return &thread_current()->proc->sig.queued_wq;
}

ksigset_t signal_pending_set_current(void)
{
    return sig_pending_set(thread_current());
}

int signal_dequeue_current(ksigset_t mask, struct ksiginfo *out)
{
    return signal_dequeue(thread_current(), mask & ~SIG_UNBLOCKABLE, out);
}

bool signal_fatal_pending_current(void)
{
    struct thread *th = thread_current();
    return th && (sig_pending_set(th) & sigbit(SIGKILL));
}

bool signal_pending_thread(struct thread *th)
{
    struct process *p = th->proc;
    if (sig_pending_set(th) & ~atomic_load(&th->sig.blocked))
        return true;
    return atomic_load(&p->sig.group_stop) || thread_must_exit(th);
}

bool signal_pending_current(void)
{
    struct thread *th = thread_current();
    if (!th)
        return false;           /* a pure kernel task (ktests, workers) takes no signals */
    return signal_pending_thread(th);
}

bool signal_blocked_or_ignored_current(int sig)
{
    struct thread *th = thread_current();
    if (!th || !sig_valid(sig))
        return true;
    if (atomic_load(&th->sig.blocked) & sigbit(sig))
        return true;
    return sig_action_get(th->proc, sig).handler == SIG_IGN;
}

void sig_set_blocked(struct thread *th, ksigset_t mask)
{
    struct process *p = th->proc;
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    atomic_store(&th->sig.blocked, mask & ~SIG_UNBLOCKABLE);
    spin_unlock_irqrestore(&p->sig.lock, f);
}

void sig_set_real_blocked(struct thread *th, ksigset_t mask)
{
    struct process *p = th->proc;
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    th->sig.real_blocked = mask;
    spin_unlock_irqrestore(&p->sig.lock, f);
}

int sig_dequeue_locked(struct thread *th, ksigset_t mask, struct ksiginfo *out, struct list_head *dead)
{
    int sig = sigpending_take_locked(&th->sig.pending, mask, out, dead);
    return sig ? sig : sigpending_take_locked(&th->proc->sig.shared, mask, out, dead);
}

int signal_dequeue(struct thread *th, ksigset_t mask, struct ksiginfo *out)
{
    struct process *p = th->proc;
    struct list_head dead;
    list_init(&dead);
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    int sig = sig_dequeue_locked(th, mask, out, &dead);
    spin_unlock_irqrestore(&p->sig.lock, f);
    sigqueue_free_list(&dead);
    return sig;
}

/* ---- sleeping ---- */

bool signal_sleep_ns(uint64_t timeout_ns, uint64_t *left)
{
    struct waitqueue wq;
    struct wq_entry e = { 0 };
    wq_init(&wq);
    uint64_t deadline = clock_monotonic_ns() + timeout_ns;
    bool interrupted = false;
    for (;;) {
        wq_prepare(&wq, &e);
        uint64_t now = clock_monotonic_ns();
        if (timeout_ns && now >= deadline)
            break;
        if (signal_pending_current()) {
            interrupted = true;
            break;
        }
        if (timeout_ns)
            wq_sleep_timeout(deadline - now);
        else
            wq_sleep();
    }
    wq_finish(&wq, &e);
    if (left) {
        uint64_t now = clock_monotonic_ns();
        *left = timeout_ns && now < deadline ? deadline - now : 0;
    }
    return interrupted;
}

/* ---- siginfo ---- */

void ksiginfo_to_user(struct k_siginfo *out, const struct ksiginfo *in)
{
    memset(out, 0, sizeof(*out));
    out->si_signo = in->signo;
    out->si_code = in->code;
    if (in->fault) {
        out->u.fault.addr = in->addr;
        return;
    }
    out->u.kill.pid = in->pid;
    out->u.kill.uid = in->uid;
    if (in->signo == SIGCHLD && in->code > 0) {
        out->u.chld.status = in->status;
        out->u.chld.utime = in->utime;
        out->u.chld.stime = in->stime;
        return;
    }
    out->u.kill.value = in->value;
}
