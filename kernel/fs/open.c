// SPDX-License-Identifier: MPL-2.0
// open(2) semantics on a resolved path: creation, O_EXCL, O_NOFOLLOW, O_TRUNC, access checks.
#include <ostd/heap.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/capability.h>
#include <uapi/mount.h>
#include "proc/cred.h"
#include "fs/open.h"
#include "fs/tmpfs.h"
#include "fs/chrdev.h"
#include "fs/pipe.h"
#include "block/blkdev_file.h"

unsigned open_lookup_flags(uint32_t flags)
{
    unsigned lf = 0;
    if (!(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
        lf |= LOOKUP_FOLLOW;
    if (flags & O_DIRECTORY)
        lf |= LOOKUP_DIRECTORY;
    return lf;
}

int file_ops_for(struct inode *ino, uint32_t flags, const struct file_ops **ops)
{
    if (flags & O_PATH) {
        *ops = &empty_ops;
        return 0;
    }
    switch (ino->mode & S_IFMT) {
    case S_IFREG: *ops = ino->fops ? ino->fops : &tmpfs_file_ops; return 0;
    case S_IFDIR: *ops = ino->fops ? ino->fops : &tmpfs_dir_ops; return 0;
    case S_IFCHR: return chrdev_ops(ino->rdev, ops);
    case S_IFBLK: return blkdev_file_ops(ino->rdev, ops);
    case S_IFIFO: *ops = &fifo_ops; return 0;
    default: return -ENXIO;     /* sockets: FIXME with unix sockets */
    }
}

/* A disk file system makes the inode itself (and writes the directory entry). */
static int create_on_disk(struct dentry *dir, struct nameidata *nd, uint32_t mode, uint64_t rdev,
                          const char *target, struct dentry **out)
{
    struct inode *ino;
    int r = dir->inode->iops->create(dir->inode, nd->last, nd->last_len, mode, rdev, target, &ino);
    if (r)
        return r;
    struct dentry *d = dentry_add_locked(dir, nd->last, nd->last_len, ino);
    inode_put(ino);
    if (!d)
        return -ENOMEM;     /* FIXME: the entry stays on disk; a later lookup finds it */
    *out = d;
    return 0;
}

int vfs_create_locked(struct nameidata *nd, uint32_t mode, uint64_t rdev, struct dentry **out)
{
    return vfs_create_target_locked(nd, mode, rdev, NULL, out);
}

int vfs_create_target_locked(struct nameidata *nd, uint32_t mode, uint64_t rdev, const char *target,
                             struct dentry **out)
{
    struct dentry *dir = nd->parent.dentry;
    if (nd->child.dentry || nd->last_type != LAST_NORM)
        return -EEXIST;
    if (dir->dead)
        return -ENOENT;
    int r = mnt_want_write(nd->parent.mnt);
    if (r)
        return r;
    r = inode_permission(dir->inode, W_OK | X_OK);
    if (r)
        return r;
    if ((S_ISCHR(mode) || S_ISBLK(mode)) && !capable(CAP_MKNOD))
        return -EPERM;
    if (dir->inode->iops && dir->inode->iops->create)
        return create_on_disk(dir, nd, mode, rdev, target, out);
    struct super_block *sb = dir->inode->sb;
    if (sb->inode_limit && atomic_load(&sb->inodes_used) >= sb->inode_limit)
        return -ENOSPC;     /* tmpfs nr_inodes= (creation is serialised by vfs_lock) */
    struct inode *ino = inode_new(sb, mode);
    if (!ino)
        return -ENOMEM;
    ino->rdev = rdev;
    struct dentry *d = dentry_add_locked(dir, nd->last, nd->last_len, ino);
    inode_put(ino);
    if (!d)
        return -ENOMEM;
    if (S_ISDIR(mode))
        dir->inode->nlink++;
    inode_touch_mc(dir->inode);
    *out = d;
    return 0;
}

static int open_create_locked(struct nameidata *nd, uint32_t flags, uint32_t mode)
{
    if (nd->trailing_slash || nd->last_type != LAST_NORM)
        return -EISDIR;
    struct fs_context *fs = current_fs();
    struct dentry *d;
    int r = vfs_create_locked(nd, S_IFREG | (mode & 07777 & ~atomic_load(&fs->umask)), 0, &d);
    if (!r)
        nd->child = (struct path){ nd->parent.mnt, d };
    return r;
}

static int open_check_locked(struct nameidata *nd, uint32_t flags)
{
    struct inode *ino = nd->child.dentry->inode;
    if (flags & O_PATH)
        return 0;
    if (S_ISLNK(ino->mode))
        return -ELOOP;
    uint32_t acc = flags & O_ACCMODE;
    if (S_ISDIR(ino->mode) && ((flags & O_CREAT) || acc != O_RDONLY))
        return -EISDIR;
    int mask = (acc == O_RDONLY || acc == O_RDWR ? R_OK : 0) | (acc != O_RDONLY ? W_OK : 0);
    if ((flags & O_TRUNC) && acc == O_RDONLY)
        mask |= W_OK;
    if ((mask & W_OK) && S_ISREG(ino->mode) && mnt_want_write(nd->child.mnt))
        return -EROFS;
    if ((S_ISCHR(ino->mode) || S_ISBLK(ino->mode)) && (nd->child.mnt->flags & MS_NODEV))
        return -EACCES;
    return inode_permission(ino, mask);
}

int vfs_open_locked(struct nameidata *nd, uint32_t flags, uint32_t mode, struct file **out)
{
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;     /* FIXME: O_TMPFILE */
    if (flags & O_PATH)
        flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int r = 0;
    if (!nd->child.dentry) {
        if (!(flags & O_CREAT))
            return -ENOENT;
        r = open_create_locked(nd, flags, mode);
    } else if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
        return -EEXIST;
    } else {
        r = open_check_locked(nd, flags);
    }
    if (r)
        return r;
    struct inode *ino = nd->child.dentry->inode;
    const struct file_ops *ops;
    r = file_ops_for(ino, flags, &ops);
    if (r)
        return r;
    uint32_t fl = (flags & ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
    r = file_alloc(&nd->child, ino, ops, fl, out);
    if (r || !(flags & O_TRUNC) || !S_ISREG(ino->mode) || (flags & O_PATH))
        return r;
    r = inode_setsize(ino, 0);
    inode_touch_mc(ino);
    return r;
}

int vfs_open_nd(struct nameidata *nd, uint32_t flags, uint32_t mode, struct file **out)
{
    mutex_lock(&vfs_lock);
    int r = nd_walk_locked(nd);
    if (!r)
        r = vfs_open_locked(nd, flags, mode, out);
    mutex_unlock(&vfs_lock);
    if (!r && (*out)->ops->open_wait) {
        r = (*out)->ops->open_wait(*out);
        if (r)
            file_put(*out);
    }
    return r;
}

int vfs_open_kernel(const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
    struct nameidata nd;
    int r = nd_init_kernel(&nd, path, open_lookup_flags(flags));
    if (!r)
        r = vfs_open_nd(&nd, flags, mode, out);
    nd_fini(&nd);
    return r;
}
