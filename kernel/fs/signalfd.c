// SPDX-License-Identifier: MPL-2.0
// signalfd and signalfd4: read the caller's pending (blocked) signals as 128-byte records.
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/signalfd.h>
#include "fs/fs_syscalls.h"
#include "fs/poll/anon.h"
#include "fs/poll/poll.h"
#include "signal/signal.h"

long sys_signalfd(struct sys_call *c);
long sys_signalfd4(struct sys_call *c);

/*
 * As on Linux, a signalfd has no signals of its own: reading or polling it
 * looks at the pending signals of the calling thread and its process, so a
 * descriptor inherited across fork reads the child's signals.
 */
struct signalfd {
    ksigset_t mask;             /* atomic: the signals this fd takes (never SIGKILL/SIGSTOP) */
};

static void to_record(struct signalfd_siginfo *r, const struct ksiginfo *k)
{
    memset(r, 0, sizeof(*r));
    r->ssi_signo = (uint32_t)k->signo;
    r->ssi_code = k->code;
    if (k->fault) {
        r->ssi_addr = k->addr;
        return;
    }
    r->ssi_pid = (uint32_t)k->pid;
    r->ssi_uid = k->uid;
    if (k->signo == SIGCHLD)
        r->ssi_status = k->status;
    if (k->code == SI_QUEUE || k->code == SI_TIMER || k->code == -3 || k->code == -4) {
        r->ssi_int = (int32_t)(uint32_t)k->value;   /* sigval: int and pointer share the bytes */
        r->ssi_ptr = k->value;
    }
}

/* Take the next signal, sleeping for one unless nonblocking; signal number or -errno. */
static int sfd_take(struct signalfd *s, bool block, struct ksiginfo *info)
{
    struct waitqueue *wq = signal_queued_wq_current();
    struct wq_entry e = { 0 };
    int r;
    for (;;) {
        if (block)
            wq_prepare(wq, &e);
        r = signal_dequeue_current(atomic_load(&s->mask), info);
        if (r || !block)
            break;
        if (signal_pending_current()) {
            r = -ERESTARTSYS;
            break;
        }
        wq_sleep();
    }
    if (block)
        wq_finish(wq, &e);
    return r ? r : -EAGAIN;
}

static long sfd_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct signalfd *s = f->priv;
    size_t want = to->count / sizeof(struct signalfd_siginfo), done = 0;
    if (!want)
        return -EINVAL;
    bool block = !(atomic_load(&f->flags) & O_NONBLOCK);
    while (done < want) {
        struct ksiginfo info;
        int r = sfd_take(s, block && !done, &info);
        if (r < 0)
            return done ? (long)(done * sizeof(struct signalfd_siginfo)) : r;
        struct signalfd_siginfo rec;
        to_record(&rec, &info);
        bool fault = false;
        iov_copy_to(to, &rec, sizeof(rec), &fault);
        if (fault)      /* the signal is consumed, as on Linux */
            return done ? (long)(done * sizeof(rec)) : -EFAULT;
        done++;
    }
    return (long)(done * sizeof(struct signalfd_siginfo));
}

static uint32_t sfd_poll(struct file *f, struct poll_table *pt)
{
    struct signalfd *s = f->priv;
    poll_wait(pt, signal_queued_wq_current());
    return (signal_pending_set_current() & atomic_load(&s->mask)) ? EPOLLIN | EPOLLRDNORM : 0;
}

static void sfd_release(struct file *f) { kfree(f->priv); }

static const struct file_ops signalfd_ops = { .read = sfd_read, .poll = sfd_poll, .release = sfd_release };

static long do_signalfd4(int fd, uptr_t umask, uint64_t size, uint64_t flags)
{
    if (size != sizeof(ksigset_t))
        return -EINVAL;
    ksigset_t mask;
    if (copy_from_user(&mask, umask, sizeof(mask)))
        return -EFAULT;
    if (flags & ~(uint64_t)(SFD_CLOEXEC | SFD_NONBLOCK))
        return -EINVAL;
    mask &= ~(sigbit(SIGKILL) | sigbit(SIGSTOP));
    if (fd != -1) {
        struct file *f = fd_get(fd);
        if (!f)
            return -EBADF;
        long r = f->ops == &signalfd_ops ? fd : -EINVAL;
        if (r >= 0) {
            atomic_store(&((struct signalfd *)f->priv)->mask, mask);
            wq_wake_all(signal_queued_wq_current());   /* sleepers re-check with the new mask */
        }
        file_put(f);
        return r;
    }
    struct signalfd *s = kzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->mask = mask;
    int r = anon_fd_create(&signalfd_ops, s, O_RDWR | (uint32_t)(flags & SFD_NONBLOCK), flags & SFD_CLOEXEC);
    if (r < 0)
        kfree(s);
    return r;
}

long sys_signalfd(struct sys_call *c) { return do_signalfd4((int)c->arg[0], uptr(c->arg[1]), c->arg[2], 0); }
long sys_signalfd4(struct sys_call *c)
{
    return do_signalfd4((int)c->arg[0], uptr(c->arg[1]), c->arg[2], c->arg[3]);
}
