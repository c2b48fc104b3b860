// SPDX-License-Identifier: MPL-2.0
// Name-space changes: mkdir, mknod, symlink, link, unlink, rmdir.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/capability.h>
#include "proc/cred.h"
#include "fs/fs_syscalls.h"
#include "fs/open.h"

/* Walk (dirfd, path) for creating its last component, then run fn under vfs_lock. */
typedef int (*create_fn)(struct nameidata *nd, void *arg);

static long at_create(int dirfd, uptr_t path, create_fn fn, void *arg)
{
    struct nameidata nd;
    int r = nd_init(&nd, dirfd, path, 0);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_walk_locked(&nd);
        if (!r)
            r = nd.child.dentry || nd.last_type != LAST_NORM ? -EEXIST : fn(&nd, arg);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

static uint32_t apply_umask(uint32_t mode)
{
    return mode & ~atomic_load(&current_fs()->umask);
}

static int mkdir_fn(struct nameidata *nd, void *arg)
{
    struct dentry *d;
    return vfs_create_locked(nd, S_IFDIR | apply_umask(*(uint32_t *)arg & 01777), 0, &d);
}

static long do_mkdirat(int dirfd, uptr_t path, uint32_t mode)
{
    return at_create(dirfd, path, mkdir_fn, &mode);
}

long sys_mkdir(struct sys_call *c) { return do_mkdirat(AT_FDCWD, uptr(c->arg[0]), (uint32_t)c->arg[1]); }
long sys_mkdirat(struct sys_call *c) { return do_mkdirat((int)c->arg[0], uptr(c->arg[1]), (uint32_t)c->arg[2]); }

struct mknod_args { uint32_t mode; uint64_t rdev; };

static int mknod_fn(struct nameidata *nd, void *arg)
{
    struct mknod_args *a = arg;
    struct dentry *d;
    if (nd->trailing_slash)
        return -ENOENT;
    return vfs_create_locked(nd, a->mode, a->rdev, &d);
}

static long do_mknodat(int dirfd, uptr_t path, uint32_t mode, uint32_t dev)
{
    uint32_t type = mode & S_IFMT;
    if (type == 0)
        type = S_IFREG;
    if (type == S_IFDIR)
        return -EPERM;
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK)
        return -EINVAL;
    uint32_t major = (dev >> 8) & 0xfff, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    bool device = type == S_IFCHR || type == S_IFBLK;
    struct mknod_args a = { type | apply_umask(mode & 07777), device ? linux_makedev(major, minor) : 0 };
    return at_create(dirfd, path, mknod_fn, &a);
}

long sys_mknod(struct sys_call *c)
{
    return do_mknodat(AT_FDCWD, uptr(c->arg[0]), (uint32_t)c->arg[1], (uint32_t)c->arg[2]);
}

long sys_mknodat(struct sys_call *c)
{
    return do_mknodat((int)c->arg[0], uptr(c->arg[1]), (uint32_t)c->arg[2], (uint32_t)c->arg[3]);
}

static int symlink_fn(struct nameidata *nd, void *arg)
{
    struct dentry *d;
    if (nd->trailing_slash)
        return -ENOENT;
    char **body = arg;
    int r = vfs_create_target_locked(nd, S_IFLNK | 0777, 0, *body, &d);
    if (!r && !d->inode->symlink) {     /* tmpfs: the inode takes the body */
        d->inode->symlink = *body;
        d->inode->size = strlen(*body);
        *body = NULL;
    }
    return r;
}

static long do_symlinkat(uptr_t target, int dirfd, uptr_t path)
{
    char *body = kmalloc(PATH_MAX);
    if (!body)
        return -ENOMEM;
    long n = strncpy_from_user(body, target, PATH_MAX);
    long r = n < 0 ? n : n == 0 ? -ENOENT : at_create(dirfd, path, symlink_fn, &body);
    kfree(body);        /* NULL when a tmpfs inode took it */
    return r;
}

long sys_symlink(struct sys_call *c) { return do_symlinkat(uptr(c->arg[0]), AT_FDCWD, uptr(c->arg[1])); }
long sys_symlinkat(struct sys_call *c) { return do_symlinkat(uptr(c->arg[0]), (int)c->arg[1], uptr(c->arg[2])); }

