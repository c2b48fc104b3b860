// SPDX-License-Identifier: MPL-2.0
// Extended attributes kept in memory on tmpfs inodes (user.*, trusted.*, security.*).
#ifndef KEEL_FS_XATTR_H
#define KEEL_FS_XATTR_H

#include "fs/inode.h"

/* All take vfs_lock held. name is NUL-terminated and already length-checked. */
int xattr_set_locked(struct inode *ino, const char *name, const void *val, size_t len, int flags) __must_check;
/* Copy the value into buf (size 0: only report the length); length, -ENODATA or -ERANGE. */
long xattr_get_locked(struct inode *ino, const char *name, void *buf, size_t size);
/* NUL-separated names into buf (size 0: only report the length). */
long xattr_list_locked(struct inode *ino, char *buf, size_t size);
int xattr_remove_locked(struct inode *ino, const char *name) __must_check;
/* Namespace check: -EOPNOTSUPP for unknown prefixes, -EPERM for user.* on special files. */
int xattr_name_ok(const struct inode *ino, const char *name, bool write) __must_check;
void xattr_free_all(struct inode *ino);

#endif
