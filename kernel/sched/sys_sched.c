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

/* FIXME: every task may run on every CPU; sched_setaffinity is not implemented. */
long sys_sched_getaffinity(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    uint64_t len = c->arg[1];
    if (len < sizeof(uint64_t) || (len & (sizeof(uint64_t) - 1)))
        return -EINVAL;
    if (pid < 0)
        return -ESRCH;
    mutex_lock(&tasklist_lock);
    bool found = pid == 0 || proc_find_locked(pid);
    mutex_unlock(&tasklist_lock);
    if (!found)
        return -ESRCH;   /* FIXME: thread ids other than a process's own are not looked up */
    unsigned n = cpu_count();
    uint64_t mask = n >= 64 ? ~0ULL : (1ULL << n) - 1;
    return copy_to_user(uptr(c->arg[2]), &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}
