// SPDX-License-Identifier: MPL-2.0
// Pseudo-terminals: /dev/ptmx opens a master; /dev/pts/N is its slave, a TTY with the serial line's line discipline.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/ioctls.h>
#include <uapi/signal.h>
#include "fs/tty.h"
#include "fs/devpts/devpts.h"
#include "fs/tty/tty.h"
#include "fs/tty/tty_ctty.h"
#include "fs/poll/poll.h"
#include "fs/open.h"
#include "signal/signal.h"
#include "proc/cred.h"
#include <uapi/capability.h>

#define PTY_OUT 4096            /* slave output the master has not read */

/*
 * One pair. Lock order: tty.lock -> pty.lock (echo queues output with the
 * slave's lock held). refs counts the master file and every slave file.
 */
struct pty {
    struct tty slave;           /* first: a slave file's priv is &pty->slave */
    struct devpts_inst *inst;   /* immutable: the devpts instance holding the index */
    int index;                  /* immutable */
    spinlock_t lock;            /* guards everything below */
    uint32_t refs;
    char out[PTY_OUT];          /* slave output: a ring */
    unsigned out_head, out_count;
    bool locked;                /* TIOCSPTLCK: the slave may not be opened */
    int slave_opens;
    bool slave_closed;          /* the last slave file closed: master reads give EIO */
    bool master_closed;
    bool packet;                /* TIOCPKT: master reads start with a status byte */
    uint8_t pktstatus;          /* TIOCPKT_* events not yet read (packet mode only) */
    struct waitqueue mwait;     /* master readers and pollers; slave writers waiting for room */
};

static struct pty *pty_of(struct tty *t) { return container_of(t, struct pty, slave); }

static void pty_put(struct pty *pt)
{
    unsigned long f = spin_lock_irqsave(&pt->lock);
    bool last = --pt->refs == 0;
    spin_unlock_irqrestore(&pt->lock, f);
    if (!last)
        return;
    tty_unlist(&pt->slave);
    devpts_index_free(pt->inst, pt->index);
    kfree(pt);
}

/* ---- the slave's driver: output goes to the master (OPOST/ONLCR: NL becomes CR NL) ---- */

static size_t slave_out(struct tty *t, const char *s, size_t n)
{
    struct pty *pt = pty_of(t);
    uint32_t of = atomic_load(&t->termios.c_oflag);
    bool onlcr = (of & OPOST) && (of & ONLCR);
    size_t i = 0;
    unsigned long f = spin_lock_irqsave(&pt->lock);
    for (; i < n; i++) {
        bool crlf = onlcr && s[i] == '\n';
        if (pt->out_count + (crlf ? 2 : 1) > PTY_OUT)
            break;
        if (crlf)
            pt->out[(pt->out_head + pt->out_count++) % PTY_OUT] = '\r';
        pt->out[(pt->out_head + pt->out_count++) % PTY_OUT] = s[i];
    }
    bool gone = pt->master_closed;
    spin_unlock_irqrestore(&pt->lock, f);
    wq_wake_all(&pt->mwait);
    return gone ? n : i;        /* nobody reads: output is dropped */
}

static bool out_room(struct pty *pt)
{
    return atomic_load(&pt->out_count) < PTY_OUT - 1 || atomic_load(&pt->master_closed);
}

static int slave_wait_room(struct tty *t)
{
    struct pty *pt = pty_of(t);
    return wait_event_interruptible(&pt->mwait, out_room(pt));
}

static int slave_get(struct tty *t)
{
    struct pty *pt = pty_of(t);
    unsigned long f = spin_lock_irqsave(&pt->lock);
    int r = pt->refs ? 0 : -EIO;
    if (!r) {
        pt->refs++;
        pt->slave_opens++;
    }
    spin_unlock_irqrestore(&pt->lock, f);
    return r;
}

static void slave_release(struct tty *t)
{
    struct pty *pt = pty_of(t);
    unsigned long f = spin_lock_irqsave(&pt->lock);
    if (--pt->slave_opens == 0)
        pt->slave_closed = true;
    spin_unlock_irqrestore(&pt->lock, f);
    wq_wake_all(&pt->mwait);
    pty_put(pt);
}

