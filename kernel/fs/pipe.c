// SPDX-License-Identifier: MPL-2.0
// Pipe I/O: blocking ring buffer, PIPE_BUF atomic writes, EOF and EPIPE, plus FIFO opens.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "signal/signal.h"
#include "fs/pipe.h"
#include "fs/dcache.h"
#include "fs/poll/poll.h"
#include <ostd/user.h>
#include <uapi/ioctls.h>
#include <uapi/capability.h>
#include "proc/cred.h"

static struct pipe *pipe_new(void)
{
    struct pipe *p = kzalloc(sizeof(*p));
    char *buf = kmalloc(PIPE_DEF_SIZE);
    if (!p || !buf) {
        kfree(p);
        kfree(buf);
        return NULL;
    }
    p->buf = buf;
    p->cap = PIPE_DEF_SIZE;
    p->refcount = 1;
    mutex_init(&p->lock);
    wq_init(&p->rwait);
    wq_init(&p->wwait);
    return p;
}

void pipe_put(struct pipe *p)
{
    if (p && atomic_sub(&p->refcount, 1) == 0) {
        kfree(p->buf);
        kfree(p);
    }
}

static bool readable(struct pipe *p) { return atomic_load(&p->count) > 0 || atomic_load(&p->writers) == 0; }

static long pipe_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct pipe *p = f->priv;
    if (!to->count)
        return 0;
    for (;;) {
        mutex_lock(&p->lock);
        if (p->count) {
            bool fault = false;
            size_t done = 0;
            while (p->count && to->count && !fault) {
                size_t n = MIN(MIN(p->count, to->count), p->cap - p->head);
                size_t c = iov_copy_to(to, p->buf + p->head, n, &fault);
                p->head = (p->head + c) % p->cap;
                atomic_store(&p->count, p->count - c);
                done += c;
            }
            mutex_unlock(&p->lock);
            atomic_add(&p->seq_out, 1);
            wq_wake_all(&p->wwait);
            return done ? (long)done : -EFAULT;
        }
        mutex_unlock(&p->lock);
        if (atomic_load(&p->writers) == 0)
            return 0;
        if (atomic_load(&f->flags) & O_NONBLOCK)
            return -EAGAIN;
        int err = wait_event_interruptible(&p->rwait, readable(p));
        if (err)
            return err;
    }
}

/* Bytes writable now: all of a <= PIPE_BUF write must fit at once (atomicity). */
static size_t pipe_room(struct pipe *p, size_t want)
{
    size_t room = atomic_load(&p->cap) - atomic_load(&p->count);
    if (want <= PIPE_BUF && room < want)
        return 0;
    return MIN(room, want);
}

static bool writable(struct pipe *p, size_t want)
{
    return pipe_room(p, want) > 0 || atomic_load(&p->readers) == 0;
}

/* Copy up to n bytes in; lock held. Returns bytes copied. */
static size_t pipe_fill_locked(struct pipe *p, struct iov_iter *from, size_t n, bool *fault)
{
    size_t done = 0;
    while (done < n && !*fault) {
        size_t tail = (p->head + p->count) % p->cap;
        size_t c = MIN(n - done, p->cap - tail);
        c = iov_copy_from(from, p->buf + tail, c, fault);
        atomic_store(&p->count, p->count + c);
        done += c;
    }
    return done;
}

static long pipe_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct pipe *p = f->priv;
    size_t done = 0, total = from->count;
    bool fault = false;
    while (from->count && !fault) {
        mutex_lock(&p->lock);
        if (atomic_load(&p->readers) == 0) {
            mutex_unlock(&p->lock);
            if (!done)
                signal_send_current(SIGPIPE);
            return done ? (long)done : -EPIPE;
        }
        size_t n = pipe_room(p, total <= PIPE_BUF ? total : from->count);
        if (n)
            done += pipe_fill_locked(p, from, n, &fault);
        mutex_unlock(&p->lock);
        if (n) {
            atomic_add(&p->seq_in, 1);
            wq_wake_all(&p->rwait);
        }
        if (!from->count || fault)
            break;
        if (atomic_load(&f->flags) & O_NONBLOCK)
            return done ? (long)done : -EAGAIN;
        size_t want = total <= PIPE_BUF ? total : 1;
        int err = wait_event_interruptible(&p->wwait, writable(p, want));
        if (err)
            return done ? (long)done : err;
    }
    return done || !fault ? (long)done : -EFAULT;
}

