// SPDX-License-Identifier: MPL-2.0
// The serial console TTY: interrupt-driven input task, read (VMIN/VTIME), write, poll, open.
#include <ostd/console.h>
#include <ostd/heap.h>
#include <ostd/time.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/tty.h"
#include "fs/tty/tty.h"
#include "fs/tty/tty_ctty.h"
#include "fs/poll/poll.h"
#include "signal/signal.h"

static size_t console_out(struct tty *t, const char *s, size_t n)
{
    console_write(s, n);
    return n;
}

static const struct tty_ops console_tty_ops = { .write = console_out };

/* Defaults of a Linux serial console: cooked, echoing, ^C/^\/^Z signals. */
struct tty console_tty = {
    .ops = &console_tty_ops,
    .node = LIST_HEAD_INIT(console_tty.node),
    .rx_lock = SPINLOCK_INIT("tty.rx"),
    .raw_wq = { .lock = SPINLOCK_INIT("tty.raw_wq"), .waiters = LIST_HEAD_INIT(console_tty.raw_wq.waiters) },
    .lock = { .lock = SPINLOCK_INIT("tty"),
              .wq = { .lock = SPINLOCK_INIT("tty.wq"), .waiters = LIST_HEAD_INIT(console_tty.lock.wq.waiters) } },
    .rwait = { .lock = SPINLOCK_INIT("tty.rwait"), .waiters = LIST_HEAD_INIT(console_tty.rwait.waiters) },
    .owait = { .lock = SPINLOCK_INIT("tty.owait"), .waiters = LIST_HEAD_INIT(console_tty.owait.waiters) },
    .termios = {
        .c_iflag = ICRNL | IXON, .c_oflag = OPOST | ONLCR,
        .c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL,
        .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
        .c_cc = { [VINTR] = 3, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15, [VEOF] = 4,
                  [VTIME] = 0, [VMIN] = 1, [VSTART] = 0x11, [VSTOP] = 0x13, [VSUSP] = 0x1a,
                  [VREPRINT] = 0x12, [VDISCARD] = 0x0f, [VWERASE] = 0x17, [VLNEXT] = 0x16 },
    },
};

/* IRQ context: queue the byte for the input task (dropped when the ring is full). */
static void tty_rx_irq(void *ctx, uint8_t byte)
{
    struct tty *t = ctx;
    unsigned long f = spin_lock_irqsave(&t->rx_lock);
    if (t->raw_count < TTY_RAW_SIZE) {
        t->raw[(t->raw_head + t->raw_count) % TTY_RAW_SIZE] = byte;
        t->raw_count++;
    }
    spin_unlock_irqrestore(&t->rx_lock, f);
    wq_wake_all(&t->raw_wq);
}

static int raw_pop(struct tty *t)
{
    int c = -1;
    unsigned long f = spin_lock_irqsave(&t->rx_lock);
    if (t->raw_count) {
        c = t->raw[t->raw_head];
        t->raw_head = (t->raw_head + 1) % TTY_RAW_SIZE;
        t->raw_count--;
    }
    spin_unlock_irqrestore(&t->rx_lock, f);
    return c;
}

static bool raw_pending(struct tty *t) { return atomic_load(&t->raw_count) != 0; }

/* One received byte through the line discipline; signals go out with no TTY lock held. */
static void tty_input_byte(struct tty *t, uint8_t c)
{
    if (atomic_load(&t->hung_up))
        return;
    int sig = 0;
    mutex_lock(&t->lock);
    ldisc_receive_locked(t, c, &sig);
    int pgrp = t->pgrp;
    mutex_unlock(&t->lock);
    wq_wake_all(&t->rwait);
    if (sig && pgrp > 0)
        (void)tty_signal_pgrp(pgrp, sig);
}

void tty_receive(struct tty *t, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tty_input_byte(t, (uint8_t)s[i]);
}

void tty_init(struct tty *t, const struct tty_ops *ops)
{
    spin_init(&t->rx_lock, "tty.rx");
    wq_init(&t->raw_wq);
    mutex_init(&t->lock);
    wq_init(&t->rwait);
    wq_init(&t->owait);
    t->ops = ops;
    t->termios = console_tty.termios;
    tty_list_add(t);
}

/* The input task: the line discipline runs here, in task context, not in the IRQ handler. */
static void tty_input_task(void *arg)
{
    struct tty *t = arg;
    for (;;) {
        wait_event(&t->raw_wq, raw_pending(t));
        int c;
        while ((c = raw_pop(t)) >= 0)
            tty_input_byte(t, (uint8_t)c);
    }
}

static struct mutex start_lock = { .lock = SPINLOCK_INIT("tty.start"),
    .wq = { .lock = SPINLOCK_INIT("tty.start.wq"), .waiters = LIST_HEAD_INIT(start_lock.wq.waiters) } };
