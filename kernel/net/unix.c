// SPDX-License-Identifier: MPL-2.0
// AF_UNIX socket core: creation, connected pairs, queued messages, send/receive, shutdown, poll.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include "net/unix.h"
#include "fs/poll/poll.h"
#include "proc/process.h"
#include "proc/cred.h"
#include "signal/signal.h"

#define SOCKFS_MAGIC 0x534f434b
#define UNIX_CHUNK   (64 * 1024)    /* the largest piece one stream write queues at a time */

/* Sockets' inodes live on this internal super block. */
static struct super_block sockfs = { .dev = 0x8, .magic = SOCKFS_MAGIC, .next_ino = 1, .type = "sockfs" };

/* Guards every usock field marked "guarded by unix_lock" (see unix.h). */
struct mutex unix_lock = { .lock = SPINLOCK_INIT("unix"),
                                  .wq = { .lock = SPINLOCK_INIT("unix.wq"),
                                          .waiters = LIST_HEAD_INIT(unix_lock.wq.waiters) } };


static void msg_free(struct unix_msg *m)
{
    for (unsigned i = 0; i < m->nfds; i++)
        file_put(m->fds[i]);
    kfree(m->fds);
    kfree(m->from);
    kfree(m);
}

void usock_get(struct usock *s) { atomic_add(&s->refcount, 1); }

void usock_put(struct usock *s)
{
    if (!s || atomic_sub(&s->refcount, 1) != 0)
        return;
    while (!list_empty(&s->queue)) {
        struct unix_msg *m = list_first_entry(&s->queue, struct unix_msg, node);
        list_del(&m->node);
        msg_free(m);
    }
    kfree(s->name);
    kfree(s);
}

/* Wake everyone sleeping on or polling s. */
void usock_wake(struct usock *s, bool in, bool out)
{
    if (in)
        atomic_add(&s->seq_in, 1);
    if (out)
        atomic_add(&s->seq_out, 1);
    atomic_add(&s->ev, 1);
    wq_wake_all(&s->wq);
}

struct usock *usock_new(int type)
{
    struct usock *s = kzalloc(sizeof(*s));
    if (!s)
        return NULL;
    s->refcount = 1;
    s->type = type;
    wq_init(&s->wq);
    list_init(&s->queue);
    list_init(&s->bound);
    list_init(&s->accept_q);
    list_init(&s->pending);
    s->sndbuf = s->rcvbuf = UNIX_DEFAULT_BUF;
    return s;
}

void current_ucred(struct ucred *uc, bool effective)
{
    struct cred *c = cred_current_get();
    uc->pid = current_proc()->pid;
    uc->uid = c ? (effective ? c->euid : c->uid) : 0;
    uc->gid = c ? (effective ? c->egid : c->gid) : 0;
    if (c)
        cred_put(c);
}

struct usock *unix_from_file(struct file *f)
{
    return f && f->ops == &unix_file_ops ? f->priv : NULL;
}

int usock_file(struct usock *s, uint32_t flags, struct file **out)
{
    struct inode *ino = inode_new(&sockfs, S_IFSOCK | 0777);
    if (!ino)
        return -ENOMEM;
    struct cred *c = cred_current_get();
    if (c) {
        ino->uid = c->fsuid;
        ino->gid = c->fsgid;
        cred_put(c);
    }
    int r = file_alloc(NULL, ino, &unix_file_ops, O_RDWR | flags, out);
    inode_put(ino);
    if (!r)
        (*out)->priv = s;
    return r;
}

int unix_create(int type, uint32_t flags, struct file **out)
{
    struct usock *s = usock_new(type);
    if (!s)
        return -ENOMEM;
    int r = usock_file(s, flags, out);
    if (r)
        usock_put(s);
    return r;
}

int unix_create_pair(int type, uint32_t flags, struct file **a, struct file **b)
{
    int r = unix_create(type, flags, a);
    if (r)
        return r;
    r = unix_create(type, flags, b);
    if (r) {
        file_put(*a);
        return r;
    }
    struct usock *sa = (*a)->priv, *sb = (*b)->priv;
    struct ucred uc;
    current_ucred(&uc, true);
    mutex_lock(&unix_lock);
    sa->peer = sb;
    sb->peer = sa;
    atomic_add(&sa->refcount, 1);
    atomic_add(&sb->refcount, 1);
    sa->connected = sb->connected = true;
    sa->peercred = sb->peercred = uc;
    sa->has_peercred = sb->has_peercred = true;
    mutex_unlock(&unix_lock);
    return 0;
}

