// SPDX-License-Identifier: MPL-2.0
// The ext2 page cache (ext2_pcache.c): the frames mmap maps, shared with read/write. All _locked calls: ext2_sbi.lock held.
#ifndef KEEL_FS_EXT2_PCACHE_H
#define KEEL_FS_EXT2_PCACHE_H

#include "fs/ext2/ext2_vfs.h"

/* file_ops.get_page for ext2 regular files (takes ext2_sbi.lock). */
int ext2_get_page(struct inode *v, uint64_t idx, struct frame **out) __must_check;
/* read(2): replace buf (file bytes [off, off+len) just read from disk) by the cached pages' bytes. */
void ext2_pcache_overlay_locked(struct ext2_inode *ip, uint64_t off, uint8_t *buf, size_t len);
/* write(2): bytes [off, off+len) were written to disk; copy them into the cached pages. */
void ext2_pcache_update_locked(struct ext2_inode *ip, uint64_t off, const uint8_t *buf, size_t len);
/* truncate: forget pages past size, zero the tail of the last one. */
void ext2_pcache_truncate_locked(struct ext2_inode *ip, uint64_t size);
/* Write back pages that differ from the disk (stores through shared mappings); of one inode, of all. */
int ext2_pcache_writeback_locked(struct ext2_sbi *s, struct ext2_inode *ip);
int ext2_pcache_writeback_all_locked(struct ext2_sbi *s);
/* Free the cache of an inode that is going away. */
void ext2_pcache_drop_locked(struct ext2_inode *ip);

#endif
