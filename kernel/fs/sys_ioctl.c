// SPDX-License-Identifier: MPL-2.0
// ioctl dispatch: the generic FIO* requests, then the file's own handler; -ENOTTY otherwise.
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/ioctls.h>
#include "fs/fs_syscalls.h"

static long set_flag(struct file *f, uptr_t arg, uint32_t flag)
{
    int on;
    if (copy_from_user(&on, arg, sizeof(on)))
        return -EFAULT;
    uint32_t old = atomic_load(&f->flags), nw;
    do {
        nw = on ? old | flag : old & ~flag;
    } while (!atomic_cas(&f->flags, &old, nw));
    return 0;
}

static long generic_ioctl(struct file *f, int fd, unsigned cmd, uint64_t arg)
{
    switch (cmd) {
    case FIOCLEX:
    case FIONCLEX:
        return fd_set_cloexec(current_files(), fd, cmd == FIOCLEX);
    case FIONBIO:
        return set_flag(f, uptr(arg), O_NONBLOCK);
    case FIOASYNC:
        return set_flag(f, uptr(arg), O_ASYNC);     /* FIXME: SIGIO delivery */
    case FIONREAD:
        if (S_ISREG(f->inode->mode)) {
            mutex_lock(&f->pos_lock);
            int n = (int)(file_size(f) > f->pos ? file_size(f) - f->pos : 0);
            mutex_unlock(&f->pos_lock);
            return copy_to_user(uptr(arg), &n, sizeof(n)) ? -EFAULT : 0;
        }
        break;
    }
    return -ENOIOCTLCMD;
}

long sys_ioctl(struct sys_call *c)
{
    int fd = (int)c->arg[0];
    unsigned cmd = (unsigned)c->arg[1];
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_PATH) ? -EBADF : generic_ioctl(f, fd, cmd, c->arg[2]);
    if (r == -ENOIOCTLCMD)
        r = f->ops->ioctl ? f->ops->ioctl(f, cmd, c->arg[2]) : -ENOTTY;
    file_put(f);
    return r;
}
