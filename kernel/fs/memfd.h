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

/* For mmap: -EPERM when a shared writable mapping of ino is refused by F_SEAL_WRITE/F_SEAL_FUTURE_WRITE. */
int memfd_check_shared_write(struct inode *ino) __must_check;
/*
 * A shared mapping of a file open for writing (kernel/mm, VMA_WCOUNT): 0 when
 * it is counted as possibly writable (F_SEAL_WRITE then fails with -EBUSY
 * until memfd_shared_map_put); 1 when a write seal makes it read-only for
 * ever (not counted); -EPERM when write asks for PROT_WRITE on a sealed file.
 * Takes the inode lock. _get counts a copy (fork, split), _put drops one.
 */
int memfd_shared_map_begin(struct inode *ino, bool write) __must_check;
void memfd_shared_map_get(struct inode *ino);
void memfd_shared_map_put(struct inode *ino);

#endif