static bool started;   /* guarded by start_lock */

int tty_start(struct tty *t)
{
    int r = 0;
    mutex_lock(&start_lock);
    if (!started) {
        struct task *task = task_spawn("tty-input", tty_input_task, t, -1);
        if (task) {
            task_put(task);
            console_set_rx_handler(tty_rx_irq, t);
            started = true;
        } else {
            r = -ENOMEM;
        }
    }
    mutex_unlock(&start_lock);
    return r;
}

/* ---- reads ---- */

struct read_req {
    char *buf;
    size_t want, got;
    uint64_t deadline;          /* VTIME; POLL_FOREVER: none */
};

/* Sleep until new input (seq moves past seen) or the deadline: 0, -ETIMEDOUT or -ERESTARTSYS (a signal). */
static int wait_input(struct tty *t, uint32_t seen, uint64_t deadline)
{
    struct wq_entry e = { .queued = false };
    bool ok = true;
    wq_prepare(&t->rwait, &e);
    if (signal_pending_current()) {
        wq_finish(&t->rwait, &e);
        return -ERESTARTSYS;
    }
    if (atomic_load(&t->seq_in) == seen) {
        if (deadline == POLL_FOREVER) {
            wq_sleep();
        } else {
            uint64_t now = clock_monotonic_ns();
            ok = now < deadline && (wq_sleep_timeout(deadline - now), clock_monotonic_ns() < deadline);
        }
    }
    wq_finish(&t->rwait, &e);
    return ok ? 0 : -ETIMEDOUT;
}

/* Non-canonical completion rules of VMIN/VTIME; (re)starts the VTIME timer. */
static bool raw_done(struct read_req *rq, size_t before, uint8_t vmin, uint8_t vtime)
{
    size_t target = vmin ? MIN((size_t)vmin, rq->want) : 1;
    if (rq->got >= target || (!vmin && !vtime))
        return true;
    if (vtime) {
        uint64_t span = (uint64_t)vtime * 100000000ull;
        if (!vmin && rq->deadline == POLL_FOREVER)     /* one timeout for the whole read */
            rq->deadline = clock_monotonic_ns() + span;
        else if (vmin && rq->got > before)              /* an inter-byte timer, from the first byte */
            rq->deadline = clock_monotonic_ns() + span;
    }
    return false;
}

static long tty_read_wait(struct tty *t, struct file *f, struct read_req *rq)
{
    for (;;) {
        mutex_lock(&t->lock);
        uint32_t seen = atomic_load(&t->seq_in);
        bool canon = L_CANON(t);
        uint8_t vmin = t->termios.c_cc[VMIN], vtime = t->termios.c_cc[VTIME];
        size_t before = rq->got;
        long r = ldisc_read_locked(t, rq->buf + rq->got, rq->want - rq->got);
        mutex_unlock(&t->lock);
        if (canon && r >= 0)
            return r;
        if (r > 0)
            rq->got += (size_t)r;
        if (!canon && raw_done(rq, before, vmin, vtime))
            return (long)rq->got;
        if (atomic_load(&t->hung_up))
            return (long)rq->got;
        if (atomic_load(&f->flags) & O_NONBLOCK)
            return rq->got ? (long)rq->got : -EAGAIN;
        int w = wait_input(t, seen, rq->deadline);
        if (w == -ERESTARTSYS && !rq->got)
            return w;   /* restarted under SA_RESTART, else EINTR */
        if (w)
            return (long)rq->got;
    }
}

/* A background reader gets SIGTTIN, except through /dev/console (exempt, as on Linux); so do TOSTOP writers SIGTTOU. */
long tty_file_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct tty *t = f->priv;
    if (atomic_load(&t->hung_up))
        return 0;   /* as Linux's hung-up files: EOF at once, unread input is lost */
    int bg = f->ops == &tty_console_ops ? 0 : tty_ctty_check_bg(t, SIGTTIN);
    if (bg)
        return bg;
    if (!to->count)
        return 0;
    struct read_req rq = { .want = MIN(to->count, (size_t)TTY_BUF_SIZE), .deadline = POLL_FOREVER };
    rq.buf = kmalloc(rq.want);
    if (!rq.buf)
        return -ENOMEM;
    long r = tty_read_wait(t, f, &rq);
    if (r > 0) {
        bool fault = false;
        iov_copy_to(to, rq.buf, (size_t)r, &fault);
        if (fault)
            r = -EFAULT;    /* FIXME: the bytes are lost, as Linux loses them on a fault */
    }
    kfree(rq.buf);
    return r;
}

/* ---- writes ---- */

