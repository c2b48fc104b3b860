// SPDX-License-Identifier: MPL-2.0
// Resource limits and usage: prlimit64, getrlimit, setrlimit, getrusage, times.
#include <ostd/user.h>
#include <ostd/task.h>
#include <ostd/time.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/resource.h>
#include "proc/process.h"
#include "mm/mm.h"
#include "proc/cred.h"
#include "syscall/syscall.h"
#include "fs/file.h"

long sys_prlimit64(struct sys_call *c);
long sys_getrlimit(struct sys_call *c);
long sys_setrlimit(struct sys_call *c);
long sys_getrusage(struct sys_call *c);
long sys_times(struct sys_call *c);

#define USER_HZ 100

/*
 * Enforced: NOFILE (fs files_limit), NPROC (fork), FSIZE (write/truncate),
 * CPU (user_loop), SIGPENDING (signal queueing), AS and DATA (mm/mm_limit.c),
 * STACK (stack growth in mm/mm.c, execve's argument limit). FIXME: MEMLOCK,
 * LOCKS, MSGQUEUE, NICE, RTPRIO, RTTIME are recorded only.
 */
static long do_prlimit(int pid, unsigned res, uint64_t unew, uint64_t uold)
{
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    struct rlimit64 nl, ol;
    if (unew) {
        if (copy_from_user(&nl, uptr(unew), sizeof(nl)))
            return -EFAULT;
        if (nl.rlim_cur > nl.rlim_max)
            return -EINVAL;
        if (res == RLIMIT_NOFILE && nl.rlim_max > NR_OPEN_MAX)
            return -EPERM;      /* above fs.nr_open, as Linux */
    }
    struct process *self = current_proc(), *p = self;
    if (pid < 0)
        return -EINVAL;
    mutex_lock(&tasklist_lock);
    if (pid && pid != self->pid)
        p = proc_find_locked(pid);   /* FIXME: other processes need a permission check */
    long r = !p || p->state == PROC_ZOMBIE ? -ESRCH : 0;
    if (!r) {
        mutex_lock(&p->lock);
        ol = p->rlim[res];
        if (unew && nl.rlim_max > ol.rlim_max && p->cred->euid != 0)
            r = -EPERM;
        else if (unew)
            p->rlim[res] = nl;
        mutex_unlock(&p->lock);
    }
    mutex_unlock(&tasklist_lock);
    if (!r && uold && copy_to_user(uptr(uold), &ol, sizeof(ol)))
        r = -EFAULT;
    return r;
}

long sys_prlimit64(struct sys_call *c)
{
    return do_prlimit((int)c->arg[0], (unsigned)c->arg[1], c->arg[2], c->arg[3]);
}
/* Unlike prlimit64, where NULL means "not this direction", NULL is a fault here. */
long sys_getrlimit(struct sys_call *c)
{
    if (!c->arg[1])
        return -EFAULT;
    return do_prlimit(0, (unsigned)c->arg[0], 0, c->arg[1]);
}

long sys_setrlimit(struct sys_call *c)
{
    if (!c->arg[1])
        return -EFAULT;
    return do_prlimit(0, (unsigned)c->arg[0], c->arg[1], 0);
}

void proc_cpu_times_locked(struct process *p, uint64_t *total, uint64_t *user)
{
    uint64_t ns = p->runtime_ns, u = p->utime_ns;
    struct list_head *l;
    list_for_each(l, &p->threads) {
        struct thread *th = list_entry(l, struct thread, node);
        if (th->task) {
            ns += task_runtime_ns(th->task);
            u += task_user_ns(th->task);
        }
    }
    *total = ns;
    *user = MIN(u, ns);     /* the two are read at slightly different moments */
}

uint64_t proc_cpu_ns(struct process *p)
{
    uint64_t ns, u;
    mutex_lock(&p->lock);
    proc_cpu_times_locked(p, &ns, &u);
    mutex_unlock(&p->lock);
    return ns;
}

