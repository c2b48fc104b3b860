// SPDX-License-Identifier: MPL-2.0
// tmpfs: memory-backed files (sparse page arrays); its directory tree is the dentry tree.
#ifndef KEEL_FS_TMPFS_H
#define KEEL_FS_TMPFS_H

#include "fs/inode.h"
#include "fs/file.h"

#define TMPFS_MAGIC 0x01021994

struct super_block *tmpfs_new_sb(void) __must_check;
extern const struct file_ops tmpfs_file_ops;
extern const struct file_ops tmpfs_dir_ops;
extern const struct file_ops empty_ops;     /* O_PATH and symlinks: no I/O */

/* Set the size, freeing pages past it; inode lock held. */
int tmpfs_truncate_locked(struct inode *ino, uint64_t size) __must_check;
/* Copy kernel bytes into a file at off (initramfs unpacking). */
long tmpfs_write_kernel(struct inode *ino, uint64_t off, const void *buf, size_t len);
void tmpfs_free_data(struct inode *ino);
/*
 * fallocate: allocate (zeroed) every page of [off, off + len), charged against
 * size=; -ENOSPC (nothing charged) when they do not fit, -EPERM past the end
 * of an F_SEAL_GROW file, -EFBIG. The size is the caller's. Inode lock held.
 */
int tmpfs_fallocate_locked(struct inode *ino, uint64_t off, uint64_t len) __must_check;
/* file_ops.get_page for tmpfs files (see fs/file.h). */
int tmpfs_get_page(struct inode *ino, uint64_t idx, struct frame **out) __must_check;
uint64_t tmpfs_blocks(const struct inode *ino);

#endif
