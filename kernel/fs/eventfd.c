// SPDX-License-Identifier: MPL-2.0
// eventfd: a 64-bit counter file (eventfd2 with EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC).
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include "fs/fs_syscalls.h"
#include "fs/poll/anon.h"
#include "fs/poll/poll.h"

long sys_eventfd(struct sys_call *c);
long sys_eventfd2(struct sys_call *c);

#define EFD_MAX UINT64_C(0xfffffffffffffffe)

struct eventfd {
    struct mutex lock;          /* serialises read-modify-write of count */
    uint64_t count;             /* written under lock; atomic reads for wait conditions */
    bool semaphore;
    uint32_t seq_in, seq_out;   /* atomic: writes and reads so far (edge-triggered epoll) */
    struct waitqueue rwait, wwait;
};

/* Take from the counter if it is non-zero; lock held. */
static bool efd_take_locked(struct eventfd *e, uint64_t *v)
{
    if (!e->count)
        return false;
    *v = e->semaphore ? 1 : e->count;
    atomic_store(&e->count, e->count - *v);
    return true;
}

static long efd_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct eventfd *e = f->priv;
    uint64_t v;
    if (to->count < sizeof(v))
        return -EINVAL;
    for (;;) {
        mutex_lock(&e->lock);
        bool got = efd_take_locked(e, &v);
        mutex_unlock(&e->lock);
        if (got)
            break;
        if (atomic_load(&f->flags) & O_NONBLOCK)
            return -EAGAIN;
        /* FIXME: -ERESTARTSYS when a signal arrives (signals issue). */
        wait_event(&e->rwait, atomic_load(&e->count) != 0);
    }
    atomic_add(&e->seq_out, 1);
    wq_wake_all(&e->wwait);
    bool fault = false;
    iov_copy_to(to, &v, sizeof(v), &fault);
    return fault ? -EFAULT : (long)sizeof(v);  /* consumed even then, as Linux */
}

static bool efd_room(struct eventfd *e, uint64_t v) { return atomic_load(&e->count) <= EFD_MAX - v; }

static long efd_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct eventfd *e = f->priv;
    uint64_t v;
    bool fault = false;
    if (from->count < sizeof(v))
        return -EINVAL;
    iov_copy_from(from, &v, sizeof(v), &fault);
    if (fault)
        return -EFAULT;
    if (v == UINT64_MAX)
        return -EINVAL;
    for (;;) {
        mutex_lock(&e->lock);
        bool ok = efd_room(e, v);
        if (ok)
            atomic_store(&e->count, e->count + v);
        mutex_unlock(&e->lock);
        if (ok)
            break;
        if (atomic_load(&f->flags) & O_NONBLOCK)
            return -EAGAIN;
        wait_event(&e->wwait, efd_room(e, v));
    }
    atomic_add(&e->seq_in, 1);
    wq_wake_all(&e->rwait);
    return (long)sizeof(v);
}

static uint32_t efd_poll(struct file *f, struct poll_table *pt)
{
    struct eventfd *e = f->priv;
    poll_wait(pt, &e->rwait);
    poll_wait(pt, &e->wwait);
    uint64_t cnt = atomic_load(&e->count);
    uint32_t m = 0;
    if (cnt)
        m |= EPOLLIN | EPOLLRDNORM;
    if (cnt < EFD_MAX)
        m |= EPOLLOUT | EPOLLWRNORM;
    if (pt) {
        pt->seq_in = atomic_load(&e->seq_in);
        pt->seq_out = atomic_load(&e->seq_out);
    }
    return m;
}

static void efd_release(struct file *f) { kfree(f->priv); }

static const struct file_ops eventfd_ops = {
    .read = efd_read, .write = efd_write, .poll = efd_poll, .release = efd_release,
};

static long do_eventfd(uint64_t initval, uint64_t flags)
{
    if (flags & ~(uint64_t)(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK) || initval > UINT32_MAX)
        return -EINVAL;
    struct eventfd *e = kzalloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    mutex_init(&e->lock);
    wq_init(&e->rwait);
    wq_init(&e->wwait);
    e->count = initval;
    e->semaphore = flags & EFD_SEMAPHORE;
    int fd = anon_fd_create(&eventfd_ops, e, O_RDWR | (uint32_t)(flags & EFD_NONBLOCK), flags & EFD_CLOEXEC);
    if (fd < 0)
        kfree(e);
    return fd;
}

long sys_eventfd(struct sys_call *c) { return do_eventfd((uint32_t)c->arg[0], 0); }
long sys_eventfd2(struct sys_call *c) { return do_eventfd((uint32_t)c->arg[0], (uint32_t)c->arg[1]); }
