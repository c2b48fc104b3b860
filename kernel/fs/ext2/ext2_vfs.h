// SPDX-License-Identifier: MPL-2.0
// The ext2 VFS glue's private declarations: one mounted instance and its VFS inodes.
#ifndef KEEL_FS_EXT2_VFS_H
#define KEEL_FS_EXT2_VFS_H

#include <ostd/sync.h>
#include <ostd/list.h>
#include "fs/inode.h"
#include "fs/file.h"
#include "fs/ext2/ext2.h"

/*
 * One mounted ext2 file system. lock guards fs and every struct ext2_inode
 * of it (the core does no locking). Lock order: vfs_lock -> inode->lock ->
 * ext2_sbi.lock; nothing under lock takes vfs_lock or puts a VFS inode.
 */
struct ext2_sbi {
    struct super_block sb;
    struct mutex lock;
    struct ext2_fs *fs;         /* guarded by lock */
    struct blkdev *bd;          /* immutable */
    bool dead;                  /* unmounted; guarded by lock */
    struct dentry *root;        /* a reference, for further mounts of the device; guarded by ext2_mounts_lock; NULL once killed */
    struct list_head link;      /* ext2_mounts; guarded by ext2_mounts_lock */
};

static inline struct ext2_sbi *EXT2_SBI(const struct inode *ino)
{
    return ino->sb->fs_info;
}

static inline struct ext2_inode *EXT2_I(const struct inode *ino)
{
    return ino->fs_info;
}

extern const struct inode_ops ext2_iops;
extern const struct file_ops ext2_file_ops;
extern const struct super_ops ext2_sops;

/* The VFS inode of inode number ino (a new reference); sbi->lock held. */
int ext2_vnode_get_locked(struct ext2_sbi *s, uint32_t ino, struct inode **out) __must_check;
/* Copy the on-disk fields into the VFS inode; sbi->lock held. */
void ext2_vnode_refresh(struct inode *v, const struct ext2_inode *ip);

#endif
