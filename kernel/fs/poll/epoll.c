// SPDX-License-Identifier: MPL-2.0
// epoll instances: the file, interest-list scans, and nested-instance loop checks.
#include <ostd/heap.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include "fs/poll/anon.h"
#include "fs/poll/epoll.h"
#include "fs/poll/epoll_int.h"
#include "fs/poll/poll.h"

/* Serialises adds of an epoll file into another, so the loop check sees a stable graph. */
static struct mutex ep_nest_lock = { .lock = SPINLOCK_INIT("ep_nest"),
    .wq = { .lock = SPINLOCK_INIT("ep_nest.wq"), .waiters = LIST_HEAD_INIT(ep_nest_lock.wq.waiters) } };

static uint32_t ep_file_poll(struct file *f, struct poll_table *pt);

static void ep_release(struct file *f)
{
    struct eventpoll *ep = f->priv;
    if (!ep)
        return;
    while (!list_empty(&ep->items)) {
        struct epitem *it = list_first_entry(&ep->items, struct epitem, node);
        list_del(&it->node);
        kfree(it);
    }
    kfree(ep);
}

const struct file_ops epoll_ops = { .poll = ep_file_poll, .release = ep_release };

struct eventpoll *ep_of(struct file *f) { return f->ops == &epoll_ops ? f->priv : NULL; }

int ep_create(bool cloexec)
{
    struct eventpoll *ep = kzalloc(sizeof(*ep));
    if (!ep)
        return -ENOMEM;
    mutex_init(&ep->lock);
    list_init(&ep->items);
    wq_init(&ep->wq);
    int fd = anon_fd_create(&epoll_ops, ep, O_RDWR, cloexec);
    if (fd < 0)
        kfree(ep);
    return fd;
}

/* The live file of an item (a reference), or NULL once its fd names another file. */
static struct file *item_file(const struct epitem *it)
{
    struct file *f = fd_get(it->fd);
    if (f && f != it->file) {
        file_put(f);
        return NULL;
    }
    return f;
}

/* An epoll file is readable when some item is ready (level view; edge state untouched). */
static uint32_t ep_file_poll(struct file *f, struct poll_table *pt)
{
    struct eventpoll *ep = f->priv;
    poll_wait(pt, &ep->wq);
    uint32_t m = 0;
    mutex_lock(&ep->lock);
    struct list_head *p;
    list_for_each(p, &ep->items) {
        struct epitem *it = list_entry(p, struct epitem, node);
        struct file *tf = it->disabled ? NULL : item_file(it);
        if (!tf)
            continue;
        if (file_poll(tf, pt) & (it->events | EPOLLERR | EPOLLHUP))
            m = EPOLLIN | EPOLLRDNORM;
        file_put(tf);
    }
    mutex_unlock(&ep->lock);
    return m;
}

/* Edge triggering: report only bits that are new, or a fresh event behind an unchanged bit. */
static bool item_edge_new(struct epitem *it, uint32_t m, const struct poll_table *pt)
{
    uint32_t ready = m & (it->events | EPOLLERR | EPOLLHUP);
    bool fresh = (ready & ~it->last_mask)
        || ((ready & (EPOLLIN | EPOLLRDNORM)) && pt->seq_in != it->last_in)
        || ((ready & (EPOLLOUT | EPOLLWRNORM)) && pt->seq_out != it->last_out);
    it->last_mask = m;
    it->last_in = pt->seq_in;
    it->last_out = pt->seq_out;
    return fresh;
}

/* Poll one item; its reportable bits (0: nothing). Drops an item whose file is gone. */
static uint32_t item_check_locked(struct eventpoll *ep, struct epitem *it, struct poll_table *pt)
{
    struct file *tf = item_file(it);
    if (!tf) {
        list_del(&it->node);
        ep->nitems--;
        kfree(it);
        return 0;
    }
    uint32_t m = file_poll(tf, pt);
    file_put(tf);
    uint32_t ready = m & (it->events | EPOLLERR | EPOLLHUP);
    if ((it->events & EPOLLET) && !item_edge_new(it, m, pt))
        return 0;
    if (ready && (it->events & EPOLLONESHOT))
        it->disabled = true;
    return ready;
}

