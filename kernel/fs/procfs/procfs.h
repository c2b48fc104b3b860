// SPDX-License-Identifier: MPL-2.0
// procfs internals: the entry tables, text buffers and process lookup shared by its files.
#ifndef KEEL_FS_PROCFS_H
#define KEEL_FS_PROCFS_H

#include <ostd/types.h>
#include "fs/dcache.h"
#include "fs/file.h"

struct process;

/* A growing text buffer for a file's contents. */
struct pbuf { char *data; size_t len, cap; bool oom; };
void pb_printf(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pb_write(struct pbuf *b, const void *p, size_t n);

/*
 * One name in a procfs directory. An inode made from an entry keeps it in
 * fs_priv; fs_id is the pid (0 for global files), fs_id2 the fd or tid.
 */
struct proc_entry {
    const char *name;
    uint32_t mode;
    int (*show)(struct pbuf *b, const struct inode *ino);                   /* regular files */
    long (*store)(const struct inode *ino, const char *buf, size_t len);     /* writable files */
    long (*link)(const struct inode *ino, char *buf, size_t size, struct file **target); /* links */
    const struct proc_entry *children;  /* static directory: table ending with a NULL name */
    const struct inode_ops *iops;       /* directory behaviour (static or dynamic) */
};

/* Make name -> a new inode for e under dir (vfs_lock held); NULL on OOM. */
struct dentry *proc_add_locked(struct dentry *dir, const struct proc_entry *e,
                               int64_t id, int64_t id2, const char *name, size_t len);
/* Remove the children of dir for which keep() says no (vfs_lock held). */
void proc_prune_locked(struct dentry *dir, bool (*keep)(struct dentry *d));
/* Static directories: children from the entry's table. */
extern const struct inode_ops proc_static_iops;
struct dentry *proc_static_lookup(struct dentry *dir, const char *name, size_t len);
void proc_static_revalidate(struct dentry *dir);

/* Parse a decimal name ("123") into *out; false if it is not one. */
bool proc_name_num(const char *name, size_t len, int64_t *out);

/*
 * Find pid and lock it: tasklist_lock, then p->lock (a trylock when the
 * caller holds vfs_lock, since fork copies fs contexts under p->lock).
 * NULL when the process does not exist (or stays busy). proc_unlock undoes it.
 */
struct process *proc_lock(int64_t pid, bool holding_vfs);
void proc_unlock(struct process *p);

/* Tables (pid.c, global.c). */
extern const struct proc_entry proc_root_entry, proc_pid_dir_entry, proc_tid_dir_entry;
extern const struct proc_entry proc_root_entries[];
extern const struct proc_entry proc_sys_vm[];       /* sys_vm.c */
extern const struct inode_ops proc_root_iops;

/* Shared by pid.c and global.c: mount table text for the calling process's root. */
int proc_show_mounts(struct pbuf *b, bool mountinfo);

#endif