static void end_attach(struct file *f, struct pipe *p)
{
    f->priv = p;
    atomic_add(&p->refcount, 1);
    if (FMODE_READ(f))
        atomic_add(&p->readers, 1);
    if (FMODE_WRITE(f))
        atomic_add(&p->writers, 1);
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->priv;
    if (!p)
        return;
    if (FMODE_READ(f))
        atomic_sub(&p->readers, 1);
    if (FMODE_WRITE(f))
        atomic_sub(&p->writers, 1);
    atomic_add(&p->seq_in, 1);
    atomic_add(&p->seq_out, 1);
    wq_wake_all(&p->rwait);
    wq_wake_all(&p->wwait);
    pipe_put(p);
}

static const struct file_ops pipe_ops;

/* Page-multiple sizes as Linux: a power of two pages, at least one; 0 if above 2 GiB. */
static uint64_t round_pipe_size(uint64_t size)
{
    if (size > (1ull << 31))
        return 0;
    uint64_t r = PAGE_SIZE;
    while (r < size)
        r <<= 1;
    return r;
}

/* guarded by pipe_max_lock: /proc/sys/fs/pipe-max-size, the largest size an unprivileged F_SETPIPE_SZ may ask for. */
static struct mutex pipe_max_lock = { .lock = SPINLOCK_INIT("pipe.max"),
    .wq = { .lock = SPINLOCK_INIT("pipe.max.wq"), .waiters = LIST_HEAD_INIT(pipe_max_lock.wq.waiters) } };
static uint64_t pipe_max_size = 1024 * 1024;

uint64_t pipe_get_max_size(void)
{
    mutex_lock(&pipe_max_lock);
    uint64_t v = pipe_max_size;
    mutex_unlock(&pipe_max_lock);
    return v;
}

int pipe_set_max_size(uint64_t size)
{
    uint64_t r = round_pipe_size(size);
    if (!r)
        return -EINVAL;
    mutex_lock(&pipe_max_lock);
    pipe_max_size = r;
    mutex_unlock(&pipe_max_lock);
    return 0;
}

/* Move the ring into a new buffer of size bytes; -EBUSY if the content does not fit. Lock held. */
static int pipe_resize_locked(struct pipe *p, char *nb, size_t size)
{
    if (p->count > size)
        return -EBUSY;
    for (size_t i = 0; i < p->count; i++)
        nb[i] = p->buf[(p->head + i) % p->cap];
    kfree(p->buf);
    p->buf = nb;
    p->head = 0;
    atomic_store(&p->cap, size);
    return 0;
}

/*
 * F_SETPIPE_SZ: growing past pipe-max-size needs CAP_SYS_RESOURCE (EPERM).
 * FIXME: the per-user soft and hard page limits (pipe-user-pages-*) are not kept.
 */
static long pipe_set_size(struct pipe *p, uint64_t arg)
{
    uint64_t size = round_pipe_size(arg);
    if (!size)
        return -EINVAL;
    if (size > atomic_load(&p->cap) && size > pipe_get_max_size() && !capable(CAP_SYS_RESOURCE))
        return -EPERM;
    char *nb = kmalloc(size);
    if (!nb)
        return -ENOMEM;
    mutex_lock(&p->lock);
    int r = pipe_resize_locked(p, nb, size);
    mutex_unlock(&p->lock);
    if (r) {
        kfree(nb);
        return r;
    }
    atomic_add(&p->seq_out, 1);     /* a larger pipe may have room for blocked writers */
    wq_wake_all(&p->wwait);
    return (long)size;
}

long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg)
{
    if (f->ops != &pipe_ops && f->ops != &fifo_ops)
        return -EBADF;
    struct pipe *p = f->priv;
    if (cmd == F_GETPIPE_SZ)
        return (long)atomic_load(&p->cap);
    return pipe_set_size(p, arg);
}

static long pipe_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    struct pipe *p = f->priv;
    if (cmd != FIONREAD)
        return -ENOTTY;
    int n = (int)atomic_load(&p->count);
    return copy_to_user(uptr(arg), &n, sizeof(n)) ? -EFAULT : 0;
}

