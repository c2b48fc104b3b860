// SPDX-License-Identifier: MPL-2.0
// Inodes and superblocks: the objects file systems provide to the VFS.
#ifndef KEEL_FS_INODE_H
#define KEEL_FS_INODE_H

#include <ostd/types.h>
#include <ostd/sync.h>
#include <uapi/stat.h>

struct inode;
struct file_ops;
struct pipe;
struct dentry;
struct file;

/* Hooks for synthetic file systems (procfs, sysfs); NULL for tmpfs-style inodes. */
struct inode_ops {
    /* Directories: the child called name, made or refreshed on demand; NULL when missing. vfs_lock held. */
    struct dentry *(*lookup)(struct dentry *dir, const char *name, size_t len);
    /* Directories: bring the child dentries up to date before a listing. vfs_lock held. */
    void (*revalidate)(struct dentry *dir);
    /*
     * Symlinks: write the body for the calling process into buf (NUL-terminated)
     * and return its length, or -errno. A magic link (/proc/PID/fd/N, exe) also
     * sets *target to a new reference on the open file it stands for, which path
     * walking enters directly. vfs_lock held.
     */
    long (*get_link)(struct inode *ino, char *buf, size_t size, struct file **target);

    /*
     * Disk file systems (ext2): the VFS does its checks, then calls these under
     * vfs_lock to change the disk before it changes the dentry tree. Each
     * refreshes the VFS inodes it touched (nlink, size, times).
     * create: a new inode for name in dir (mode has the type; rdev for
     * devices, target for symlinks), returned as a new reference.
     */
    int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
                  const char *target, struct inode **out);
    int (*link)(struct inode *dir, const char *name, size_t len, struct inode *ino);
    /* unlink or rmdir (victim is the inode the name points at). */
    int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *victim);
    int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
                  const char *nname, size_t nlen);
    /* The VFS changed mode, owner or times: write them back. vfs_lock held. */
    int (*write_inode)(struct inode *ino);
    /* Truncate or extend; ino->lock held. */
    int (*setsize)(struct inode *ino, uint64_t size);
    /* Extended attributes by full name; value NULL removes. vfs_lock held. */
    long (*getxattr)(struct inode *ino, const char *name, void *buf, size_t size);
    int (*setxattr)(struct inode *ino, const char *name, const void *val, size_t size, int flags);
    long (*listxattr)(struct inode *ino, char *buf, size_t size);
    /* The last reference is gone; called by inode_put before the inode is freed. */
    void (*evict)(struct inode *ino);
};

struct linux_statfs;
struct super_block;

/* Super-block operations of disk file systems; NULL for memory file systems. */
struct super_ops {
    /* Block and inode counts (f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_bsize). */
    void (*statfs)(struct super_block *sb, struct linux_statfs *st);
    /* Write everything back (sync, syncfs, fsync). */
    int (*sync)(struct super_block *sb);
    /* MS_REMOUNT without MS_BIND: switch the whole file system to read-only or back. */
    int (*remount)(struct super_block *sb, bool rdonly);
    /* MS_REMOUNT without MS_BIND: apply the options in data (may be NULL). vfs_lock held. */
    int (*reconfigure)(struct super_block *sb, const char *data);
    /* The last mount is gone and nothing is open: write back, mark clean, stop. vfs_lock held. */
    void (*kill)(struct super_block *sb);
};

struct super_block {
    uint64_t dev;               /* st_dev of every inode */
    uint64_t magic;             /* statfs f_type */
    uint64_t next_ino;          /* guarded by vfs_lock */
    const char *type;
    uint64_t size_limit;        /* tmpfs size= in bytes (whole pages), 0 for none; set before first use */
    uint64_t inode_limit;       /* tmpfs nr_inodes=, 0 for none; set before first use */
    uint64_t pages_used;        /* atomic: tmpfs file pages allocated */
    uint64_t inodes_used;       /* atomic: live inodes */
    const struct super_ops *sops;   /* NULL for memory file systems; immutable */
    void *fs_info;              /* file-system private (ext2: its mount state); immutable */
    uint32_t blksize;           /* st_blksize; 0 means 4096 */
};

