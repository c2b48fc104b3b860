// SPDX-License-Identifier: MPL-2.0
// Delivery on return to user mode: stops, default actions, handler frames, syscall restart, rt_sigreturn.
#include <ostd/user.h>
#include <ostd/task.h>
#include <ostd/console.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "proc/process.h"
#include "syscall/syscall.h"
#include "signal/sigstate.h"
#include "signal/fpframe.h"

long sys_rt_sigreturn(struct sys_call *c);

#define NR_RT_SIGRETURN 15
#define NR_RESTART_SYSCALL 219
#define REDZONE 128
#define USER_RFLAGS_KEEP 0x40dd5ULL     /* CF PF AF ZF SF TF DF OF AC: what sigreturn may set */

/* ---- group stop ---- */

static bool stop_over(struct thread *th)
{
    struct process *p = th->proc;
    return !atomic_load(&p->sig.group_stop) || thread_should_exit() ||
           (sig_pending_set(th) & sigbit(SIGKILL));
}

/* Every other live thread of th's process sleeps in the group stop (or the stop is over). */
static bool others_stopped(struct thread *th)
{
    struct process *p = th->proc;
    return atomic_load(&p->sig.nr_stopped) >= atomic_load(&p->sig.nr_live) - 1 || stop_over(th);
}

/* Add d to the count of threads asleep in the group stop. */
static void count_stopped(struct process *p, int d)
{
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    atomic_store(&p->sig.nr_stopped, p->sig.nr_stopped + d);
    spin_unlock_irqrestore(&p->sig.lock, f);
}

/*
 * Stop the process and, for the thread that took the stop signal (sig), report
 * it; sleep until SIGCONT or SIGKILL. As Linux, the parent hears of the stop
 * (CLD_STOPPED, WUNTRACED) only once every other thread has stopped or exited:
 * the reporter waits for them first. One reporter at a time.
 */
static void do_group_stop(struct thread *th, int sig)
{
    struct process *p = th->proc;
    if (sig) {
        unsigned long f = spin_lock_irqsave(&p->sig.lock);
        bool reporter = !p->sig.stop_reporting;
        p->sig.stop_reporting = true;
        spin_unlock_irqrestore(&p->sig.lock, f);
        if (reporter) {
            wait_event(&p->sig.stop_wq, others_stopped(th));
            f = spin_lock_irqsave(&p->sig.lock);
            p->sig.stop_reporting = false;
            spin_unlock_irqrestore(&p->sig.lock, f);
            if (!stop_over(th)) {
                mutex_lock(&tasklist_lock);
                sig_notify_parent_locked(p, CLD_STOPPED, sig);
                mutex_unlock(&tasklist_lock);
            }
        }
    }
    count_stopped(p, 1);
    wq_wake_all(&p->sig.stop_wq);       /* a reporter may be waiting for this thread */
    wait_event(&p->sig.stop_wq, stop_over(th));
    count_stopped(p, -1);
}

/* ---- syscall restart ---- */

static bool is_restart_code(uint64_t rax)
{
    long r = (long)rax;
    return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK;
}

static void restart_syscall(struct user_context *uc, long nr)
{
    uc->regs.rax = (uint64_t)nr;
    uc->regs.rip -= 2;          /* back onto the 2-byte syscall instruction */
}

/* A handler is about to run: turn a restart code into EINTR or a restart. */
static void fixup_for_handler(struct user_context *uc, long nr, uint64_t sa_flags)
{
    long r = (long)uc->regs.rax;
    if (r == -ERESTARTNOHAND || r == -ERESTART_RESTARTBLOCK || (r == -ERESTARTSYS && !(sa_flags & SA_RESTART)))
        uc->regs.rax = (uint64_t)-EINTR;
    else
        restart_syscall(uc, nr);
}

/* ---- the frame ---- */

static bool on_altstack(const struct thread *th, uint64_t sp)
{
    return th->sig.ss_size && sp > th->sig.ss_sp && sp - th->sig.ss_sp <= th->sig.ss_size;
}

static void fill_mcontext(struct k_sigcontext *m, const struct user_context *uc, uint64_t mask)
{
    const struct user_regs *r = &uc->regs;
    *m = (struct k_sigcontext){
        .r8 = r->r8, .r9 = r->r9, .r10 = r->r10, .r11 = r->r11, .r12 = r->r12, .r13 = r->r13,
        .r14 = r->r14, .r15 = r->r15, .rdi = r->rdi, .rsi = r->rsi, .rbp = r->rbp, .rbx = r->rbx,
        .rdx = r->rdx, .rax = r->rax, .rcx = r->rcx, .rsp = r->rsp, .rip = r->rip, .eflags = r->rflags,
        .cs = (uint16_t)r->cs, .ss = (uint16_t)r->ss, .err = r->error_code, .trapno = r->vector,
        .oldmask = mask, .cr2 = uc->fault_addr,
    };
}