int ep_scan(struct eventpoll *ep, struct linux_epoll_event *out, int max, struct poll_table *pt)
{
    int n = 0;
    mutex_lock(&ep->lock);
    struct list_head *p, *next;
    list_for_each_safe(p, next, &ep->items) {
        struct epitem *it = list_entry(p, struct epitem, node);
        if (n == max)
            break;
        if (it->disabled)
            continue;
        uint32_t ready = item_check_locked(ep, it, pt);
        if (ready) {
            out[n].events = ready;
            out[n].data = it->data;
            n++;
        }
    }
    mutex_unlock(&ep->lock);
    return n;
}

static struct epitem *ep_find_locked(struct eventpoll *ep, int fd, const struct file *f)
{
    struct list_head *p;
    list_for_each(p, &ep->items) {
        struct epitem *it = list_entry(p, struct epitem, node);
        if (it->fd == fd && it->file == f)
            return it;
    }
    return NULL;
}

/* Can `from` reach `target` through nested instances, or nest deeper than allowed? */
static bool ep_reaches(struct eventpoll *from, struct eventpoll *target, int depth)
{
    if (from == target || depth > EPOLL_MAX_NESTS)
        return true;
    bool r = false;
    mutex_lock(&from->lock);
    struct list_head *p;
    list_for_each(p, &from->items) {
        struct epitem *it = list_entry(p, struct epitem, node);
        struct file *tf = item_file(it);
        struct eventpoll *inner = tf ? ep_of(tf) : NULL;
        if (inner)
            r = ep_reaches(inner, target, depth + 1);
        if (tf)
            file_put(tf);
        if (r)
            break;
    }
    mutex_unlock(&from->lock);
    return r;
}

static long ep_add_locked(struct eventpoll *ep, int fd, struct file *tf, const struct linux_epoll_event *ev)
{
    if (ep_find_locked(ep, fd, tf))
        return -EEXIST;
    struct epitem *it = kzalloc(sizeof(*it));
    if (!it)
        return -ENOMEM;
    it->fd = fd;
    it->file = tf;
    it->events = ev->events | EPOLLERR | EPOLLHUP;
    it->data = ev->data;
    list_add_tail(&it->node, &ep->items);
    ep->nitems++;
    return 0;
}

static long ep_modify_locked(struct eventpoll *ep, int op, int fd, struct file *tf,
                             const struct linux_epoll_event *ev)
{
    struct epitem *it = ep_find_locked(ep, fd, tf);
    if (!it)
        return -ENOENT;
    if (op == EPOLL_CTL_DEL) {
        list_del(&it->node);
        ep->nitems--;
        kfree(it);
        return 0;
    }
    if (it->events & EPOLLEXCLUSIVE)
        return -EINVAL;
    it->events = ev->events | EPOLLERR | EPOLLHUP;
    it->data = ev->data;
    it->disabled = false;
    it->last_mask = 0;      /* a MOD re-arms edge triggering, as Linux re-checks readiness */
    return 0;
}

long ep_ctl(struct eventpoll *ep, int op, int fd, struct file *tf, const struct linux_epoll_event *ev)
{
    struct eventpoll *inner = ep_of(tf);
    bool nest = op == EPOLL_CTL_ADD && inner;
    if (nest) {
        mutex_lock(&ep_nest_lock);
        if (ep_reaches(inner, ep, 1)) {
            mutex_unlock(&ep_nest_lock);
            return -ELOOP;
        }
    }
    mutex_lock(&ep->lock);
    long r = op == EPOLL_CTL_ADD ? ep_add_locked(ep, fd, tf, ev) : ep_modify_locked(ep, op, fd, tf, ev);
    mutex_unlock(&ep->lock);
    if (nest)
        mutex_unlock(&ep_nest_lock);
    wq_wake_all(&ep->wq);
    return r;
}
