// SPDX-License-Identifier: MPL-2.0
// Thread and process exit: clear_child_tid, zombies, re-parenting orphans to init.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <ostd/task.h>
#include <ostd/panic.h>
#include <uapi/errno.h>
#include "fs/tty.h"
#include "proc/process.h"
#include "proc/pid.h"
#include "proc/futex.h"
#include "proc/pidfd.h"
#include "mm/mm.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"
#include "signal/signal.h"

long sys_exit(struct sys_call *c);
long sys_exit_group(struct sys_call *c);

/*
 * The new parent of p's orphans: the nearest live ancestor that made itself
 * a child subreaper (PR_SET_CHILD_SUBREAPER), else init (pid 1).
 * tasklist_lock held.
 */
static struct process *find_reaper_locked(struct process *p)
{
    for (struct process *a = p->parent; a && a->pid != 1; a = a->parent)
        if (a->ctl.child_subreaper && a->state == PROC_ALIVE && !atomic_load(&a->group_exit))
            return a;
    return proc_find_locked(1);
}

/* Give p's children to their reaper, sending each its parent-death signal; tasklist_lock held. */
static void reparent_children_locked(struct process *p)
{
    struct process *reaper = find_reaper_locked(p);
    bool zombies = false;
    struct list_head *l, *n;
    list_for_each_safe(l, n, &p->children) {
        struct process *c = list_entry(l, struct process, sibling);
        list_del(&c->sibling);
        c->parent = reaper;
        __atomic_store_n(&c->ppid, reaper->pid, __ATOMIC_RELAXED);
        list_add_tail(&c->sibling, &reaper->children);
        /*
         * As Linux: an orphan becomes a plain child of its reaper, so a clone
         * child with another exit signal (or none) is still reaped by a plain
         * wait() instead of staying a zombie for ever; a zombie is announced.
         */
        c->exit_signal = SIGCHLD;
        if (c->state == PROC_ZOMBIE && signal_parent_exit_locked(c)) {
            proc_reap_locked(c);    /* the reaper ignores SIGCHLD or set SA_NOCLDWAIT */
            continue;
        }
        zombies |= c->state == PROC_ZOMBIE;
        int sig = __atomic_load_n(&c->ctl.pdeath_signal, __ATOMIC_RELAXED);
        if (sig && c->state == PROC_ALIVE) {
            struct ksiginfo si;
            ksiginfo_user(&si, sig, SI_USER);   /* from the dying parent, as Linux */
            signal_send_proc_locked(c, &si);
        }
        /* p may have been the child's group's last link to the session. */
        if (c->state == PROC_ALIVE && c->pgid != p->pgid && c->sid == p->sid)
            proc_orphan_group_check_locked(c->pgid, p);
    }
    if (zombies) {
        atomic_add(&reaper->child_gen, 1);
        wq_wake_all(&reaper->child_wq);
    }
}

/* The last thread is gone: release the resources and become a zombie for the parent. */
static void process_finish(struct process *p)
{
    if (p->pid == 1)
        panic("Attempted to kill init! exitcode=%#06x", p->exit_status);
    vfork_release(p);
    signal_process_exit(p);
    mutex_lock(&p->lock);
    struct mm *mm = p->mm;
    struct files *files = p->files;
    struct fs_context *fs = p->fs;
    p->mm = NULL;
    p->files = NULL;
    p->fs = NULL;
    mutex_unlock(&p->lock);
    uint64_t hw = mm ? mm_hiwater_pages(mm) : 0;
    mutex_lock(&p->lock);
    p->maxrss = MAX(p->maxrss, hw);
    mutex_unlock(&p->lock);
    mm_put(mm);
    files_put(files);
    fs_context_put(fs);
    if (p->pid == p->sid)
        tty_ctty_leader_exit(p);   /* after the files, as Linux's do_exit */
    proc_free_exec_info(p);
    mutex_lock(&tasklist_lock);
    reparent_children_locked(p);
    struct process *par = p->parent;
    if (par && par->pgid != p->pgid && par->sid == p->sid)
        proc_orphan_group_check_locked(p->pgid, p);     /* p was its own group's link */
    p->state = PROC_ZOMBIE;
    pidfd_exited_locked(p);
    struct process *parent = p->parent;
    p->wait_stop_status = 0;
    p->wait_continued = false;
    if (signal_parent_exit_locked(p))
        proc_reap_locked(p);    /* the parent ignores SIGCHLD or set SA_NOCLDWAIT */
    atomic_add(&parent->child_gen, 1);
    wq_wake_all(&parent->child_wq);
    mutex_unlock(&tasklist_lock);
    /* p may be reaped and freed from here on. */
}

