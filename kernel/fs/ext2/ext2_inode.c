// SPDX-License-Identifier: MPL-2.0
// ext2 inodes: the in-memory inode table, reading and writing the inode table, owner/device fields.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include "fs/ext2/ext2.h"

/* Where inode ino lives: block and byte offset in the inode table. */
static int inode_loc(struct ext2_fs *fs, uint32_t ino, uint32_t *blk, uint32_t *off)
{
    if (ino == 0 || ino > fs->sb.s_inodes_count)
        return -EIO;
    uint32_t g = (ino - 1) / fs->ipg, idx = (ino - 1) % fs->ipg;
    uint64_t byte = (uint64_t)idx * fs->inode_size;
    *blk = fs->gd[g].bg_inode_table + (uint32_t)(byte / fs->bs);
    *off = (uint32_t)(byte % fs->bs);
    return 0;
}

static int read_dinode(struct ext2_fs *fs, uint32_t ino, struct ext2_dinode *d)
{
    uint32_t blk, off;
    struct ext2_buf *b;
    int r = inode_loc(fs, ino, &blk, &off);
    if (!r)
        r = ext2_bread(fs, blk, &b);
    if (r)
        return r;
    memcpy(d, b->data + off, sizeof(*d));
    ext2_brelse(b);
    return 0;
}

int ext2_write_inode(struct ext2_fs *fs, struct ext2_inode *ip)
{
    uint32_t blk, off;
    struct ext2_buf *b;
    if (fs->rdonly)
        return -EROFS;
    int r = inode_loc(fs, ip->ino, &blk, &off);
    if (!r)
        r = ext2_bread(fs, blk, &b);
    if (r)
        return r;
    memcpy(b->data + off, &ip->d, sizeof(ip->d));
    r = ext2_bwrite(fs, b);
    ext2_brelse(b);
    return r;
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out)
{
    for (struct ext2_inode *ip = fs->inodes; ip; ip = ip->next)
        if (ip->ino == ino) {
            ip->refs++;
            *out = ip;
            return 0;
        }
    struct ext2_inode *ip = kzalloc(sizeof(*ip));
    if (!ip)
        return -ENOMEM;
    int r = read_dinode(fs, ino, &ip->d);
    if (r) {
        kfree(ip);
        return r;
    }
    ip->ino = ino;
    ip->refs = 1;
    ip->next = fs->inodes;
    fs->inodes = ip;
    *out = ip;
    return 0;
}

static bool has_blocks(const struct ext2_fs *fs, const struct ext2_inode *ip)
{
    uint32_t m = ip->d.i_mode & S_IFMT;
    return m == S_IFREG || m == S_IFDIR || (m == S_IFLNK && !ext2_is_fast_symlink(fs, ip));
}

/* The inode has no links and no users: release its blocks and its number. */
static int evict(struct ext2_fs *fs, struct ext2_inode *ip)
{
    int r = has_blocks(fs, ip) ? ext2_truncate(fs, ip, 0) : 0;
    if (!r)
        r = ext2_xattr_drop(fs, ip);
    if (r)
        return r;
    ip->d.i_dtime = ext2_now();
    r = ext2_write_inode(fs, ip);
    return r ? r : ext2_free_inode(fs, ip->ino, (ip->d.i_mode & S_IFMT) == S_IFDIR);
}

int ext2_iput(struct ext2_fs *fs, struct ext2_inode *ip)
{
    int r = 0;
    if (!ip || --ip->refs)
        return 0;
    if (ip->d.i_links_count == 0 && ip->d.i_mode && !fs->rdonly)
        r = evict(fs, ip);
    for (struct ext2_inode **pp = &fs->inodes; *pp; pp = &(*pp)->next)
        if (*pp == ip) {
            *pp = ip->next;
            break;
        }
    kfree(ip);
    return r;
}

uint64_t ext2_isize(const struct ext2_inode *ip)
{
    uint64_t sz = ip->d.i_size;
    if ((ip->d.i_mode & S_IFMT) == S_IFREG)
        sz |= (uint64_t)ip->d.i_size_high << 32;
    return sz;
}

void ext2_set_isize(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t size)
{
    ip->d.i_size = (uint32_t)size;
    if ((ip->d.i_mode & S_IFMT) != S_IFREG)
        return;
    ip->d.i_size_high = (uint32_t)(size >> 32);
    if (size > 0x7fffffffu && !(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
        fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
        if (fs->sb.s_rev_level == 0)
            fs->sb.s_rev_level = 1;     /* FIXME: a rev 0 image needs the rev 1 fields set up */
        fs->sb_dirty = true;
    }
}

uint64_t ext2_max_size(const struct ext2_fs *fs)
{
    uint64_t apb = fs->addr_per_block;
    uint64_t blocks = EXT2_NDIR_BLOCKS + apb + apb * apb + apb * apb * apb;
    uint64_t by_map = blocks * fs->bs;
    /* i_blocks counts 512-byte sectors in 32 bits, data and indirect blocks alike. */
    uint64_t by_count = ((1ull << 32) - 1) * 512 - (apb * apb + apb + 2) * fs->bs;
    return by_map < by_count ? by_map : by_count;
}

uint32_t ext2_mode_to_ftype(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return EXT2_FT_REG_FILE;
    case S_IFDIR: return EXT2_FT_DIR;
    case S_IFCHR: return EXT2_FT_CHRDEV;
    case S_IFBLK: return EXT2_FT_BLKDEV;
    case S_IFIFO: return EXT2_FT_FIFO;
    case S_IFSOCK: return EXT2_FT_SOCK;
    case S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

uint32_t ext2_uid(const struct ext2_inode *ip)
{
    return ip->d.i_uid | (uint32_t)ip->d.i_uid_high << 16;
}

uint32_t ext2_gid(const struct ext2_inode *ip)
{
    return ip->d.i_gid | (uint32_t)ip->d.i_gid_high << 16;
}

void ext2_set_owner(struct ext2_inode *ip, uint32_t uid, uint32_t gid)
{
    ip->d.i_uid = (uint16_t)uid;
    ip->d.i_uid_high = (uint16_t)(uid >> 16);
    ip->d.i_gid = (uint16_t)gid;
    ip->d.i_gid_high = (uint16_t)(gid >> 16);
}

/* Device numbers: i_block[0] in the old 8:8 form, else i_block[1] in the new form. */
uint64_t ext2_rdev(const struct ext2_inode *ip)
{
    uint32_t old = ip->d.i_block[0], nw = ip->d.i_block[1], major, minor;
    if (old) {
        major = (old >> 8) & 0xff;
        minor = old & 0xff;
    } else {
        major = (nw & 0xfff00) >> 8;
        minor = (nw & 0xff) | ((nw >> 12) & 0xfff00);
    }
    return linux_makedev(major, minor);
}

bool ext2_is_fast_symlink(const struct ext2_fs *fs, const struct ext2_inode *ip)
{
    uint32_t acl = ip->d.i_file_acl ? fs->bs / 512 : 0;
    return (ip->d.i_mode & S_IFMT) == S_IFLNK && ip->d.i_blocks - acl == 0;
}
