// SPDX-License-Identifier: MPL-2.0
// The ext2 page cache: one per regular file, used by read, write, mmap and truncate. _locked: ext2_sbi.lock held.
#ifndef KEEL_FS_EXT2_PCACHE_H
#define KEEL_FS_EXT2_PCACHE_H

#include "fs/ext2/ext2_vfs.h"

#define EXT2_PC_PAGE 4096u
#define EXT2_RA_MIN  (32u * 1024 / EXT2_PC_PAGE)     /* first read-ahead window, pages */
#define EXT2_RA_MAX  (128u * 1024 / EXT2_PC_PAGE)    /* largest window, and the largest request */

/* One cached page of a file. All fields guarded by ext2_sbi.lock. */
struct ext2_page {
    uint64_t idx;               /* page index in the file */
    struct frame *frame;        /* the cache's reference; mappers hold their own */
    uint64_t used;              /* LRU stamp (ext2_pc_clock) */
    bool dirty;                 /* written by write(2), not yet on disk */
    bool mapped;                /* handed to a mapper since the last write-back: may hold stores */
    struct ext2_page *hnext;    /* hash chain */
};

/* The cache of one inode (ext2_inode.pages): a hash table keyed by page index. Guarded by ext2_sbi.lock. */
struct ext2_pcache {
    struct ext2_page **bucket;
    uint32_t nbucket;           /* a power of two */
    uint64_t count, ndirty;
};

/* Per open file read-ahead state (file->priv of an ext2 regular file). Guarded by ext2_sbi.lock. */
struct ext2_ra {
    uint64_t next;              /* the page a sequential reader reads next */
    uint32_t win;               /* window in pages, EXT2_RA_MIN..EXT2_RA_MAX; 0 until sequential */
};
#define EXT2_RA_OFF UINT32_MAX  /* ext2_ra.win after POSIX_FADV_RANDOM: no read-ahead */

/* file_ops.get_page for ext2 regular files (takes ext2_sbi.lock). */
int ext2_get_page(struct inode *v, uint64_t idx, struct frame **out) __must_check;
/* read(2): up to len bytes at off into buf through the cache, reading ahead by ra (may be NULL). */
long ext2_pcache_read_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t off, uint8_t *buf, size_t len,
                             struct ext2_ra *ra);
/* write(2): allocate the blocks, copy into cached pages, mark them dirty; bytes written or -errno. */
long ext2_pcache_write_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t off, const uint8_t *buf,
                              size_t len);
/* truncate: forget pages past size, zero the tail of the last one. */
void ext2_pcache_truncate_locked(struct ext2_inode *ip, uint64_t size);
/* Write dirty (and changed mapped) pages back in block order; of one inode, of all. */
int ext2_pcache_writeback_locked(struct ext2_sbi *s, struct ext2_inode *ip);
int ext2_pcache_writeback_all_locked(struct ext2_sbi *s);
/* Free the cache of an inode that is going away (its pages must be written back first). */
void ext2_pcache_drop_locked(struct ext2_inode *ip);
/* Evict up to want clean pages nobody maps, least recently used first; returns how many. */
uint64_t ext2_pcache_shrink_locked(struct ext2_sbi *s, uint64_t want);
/* Read pages idx.. (at most n <= EXT2_RA_MAX, stopping before a cached page or EOF) into the cache. */
int ext2_pcache_fill_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t idx, uint32_t n) __must_check;
/* Evict the clean pages nobody maps among pages [first, end) (POSIX_FADV_DONTNEED). */
void ext2_pcache_evict_range_locked(struct ext2_inode *ip, uint64_t first, uint64_t end);

/* Internal to ext2_pcache*.c. */
struct ext2_page *ext2_pc_find_locked(struct ext2_inode *ip, uint64_t idx);
void ext2_pc_set_dirty_locked(struct ext2_inode *ip, struct ext2_page *p, bool dirty);
extern uint64_t ext2_pc_pages, ext2_pc_dirty;   /* all ext2 caches; atomic */

#endif
