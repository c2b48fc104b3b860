// SPDX-License-Identifier: MPL-2.0
// ITIMER_REAL (setitimer/getitimer/alarm): a per-process ktimer that sends SIGALRM.
#include <ostd/user.h>
#include <ostd/time.h>
#include <uapi/errno.h>
#include <uapi/time.h>
#include "proc/process.h"
#include "syscall/syscall.h"
#include "signal/sigstate.h"

long sys_setitimer(struct sys_call *c);
long sys_getitimer(struct sys_call *c);
long sys_alarm(struct sys_call *c);

#define NS_PER_US 1000ULL

struct k_itimerval {
    struct kernel_timeval it_interval, it_value;
};

/* Interrupt context: re-arm a periodic timer, then send SIGALRM. */
static void real_timer_fn(void *arg)
{
    struct process *p = arg;
    unsigned long f = spin_lock_irqsave(&p->sig.itimer_lock);
    bool live = p->sig.real_deadline != 0;
    if (live && p->sig.real_interval) {
        p->sig.real_deadline += p->sig.real_interval;
        ktimer_arm(&p->sig.real_timer, p->sig.real_deadline);
    } else {
        p->sig.real_deadline = 0;
    }
    spin_unlock_irqrestore(&p->sig.itimer_lock, f);
    if (live) {
        struct ksiginfo si = { .signo = SIGALRM, .code = SI_KERNEL };
        signal_send_proc_irq(p, &si);
    }
}

/* Set ITIMER_REAL to (value, interval) ns from now (value 0: disarm); old value/interval out. */
static void real_timer_set(struct process *p, uint64_t value, uint64_t interval,
                           uint64_t *old_value, uint64_t *old_interval)
{
    mutex_lock(&p->sig.timer_mutex);  /* one setter at a time: arming never waits for a callback */
    uint64_t now = clock_monotonic_ns();
    unsigned long f = spin_lock_irqsave(&p->sig.itimer_lock);
    uint64_t d = p->sig.real_deadline;
    *old_value = d ? (d > now ? d - now : 1) : 0;
    *old_interval = p->sig.real_interval;
    p->sig.real_deadline = 0;       /* a running callback will not re-arm */
    spin_unlock_irqrestore(&p->sig.itimer_lock, f);
    /* Not under itimer_lock: ktimer_cancel waits for a callback that takes it. */
    ktimer_cancel(&p->sig.real_timer);
    f = spin_lock_irqsave(&p->sig.itimer_lock);
    p->sig.real_deadline = value ? now + value : 0;
    p->sig.real_interval = value ? interval : 0;
    if (value)
        ktimer_arm(&p->sig.real_timer, p->sig.real_deadline);
    spin_unlock_irqrestore(&p->sig.itimer_lock, f);
    mutex_unlock(&p->sig.timer_mutex);
}

void sig_itimer_init(struct process *p)
{
    ktimer_init(&p->sig.real_timer, real_timer_fn, p);
}

void signal_process_exit(struct process *p)
{
    uint64_t v, i;
    real_timer_set(p, 0, 0, &v, &i);
    sig_timers_delete_all(p);
}

static uint64_t tv_to_ns(const struct kernel_timeval *tv)
{
    return (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NS_PER_US;
}

static struct kernel_timeval ns_to_tv(uint64_t ns)
{
    /* Round up to whole microseconds so an armed timer never reads as 0. */
    uint64_t us = (ns + NS_PER_US - 1) / NS_PER_US;
    return (struct kernel_timeval){ .tv_sec = (int64_t)(us / 1000000), .tv_usec = (int64_t)(us % 1000000) };
}

static bool tv_valid(const struct kernel_timeval *tv)
{
    return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000 && tv->tv_sec < (1LL << 33);
}

long sys_getitimer(struct sys_call *c)
{
    int which = (int)c->arg[0];
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    struct k_itimerval it = { 0 };
    if (which == ITIMER_REAL) {
        struct process *p = current_proc();
        uint64_t now = clock_monotonic_ns();
        unsigned long f = spin_lock_irqsave(&p->sig.itimer_lock);
        uint64_t d = p->sig.real_deadline;
        it.it_value = ns_to_tv(d ? (d > now ? d - now : 1) : 0);
        it.it_interval = ns_to_tv(p->sig.real_interval);
        spin_unlock_irqrestore(&p->sig.itimer_lock, f);
    }   /* FIXME: ITIMER_VIRTUAL and ITIMER_PROF are never armed */
    return copy_to_user(uptr(c->arg[1]), &it, sizeof(it)) ? -EFAULT : 0;
}

long sys_setitimer(struct sys_call *c)
{
    int which = (int)c->arg[0];
    struct k_itimerval nv = { 0 }, ov = { 0 };
    if (c->arg[1] && copy_from_user(&nv, uptr(c->arg[1]), sizeof(nv)))
        return -EFAULT;
    if (which < ITIMER_REAL || which > ITIMER_PROF)
        return -EINVAL;
    if (!tv_valid(&nv.it_value) || !tv_valid(&nv.it_interval))
        return -EINVAL;
    if (which != ITIMER_REAL)
        return -EINVAL;     /* FIXME: ITIMER_VIRTUAL and ITIMER_PROF need CPU-time accounting hooks */
    uint64_t v, i;
    real_timer_set(current_proc(), tv_to_ns(&nv.it_value), tv_to_ns(&nv.it_interval), &v, &i);
    ov.it_value = ns_to_tv(v);
    ov.it_interval = ns_to_tv(i);
    if (c->arg[2] && copy_to_user(uptr(c->arg[2]), &ov, sizeof(ov)))
        return -EFAULT;
    return 0;
}

long sys_alarm(struct sys_call *c)
{
    unsigned secs = (unsigned)c->arg[0];
    uint64_t v, i;
    real_timer_set(current_proc(), (uint64_t)secs * NSEC_PER_SEC, 0, &v, &i);
    /* Whole seconds left, rounded to nearest; a pending alarm never reads as 0. */
    uint64_t s = v / NSEC_PER_SEC, rem = v % NSEC_PER_SEC;
    if ((s == 0 && rem) || rem >= NSEC_PER_SEC / 2)
        s++;
    return (long)s;
}
