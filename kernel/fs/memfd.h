// SPDX-License-Identifier: MPL-2.0
// memfd_create and file seals: anonymous tmpfs files that can be made immutable.
#ifndef KEEL_FS_MEMFD_H
#define KEEL_FS_MEMFD_H

#include "fs/file.h"

/*
 * fcntl F_ADD_SEALS / F_GET_SEALS on f: the seals (F_GET_SEALS), 0, or
 * -EPERM (not open for writing, F_SEAL_SEAL set), -EINVAL (not a tmpfs
 * regular file, unknown seal bits). Takes the inode lock.
 */
long memfd_fcntl(struct file *f, unsigned cmd, uint64_t arg);

/*
 * For mmap of tmpfs files (FIXME: file mappings are not in yet): -EPERM when a
 * shared writable mapping of ino is refused by F_SEAL_WRITE/F_SEAL_FUTURE_WRITE.
 * Whoever adds them must also count shared writable mappings so that adding
 * F_SEAL_WRITE while one exists fails with -EBUSY (see memfd_fcntl).
 */
int memfd_check_shared_write(struct inode *ino) __must_check;

#endif
