// SPDX-License-Identifier: MPL-2.0
// pidfds: pidfd_open, pidfd_send_signal, readable (poll) once the process has exited, waitid(P_PIDFD), CLONE_PIDFD.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/signal.h>
#include "proc/process.h"
#include "proc/pidfd.h"
#include "signal/signal.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"
#include "fs/poll/anon.h"
#include "fs/poll/poll.h"

long sys_pidfd_open(struct sys_call *c);
long sys_pidfd_send_signal(struct sys_call *c);

#define PIDFD_NONBLOCK O_NONBLOCK

/* What a pidfd refers to: outlives the process (reaping only clears proc). */
struct pidfd_ref {
    uint32_t refcount;          /* atomic: the process's link plus one per open pidfd */
    struct process *proc;       /* guarded by tasklist_lock; NULL once the process is reaped */
    int pid;                    /* immutable */
    bool exited;                /* atomic: the process is a zombie or gone */
    struct waitqueue wq;        /* poll waits here for the exit */
};

static void ref_put(struct pidfd_ref *r)
{
    if (atomic_sub(&r->refcount, 1) == 0)
        kfree(r);
}

/* p's reference with one more count for the caller; tasklist_lock held. NULL on OOM. */
static struct pidfd_ref *ref_get_locked(struct process *p)
{
    struct pidfd_ref *r = p->pidfd_ref;
    if (!r) {
        r = kzalloc(sizeof(*r));
        if (!r)
            return NULL;
        r->refcount = 1;
        r->proc = p;
        r->pid = p->pid;
        r->exited = p->state != PROC_ALIVE;
        wq_init(&r->wq);
        p->pidfd_ref = r;
    }
    atomic_add(&r->refcount, 1);
    return r;
}

void pidfd_exited_locked(struct process *p)
{
    struct pidfd_ref *r = p->pidfd_ref;
    if (r) {
        atomic_store(&r->exited, true);
        wq_wake_all(&r->wq);
    }
}

void pidfd_detach_locked(struct process *p)
{
    struct pidfd_ref *r = p->pidfd_ref;
    if (!r)
        return;
    r->proc = NULL;
    p->pidfd_ref = NULL;
    atomic_store(&r->exited, true);
    wq_wake_all(&r->wq);
    ref_put(r);
}

static uint32_t pidfd_poll(struct file *f, struct poll_table *pt)
{
    struct pidfd_ref *r = f->priv;
    poll_wait(pt, &r->wq);
    return atomic_load(&r->exited) ? EPOLLIN | EPOLLRDNORM : 0;
}

static void pidfd_release(struct file *f) { ref_put(f->priv); }

static const struct file_ops pidfd_ops = { .poll = pidfd_poll, .release = pidfd_release };

/* A pidfd (close-on-exec, as Linux) for p; tasklist_lock held. The fd or -errno. */
static int pidfd_create_locked(struct process *p, uint32_t flags)
{
    struct pidfd_ref *r = ref_get_locked(p);
    if (!r)
        return -ENOMEM;
    int fd = anon_fd_create(&pidfd_ops, r, O_RDWR | flags, true);
    if (fd < 0)
        ref_put(r);
    return fd;
}

int pidfd_for_child(struct process *np)
{
    mutex_lock(&tasklist_lock);
    int fd = pidfd_create_locked(np, 0);
    mutex_unlock(&tasklist_lock);
    return fd;
}

long sys_pidfd_open(struct sys_call *c)
{
    int pid = (int)c->arg[0];
    uint64_t flags = c->arg[1];
    if (flags & ~(uint64_t)PIDFD_NONBLOCK)
        return -EINVAL;
    if (pid <= 0)
        return -EINVAL;
    mutex_lock(&tasklist_lock);
    struct process *p = proc_find_locked(pid);
    long r = p ? pidfd_create_locked(p, (uint32_t)flags) : -ESRCH;
    mutex_unlock(&tasklist_lock);
    /* FIXME: a thread id that is not a process id gives ESRCH here (Linux: EINVAL). */
    return r;
}

int pidfd_to_pid(int fd, bool *reaped)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    int pid = -EBADF;
    if (f->ops == &pidfd_ops) {
        struct pidfd_ref *r = f->priv;
        mutex_lock(&tasklist_lock);
        pid = r->pid;
        *reaped = r->proc == NULL;
        mutex_unlock(&tasklist_lock);
    }
    file_put(f);
    return pid;
}

long sys_pidfd_send_signal(struct sys_call *c)
{
    int fd = (int)c->arg[0], sig = (int)c->arg[1];
    if (c->arg[3])
        return -EINVAL;         /* no flags are defined */
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->ops != &pidfd_ops) {
        file_put(f);
        return -EBADF;
    }
    struct pidfd_ref *r = f->priv;
    struct ksiginfo si;
    long ret = 0;
    if (sig < 0 || sig > KNSIG) {
        ret = -EINVAL;
    } else if (c->arg[2]) {
        struct k_siginfo ui;
        if (copy_from_user(&ui, uptr(c->arg[2]), sizeof(ui)))
            ret = -EFAULT;
        else if (ui.si_signo != sig)
            ret = -EINVAL;
        else if ((ui.si_code >= 0 || ui.si_code == SI_TKILL) && r->pid != current_proc()->pid)
            ret = -EPERM;
        si = (struct ksiginfo){ .signo = sig, .code = ui.si_code, .pid = ui.u.kill.pid,
                                .uid = ui.u.kill.uid, .value = ui.u.kill.value };
    } else {
        ksiginfo_user(&si, sig, SI_USER);
    }
    if (!ret) {
        mutex_lock(&tasklist_lock);
        struct process *p = r->proc;
        if (!p)
            ret = -ESRCH;
        else if (!signal_may_send_locked(p))
            ret = -EPERM;
        else if (sig)
            ret = signal_send_proc_locked(p, &si);
        mutex_unlock(&tasklist_lock);
    }
    file_put(f);
    return ret;
}