/*
 * Output is written in whole 2048-byte chunks, as Linux's tty layer does: a
 * fault inside a chunk discards it, and the call returns what earlier chunks
 * wrote, or -EFAULT if none.
 * FIXME: OPOST/ONLCR are always in effect (the framework's console adds CR before LF).
 */
#define TTY_CHUNK 2048

static bool output_may_go(struct tty *t)
{
    return !atomic_load(&t->stopped) || atomic_load(&t->hung_up);
}

/* Hand n bytes to the driver, sleeping while it is full or output is stopped; bytes taken, or -errno if none. */
static long tty_put(struct tty *t, const char *buf, size_t n, bool nonblock)
{
    size_t done = 0;
    while (done < n) {
        if (atomic_load(&t->hung_up))
            return done ? (long)done : -EIO;
        if (!output_may_go(t)) {
            int r = nonblock ? -EAGAIN : wait_event_interruptible(&t->owait, output_may_go(t));
            if (r)
                return done ? (long)done : r;
            continue;
        }
        done += t->ops->write(t, buf + done, n - done);
        if (done < n && t->ops->wait_room) {
            int r = t->ops->wait_room(t);
            if (r)
                return done ? (long)done : r;
        }
    }
    return (long)done;
}

long tty_file_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct tty *t = f->priv;
    if (atomic_load(&t->hung_up))
        return -EIO;
    if (f->ops != &tty_console_ops && (atomic_load(&t->termios.c_lflag) & TOSTOP)) {
        int bg = tty_ctty_check_bg(t, SIGTTOU);
        if (bg)
            return bg;
    }
    char *buf = kmalloc(TTY_CHUNK);
    if (!buf)
        return -ENOMEM;
    long written = 0;
    bool fault = false;
    while (from->count && !fault) {
        size_t n = iov_copy_from(from, buf, MIN((size_t)TTY_CHUNK, from->count), &fault);
        if (fault)
            break;
        long r = tty_put(t, buf, n, atomic_load(&f->flags) & O_NONBLOCK);
        if (r < 0) {
            kfree(buf);
            return written ? written : r;
        }
        written += r;
    }
    kfree(buf);
    return written || !fault ? written : -EFAULT;
}

uint32_t tty_file_poll(struct file *f, struct poll_table *pt)
{
    struct tty *t = f->priv;
    poll_wait(pt, &t->rwait);
    poll_wait(pt, &t->owait);
    mutex_lock(&t->lock);
    uint32_t m = t->stopped ? 0 : EPOLLOUT | EPOLLWRNORM;
    if (ldisc_can_read_locked(t))
        m |= EPOLLIN | EPOLLRDNORM;
    if (atomic_load(&t->hung_up))
        m = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM | EPOLLHUP | EPOLLERR;
    mutex_unlock(&t->lock);
    if (pt)
        pt->seq_in = atomic_load(&t->seq_in);
    return m;
}

/* A hung-up terminal answers every request with EIO (TIOCSPGRP: ENOTTY), as Linux's hung-up files. */
long tty_file_ioctl(struct file *f, unsigned cmd, uint64_t arg)
{
    struct tty *t = f->priv;
    if (atomic_load(&t->hung_up))
        return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
    return tty_ioctl(t, cmd, arg);
}

/* Every serial TTY node: start the input side. /dev/console never becomes a controlling terminal by open (as Linux). */
static int console_open(struct file *f)
{
    f->priv = &console_tty;
    return tty_start(&console_tty);
}

/*
 * The controlling-terminal checks run in open_wait, after vfs_lock is
 * dropped, so vfs_lock is never taken before tasklist_lock.
 * /dev/ttyS0: a session leader without a terminal acquires it, unless O_NOCTTY.
 */
static int serial_open_wait(struct file *f)
{
    if (!(f->flags & O_NOCTTY))
        tty_ctty_open(&console_tty);
    return 0;
}

/* /dev/tty: the caller's controlling terminal (a reference for a pty), ENXIO without one. In open_wait: takes tasklist_lock. */
static int current_open_wait(struct file *f)
{
    struct tty *t = tty_ctty_get_current();
    if (!t)
        return -ENXIO;
    f->priv = t;
    return t == &console_tty ? tty_start(t) : 0;
}

static void tty_file_release(struct file *f)
{
    struct tty *t = f->priv;
    if (t && t->ops->release)
        t->ops->release(t);
}

#define TTY_OPS(o, wait) { .open = o, .open_wait = wait, .read = tty_file_read, .release = tty_file_release, \
                           .write = tty_file_write, .ioctl = tty_file_ioctl, .poll = tty_file_poll }
const struct file_ops tty_console_ops = TTY_OPS(console_open, 0);
const struct file_ops tty_serial_ops = TTY_OPS(console_open, serial_open_wait);
const struct file_ops tty_current_ops = TTY_OPS(0, current_open_wait);