static long do_linkat(int olddfd, uptr_t oldp, int newdfd, uptr_t newp, uint32_t flags)
{
    if (flags & ~(uint32_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    struct nameidata o, n;
    unsigned lf = (flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0) | (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
    int r = nd_init(&o, olddfd, oldp, lf);
    int r2 = nd_init(&n, newdfd, newp, 0);
    r = r ? r : r2;
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&o);
        if (!r)
            r = nd_walk_locked(&n);
        struct inode *ino = r ? NULL : o.child.dentry->inode;
        if (!r && S_ISDIR(ino->mode))
            r = -EPERM;
        else if (!r && (n.child.dentry || n.last_type != LAST_NORM))
            r = -EEXIST;
        else if (!r && n.trailing_slash)
            r = -ENOENT;
        else if (!r && o.child.mnt != n.parent.mnt)
            r = -EXDEV;
        else if (!r && ino->nlink == 0)
            r = -ENOENT;
        else if (!r)
            r = mnt_want_write(n.parent.mnt);
        if (!r)
            r = inode_permission(n.parent.dentry->inode, W_OK | X_OK);
        if (!r && n.parent.dentry->dead)
            r = -ENOENT;
        struct inode_ops const *dops = r ? NULL : n.parent.dentry->inode->iops;
        if (!r && dops && dops->link) {
            r = dops->link(n.parent.dentry->inode, n.last, n.last_len, ino);
            if (!r)
                r = dentry_add_locked(n.parent.dentry, n.last, n.last_len, ino) ? 0 : -ENOMEM;
        } else if (!r) {
            r = dentry_add_locked(n.parent.dentry, n.last, n.last_len, ino) ? 0 : -ENOMEM;
            if (!r) {
                ino->nlink++;
                ino->ctime = fs_now();
                inode_touch_mc(n.parent.dentry->inode);
            }
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&o);
    nd_fini(&n);
    return r;
}

long sys_link(struct sys_call *c) { return do_linkat(AT_FDCWD, uptr(c->arg[0]), AT_FDCWD, uptr(c->arg[1]), 0); }

long sys_linkat(struct sys_call *c)
{
    return do_linkat((int)c->arg[0], uptr(c->arg[1]), (int)c->arg[2], uptr(c->arg[3]), (uint32_t)c->arg[4]);
}

/* Remove the child of nd from its directory (checks done by the caller). */
static int remove_locked(struct nameidata *nd)
{
    struct dentry *d = nd->child.dentry;
    struct inode *dir = nd->parent.dentry->inode;
    if (dir->iops && dir->iops->unlink) {
        int r = dir->iops->unlink(dir, nd->last, nd->last_len, d->inode);
        if (!r)
            dentry_remove_locked(d);
        return r;
    }
    if (S_ISDIR(d->inode->mode)) {
        dir->nlink--;
        d->inode->nlink = 0;
    } else {
        d->inode->nlink--;
    }
    d->inode->ctime = fs_now();
    inode_touch_mc(dir);
    dentry_remove_locked(d);
    return 0;
}

/* In a sticky directory only the file's owner, the directory's owner or a CAP_FOWNER holder deletes. */
static bool sticky_denies(const struct inode *dir, const struct inode *victim)
{
    if (!(dir->mode & S_ISVTX))
        return false;
    uint32_t uid = current_fsuid();
    return uid != victim->uid && uid != dir->uid && !capable(CAP_FOWNER);
}

/* Checks in Linux's order: read-only mount, search/write on the parent, sticky bit, type, busy, empty. */
int vfs_may_delete_locked(struct nameidata *nd, bool isdir)
{
    struct dentry *d = nd->child.dentry;
    if (!d)
        return -ENOENT;
    if (mnt_want_write(nd->parent.mnt))
        return -EROFS;
    int r = inode_permission(nd->parent.dentry->inode, W_OK | X_OK);
    if (r)
        return r;
    if (sticky_denies(nd->parent.dentry->inode, d->inode))
        return -EPERM;
    if (isdir && !S_ISDIR(d->inode->mode))
        return -ENOTDIR;
    if (!isdir && S_ISDIR(d->inode->mode))
        return -EISDIR;
    if (d->mounted || d == nd->child.mnt->root)
        return -EBUSY;
    if (isdir && !list_empty(&d->children))
        return -ENOTEMPTY;
    return 0;
}

static int unlink_fn(struct nameidata *nd)
{
    if (nd->last_type != LAST_NORM)
        return -EISDIR;
    if (nd->trailing_slash && nd->child.dentry)
        return S_ISDIR(nd->child.dentry->inode->mode) ? -EISDIR : -ENOTDIR;
    int r = vfs_may_delete_locked(nd, false);
    return r ? r : remove_locked(nd);
}

static int rmdir_fn(struct nameidata *nd)
{
    if (nd->last_type == LAST_DOT)
        return -EINVAL;
    if (nd->last_type == LAST_DOTDOT)
        return -ENOTEMPTY;
    if (nd->last_type == LAST_ROOT)
        return -EBUSY;
    int r = vfs_may_delete_locked(nd, true);
    return r ? r : remove_locked(nd);
}

static long do_remove(int dirfd, uptr_t path, bool dir)
{
    struct nameidata nd;
    int r = nd_init(&nd, dirfd, path, 0);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_walk_locked(&nd);
        if (!r)
            r = dir ? rmdir_fn(&nd) : unlink_fn(&nd);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

long sys_unlink(struct sys_call *c) { return do_remove(AT_FDCWD, uptr(c->arg[0]), false); }
long sys_rmdir(struct sys_call *c) { return do_remove(AT_FDCWD, uptr(c->arg[0]), true); }

long sys_unlinkat(struct sys_call *c)
{
    uint32_t flags = (uint32_t)c->arg[2];
    if (flags & ~(uint32_t)AT_REMOVEDIR)
        return -EINVAL;
    return do_remove((int)c->arg[0], uptr(c->arg[1]), flags & AT_REMOVEDIR);
}
