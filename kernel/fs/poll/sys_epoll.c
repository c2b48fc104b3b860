// SPDX-License-Identifier: MPL-2.0
// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2.
#include <ostd/heap.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/fs_syscalls.h"
#include "fs/poll/epoll_int.h"
#include "fs/poll/poll_time.h"

long sys_epoll_create(struct sys_call *c);
long sys_epoll_create1(struct sys_call *c);
long sys_epoll_ctl(struct sys_call *c);
long sys_epoll_wait(struct sys_call *c);
long sys_epoll_pwait(struct sys_call *c);
long sys_epoll_pwait2(struct sys_call *c);

/* Events returned by one call at most (fewer than maxevents is allowed). */
#define EP_BATCH 256

long sys_epoll_create(struct sys_call *c)
{
    if ((int)c->arg[0] <= 0)
        return -EINVAL;
    return ep_create(false);
}

long sys_epoll_create1(struct sys_call *c)
{
    if (c->arg[0] & ~(uint64_t)EPOLL_CLOEXEC)
        return -EINVAL;
    return ep_create(c->arg[0] & EPOLL_CLOEXEC);
}

/* Validate everything that does not need the instance's lock; EINVAL/EPERM as Linux. */
static long ctl_check(struct file *ef, struct file *tf, int op, const struct linux_epoll_event *ev)
{
    if (!tf->ops->poll || (tf->flags & O_PATH))
        return -EPERM;
    if (ef == tf || !ep_of(ef))
        return -EINVAL;
    if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL)
        return -EINVAL;
    if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
        uint32_t ok = EPOLLEXCLUSIVE | EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET;
        if (op == EPOLL_CTL_MOD || (ev->events & ~ok) || ep_of(tf))
            return -EINVAL;
    }
    return 0;
}

long sys_epoll_ctl(struct sys_call *c)
{
    int op = (int)c->arg[1], fd = (int)c->arg[2];
    struct linux_epoll_event ev = { 0, 0 };
    if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uptr(c->arg[3]), sizeof(ev)))
        return -EFAULT;
    struct file *ef = fd_get((int)c->arg[0]);
    if (!ef)
        return -EBADF;
    struct file *tf = fd_get(fd);
    long r = tf ? ctl_check(ef, tf, op, &ev) : -EBADF;
    if (!r)
        r = ep_ctl(ep_of(ef), op, fd, tf, &ev);
    if (tf)
        file_put(tf);
    file_put(ef);
    return r;
}

/* Scan passes until something is ready or the deadline passes (one last pass after it). */
static long ep_wait_loop(struct file *ef, struct linux_epoll_event *out, int max, uint64_t deadline)
{
    struct eventpoll *ep = ep_of(ef);
    struct poll_table pt;
    poll_table_init(&pt);
    bool timed_out = deadline != POLL_FOREVER && clock_monotonic_ns() >= deadline;
    long r;
    for (;;) {
        pt.nowait = timed_out;
        pt.cur_file = ef;
        poll_wait(&pt, &ep->wq);    /* before the scan: an epoll_ctl meanwhile wakes us */
        pt.cur_file = NULL;
        r = ep_scan(ep, out, max, &pt);
        if (r || timed_out)
            break;
        if (pt.failed) {
            r = -ENOMEM;
            break;
        }
        int slept = poll_sleep(&pt, deadline);
        if (slept < 0) {
            r = -EINTR   /* epoll_wait is never restarted */;
            break;
        }
        timed_out = !slept;
        poll_table_reset(&pt);
    }
    poll_table_free(&pt);
    return r;
}

static long do_epoll_wait(int epfd, uptr_t uev, int maxevents, uint64_t deadline)
{
    if (maxevents <= 0 || (uint64_t)maxevents > INT32_MAX / sizeof(struct linux_epoll_event))
        return -EINVAL;
    if (!user_range_ok(uev, (size_t)maxevents * sizeof(struct linux_epoll_event)))
        return -EFAULT;
    struct file *ef = fd_get(epfd);
    if (!ef)
        return -EBADF;
    long r = -EINVAL;
    int max = MIN(maxevents, EP_BATCH);
    struct linux_epoll_event *out = ep_of(ef) ? kmalloc((size_t)max * sizeof(*out)) : NULL;
    if (ep_of(ef))
        r = out ? ep_wait_loop(ef, out, max, deadline) : -ENOMEM;
    if (r > 0 && copy_to_user(uev, out, (size_t)r * sizeof(*out)))
        r = -EFAULT;
    kfree(out);
    file_put(ef);
    return r;
}

static uint64_t ms_deadline(int ms)
{
    return ms < 0 ? POLL_FOREVER : clock_monotonic_ns() + (uint64_t)ms * 1000000;
}

long sys_epoll_wait(struct sys_call *c)
{
    return do_epoll_wait((int)c->arg[0], uptr(c->arg[1]), (int)c->arg[2], ms_deadline((int)c->arg[3]));
}

long sys_epoll_pwait(struct sys_call *c)
{
    long r = poll_check_sigmask(uptr(c->arg[4]), c->arg[5]);
    if (r)
        return r;
    return do_epoll_wait((int)c->arg[0], uptr(c->arg[1]), (int)c->arg[2], ms_deadline((int)c->arg[3]));
}

long sys_epoll_pwait2(struct sys_call *c)
{
    uint64_t deadline;
    long r = poll_deadline_ts(uptr(c->arg[3]), &deadline);
    if (!r)
        r = poll_check_sigmask(uptr(c->arg[4]), c->arg[5]);
    if (r)
        return r;
    return do_epoll_wait((int)c->arg[0], uptr(c->arg[1]), (int)c->arg[2], deadline);
}
