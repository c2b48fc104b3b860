// SPDX-License-Identifier: MPL-2.0
// The *xattr syscall family: by path, by path without following, and by descriptor.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/xattr.h>
#include "fs/fs_syscalls.h"
#include "fs/xattr.h"

/* The inode named by a path (follow or not) or by a descriptor (path NULL); a reference. */
static int xattr_target(int fd, uptr_t path, bool follow, struct inode **out)
{
    if (fd >= 0) {
        struct file *f = fd_get(fd);
        if (!f)
            return -EBADF;
        int r = (f->flags & O_PATH) ? -EBADF : 0;
        if (!r) {
            *out = f->inode;
            inode_get(*out);
        }
        file_put(f);
        return r;
    }
    return inode_at(AT_FDCWD, path, follow ? LOOKUP_FOLLOW : 0, out);
}

static int get_name(uptr_t uname, char *name)
{
    long n = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);
    if (n == -ENAMETOOLONG || n == 0)
        return -ERANGE;
    return n < 0 ? (int)n : 0;
}

static long do_setxattr(int fd, uptr_t path, bool follow, struct sys_call *c, int a)
{
    char name[XATTR_NAME_MAX + 1];
    uint64_t size = c->arg[a + 1];
    int flags = (int)c->arg[a + 2];
    if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
        return -EINVAL;
    int r = get_name(uptr(c->arg[a - 1]), name);
    if (r)
        return r;
    if (size > XATTR_SIZE_MAX)
        return -E2BIG;
    void *val = kmalloc(size ? size : 1);
    if (!val)
        return -ENOMEM;
    struct inode *ino = NULL;
    r = size && copy_from_user(val, uptr(c->arg[a]), size) ? -EFAULT : xattr_target(fd, path, follow, &ino);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = xattr_name_ok(ino, name, true);
        if (!r)
            r = xattr_set_locked(ino, name, val, size, flags);
        mutex_unlock(&vfs_lock);
        inode_put(ino);
    }
    kfree(val);
    return r;
}

static long do_getxattr(int fd, uptr_t path, bool follow, uptr_t uname, uptr_t ubuf, uint64_t size)
{
    char name[XATTR_NAME_MAX + 1];
    int r = get_name(uname, name);
    if (r)
        return r;
    size = MIN(size, (uint64_t)XATTR_SIZE_MAX);
    void *val = kmalloc(size ? size : 1);
    if (!val)
        return -ENOMEM;
    struct inode *ino;
    long n = xattr_target(fd, path, follow, &ino);
    if (!n) {
        mutex_lock(&vfs_lock);
        n = xattr_name_ok(ino, name, false);
        if (!n)
            n = xattr_get_locked(ino, name, val, size);
        mutex_unlock(&vfs_lock);
        inode_put(ino);
        if (n > 0 && size && copy_to_user(ubuf, val, (size_t)n))
            n = -EFAULT;
    }
    kfree(val);
    return n;
}

static long do_listxattr(int fd, uptr_t path, bool follow, uptr_t ubuf, uint64_t size)
{
    size = MIN(size, (uint64_t)XATTR_LIST_MAX);
    char *buf = kmalloc(size ? size : 1);
    if (!buf)
        return -ENOMEM;
    struct inode *ino;
    long n = xattr_target(fd, path, follow, &ino);
    if (!n) {
        mutex_lock(&vfs_lock);
        n = xattr_list_locked(ino, buf, size);
        mutex_unlock(&vfs_lock);
        inode_put(ino);
        if (n > 0 && size && copy_to_user(ubuf, buf, (size_t)n))
            n = -EFAULT;
    }
    kfree(buf);
    return n;
}

static long do_removexattr(int fd, uptr_t path, bool follow, uptr_t uname)
{
    char name[XATTR_NAME_MAX + 1];
    int r = get_name(uname, name);
    struct inode *ino;
    if (!r)
        r = xattr_target(fd, path, follow, &ino);
    if (r)
        return r;
    mutex_lock(&vfs_lock);
    r = xattr_name_ok(ino, name, true);
    if (!r)
        r = xattr_remove_locked(ino, name);
    mutex_unlock(&vfs_lock);
    inode_put(ino);
    return r;
}

#define NOFD (-1)
#define ARGP uptr(c->arg[0])

long sys_setxattr(struct sys_call *c) { return do_setxattr(NOFD, ARGP, true, c, 2); }
long sys_lsetxattr(struct sys_call *c) { return do_setxattr(NOFD, ARGP, false, c, 2); }
long sys_fsetxattr(struct sys_call *c)
{
    return (int)c->arg[0] < 0 ? -EBADF : do_setxattr((int)c->arg[0], uptr(0), false, c, 2);
}

long sys_getxattr(struct sys_call *c) { return do_getxattr(NOFD, ARGP, true, uptr(c->arg[1]), uptr(c->arg[2]), c->arg[3]); }
long sys_lgetxattr(struct sys_call *c) { return do_getxattr(NOFD, ARGP, false, uptr(c->arg[1]), uptr(c->arg[2]), c->arg[3]); }
long sys_fgetxattr(struct sys_call *c)
{
    int fd = (int)c->arg[0];
    return fd < 0 ? -EBADF : do_getxattr(fd, uptr(0), false, uptr(c->arg[1]), uptr(c->arg[2]), c->arg[3]);
}

long sys_listxattr(struct sys_call *c) { return do_listxattr(NOFD, ARGP, true, uptr(c->arg[1]), c->arg[2]); }
long sys_llistxattr(struct sys_call *c) { return do_listxattr(NOFD, ARGP, false, uptr(c->arg[1]), c->arg[2]); }
long sys_flistxattr(struct sys_call *c)
{
    int fd = (int)c->arg[0];
    return fd < 0 ? -EBADF : do_listxattr(fd, uptr(0), false, uptr(c->arg[1]), c->arg[2]);
}

long sys_removexattr(struct sys_call *c) { return do_removexattr(NOFD, ARGP, true, uptr(c->arg[1])); }
long sys_lremovexattr(struct sys_call *c) { return do_removexattr(NOFD, ARGP, false, uptr(c->arg[1])); }
long sys_fremovexattr(struct sys_call *c)
{
    int fd = (int)c->arg[0];
    return fd < 0 ? -EBADF : do_removexattr(fd, uptr(0), false, uptr(c->arg[1]));
}
