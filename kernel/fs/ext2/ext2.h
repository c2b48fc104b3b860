// SPDX-License-Identifier: MPL-2.0
// The ext2 core: on-disk logic shared by the kernel glue and the host unit tests.
#ifndef KEEL_FS_EXT2_H
#define KEEL_FS_EXT2_H

#include <ostd/types.h>
#include "fs/ext2/ext2_disk.h"

/*
 * The core is plain C over four outside functions: blkdev_read/blkdev_write/
 * blkdev_flush (block/blkdev.h) and ext2_now() below; the kernel and the host
 * tests each supply them. It does no locking: every call on one struct
 * ext2_fs must be serialised by the caller (the kernel glue holds the
 * file system's mutex around each call).
 */
struct blkdev;

/* Seconds since the epoch, for inode and superblock times. */
uint32_t ext2_now(void);

#define EXT2_CACHE_SLOTS 64

/* A cached metadata block; written back by ext2_sync (or when its slot is reused). */
struct ext2_buf {
    uint32_t blk;
    uint32_t pins;              /* callers holding data */
    uint64_t used;              /* LRU stamp */
    bool valid;
    bool dirty;                 /* changed since last written to the disk */
    uint8_t *data;
};

/*
 * An in-memory inode, shared by every user of one inode number: the core
 * looks it up by number (ext2_iget) so a change made through one path (an
 * unlink dropping a link count) is seen by all. Freed on disk by the last
 * ext2_iput once i_links_count is 0.
 */
struct ext2_pcache;

struct ext2_inode {
    uint32_t ino;
    uint32_t refs;
    struct ext2_dinode d;
    struct ext2_inode *next;    /* in ext2_fs.inodes */
    void *priv;                 /* the kernel glue's VFS inode, if any */
    struct ext2_pcache *pages;  /* the kernel glue's page cache (ext2_pcache.c); the core never touches it */
};

struct ext2_fs {
    struct blkdev *bd;
    struct ext2_super_disk sb;      /* in-memory superblock, written by ext2_sync */
    struct ext2_group_desc *gd;     /* every group descriptor */
    uint32_t bs, log_bs;            /* block size in bytes, log2(bs / 1024) */
    uint32_t ngroups, bpg, ipg, inode_size, first_ino, addr_per_block;
    uint32_t gdt_blocks;            /* blocks holding the descriptors */
    uint16_t state_at_mount;        /* s_state before we cleared VALID */
    bool rdonly;
    bool sb_dirty;
    bool gd_dirty;                  /* group descriptors changed since written */
    uint64_t lru_clock;
    struct ext2_buf cache[EXT2_CACHE_SLOTS];
    struct ext2_inode *inodes;      /* in use */
    uint8_t *zero;                  /* one zeroed block */
};

/* --- superblock (ext2_super.c) --- */
/* Read and check the superblock; -EINVAL for a bad or unsupported image. */
int ext2_mount(struct blkdev *bd, bool rdonly, struct ext2_fs **out) __must_check;
/* Write everything back, mark clean if it was, and free fs (even on error). */
int ext2_umount(struct ext2_fs *fs);
int ext2_remount(struct ext2_fs *fs, bool rdonly) __must_check;
/* Write back, restore the clean state found at mount and go read-only; fs stays allocated. */
int ext2_shutdown(struct ext2_fs *fs);
/* After ext2_shutdown, for good: free the block cache, descriptors and zero block; only ext2_iput and ext2_umount may follow. */
void ext2_release_buffers(struct ext2_fs *fs);
int ext2_sync(struct ext2_fs *fs) __must_check;
int ext2_write_super(struct ext2_fs *fs) __must_check;
int ext2_write_group(struct ext2_fs *fs, uint32_t group) __must_check;

struct ext2_statfs {
    uint64_t bsize, blocks, bfree, bavail, files, ffree, namelen;
};
void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *st);

/* --- block cache (ext2_cache.c) --- */
/* Pin block blk in the cache; *out is its bs bytes. */
int ext2_bread(struct ext2_fs *fs, uint32_t blk, struct ext2_buf **out) __must_check;
/* Mark a pinned buffer changed: it is written at the next ext2_sync/ext2_cache_flush or when evicted. */
int ext2_bwrite(struct ext2_fs *fs, struct ext2_buf *b) __must_check;
/* Write every changed buffer (and the group descriptors) to the disk. */
int ext2_cache_flush(struct ext2_fs *fs) __must_check;
/* Is any metadata (cached block, descriptors, superblock counts) waiting for ext2_sync? */
bool ext2_cache_dirty(const struct ext2_fs *fs);
void ext2_brelse(struct ext2_buf *b);
/* Whole-block I/O past the cache (file data): reads see cached copies, writes update them. */
int ext2_read_block(struct ext2_fs *fs, uint32_t blk, void *buf) __must_check;
int ext2_write_block(struct ext2_fs *fs, uint32_t blk, const void *buf) __must_check;
/* n contiguous blocks in one device request (page-cache I/O); writes keep cached copies current. */
int ext2_read_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, void *buf) __must_check;
int ext2_write_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, const void *buf) __must_check;
void ext2_cache_drop(struct ext2_fs *fs);

