// SPDX-License-Identifier: MPL-2.0
// Inode lifetime, timestamps, permission checks and stat.
#include <ostd/heap.h>
#include <ostd/time.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/memfd.h>
#include "fs/inode.h"
#include "proc/cred.h"
#include "fs/dcache.h"
#include "fs/tmpfs.h"
#include "fs/pipe.h"
#include "fs/xattr.h"
#include "fs/lock.h"
#include "mm/mm.h"

struct inode *inode_new(struct super_block *sb, uint32_t mode)
{
    struct inode *ino = kzalloc(sizeof(*ino));
    if (!ino)
        return NULL;
    ino->refcount = 1;
    ino->sb = sb;
    ino->ino = atomic_add(&sb->next_ino, 1);
    atomic_add(&sb->inodes_used, 1);
    ino->mode = mode;
    ino->uid = current_fsuid();
    ino->gid = current_fsgid();
    ino->nlink = S_ISDIR(mode) ? 2 : 1;
    ino->seals = F_SEAL_SEAL;   /* only memfd_create(MFD_ALLOW_SEALING) makes a sealable file */
    ino->atime = ino->mtime = ino->ctime = fs_now();
    mutex_init(&ino->lock);
    list_init(&ino->xattrs);
    list_init(&ino->file_locks);
    return ino;
}

void inode_get(struct inode *ino)
{
    atomic_add(&ino->refcount, 1);
}

void inode_put(struct inode *ino)
{
    if (!ino || atomic_sub(&ino->refcount, 1) != 0)
        return;
    if (ino->iops && ino->iops->evict)
        ino->iops->evict(ino);
    tmpfs_free_data(ino);
    atomic_sub(&ino->sb->inodes_used, 1);
    pipe_put(ino->fifo);
    xattr_free_all(ino);
    locks_free_inode(ino);
    kfree(ino->symlink);
    kfree(ino);
}

int inode_setsize_locked(struct inode *ino, uint64_t size)
{
    if (ino->iops && ino->iops->setsize)
        return ino->iops->setsize(ino, size);
    return tmpfs_truncate_locked(ino, size);
}

int inode_setsize(struct inode *ino, uint64_t size)
{
    mutex_lock(&ino->lock);
    bool shrink = size < ino->size;
    int r = inode_setsize_locked(ino, size);
    mutex_unlock(&ino->lock);
    if (!r && shrink)
        mm_unmap_file_tail(ino, size);
    return r;
}

int inode_write_back(struct inode *ino)
{
    return ino->iops && ino->iops->write_inode ? ino->iops->write_inode(ino) : 0;
}

struct linux_timespec fs_now(void)
{
    uint64_t ns = clock_realtime_ns();
    return (struct linux_timespec){ (int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC) };
}

void inode_touch_mc(struct inode *ino)
{
    ino->mtime = ino->ctime = fs_now();
}

uint32_t current_fsuid(void) { return cred_current_fsuid(); }
uint32_t current_fsgid(void) { return cred_current_fsgid(); }

int inode_permission(const struct inode *ino, int mask)
{
    uint32_t uid = current_fsuid(), mode = ino->mode;
    if (uid == 0) {
        if ((mask & X_OK) && !S_ISDIR(mode) && !(mode & 0111))
            return -EACCES;
        return 0;
    }
    uint32_t bits = uid == ino->uid ? (mode >> 6) : cred_current_in_group(ino->gid) ? (mode >> 3) : mode;
    return ((uint32_t)mask & ~bits & 7) ? -EACCES : 0;
}

void inode_stat(struct inode *ino, struct linux_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = ino->sb->dev;
    st->st_ino = ino->ino;
    st->st_nlink = ino->nlink;
    st->st_mode = ino->mode;
    st->st_uid = ino->uid;
    st->st_gid = ino->gid;
    st->st_rdev = ino->rdev;
    st->st_size = (int64_t)ino->size;
    st->st_blksize = ino->sb->blksize ? ino->sb->blksize : 4096;
    st->st_blocks = (int64_t)(ino->sb->sops ? ino->disk_blocks : tmpfs_blocks(ino));
    st->st_atim = ino->atime;
    st->st_mtim = ino->mtime;
    st->st_ctim = ino->ctime;
}