/* Build the rt_sigframe for sig on the user (or alternate) stack and point the thread at the handler. */
static int setup_frame(struct thread *th, int sig, const struct ksiginfo *info,
                       const struct k_sigaction *ka, ksigset_t oldmask)
{
    struct user_context *uc = th->uctx;
    if (!(ka->flags & SA_RESTORER))
        return -EFAULT;         /* x86-64 has no kernel-provided trampoline */
    uint64_t sp = uc->regs.rsp;
    struct k_stack saved = sig_altstack_get(th, sp);
    bool switch_stack = (ka->flags & SA_ONSTACK) && th->sig.ss_size && !on_altstack(th, sp);
    if (switch_stack)
        sp = th->sig.ss_sp + th->sig.ss_size;
    else
        sp -= REDZONE;
    uint64_t fpstate = (sp - fpframe_size()) & ~63ULL;
    uint64_t frame = ((fpstate - sizeof(struct k_rt_sigframe)) & ~15ULL) - 8;
    if ((switch_stack || on_altstack(th, uc->regs.rsp)) && !on_altstack(th, frame))
        return -EFAULT;         /* the frame overflows the alternate stack: SIGSEGV, as Linux */
    if (fpframe_save(uc, fpstate))
        return -EFAULT;
    struct k_rt_sigframe f;
    memset(&f, 0, sizeof(f));
    f.pretcode = ka->restorer;
    f.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (fpframe_extended() ? UC_FP_XSTATE : 0);
    f.uc.uc_stack = saved;
    fill_mcontext(&f.uc.uc_mcontext, uc, oldmask);
    f.uc.uc_mcontext.fpstate = fpstate;
    f.uc.uc_sigmask = oldmask;
    ksiginfo_to_user(&f.info, info);
    if (copy_to_user(uptr(frame), &f, sizeof(f)))
        return -EFAULT;
    uctx_fpu_reset(uc);         /* handlers start with a clean FPU, as on Linux */
    uc->regs.rsp = frame;
    uc->regs.rip = ka->handler;
    uc->regs.rdi = (uint64_t)sig;
    uc->regs.rsi = frame + offsetof(struct k_rt_sigframe, info);
    uc->regs.rdx = frame + offsetof(struct k_rt_sigframe, uc);
    uc->regs.rax = 0;
    uc->regs.rflags &= ~(0x100ULL | 0x400ULL);     /* TF, DF clear in the handler */
    if (switch_stack && (th->sig.ss_flags & SS_AUTODISARM)) {
        th->sig.ss_sp = th->sig.ss_size = 0;        /* sigreturn re-arms it from uc_stack */
        th->sig.ss_flags = SS_DISABLE;
    }
    return 0;
}

/* Run a handler: frame, then the handler's mask; SA_RESETHAND resets the action. */
static void handle_signal(struct thread *th, int sig, const struct ksiginfo *info, struct k_sigaction *ka)
{
    struct process *p = th->proc;
    ksigset_t oldmask = th->sig.restore_mask ? th->sig.saved_mask : atomic_load(&th->sig.blocked);
    if (setup_frame(th, sig, info, ka, oldmask)) {
        pr_warn("%s[%d]: cannot build a frame for signal %d, killed by SIGSEGV\n", p->comm, p->pid, sig);
        process_exit(SIGSEGV);
    }
    if (th->sig.restore_mask) {
        th->sig.restore_mask = false;
        sig_set_blocked(th, th->sig.saved_mask);
    }
    ksigset_t add = ka->mask | ((ka->flags & SA_NODEFER) ? 0 : sigbit(sig));
    sig_set_blocked(th, atomic_load(&th->sig.blocked) | add);
    if (ka->flags & SA_RESETHAND) {
        unsigned long f = spin_lock_irqsave(&p->sighand->lock);
        struct k_sigaction *a = &p->sighand->action[sig - 1];
        if (a->handler == ka->handler)
            *a = (struct k_sigaction){ .handler = SIG_DFL };
        spin_unlock_irqrestore(&p->sighand->lock, f);
    }
}

/*
 * Is p's process group orphaned (no member has a parent in another group of
 * the same session)? Job-control stops are discarded there, as POSIX says.
 */
static bool pgrp_orphaned(struct process *p)
{
    mutex_lock(&tasklist_lock);
    int pgid = p->pgid;
    bool orphaned = true;
    for (struct process *q = proc_next_locked(NULL); q && orphaned; q = proc_next_locked(q)) {
        struct process *par = q->parent;
        if (q->pgid == pgid && q->state == PROC_ALIVE && par && par->pgid != pgid && par->sid == q->sid)
            orphaned = false;
    }
    mutex_unlock(&tasklist_lock);
    return orphaned;
}