static uint32_t pipe_poll(struct file *f, struct poll_table *pt);

static const struct file_ops pipe_ops = {
    .read = pipe_read, .write = pipe_write, .release = pipe_release, .ioctl = pipe_ioctl, .poll = pipe_poll,
};

/*
 * A reader sees EPOLLHUP once every writer has gone; a FIFO reader only if a
 * writer has come since its open (f->pos remembers the writer count then), as Linux.
 */
static bool pipe_hung_up(struct file *f, struct pipe *p)
{
    if (atomic_load(&p->writers))
        return false;
    return f->ops == &pipe_ops || atomic_load(&p->w_counter) != (uint32_t)f->pos;
}

static uint32_t pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->priv;
    poll_wait(pt, &p->rwait);
    poll_wait(pt, &p->wwait);
    size_t cnt = atomic_load(&p->count);
    uint32_t m = 0;
    if (FMODE_READ(f)) {
        if (cnt)
            m |= EPOLLIN | EPOLLRDNORM;
        if (pipe_hung_up(f, p))
            m |= EPOLLHUP;
    }
    if (FMODE_WRITE(f)) {
        if (atomic_load(&p->cap) - cnt >= PIPE_BUF)
            m |= EPOLLOUT | EPOLLWRNORM;
        if (!atomic_load(&p->readers))
            m |= EPOLLERR;
    }
    if (pt) {
        pt->seq_in = atomic_load(&p->seq_in);
        pt->seq_out = atomic_load(&p->seq_out);
    }
    return m;
}

int pipe_create(struct inode *ino, uint32_t flags, struct file **rd, struct file **wr)
{
    struct pipe *p = pipe_new();
    if (!p)
        return -ENOMEM;
    int r = file_alloc(NULL, ino, &pipe_ops, O_RDONLY | flags, rd);
    if (!r) {
        r = file_alloc(NULL, ino, &pipe_ops, O_WRONLY | flags, wr);
        if (r)
            file_put(*rd);
    }
    if (!r) {
        end_attach(*rd, p);
        end_attach(*wr, p);
    }
    pipe_put(p);
    return r;
}

/*
 * FIFO open: the pipe lives with the inode. Runs under vfs_lock (open path);
 * the counter of the other side is remembered in f->pos (unused: not seekable)
 * for fifo_open_wait.
 */
static int fifo_open(struct file *f)
{
    struct inode *ino = f->inode;
    if (!ino->fifo) {
        ino->fifo = pipe_new();
        if (!ino->fifo)
            return -ENOMEM;
    }
    struct pipe *p = ino->fifo;
    uint32_t acc = f->flags & O_ACCMODE;
    if (acc == O_WRONLY && (f->flags & O_NONBLOCK) && !atomic_load(&p->readers))
        return -ENXIO;
    f->pos = acc == O_RDONLY ? atomic_load(&p->w_counter) : atomic_load(&p->r_counter);
    end_attach(f, p);
    if (FMODE_READ(f))
        atomic_add(&p->r_counter, 1);
    if (FMODE_WRITE(f))
        atomic_add(&p->w_counter, 1);
    wq_wake_all(&p->rwait);
    wq_wake_all(&p->wwait);
    return 0;
}

/* A blocking read-only (write-only) open waits until some writer (reader) has opened. */
static int fifo_open_wait(struct file *f)
{
    struct pipe *p = f->priv;
    uint32_t acc = f->flags & O_ACCMODE, seen = (uint32_t)f->pos;
    if ((f->flags & O_NONBLOCK) || acc == O_RDWR)
        return 0;
    if (acc == O_RDONLY && !atomic_load(&p->writers))
        return wait_event_interruptible(&p->rwait, atomic_load(&p->w_counter) != seen);
    if (acc == O_WRONLY && !atomic_load(&p->readers))
        return wait_event_interruptible(&p->wwait, atomic_load(&p->r_counter) != seen);
    return 0;
}

const struct file_ops fifo_ops = {
    .open = fifo_open, .open_wait = fifo_open_wait, .read = pipe_read, .write = pipe_write,
    .release = pipe_release, .ioctl = pipe_ioctl, .poll = pipe_poll,
};
