// SPDX-License-Identifier: MPL-2.0
// ext2 block maps: direct and single/double/triple indirect blocks, allocation and truncation.
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/ext2/ext2.h"

static uint32_t get_slot(const uint8_t *blk, uint32_t i)
{
    uint32_t v;
    memcpy(&v, blk + 4 * (size_t)i, 4);
    return v;
}

static void set_slot(uint8_t *blk, uint32_t i, uint32_t v)
{
    memcpy(blk + 4 * (size_t)i, &v, 4);
}

/* Split lblk into its path: i_block index then indexes in each indirect level. */
static int block_path(const struct ext2_fs *fs, uint64_t lblk, uint32_t off[4])
{
    uint64_t apb = fs->addr_per_block;
    if (lblk < EXT2_NDIR_BLOCKS) {
        off[0] = (uint32_t)lblk;
        return 1;
    }
    lblk -= EXT2_NDIR_BLOCKS;
    if (lblk < apb) {
        off[0] = EXT2_IND_BLOCK, off[1] = (uint32_t)lblk;
        return 2;
    }
    lblk -= apb;
    if (lblk < apb * apb) {
        off[0] = EXT2_DIND_BLOCK, off[1] = (uint32_t)(lblk / apb), off[2] = (uint32_t)(lblk % apb);
        return 3;
    }
    lblk -= apb * apb;
    if (lblk < apb * apb * apb) {
        off[0] = EXT2_TIND_BLOCK, off[1] = (uint32_t)(lblk / (apb * apb));
        off[2] = (uint32_t)(lblk / apb % apb), off[3] = (uint32_t)(lblk % apb);
        return 4;
    }
    return -EFBIG;
}

static uint32_t group_goal(const struct ext2_fs *fs, const struct ext2_inode *ip)
{
    return fs->sb.s_first_data_block + (ip->ino - 1) / fs->ipg * fs->bpg;
}

/* A new block near goal, zeroed on disk when it will hold block pointers. */
static int new_block(struct ext2_fs *fs, struct ext2_inode *ip, uint32_t goal, bool zero,
                     uint32_t *out)
{
    int r = ext2_alloc_block(fs, goal, out);
    if (!r && zero)
        r = ext2_write_block(fs, *out, fs->zero);
    if (r)
        return r;
    ip->d.i_blocks += fs->bs / 512;
    return 0;
}

int ext2_bmap(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t lblk, bool alloc, uint32_t *pblk)
{
    uint32_t off[4];
    int depth = block_path(fs, lblk, off), r = 0;
    bool dirty = false;
    if (depth < 0)
        return depth;
    uint32_t cur = ip->d.i_block[off[0]];
    if (!cur && alloc) {
        uint32_t goal = off[0] > 0 && off[0] < EXT2_NDIR_BLOCKS && ip->d.i_block[off[0] - 1]
                        ? ip->d.i_block[off[0] - 1] + 1 : group_goal(fs, ip);
        r = new_block(fs, ip, goal, depth > 1, &cur);
        if (r)
            return r;
        ip->d.i_block[off[0]] = cur;
        dirty = true;
    }
    for (int i = 1; i < depth && cur; i++) {
        struct ext2_buf *b;
        r = ext2_bread(fs, cur, &b);
        if (r)
            break;
        uint32_t next = get_slot(b->data, off[i]);
        if (!next && alloc) {
            uint32_t goal = off[i] ? get_slot(b->data, off[i] - 1) + 1 : cur + 1;
            r = new_block(fs, ip, goal, i + 1 < depth, &next);
            if (!r) {
                set_slot(b->data, off[i], next);
                r = ext2_bwrite(fs, b);
                dirty = true;
            }
        }
        ext2_brelse(b);
        if (r)
            break;
        cur = next;
    }
    if (dirty) {
        int w = ext2_write_inode(fs, ip);
        r = r ? r : w;
    }
    *pblk = r ? 0 : cur;
    return r;
}

static int drop_block(struct ext2_fs *fs, struct ext2_inode *ip, uint32_t blk)
{
    ip->d.i_blocks -= fs->bs / 512;
    return ext2_free_block(fs, blk);
}

/*
 * Free the data blocks numbered >= first under *slot, a tree of `level`
 * indirect levels (0: a data block) whose first data block is number base.
 * Clears *slot when the whole tree goes. *changed says whether it did.
 */
static int free_tree(struct ext2_fs *fs, struct ext2_inode *ip, uint32_t *slot, int level,
                     uint64_t base, uint64_t first)
{
    uint64_t span = 1;
    for (int i = 0; i < level; i++)
        span *= fs->addr_per_block;
    if (!*slot || first >= base + span)
        return 0;
    if (level > 0) {
        struct ext2_buf *b;
        int r = ext2_bread(fs, *slot, &b);
        if (r)
            return r;
        bool changed = false;
        uint64_t sub = span / fs->addr_per_block;
        for (uint32_t j = 0; j < fs->addr_per_block && !r; j++) {
            uint32_t e = get_slot(b->data, j), old = e;
            r = free_tree(fs, ip, &e, level - 1, base + j * sub, first);
            if (e != old) {
                set_slot(b->data, j, e);
                changed = true;
            }
        }
        if (changed && first > base && !r)
            r = ext2_bwrite(fs, b);
        ext2_brelse(b);
        if (r || first > base)
            return r;
    }
    int r = drop_block(fs, ip, *slot);
    *slot = 0;
    return r;
}

/* Zero the bytes of the block holding offset size that lie past it. */
static int zero_tail(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t size)
{
    uint32_t in = (uint32_t)(size % fs->bs), pblk;
    if (in == 0)
        return 0;
    int r = ext2_bmap(fs, ip, size / fs->bs, false, &pblk);
    if (r || !pblk)
        return r;
    struct ext2_buf *b;
    r = ext2_bread(fs, pblk, &b);
    if (r)
        return r;
    memset(b->data + in, 0, fs->bs - in);
    r = ext2_bwrite(fs, b);
    ext2_brelse(b);
    return r;
}

int ext2_truncate(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t size)
{
    if (fs->rdonly)
        return -EROFS;
    if (size > ext2_max_size(fs))
        return -EFBIG;
    int r = 0;
    if (size < ext2_isize(ip)) {
        r = zero_tail(fs, ip, size);
        uint64_t first = (size + fs->bs - 1) / fs->bs, apb = fs->addr_per_block;
        for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS && !r; i++)
            r = free_tree(fs, ip, &ip->d.i_block[i], 0, i, first);
        uint64_t base = EXT2_NDIR_BLOCKS;
        for (int lv = 1; lv <= 3 && !r; lv++) {
            r = free_tree(fs, ip, &ip->d.i_block[EXT2_IND_BLOCK + lv - 1], lv, base, first);
            base += lv == 1 ? apb : lv == 2 ? apb * apb : 0;
        }
    }
    ext2_set_isize(fs, ip, size);
    uint32_t now = ext2_now();
    ip->d.i_mtime = ip->d.i_ctime = now;
    int w = ext2_write_inode(fs, ip);
    if (!w && fs->sb_dirty)
        w = ext2_write_super(fs);
    return r ? r : w;
}
