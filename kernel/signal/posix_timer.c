// SPDX-License-Identifier: MPL-2.0
// POSIX per-process timers: timer_create/settime/gettime/getoverrun/delete, expiry signals with overrun counts.
#include <ostd/heap.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/posix_timer.h>
#include "proc/process.h"
#include "syscall/syscall.h"
#include "time/clock.h"
#include "signal/sigstate.h"

long sys_timer_create(struct sys_call *c);
long sys_timer_settime(struct sys_call *c);
long sys_timer_gettime(struct sys_call *c);
long sys_timer_getoverrun(struct sys_call *c);
long sys_timer_delete(struct sys_call *c);

#define OVERRUN_MAX 0x7fffffff      /* DELAYTIMER_MAX */

/*
 * One timer. Lock order: proc_signal.timer_mutex (settime/delete, so a
 * timer is never freed under a caller) -> lock -> sig.lock. The expiry
 * callback runs in interrupt context: it takes lock, re-arms, drops it, then
 * sends under sig.lock. Deadlines are kept on the monotonic clock.
 */
struct posix_timer {
    int id;                         /* immutable */
    struct process *proc;           /* immutable */
    const struct kclock *clock;     /* immutable */
    int notify;                     /* SIGEV_*; immutable */
    struct list_head node;          /* in proc_signal.timers; guarded by sig.lock */
    struct thread *target;          /* SIGEV_THREAD_ID: the thread, NULL once it left; guarded by sig.lock */
    struct sigqueue *q;             /* preallocated signal; guarded by sig.lock */
    int32_t overrun_last;           /* overruns of the last delivered signal; guarded by sig.lock */

    spinlock_t lock;
    struct ktimer kt;
    uint64_t deadline;              /* monotonic ns of the next expiry, 0 = disarmed; guarded by lock */
    uint64_t interval;              /* ns; guarded by lock */
};

/* Send t's signal, or count an overrun if the last one is still queued (interrupt context). */
static void timer_send(struct posix_timer *t, uint64_t missed)
{
    struct process *p = t->proc;
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    struct sigqueue *q = t->q;
    uint64_t over = missed;
    if (q->queued) {
        over += (uint64_t)q->overrun + 1;
        q->overrun = over > OVERRUN_MAX ? OVERRUN_MAX : (int32_t)over;
    } else if (t->notify != SIGEV_THREAD_ID || t->target) {
        struct sigqueue *qq = q;
        (void)sig_send_locked(p, t->target, &q->info, &qq, NULL);   /* no mutex here: no SIGCHLD */
        if (!qq)    /* queued */
            q->overrun = over > OVERRUN_MAX ? OVERRUN_MAX : (int32_t)over;
    }
    spin_unlock_irqrestore(&p->sig.lock, f);
}

static void timer_fn(void *arg)
{
    struct posix_timer *t = arg;
    uint64_t now = clock_monotonic_ns(), missed = 0;
    unsigned long f = spin_lock_irqsave(&t->lock);
    bool live = t->deadline != 0;
    if (live && t->interval) {
        t->deadline += t->interval;
        if (t->deadline <= now) {   /* periods that passed unseen count as overruns */
            missed = (now - t->deadline) / t->interval + 1;
            t->deadline += missed * t->interval;
        }
        ktimer_arm(&t->kt, t->deadline);
    } else {
        t->deadline = 0;
    }
    spin_unlock_irqrestore(&t->lock, f);
    if (live && t->notify != SIGEV_NONE)
        timer_send(t, missed);
}

void sig_timer_delivered_locked(struct posix_timer *t, int32_t overrun)
{
    t->overrun_last = overrun;
}

void sig_timers_forget_thread_locked(struct process *p, struct thread *th)
{
    struct list_head *l;
    list_for_each(l, &p->sig.timers) {
        struct posix_timer *t = list_entry(l, struct posix_timer, node);
        if (t->target == th)
            t->target = NULL;       /* Linux drops the signals of a timer whose thread is gone */
    }
}

/* The timer with that id; sig.lock held (the caller holds timer_mutex to keep it alive). */
static struct posix_timer *find_locked(struct process *p, int id)
{
    struct list_head *l;
    list_for_each(l, &p->sig.timers) {
        struct posix_timer *t = list_entry(l, struct posix_timer, node);
        if (t->id == id)
            return t;
    }
    return NULL;
}

static struct posix_timer *timer_get(struct process *p, int id)
{
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    struct posix_timer *t = find_locked(p, id);
    spin_unlock_irqrestore(&p->sig.lock, f);
    return t;
}

