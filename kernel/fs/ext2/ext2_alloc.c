// SPDX-License-Identifier: MPL-2.0
// ext2 block and inode allocation: bitmaps, group descriptor and superblock free counts.
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/ext2/ext2.h"

static bool bit_test(const uint8_t *map, uint32_t bit)
{
    return map[bit / 8] & (1u << (bit % 8));
}

static void bit_flip(uint8_t *map, uint32_t bit)
{
    map[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

/* First clear bit in [start, n), then in [0, start); n on none. */
static uint32_t find_zero(const uint8_t *map, uint32_t n, uint32_t start)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t b = (start + i) % n;
        if (map[b / 8] == 0xff && b % 8 == 0 && b + 8 <= n) {
            i += 7;
            continue;
        }
        if (!bit_test(map, b))
            return b;
    }
    return n;
}

/* Blocks in group g (the last group may be short). */
static uint32_t group_blocks(const struct ext2_fs *fs, uint32_t g)
{
    uint32_t first = fs->sb.s_first_data_block + g * fs->bpg;
    uint32_t left = fs->sb.s_blocks_count - first;
    return left < fs->bpg ? left : fs->bpg;
}

/* Flip bit in a bitmap block and write it; the bit must have been `was`. */
static int flip_bitmap(struct ext2_fs *fs, uint32_t bmblk, uint32_t bit, bool was)
{
    struct ext2_buf *b;
    int r = ext2_bread(fs, bmblk, &b);
    if (r)
        return r;
    if (bit_test(b->data, bit) != was) {
        ext2_brelse(b);
        return -EIO;        /* bitmap disagrees with the caller: corrupt image */
    }
    bit_flip(b->data, bit);
    r = ext2_bwrite(fs, b);
    ext2_brelse(b);
    return r;
}

static int try_group_block(struct ext2_fs *fs, uint32_t g, uint32_t start, uint32_t *out)
{
    struct ext2_group_desc *d = &fs->gd[g];
    if (d->bg_free_blocks_count == 0)
        return -ENOSPC;
    struct ext2_buf *b;
    int r = ext2_bread(fs, d->bg_block_bitmap, &b);
    if (r)
        return r;
    uint32_t n = group_blocks(fs, g);
    uint32_t bit = find_zero(b->data, n, start < n ? start : 0);
    if (bit == n) {
        ext2_brelse(b);
        return -ENOSPC;
    }
    bit_flip(b->data, bit);
    r = ext2_bwrite(fs, b);
    ext2_brelse(b);
    if (r)
        return r;
    d->bg_free_blocks_count--;
    fs->sb.s_free_blocks_count--;
    *out = fs->sb.s_first_data_block + g * fs->bpg + bit;
    return ext2_write_group(fs, g);
}

int ext2_alloc_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
    uint32_t fdb = fs->sb.s_first_data_block;
    if (fs->rdonly)
        return -EROFS;
    if (goal < fdb || goal >= fs->sb.s_blocks_count)
        goal = fdb;
    uint32_t g0 = (goal - fdb) / fs->bpg;
    for (uint32_t i = 0; i < fs->ngroups; i++) {
        uint32_t g = (g0 + i) % fs->ngroups;
        int r = try_group_block(fs, g, i == 0 ? (goal - fdb) % fs->bpg : 0, out);
        if (r != -ENOSPC)
            return r;
    }
    return -ENOSPC;
}

int ext2_free_block(struct ext2_fs *fs, uint32_t blk)
{
    uint32_t fdb = fs->sb.s_first_data_block;
    if (blk < fdb || blk >= fs->sb.s_blocks_count)
        return -EIO;
    uint32_t g = (blk - fdb) / fs->bpg;
    int r = flip_bitmap(fs, fs->gd[g].bg_block_bitmap, (blk - fdb) % fs->bpg, true);
    if (r)
        return r;
    fs->gd[g].bg_free_blocks_count++;
    fs->sb.s_free_blocks_count++;
    return ext2_write_group(fs, g);
}

/* Directories spread out (the emptiest group), files stay near their parent. */
static uint32_t pick_inode_group(struct ext2_fs *fs, uint32_t parent_ino, bool dir)
{
    uint32_t pg = parent_ino ? (parent_ino - 1) / fs->ipg : 0;
    if (dir) {
        uint32_t best = fs->ngroups, avg = fs->sb.s_free_inodes_count / fs->ngroups;
        for (uint32_t g = 0; g < fs->ngroups; g++) {
            const struct ext2_group_desc *d = &fs->gd[g];
            if (d->bg_free_inodes_count == 0 || d->bg_free_inodes_count < avg)
                continue;
            if (best == fs->ngroups || d->bg_free_blocks_count > fs->gd[best].bg_free_blocks_count)
                best = g;
        }
        if (best < fs->ngroups)
            return best;
    }
    for (uint32_t i = 0; i < fs->ngroups; i++) {
        uint32_t g = (pg + i) % fs->ngroups;
        if (fs->gd[g].bg_free_inodes_count)
            return g;
    }
    return fs->ngroups;
}

int ext2_alloc_inode(struct ext2_fs *fs, uint32_t parent_ino, bool dir, uint32_t *out)
{
    if (fs->rdonly)
        return -EROFS;
    uint32_t g = pick_inode_group(fs, parent_ino, dir);
    if (g == fs->ngroups)
        return -ENOSPC;
    struct ext2_group_desc *d = &fs->gd[g];
    struct ext2_buf *b;
    int r = ext2_bread(fs, d->bg_inode_bitmap, &b);
    if (r)
        return r;
    uint32_t start = g == 0 ? fs->first_ino - 1 : 0;
    uint32_t bit = find_zero(b->data, fs->ipg, start);
    uint32_t ino = g * fs->ipg + bit + 1;
    if (bit == fs->ipg || ino < fs->first_ino || ino > fs->sb.s_inodes_count) {
        ext2_brelse(b);
        return -EIO;        /* the descriptor said there was room */
    }
    bit_flip(b->data, bit);
    r = ext2_bwrite(fs, b);
    ext2_brelse(b);
    if (r)
        return r;
    d->bg_free_inodes_count--;
    fs->sb.s_free_inodes_count--;
    if (dir)
        d->bg_used_dirs_count++;
    *out = ino;
    return ext2_write_group(fs, g);
}

int ext2_free_inode(struct ext2_fs *fs, uint32_t ino, bool dir)
{
    if (ino < fs->first_ino || ino > fs->sb.s_inodes_count)
        return -EIO;
    uint32_t g = (ino - 1) / fs->ipg;
    int r = flip_bitmap(fs, fs->gd[g].bg_inode_bitmap, (ino - 1) % fs->ipg, true);
    if (r)
        return r;
    fs->gd[g].bg_free_inodes_count++;
    fs->sb.s_free_inodes_count++;
    if (dir && fs->gd[g].bg_used_dirs_count)
        fs->gd[g].bg_used_dirs_count--;
    return ext2_write_group(fs, g);
}
