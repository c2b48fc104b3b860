// SPDX-License-Identifier: MPL-2.0
// timerfd: a file whose reads return timer expirations (CLOCK_MONOTONIC/REALTIME/BOOTTIME).
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <ostd/task.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/time.h>
#include <uapi/timerfd.h>
#include "fs/fs_syscalls.h"
#include "fs/poll/anon.h"
#include "fs/poll/poll.h"

long sys_timerfd_create(struct sys_call *c);
long sys_timerfd_settime(struct sys_call *c);
long sys_timerfd_gettime(struct sys_call *c);

/*
 * The ktimer callback runs in IRQ context, possibly on another CPU while
 * settime or release run. `inflight` counts armings whose callback has
 * neither run nor been cancelled, so release can wait for a callback that is
 * already on its way before freeing. Deadlines are kept on the monotonic
 * clock; a REALTIME absolute time is converted when set.
 * FIXME: clock_settime does not move armed REALTIME timers (TFD_TIMER_CANCEL_ON_SET is accepted, not acted on).
 */
struct timerfd {
    spinlock_t lock;            /* IRQ-saving; guards everything below */
    int clockid;
    bool armed, dead;
    uint64_t next_ns;           /* monotonic deadline of the next expiry, when armed */
    uint64_t interval_ns;
    uint64_t ticks;             /* expirations not yet read; atomic reads for wait conditions */
    unsigned inflight;
    uint32_t seq;               /* atomic: expirations so far (edge-triggered epoll) */
    struct ktimer timer;
    struct waitqueue wq;
};

/* Count the expirations up to now and re-arm an interval timer; lock held. */
static void tfd_expire_locked(struct timerfd *t, uint64_t now)
{
    uint64_t n = 1;
    if (t->interval_ns) {
        n += (now - t->next_ns) / t->interval_ns;
        t->next_ns += n * t->interval_ns;
        t->inflight++;
        ktimer_arm(&t->timer, t->next_ns);
    } else {
        t->armed = false;
    }
    atomic_store(&t->ticks, t->ticks + n);
    atomic_add(&t->seq, 1);
}

static void tfd_fire(void *arg)
{
    struct timerfd *t = arg;
    unsigned long fl = spin_lock_irqsave(&t->lock);
    t->inflight--;
    bool wake = false;
    uint64_t now = clock_monotonic_ns();
    if (!t->dead && t->armed && now >= t->next_ns) {
        tfd_expire_locked(t, now);
        wake = true;
    }
    if (wake)
        wq_wake_all(&t->wq);    /* before unlocking: release waits for the lock to free t */
    spin_unlock_irqrestore(&t->lock, fl);
}

/* Stop the timer; lock held. */
static void tfd_disarm_locked(struct timerfd *t)
{
    t->armed = false;
    if (ktimer_cancel(&t->timer))
        t->inflight--;
}

static void tfd_release(struct file *f)
{
    struct timerfd *t = f->priv;
    if (!t)
        return;
    unsigned long fl = spin_lock_irqsave(&t->lock);
    t->dead = true;
    tfd_disarm_locked(t);
    spin_unlock_irqrestore(&t->lock, fl);
    for (;;) {      /* a callback already dequeued is about to take the lock */
        fl = spin_lock_irqsave(&t->lock);
        unsigned n = t->inflight;
        spin_unlock_irqrestore(&t->lock, fl);
        if (!n)
            break;
        task_yield();
    }
    kfree(t);
}

static long tfd_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct timerfd *t = f->priv;
    uint64_t v = 0;
    if (to->count < sizeof(v))
        return -EINVAL;
    for (;;) {
        unsigned long fl = spin_lock_irqsave(&t->lock);
        v = t->ticks;
        atomic_store(&t->ticks, 0);
        spin_unlock_irqrestore(&t->lock, fl);
        if (v)
            break;
        if (atomic_load(&f->flags) & O_NONBLOCK)
            return -EAGAIN;
        /* FIXME: -ERESTARTSYS when a signal arrives (signals issue). */
        wait_event(&t->wq, atomic_load(&t->ticks) != 0);
    }
    bool fault = false;
    iov_copy_to(to, &v, sizeof(v), &fault);
    return fault ? -EFAULT : (long)sizeof(v);
}