/* Line events of the slave: FLUSHWRITE drops output the master has not read; packet mode records them. */
static void slave_event(struct tty *t, unsigned ev)
{
    struct pty *pt = pty_of(t);
    unsigned long f = spin_lock_irqsave(&pt->lock);
    if (ev & TIOCPKT_FLUSHWRITE)
        pt->out_count = 0;
    if (pt->packet) {
        if (ev & (TIOCPKT_STOP | TIOCPKT_START))
            pt->pktstatus &= (uint8_t)~(TIOCPKT_STOP | TIOCPKT_START);
        if (ev & (TIOCPKT_NOSTOP | TIOCPKT_DOSTOP))
            pt->pktstatus &= (uint8_t)~(TIOCPKT_NOSTOP | TIOCPKT_DOSTOP);
        pt->pktstatus |= (uint8_t)ev;
    }
    spin_unlock_irqrestore(&pt->lock, f);
    wq_wake_all(&pt->mwait);
}

static const struct tty_ops slave_tty_ops = {
    .write = slave_out, .wait_room = slave_wait_room, .get = slave_get, .release = slave_release,
    .event = slave_event,
};

/* ---- the slave's files (136:N) ---- */

bool pty_slave_try_get(struct pty *pt)
{
    bool ok = false;
    unsigned long fl = spin_lock_irqsave(&pt->lock);
    if (!pt->locked && !pt->master_closed && pt->refs) {
        pt->refs++;
        pt->slave_opens++;
        pt->slave_closed = false;
        ok = true;
    }
    spin_unlock_irqrestore(&pt->lock, fl);
    return ok;
}

/* The node's instance and minor name the pty; -EIO when it is gone, locked or its master closed. */
static int slave_open(struct file *f)
{
    struct pty *pt = devpts_pty_get(devpts_inst_of_node(f->inode), linux_minor(f->inode->rdev));
    if (!pt)
        return -EIO;
    f->priv = &pt->slave;
    return 0;
}

/* After vfs_lock is dropped (see tty_io.c): a session leader without a terminal acquires this one. */
static int slave_open_wait(struct file *f)
{
    if (!(f->flags & O_NOCTTY))
        tty_ctty_open(f->priv);
    return 0;
}

static void slave_file_release(struct file *f)
{
    if (f->priv)
        slave_release(f->priv);
}

const struct file_ops pty_slave_ops = {
    .open = slave_open, .open_wait = slave_open_wait, .release = slave_file_release,
    .read = tty_file_read, .write = tty_file_write, .ioctl = tty_file_ioctl, .poll = tty_file_poll,
};

/* ---- the master (/dev/ptmx, 5:2) ---- */

/* Runs under vfs_lock (the open path): the instance is chosen by the ptmx file's path. */
static int ptmx_open(struct file *f)
{
    struct devpts_inst *in = devpts_inst_of_ptmx_locked(f);
    struct pty *pt = in ? kzalloc(sizeof(*pt)) : NULL;
    if (!pt)
        return -ENOMEM;
    pt->inst = in;
    spin_init(&pt->lock, "pty");
    wq_init(&pt->mwait);
    pt->refs = 1;
    pt->locked = true;
    int idx = devpts_index_alloc(in, pt);
    if (idx < 0) {
        kfree(pt);
        return idx;
    }
    pt->index = idx;
    tty_init(&pt->slave, &slave_tty_ops);
    f->priv = pt;
    return 0;
}

/* The <devpts>/N node is made after the open path dropped vfs_lock (devpts takes it). */
static int ptmx_open_wait(struct file *f)
{
    struct pty *pt = f->priv;
    return devpts_add(pt->inst, pt->index);
}

static void ptmx_release(struct file *f)
{
    struct pty *pt = f->priv;
    unsigned long fl = spin_lock_irqsave(&pt->lock);
    pt->master_closed = true;
    spin_unlock_irqrestore(&pt->lock, fl);
    devpts_remove(pt->inst, pt->index);
    tty_hangup(&pt->slave);
    wq_wake_all(&pt->mwait);
    pty_put(pt);
}

