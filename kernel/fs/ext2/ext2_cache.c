// SPDX-License-Identifier: MPL-2.0
// ext2 metadata block cache: a small write-through LRU of pinned buffers, plus raw block I/O.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "block/blkdev.h"
#include "fs/ext2/ext2.h"

static uint64_t sector_of(const struct ext2_fs *fs, uint32_t blk)
{
    return (uint64_t)blk * (fs->bs / BLK_SECTOR_SIZE);
}

int ext2_read_block(struct ext2_fs *fs, uint32_t blk, void *buf)
{
    if (blk == 0 || blk >= fs->sb.s_blocks_count)
        return -EIO;
    return blkdev_read(fs->bd, sector_of(fs, blk), buf, fs->bs / BLK_SECTOR_SIZE);
}

int ext2_write_block(struct ext2_fs *fs, uint32_t blk, const void *buf)
{
    if (blk == 0 || blk >= fs->sb.s_blocks_count)
        return -EIO;
    if (fs->rdonly)
        return -EROFS;
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        struct ext2_buf *b = &fs->cache[i];
        if (b->valid && b->blk == blk && b->data != buf)
            memcpy(b->data, buf, fs->bs);
    }
    return blkdev_write(fs->bd, sector_of(fs, blk), buf, fs->bs / BLK_SECTOR_SIZE);
}

/* n contiguous blocks from blk in one request (file data through the page cache). */
int ext2_read_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, void *buf)
{
    if (blk == 0 || n == 0 || blk >= fs->sb.s_blocks_count || n > fs->sb.s_blocks_count - blk)
        return -EIO;
    return blkdev_read(fs->bd, sector_of(fs, blk), buf, n * (fs->bs / BLK_SECTOR_SIZE));
}

int ext2_write_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, const void *buf)
{
    if (blk == 0 || n == 0 || blk >= fs->sb.s_blocks_count || n > fs->sb.s_blocks_count - blk)
        return -EIO;
    if (fs->rdonly)
        return -EROFS;
    const uint8_t *src = buf;
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        struct ext2_buf *b = &fs->cache[i];
        if (b->valid && b->blk >= blk && b->blk - blk < n)
            memcpy(b->data, src + (size_t)(b->blk - blk) * fs->bs, fs->bs);
    }
    return blkdev_write(fs->bd, sector_of(fs, blk), buf, n * (fs->bs / BLK_SECTOR_SIZE));
}

static struct ext2_buf *cache_find(struct ext2_fs *fs, uint32_t blk)
{
    struct ext2_buf *victim = NULL;
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        struct ext2_buf *b = &fs->cache[i];
        if (b->valid && b->blk == blk)
            return b;
        if (b->pins == 0 && (!victim || !b->valid || (victim->valid && b->used < victim->used)))
            victim = b;
    }
    return victim;
}

int ext2_bread(struct ext2_fs *fs, uint32_t blk, struct ext2_buf **out)
{
    struct ext2_buf *b = cache_find(fs, blk);
    if (!b)
        return -ENOMEM;     /* every slot pinned: a core bug, not a user error */
    if (!b->data) {
        b->data = kmalloc(fs->bs);
        if (!b->data)
            return -ENOMEM;
    }
    if (!b->valid || b->blk != blk) {
        b->valid = false;
        int r = ext2_read_block(fs, blk, b->data);
        if (r)
            return r;
        b->blk = blk;
        b->valid = true;
    }
    b->pins++;
    b->used = ++fs->lru_clock;
    *out = b;
    return 0;
}

int ext2_bwrite(struct ext2_fs *fs, struct ext2_buf *b)
{
    if (fs->rdonly)
        return -EROFS;
    return blkdev_write(fs->bd, sector_of(fs, b->blk), b->data, fs->bs / BLK_SECTOR_SIZE);
}

void ext2_brelse(struct ext2_buf *b)
{
    if (b)
        b->pins--;
}

void ext2_cache_drop(struct ext2_fs *fs)
{
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        kfree(fs->cache[i].data);
        fs->cache[i].data = NULL;
        fs->cache[i].valid = false;
    }
}
