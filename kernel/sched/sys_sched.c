// SPDX-License-Identifier: MPL-2.0
// Scheduling syscalls: sched_yield, sched_getaffinity.
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include "proc/process.h"
#include "syscall/syscall.h"

long sys_sched_yield(struct sys_call *c);
long sys_sched_getaffinity(struct sys_call *c);

long sys_sched_yield(struct sys_call *c)
{
    (void)c;
    task_yield();
    return 0;
}

/* The mask sched_setaffinity stored (kernel/sched/sched_syscalls.c). */
long sys_sched_getaffinity(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    uint64_t len = c->arg[1];
    if (len < sizeof(uint64_t) || (len & (sizeof(uint64_t) - 1)))
        return -EINVAL;
    if (pid < 0)
        return -ESRCH;
    mutex_lock(&tasklist_lock);
    struct process *p = pid == 0 ? current_proc() : proc_find_locked(pid);
    uint64_t mask = p ? __atomic_load_n(&p->ctl.affinity, __ATOMIC_RELAXED) : 0;
    mutex_unlock(&tasklist_lock);
    if (!p)
        return -ESRCH;   /* FIXME: thread ids other than a process's own are not looked up */
    unsigned n = cpu_count();
    mask &= n >= 64 ? ~0ULL : (1ULL << n) - 1;
    return copy_to_user(uptr(c->arg[2]), &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}