bool unix_is_connected(struct usock *s)
{
    mutex_lock(&unix_lock);
    bool on = s->peer != NULL;
    mutex_unlock(&unix_lock);
    return on;
}

bool unix_passcred(struct usock *s)
{
    mutex_lock(&unix_lock);
    bool on = s->passcred;
    mutex_unlock(&unix_lock);
    return on;
}

static bool is_conn(const struct usock *s) { return s->type != SOCK_DGRAM; }

/* The last user of s is gone (its file, or a listener's unaccepted embryo). */
static void usock_close(struct usock *s)
{
    mutex_lock(&unix_lock);
    struct usock *peer = s->peer;
    s->dead = true;
    s->peer = NULL;
    s->shut = UNIX_RCV_SHUT | UNIX_SEND_SHUT;
    unix_unbind_locked(s);
    struct list_head embryos;
    list_init(&embryos);
    unix_drop_pending_locked(s, &embryos);
    /* A connection's peer sees EOF/EPIPE; a datagram peer only ECONNREFUSED on its next send. */
    if (peer && peer->peer == s && is_conn(s)) {
        peer->shut = UNIX_RCV_SHUT | UNIX_SEND_SHUT;
        if (!list_empty(&s->queue))
            peer->err = ECONNRESET;
    }
    /* Messages nobody will read: their descriptors are closed after unlocking. */
    struct list_head dropped;
    list_init(&dropped);
    while (!list_empty(&s->queue)) {
        struct unix_msg *m = list_first_entry(&s->queue, struct unix_msg, node);
        list_del(&m->node);
        list_add_tail(&m->node, &dropped);
    }
    s->queued = 0;
    mutex_unlock(&unix_lock);
    while (!list_empty(&dropped)) {
        struct unix_msg *m = list_first_entry(&dropped, struct unix_msg, node);
        list_del(&m->node);
        msg_free(m);
    }
    if (peer) {
        usock_wake(peer, true, true);
        usock_put(peer);
    }
    while (!list_empty(&embryos)) {
        struct usock *e = list_first_entry(&embryos, struct usock, pending);
        list_del(&e->pending);
        usock_close(e);
    }
    usock_wake(s, true, true);  /* connectors waiting for backlog room */
    usock_put(s);
}

static void unix_release(struct file *f)
{
    if (f->priv)
        usock_close(f->priv);
}

/* Bytes the peer may still queue; unix_lock held. */
static size_t room_locked(struct usock *s, struct usock *peer)
{
    size_t lim = s->sndbuf;
    return peer->queued >= lim ? 0 : lim - peer->queued;
}

/*
 * Sender state check; unix_lock held. 0 and *peer when sending may go on,
 * 1 when the caller must wait for room, or -errno.
 */
static int send_state_locked(struct usock *s, size_t need, struct usock *target, struct usock **peer)
{
    if (s->err && is_conn(s))
        return -(int)atomic_xchg(&s->err, 0);
    if (s->shut & UNIX_SEND_SHUT)
        return s->connected || !is_conn(s) ? -EPIPE : -ENOTCONN;
    if (!target && !s->peer)
        return s->connected && is_conn(s) ? -EPIPE : -ENOTCONN;
    *peer = target ? target : s->peer;
    if ((*peer)->dead || ((*peer)->shut & UNIX_RCV_SHUT))
        return is_conn(s) ? -EPIPE : -ECONNREFUSED;
    size_t room = room_locked(s, *peer);
    if (room == 0 || (s->type != SOCK_STREAM && room < need && (*peer)->queued))
        return 1;
    return 0;
}

/* Wait (or not) for the sender state to allow a send of need bytes; locks unix_lock on success. */
/*
 * Wait (or not) for the sender state to allow a send of need bytes; locks
 * unix_lock on success. A stream or seqpacket sender waits on its own queue
 * (the reader wakes its peer); a datagram sender on the receiver's, whose ev
 * is read under the lock so a wake after the check is never lost.
 */
