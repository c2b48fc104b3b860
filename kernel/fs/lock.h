// SPDX-License-Identifier: MPL-2.0
// File locks: POSIX record locks, open-file-description (OFD) locks and flock(2) locks.
#ifndef KEEL_FS_LOCK_H
#define KEEL_FS_LOCK_H

#include "fs/file.h"

/* fcntl F_GETLK/F_SETLK/F_SETLKW/F_OFD_GETLK/F_OFD_SETLK/F_OFD_SETLKW on f; 0 or -errno. */
long lock_fcntl(struct file *f, unsigned cmd, uptr_t arg);
/* The descriptor table ft closed one of its descriptors for f: drop ft's POSIX locks on f's inode. */
void locks_remove_posix(struct file *f, struct files *ft);
/* The last reference to f went away: drop its OFD and flock locks. */
void locks_remove_file(struct file *f);
/* Free the lock list of an inode being destroyed (empty by then: every lock dies with its file). */
void locks_free_inode(struct inode *ino);
void locks_init(void);

#endif