/* Unlink, stop and free t; timer_mutex held. A queued signal stays pending (freed when taken). */
static void timer_destroy(struct posix_timer *t)
{
    struct process *p = t->proc;
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    list_del(&t->node);
    spin_unlock_irqrestore(&p->sig.lock, f);
    f = spin_lock_irqsave(&t->lock);
    t->deadline = 0;                /* a running callback will not re-arm */
    spin_unlock_irqrestore(&t->lock, f);
    ktimer_cancel(&t->kt);          /* waits for a callback running on another CPU */
    f = spin_lock_irqsave(&p->sig.lock);
    struct sigqueue *q = t->q;
    q->timer = NULL;
    if (q->queued)
        q = NULL;                   /* the pending set owns it now */
    spin_unlock_irqrestore(&p->sig.lock, f);
    sigqueue_free(q);
    kfree(t);
}

void sig_timers_delete_all(struct process *p)
{
    mutex_lock(&p->sig.timer_mutex);
    for (;;) {
        unsigned long f = spin_lock_irqsave(&p->sig.lock);
        struct posix_timer *t = list_empty(&p->sig.timers) ? NULL
            : list_first_entry(&p->sig.timers, struct posix_timer, node);
        spin_unlock_irqrestore(&p->sig.lock, f);
        if (!t)
            break;
        timer_destroy(t);
    }
    mutex_unlock(&p->sig.timer_mutex);
}

/* The clock a timer may run on: 0, -EINVAL (unknown, or CPU time), -EOPNOTSUPP. */
static int timer_clock(int id, const struct kclock **out)
{
    if (id == CLOCK_REALTIME_ALARM || id == CLOCK_BOOTTIME_ALARM)
        return -EOPNOTSUPP;     /* FIXME: alarm timers need an RTC wake-up source */
    const struct kclock *k = kclock_get(id);
    if (!k)
        return -EINVAL;
    if (k->flags & KCLOCK_CPU)
        return -EINVAL;         /* FIXME: CPU-time timers need per-task CPU-time expiry hooks */
    if (!(k->flags & KCLOCK_SLEEP))
        return -EOPNOTSUPP;     /* raw and coarse clocks have no timers, as Linux */
    *out = k;
    return 0;
}

/* Check ev as Linux does: the thread of SIGEV_THREAD_ID must be in the caller's process. */
static int sigevent_check(const struct k_sigevent *ev)
{
    switch (ev->sigev_notify) {
    case SIGEV_SIGNAL:
    case SIGEV_THREAD:
    case SIGEV_THREAD_ID:
        return ev->sigev_signo <= 0 || ev->sigev_signo > KNSIG ? -EINVAL : 0;
    case SIGEV_NONE:
        return 0;
    default:
        return -EINVAL;
    }
}

/*
 * Give t an id and publish it; for SIGEV_THREAD_ID also bind thread tid.
 * id_value: no sigevent was given, si_value is the id. 0 or -EINVAL.
 */
static int timer_publish(struct process *p, struct posix_timer *t, int tid, bool id_value)
{
    int r = 0;
    mutex_lock(&p->lock);           /* keeps the target thread from being freed */
    struct thread *th = t->notify == SIGEV_THREAD_ID ? thread_find_locked(p, tid) : NULL;
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    if (t->notify == SIGEV_THREAD_ID && (!th || th->sig.dead)) {
        r = -EINVAL;
    } else {
        t->target = th;
        do {    /* ids count up from 0 per process and are not reused until they wrap */
            t->id = p->sig.next_timer_id;
            p->sig.next_timer_id = (t->id + 1) & 0x7fffffff;
        } while (find_locked(p, t->id));
        t->q->info.pid = t->id;     /* si_timerid */
        if (id_value)
            t->q->info.value = (uint64_t)t->id;
        list_add_tail(&t->node, &p->sig.timers);
    }
    spin_unlock_irqrestore(&p->sig.lock, f);
    mutex_unlock(&p->lock);
    return r;
}

long sys_timer_create(struct sys_call *c)
{
    struct k_sigevent ev = { .sigev_signo = SIGALRM, .sigev_notify = SIGEV_SIGNAL };
    if (c->arg[1] && copy_from_user(&ev, uptr(c->arg[1]), sizeof(ev)))
        return -EFAULT;
    const struct kclock *k = NULL;
    int r = timer_clock((int32_t)c->arg[0], &k);
    if (r)
        return r;
    if ((r = sigevent_check(&ev)))
        return r;
    struct process *p = current_proc();
    struct ksiginfo si = { .signo = ev.sigev_signo, .code = SI_TIMER, .value = ev.sigev_value };
    struct posix_timer *t = kzalloc(sizeof(*t));
    if (!t)
        return -EAGAIN;
    t->q = sigqueue_alloc(p, &si);  /* charged against RLIMIT_SIGPENDING, as Linux */
    if (!t->q) {
        kfree(t);
        return -EAGAIN;
    }
    t->q->timer = t;
    t->proc = p;
    t->clock = k;
    t->notify = ev.sigev_notify;
    spin_init(&t->lock, "posix-timer");
    ktimer_init(&t->kt, timer_fn, t);
    list_init(&t->node);
    mutex_lock(&p->sig.timer_mutex);
    r = timer_publish(p, t, ev.u.tid, c->arg[1] == 0);
    if (!r && copy_to_user(uptr(c->arg[2]), &t->id, sizeof(int32_t))) {
        timer_destroy(t);           /* Linux deletes the timer when the id cannot be stored */
        r = -EFAULT;
    } else if (r) {
        sigqueue_free(t->q);
        kfree(t);
    }
    mutex_unlock(&p->sig.timer_mutex);
    return r;
}