static int send_wait(struct file *f, struct usock *s, size_t need, int flags, struct usock *target,
                     struct usock **peer)
{
    for (;;) {
        uint32_t seen = atomic_load(&s->ev);
        mutex_lock(&unix_lock);
        int r = send_state_locked(s, need, target, peer);
        if (r <= 0) {
            if (r < 0)
                mutex_unlock(&unix_lock);
            return r;
        }
        struct usock *w = is_conn(s) ? s : *peer;
        usock_get(w);
        if (w != s)
            seen = atomic_load(&w->ev);
        mutex_unlock(&unix_lock);
        int err = -EAGAIN;
        if (!(flags & MSG_DONTWAIT) && !(atomic_load(&f->flags) & O_NONBLOCK))
            err = wait_event_interruptible(&w->wq, atomic_load(&w->ev) != seen);
        usock_put(w);
        if (err)
            return err;
    }
}

static struct unix_msg *msg_alloc(size_t len)
{
    struct unix_msg *m = kmalloc(sizeof(*m) + (len ? len : 1));
    if (m) {
        memset(m, 0, sizeof(*m));
        m->len = len;
    }
    return m;
}

/* Queue m on peer (unix_lock held) and take scm's descriptors into it. */
static void enqueue_locked(struct usock *peer, struct unix_msg *m, struct unix_scm *scm)
{
    if (scm && scm->nfds) {
        m->fds = scm->fds;
        m->nfds = scm->nfds;
        scm->fds = NULL;
        scm->nfds = 0;
    }
    list_add_tail(&m->node, &peer->queue);
    peer->queued += m->len;
}

static long send_fail(long err, int flags)
{
    if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
        signal_send_current(SIGPIPE);
    return err;
}

/* One record (SEQPACKET, DGRAM; to target when addressed): all or nothing. */
static long send_record(struct file *f, struct usock *s, struct iov_iter *it, int flags, struct unix_scm *scm,
                        struct usock *target)
{
    size_t len = it->count;
    if (len > s->sndbuf - 32)
        return -EMSGSIZE;
    struct unix_msg *m = msg_alloc(len);
    if (!m)
        return -ENOMEM;
    bool fault = false;
    if (iov_copy_from(it, m->data, len, &fault) != len || fault) {
        kfree(m);
        return -EFAULT;
    }
    if (scm && scm->has_cred)
        m->cred = scm->cred;
    else
        current_ucred(&m->cred, false);
    struct usock *peer;
    int r = send_wait(f, s, len, flags, target, &peer);
    if (r) {
        kfree(m);
        return send_fail(r, flags);
    }
    if (s->name && (m->from = kmalloc(sizeof(*m->from))))
        *m->from = *s->name;
    enqueue_locked(peer, m, scm);
    atomic_add(&peer->refcount, 1);
    mutex_unlock(&unix_lock);
    usock_wake(peer, true, false);
    usock_put(peer);
    return (long)len;
}

/* A byte stream: queued in pieces as room allows; partial counts on interruption. */
static long send_stream(struct file *f, struct usock *s, struct iov_iter *it, int flags, struct unix_scm *scm)
{
    size_t done = 0;
    struct ucred cred;
    if (scm && scm->has_cred)
        cred = scm->cred;
    else
        current_ucred(&cred, false);
    while (it->count) {
        struct usock *peer;
        int r = send_wait(f, s, 1, flags, NULL, &peer);
        if (r)
            return done ? (long)done : send_fail(r, flags);
        size_t n = MIN(MIN(it->count, room_locked(s, peer)), (size_t)UNIX_CHUNK);
        mutex_unlock(&unix_lock);
        struct unix_msg *m = msg_alloc(n);
        if (!m)
            return done ? (long)done : -ENOMEM;
        bool fault = false;
        m->len = iov_copy_from(it, m->data, n, &fault);
        m->cred = cred;
        if (!m->len) {
            kfree(m);
            return done ? (long)done : -EFAULT;
        }
        mutex_lock(&unix_lock);
        r = send_state_locked(s, 1, NULL, &peer);
        if (r < 0) {
            mutex_unlock(&unix_lock);
            kfree(m);
            return done ? (long)done : send_fail(r, flags);
        }
        enqueue_locked(s->peer, m, scm);
        peer = s->peer;
        atomic_add(&peer->refcount, 1);
        mutex_unlock(&unix_lock);
        usock_wake(peer, true, false);
        usock_put(peer);
        done += m->len;
        if (fault)
            break;
    }
    return (long)done;
}

