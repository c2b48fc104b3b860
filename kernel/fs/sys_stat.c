// SPDX-License-Identifier: MPL-2.0
// stat family, access family, readlink, chmod/chown families and utimensat.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/time.h>
#include "fs/fs_syscalls.h"
#include "fs/open.h"

static unsigned at_lookup(uint32_t flags)
{
    return (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) | (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
}

static long stat_out(struct inode *ino, uptr_t ubuf)
{
    struct linux_stat st;
    mutex_lock(&vfs_lock);
    inode_stat(ino, &st);
    mutex_unlock(&vfs_lock);
    inode_put(ino);
    return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long do_fstatat(int dirfd, uptr_t path, uptr_t ubuf, uint32_t flags)
{
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
        return -EINVAL;
    struct inode *ino;
    int r = inode_at(dirfd, path, at_lookup(flags), &ino);
    return r ? r : stat_out(ino, ubuf);
}

long sys_stat(struct sys_call *c) { return do_fstatat(AT_FDCWD, uptr(c->arg[0]), uptr(c->arg[1]), 0); }
long sys_lstat(struct sys_call *c) { return do_fstatat(AT_FDCWD, uptr(c->arg[0]), uptr(c->arg[1]), AT_SYMLINK_NOFOLLOW); }

long sys_newfstatat(struct sys_call *c)
{
    return do_fstatat((int)c->arg[0], uptr(c->arg[1]), uptr(c->arg[2]), (uint32_t)c->arg[3]);
}

long sys_fstat(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    struct inode *ino = f->inode;
    inode_get(ino);
    file_put(f);
    return stat_out(ino, uptr(c->arg[1]));
}

static long do_faccessat(int dirfd, uptr_t path, uint32_t mode, uint32_t flags)
{
    if (mode & ~(uint32_t)(R_OK | W_OK | X_OK))
        return -EINVAL;
    if (flags & ~(uint32_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *ino;
    int r = inode_at(dirfd, path, at_lookup(flags), &ino);
    if (r)
        return r;
    mutex_lock(&vfs_lock);
    r = inode_permission(ino, (int)mode);
    mutex_unlock(&vfs_lock);
    inode_put(ino);
    return r;
}

long sys_access(struct sys_call *c) { return do_faccessat(AT_FDCWD, uptr(c->arg[0]), (uint32_t)c->arg[1], 0); }
long sys_faccessat(struct sys_call *c) { return do_faccessat((int)c->arg[0], uptr(c->arg[1]), (uint32_t)c->arg[2], 0); }

long sys_faccessat2(struct sys_call *c)
{
    return do_faccessat((int)c->arg[0], uptr(c->arg[1]), (uint32_t)c->arg[2], (uint32_t)c->arg[3]);
}

/* A procfs link's body is computed for the caller. */
static long readlink_synthetic(struct inode *ino, uptr_t ubuf, size_t size)
{
    char *body = kmalloc(PATH_MAX);
    if (!body)
        return -ENOMEM;
    struct file *target = NULL;
    mutex_lock(&vfs_lock);
    long n = ino->iops->get_link(ino, body, PATH_MAX, &target);
    mutex_unlock(&vfs_lock);
    if (target)
        file_put(target);
    if (n >= 0) {
        n = (long)MIN((size_t)n, size);
        if (copy_to_user(ubuf, body, (size_t)n))
            n = -EFAULT;
    }
    kfree(body);
    return n;
}

static long do_readlinkat(int dirfd, uptr_t path, uptr_t ubuf, int64_t size)
{
    if (size <= 0)
        return -EINVAL;
    struct inode *ino;
    int r = inode_at(dirfd, path, 0, &ino);
    if (r)
        return r;
    long n = -EINVAL;
    if (S_ISLNK(ino->mode) && ino->iops && ino->iops->get_link) {
        n = readlink_synthetic(ino, ubuf, (size_t)MIN((uint64_t)size, (uint64_t)PATH_MAX));
    } else if (S_ISLNK(ino->mode)) {
        n = (long)MIN((uint64_t)strlen(ino->symlink), (uint64_t)size);
        if (copy_to_user(ubuf, ino->symlink, (size_t)n))
            n = -EFAULT;
    }
    inode_put(ino);
    return n;
}

long sys_readlink(struct sys_call *c) { return do_readlinkat(AT_FDCWD, uptr(c->arg[0]), uptr(c->arg[1]), (int)c->arg[2]); }

long sys_readlinkat(struct sys_call *c)
{
    return do_readlinkat((int)c->arg[0], uptr(c->arg[1]), uptr(c->arg[2]), (int)c->arg[3]);
}

/* Only the owner (or root) may change modes and times. FIXME: CAP_FOWNER once credentials exist. */
static int owner_ok(const struct inode *ino)
{
    return current_fsuid() == 0 || current_fsuid() == ino->uid ? 0 : -EPERM;
}

static long chmod_inode(struct inode *ino, uint32_t mode)
{
    mutex_lock(&vfs_lock);
    int r = owner_ok(ino);
    if (!r) {
        ino->mode = (ino->mode & S_IFMT) | (mode & 07777);
        ino->ctime = fs_now();
        r = inode_write_back(ino);
    }
    mutex_unlock(&vfs_lock);
    inode_put(ino);
    return r;
}

static long do_fchmodat(int dirfd, uptr_t path, uint32_t mode)
{
    struct inode *ino;
    int r = inode_at(dirfd, path, LOOKUP_FOLLOW, &ino);
    return r ? r : chmod_inode(ino, mode);
}

long sys_chmod(struct sys_call *c) { return do_fchmodat(AT_FDCWD, uptr(c->arg[0]), (uint32_t)c->arg[1]); }
long sys_fchmodat(struct sys_call *c) { return do_fchmodat((int)c->arg[0], uptr(c->arg[1]), (uint32_t)c->arg[2]); }

static struct inode *fd_inode(int fd, bool allow_path)
{
    struct file *f = fd_get(fd);
    if (!f)
        return NULL;
    struct inode *ino = (f->flags & O_PATH) && !allow_path ? NULL : f->inode;
    if (ino)
        inode_get(ino);
    file_put(f);
    return ino;
}

long sys_fchmod(struct sys_call *c)
{
    struct inode *ino = fd_inode((int)c->arg[0], false);
    return ino ? chmod_inode(ino, (uint32_t)c->arg[1]) : -EBADF;
}

static long chown_inode(struct inode *ino, uint32_t uid, uint32_t gid)
{
    mutex_lock(&vfs_lock);
    int r = current_fsuid() == 0 ? 0 : -EPERM;  /* FIXME: CAP_CHOWN and group membership */
    if (!r && (uid != (uint32_t)-1 || gid != (uint32_t)-1)) {
        if (uid != (uint32_t)-1)
            ino->uid = uid;
        if (gid != (uint32_t)-1)
            ino->gid = gid;
        if (!S_ISDIR(ino->mode)) {
            ino->mode &= ~(uint32_t)S_ISUID;
            if (ino->mode & 010)
                ino->mode &= ~(uint32_t)S_ISGID;
        }
        ino->ctime = fs_now();
        r = inode_write_back(ino);
    }
    mutex_unlock(&vfs_lock);
    inode_put(ino);
    return r;
}

static long do_fchownat(int dirfd, uptr_t path, uint32_t uid, uint32_t gid, uint32_t flags)
{
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct inode *ino;
    int r = inode_at(dirfd, path, at_lookup(flags), &ino);
    return r ? r : chown_inode(ino, uid, gid);
}

long sys_chown(struct sys_call *c)
{
    return do_fchownat(AT_FDCWD, uptr(c->arg[0]), (uint32_t)c->arg[1], (uint32_t)c->arg[2], 0);
}

long sys_lchown(struct sys_call *c)
{
    return do_fchownat(AT_FDCWD, uptr(c->arg[0]), (uint32_t)c->arg[1], (uint32_t)c->arg[2], AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(struct sys_call *c)
{
    return do_fchownat((int)c->arg[0], uptr(c->arg[1]), (uint32_t)c->arg[2], (uint32_t)c->arg[3],
                       (uint32_t)c->arg[4]);
}

long sys_fchown(struct sys_call *c)
{
    struct inode *ino = fd_inode((int)c->arg[0], false);
    return ino ? chown_inode(ino, (uint32_t)c->arg[1], (uint32_t)c->arg[2]) : -EBADF;
}

static bool ts_valid(const struct linux_timespec *t)
{
    return t->tv_nsec == UTIME_NOW || t->tv_nsec == UTIME_OMIT || (t->tv_nsec >= 0 && t->tv_nsec < 1000000000);
}

static void ts_apply(struct linux_timespec *dst, const struct linux_timespec *t, struct linux_timespec now)
{
    if (t->tv_nsec == UTIME_OMIT)
        return;
    *dst = t->tv_nsec == UTIME_NOW ? now : *t;
}

/* Set the times (already copied in) of path at dirfd, or of dirfd itself when path is NULL. */
static long set_times(int dirfd, uptr_t path, struct linux_timespec ts[2], uint32_t flags)
{
    if (!ts_valid(&ts[0]) || !ts_valid(&ts[1]) || (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
        return -EINVAL;
    if (uptr_is_null(path) && dirfd == AT_FDCWD)
        return -EFAULT;     /* no fd to fall back on: the NULL is a bad path pointer */
    if (ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
        return 0;
    struct inode *ino;
    int r;
    if (uptr_is_null(path))     /* Linux extension: operate on dirfd itself */
        r = (ino = fd_inode(dirfd, true)) ? 0 : -EBADF;
    else
        r = inode_at(dirfd, path, at_lookup(flags), &ino);
    if (r)
        return r;
    struct linux_timespec now = fs_now();
    mutex_lock(&vfs_lock);
    ts_apply(&ino->atime, &ts[0], now);
    ts_apply(&ino->mtime, &ts[1], now);
    ino->ctime = now;
    r = inode_write_back(ino);
    mutex_unlock(&vfs_lock);
    inode_put(ino);
    return r;
}

long sys_utimensat(struct sys_call *c)
{
    struct linux_timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    uptr_t utimes = uptr(c->arg[2]);
    if (!uptr_is_null(utimes) && copy_from_user(ts, utimes, sizeof(ts)))
        return -EFAULT;
    return set_times((int)c->arg[0], uptr(c->arg[1]), ts, (uint32_t)c->arg[3]);
}

/* utimes and futimesat: struct timeval pairs (microseconds 0..999999), NULL for now. */
static long timeval_times(int dirfd, uptr_t path, uptr_t utv)
{
    struct linux_timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    if (!uptr_is_null(utv)) {
        struct kernel_timeval tv[2];
        if (copy_from_user(tv, utv, sizeof(tv)))
            return -EFAULT;
        for (int i = 0; i < 2; i++) {
            if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
                return -EINVAL;
            ts[i].tv_sec = tv[i].tv_sec;
            ts[i].tv_nsec = tv[i].tv_usec * 1000;
        }
    }
    return set_times(dirfd, path, ts, 0);
}

long sys_utimes(struct sys_call *c) { return timeval_times(AT_FDCWD, uptr(c->arg[0]), uptr(c->arg[1])); }
long sys_futimesat(struct sys_call *c)
{
    return timeval_times((int)c->arg[0], uptr(c->arg[1]), uptr(c->arg[2]));
}
