// SPDX-License-Identifier: MPL-2.0
// ext2 metadata block cache: a small write-back LRU of pinned buffers (flushed by ext2_sync), plus raw block I/O.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "block/blkdev.h"
#include "fs/ext2/ext2.h"

static uint64_t sector_of(const struct ext2_fs *fs, uint32_t blk)
{
    return (uint64_t)blk * (fs->bs / BLK_SECTOR_SIZE);
}

/* Copy the cached (possibly dirty, so newer than the disk) blocks among [blk, blk + n) over buf. */
static void overlay_cached(struct ext2_fs *fs, uint32_t blk, uint32_t n, uint8_t *buf)
{
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        struct ext2_buf *b = &fs->cache[i];
        if (b->valid && b->blk >= blk && b->blk - blk < n)
            memcpy(buf + (size_t)(b->blk - blk) * fs->bs, b->data, fs->bs);
    }
}

/* A whole-block write reached the disk: cached copies take its bytes and are clean. */
static void update_cached(struct ext2_fs *fs, uint32_t blk, uint32_t n, const uint8_t *buf)
{
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        struct ext2_buf *b = &fs->cache[i];
        if (b->valid && b->blk >= blk && b->blk - blk < n) {
            if (b->data != buf + (size_t)(b->blk - blk) * fs->bs)
                memcpy(b->data, buf + (size_t)(b->blk - blk) * fs->bs, fs->bs);
            b->dirty = false;
        }
    }
}

int ext2_read_block(struct ext2_fs *fs, uint32_t blk, void *buf)
{
    return ext2_read_blocks(fs, blk, 1, buf);
}

int ext2_write_block(struct ext2_fs *fs, uint32_t blk, const void *buf)
{
    return ext2_write_blocks(fs, blk, 1, buf);
}

/* n contiguous blocks from blk in one request (file data through the page cache). */
int ext2_read_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, void *buf)
{
    if (blk == 0 || n == 0 || blk >= fs->sb.s_blocks_count || n > fs->sb.s_blocks_count - blk)
        return -EIO;
    int r = blkdev_read(fs->bd, sector_of(fs, blk), buf, n * (fs->bs / BLK_SECTOR_SIZE));
    if (!r)
        overlay_cached(fs, blk, n, buf);
    return r;
}

int ext2_write_blocks(struct ext2_fs *fs, uint32_t blk, uint32_t n, const void *buf)
{
    if (blk == 0 || n == 0 || blk >= fs->sb.s_blocks_count || n > fs->sb.s_blocks_count - blk)
        return -EIO;
    if (fs->rdonly)
        return -EROFS;
    int r = blkdev_write(fs->bd, sector_of(fs, blk), buf, n * (fs->bs / BLK_SECTOR_SIZE));
    if (!r)
        update_cached(fs, blk, n, buf);
    return r;
}

/* Is a better victim than v: unpinned, and free, else clean, else least recently used. */
static bool better_victim(const struct ext2_buf *b, const struct ext2_buf *v)
{
    if (b->pins)
        return false;
    if (!v || !b->valid)
        return true;
    if (!v->valid)
        return false;
    if (b->dirty != v->dirty)
        return !b->dirty;
    return b->used < v->used;
}

static struct ext2_buf *cache_find(struct ext2_fs *fs, uint32_t blk)
{
    struct ext2_buf *victim = NULL;
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        struct ext2_buf *b = &fs->cache[i];
        if (b->valid && b->blk == blk)
            return b;
        if (better_victim(b, victim))
            victim = b;
    }
    return victim;
}

static int write_buf(struct ext2_fs *fs, struct ext2_buf *b)
{
    int r = blkdev_write(fs->bd, sector_of(fs, b->blk), b->data, fs->bs / BLK_SECTOR_SIZE);
    if (!r)
        b->dirty = false;
    return r;
}

bool ext2_cache_dirty(const struct ext2_fs *fs)
{
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++)
        if (fs->cache[i].valid && fs->cache[i].dirty)
            return true;
    return fs->gd_dirty || fs->sb_dirty;
}

int ext2_cache_flush(struct ext2_fs *fs)
{
    int r = 0;
    for (unsigned i = 0; i < EXT2_CACHE_SLOTS; i++) {
        struct ext2_buf *b = &fs->cache[i];
        if (b->valid && b->dirty) {
            int e = fs->rdonly ? -EROFS : write_buf(fs, b);
            r = r ? r : e;
        }
    }
    return r;
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
    if (b->valid && b->blk != blk && b->dirty) {
        int r = write_buf(fs, b);      /* evicting a dirty block writes it first */
        if (r)
            return r;
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
    b->dirty = true;    /* reaches the disk at ext2_sync, or when the slot is reused */
    return 0;
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
        fs->cache[i].dirty = false;
    }
}
