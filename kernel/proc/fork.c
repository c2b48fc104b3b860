// SPDX-License-Identifier: MPL-2.0
// fork, vfork, clone: every way to create a process or thread goes through proc_clone().
#include <ostd/heap.h>
#include <ostd/user.h>
#include <ostd/task.h>
#include <ostd/vm_space.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/sched.h>
#include <uapi/signal.h>
#include "signal/signal.h"
#include "proc/process.h"
#include "proc/cred.h"
#include "proc/pid.h"
#include "proc/clone.h"
#include "proc/pidfd.h"
#include "mm/mm.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"
#include "fs/file.h"

long sys_fork(struct sys_call *c);
long sys_vfork(struct sys_call *c);
long sys_clone(struct sys_call *c);

/* Parent of a vfork child sleeps on this until the child execs or exits; refcounted (2). */
struct vfork_wait {
    uint32_t refcount;
    bool done;
    struct waitqueue wq;
};

static void vfork_put(struct vfork_wait *w)
{
    if (atomic_sub(&w->refcount, 1) == 0)
        kfree(w);
}

void vfork_release(struct process *p)
{
    mutex_lock(&p->lock);
    struct vfork_wait *w = p->vfork;
    p->vfork = NULL;
    mutex_unlock(&p->lock);
    if (!w)
        return;
    atomic_store(&w->done, true);
    wq_wake_all(&w->wq);
    vfork_put(w);
}

#define CLONE_UNSUPPORTED (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | \
                           CLONE_NEWPID | CLONE_NEWNET)

static int clone_check(uint64_t f, uint64_t tls)
{
    if ((f & CLONE_SETTLS) && tls >= VM_USER_TOP)
        return -EPERM;   /* as arch_prctl(ARCH_SET_FS) */
    if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
        return -EINVAL;
    if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
        return -EINVAL;
    if ((f & CLONE_PIDFD) && (f & (CLONE_THREAD | CLONE_DETACHED)))
        return -EINVAL;
    if ((f & CSIGNAL) > 64 || ((f >> 32) & ~(CLONE_CLEAR_SIGHAND >> 32)))
        return -EINVAL;
    /* FIXME: namespaces (Isolation issue) are not implemented. */
    if (f & CLONE_UNSUPPORTED)
        return -EINVAL;
    return 0;
}

/* Share or copy the parent's resources into the new process. */
static int clone_resources(struct process *np, struct process *p, uint64_t f)
{
    /* fs_context_dup takes vfs_lock, which comes before process.lock: copy without p->lock. */
    mutex_lock(&p->lock);
    struct fs_context *pfs = p->fs;
    if (pfs)
        fs_context_get(pfs);
    mutex_unlock(&p->lock);
    np->fs = (f & CLONE_FS) || !pfs ? pfs : fs_context_dup(pfs);
    if (!(f & CLONE_FS) && pfs)
        fs_context_put(pfs);    /* CLONE_FS: the reference is np's */
    mutex_lock(&p->lock);
    np->mm = (f & CLONE_VM) ? p->mm : mm_dup(p->mm);
    if ((f & CLONE_VM) && np->mm)
        mm_get(np->mm);
    np->files = (f & CLONE_FILES) ? p->files : files_dup(p->files);
    if ((f & CLONE_FILES) && np->files)
        files_get(np->files);
    np->cred = p->cred;
    cred_get(np->cred);
    memcpy(np->rlim, p->rlim, sizeof(np->rlim));
    memcpy(np->comm, p->comm, sizeof(np->comm));
    proc_ctl_fork(&np->ctl, &p->ctl);
    int r = proc_copy_exec_info_locked(np, p);
    mutex_unlock(&p->lock);
    return np->mm && np->files && np->fs && !r ? 0 : -ENOMEM;
}

static void drop_resources(struct process *np)
{
    if (np->mm)
        mm_put(np->mm);
    if (np->files)
        files_put(np->files);
    if (np->fs)
        fs_context_put(np->fs);
    proc_free_exec_info(np);
    np->mm = NULL;
    np->files = NULL;
    np->fs = NULL;
}

static struct process *new_process(struct process *p, uint64_t f, int set_tid, int *err)
{
    struct process *np = process_alloc_nr(set_tid, err);
    if (!np)
        return NULL;
    *err = clone_resources(np, p, f);
    if (!*err)
        *err = signal_fork(np, p, f);
    if (!*err && (f & CLONE_CLEAR_SIGHAND))
        signal_reset_handlers(np);
    if (*err) {
        drop_resources(np);
        process_free(np);
        return NULL;
    }
    np->exit_signal = (int)(f & CSIGNAL);
    return np;
}

static void setup_regs(struct thread *th, const struct user_context *parent_uc, const struct clone_req *r)
{
    uctx_copy(th->uctx, parent_uc);
    th->uctx->regs.rax = 0;
    if (r->stack)
        th->uctx->regs.rsp = r->stack;
    if (r->flags & CLONE_SETTLS)
        th->uctx->fs_base = r->tls;
    if (r->flags & CLONE_CHILD_SETTID)
        th->set_child_tid = r->child_tid;
    if (r->flags & CLONE_CHILD_CLEARTID)
        th->clear_child_tid = r->child_tid;
}

/* Make the new thread (and process) visible. */
static void publish(struct process *p, struct process *np, struct thread *th, uint64_t f)
{
    struct process *owner = np ? np : p;
    mutex_lock(&owner->lock);
    list_add_tail(&th->node, &owner->threads);
    owner->nr_threads++;
    mutex_unlock(&owner->lock);
    signal_thread_attach(th);
    if (!np)
        return;
    mutex_lock(&tasklist_lock);
    np->pgid = p->pgid;
    np->sid = p->sid;
    process_link_locked(np, (f & CLONE_PARENT) && p->parent ? p->parent : p);
    mutex_unlock(&tasklist_lock);
}

