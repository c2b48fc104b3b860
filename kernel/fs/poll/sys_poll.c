// SPDX-License-Identifier: MPL-2.0
// poll, ppoll, select and pselect6.
#include <ostd/heap.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/time.h>
#include "fs/fs_syscalls.h"
#include "fs/poll/poll.h"
#include "fs/poll/poll_time.h"
#include "signal/signal.h"

long sys_poll(struct sys_call *c);
long sys_ppoll(struct sys_call *c);
long sys_select(struct sys_call *c);
long sys_pselect6(struct sys_call *c);

/* One pollfd: revents, and whether it counts as ready. */
static bool poll_one(struct linux_pollfd *p, struct poll_table *pt)
{
    p->revents = 0;
    if (p->fd < 0)
        return false;
    struct file *f = fd_get(p->fd);
    if (!f || (f->flags & O_PATH)) {
        if (f)
            file_put(f);
        p->revents = POLLNVAL;
        return true;
    }
    uint32_t want = (uint16_t)p->events | EPOLLERR | EPOLLHUP;
    p->revents = (int16_t)(file_poll(f, pt) & want);
    file_put(f);
    return p->revents != 0;
}

/* Poll passes until something is ready or the deadline passes (one last pass after it). */
static long do_poll(struct linux_pollfd *k, unsigned n, uint64_t deadline)
{
    struct poll_table pt;
    poll_table_init(&pt);
    bool timed_out = deadline != POLL_FOREVER && clock_monotonic_ns() >= deadline;
    long r;
    for (;;) {
        long cnt = 0;
        for (unsigned i = 0; i < n; i++)
            cnt += poll_one(&k[i], timed_out ? NULL : &pt);
        if (cnt || timed_out) {
            r = cnt;
            break;
        }
        if (pt.failed) {
            r = -ENOMEM;
            break;
        }
        int slept = poll_sleep(&pt, deadline);
        if (slept < 0) {
            r = slept;
            break;
        }
        timed_out = !slept;
        poll_table_reset(&pt);
    }
    poll_table_free(&pt);
    return r;
}

static long poll_common(uptr_t ufds, uint32_t nfds, uint64_t deadline)
{
    if (nfds > files_limit())
        return -EINVAL;
    size_t sz = (size_t)nfds * sizeof(struct linux_pollfd);
    struct linux_pollfd *k = kmalloc(sz ? sz : 1);
    if (!k)
        return -ENOMEM;
    long r = copy_from_user(k, ufds, sz) ? -EFAULT : do_poll(k, (unsigned)nfds, deadline);
    for (size_t i = 0; r >= 0 && i < nfds; i++)
        if (copy_to_user(uptr(ufds.addr + i * sizeof(*k) + 6), &k[i].revents, sizeof(int16_t)))
            r = -EFAULT;
    kfree(k);
    return r;
}

static long poll_resume(struct restart_block *rb);

/*
 * poll(2) with a timeout, as Linux: interrupted by a signal without a handler
 * (a stop and continue) it resumes through restart_syscall towards the same
 * deadline, not with its whole timeout again; a handler makes it EINTR.
 */
static long poll_restartable(uint64_t ufds, uint32_t nfds, uint64_t deadline)
{
    long r = poll_common(uptr(ufds), nfds, deadline);
    if (r != -ERESTARTNOHAND || deadline == POLL_FOREVER)
        return r;
    *signal_restart_block() = (struct restart_block){
        .fn = poll_resume, .deadline_ns = deadline, .arg = { ufds, nfds },
    };
    return -ERESTART_RESTARTBLOCK;
}

static long poll_resume(struct restart_block *rb)
{
    return poll_restartable(rb->arg[0], (uint32_t)rb->arg[1], rb->deadline_ns);
}

long sys_poll(struct sys_call *c)
{
    int ms = (int)c->arg[2];
    uint64_t deadline = ms < 0 ? POLL_FOREVER : clock_monotonic_ns() + (uint64_t)ms * 1000000;
    return poll_restartable(c->arg[0], (uint32_t)c->arg[1], deadline);     /* nfds is an unsigned int */
}

long sys_ppoll(struct sys_call *c)
{
    uint64_t deadline;
    long r = poll_deadline_ts(uptr(c->arg[2]), &deadline);
    if (!r)
        r = poll_check_sigmask(uptr(c->arg[3]), c->arg[4]);
    if (r)
        return r;
    r = poll_common(uptr(c->arg[0]), (uint32_t)c->arg[1], deadline);
    poll_put_remaining_ts(uptr(c->arg[2]), deadline);
    return r;
}

/* ---- select ---- */

struct fdsets {
    unsigned words;
    uint64_t *in[3], *out[3];   /* read, write, except */
};

static const uint32_t set_mask[3] = { POLLIN_SET, POLLOUT_SET, POLLEX_SET };

