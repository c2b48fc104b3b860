// SPDX-License-Identifier: MPL-2.0
// AF_UNIX sockets: the socket object, its message queue, and the operations the syscall layer calls.
#ifndef KEEL_NET_UNIX_H
#define KEEL_NET_UNIX_H

#include <ostd/types.h>
#include <ostd/sync.h>
#include <ostd/list.h>
#include <uapi/socket.h>
#include "fs/file.h"

#define UNIX_DEFAULT_BUF 212992     /* Linux's default SO_SNDBUF/SO_RCVBUF (net.core.wmem_default) */
#define UNIX_RCV_SHUT  1
#define UNIX_SEND_SHUT 2

/* A bound name: the sockaddr bytes as getsockname returns them, and the node for paths. */
struct unix_name {
    uint32_t len;               /* sizeof(sa_family_t) + bytes of sun_path used (+1 NUL for paths) */
    char addr[sizeof(uint16_t) + 108 + 1];
    bool abstract;
    uint64_t dev, ino;          /* path binds: the S_IFSOCK node's identity */
};

/* One queued message (a stream write may become several). Owned by the queue it sits on. */
struct unix_msg {
    struct list_head node;
    size_t len, off;            /* off: bytes already read (stream) */
    struct file **fds;          /* SCM_RIGHTS: references, or NULL */
    unsigned nfds;
    struct ucred cred;          /* the sender's, always recorded */
    struct unix_name *from;     /* records: the sender's name (owned), or NULL */
    char data[];
};

/*
 * Lock rule: fields marked "guarded by unix_lock" are protected by the one
 * global mutex unix_lock (unix.c). It may be held across copies to user
 * memory (a mutex may sleep on a fault) but never while waiting for an
 * event: waits look only at the atomic ev counter. It is a leaf lock except
 * for file_put of passed descriptors, which is always done after unlocking.
 */
struct usock {
    uint32_t refcount;          /* atomic: the file and each peer pointer */
    int type;                   /* SOCK_*; immutable */
    struct waitqueue wq;        /* woken on any change to this socket's readability or writability */
    uint32_t ev;                /* atomic: bumped with every wake of wq (sleep conditions) */
    uint32_t seq_in, seq_out;   /* atomic: readable/writable events (edge-triggered epoll) */
    struct usock *peer;         /* guarded by unix_lock: connected peer (holds a reference) */
    struct list_head queue;     /* guarded by unix_lock: struct unix_msg, oldest first */
    size_t queued;              /* guarded by unix_lock: bytes in queue */
    uint32_t shut;              /* guarded by unix_lock: UNIX_RCV_SHUT | UNIX_SEND_SHUT */
    bool connected;             /* guarded by unix_lock: was ever connected (socketpair) */
    bool dead;                  /* guarded by unix_lock: its file is gone */
    int err;                    /* guarded by unix_lock: pending SO_ERROR (positive errno) */
    bool passcred;              /* guarded by unix_lock */
    uint32_t sndbuf, rcvbuf;    /* guarded by unix_lock: as getsockopt reports them */
    struct ucred peercred;      /* guarded by unix_lock: peer's creds at connect time */
    /* naming and connections (unix_addr.c, unix_conn.c) */
    struct unix_name *name;     /* guarded by unix_lock: bound name (owned), or NULL */
    struct list_head bound;     /* guarded by unix_lock: node in the bound list while named */
    bool listening;             /* guarded by unix_lock */
    int backlog;                /* guarded by unix_lock */
    int nr_pending;             /* guarded by unix_lock: embryos in accept_q */
    struct list_head accept_q;  /* guarded by unix_lock: connected embryos (via pending) */
    struct list_head pending;   /* guarded by unix_lock: node in the listener's accept_q */
    bool has_peercred;          /* guarded by unix_lock */
};

extern const struct file_ops unix_file_ops;
extern struct mutex unix_lock;

/* Take a reference (the caller already holds one, or unix_lock with s reachable). */
void usock_get(struct usock *s);
void usock_put(struct usock *s);
void usock_wake(struct usock *s, bool in, bool out);
struct usock *usock_new(int type);
int usock_file(struct usock *s, uint32_t flags, struct file **out) __must_check;
void current_ucred(struct ucred *uc, bool effective);

/* unix_addr.c: parse a user sockaddr_un (copied in) into a name; -EINVAL/-EFAULT. */
int unix_name_from_user(uptr_t uaddr, int len, struct unix_name *out) __must_check;
int unix_bind(struct usock *s, struct unix_name *n) __must_check;
/* The bound socket with that name (a reference), or -ECONNREFUSED/-ENOENT/-EACCES... */
int unix_find(const struct unix_name *n, struct usock **out) __must_check;
/* Unlink s from the bound list; unix_lock held. */
void unix_unbind_locked(struct usock *s);
int unix_autobind(struct usock *s) __must_check;
/* Copy s's own (peer=false) or its peer's name to user memory as getsockname does. */
int unix_getname(struct usock *s, bool peer, uptr_t uaddr, uptr_t ulen) __must_check;

/* unix_conn.c */
int unix_listen(struct usock *s, int backlog) __must_check;
int unix_connect(struct file *f, struct usock *s, struct unix_name *n) __must_check;
int unix_accept(struct file *f, struct usock *s, uint32_t flags, struct file **out) __must_check;
/* Drop the embryos of a closing listener; unix_lock held, they are moved to *dropped. */
void unix_drop_pending_locked(struct usock *s, struct list_head *dropped);

/* The socket behind f, or NULL when f is not a socket. */
struct usock *unix_from_file(struct file *f);
/* Create one socket (socket(2)) or a connected pair, with their files (extra status flags). */
int unix_create(int type, uint32_t flags, struct file **out) __must_check;
int unix_create_pair(int type, uint32_t flags, struct file **a, struct file **b) __must_check;

/* Control data of one sendmsg, already copied in and validated (unix_msg.c). */
struct unix_scm {
    struct file **fds;          /* references */
    unsigned nfds;
    bool has_cred;
    struct ucred cred;
};
void unix_scm_release(struct unix_scm *scm);

/* Send from it (flags MSG_*); bytes sent or -errno. Takes over scm's fds on success. */
long unix_send(struct file *f, struct usock *s, struct iov_iter *it, int flags, struct unix_scm *scm,
               struct usock *target);

/* What a receive produced besides the data. */
struct unix_recv_out {
    int msg_flags;              /* MSG_TRUNC / MSG_CTRUNC as recvmsg reports */
    struct file **fds;          /* references the caller installs or drops */
    unsigned nfds;
    bool has_cred;
    struct ucred cred;
    struct unix_name from;      /* the sender's name; len 0 when unnamed */
};
long unix_recv(struct file *f, struct usock *s, struct iov_iter *it, int flags, struct unix_recv_out *out);

int unix_shutdown(struct usock *s, int how) __must_check;
int unix_getsockopt(struct usock *s, int name, void *val, uint32_t *len) __must_check;
int unix_setsockopt(struct usock *s, int name, int val) __must_check;

/* Build the sender's SCM data from a user control buffer (unix_msg.c). */
int unix_scm_from_user(uptr_t control, uint64_t len, struct unix_scm *scm) __must_check;
/* Write the received control data to user memory; updates *len and *msg_flags. */
int unix_scm_to_user(uptr_t control, uint64_t *len, struct unix_recv_out *out, bool passcred,
                     bool cloexec, int *msg_flags) __must_check;
bool unix_passcred(struct usock *s);
bool unix_is_connected(struct usock *s);

#endif
