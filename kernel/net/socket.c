// SPDX-License-Identifier: MPL-2.0
// Socket syscalls: family dispatch, socketpair, send/recv families, shutdown, socket options.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/socket.h>
#include "syscall/syscall.h"
#include "net/unix.h"

long sys_socket(struct sys_call *c);
long sys_socketpair(struct sys_call *c);
long sys_sendto(struct sys_call *c);
long sys_recvfrom(struct sys_call *c);
long sys_sendmsg(struct sys_call *c);
long sys_recvmsg(struct sys_call *c);
long sys_shutdown(struct sys_call *c);
long sys_getsockopt(struct sys_call *c);
long sys_setsockopt(struct sys_call *c);
long sys_getsockname(struct sys_call *c);
long sys_getpeername(struct sys_call *c);
long sys_bind(struct sys_call *c);
long sys_listen(struct sys_call *c);
long sys_connect(struct sys_call *c);
long sys_accept(struct sys_call *c);
long sys_accept4(struct sys_call *c);

/* Validate family/type/protocol; the base type or -errno. */
static int check_socket_args(int family, int type, int proto)
{
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (family < 0 || family >= AF_MAX)
        return -EAFNOSUPPORT;
    /* FIXME: AF_INET, AF_INET6 and AF_NETLINK need the networking stack (loopback, rtnetlink). */
    if (family != AF_UNIX)
        return -EAFNOSUPPORT;
    int base = type & SOCK_TYPE_MASK;
    if (base != SOCK_STREAM && base != SOCK_DGRAM && base != SOCK_SEQPACKET)
        return base == SOCK_RAW || base == SOCK_RDM || base == SOCK_PACKET ? -ESOCKTNOSUPPORT : -EINVAL;
    if (proto != 0)
        return -EPROTONOSUPPORT;
    return base;
}

