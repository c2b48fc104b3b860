// SPDX-License-Identifier: MPL-2.0
// Process groups orphaned by an exit: SIGHUP then SIGCONT when they hold a stopped member (POSIX job control).
#include "proc/process.h"
#include "signal/signal.h"

/*
 * Will group pgid be orphaned once `gone` has exited: no other live member
 * has a parent outside the group but in its session? As Linux, a parent that
 * is init (pid 1) links nothing. tasklist_lock held.
 */
static bool orphaned_without_locked(int pgid, const struct process *gone)
{
    for (struct process *q = proc_next_locked(NULL); q; q = proc_next_locked(q)) {
        if (q == gone || q->state != PROC_ALIVE || q->pgid != pgid)
            continue;
        const struct process *par = q->parent;
        if (par && par != gone && par->pid != 1 && par->pgid != pgid && par->sid == q->sid)
            return false;
    }
    return true;
}

/* Is a live member of group pgid stopped by a group stop? tasklist_lock held. */
static bool has_stopped_locked(int pgid)
{
    for (struct process *q = proc_next_locked(NULL); q; q = proc_next_locked(q))
        if (q->state == PROC_ALIVE && q->pgid == pgid && __atomic_load_n(&q->sig.group_stop, __ATOMIC_ACQUIRE))
            return true;
    return false;
}

/* Send sig from the kernel to every live member of group pgid. tasklist_lock held. */
static void kill_group_locked(int pgid, int sig)
{
    struct ksiginfo si = { .signo = sig, .code = SI_KERNEL };
    for (struct process *q = proc_next_locked(NULL); q; q = proc_next_locked(q))
        if (q->state == PROC_ALIVE && q->pgid == pgid)
            signal_send_proc_locked(q, &si);
}

void proc_orphan_group_check_locked(int pgid, const struct process *gone)
{
    if (!orphaned_without_locked(pgid, gone) || !has_stopped_locked(pgid))
        return;
    kill_group_locked(pgid, SIGHUP);
    kill_group_locked(pgid, SIGCONT);
}
