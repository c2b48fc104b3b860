// SPDX-License-Identifier: MPL-2.0
// Sending signals from user space: kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo.
#include <ostd/user.h>
#include <uapi/errno.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "syscall/syscall.h"
#include "signal/sigstate.h"

long sys_kill(struct sys_call *c);
long sys_tkill(struct sys_call *c);
long sys_tgkill(struct sys_call *c);
long sys_rt_sigqueueinfo(struct sys_call *c);
long sys_rt_tgsigqueueinfo(struct sys_call *c);

/* Send to one process after the permission check; sig 0 only checks. tasklist_lock held. */
static int send_one_locked(struct process *p, const struct ksiginfo *si)
{
    if (!signal_may_send_locked(p))
        return -EPERM;
    return si->signo ? signal_send_proc_locked(p, si) : 0;
}

/* Every process of group pgid (pgid < 0: all but init and the caller). tasklist_lock held. */
static int send_many_locked(int pgid, const struct ksiginfo *si)
{
    struct process *me = current_proc();
    int found = 0, ok = 0, err = -ESRCH;
    for (struct process *p = proc_next_locked(NULL); p; p = proc_next_locked(p)) {
        if (p->state != PROC_ALIVE)
            continue;
        if (pgid < 0 ? (p->pid == 1 || p == me) : p->pgid != pgid)
            continue;
        found++;
        int r = send_one_locked(p, si);
        if (r == 0)
            ok++;
        else
            err = r;
    }
    return ok ? 0 : found ? err : -ESRCH;
}

static long do_kill(int pid, const struct ksiginfo *si)
{
    mutex_lock(&tasklist_lock);
    long r;
    if (pid > 0) {
        struct process *p = proc_find_locked(pid);
        r = p ? send_one_locked(p, si) : -ESRCH;
    } else if (pid == -1) {
        r = send_many_locked(-1, si);
    } else {
        r = send_many_locked(pid == 0 ? current_proc()->pgid : -pid, si);
    }
    mutex_unlock(&tasklist_lock);
    return r;
}

long sys_kill(struct sys_call *c)
{
    int pid = (int)c->arg[0], sig = (int)c->arg[1];
    if (sig < 0 || sig > KNSIG || pid == (int)0x80000000)
        return sig < 0 || sig > KNSIG ? -EINVAL : -ESRCH;
    struct ksiginfo si;
    ksiginfo_user(&si, sig, SI_USER);
    return do_kill(pid, &si);
}

/* Send to thread tid (of process tgid, or any when tgid <= 0). */
static long do_tkill(int tgid, int tid, const struct ksiginfo *si)
{
    long r = -ESRCH;
    mutex_lock(&tasklist_lock);
    for (struct process *p = proc_next_locked(NULL); p; p = proc_next_locked(p)) {
        if ((tgid > 0 && p->pid != tgid) || p->state != PROC_ALIVE)
            continue;
        mutex_lock(&p->lock);
        struct thread *t = thread_find_locked(p, tid);
        if (t) {
            r = signal_may_send_locked(p) ? 0 : -EPERM;
            if (!r && si->signo)
                r = signal_send_thread(t, si);
        }
        mutex_unlock(&p->lock);
        if (t || tgid > 0)
            break;
    }
    mutex_unlock(&tasklist_lock);
    return r;
}

long sys_tkill(struct sys_call *c)
{
    int tid = (int)c->arg[0], sig = (int)c->arg[1];
    if (tid <= 0 || sig < 0 || sig > KNSIG)
        return -EINVAL;
    struct ksiginfo si;
    ksiginfo_user(&si, sig, SI_TKILL);
    return do_tkill(0, tid, &si);
}

long sys_tgkill(struct sys_call *c)
{
    int tgid = (int)c->arg[0], tid = (int)c->arg[1], sig = (int)c->arg[2];
    if (tgid <= 0 || tid <= 0 || sig < 0 || sig > KNSIG)
        return -EINVAL;
    struct ksiginfo si;
    ksiginfo_user(&si, sig, SI_TKILL);
    return do_tkill(tgid, tid, &si);
}

/*
 * A siginfo from user space: only the kernel may claim SI_USER, SI_TKILL or
 * kernel codes when the target is not the caller itself (target_tid: the
 * thread the call names, as Linux compares it). The sender's pid, uid and
 * value are carried as given (si_pid/si_uid/si_value share their slots with
 * the timer and other layouts).
 */
static long queueinfo_from_user(struct ksiginfo *si, int sig, uint64_t uinfo, int target_tid)
{
    struct k_siginfo ui;
    if (copy_from_user(&ui, uptr(uinfo), sizeof(ui)))
        return -EFAULT;
    if ((ui.si_code >= 0 || ui.si_code == SI_TKILL) && target_tid != thread_current()->tid)
        return -EPERM;
    *si = (struct ksiginfo){ .signo = sig, .code = ui.si_code, .pid = ui.u.kill.pid,
                             .uid = ui.u.kill.uid, .value = ui.u.kill.value };
    return 0;
}

long sys_rt_sigqueueinfo(struct sys_call *c)
{
    int pid = (int)c->arg[0], sig = (int)c->arg[1];
    struct ksiginfo si;
    long r = queueinfo_from_user(&si, sig, c->arg[2], pid);
    if (r)
        return r;
    if (pid <= 0)
        return -ESRCH;      /* no process group or broadcast form, as Linux */
    mutex_lock(&tasklist_lock);
    struct process *p = proc_find_locked(pid);
    r = !p ? -ESRCH : sig < 0 || sig > KNSIG ? -EINVAL : send_one_locked(p, &si);
    mutex_unlock(&tasklist_lock);
    return r;
}

long sys_rt_tgsigqueueinfo(struct sys_call *c)
{
    int tgid = (int)c->arg[0], tid = (int)c->arg[1], sig = (int)c->arg[2];
    if (tgid <= 0 || tid <= 0)
        return -EINVAL;
    struct ksiginfo si;
    long r = queueinfo_from_user(&si, sig, c->arg[3], tid);
    if (r)
        return r;
    if (sig < 0 || sig > KNSIG)
        return -EINVAL;
    return do_tkill(tgid, tid, &si);
}

/* Kernel-originated signal to every live process of group pgrp (the TTY's job-control keys). */
int signal_kill_pgrp(int pgrp, int sig)
{
    struct ksiginfo si = { .signo = sig, .code = SI_KERNEL };
    int found = 0;
    if (pgrp <= 0 || sig <= 0 || sig > KNSIG)
        return -EINVAL;
    mutex_lock(&tasklist_lock);
    for (struct process *p = proc_next_locked(NULL); p; p = proc_next_locked(p)) {
        if (p->state != PROC_ALIVE || p->pgid != pgrp)
            continue;
        signal_send_proc_locked(p, &si);
        found++;
    }
    mutex_unlock(&tasklist_lock);
    return found ? 0 : -ESRCH;
}