/* A default action that ends or stops the process; returns normally for stop/ignore. */
static void default_action(struct thread *th, int sig)
{
    struct process *p = th->proc;
    switch (sig_default_action(sig)) {
    case SIGDFL_IGNORE:
    case SIGDFL_CONT:
        return;
    case SIGDFL_STOP: {
        if (sig != SIGSTOP && pgrp_orphaned(p))
            return;
        sig_start_group_stop(p);
        do_group_stop(th, sig);
        return;
    }
    case SIGDFL_CORE:
    case SIGDFL_TERM:
        /* RLIMIT_CORE is 0 by default and no core is written: the status is the bare signal number. */
        process_exit(sig);
    }
}

/* Take one deliverable signal and its action; 0 when none. */
static int next_signal(struct thread *th, struct ksiginfo *info, struct k_sigaction *ka)
{
    struct process *p = th->proc;
    for (;;) {
        int sig = signal_dequeue(th, ~atomic_load(&th->sig.blocked), info);
        if (!sig)
            return 0;
        *ka = sig_action_get(p, sig);
        if (ka->handler == SIG_IGN)
            continue;
        if (ka->handler != SIG_DFL)
            return sig;
        if (p->pid == 1 && sig != SIGKILL)
            continue;           /* init gets no default actions */
        default_action(th, sig);
    }
}

/* Deliver what is pending, restart or fix up an interrupted syscall, restore a sigsuspend mask. */
static __attribute__((noinline)) void return_work(struct thread *th, long nr, bool restartable)
{
    struct user_context *uc = th->uctx;
    for (;;) {
        if (thread_must_exit(th))
            return;             /* the user loop ends the thread */
        if (atomic_load(&th->proc->sig.group_stop)) {
            do_group_stop(th, 0);
            continue;
        }
        struct ksiginfo info;
        struct k_sigaction ka;
        int sig = next_signal(th, &info, &ka);
        if (!sig)
            break;
        if (restartable) {
            fixup_for_handler(uc, nr, ka.flags);
            restartable = false;
        }
        handle_signal(th, sig, &info, &ka);
    }
    /* No handler ran: -ERESTART_RESTARTBLOCK resumes through restart_syscall(2) and the thread's block. */
    if (restartable)
        restart_syscall(uc, (long)uc->regs.rax == -ERESTART_RESTARTBLOCK ? NR_RESTART_SYSCALL : nr);
    if (th->sig.restore_mask) {
        th->sig.restore_mask = false;
        sig_set_blocked(th, th->sig.saved_mask);
    }
}

/* Kept small (no locals on the stack): it runs after every syscall, and usually finds nothing to do. */
void signal_return_to_user(struct thread *th, long nr)
{
    bool restartable = nr >= 0 && nr != NR_RT_SIGRETURN && is_restart_code(th->uctx->regs.rax);
    if (!restartable && !th->sig.restore_mask && !signal_pending_thread(th))
        return;                 /* the common case: nothing to do */
    return_work(th, nr, restartable);
}

/* ---- rt_sigreturn ---- */

static void restore_regs(struct user_context *uc, const struct k_sigcontext *m)
{
    struct user_regs *r = &uc->regs;
    r->r8 = m->r8; r->r9 = m->r9; r->r10 = m->r10; r->r11 = m->r11; r->r12 = m->r12;
    r->r13 = m->r13; r->r14 = m->r14; r->r15 = m->r15; r->rdi = m->rdi; r->rsi = m->rsi;
    r->rbp = m->rbp; r->rbx = m->rbx; r->rdx = m->rdx; r->rax = m->rax; r->rcx = m->rcx;
    r->rsp = m->rsp; r->rip = m->rip;
    r->rflags = (r->rflags & ~USER_RFLAGS_KEEP) | (m->eflags & USER_RFLAGS_KEEP);
}

long sys_rt_sigreturn(struct sys_call *c)
{
    struct thread *th = thread_current();
    struct user_context *uc = c->uctx;
    uint64_t frame = uc->regs.rsp - 8;      /* the handler's ret popped pretcode */
    struct k_ucontext kuc;
    if (copy_from_user(&kuc, uptr(frame + offsetof(struct k_rt_sigframe, uc)), sizeof(kuc)))
        goto bad;
    if (fpframe_restore(uc, kuc.uc_mcontext.fpstate))
        goto bad;
    restore_regs(uc, &kuc.uc_mcontext);
    sig_set_blocked(th, kuc.uc_sigmask);
    (void)sig_altstack_set(th, &kuc.uc_stack, uc->regs.rsp);   /* errors ignored, as Linux */
    return (long)uc->regs.rax;
bad:
    signal_force_fault(th, SIGSEGV, SI_KERNEL, 0);
    return (long)uc->regs.rax;
}