/* Undo publish() when the thread's task cannot be created. */
static void unpublish(struct process *p, struct process *np, struct thread *th)
{
    struct process *owner = np ? np : p;
    mutex_lock(&owner->lock);
    list_del(&th->node);
    owner->nr_threads--;
    signal_thread_detach(th);
    owner->vfork = NULL;
    mutex_unlock(&owner->lock);
    if (!np)
        return;
    mutex_lock(&tasklist_lock);
    list_del(&np->sibling);
    list_del(&np->all_node);
    mutex_unlock(&tasklist_lock);
}

static void vfork_wait_for(struct vfork_wait *w)
{
    /* Killable, like Linux: only SIGKILL (or a group exit) ends the wait early. */
    wait_event(&w->wq, atomic_load(&w->done) || thread_should_exit() || signal_fatal_pending_current());
    vfork_put(w);
}

/* CLONE_PIDFD: give the parent a pidfd for np at r->pidfd (*fd, else -1). 0 or -errno, nothing left behind. */
static int clone_pidfd(const struct clone_req *r, struct process *np, int *fd)
{
    *fd = -1;
    if (!(r->flags & CLONE_PIDFD))
        return 0;
    int pfd = pidfd_for_child(np);
    if (pfd < 0)
        return pfd;
    if (copy_to_user(uptr(r->pidfd), &pfd, sizeof(pfd))) {
        (void)fd_close(current_files(), pfd);
        return -EFAULT;
    }
    *fd = pfd;
    return 0;
}

/*
 * RLIMIT_NPROC: a user (real uid) without privilege may not have more tasks
 * (threads, zombies included) than the caller's limit. Linux counts per user
 * namespace too; there is only one.
 */
static int nproc_check(struct process *p)
{
    const struct cred *c = p->cred;
    uint64_t lim = proc_rlimit(p, RLIMIT_NPROC);
    if (c->uid == 0 || c->euid == 0 || lim == RLIM_INFINITY)
        return 0;
    uint64_t n = 0;
    mutex_lock(&tasklist_lock);
    for (struct process *q = proc_next_locked(NULL); q; q = proc_next_locked(q)) {
        if (!q->cred || q->cred->uid != c->uid)
            continue;
        int t = atomic_load(&q->nr_threads);
        n += q->state == PROC_ALIVE && t > 0 ? (uint64_t)t : 1;
    }
    mutex_unlock(&tasklist_lock);
    return n >= lim ? -EAGAIN : 0;
}

/* The one fork path: cgroup charging and namespace setup will hook in here. */
long proc_clone(const struct clone_req *r, const struct user_context *uc)
{
    int err = clone_check(r->flags, r->tls);
    if (!err)
        err = nproc_check(current_proc());
    if (err)
        return err;
    struct process *p = current_proc(), *np = NULL;
    struct vfork_wait *vw = NULL;
    int fail_err = -ENOMEM;
    if (!(r->flags & CLONE_THREAD) && !(np = new_process(p, r->flags, r->set_tid, &err)))
        return err;
    int tid = np ? np->pid : r->set_tid ? pid_alloc_nr(&root_pid_ns, r->set_tid) : pid_alloc(&root_pid_ns);
    if (tid < 0)
        return tid;
    struct thread *th = thread_alloc(np ? np : p, tid);
    if (!th || ((r->flags & CLONE_VFORK) && np && !(vw = kzalloc(sizeof(*vw)))))
        goto fail;
    setup_regs(th, uc, r);
    signal_init_thread(th, thread_current(), r->flags);
    if (vw) {
        vw->refcount = 2;
        wq_init(&vw->wq);
        np->vfork = vw;
    }
    publish(p, np, th, r->flags);
    if (r->flags & CLONE_PARENT_SETTID)
        (void)!copy_to_user(uptr(r->parent_tid), &tid, sizeof(tid));
    int pfd;
    int perr = clone_pidfd(r, np, &pfd);
    if (perr || thread_start(th)) {
        if (pfd >= 0)
            (void)fd_close(current_files(), pfd);
        unpublish(p, np, th);
        uctx_free(th->uctx);
        kfree(th);
        th = NULL;
        if (perr)
            fail_err = perr;
        goto fail;
    }
    if (vw)
        vfork_wait_for(vw);
    return tid;
fail:
    if (th) {
        uctx_free(th->uctx);
        kfree(th);
    }
    kfree(vw);
    if (!np && tid > 0)
        pid_free(&root_pid_ns, tid);
    if (np) {
        drop_resources(np);
        process_free(np);
    }
    return fail_err;
}

long sys_fork(struct sys_call *c)
{
    struct clone_req r = { .flags = SIGCHLD };
    return proc_clone(&r, c->uctx);
}

long sys_vfork(struct sys_call *c)
{
    struct clone_req r = { .flags = CLONE_VM | CLONE_VFORK | SIGCHLD };
    return proc_clone(&r, c->uctx);
}

/* x86-64 argument order: flags, stack, parent_tid, child_tid, tls. */
long sys_clone(struct sys_call *c)
{
    /* Linux's clone() takes only the low 32 flag bits; the high ones are clone3's. */
    struct clone_req r = { (uint32_t)c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4], 0, c->arg[2] };
    if ((r.flags & CLONE_PIDFD) && (r.flags & CLONE_PARENT_SETTID))
        return -EINVAL;     /* clone() returns the pidfd through parent_tid */
    return proc_clone(&r, c->uctx);
}