long unix_send(struct file *f, struct usock *s, struct iov_iter *it, int flags, struct unix_scm *scm,
               struct usock *target)
{
    if (s->type == SOCK_STREAM)
        return send_stream(f, s, it, flags, scm);
    return send_record(f, s, it, flags, scm, target);
}

/* Move m's descriptors and credentials to out (unix_lock held). */
static void take_scm_locked(struct unix_msg *m, struct unix_recv_out *out, bool peek)
{
    out->has_cred = true;
    out->cred = m->cred;
    if (!m->nfds || out->nfds)
        return;
    if (peek) {
        out->fds = kmalloc(m->nfds * sizeof(struct file *));
        if (!out->fds)
            return;
        for (unsigned i = 0; i < m->nfds; i++) {
            file_get(m->fds[i]);
            out->fds[i] = m->fds[i];
        }
    } else {
        out->fds = m->fds;
        m->fds = NULL;
    }
    out->nfds = m->nfds;
    if (!peek)
        m->nfds = 0;
}

static void dequeue_locked(struct usock *s, struct unix_msg *m, struct list_head *freed)
{
    list_del(&m->node);
    s->queued -= m->len - m->off;
    m->off = m->len;
    list_add_tail(&m->node, freed);
}

/* One record into it; unix_lock held and the queue not empty. */
static long recv_record_locked(struct usock *s, struct iov_iter *it, int flags,
                               struct unix_recv_out *out, struct list_head *freed)
{
    struct unix_msg *m = list_first_entry(&s->queue, struct unix_msg, node);
    size_t n = MIN(m->len, it->count);
    bool fault = false;
    size_t c = iov_copy_to(it, m->data, n, &fault);
    if (fault || c != n)
        return -EFAULT;
    if (m->len > n)
        out->msg_flags |= MSG_TRUNC;
    take_scm_locked(m, out, flags & MSG_PEEK);
    if (m->from)
        out->from = *m->from;
    if (!(flags & MSG_PEEK))
        dequeue_locked(s, m, freed);
    return (flags & MSG_TRUNC) ? (long)m->len : (long)n;
}

/* Stream bytes into it from the queue head; unix_lock held. Stops after a message with descriptors. */
static long recv_stream_locked(struct usock *s, struct iov_iter *it, int flags,
                               struct unix_recv_out *out, struct list_head *freed)
{
    size_t done = 0;
    struct list_head *p = s->queue.next;
    while (p != &s->queue && it->count) {
        struct unix_msg *m = list_entry(p, struct unix_msg, node);
        if (done && (m->nfds || out->nfds))
            break;
        size_t avail = m->len - m->off;
        bool fault = false;
        size_t c = iov_copy_to(it, m->data + m->off, MIN(avail, it->count), &fault);
        take_scm_locked(m, out, flags & MSG_PEEK);
        done += c;
        p = p->next;
        if (!(flags & MSG_PEEK)) {
            m->off += c;
            s->queued -= c;
            if (m->off == m->len)
                dequeue_locked(s, m, freed);
        }
        if (fault)
            return done ? (long)done : -EFAULT;
        if (c < avail || out->nfds)
            break;
    }
    return (long)done;
}

/* Nothing to read: the value a receive returns now (0 EOF, -errno), or 1 to wait. unix_lock held. */
static int recv_empty_locked(struct usock *s)
{
    if (s->err) {
        int e = s->err;
        s->err = 0;
        return -e;
    }
    if (s->shut & UNIX_RCV_SHUT)
        return 0;
    if (is_conn(s) && !s->connected)
        return s->type == SOCK_STREAM ? -EINVAL : -ENOTCONN;
    return 1;
}

static void free_list(struct list_head *l)
{
    while (!list_empty(l)) {
        struct unix_msg *m = list_first_entry(l, struct unix_msg, node);
        list_del(&m->node);
        msg_free(m);
    }
}