/* --- allocation (ext2_alloc.c) --- */
int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out) __must_check;
int ext2_free_block(struct ext2_fs *fs, uint32_t blk) __must_check;
int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool dir, uint32_t *out) __must_check;
int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir) __must_check;

/* --- inodes (ext2_inode.c) --- */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out) __must_check;
/* Drop a reference; the last one frees the inode on disk when it has no links. */
int ext2_iput(struct ext2_fs *fs, struct ext2_inode *ip);
int ext2_write_inode(struct ext2_fs *fs, struct ext2_inode *ip) __must_check;
uint64_t ext2_isize(const struct ext2_inode *ip);
void ext2_set_isize(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t size);
/* Physical block of logical block lblk (0 for a hole unless alloc). */
int ext2_bmap(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t lblk, bool alloc,
              uint32_t *pblk) __must_check;
/* Set the size, freeing blocks past it; writes the inode. */
int ext2_truncate(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t size) __must_check;
uint64_t ext2_max_size(const struct ext2_fs *fs);
uint32_t ext2_mode_to_ftype(uint32_t mode);
uint32_t ext2_uid(const struct ext2_inode *ip);
uint32_t ext2_gid(const struct ext2_inode *ip);
void ext2_set_owner(struct ext2_inode *ip, uint32_t uid, uint32_t gid);
uint64_t ext2_rdev(const struct ext2_inode *ip);   /* Linux dev_t encoding */
bool ext2_is_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *ip);

/* --- file data (ext2_file.c) --- */
long ext2_read(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, void *buf, size_t len);
long ext2_write(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, const void *buf, size_t len);
/* After writing done bytes at off (r: the error that stopped it): grow the size, stamp mtime/ctime, write the inode (and super block); done, or the error. */
long ext2_write_end(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, size_t done, long r);
/* A symlink's body (NUL-terminated); length or -errno. */
long ext2_readlink(struct ext2_fs *fs, struct ext2_inode *ip, char *buf, size_t size);

/* --- directories (ext2_dir.c) --- */
int ext2_dir_lookup(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                    uint32_t *ino) __must_check;
/*
 * Call fn for each entry from byte offset *pos; fn returns nonzero to stop
 * (before that entry, which *pos then names). Returns 0, fn's value, or -errno.
 */
typedef int (*ext2_filldir_t)(void *arg, const char *name, size_t len, uint32_t ino,
                              uint8_t ftype, uint64_t next_pos);
int ext2_dir_iterate(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t *pos,
                     ext2_filldir_t fn, void *arg);
int ext2_dir_add(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                 uint32_t ino, uint8_t ftype) __must_check;
int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len)
    __must_check;
/* Point an existing entry at another inode. */
int ext2_dir_set(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                 uint32_t ino, uint8_t ftype) __must_check;
/* 1 if only . and .. remain, 0 if not, or -errno. */
int ext2_dir_is_empty(struct ext2_fs *fs, struct ext2_inode *dir);

/* --- name operations (ext2_namei.c) --- */
struct ext2_new {
    uint32_t mode, uid, gid;
    uint64_t rdev;              /* Linux dev_t for device nodes */
    const char *target;         /* symlinks */
};
/* Make name in dir: a file, device, FIFO, socket, directory or symlink. */
int ext2_mknod(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
               const struct ext2_new *n, struct ext2_inode **out) __must_check;
int ext2_link(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
              struct ext2_inode *ip) __must_check;
/* Remove a non-directory (unlink) or an empty directory (rmdir). */
int ext2_unlink(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                bool rmdir) __must_check;
int ext2_rename(struct ext2_fs *fs, struct ext2_inode *odir, const char *oname, size_t olen,
                struct ext2_inode *ndir, const char *nname, size_t nlen) __must_check;

/* --- extended attributes in an external block (ext2_xattr.c) --- */
/* name is the full name ("user.foo"); -ENODATA, -ERANGE (size too small), -EOPNOTSUPP. */
long ext2_getxattr(struct ext2_fs *fs, struct ext2_inode *ip, const char *name, void *buf,
                   size_t size);
/* flags: XATTR_CREATE 1, XATTR_REPLACE 2; value NULL removes. */
int ext2_setxattr(struct ext2_fs *fs, struct ext2_inode *ip, const char *name, const void *value,
                  size_t size, int flags) __must_check;
/* NUL-separated full names; bytes, or -ERANGE when size is too small (0: just the length). */
long ext2_listxattr(struct ext2_fs *fs, struct ext2_inode *ip, char *buf, size_t size);
int ext2_xattr_drop(struct ext2_fs *fs, struct ext2_inode *ip) __must_check;

#endif
