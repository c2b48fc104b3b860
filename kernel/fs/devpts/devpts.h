// SPDX-License-Identifier: MPL-2.0
// devpts: the /dev/pts file systems of pseudo-terminal slaves, and the ptmx/pts device operations.
#ifndef KEEL_FS_DEVPTS_DEVPTS_H
#define KEEL_FS_DEVPTS_DEVPTS_H

#include "fs/file.h"

#define PTY_MAX 256             /* pairs open at once per instance (Linux's default kernel.pty.max is larger) */
#define PTY_SLAVE_MAJOR 136

struct pty;
struct devpts_inst;

/* /dev/ptmx and <devpts>/ptmx (5:2), and the slaves (136:N). */
extern const struct file_ops ptmx_ops;
extern const struct file_ops pty_slave_ops;

/* mount -t devpts: always a new instance (Linux >= 4.7); options mode=, gid=, uid=, ptmxmode=, newinstance, max=. */
int devpts_make(const char *data, struct dentry **root) __must_check;

/*
 * The instance a ptmx file allocates in: its own devpts for <devpts>/ptmx;
 * for a ptmx node elsewhere (/dev/ptmx) the devpts mounted on "pts" beside
 * it, else the initial instance (made on first use). vfs_lock held; NULL on -ENOMEM.
 */
struct devpts_inst *devpts_inst_of_ptmx_locked(struct file *f);
/* The instance of a slave node (136:N); a node outside any devpts means the initial one (NULL if none yet
 * or the node's instance is unmounted). vfs_lock held (the open path). */
struct devpts_inst *devpts_inst_of_node(struct inode *ino);
/* Give pt the lowest free index below the instance's max=: the index, or -ENOSPC. */
int devpts_index_alloc(struct devpts_inst *in, struct pty *pt) __must_check;
/* The pty left (its last file closed): free its index, and the instance if it is unmounted and this was its last pty. */
void devpts_index_free(struct devpts_inst *in, int idx);
/* Look up index idx and, with the instance's lock held, let pty_slave_try_get take a reference; NULL if none. */
struct pty *devpts_pty_get(struct devpts_inst *in, unsigned idx);
/* Implemented by pty.c: take a slave reference if the pty may be opened (unlocked, master open). Nested lock. */
bool pty_slave_try_get(struct pty *pt);

/* Show <devpts>/idx (a new master, uid/gid/mode from the options or the caller); 0 or -ENOMEM. */
int devpts_add(struct devpts_inst *in, int idx) __must_check;
/* Remove it (the master closed). */
void devpts_remove(struct devpts_inst *in, int idx);
/* TIOCGPTPEER: install a new slave file of pty idx in the caller's table; the fd or -errno. */
long devpts_open_slave(struct devpts_inst *in, int idx, uint32_t flags);

#endif