/* After data left s's queue: the peer (writer) may have room again. */
static void wake_writer(struct usock *s)
{
    mutex_lock(&unix_lock);
    struct usock *peer = s->peer;
    if (peer)
        atomic_add(&peer->refcount, 1);
    mutex_unlock(&unix_lock);
    if (peer) {
        usock_wake(peer, false, true);
        usock_put(peer);
    }
}

/* One pass over the queue: bytes (>= 0), -errno, or -EAGAIN meaning "wait" in *wait. */
static long recv_once(struct usock *s, struct iov_iter *it, int flags, struct unix_recv_out *out,
                      size_t got, bool *wait)
{
    struct list_head freed;
    list_init(&freed);
    long r = 0;
    *wait = false;
    mutex_lock(&unix_lock);
    if (!list_empty(&s->queue)) {
        r = s->type == SOCK_STREAM ? recv_stream_locked(s, it, flags, out, &freed)
                                   : recv_record_locked(s, it, flags, out, &freed);
    } else if (!got) {
        r = recv_empty_locked(s);
        *wait = r == 1;
    } else {
        *wait = !(s->shut & UNIX_RCV_SHUT);
    }
    mutex_unlock(&unix_lock);
    free_list(&freed);
    if (!*wait && r > 0 && !(flags & MSG_PEEK)) {
        wake_writer(s);
        if (!is_conn(s))
            usock_wake(s, false, false);   /* datagram senders wait on the receiver */
    }
    return *wait ? 0 : r;
}

long unix_recv(struct file *f, struct usock *s, struct iov_iter *it, int flags, struct unix_recv_out *out)
{
    size_t got = 0;
    bool waitall = (flags & MSG_WAITALL) && s->type == SOCK_STREAM && !(flags & MSG_PEEK);
    for (;;) {
        uint32_t seen = atomic_load(&s->ev);
        bool wait;
        long r = recv_once(s, it, flags, out, got, &wait);
        if (r < 0)
            return got ? (long)got : r;
        got += (size_t)r;
        if (!wait && (!waitall || !it->count || r == 0 || out->nfds))
            return (long)got;
        if (!wait)
            continue;
        if ((flags & MSG_DONTWAIT) || (atomic_load(&f->flags) & O_NONBLOCK))
            return got ? (long)got : -EAGAIN;
        int err = wait_event_interruptible(&s->wq, atomic_load(&s->ev) != seen);
        if (err)
            return got ? (long)got : err;
    }
}

int unix_shutdown(struct usock *s, int how)
{
    if (how < SHUT_RD || how > SHUT_RDWR)
        return -EINVAL;
    uint32_t mine = how == SHUT_RD ? UNIX_RCV_SHUT : how == SHUT_WR ? UNIX_SEND_SHUT
                                                                    : UNIX_RCV_SHUT | UNIX_SEND_SHUT;
    mutex_lock(&unix_lock);
    s->shut |= mine;
    struct usock *peer = s->peer;
    if (peer && is_conn(s)) {
        uint32_t theirs = 0;
        if (mine & UNIX_RCV_SHUT)
            theirs |= UNIX_SEND_SHUT;
        if (mine & UNIX_SEND_SHUT)
            theirs |= UNIX_RCV_SHUT;
        peer->shut |= theirs;
        atomic_add(&peer->refcount, 1);
    } else {
        peer = NULL;
    }
    mutex_unlock(&unix_lock);
    usock_wake(s, true, true);
    if (peer) {
        usock_wake(peer, true, true);
        usock_put(peer);
    }
    return 0;
}

static int put_int(void *val, uint32_t *len, int v)
{
    uint32_t n = MIN(*len, (uint32_t)sizeof(int));
    memcpy(val, &v, n);
    *len = n;
    return 0;
}

