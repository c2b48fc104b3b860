// SPDX-License-Identifier: MPL-2.0
// statfs, fstatfs and statx.
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/statfs.h>
#include <uapi/mount.h>
#include "fs/fs_syscalls.h"
#include "fs/tmpfs.h"

static int64_t statfs_flags(uint32_t mf)
{
    static const uint32_t map[][2] = {
        { MS_RDONLY, ST_RDONLY }, { MS_NOSUID, ST_NOSUID }, { MS_NODEV, ST_NODEV },
        { MS_NOEXEC, ST_NOEXEC }, { MS_NOATIME, ST_NOATIME }, { MS_NODIRATIME, ST_NODIRATIME },
        { MS_RELATIME, ST_RELATIME }, { MS_NOSYMFOLLOW, ST_NOSYMFOLLOW },
    };
    int64_t fl = ST_VALID;
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (mf & map[i][0])
            fl |= map[i][1];
    return fl;
}

static void fill_statfs(const struct super_block *sb, uint32_t mflags, struct linux_statfs *st)
{
    memset(st, 0, sizeof(*st));
    st->f_type = (int64_t)sb->magic;
    st->f_bsize = 4096;
    st->f_frsize = 4096;
    st->f_namelen = NAME_MAX;
    st->f_flags = statfs_flags(mflags);
    /* A mounted tmpfs has a size (half of RAM unless size= says otherwise); size=0 has none. */
    uint64_t limit = sb->size_limit;
    if (limit) {
        uint64_t used = atomic_load(&sb->pages_used);
        st->f_blocks = limit / 4096;
        st->f_bfree = st->f_bavail = st->f_blocks - MIN(used, st->f_blocks);
    }
    if (sb->inode_limit) {
        uint64_t used = atomic_load(&sb->inodes_used);
        st->f_files = sb->inode_limit;
        st->f_ffree = sb->inode_limit - MIN(used, sb->inode_limit);
    }
    if (sb->sops && sb->sops->statfs)
        sb->sops->statfs((struct super_block *)sb, st);
}

static long statfs_out(struct inode *ino, uint32_t mflags, uptr_t ubuf)
{
    struct linux_statfs st;
    fill_statfs(ino->sb, mflags, &st);
    inode_put(ino);
    return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_statfs(struct sys_call *c)
{
    struct nameidata nd;
    struct inode *ino = NULL;
    uint32_t mflags = 0;
    int r = nd_init(&nd, AT_FDCWD, uptr(c->arg[0]), LOOKUP_FOLLOW);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r) {
            ino = nd.child.dentry->inode;
            mflags = nd.child.mnt->flags;
            inode_get(ino);
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r ? r : statfs_out(ino, mflags, uptr(c->arg[1]));
}

long sys_fstatfs(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    struct inode *ino = f->inode;
    inode_get(ino);
    mutex_lock(&vfs_lock);
    uint32_t mflags = f->path.mnt ? f->path.mnt->flags : 0;
    mutex_unlock(&vfs_lock);
    file_put(f);
    return statfs_out(ino, mflags, uptr(c->arg[1]));
}

static struct linux_statx_timestamp stx_time(struct linux_timespec t)
{
    return (struct linux_statx_timestamp){ t.tv_sec, (uint32_t)t.tv_nsec, 0 };
}

static void fill_statx(struct inode *ino, struct linux_statx *sx)
{
    struct linux_stat st;
    inode_stat(ino, &st);
    memset(sx, 0, sizeof(*sx));
    sx->stx_mask = STATX_BASIC_STATS | STATX_MNT_ID;
    sx->stx_blksize = (uint32_t)st.st_blksize;
    sx->stx_nlink = (uint32_t)st.st_nlink;
    sx->stx_uid = st.st_uid;
    sx->stx_gid = st.st_gid;
    sx->stx_mode = (uint16_t)st.st_mode;
    sx->stx_ino = st.st_ino;
    sx->stx_size = (uint64_t)st.st_size;
    sx->stx_blocks = (uint64_t)st.st_blocks;
    sx->stx_atime = stx_time(st.st_atim);
    sx->stx_ctime = stx_time(st.st_ctim);
    sx->stx_mtime = stx_time(st.st_mtim);
    sx->stx_rdev_major = linux_major(st.st_rdev);
    sx->stx_rdev_minor = linux_minor(st.st_rdev);
    sx->stx_dev_major = linux_major(st.st_dev);
    sx->stx_dev_minor = linux_minor(st.st_dev);
    sx->stx_mnt_id = st.st_dev;     /* FIXME: real mount ids with /proc/self/mountinfo */
}

long sys_statx(struct sys_call *c)
{
    int dirfd = (int)c->arg[0];
    uint32_t flags = (uint32_t)c->arg[2], mask = (uint32_t)c->arg[3];
    if (flags & ~(uint32_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return -EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
        return -EINVAL;
    struct nameidata nd;
    struct inode *ino = NULL;
    unsigned lf = (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) | (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
    int r = nd_init(&nd, dirfd, uptr(c->arg[1]), lf);
    if (!r && nd.empty && nd.dirf) {
        ino = nd.dirf->inode;
        inode_get(ino);
    } else if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r) {
            ino = nd.child.dentry->inode;
            inode_get(ino);
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    if (r)
        return r;
    struct linux_statx sx;
    mutex_lock(&vfs_lock);
    fill_statx(ino, &sx);
    mutex_unlock(&vfs_lock);
    inode_put(ino);
    return copy_to_user(uptr(c->arg[4]), &sx, sizeof(sx)) ? -EFAULT : 0;
}
