// SPDX-License-Identifier: MPL-2.0
// Scheduling policy syscalls: sched_{get,set}{param,scheduler}, priority ranges, rr interval, setaffinity.
//
// Keel schedules every task round-robin, which is SCHED_OTHER; the real-time
// and deadline policies are refused. The affinity mask is validated, stored
// and reported, but not enforced: FIXME, the round-robin placement
// (kernel/sched/rr.c) may run a task on any CPU (noted in docs/syscalls.md).
#include <ostd/cpu.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/sched_policy.h>
#include <uapi/time.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "syscall/syscall.h"

long sys_sched_setparam(struct sys_call *c);
long sys_sched_getparam(struct sys_call *c);
long sys_sched_setscheduler(struct sys_call *c);
long sys_sched_getscheduler(struct sys_call *c);
long sys_sched_get_priority_max(struct sys_call *c);
long sys_sched_get_priority_min(struct sys_call *c);
long sys_sched_rr_get_interval(struct sys_call *c);
long sys_sched_setaffinity(struct sys_call *c);

#define RR_SLICE_NS (20 * 1000000ULL)   /* kernel/sched/rr.c: 5 ticks at 250 Hz */

/* The process pid names (0: the caller), with tasklist_lock held on success. */
static struct process *sched_find_lock(int pid)
{
    mutex_lock(&tasklist_lock);
    struct process *p = pid ? proc_find_locked(pid) : current_proc();
    if (!p)
        mutex_unlock(&tasklist_lock);
    return p;   /* FIXME: thread ids other than a process's own are not looked up */
}

/*
 * May the caller change p's scheduling? Same owner (caller's euid is p's uid
 * or euid) or privileged. tasklist_lock held.
 * FIXME: CAP_SYS_NICE once capabilities exist; euid 0 stands for it.
 */
static bool may_change_locked(struct process *p)
{
    const struct cred *me = current_proc()->cred, *pc = p->cred;
    return me->euid == 0 || (pc && (pc->uid == me->euid || pc->euid == me->euid));
}

static bool policy_valid(int policy)
{
    return policy == SCHED_OTHER || policy == SCHED_FIFO || policy == SCHED_RR ||
           policy == SCHED_BATCH || policy == SCHED_IDLE || policy == SCHED_DEADLINE;
}

/* Linux's parameter checks: rt policies take 1..99, the others 0; deadline needs sched_setattr. */
static int check_param(int policy, int prio)
{
    if (!policy_valid(policy) || prio < 0 || prio > MAX_USER_RT_PRIO - 1)
        return -EINVAL;
    bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
    if (policy == SCHED_DEADLINE || rt != (prio != 0))
        return -EINVAL;
    /* FIXME: only SCHED_OTHER exists; rt, batch and idle are refused as for an unprivileged caller. */
    return policy == SCHED_OTHER ? 0 : -EPERM;
}

/* policy < 0: keep the current one (sched_setparam). */
static long set_sched(int pid, int policy, uptr_t uparam)
{
    struct linux_sched_param sp;
    if (!uparam.addr || pid < 0)
        return -EINVAL;
    if (copy_from_user(&sp, uparam, sizeof(sp)))
        return -EFAULT;
    bool reset = policy >= 0 && (policy & SCHED_RESET_ON_FORK);
    if (policy >= 0)
        policy &= ~SCHED_RESET_ON_FORK;
    int r = check_param(policy < 0 ? SCHED_OTHER : policy, sp.sched_priority);
    if (r)
        return r;
    struct process *p = sched_find_lock(pid);
    if (!p)
        return -ESRCH;
    if (!may_change_locked(p)) {
        mutex_unlock(&tasklist_lock);
        return -EPERM;
    }
    if (policy >= 0) {
        mutex_lock(&p->lock);
        p->ctl.reset_on_fork = reset;
        mutex_unlock(&p->lock);
    }
    mutex_unlock(&tasklist_lock);
    return 0;
}

long sys_sched_setscheduler(struct sys_call *c)
{
    int policy = (int)c->arg[1];
    if (policy < 0)
        return -EINVAL;
    return set_sched((int)c->arg[0], policy, uptr(c->arg[2]));
}

long sys_sched_setparam(struct sys_call *c)
{
    return set_sched((int)c->arg[0], -1, uptr(c->arg[1]));
}

long sys_sched_getscheduler(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    if (pid < 0)
        return -EINVAL;
    struct process *p = sched_find_lock(pid);
    if (!p)
        return -ESRCH;
    mutex_lock(&p->lock);
    long r = SCHED_OTHER | (p->ctl.reset_on_fork ? SCHED_RESET_ON_FORK : 0);
    mutex_unlock(&p->lock);
    mutex_unlock(&tasklist_lock);
    return r;
}

long sys_sched_getparam(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    uptr_t up = uptr(c->arg[1]);
    if (!up.addr || pid < 0)
        return -EINVAL;
    struct process *p = sched_find_lock(pid);
    if (!p)
        return -ESRCH;
    mutex_unlock(&tasklist_lock);
    struct linux_sched_param sp = { .sched_priority = 0 };
    return copy_to_user(up, &sp, sizeof(sp)) ? -EFAULT : 0;
}

long sys_sched_get_priority_max(struct sys_call *c)
{
    int policy = (int)c->arg[0];
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return MAX_USER_RT_PRIO - 1;
    return policy_valid(policy) ? 0 : -EINVAL;
}

long sys_sched_get_priority_min(struct sys_call *c)
{
    int policy = (int)c->arg[0];
    if (policy == SCHED_FIFO || policy == SCHED_RR)
        return 1;
    return policy_valid(policy) ? 0 : -EINVAL;
}

/* Every task gets the round-robin slice. */
long sys_sched_rr_get_interval(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    if (pid < 0)
        return -EINVAL;
    struct process *p = sched_find_lock(pid);
    if (!p)
        return -ESRCH;
    mutex_unlock(&tasklist_lock);
    struct kernel_timespec ts = { .tv_sec = 0, .tv_nsec = (long)RR_SLICE_NS };
    return copy_to_user(uptr(c->arg[1]), &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* The online CPUs as a mask. */
static uint64_t online_mask(void)
{
    unsigned n = cpu_count();
    return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/*
 * A mask shorter than 8 bytes fills the low bytes of an empty one, as
 * Linux does with a short cpumask; longer masks are read up to 8 bytes
 * (CPUs 0..63, more than Keel runs on). A mask with no online CPU is -EINVAL.
 */
long sys_sched_setaffinity(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    uint64_t len = c->arg[1], mask = 0;
    if (pid < 0)
        return -ESRCH;
    if (copy_from_user(&mask, uptr(c->arg[2]), len < sizeof(mask) ? (size_t)len : sizeof(mask)))
        return -EFAULT;
    struct process *p = sched_find_lock(pid);
    if (!p)
        return -ESRCH;
    long r = 0;
    if (!may_change_locked(p))
        r = -EPERM;
    else if (!(mask & online_mask()))
        r = -EINVAL;
    if (!r) {
        mutex_lock(&p->lock);
        p->ctl.affinity = mask & online_mask();
        mutex_unlock(&p->lock);
    }
    mutex_unlock(&tasklist_lock);
    return r;
}
