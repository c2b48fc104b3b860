// SPDX-License-Identifier: MPL-2.0
// getpriority/setpriority: per-process nice values, with Linux's permission rules.
//
// The nice value is stored, inherited and reported (/proc/PID/stat, ps, top);
// FIXME: the round-robin scheduler does not weigh tasks by it yet.
#include <uapi/errno.h>
#include <uapi/priority.h>
#include <uapi/resource.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "syscall/syscall.h"

long sys_getpriority(struct sys_call *c);
long sys_setpriority(struct sys_call *c);

struct prio_target {
    int which;
    int who;        /* pid, pgid or uid; 0 already resolved to the caller's */
};

static bool prio_match_locked(struct process *p, const struct prio_target *t)
{
    switch (t->which) {
    case PRIO_PROCESS:
        return p->pid == t->who;
    case PRIO_PGRP:
        return p->pgid == t->who;
    default:
        return p->state != PROC_ZOMBIE && p->cred && (int)p->cred->uid == t->who;
    }
}

/* Validate which and resolve who = 0 to the caller's own pid, group or real uid. */
static int prio_target_get(int which, int who, struct prio_target *t)
{
    struct process *me = current_proc();
    if (which < PRIO_PROCESS || which > PRIO_USER)
        return -EINVAL;
    t->which = which;
    t->who = who;
    if (who)
        return 0;
    if (which == PRIO_PROCESS)
        t->who = me->pid;
    else if (which == PRIO_PGRP)
        t->who = me->pgid;          /* read racily: the caller's own group */
    else
        t->who = (int)me->cred->uid;
    return 0;
}

/* Returns 20 - nice (1..40) of the highest-priority match, as the raw syscall does. */
long sys_getpriority(struct sys_call *c)
{
    struct prio_target t;
    int r = prio_target_get((int)c->arg[0], (int)c->arg[1], &t);
    if (r)
        return r;
    long best = -ESRCH;
    mutex_lock(&tasklist_lock);
    for (struct process *p = proc_next_locked(NULL); p; p = proc_next_locked(p)) {
        if (!prio_match_locked(p, &t))
            continue;
        long v = 20 - __atomic_load_n(&p->ctl.nice, __ATOMIC_RELAXED);
        if (v > best)
            best = v;
    }
    mutex_unlock(&tasklist_lock);
    return best;
}

/*
 * One target: the caller must own it (its real or effective uid is the
 * caller's euid) or be privileged; lowering nice needs RLIMIT_NICE room
 * (20 - nice <= limit) or privilege. p->lock held.
 * FIXME: CAP_SYS_NICE once capabilities exist; euid 0 stands for it.
 */
static int set_one_locked(struct process *p, const struct cred *me, int nice)
{
    bool priv = me->euid == 0;
    if (!p->cred || (!priv && p->cred->uid != me->euid && p->cred->euid != me->euid))
        return -EPERM;
    if (nice < p->ctl.nice && !priv && (uint64_t)(20 - nice) > p->rlim[RLIMIT_NICE].rlim_cur)
        return -EACCES;
    __atomic_store_n(&p->ctl.nice, nice, __ATOMIC_RELAXED);
    return 0;
}

long sys_setpriority(struct sys_call *c)
{
    struct prio_target t;
    int nice = (int)c->arg[2];
    int r = prio_target_get((int)c->arg[0], (int)c->arg[1], &t);
    if (r)
        return r;
    nice = nice < MIN_NICE ? MIN_NICE : nice > MAX_NICE ? MAX_NICE : nice;
    struct process *self = current_proc();
    mutex_lock(&self->lock);
    struct cred *me = self->cred;
    cred_get(me);
    mutex_unlock(&self->lock);
    long err = -ESRCH;
    mutex_lock(&tasklist_lock);
    for (struct process *p = proc_next_locked(NULL); p; p = proc_next_locked(p)) {
        if (!prio_match_locked(p, &t))
            continue;
        mutex_lock(&p->lock);
        int e = set_one_locked(p, me, nice);
        mutex_unlock(&p->lock);
        if (e || err == -ESRCH)
            err = e;    /* as Linux: the last failure wins, else success once one matched */
    }
    mutex_unlock(&tasklist_lock);
    cred_put(me);
    return err;
}