/*
 * Take slave output; -EAGAIN when there is none yet, -EIO once every slave
 * file closed. Packet mode: a pending status alone, else TIOCPKT_DATA before the data.
 */
static long master_take(struct pty *pt, char *buf, size_t len)
{
    unsigned long fl = spin_lock_irqsave(&pt->lock);
    long r = pt->slave_closed ? -EIO : -EAGAIN;
    if (pt->packet && pt->pktstatus) {
        buf[0] = (char)pt->pktstatus;
        pt->pktstatus = 0;
        r = 1;
    } else if (pt->out_count) {
        size_t skip = pt->packet ? 1 : 0;
        unsigned n = (unsigned)MIN((size_t)pt->out_count, len - skip);
        if (skip)
            buf[0] = TIOCPKT_DATA;
        for (unsigned i = 0; i < n; i++)
            buf[skip + i] = pt->out[(pt->out_head + i) % PTY_OUT];
        pt->out_head = (pt->out_head + n) % PTY_OUT;
        pt->out_count -= n;
        r = (long)(n + skip);
    }
    spin_unlock_irqrestore(&pt->lock, fl);
    return r;
}

static bool master_readable(struct pty *pt)
{
    return atomic_load(&pt->out_count) || atomic_load(&pt->slave_closed)
        || (atomic_load(&pt->packet) && atomic_load(&pt->pktstatus));
}

static long ptmx_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct pty *pt = f->priv;
    char buf[256];
    if (!to->count)
        return 0;
    for (;;) {
        long r = master_take(pt, buf, MIN(sizeof(buf), to->count));
        if (r > 0) {
            wq_wake_all(&pt->mwait);    /* room for slave writers */
            bool fault = false;
            iov_copy_to(to, buf, (size_t)r, &fault);
            return fault ? -EFAULT : r;
        }
        if (r != -EAGAIN || (atomic_load(&f->flags) & O_NONBLOCK))
            return r;
        int w = wait_event_interruptible(&pt->mwait, master_readable(pt));
        if (w)
            return w;
    }
}

/* Master writes are the slave's input, through its line discipline. */
static long ptmx_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct pty *pt = f->priv;
    char buf[256];
    long done = 0;
    while (from->count) {
        bool fault = false;
        size_t n = iov_copy_from(from, buf, MIN(sizeof(buf), from->count), &fault);
        if (fault)
            return done ? done : -EFAULT;
        tty_receive(&pt->slave, buf, n);
        done += (long)n;
    }
    return done;
}

static uint32_t ptmx_poll(struct file *f, struct poll_table *pt_)
{
    struct pty *pt = f->priv;
    poll_wait(pt_, &pt->mwait);
    uint32_t m = EPOLLOUT | EPOLLWRNORM;
    if (atomic_load(&pt->out_count))
        m |= EPOLLIN | EPOLLRDNORM;
    if (atomic_load(&pt->packet) && atomic_load(&pt->pktstatus))
        m |= EPOLLPRI | EPOLLIN | EPOLLRDNORM;
    if (atomic_load(&pt->slave_closed))
        m |= EPOLLHUP;
    return m;
}

/* TIOCGPTPEER: a new slave file for this master, without a path walk. */
static long ptmx_open_peer(struct pty *pt, uint64_t flags)
{
    if (flags & ~(uint64_t)(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC))
        return -EINVAL;
    return devpts_open_slave(pt->inst, pt->index, (uint32_t)flags);
}

/* TIOCPKT: switching packet mode on clears the status. */
static long ptmx_set_packet(struct pty *pt, uptr_t arg)
{
    int v;
    if (copy_from_user(&v, arg, sizeof(v)))
        return -EFAULT;
    unsigned long fl = spin_lock_irqsave(&pt->lock);
    if (v && !pt->packet)
        pt->pktstatus = 0;
    pt->packet = v != 0;
    spin_unlock_irqrestore(&pt->lock, fl);
    return 0;
}