static uint32_t tfd_poll(struct file *f, struct poll_table *pt)
{
    struct timerfd *t = f->priv;
    poll_wait(pt, &t->wq);
    if (pt)
        pt->seq_in = atomic_load(&t->seq);
    return atomic_load(&t->ticks) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_ops timerfd_ops = { .read = tfd_read, .poll = tfd_poll, .release = tfd_release };

static bool clock_ok(int clockid)
{
    return clockid == CLOCK_MONOTONIC || clockid == CLOCK_REALTIME || clockid == CLOCK_BOOTTIME;
}

long sys_timerfd_create(struct sys_call *c)
{
    int clockid = (int)c->arg[0];
    uint32_t flags = (uint32_t)c->arg[1];
    if (flags & ~(uint32_t)(TFD_CLOEXEC | TFD_NONBLOCK))
        return -EINVAL;
    if (!clock_ok(clockid))
        return clockid == CLOCK_REALTIME_ALARM || clockid == CLOCK_BOOTTIME_ALARM ? -EPERM : -EINVAL;
    struct timerfd *t = kzalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    spin_init(&t->lock, "timerfd");
    wq_init(&t->wq);
    ktimer_init(&t->timer, tfd_fire, t);
    t->clockid = clockid;
    int fd = anon_fd_create(&timerfd_ops, t, O_RDWR | (flags & TFD_NONBLOCK), flags & TFD_CLOEXEC);
    if (fd < 0)
        kfree(t);
    return fd;
}

/* The timerfd behind fd, with a file reference in *fp. */
static long tfd_get(int fd, struct file **fp)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (f->ops != &timerfd_ops) {
        file_put(f);
        return -EINVAL;
    }
    *fp = f;
    return 0;
}

static uint64_t ts_ns(const struct kernel_timespec *ts) { return (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec; }

static struct kernel_timespec ns_ts(uint64_t ns)
{
    return (struct kernel_timespec){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
}

static bool ts_valid(const struct kernel_timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)NSEC_PER_SEC
        && ts->tv_sec < (int64_t)(UINT64_MAX / NSEC_PER_SEC / 4);
}

/* Current setting; lock held. */
static struct kernel_itimerspec tfd_get_locked(struct timerfd *t)
{
    struct kernel_itimerspec v = { ns_ts(t->interval_ns), ns_ts(0) };
    uint64_t now = clock_monotonic_ns();
    if (t->armed)
        v.it_value = ns_ts(t->next_ns > now ? t->next_ns - now : 1);
    return v;
}

/* The monotonic deadline of a new setting. */
static uint64_t tfd_deadline(int clockid, uint64_t value, bool abs)
{
    uint64_t now = clock_monotonic_ns();
    if (!abs)
        return now + value;
    if (clockid != CLOCK_REALTIME)
        return value;
    uint64_t real = clock_realtime_ns();
    return value > real ? now + (value - real) : now;
}

static void tfd_set_locked(struct timerfd *t, const struct kernel_itimerspec *v, bool abs)
{
    tfd_disarm_locked(t);
    atomic_store(&t->ticks, 0);
    t->interval_ns = ts_ns(&v->it_interval);
    uint64_t value = ts_ns(&v->it_value);
    if (!value)
        return;
    t->armed = true;
    t->next_ns = tfd_deadline(t->clockid, value, abs);
    t->inflight++;
    ktimer_arm(&t->timer, t->next_ns);
}

long sys_timerfd_settime(struct sys_call *c)
{
    uint32_t flags = (uint32_t)c->arg[1];
    struct kernel_itimerspec nv, ov;
    if (flags & ~(uint32_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
        return -EINVAL;
    struct file *f;
    long r = tfd_get((int)c->arg[0], &f);
    if (r)
        return r;
    if (copy_from_user(&nv, uptr(c->arg[2]), sizeof(nv)))
        r = -EFAULT;
    else if (!ts_valid(&nv.it_value) || !ts_valid(&nv.it_interval))
        r = -EINVAL;
    if (!r) {
        struct timerfd *t = f->priv;
        unsigned long fl = spin_lock_irqsave(&t->lock);
        ov = tfd_get_locked(t);
        tfd_set_locked(t, &nv, flags & TFD_TIMER_ABSTIME);
        spin_unlock_irqrestore(&t->lock, fl);
        if (c->arg[3] && copy_to_user(uptr(c->arg[3]), &ov, sizeof(ov)))
            r = -EFAULT;
    }
    file_put(f);
    return r;
}

long sys_timerfd_gettime(struct sys_call *c)
{
    struct file *f;
    long r = tfd_get((int)c->arg[0], &f);
    if (r)
        return r;
    struct timerfd *t = f->priv;
    unsigned long fl = spin_lock_irqsave(&t->lock);
    struct kernel_itimerspec v = tfd_get_locked(t);
    spin_unlock_irqrestore(&t->lock, fl);
    file_put(f);
    return copy_to_user(uptr(c->arg[1]), &v, sizeof(v)) ? -EFAULT : 0;
}
