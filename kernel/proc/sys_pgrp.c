// SPDX-License-Identifier: MPL-2.0
// Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid.
#include <uapi/errno.h>
#include "proc/process.h"
#include "syscall/syscall.h"

long sys_setpgid(struct sys_call *c);
long sys_getpgid(struct sys_call *c);
long sys_getpgrp(struct sys_call *c);
long sys_setsid(struct sys_call *c);
long sys_getsid(struct sys_call *c);

/* pid 0 means the caller; tasklist_lock held. */
static struct process *target_locked(int pid)
{
    return pid == 0 ? current_proc() : proc_find_locked(pid);
}

static long setpgid_locked(struct process *self, int pid, int pgid)
{
    struct process *t = target_locked(pid);
    if (!t || (t != self && t->parent != self))
        return -ESRCH;
    if (t != self && t->sid != self->sid)
        return -EPERM;
    if (t != self && t->did_exec)
        return -EACCES;
    if (pgid == 0)
        pgid = t->pid;
    if (t->sid == t->pid)
        return -EPERM;   /* a session leader cannot move */
    if (pgid != t->pid && !proc_pgrp_exists_locked(pgid, self->sid))
        return -EPERM;
    t->pgid = pgid;
    return 0;
}

long sys_setpgid(struct sys_call *c)
{
    int pid = (int)c->arg[0], pgid = (int)c->arg[1];
    if (pid < 0 || pgid < 0)
        return -EINVAL;
    mutex_lock(&tasklist_lock);
    long r = setpgid_locked(current_proc(), pid, pgid);
    mutex_unlock(&tasklist_lock);
    return r;
}

static long get_locked_field(int pid, bool sid)
{
    if (pid < 0)
        return -ESRCH;
    mutex_lock(&tasklist_lock);
    struct process *t = target_locked(pid);
    long r = !t ? -ESRCH : sid ? t->sid : t->pgid;
    mutex_unlock(&tasklist_lock);
    return r;
}

long sys_getpgid(struct sys_call *c) { return get_locked_field((int)c->arg[0], false); }
long sys_getpgrp(struct sys_call *c) { (void)c; return get_locked_field(0, false); }
long sys_getsid(struct sys_call *c) { return get_locked_field((int)c->arg[0], true); }

long sys_setsid(struct sys_call *c)
{
    (void)c;
    struct process *self = current_proc();
    mutex_lock(&tasklist_lock);
    long r = self->pid;
    if (proc_pgrp_exists_locked(self->pid, -1))   /* already leads a group */
        r = -EPERM;
    else
        self->pgid = self->sid = self->pid;
    mutex_unlock(&tasklist_lock);
    return r;
}