/*
 * TIOCSIG: signal the slave's foreground group. Linux 6.1 allows only the
 * keyboard's signals and reads the number as an int.
 */
static long ptmx_signal(struct pty *pt, uint64_t arg)
{
    int sig = (int)arg;
    if (sig != SIGINT && sig != SIGQUIT && sig != SIGTSTP)
        return -EINVAL;
    mutex_lock(&pt->slave.lock);
    int pgrp = pt->slave.sid ? pt->slave.pgrp : 0;
    mutex_unlock(&pt->slave.lock);
    if (pgrp > 0)
        (void)tty_signal_pgrp(pgrp, sig);
    return 0;
}

/* TIOCSTI on the master (nobody's controlling terminal, so CAP_SYS_ADMIN): a byte for the master's own reads. */
static long ptmx_sti(struct pty *pt, uptr_t arg)
{
    if (!capable(CAP_SYS_ADMIN))
        return -EPERM;
    char c;
    if (copy_from_user(&c, arg, 1))
        return -EFAULT;
    unsigned long fl = spin_lock_irqsave(&pt->lock);
    if (pt->out_count < PTY_OUT)
        pt->out[(pt->out_head + pt->out_count++) % PTY_OUT] = c;
    spin_unlock_irqrestore(&pt->lock, fl);
    wq_wake_all(&pt->mwait);
    return 0;
}

/*
 * TCFLSH on the master: its input is the slave's unread output. Its own
 * output is handed to the slave's line discipline at once, so nothing is
 * queued to drop. TCXONC: FIXME, the master's own output cannot be
 * suspended (writes go straight to the slave's input); the request is checked only.
 */
static long ptmx_flow(struct pty *pt, unsigned cmd, uint64_t arg)
{
    if (arg > TCIOFLUSH + (cmd == TCXONC))
        return -EINVAL;
    if (cmd == TCFLSH && arg != TCOFLUSH) {
        unsigned long fl = spin_lock_irqsave(&pt->lock);
        pt->out_count = 0;
        spin_unlock_irqrestore(&pt->lock, fl);
        wq_wake_all(&pt->mwait);
    }
    return 0;
}

static long ptmx_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    struct pty *pt = f->priv;
    int v;
    switch (cmd) {
    case TIOCGPTN:
        v = pt->index;
        return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0;
    case TIOCSPTLCK: {
        if (copy_from_user(&v, uptr(arg), sizeof(v)))
            return -EFAULT;
        unsigned long fl = spin_lock_irqsave(&pt->lock);
        pt->locked = v != 0;
        spin_unlock_irqrestore(&pt->lock, fl);
        return 0;
    }
    case TIOCGPTLCK:
        v = atomic_load(&pt->locked);
        return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0;
    case TIOCGPTPEER:
        return ptmx_open_peer(pt, arg);
    case FIONREAD:
        v = (int)atomic_load(&pt->out_count);
        return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0;
    case TIOCPKT:
        return ptmx_set_packet(pt, uptr(arg));
    case TIOCGPKT:
        v = atomic_load(&pt->packet);
        return copy_to_user(uptr(arg), &v, sizeof(v)) ? -EFAULT : 0;
    case TIOCSTI:
        return ptmx_sti(pt, uptr(arg));
    case TIOCSIG:
        return ptmx_signal(pt, arg);
    case TCFLSH: case TCXONC:
        return ptmx_flow(pt, cmd, arg);
    case TIOCSCTTY: case TIOCNOTTY: case TIOCSPGRP: case TIOCGSID: case TIOCGPGRP:
        return tty_ctty_master_ioctl(&pt->slave, cmd, arg);
    }
    /* termios and window size act on the pair (the slave's state, as Linux shares winsize), with no job-control check. */
    return tty_ioctl_master(&pt->slave, cmd, arg);
}

const struct file_ops ptmx_ops = {
    .open = ptmx_open, .open_wait = ptmx_open_wait, .release = ptmx_release, .read = ptmx_read, .write = ptmx_write,
    .ioctl = ptmx_ioctl, .poll = ptmx_poll,
};
