// SPDX-License-Identifier: MPL-2.0
// ext2 directories: linear entry blocks (hashed directories are read linearly and lose the index flag on change).
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/ext2/ext2.h"

struct dent {
    uint32_t inode;
    uint32_t rec_len;
    uint32_t name_len;
    uint8_t type;
    const char *name;
};

static bool has_ftype(const struct ext2_fs *fs)
{
    return fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
}

/* Decode the entry at off in a directory block; -EIO if it is malformed. */
static int dent_at(const struct ext2_fs *fs, const uint8_t *blk, uint32_t off, struct dent *e)
{
    struct ext2_dirent h;
    if (off + EXT2_DIRENT_HDR > fs->bs)
        return -EIO;
    memcpy(&h, blk + off, sizeof(h));
    e->inode = h.inode;
    e->rec_len = h.rec_len;
    e->name_len = h.name_len;
    e->type = has_ftype(fs) ? h.file_type : 0;
    if (!has_ftype(fs))
        e->name_len |= (uint32_t)h.file_type << 8;
    e->name = (const char *)blk + off + EXT2_DIRENT_HDR;
    if (e->rec_len < EXT2_DIRENT_HDR || e->rec_len % 4 || off + e->rec_len > fs->bs ||
        EXT2_DIRENT_HDR + e->name_len > e->rec_len)
        return -EIO;
    return 0;
}

static void dent_put(uint8_t *blk, uint32_t off, uint32_t ino, uint32_t rec_len, const char *name,
                     size_t len, uint8_t type)
{
    struct ext2_dirent h = { ino, (uint16_t)rec_len, (uint8_t)len, type };
    memcpy(blk + off, &h, sizeof(h));
    memcpy(blk + off + EXT2_DIRENT_HDR, name, len);
}

static void set_rec_len(uint8_t *blk, uint32_t off, uint32_t rec_len)
{
    uint16_t v = (uint16_t)rec_len;
    memcpy(blk + off + 4, &v, 2);
}

/* Where a name was found: the pinned block, its entry and the one before it in the block. */
struct dfind {
    struct ext2_buf *b;
    uint32_t off, prev;         /* prev == off: first in its block */
    struct dent e;
};

static uint32_t dir_blocks(const struct ext2_fs *fs, const struct ext2_inode *dir)
{
    return (uint32_t)(ext2_isize(dir) / fs->bs);
}

static int read_dir_block(struct ext2_fs *fs, struct ext2_inode *dir, uint32_t i, struct ext2_buf **b)
{
    uint32_t pblk;
    int r = ext2_bmap(fs, dir, i, false, &pblk);
    if (r)
        return r;
    return pblk ? ext2_bread(fs, pblk, b) : -EIO;     /* directories have no holes */
}

static int dir_find(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                    struct dfind *f)
{
    for (uint32_t i = 0; i < dir_blocks(fs, dir); i++) {
        int r = read_dir_block(fs, dir, i, &f->b);
        if (r)
            return r;
        for (uint32_t off = 0, prev = 0; off < fs->bs; prev = off, off += f->e.rec_len) {
            r = dent_at(fs, f->b->data, off, &f->e);
            if (r)
                break;
            if (f->e.inode && f->e.name_len == len && !memcmp(f->e.name, name, len)) {
                f->off = off;
                f->prev = prev;
                return 0;
            }
        }
        ext2_brelse(f->b);
        if (r)
            return r;
    }
    return -ENOENT;
}

int ext2_dir_lookup(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                    uint32_t *ino)
{
    struct dfind f;
    int r = dir_find(fs, dir, name, len, &f);
    if (r)
        return r;
    *ino = f.e.inode;
    ext2_brelse(f.b);
    return 0;
}

int ext2_dir_iterate(struct ext2_fs *fs, struct ext2_inode *dir, uint64_t *pos,
                     ext2_filldir_t fn, void *arg)
{
    uint32_t nblk = dir_blocks(fs, dir);
    for (uint32_t i = (uint32_t)(*pos / fs->bs); i < nblk; i++) {
        struct ext2_buf *b;
        struct dent e;
        int r = read_dir_block(fs, dir, i, &b);
        if (r)
            return r;
        /* Scan from the block start so a stale offset lands on an entry boundary. */
        for (uint32_t off = 0; off < fs->bs && !r; off += e.rec_len) {
            r = dent_at(fs, b->data, off, &e);
            uint64_t at = (uint64_t)i * fs->bs + off;
            if (r || at < *pos || !e.inode)
                continue;
            r = fn(arg, e.name, e.name_len, e.inode, e.type, at + e.rec_len);
            if (!r)
                *pos = at + e.rec_len;
        }
        ext2_brelse(b);
        if (r)
            return r;
        *pos = (uint64_t)(i + 1) * fs->bs;
    }
    return 0;
}

