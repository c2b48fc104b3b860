// SPDX-License-Identifier: MPL-2.0
// ext2 superblock and group descriptors: mount checks, clean/dirty state, sync, statfs.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "block/blkdev.h"
#include "fs/ext2/ext2.h"

#define SB_SECTOR (EXT2_SUPER_OFFSET / BLK_SECTOR_SIZE)
#define SB_SECTORS (sizeof(struct ext2_super_disk) / BLK_SECTOR_SIZE)

static uint32_t gdt_start(const struct ext2_fs *fs)
{
    return fs->sb.s_first_data_block + 1;
}

static int check_super(const struct ext2_super_disk *s, bool rdonly)
{
    if (s->s_magic != EXT2_SUPER_MAGIC || s->s_rev_level > 1 || s->s_log_block_size > 2)
        return -EINVAL;
    if (s->s_blocks_per_group == 0 || s->s_inodes_per_group == 0 || s->s_blocks_count == 0 ||
        s->s_blocks_per_group > 8u * (1024u << s->s_log_block_size) ||
        s->s_inodes_per_group > 8u * (1024u << s->s_log_block_size))
        return -EINVAL;
    if (s->s_rev_level == 0)
        return 0;
    /* As Linux: unknown incompatible features refuse any mount, unknown
     * read-only-compatible ones refuse a read-write mount. */
    if (s->s_feature_incompat & ~EXT2_SUPPORTED_INCOMPAT)
        return -EINVAL;
    if (!rdonly && (s->s_feature_ro_compat & ~EXT2_SUPPORTED_RO_COMPAT))
        return -EINVAL;
    uint32_t isz = s->s_inode_size;
    if (isz < EXT2_GOOD_OLD_INODE_SIZE || isz > (1024u << s->s_log_block_size) || (isz & (isz - 1)))
        return -EINVAL;
    return 0;
}

static int load_groups(struct ext2_fs *fs)
{
    uint32_t per = fs->bs / sizeof(struct ext2_group_desc);
    fs->gdt_blocks = (fs->ngroups + per - 1) / per;
    fs->gd = kmalloc((size_t)fs->gdt_blocks * fs->bs);
    if (!fs->gd)
        return -ENOMEM;
    for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
        int r = ext2_read_block(fs, gdt_start(fs) + i, (uint8_t *)fs->gd + (size_t)i * fs->bs);
        if (r)
            return r;
    }
    uint32_t nblocks = fs->sb.s_blocks_count;
    for (uint32_t g = 0; g < fs->ngroups; g++) {
        const struct ext2_group_desc *d = &fs->gd[g];
        if (d->bg_block_bitmap >= nblocks || d->bg_inode_bitmap >= nblocks ||
            d->bg_inode_table >= nblocks || d->bg_block_bitmap == 0)
            return -EINVAL;
    }
    return 0;
}

/* Mark the file system in use (not clean) on disk, as a read-write mount does. */
static int mark_mounted(struct ext2_fs *fs)
{
    fs->state_at_mount = fs->sb.s_state;
    fs->sb.s_state &= (uint16_t)~EXT2_VALID_FS;
    fs->sb.s_mnt_count++;
    fs->sb.s_mtime = ext2_now();
    int r = ext2_write_super(fs);
    return r ? r : blkdev_flush(fs->bd);
}

static int fill_fs(struct ext2_fs *fs, bool rdonly)
{
    struct ext2_super_disk *s = &fs->sb;
    int r = blkdev_read(fs->bd, SB_SECTOR, s, SB_SECTORS);
    if (r)
        return r;
    r = check_super(s, rdonly);
    if (r)
        return r;
    fs->log_bs = s->s_log_block_size;
    fs->bs = 1024u << fs->log_bs;
    fs->bpg = s->s_blocks_per_group;
    fs->ipg = s->s_inodes_per_group;
    fs->inode_size = s->s_rev_level ? s->s_inode_size : EXT2_GOOD_OLD_INODE_SIZE;
    fs->first_ino = s->s_rev_level ? s->s_first_ino : EXT2_GOOD_OLD_FIRST_INO;
    fs->addr_per_block = fs->bs / 4;
    if (s->s_first_data_block >= s->s_blocks_count)
        return -EINVAL;
    fs->ngroups = (s->s_blocks_count - s->s_first_data_block + fs->bpg - 1) / fs->bpg;
    if ((uint64_t)fs->ngroups * fs->ipg < s->s_inodes_count || fs->ngroups == 0)
        return -EINVAL;
    fs->rdonly = rdonly;
    fs->zero = kzalloc(fs->bs);
    if (!fs->zero)
        return -ENOMEM;
    return load_groups(fs);
}

