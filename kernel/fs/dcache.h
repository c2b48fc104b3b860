// SPDX-License-Identifier: MPL-2.0
// Dentries (the name tree, which tmpfs uses as its directory store), mounts and paths.
#ifndef KEEL_FS_DCACHE_H
#define KEEL_FS_DCACHE_H

#include <ostd/types.h>
#include <ostd/list.h>
#include <ostd/sync.h>
#include "fs/inode.h"

/*
 * The VFS lock: one mutex guards the dentry tree (children, parent, names,
 * dead), the mount table and inode metadata. Lock order: vfs_lock -> inode lock
 * -> files lock -> pipe lock. FIXME: per-directory locks and RCU-style lookups
 * once contention matters.
 */
extern struct mutex vfs_lock;

struct mount;

struct dentry {
    uint32_t refcount;          /* atomic; a live dentry holds one for the tree */
    char *name;
    size_t namelen;
    struct dentry *parent;      /* holds a reference on parent; NULL for a root */
    struct inode *inode;        /* holds a reference; never NULL */
    struct list_head children;  /* guarded by vfs_lock, ordered by cookie */
    struct list_head sibling;
    uint64_t cookie;            /* position in the parent, for getdents offsets */
    uint64_t next_cookie;       /* directories: next child cookie */
    uint32_t mounted;           /* number of mounts on this dentry; guarded by vfs_lock */
    bool dead;                  /* unlinked; guarded by vfs_lock */
};

/*
 * A mounted file system instance in the (single, for now) mount namespace.
 * Fields are guarded by vfs_lock. A mount stays allocated after umount
 * (FIXME: free detached mounts when refcount drops to 0).
 */
struct mount {
    struct super_block *sb;
    struct dentry *root;
    struct mount *parent;       /* NULL for the namespace root and for detached mounts */
    struct dentry *mountpoint;  /* in parent; holds a reference while attached */
    uint32_t flags;             /* per-mount MS_RDONLY/NOSUID/NODEV/NOEXEC/atime flags */
    uint32_t propagation;       /* MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE (recorded only) */
    uint32_t refcount;          /* atomic: paths held by files, cwd and root */
    int id;                     /* mountinfo mount ID */
    bool attached;              /* in the mount list */
    char *source;               /* the device name given to mount(2), for /proc/mounts */
    struct list_head node;      /* in mount_list */
};

/* Every attached mount, parents before children. Guarded by vfs_lock. */
extern struct list_head mount_list;

struct path {
    struct mount *mnt;
    struct dentry *dentry;
};

struct dentry *dentry_new_root(struct inode *ino) __must_check;
/* Link a new child name -> ino under dir (takes a new inode reference). vfs_lock held. */
struct dentry *dentry_add_locked(struct dentry *dir, const char *name, size_t len, struct inode *ino) __must_check;
/* Unlink: mark dead and drop the tree reference. vfs_lock held. */
void dentry_remove_locked(struct dentry *d);
/*
 * Unlink d and everything below it, children first, so that unused dentries
 * are freed (dentry_remove_locked on a directory alone leaves its children
 * holding it). Dentries still held stay until released. vfs_lock held.
 */
void dentry_remove_tree_locked(struct dentry *d);
struct dentry *dentry_lookup_locked(struct dentry *dir, const char *name, size_t len);
void dget(struct dentry *d);
void dput(struct dentry *d);

void path_get(const struct path *p);
void path_put(const struct path *p);

/* The root mount of the namespace (set by vfs_init). */
extern struct mount *root_mount;
/* Mount a super block with root dentry on mountpoint mp. vfs_lock held. */
int mount_add_locked(struct path *mp, struct super_block *sb, struct dentry *root) __must_check;
/* Attach m (sb, root, flags set by the caller) on mp. vfs_lock held. */
void mount_attach_locked(struct mount *m, struct path *mp);
/* Take m out of the tree (its mount point loses a reference). vfs_lock held. */
void mount_detach_locked(struct mount *m);
/* A new, unattached mount of sb at root (takes a dentry reference), or NULL. */
struct mount *mount_alloc(struct super_block *sb, struct dentry *root, const char *source) __must_check;
/* -EROFS when writes through m are not allowed. vfs_lock held. */
int mnt_want_write(const struct mount *m) __must_check;
/* The mount stacked on (mnt, d), or NULL. vfs_lock held. */
struct mount *mount_lookup_locked(struct mount *mnt, struct dentry *d);

/* Build the absolute path of p as seen from root into buf; length or -ENAMETOOLONG/-ENOENT. */
long path_to_string_locked(const struct path *p, const struct path *root, char *buf, size_t size);

#endif