/* Faults of p's exited and live threads and its peak resident pages (takes p->lock, then mm->lock). */
static void proc_mem_usage(struct process *p, uint64_t *min_flt, uint64_t *maxrss_pages)
{
    mutex_lock(&p->lock);
    uint64_t n = p->min_flt;
    struct list_head *l;
    list_for_each(l, &p->threads)
        n += __atomic_load_n(&list_entry(l, struct thread, node)->min_flt, __ATOMIC_RELAXED);
    uint64_t rss = p->maxrss;
    struct mm *mm = p->mm;
    if (mm)
        mm_get(mm);
    mutex_unlock(&p->lock);
    if (mm) {
        rss = MAX(rss, mm_hiwater_pages(mm));
        mm_put(mm);
    }
    *min_flt = n;
    *maxrss_pages = rss;
}

static void proc_times(struct process *p, uint64_t *total, uint64_t *user)
{
    mutex_lock(&p->lock);
    proc_cpu_times_locked(p, total, user);
    mutex_unlock(&p->lock);
}

/* CPU time of p's reaped children (and theirs): total and user-mode part. */
static void children_times(struct process *p, uint64_t *total, uint64_t *user)
{
    mutex_lock(&tasklist_lock);
    *total = p->child_runtime_ns;
    *user = MIN(p->child_utime_ns, *total);
    mutex_unlock(&tasklist_lock);
}

static struct k_timeval ns_to_timeval(uint64_t ns)
{
    return (struct k_timeval){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000) };
}

long sys_getrusage(struct sys_call *c)
{
    int who = (int)c->arg[0];
    struct process *p = current_proc();
    uint64_t ns, user, flt = 0, rss = 0;
    if (who == RUSAGE_SELF || who == RUSAGE_THREAD)
        proc_mem_usage(p, &flt, &rss);
    if (who == RUSAGE_SELF) {
        proc_times(p, &ns, &user);
    } else if (who == RUSAGE_CHILDREN) {
        children_times(p, &ns, &user);
        mutex_lock(&tasklist_lock);
        flt = p->child_min_flt;
        rss = p->child_maxrss;
        mutex_unlock(&tasklist_lock);
    } else if (who == RUSAGE_THREAD) {
        ns = task_runtime_ns(task_current());
        user = MIN(task_user_ns(task_current()), ns);
        flt = __atomic_load_n(&thread_current()->min_flt, __ATOMIC_RELAXED);
    } else {
        return -EINVAL;
    }
    struct k_rusage ru;
    memset(&ru, 0, sizeof(ru));
    ru.ru_maxrss = (int64_t)(rss * (PAGE_SIZE / 1024));
    ru.ru_minflt = (int64_t)flt;   /* ru_majflt stays 0: no fault waits for I/O (file pages come from memory) */
    ru.ru_utime = ns_to_timeval(user);
    ru.ru_stime = ns_to_timeval(ns - user);
    return copy_to_user(uptr(c->arg[1]), &ru, sizeof(ru)) ? -EFAULT : 0;
}

long sys_times(struct sys_call *c)
{
    struct process *p = current_proc();
    uint64_t ns, user, cns, cuser;
    proc_times(p, &ns, &user);
    children_times(p, &cns, &cuser);
    const uint64_t tick = NSEC_PER_SEC / USER_HZ;
    struct k_tms t = {
        .tms_utime = (int64_t)(user / tick), .tms_stime = (int64_t)((ns - user) / tick),
        .tms_cutime = (int64_t)(cuser / tick), .tms_cstime = (int64_t)((cns - cuser) / tick),
    };
    if (c->arg[0] && copy_to_user(uptr(c->arg[0]), &t, sizeof(t)))
        return -EFAULT;
    return (long)(clock_monotonic_ns() / (NSEC_PER_SEC / USER_HZ));
}