/*
 * An inode. Metadata (mode, uid, gid, nlink, times) is guarded by vfs_lock;
 * size and file data by lock. refcount counts dentries and open files.
 */
struct inode {
    uint32_t refcount;          /* atomic */
    uint64_t ino;
    const struct inode_ops *iops;   /* NULL for tmpfs; immutable */
    const void *fs_priv;        /* file-system private, immutable (procfs: the entry table row) */
    int64_t fs_id;              /* file-system private, immutable (procfs: pid, fd) */
    int64_t fs_id2;
    uint32_t mode, uid, gid;
    uint32_t nlink;
    uint64_t rdev;
    struct linux_timespec atime, mtime, ctime;
    struct super_block *sb;
    const struct file_ops *fops;    /* how open() of this inode behaves */
    struct mutex lock;
    uint64_t size;              /* guarded by lock */
    /* tmpfs storage */
    void *radix;                /* guarded by lock: page tree, radix_height levels of 512 slots */
    unsigned radix_height;      /* 0: no pages; h: indexes below 512^h */
    uint64_t nr_pages;          /* guarded by lock: pages allocated (st_blocks) */
    uint32_t seals;             /* guarded by lock: F_SEAL_* (memfd.c); F_SEAL_SEAL unless sealable */
    uint32_t map_writable;      /* guarded by lock: shared mappings that may write (VMA_WCOUNT, memfd.c) */
    char *symlink;              /* link body, immutable once set */
    struct pipe *fifo;          /* FIFO state, created on first open; guarded by vfs_lock */
    struct list_head xattrs;    /* struct xattr (xattr.c); guarded by vfs_lock */
    struct list_head file_locks;    /* struct file_lock (lock.c); guarded by lock.c's locks_mutex */
    uint32_t nr_file_locks;     /* atomic: entries in file_locks, for lock-free close paths */
    /* disk file systems */
    void *fs_info;              /* the file system's inode (ext2: struct ext2_inode); immutable */
    uint64_t disk_blocks;       /* st_blocks in 512-byte units; guarded by lock */
};

/* A new inode with refcount 1 and nlink 1 (2 for directories). */
struct inode *inode_new(struct super_block *sb, uint32_t mode) __must_check;
void inode_get(struct inode *ino);
void inode_put(struct inode *ino);

/* Current time as a timespec, for atime/mtime/ctime. */
struct linux_timespec fs_now(void);
void inode_touch_mc(struct inode *ino);     /* mtime = ctime = now */

/*
 * Permission check for the current process: mask of R_OK/W_OK/X_OK.
 * Root bypasses rwx, except that X_OK on a non-directory needs some x bit.
 * FIXME: every process is uid 0 until credentials land (Processes issue).
 */
int inode_permission(const struct inode *ino, int mask) __must_check;
uint32_t current_fsuid(void);
uint32_t current_fsgid(void);

/* Set the size of a regular file (tmpfs or a disk file system); ino->lock held. */
int inode_setsize_locked(struct inode *ino, uint64_t size) __must_check;
/*
 * The same taking ino->lock itself; when the file shrinks, its pages wholly
 * past the new end then leave every mapping (mm_unmap_file_tail: SIGBUS on a
 * later access). No inode or file-system lock held.
 */
int inode_setsize(struct inode *ino, uint64_t size) __must_check;
/* Write back metadata the VFS changed (mode, owner, times) on a disk file system. vfs_lock held. */
int inode_write_back(struct inode *ino) __must_check;

/* Fill a struct stat. Caller holds vfs_lock or a reference that keeps ino alive. */
void inode_stat(struct inode *ino, struct linux_stat *st);

#endif
