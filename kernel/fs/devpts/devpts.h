// SPDX-License-Identifier: MPL-2.0
// devpts: the /dev/pts file system of pseudo-terminal slaves, and the ptmx/pts device operations.
#ifndef KEEL_FS_DEVPTS_DEVPTS_H
#define KEEL_FS_DEVPTS_DEVPTS_H

#include "fs/file.h"

#define PTY_MAX 256             /* pairs open at once (Linux's default kernel.pty.max is larger) */
#define PTY_SLAVE_MAJOR 136

/* /dev/ptmx and /dev/pts/ptmx (5:2), and the slaves (136:N). */
extern const struct file_ops ptmx_ops;
extern const struct file_ops pty_slave_ops;

/* mount -t devpts: options mode=, gid=, uid=, ptmxmode=, newinstance, max=; others EINVAL. */
int devpts_make(const char *data, struct dentry **root) __must_check;
/* Show /dev/pts/idx (a new master); 0 or -ENOMEM. */
int devpts_add(int idx) __must_check;
/* Remove it (the master closed). */
void devpts_remove(int idx);
/* TIOCGPTPEER: install a new slave file of pty idx in the caller's table; the fd or -errno. */
long devpts_open_slave(int idx, uint32_t flags);

#endif