static void free_fs(struct ext2_fs *fs)
{
    ext2_cache_drop(fs);
    kfree(fs->gd);
    kfree(fs->zero);
    kfree(fs);
}

int ext2_mount(struct blkdev *bd, bool rdonly, struct ext2_fs **out)
{
    struct ext2_fs *fs = kzalloc(sizeof(*fs));
    if (!fs)
        return -ENOMEM;
    fs->bd = bd;
    int r = fill_fs(fs, rdonly);
    if (!r && !rdonly)
        r = mark_mounted(fs);
    if (r) {
        free_fs(fs);
        return r;
    }
    *out = fs;
    return 0;
}

int ext2_write_super(struct ext2_fs *fs)
{
    if (fs->rdonly)
        return -EROFS;
    fs->sb.s_wtime = ext2_now();
    fs->sb_dirty = false;
    return blkdev_write(fs->bd, SB_SECTOR, &fs->sb, SB_SECTORS);
}

int ext2_write_group(struct ext2_fs *fs, uint32_t group)
{
    (void)group;
    if (fs->rdonly)
        return -EROFS;
    fs->gd_dirty = true;    /* written by ext2_sync */
    return 0;
}

/* The group descriptor table, when changed. */
static int flush_groups(struct ext2_fs *fs)
{
    for (uint32_t i = 0; fs->gd_dirty && i < fs->gdt_blocks; i++) {
        int r = ext2_write_block(fs, gdt_start(fs) + i, (uint8_t *)fs->gd + (size_t)i * fs->bs);
        if (r)
            return r;
    }
    fs->gd_dirty = false;
    return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
    if (fs->rdonly)
        return 0;
    int r = ext2_cache_flush(fs);
    r = r ? r : flush_groups(fs);
    r = r ? r : ext2_write_super(fs);
    return r ? r : blkdev_flush(fs->bd);
}

/* Back to the state found at mount (VALID if it was clean) and stop writing. */
int ext2_shutdown(struct ext2_fs *fs)
{
    fs->sb.s_state = fs->state_at_mount;
    int r = ext2_sync(fs);
    fs->rdonly = true;
    return r;
}

void ext2_release_buffers(struct ext2_fs *fs)
{
    ext2_cache_drop(fs);
    kfree(fs->gd);
    fs->gd = NULL;
    kfree(fs->zero);
    fs->zero = NULL;
}

int ext2_umount(struct ext2_fs *fs)
{
    int r = 0;
    if (!fs->rdonly)
        r = ext2_shutdown(fs);
    /* Inodes still referenced are the caller's leak; free their memory anyway. */
    while (fs->inodes) {
        struct ext2_inode *ip = fs->inodes;
        fs->inodes = ip->next;
        kfree(ip);
    }
    free_fs(fs);
    return r;
}

int ext2_remount(struct ext2_fs *fs, bool rdonly)
{
    if (rdonly == fs->rdonly)
        return 0;
    if (rdonly)
        return ext2_shutdown(fs);
    int r = blkdev_read(fs->bd, SB_SECTOR, &fs->sb, SB_SECTORS);
    if (!r)
        r = check_super(&fs->sb, false);
    if (r)
        return r;
    fs->rdonly = false;
    r = mark_mounted(fs);
    if (r)
        fs->rdonly = true;
    return r;
}

static bool is_power(uint32_t n, uint32_t base)
{
    while (n > 1 && n % base == 0)
        n /= base;
    return n == 1;
}

/* Does group g hold a superblock backup (and descriptor copy)? */
static bool group_has_super(const struct ext2_fs *fs, uint32_t g)
{
    if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER) || g <= 1)
        return true;
    return is_power(g, 3) || is_power(g, 5) || is_power(g, 7);
}

void ext2_statfs(struct ext2_fs *fs, struct ext2_statfs *st)
{
    /* Metadata overhead, counted as Linux's ext2 does for f_blocks. */
    uint64_t itb = ((uint64_t)fs->ipg * fs->inode_size + fs->bs - 1) / fs->bs;
    uint64_t over = fs->sb.s_first_data_block + fs->ngroups * (itb + 2);
    for (uint32_t g = 0; g < fs->ngroups; g++)
        if (group_has_super(fs, g))
            over += 1 + fs->gdt_blocks;
    const struct ext2_super_disk *s = &fs->sb;
    st->bsize = fs->bs;
    st->blocks = s->s_blocks_count > over ? s->s_blocks_count - over : 0;
    st->bfree = s->s_free_blocks_count;
    st->bavail = st->bfree > s->s_r_blocks_count ? st->bfree - s->s_r_blocks_count : 0;
    st->files = s->s_inodes_count;
    st->ffree = s->s_free_inodes_count;
    st->namelen = EXT2_NAME_LEN;
}
