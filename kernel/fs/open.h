// SPDX-License-Identifier: MPL-2.0
// Opening and creating files by path: the shared core of open, openat, creat and exec.
#ifndef KEEL_FS_OPEN_H
#define KEEL_FS_OPEN_H

#include "fs/file.h"
#include "fs/namei.h"

/* Open the walked path nd (vfs_lock held) with open flags and creation mode. */
int vfs_open_locked(struct nameidata *nd, uint32_t flags, uint32_t mode, struct file **out) __must_check;
/* Walk nd and open it (takes and drops vfs_lock, then runs ops->open_wait). */
int vfs_open_nd(struct nameidata *nd, uint32_t flags, uint32_t mode, struct file **out) __must_check;
/* The lookup flags open(flags) implies. */
unsigned open_lookup_flags(uint32_t flags);
/*
 * Create a new node named by nd's last component (vfs_lock held): checks the
 * parent is a live, writable directory and the name is free. ino gets linked.
 */
int vfs_create_locked(struct nameidata *nd, uint32_t mode, uint64_t rdev, struct dentry **out) __must_check;
/* The same with a symlink body, which a disk file system stores (tmpfs: the caller sets it). */
int vfs_create_target_locked(struct nameidata *nd, uint32_t mode, uint64_t rdev, const char *target,
                             struct dentry **out) __must_check;
/* Open an inode's file operations for f_flags: char devices, FIFOs, files, directories. */
int file_ops_for(struct inode *ino, uint32_t flags, const struct file_ops **ops) __must_check;

/* Checks for removing nd's child (unlink: isdir false; rmdir, rename over a dir: true). */
int vfs_may_delete_locked(struct nameidata *nd, bool isdir) __must_check;

#endif
