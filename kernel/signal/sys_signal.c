// SPDX-License-Identifier: MPL-2.0
// Signal syscalls: actions, masks, pending sets, waiting for signals, the alternate stack.
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/process.h"
#include "syscall/syscall.h"
#include "time/clock.h"
#include "signal/sigstate.h"

long sys_rt_sigaction(struct sys_call *c);
long sys_rt_sigprocmask(struct sys_call *c);
long sys_rt_sigpending(struct sys_call *c);
long sys_rt_sigsuspend(struct sys_call *c);
long sys_rt_sigtimedwait(struct sys_call *c);
long sys_pause(struct sys_call *c);
long sys_sigaltstack(struct sys_call *c);

#define SA_KNOWN (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_ONSTACK | SA_RESTART | \
                  SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS)

/* Drop sig from every pending set of p (it became ignored); takes sig.lock. */
static void discard_pending(struct process *p, int sig)
{
    struct list_head dead;
    list_init(&dead);
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    sig_flush_locked(p, sigbit(sig), &dead);
    spin_unlock_irqrestore(&p->sig.lock, f);
    sigqueue_free_list(&dead);
}

long sys_rt_sigaction(struct sys_call *c)
{
    int sig = (int)c->arg[0];
    if (c->arg[3] != sizeof(ksigset_t) || !sig_valid(sig))
        return -EINVAL;
    struct k_sigaction act;
    if (c->arg[1]) {
        if (copy_from_user(&act, uptr(c->arg[1]), sizeof(act)))
            return -EFAULT;
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        act.flags &= SA_KNOWN;  /* unknown bits are dropped, as Linux reports back */
        act.mask &= ~SIG_UNBLOCKABLE;
    }
    struct process *p = current_proc();
    unsigned long f = spin_lock_irqsave(&p->sighand->lock);
    struct k_sigaction old = p->sighand->action[sig - 1];
    if (c->arg[1])
        p->sighand->action[sig - 1] = act;
    spin_unlock_irqrestore(&p->sighand->lock, f);
    if (c->arg[1] && sig_ignored(p, sig))
        discard_pending(p, sig);
    if (c->arg[2] && copy_to_user(uptr(c->arg[2]), &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

long sys_rt_sigprocmask(struct sys_call *c)
{
    int how = (int)c->arg[0];
    if (c->arg[3] != sizeof(ksigset_t))
        return -EINVAL;
    struct thread *th = thread_current();
    ksigset_t old = atomic_load(&th->sig.blocked), set = 0;
    if (c->arg[1]) {
        if (copy_from_user(&set, uptr(c->arg[1]), sizeof(set)))
            return -EFAULT;
        ksigset_t m;
        switch (how) {
        case SIG_BLOCK: m = old | set; break;
        case SIG_UNBLOCK: m = old & ~set; break;
        case SIG_SETMASK: m = set; break;
        default: return -EINVAL;
        }
        sig_set_blocked(th, m);
    }
    if (c->arg[2] && copy_to_user(uptr(c->arg[2]), &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

long sys_rt_sigpending(struct sys_call *c)
{
    if (c->arg[1] > sizeof(ksigset_t))
        return -EINVAL;
    struct thread *th = thread_current();
    ksigset_t set = sig_pending_set(th) & atomic_load(&th->sig.blocked);
    return copy_to_user(uptr(c->arg[0]), &set, c->arg[1]) ? -EFAULT : 0;
}

long sys_rt_sigsuspend(struct sys_call *c)
{
    if (c->arg[1] != sizeof(ksigset_t))
        return -EINVAL;
    ksigset_t set;
    if (copy_from_user(&set, uptr(c->arg[0]), sizeof(set)))
        return -EFAULT;
    struct thread *th = thread_current();
    th->sig.saved_mask = atomic_load(&th->sig.blocked);
    th->sig.restore_mask = true;    /* the handler's frame gets the old mask; restored after */
    sig_set_blocked(th, set);
    while (!signal_sleep_ns(0, NULL))
        ;
    return -ERESTARTNOHAND;
}

long sys_pause(struct sys_call *c)
{
    (void)c;
    while (!signal_sleep_ns(0, NULL))
        ;
    return -ERESTARTNOHAND;
}

/* Wait for one of set: its number, -EAGAIN on timeout, -EINTR for another signal. */
static long timedwait(struct thread *th, ksigset_t set, bool has_timeout, uint64_t timeout_ns,
                      struct ksiginfo *info)
{
    int sig = signal_dequeue(th, set, info);
    if (sig)
        return sig;
    if (has_timeout && timeout_ns == 0)
        return -EAGAIN;
    /* Unblock the awaited signals while sleeping so that sending them wakes this thread. */
    ksigset_t old = atomic_load(&th->sig.blocked);
    sig_set_real_blocked(th, old);
    sig_set_blocked(th, old & ~set);
    uint64_t left = 0;
    bool intr = signal_sleep_ns(has_timeout ? timeout_ns : 0, &left);
    sig_set_blocked(th, old);
    sig_set_real_blocked(th, 0);
    sig = signal_dequeue(th, set, info);
    if (sig)
        return sig;
    return intr ? -EINTR : -EAGAIN;
}

long sys_rt_sigtimedwait(struct sys_call *c)
{
    if (c->arg[3] != sizeof(ksigset_t))
        return -EINVAL;
    ksigset_t set;
    if (copy_from_user(&set, uptr(c->arg[0]), sizeof(set)))
        return -EFAULT;
    set &= ~SIG_UNBLOCKABLE;
    struct kernel_timespec ts;
    uint64_t ns = 0;
    if (c->arg[2]) {
        if (timespec_from_user(&ts, uptr(c->arg[2])))
            return -EFAULT;
        if (!timespec_valid(&ts))
            return -EINVAL;
        ns = timespec_to_ns(&ts);
    }
    struct ksiginfo info;
    long sig = timedwait(thread_current(), set, c->arg[2] != 0, ns, &info);
    if (sig > 0 && c->arg[1]) {
        struct k_siginfo ui;
        ksiginfo_to_user(&ui, &info);
        if (copy_to_user(uptr(c->arg[1]), &ui, sizeof(ui)))
            return -EFAULT;
    }
    return sig;
}

static bool on_altstack(const struct thread *th, uint64_t sp)
{
    return th->sig.ss_size && sp > th->sig.ss_sp && sp - th->sig.ss_sp <= th->sig.ss_size;
}

struct k_stack sig_altstack_get(const struct thread *th, uint64_t sp)
{
    uint32_t mode = !th->sig.ss_size ? SS_DISABLE : on_altstack(th, sp) ? SS_ONSTACK : 0;
    return (struct k_stack){ .ss_sp = th->sig.ss_sp, .ss_size = th->sig.ss_size,
                             .ss_flags = (int32_t)(mode | (th->sig.ss_flags & SS_AUTODISARM)) };
}

int sig_altstack_set(struct thread *th, const struct k_stack *ns, uint64_t sp)
{
    if (on_altstack(th, sp))
        return -EPERM;
    uint32_t mode = (uint32_t)ns->ss_flags & ~SS_AUTODISARM;
    if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        th->sig.ss_sp = th->sig.ss_size = 0;
        th->sig.ss_flags = SS_DISABLE;
        return 0;
    }
    if (ns->ss_size < MINSIGSTKSZ)
        return -ENOMEM;
    th->sig.ss_sp = ns->ss_sp;
    th->sig.ss_size = ns->ss_size;
    th->sig.ss_flags = (uint32_t)ns->ss_flags & SS_AUTODISARM;
    return 0;
}

long sys_sigaltstack(struct sys_call *c)
{
    struct thread *th = thread_current();
    uint64_t sp = c->uctx->regs.rsp;
    struct k_stack old = sig_altstack_get(th, sp);
    if (c->arg[0]) {
        struct k_stack ns;
        if (copy_from_user(&ns, uptr(c->arg[0]), sizeof(ns)))
            return -EFAULT;
        int err = sig_altstack_set(th, &ns, sp);
        if (err)
            return err;
    }
    if (c->arg[1] && copy_to_user(uptr(c->arg[1]), &old, sizeof(old)))
        return -EFAULT;
    return 0;
}