static uint32_t file_flags(int type) { return (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0; }

long sys_socket(struct sys_call *c)
{
    int type = (int)c->arg[1];
    int base = check_socket_args((int)c->arg[0], type, (int)c->arg[2]);
    if (base < 0)
        return base;
    struct file *f;
    int r = unix_create(base, file_flags(type), &f);
    if (r)
        return r;
    int fd = fd_install(current_files(), f, 0, type & SOCK_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

long sys_socketpair(struct sys_call *c)
{
    int type = (int)c->arg[1];
    int base = check_socket_args((int)c->arg[0], type, (int)c->arg[2]);
    if (base < 0)
        return base;
    uptr_t usv = uptr(c->arg[3]);
    if (!user_range_ok(usv, 2 * sizeof(int)))
        return -EFAULT;
    struct file *a, *b;
    int r = unix_create_pair(base, file_flags(type), &a, &b);
    if (r)
        return r;
    struct files *ft = current_files();
    int fds[2];
    fds[0] = fd_install(ft, a, 0, type & SOCK_CLOEXEC);
    if (fds[0] < 0) {
        file_put(a);
        file_put(b);
        return fds[0];
    }
    fds[1] = fd_install(ft, b, 0, type & SOCK_CLOEXEC);
    if (fds[1] < 0) {
        fd_close(ft, fds[0]);
        file_put(b);
        return fds[1];
    }
    if (copy_to_user(usv, fds, sizeof(fds))) {
        fd_close(ft, fds[0]);
        fd_close(ft, fds[1]);
        return -EFAULT;
    }
    return 0;
}

/* The socket at fd with a file reference in *fp: -EBADF, -ENOTSOCK. */
static struct usock *sock_get(int fd, struct file **fp)
{
    struct file *f = fd_get(fd);
    *fp = f;
    if (!f)
        return NULL;
    struct usock *s = unix_from_file(f);
    if (!s) {
        file_put(f);
        *fp = NULL;
    }
    return s;
}

#define SOCK_GET(fd, f, s) \
    struct file *f; struct usock *s = sock_get((fd), &f); \
    if (!s) return f == NULL && fd_exists(fd) ? -ENOTSOCK : -EBADF

static bool fd_exists(int fd)
{
    struct file *f = fd_get(fd);
    if (f)
        file_put(f);
    return f != NULL;
}

#define SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_OOB | MSG_DONTROUTE | MSG_CMSG_CLOEXEC)
#define RECV_FLAGS (MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_CMSG_CLOEXEC | MSG_OOB)

/* Common send path: iovec already imported; (uaddr, alen) an optional destination. */
static long do_send(struct file *f, struct usock *s, struct user_iovec *iov, size_t nr, size_t total,
                    int flags, struct unix_scm *scm, uptr_t uaddr, int alen)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    struct usock *target = NULL;
    if (uaddr.addr && alen && s->type == SOCK_STREAM)
        return unix_is_connected(s) ? -EISCONN : -EOPNOTSUPP;
    if (uaddr.addr && alen && s->type == SOCK_DGRAM) {
        struct unix_name n;
        long r = unix_name_from_user(uaddr, alen, &n);
        if (!r)
            r = unix_find(&n, &target);
        if (r)
            return r;
        if (target->type != SOCK_DGRAM) {
            usock_put(target);
            return -EPROTOTYPE;
        }
    }
    struct iov_iter it;
    iov_iter_user(&it, iov, nr, total);
    long r = unix_send(f, s, &it, flags, scm, target);
    if (target)
        usock_put(target);
    return r;
}

long sys_sendto(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    size_t len = MIN(c->arg[2], (uint64_t)MAX_RW_COUNT);
    struct user_iovec iov = { c->arg[1], len };
    long r = do_send(f, s, &iov, 1, len, (int)c->arg[3], NULL, uptr(c->arg[4]), (int)c->arg[5]);
    file_put(f);
    return r;
}

long sys_sendmsg(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    struct user_msghdr mh;
    struct user_iovec *iov = NULL;
    size_t total = 0;
    struct unix_scm scm = { 0 };
    long r = copy_from_user(&mh, uptr(c->arg[1]), sizeof(mh)) ? -EFAULT : 0;
    if (!r)
        r = iov_import(uptr(mh.iov), mh.iovlen, &iov, &total);
    if (!r && mh.controllen > INT32_MAX)
        r = -ENOBUFS;
    if (!r && mh.controllen)
        r = unix_scm_from_user(uptr(mh.control), mh.controllen, &scm);
    if (!r)
        r = do_send(f, s, iov, mh.iovlen, total, (int)c->arg[2], &scm, uptr(mh.name), (int)mh.namelen);
    unix_scm_release(&scm);
    kfree(iov);
    file_put(f);
    return r;
}

static void drop_out(struct unix_recv_out *out)
{
    for (unsigned i = 0; i < out->nfds; i++)
        if (out->fds[i])
            file_put(out->fds[i]);
    kfree(out->fds);
    out->fds = NULL;
    out->nfds = 0;
}

long sys_recvfrom(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    int flags = (int)c->arg[3];
    uptr_t uaddr = uptr(c->arg[4]), ulen = uptr(c->arg[5]);
    int alen = 0;
    long r = 0;
    if (uaddr.addr && ulen.addr) {
        r = copy_from_user(&alen, ulen, sizeof(alen)) ? -EFAULT : alen < 0 ? -EINVAL : 0;
    }
    if (!r && (flags & MSG_OOB))
        r = -EOPNOTSUPP;
    if (!r) {
        size_t len = MIN(c->arg[2], (uint64_t)MAX_RW_COUNT);
        struct user_iovec iov = { c->arg[1], len };
        struct iov_iter it;
        iov_iter_user(&it, &iov, 1, len);
        struct unix_recv_out out = { 0 };
        r = unix_recv(f, s, &it, flags, &out);
        /* Unnamed senders (and streams): the address is empty (length 0), as Linux reports. */
        if (r >= 0 && uaddr.addr && ulen.addr) {
            int full = (int)out.from.len;
            if (copy_to_user(uaddr, out.from.addr, (size_t)MIN(alen, full)) ||
                copy_to_user(ulen, &full, sizeof(full)))
                r = -EFAULT;
        }
        drop_out(&out);
    }
    file_put(f);
    return r;
}

long sys_recvmsg(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    int flags = (int)c->arg[2];
    uptr_t umh = uptr(c->arg[1]);
    struct user_msghdr mh;
    struct user_iovec *iov = NULL;
    size_t total = 0;
    long r = copy_from_user(&mh, umh, sizeof(mh)) ? -EFAULT : 0;
    if (!r)
        r = iov_import(uptr(mh.iov), mh.iovlen, &iov, &total);
    if (!r && (flags & MSG_OOB))
        r = -EOPNOTSUPP;
    if (!r) {
        struct iov_iter it;
        iov_iter_user(&it, iov, mh.iovlen, total);
        struct unix_recv_out out = { 0 };
        r = unix_recv(f, s, &it, flags, &out);
        int mflags = out.msg_flags;
        uint64_t clen = mh.controllen;
        if (r >= 0 && mh.control) {
            int e = unix_scm_to_user(uptr(mh.control), &clen, &out, unix_passcred(s),
                                     flags & MSG_CMSG_CLOEXEC, &mflags);
            if (e)
                r = e;
        } else {
            clen = 0;
            if (out.nfds)
                mflags |= MSG_CTRUNC;
        }
        drop_out(&out);
        uint32_t nlen = mh.name ? out.from.len : 0;
        if (r >= 0 && nlen && copy_to_user(uptr(mh.name), out.from.addr, MIN(nlen, mh.namelen)))
            r = -EFAULT;
        if (r >= 0 && (copy_to_user(uptr(umh.addr + offsetof(struct user_msghdr, controllen)), &clen, 8) ||
                       copy_to_user(uptr(umh.addr + offsetof(struct user_msghdr, flags)), &mflags, 4) ||
                       copy_to_user(uptr(umh.addr + offsetof(struct user_msghdr, namelen)), &nlen, 4)))
            r = -EFAULT;
    }
    kfree(iov);
    file_put(f);
    return r;
}

long sys_shutdown(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    long r = unix_shutdown(s, (int)c->arg[1]);
    file_put(f);
    return r;
}

long sys_getsockopt(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    int level = (int)c->arg[1], name = (int)c->arg[2];
    uptr_t uval = uptr(c->arg[3]), ulen = uptr(c->arg[4]);
    int len;
    char val[16];
    long r = copy_from_user(&len, ulen, sizeof(len)) ? -EFAULT : len < 0 ? -EINVAL : 0;
    if (!r && level != SOL_SOCKET)
        r = -EOPNOTSUPP;
    uint32_t n = (uint32_t)len;
    if (!r)
        r = unix_getsockopt(s, name, val, &n);
    if (!r && (copy_to_user(uval, val, n) || copy_to_user(ulen, &n, sizeof(n))))
        r = -EFAULT;
    file_put(f);
    return r;
}

long sys_setsockopt(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    int level = (int)c->arg[1], name = (int)c->arg[2];
    int len = (int)c->arg[4], val = 0;
    long r = 0;
    if (level != SOL_SOCKET)
        r = -EOPNOTSUPP;    /* AF_UNIX has no options of its own, as Linux */
    else if (len < (int)sizeof(int))
        r = -EINVAL;
    else if (copy_from_user(&val, uptr(c->arg[3]), sizeof(val)))
        r = -EFAULT;
    if (!r)
        r = unix_setsockopt(s, name, val);
    file_put(f);
    return r;
}

long sys_getsockname(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    long r = unix_getname(s, false, uptr(c->arg[1]), uptr(c->arg[2]));
    file_put(f);
    return r;
}

long sys_getpeername(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    long r = unix_getname(s, true, uptr(c->arg[1]), uptr(c->arg[2]));
    file_put(f);
    return r;
}

long sys_bind(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    struct unix_name n;
    long r = unix_name_from_user(uptr(c->arg[1]), (int)c->arg[2], &n);
    if (!r)
        r = unix_bind(s, &n);
    file_put(f);
    return r;
}

long sys_listen(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    long r = unix_listen(s, (int)c->arg[1]);
    file_put(f);
    return r;
}

long sys_connect(struct sys_call *c)
{
    SOCK_GET((int)c->arg[0], f, s);
    struct unix_name n;
    long r = unix_name_from_user(uptr(c->arg[1]), (int)c->arg[2], &n);
    if (!r)
        r = unix_connect(f, s, &n);
    file_put(f);
    return r;
}

/* Copy in accept's address length (when an address is wanted). */
static long accept_alen(uptr_t uaddr, uptr_t ulen)
{
    int alen = 0;
    if (!uaddr.addr)
        return 0;
    if (copy_from_user(&alen, ulen, sizeof(alen)))
        return -EFAULT;
    return alen < 0 ? -EINVAL : 0;
}

static long do_accept(int fd, uptr_t uaddr, uptr_t ulen, uint32_t flags)
{
    if (flags & ~(uint32_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    SOCK_GET(fd, f, s);
    long r = accept_alen(uaddr, ulen);
    if (!r && s->type == SOCK_DGRAM)
        r = -EOPNOTSUPP;
    struct file *nf = NULL;
    if (!r)
        r = unix_accept(f, s, (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0, &nf);
    file_put(f);
    if (r)
        return r;
    /* The new socket's peer is the connector: its name is what accept reports. */
    if (uaddr.addr) {
        r = unix_getname(nf->priv, true, uaddr, ulen);
        if (r) {
            file_put(nf);
            return r;
        }
    }
    int nfd = fd_install(current_files(), nf, 0, flags & SOCK_CLOEXEC);
    if (nfd < 0)
        file_put(nf);
    return nfd;
}

long sys_accept(struct sys_call *c) { return do_accept((int)c->arg[0], uptr(c->arg[1]), uptr(c->arg[2]), 0); }
long sys_accept4(struct sys_call *c)
{
    return do_accept((int)c->arg[0], uptr(c->arg[1]), uptr(c->arg[2]), (uint32_t)c->arg[3]);
}