/* The ready bits of fd into out[]; -EBADF for a bad fd named in any set. */
static long select_fd(struct fdsets *s, unsigned fd, struct poll_table *pt)
{
    unsigned w = fd / 64;
    uint64_t bit = 1ull << (fd % 64);
    if (!((s->in[0][w] | s->in[1][w] | s->in[2][w]) & bit))
        return 0;
    struct file *f = fd_get((int)fd);
    if (!f || (f->flags & O_PATH)) {
        if (f)
            file_put(f);
        return -EBADF;
    }
    uint32_t m = file_poll(f, pt);
    file_put(f);
    long n = 0;
    for (int i = 0; i < 3; i++) {
        if ((s->in[i][w] & bit) && (m & set_mask[i])) {
            s->out[i][w] |= bit;
            n++;
        }
    }
    return n;
}

static long select_pass(struct fdsets *s, unsigned n, struct poll_table *pt)
{
    long cnt = 0;
    for (int i = 0; i < 3; i++)
        memset(s->out[i], 0, s->words * 8);
    for (unsigned fd = 0; fd < n; fd++) {
        long r = select_fd(s, fd, pt);
        if (r < 0)
            return r;
        cnt += r;
    }
    return cnt;
}

static long do_select(struct fdsets *s, unsigned n, uint64_t deadline)
{
    struct poll_table pt;
    poll_table_init(&pt);
    bool timed_out = deadline != POLL_FOREVER && clock_monotonic_ns() >= deadline;
    long r;
    for (;;) {
        r = select_pass(s, n, timed_out ? NULL : &pt);
        if (r || timed_out)
            break;
        if (pt.failed) {
            r = -ENOMEM;
            break;
        }
        int slept = poll_sleep(&pt, deadline);
        if (slept < 0) {
            r = slept;
            break;
        }
        timed_out = !slept;
        poll_table_reset(&pt);
    }
    poll_table_free(&pt);
    return r;
}

/* Copy the three user sets in (NULL sets read as empty), run, copy the results out. */
static long select_common(long nl, const uint64_t uset[3], uint64_t deadline)
{
    if (nl < 0 || nl > INT32_MAX)
        return -EINVAL;
    unsigned n = MIN((unsigned)nl, files_limit());
    struct fdsets s = { .words = (n + 63) / 64 };
    size_t bytes = s.words * 8;
    uint64_t *mem = kzalloc(6 * bytes + 8);
    if (!mem)
        return -ENOMEM;
    long r = 0;
    for (int i = 0; i < 3; i++) {
        s.in[i] = mem + (size_t)i * s.words;
        s.out[i] = mem + (size_t)(3 + i) * s.words;
        if (uset[i] && copy_from_user(s.in[i], uptr(uset[i]), bytes))
            r = -EFAULT;
    }
    if (!r)
        r = do_select(&s, n, deadline);
    for (int i = 0; r >= 0 && i < 3; i++)
        if (uset[i] && copy_to_user(uptr(uset[i]), s.out[i], bytes))
            r = -EFAULT;
    kfree(mem);
    return r;
}

long sys_select(struct sys_call *c)
{
    uint64_t deadline = POLL_FOREVER;
    uptr_t utv = uptr(c->arg[4]);
    if (utv.addr) {
        struct kernel_timeval tv;
        if (copy_from_user(&tv, utv, sizeof(tv)))
            return -EFAULT;
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -EINVAL;
        deadline = poll_deadline_after((uint64_t)tv.tv_sec, (uint64_t)tv.tv_usec * 1000);
    }
    const uint64_t sets[3] = { c->arg[1], c->arg[2], c->arg[3] };
    long r = select_common((long)c->arg[0], sets, deadline);
    if (utv.addr) {
        uint64_t left = poll_remaining_ns(deadline);
        struct kernel_timeval tv = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC / 1000) };
        (void)!copy_to_user(utv, &tv, sizeof(tv));    /* as Linux: a failed write-back is ignored */
    }
    return r;
}

/* pselect6's sixth argument: { const sigset_t *ss; size_t ss_len; }. */
static long pselect_sigmask(uptr_t arg)
{
    uint64_t d[2];
    if (!arg.addr)
        return 0;
    if (copy_from_user(d, arg, sizeof(d)))
        return -EFAULT;
    return poll_check_sigmask(uptr(d[0]), d[1]);
}

long sys_pselect6(struct sys_call *c)
{
    uint64_t deadline;
    long r = poll_deadline_ts(uptr(c->arg[4]), &deadline);
    if (!r)
        r = pselect_sigmask(uptr(c->arg[5]));
    if (r)
        return r;
    const uint64_t sets[3] = { c->arg[1], c->arg[2], c->arg[3] };
    r = select_common((long)c->arg[0], sets, deadline);
    poll_put_remaining_ts(uptr(c->arg[4]), deadline);
    return r;
}
