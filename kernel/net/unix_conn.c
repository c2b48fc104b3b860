// SPDX-License-Identifier: MPL-2.0
// AF_UNIX connections: listen with a backlog, connect (stream/seqpacket embryos, dgram default peer), accept.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "net/unix.h"
#include "signal/signal.h"

#define SOMAXCONN 4096

int unix_listen(struct usock *s, int backlog)
{
    if (s->type == SOCK_DGRAM)
        return -EOPNOTSUPP;
    if (backlog < 0 || backlog > SOMAXCONN)
        backlog = SOMAXCONN;
    mutex_lock(&unix_lock);
    int r = 0;
    if (!s->name || s->connected)
        r = -EINVAL;
    if (!r) {
        s->listening = true;
        s->backlog = backlog;
        current_ucred(&s->peercred, true);  /* what connecting sockets see as SO_PEERCRED */
    }
    mutex_unlock(&unix_lock);
    if (!r)
        usock_wake(s, true, false);
    return r;
}

void unix_drop_pending_locked(struct usock *s, struct list_head *dropped)
{
    while (!list_empty(&s->accept_q)) {
        struct usock *e = list_first_entry(&s->accept_q, struct usock, pending);
        list_del(&e->pending);
        list_add_tail(&e->pending, dropped);
    }
    s->nr_pending = 0;
    s->listening = false;
}

/* Connect s to listener l through a new embryo e; unix_lock held. 1: backlog full. */
static int link_locked(struct usock *s, struct usock *l, struct usock *e, const struct ucred *me)
{
    if (s->connected || s->peer)
        return -EISCONN;
    if (!l->listening || l->dead)
        return -ECONNREFUSED;
    if (l->type != s->type)
        return -EPROTOTYPE;
    if (l->nr_pending > l->backlog)
        return 1;
    e->peer = s;
    s->peer = e;
    usock_get(s);
    usock_get(e);
    e->connected = s->connected = true;
    e->peercred = *me;
    e->has_peercred = true;
    s->peercred = l->peercred;
    s->has_peercred = true;
    if (l->name) {
        e->name = kmalloc(sizeof(*e->name));
        if (e->name)
            *e->name = *l->name;
    }
    e->sndbuf = l->sndbuf;
    e->passcred = l->passcred;
    list_add_tail(&e->pending, &l->accept_q);
    l->nr_pending++;
    return 0;
}

static int connect_stream(struct file *f, struct usock *s, struct usock *l)
{
    struct ucred me;
    current_ucred(&me, true);
    struct usock *e = usock_new(s->type);
    if (!e)
        return -ENOMEM;
    for (;;) {
        uint32_t seen = atomic_load(&l->ev);
        mutex_lock(&unix_lock);
        int r = link_locked(s, l, e, &me);
        mutex_unlock(&unix_lock);
        if (r <= 0) {
            if (r < 0)
                usock_put(e);
            else
                usock_wake(l, true, false);
            return r;
        }
        if (atomic_load(&f->flags) & O_NONBLOCK) {
            usock_put(e);
            return -EAGAIN;
        }
        int err = wait_event_interruptible(&l->wq, atomic_load(&l->ev) != seen);
        if (err) {
            usock_put(e);
            return err;
        }
    }
}

/* A datagram socket's default peer. */
static int connect_dgram(struct usock *s, struct usock *t)
{
    if (t->type != SOCK_DGRAM)
        return -EPROTOTYPE;
    mutex_lock(&unix_lock);
    struct usock *old = s->peer;
    usock_get(t);
    s->peer = t;
    s->connected = true;
    mutex_unlock(&unix_lock);
    if (old)
        usock_put(old);
    return 0;
}

int unix_connect(struct file *f, struct usock *s, struct unix_name *n)
{
    struct usock *t;
    int r = unix_find(n, &t);
    if (r)
        return r;
    r = s->type == SOCK_DGRAM ? connect_dgram(s, t) : connect_stream(f, s, t);
    usock_put(t);
    return r;
}

int unix_accept(struct file *f, struct usock *s, uint32_t flags, struct file **out)
{
    for (;;) {
        uint32_t seen = atomic_load(&s->ev);
        mutex_lock(&unix_lock);
        if (!s->listening) {
            mutex_unlock(&unix_lock);
            return -EINVAL;
        }
        struct usock *e = NULL;
        if (!list_empty(&s->accept_q)) {
            e = list_first_entry(&s->accept_q, struct usock, pending);
            list_del(&e->pending);
            list_init(&e->pending);
            s->nr_pending--;
        }
        mutex_unlock(&unix_lock);
        if (e) {
            usock_wake(s, false, false);    /* a connector may wait for backlog room */
            int r = usock_file(e, flags, out);
            if (r)
                usock_put(e);   /* FIXME: the embryo's peer is not told on this ENOMEM path */
            return r;
        }
        if (atomic_load(&f->flags) & O_NONBLOCK)
            return -EAGAIN;
        int err = wait_event_interruptible(&s->wq, atomic_load(&s->ev) != seen);
        if (err)
            return err;
    }
}