/* SOL_SOCKET options; val holds at least 16 bytes, *len is the user's (clamped) length. */
int unix_getsockopt(struct usock *s, int name, void *val, uint32_t *len)
{
    mutex_lock(&unix_lock);
    int r = 0;
    switch (name) {
    case SO_TYPE: r = put_int(val, len, s->type); break;
    case SO_DOMAIN: r = put_int(val, len, AF_UNIX); break;
    case SO_PROTOCOL: r = put_int(val, len, 0); break;
    case SO_ACCEPTCONN: r = put_int(val, len, s->listening); break;
    case SO_REUSEADDR: r = put_int(val, len, 0); break;
    case SO_PASSCRED: r = put_int(val, len, s->passcred); break;
    case SO_SNDBUF: r = put_int(val, len, (int)s->sndbuf); break;
    case SO_RCVBUF: r = put_int(val, len, (int)s->rcvbuf); break;
    case SO_ERROR: r = put_int(val, len, s->err); s->err = 0; break;
    case SO_PEERCRED: {
        struct ucred uc = { .pid = 0, .uid = (uint32_t)-1, .gid = (uint32_t)-1 };
        if (s->has_peercred)
            uc = s->peercred;
        *len = MIN(*len, (uint32_t)sizeof(uc));
        memcpy(val, &uc, *len);
        break;
    }
    default: r = -ENOPROTOOPT;
    }
    mutex_unlock(&unix_lock);
    return r;
}

/* Linux doubles SO_SNDBUF/SO_RCVBUF requests (room for bookkeeping) and has floors. */
static uint32_t buf_value(int v, uint32_t floor)
{
    uint64_t d = v < 0 ? 0 : (uint64_t)v * 2;
    if (d > UNIX_DEFAULT_BUF * 2)
        d = UNIX_DEFAULT_BUF * 2;   /* net.core.[rw]mem_max, doubled */
    return d < floor ? floor : (uint32_t)d;
}

int unix_setsockopt(struct usock *s, int name, int val)
{
    int r = 0;
    mutex_lock(&unix_lock);
    switch (name) {
    case SO_PASSCRED: s->passcred = val != 0; break;
    case SO_SNDBUF: s->sndbuf = buf_value(val, 4608); break;
    case SO_RCVBUF: s->rcvbuf = buf_value(val, 2304); break;
    case SO_REUSEADDR: break;   /* AF_UNIX ignores it, as Linux */
    case SO_TYPE: case SO_DOMAIN: case SO_PROTOCOL: case SO_ACCEPTCONN: case SO_ERROR: case SO_PEERCRED:
        r = -ENOPROTOOPT; break;
    default: r = -ENOPROTOOPT;
    }
    mutex_unlock(&unix_lock);
    usock_wake(s, false, true);
    return r;
}

static uint32_t unix_poll(struct file *f, struct poll_table *pt)
{
    struct usock *s = f->priv;
    poll_wait(pt, &s->wq);
    uint32_t m = 0;
    mutex_lock(&unix_lock);
    if (s->err)
        m |= EPOLLERR;
    if (s->shut == (UNIX_RCV_SHUT | UNIX_SEND_SHUT))
        m |= EPOLLHUP;
    if (s->shut & UNIX_RCV_SHUT)
        m |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
    if (!list_empty(&s->queue))
        m |= EPOLLIN | EPOLLRDNORM;
    if (is_conn(s) && !s->peer && !s->listening)
        m |= EPOLLHUP;
    if (s->listening && !list_empty(&s->accept_q))
        m |= EPOLLIN | EPOLLRDNORM;
    struct usock *peer = s->peer;
    if (!peer || peer->dead || room_locked(s, peer) >= s->sndbuf / 4 || !is_conn(s))
        m |= EPOLLOUT | EPOLLWRNORM;
    if (peer && !is_conn(s) && room_locked(s, peer) == 0)
        m &= ~(uint32_t)(EPOLLOUT | EPOLLWRNORM);
    mutex_unlock(&unix_lock);
    if (pt) {
        pt->seq_in = atomic_load(&s->seq_in);
        pt->seq_out = atomic_load(&s->seq_out);
    }
    return m;
}

static long unix_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct unix_recv_out out = { 0 };
    long r = unix_recv(f, f->priv, to, 0, &out);
    for (unsigned i = 0; i < out.nfds; i++)
        file_put(out.fds[i]);
    kfree(out.fds);
    return r;
}

static long unix_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    return unix_send(f, f->priv, from, 0, NULL, NULL);
}

const struct file_ops unix_file_ops = {
    .read = unix_read, .write = unix_write, .release = unix_release, .poll = unix_poll,
};