/* A modified directory: new times, and no longer a valid hashed index. */
static int dir_changed(struct ext2_fs *fs, struct ext2_inode *dir)
{
    dir->d.i_flags &= ~EXT2_INDEX_FL;
    dir->d.i_mtime = dir->d.i_ctime = ext2_now();
    return ext2_write_inode(fs, dir);
}

/* Put the entry into free space of block b, if it has room. 1 when placed. */
static int add_in_block(struct ext2_fs *fs, struct ext2_buf *b, const char *name, size_t len,
                        uint32_t ino, uint8_t type)
{
    uint32_t need = EXT2_DIRENT_LEN(len);
    struct dent e;
    for (uint32_t off = 0; off < fs->bs; off += e.rec_len) {
        int r = dent_at(fs, b->data, off, &e);
        if (r)
            return r;
        uint32_t used = e.inode ? EXT2_DIRENT_LEN(e.name_len) : 0;
        if (e.rec_len - used < need)
            continue;
        if (used) {
            set_rec_len(b->data, off, used);
            off += used;
        }
        dent_put(b->data, off, ino, e.rec_len - used, name, len, type);
        r = ext2_bwrite(fs, b);
        return r ? r : 1;
    }
    return 0;
}

int ext2_dir_add(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                 uint32_t ino, uint8_t ftype)
{
    if (len == 0 || len > EXT2_NAME_LEN)
        return -ENAMETOOLONG;
    uint8_t type = has_ftype(fs) ? ftype : 0;
    uint32_t nblk = dir_blocks(fs, dir);
    for (uint32_t i = 0; i < nblk; i++) {
        struct ext2_buf *b;
        int r = read_dir_block(fs, dir, i, &b);
        if (r)
            return r;
        r = add_in_block(fs, b, name, len, ino, type);
        ext2_brelse(b);
        if (r < 0)
            return r;
        if (r)
            return dir_changed(fs, dir);
    }
    uint32_t pblk;
    struct ext2_buf *b;
    int r = ext2_bmap(fs, dir, nblk, true, &pblk);
    if (!r)
        r = ext2_bread(fs, pblk, &b);
    if (r)
        return r;
    memset(b->data, 0, fs->bs);
    dent_put(b->data, 0, ino, fs->bs, name, len, type);
    r = ext2_bwrite(fs, b);
    ext2_brelse(b);
    if (r)
        return r;
    ext2_set_isize(fs, dir, (uint64_t)(nblk + 1) * fs->bs);
    return dir_changed(fs, dir);
}

int ext2_dir_remove(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len)
{
    struct dfind f;
    int r = dir_find(fs, dir, name, len, &f);
    if (r)
        return r;
    if (f.prev != f.off) {
        struct dent p;
        r = dent_at(fs, f.b->data, f.prev, &p);
        if (!r)
            set_rec_len(f.b->data, f.prev, p.rec_len + f.e.rec_len);
    } else {
        uint32_t zero = 0;
        memcpy(f.b->data + f.off, &zero, 4);
    }
    if (!r)
        r = ext2_bwrite(fs, f.b);
    ext2_brelse(f.b);
    return r ? r : dir_changed(fs, dir);
}

int ext2_dir_set(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
                 uint32_t ino, uint8_t ftype)
{
    struct dfind f;
    int r = dir_find(fs, dir, name, len, &f);
    if (r)
        return r;
    struct ext2_dirent h;
    memcpy(&h, f.b->data + f.off, sizeof(h));
    h.inode = ino;
    if (has_ftype(fs))
        h.file_type = (uint8_t)ftype;
    memcpy(f.b->data + f.off, &h, sizeof(h));
    r = ext2_bwrite(fs, f.b);
    ext2_brelse(f.b);
    return r ? r : dir_changed(fs, dir);
}

static int not_dots(void *arg, const char *name, size_t len, uint32_t ino, uint8_t t, uint64_t n)
{
    (void)arg, (void)ino, (void)t, (void)n;
    bool dot = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
    return dot ? 0 : 1;
}

int ext2_dir_is_empty(struct ext2_fs *fs, struct ext2_inode *dir)
{
    uint64_t pos = 0;
    int r = ext2_dir_iterate(fs, dir, &pos, not_dots, NULL);
    return r < 0 ? r : r == 0;
}
