// SPDX-License-Identifier: MPL-2.0
// Path resolution as Linux does it: dirfd/AT_FDCWD, root and cwd, mounts, symlinks (40 at most).
#ifndef KEEL_FS_NAMEI_H
#define KEEL_FS_NAMEI_H

#include <ostd/types.h>
#include "fs/dcache.h"

#define LOOKUP_FOLLOW    1u   /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2u   /* the result must be a directory */
#define LOOKUP_EMPTY     4u   /* "" names dirfd itself (AT_EMPTY_PATH) */

#define MAXSYMLINKS 40

enum last_type { LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT };

struct fs_context {
    uint32_t refcount;          /* atomic */
    struct path root, cwd;      /* guarded by vfs_lock; each holds a dentry reference */
    uint32_t umask;             /* atomic */
};

struct file;

struct nameidata {
    unsigned flags;
    char *buf, *tmp;            /* the path being walked, rewritten when symlinks expand */
    struct file *dirf;          /* dirfd's file, or NULL for AT_FDCWD / absolute paths */
    struct file *link_file;     /* the last magic link's target (a reference), or NULL */
    bool empty;                 /* "" with LOOKUP_EMPTY */
    /* results, valid while vfs_lock is held */
    struct path parent;         /* the directory of the last component */
    const char *last;
    size_t last_len;
    enum last_type last_type;
    bool trailing_slash;
    struct path child;          /* the last component; dentry NULL when it does not exist */
};

struct fs_context *current_fs(void);

/* Copy the user path in and take dirfd; no lock taken. -EFAULT, -ENAMETOOLONG, -ENOENT, -EBADF. */
int nd_init(struct nameidata *nd, int dirfd, uptr_t upath, unsigned flags) __must_check;
/* Same for a kernel path (exec, boot). */
int nd_init_kernel(struct nameidata *nd, const char *path, unsigned flags) __must_check;
/* A kernel path relative to dirfd (execveat). */
int nd_init_kernel_at(struct nameidata *nd, int dirfd, const char *path, unsigned flags) __must_check;
/*
 * Walk under vfs_lock. Success leaves parent/last/child set; a missing last
 * component is not an error (child.dentry == NULL), a missing directory is.
 * Trailing slashes and LOOKUP_DIRECTORY are checked against an existing child.
 */
int nd_walk_locked(struct nameidata *nd) __must_check;
void nd_fini(struct nameidata *nd);
/* (dirfd, path) to an inode reference; AT_EMPTY_PATH (LOOKUP_EMPTY) names dirfd itself. */
int inode_at(int dirfd, uptr_t upath, unsigned lookup, struct inode **out) __must_check;

/* Walk and require an existing result: -ENOENT if missing. */
int nd_lookup_locked(struct nameidata *nd) __must_check;

#endif