static void clear_child_tid(struct thread *th)
{
    if (!th->clear_child_tid)
        return;
    int zero = 0;
    if (!copy_to_user(uptr(th->clear_child_tid), &zero, sizeof(zero)))
        futex_wake_addr(th->clear_child_tid, 1);
}

void thread_exit(int wait_status)
{
    struct thread *th = thread_current();
    struct process *p = th->proc;
    robust_list_exit(th);       /* before clear_child_tid, as Linux: the mm is still there */
    clear_child_tid(th);
    signal_thread_detach(th);
    mutex_lock(&p->lock);
    list_del(&th->node);
    bool last = --p->nr_threads == 0;
    if (last && !p->group_exit)
        p->exit_status = wait_status;
    p->runtime_ns += task_runtime_ns(task_current());
    p->utime_ns += task_user_ns(task_current());
    p->min_flt += __atomic_load_n(&th->min_flt, __ATOMIC_RELAXED);
    bool exec_waits = p->exec_thread != NULL;
    mutex_unlock(&p->lock);
    if (exec_waits)
        wq_wake_all(&p->exec_wq);   /* p stays alive: the exec'ing thread still runs */
    if (th->tid != p->pid)
        pid_free(p->pid_ns, th->tid);
    if (last)
        process_finish(p);
    task_put(task_current());   /* the reference task_spawn returned */
    uctx_free(th->uctx);
    kfree(th);
    task_exit();
}

/* Wake every other thread so that it notices it must exit; p->lock held. */
static void kick_threads_locked(struct process *p)
{
    struct list_head *l;
    list_for_each(l, &p->threads) {   /* sleepers re-check thread_should_exit() */
        struct thread *t = list_entry(l, struct thread, node);
        if (t->task && t->task != task_current())
            task_wake(t->task);
    }
}

int proc_kill_other_threads(void)
{
    struct thread *th = thread_current();
    struct process *p = th->proc;
    mutex_lock(&p->lock);
    bool lost = p->group_exit || p->exec_thread;
    if (!lost) {
        __atomic_store_n(&p->exec_thread, th, __ATOMIC_RELEASE);
        kick_threads_locked(p);
    }
    mutex_unlock(&p->lock);
    if (lost)
        return -EINTR;   /* another thread is exiting or exec'ing: this one ends */
    wait_event(&p->exec_wq, atomic_load(&p->nr_threads) == 1 || atomic_load(&p->group_exit));
    mutex_lock(&p->lock);
    __atomic_store_n(&p->exec_thread, NULL, __ATOMIC_RELEASE);
    int old_tid = th->tid;
    th->tid = p->pid;
    mutex_unlock(&p->lock);
    if (old_tid != p->pid)
        pid_free(p->pid_ns, old_tid);
    return atomic_load(&p->group_exit) ? -EINTR : 0;
}

void process_exit(int wait_status)
{
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    if (!p->group_exit) {
        p->exit_status = wait_status;
        __atomic_store_n(&p->group_exit, true, __ATOMIC_RELEASE);
    }
    kick_threads_locked(p);
    mutex_unlock(&p->lock);
    thread_exit(wait_status);
}

void proc_reap_locked(struct process *c)
{
    list_del(&c->sibling);
    list_del(&c->all_node);
    c->parent->child_runtime_ns += c->runtime_ns + c->child_runtime_ns;
    c->parent->child_utime_ns += c->utime_ns + c->child_utime_ns;
    c->parent->child_min_flt += c->min_flt + c->child_min_flt;
    c->parent->child_maxrss = MAX(c->parent->child_maxrss, MAX(c->maxrss, c->child_maxrss));
    process_free(c);
}

long sys_exit(struct sys_call *c) { thread_exit(((int)c->arg[0] & 0xff) << 8); }
long sys_exit_group(struct sys_call *c) { process_exit(((int)c->arg[0] & 0xff) << 8); }
