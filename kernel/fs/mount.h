// SPDX-License-Identifier: MPL-2.0
// mount(2), umount2(2), pivot_root(2) and the file-system types mount(2) can create.
#ifndef KEEL_FS_MOUNT_H
#define KEEL_FS_MOUNT_H

#include "syscall/syscall.h"
#include "fs/dcache.h"

struct fs_type {
    const char *name;
    /* A new instance for the mount data string; *root gets a dentry reference. */
    int (*make)(const char *data, struct dentry **root);
    bool nodev;     /* listed as "nodev" in /proc/filesystems */
    /*
     * Block-device file systems: make an instance on the device named by
     * source (a path), read-only when flags has MS_RDONLY. No lock held.
     */
    int (*make_dev)(const char *source, uint32_t flags, const char *data, struct dentry **root);
};

/* Every type mount(2) knows, NULL-terminated (for /proc/filesystems). */
extern const struct fs_type *const fs_types[];

/* File systems provided elsewhere. */
int procfs_make(const char *data, struct dentry **root) __must_check;
int sysfs_make(const char *data, struct dentry **root) __must_check;
int ext2_make(const char *source, uint32_t flags, const char *data, struct dentry **root) __must_check;
/* The same on a block device (the boot-time root mount); flags: MS_RDONLY. */
struct blkdev;
int ext2_make_bdev(struct blkdev *bd, uint32_t flags, struct dentry **root) __must_check;
/* The first block device holding an ext2 file system whose volume name is label, or NULL. */
struct blkdev *ext2_find_label(const char *label);

long sys_mount(struct sys_call *c);
long sys_umount2(struct sys_call *c);
long sys_pivot_root(struct sys_call *c);

#endif