/* Time left and interval of t now (1 ns for an expiry whose signal is not sent yet); t->lock held. */
static void timer_read_locked(struct posix_timer *t, struct k_itimerspec *out)
{
    uint64_t now = clock_monotonic_ns(), left = 0;
    if (t->deadline)
        left = t->deadline > now ? t->deadline - now : 1;
    out->it_value = ns_to_timespec(left);
    out->it_interval = ns_to_timespec(t->interval);
}

/* Arm t per spec (flags: TIMER_ABSTIME); timer_mutex held. */
static void timer_arm(struct posix_timer *t, const struct k_itimerspec *spec, int flags)
{
    uint64_t value = timespec_to_ns(&spec->it_value);
    uint64_t mono = clock_monotonic_ns(), deadline = 0;
    if (value && (flags & TIMER_ABSTIME)) {
        uint64_t cnow = t->clock->now();    /* FIXME: a later clock_settime does not move it */
        deadline = value > cnow ? mono + (value - cnow) : mono;
    } else if (value) {
        deadline = mono + value;
    }
    unsigned long f = spin_lock_irqsave(&t->lock);
    t->deadline = deadline ? deadline : 0;
    t->interval = deadline ? timespec_to_ns(&spec->it_interval) : 0;
    if (deadline)
        ktimer_arm(&t->kt, deadline);   /* not armed, no callback running: safe under lock */
    spin_unlock_irqrestore(&t->lock, f);
}

long sys_timer_settime(struct sys_call *c)
{
    int id = (int)c->arg[0], flags = (int)c->arg[1];
    struct k_itimerspec ns, os;
    if (!c->arg[2])
        return -EINVAL;
    if (copy_from_user(&ns, uptr(c->arg[2]), sizeof(ns)))
        return -EFAULT;
    if (!timespec_valid(&ns.it_value) || !timespec_valid(&ns.it_interval))
        return -EINVAL;
    /* Linux ignores flag bits other than TIMER_ABSTIME here. */
    struct process *p = current_proc();
    mutex_lock(&p->sig.timer_mutex);
    struct posix_timer *t = timer_get(p, id);
    if (!t) {
        mutex_unlock(&p->sig.timer_mutex);
        return -EINVAL;
    }
    unsigned long f = spin_lock_irqsave(&t->lock);
    timer_read_locked(t, &os);
    t->deadline = 0;                /* disarm first so a running callback does not re-arm */
    spin_unlock_irqrestore(&t->lock, f);
    ktimer_cancel(&t->kt);
    f = spin_lock_irqsave(&p->sig.lock);
    t->overrun_last = 0;
    spin_unlock_irqrestore(&p->sig.lock, f);
    timer_arm(t, &ns, flags);
    mutex_unlock(&p->sig.timer_mutex);
    if (c->arg[3] && copy_to_user(uptr(c->arg[3]), &os, sizeof(os)))
        return -EFAULT;
    return 0;
}

long sys_timer_gettime(struct sys_call *c)
{
    struct process *p = current_proc();
    struct k_itimerspec cur;
    mutex_lock(&p->sig.timer_mutex);
    struct posix_timer *t = timer_get(p, (int)c->arg[0]);
    if (t) {
        unsigned long f = spin_lock_irqsave(&t->lock);
        timer_read_locked(t, &cur);
        spin_unlock_irqrestore(&t->lock, f);
    }
    mutex_unlock(&p->sig.timer_mutex);
    if (!t)
        return -EINVAL;
    return copy_to_user(uptr(c->arg[1]), &cur, sizeof(cur)) ? -EFAULT : 0;
}

long sys_timer_getoverrun(struct sys_call *c)
{
    struct process *p = current_proc();
    unsigned long f = spin_lock_irqsave(&p->sig.lock);
    struct posix_timer *t = find_locked(p, (int)c->arg[0]);
    long r = t ? t->overrun_last : -EINVAL;
    spin_unlock_irqrestore(&p->sig.lock, f);
    return r;
}

long sys_timer_delete(struct sys_call *c)
{
    struct process *p = current_proc();
    mutex_lock(&p->sig.timer_mutex);
    struct posix_timer *t = timer_get(p, (int)c->arg[0]);
    if (t)
        timer_destroy(t);
    mutex_unlock(&p->sig.timer_mutex);
    return t ? 0 : -EINVAL;
}
