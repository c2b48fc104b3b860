// SPDX-License-Identifier: MPL-2.0
// open, openat, creat, close, dup, dup2, dup3 and fcntl.
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/fs_syscalls.h"
#include "fs/open.h"
#include "fs/memfd.h"
#include "fs/pipe.h"
#include "fs/lock.h"
#include <uapi/flock.h>
#include <uapi/memfd.h>

static long do_open(int dirfd, uptr_t upath, uint32_t flags, uint32_t mode)
{
    struct nameidata nd;
    struct file *f = NULL;
    int r = nd_init(&nd, dirfd, upath, open_lookup_flags(flags));
    if (!r)
        r = vfs_open_nd(&nd, flags, mode, &f);
    nd_fini(&nd);
    if (r)
        return r;
    r = fd_install(current_files(), f, 0, flags & O_CLOEXEC);
    if (r < 0)
        file_put(f);
    return r;
}

long sys_open(struct sys_call *c)
{
    return do_open(AT_FDCWD, uptr(c->arg[0]), (uint32_t)c->arg[1], (uint32_t)c->arg[2]);
}

long sys_openat(struct sys_call *c)
{
    return do_open((int)c->arg[0], uptr(c->arg[1]), (uint32_t)c->arg[2], (uint32_t)c->arg[3]);
}

long sys_creat(struct sys_call *c)
{
    return do_open(AT_FDCWD, uptr(c->arg[0]), O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)c->arg[1]);
}

long sys_close(struct sys_call *c)
{
    return fd_close(current_files(), (int)c->arg[0]);
}

long sys_dup(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    int r = fd_install(current_files(), f, 0, false);
    if (r < 0)
        file_put(f);
    return r;
}

static long do_dup3(int oldfd, int newfd, uint32_t flags)
{
    if (flags & ~(uint32_t)O_CLOEXEC)
        return -EINVAL;
    struct file *f = fd_get(oldfd);
    if (!f)
        return -EBADF;
    if (newfd < 0 || (unsigned)newfd >= files_limit()) {
        file_put(f);
        return -EBADF;
    }
    int r = fd_replace(current_files(), newfd, f, flags & O_CLOEXEC);
    if (r < 0)
        file_put(f);
    return r;
}

long sys_dup2(struct sys_call *c)
{
    int oldfd = (int)c->arg[0], newfd = (int)c->arg[1];
    if (oldfd == newfd) {
        struct file *f = fd_get(oldfd);
        if (!f)
            return -EBADF;
        file_put(f);
        return newfd;
    }
    return do_dup3(oldfd, newfd, 0);
}

long sys_dup3(struct sys_call *c)
{
    if ((int)c->arg[0] == (int)c->arg[1])
        return -EINVAL;
    return do_dup3((int)c->arg[0], (int)c->arg[1], (uint32_t)c->arg[2]);
}

/* Status flags F_SETFL may change; the rest are fixed at open. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

static long fcntl_setfl(struct file *f, uint32_t arg)
{
    uint32_t old = atomic_load(&f->flags), nw;
    do {
        nw = (old & ~(uint32_t)SETFL_MASK) | (arg & SETFL_MASK);
    } while (!atomic_cas(&f->flags, &old, nw));
    return 0;
}

long sys_fcntl(struct sys_call *c)
{
    int fd = (int)c->arg[0];
    unsigned cmd = (unsigned)c->arg[1];
    uint64_t arg = c->arg[2];
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    long r;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        r = arg >= files_limit() ? -EINVAL : fd_install(current_files(), f, (unsigned)arg, cmd == F_DUPFD_CLOEXEC);
        if (r >= 0)
            return r;   /* the table took f's reference */
        break;
    case F_GETFD:
        r = fd_get_cloexec(current_files(), fd);
        break;
    case F_SETFD:
        r = fd_set_cloexec(current_files(), fd, arg & FD_CLOEXEC);
        break;
    case F_GETFL:
        r = atomic_load(&f->flags);
        break;
    case F_SETFL:
        r = (f->flags & O_PATH) ? -EBADF : fcntl_setfl(f, (uint32_t)arg);
        break;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
        r = (f->flags & O_PATH) ? -EBADF : lock_fcntl(f, cmd, uptr(arg));
        break;
    case F_ADD_SEALS:
    case F_GET_SEALS:
        r = memfd_fcntl(f, cmd, arg);
        break;
    case F_GETPIPE_SZ:
    case F_SETPIPE_SZ:
        r = pipe_fcntl(f, cmd, arg);
        break;
    default:
        r = -EINVAL;    /* FIXME: leases, F_SETOWN/F_SETSIG */
    }
    file_put(f);
    return r;
}
