// SPDX-License-Identifier: MPL-2.0
// ext2 name operations: mknod/mkdir/symlink, link, unlink/rmdir and rename, with link counts.
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include "fs/ext2/ext2.h"

#define EXT2_LINK_MAX 32000u

static bool is_dir(const struct ext2_inode *ip)
{
    return (ip->d.i_mode & S_IFMT) == S_IFDIR;
}

/* Zero a fresh inode's whole on-disk record (extra space included). */
static int clear_slot(struct ext2_fs *fs, uint32_t ino)
{
    uint32_t g = (ino - 1) / fs->ipg;
    uint64_t byte = (uint64_t)((ino - 1) % fs->ipg) * fs->inode_size;
    struct ext2_buf *b;
    int r = ext2_bread(fs, fs->gd[g].bg_inode_table + (uint32_t)(byte / fs->bs), &b);
    if (r)
        return r;
    uint8_t *p = b->data + byte % fs->bs;
    memset(p, 0, fs->inode_size);
    uint16_t extra = fs->sb.s_want_extra_isize;
    if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE && extra &&
        extra <= fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE)
        memcpy(p + EXT2_GOOD_OLD_INODE_SIZE, &extra, 2);
    r = ext2_bwrite(fs, b);
    ext2_brelse(b);
    return r;
}

static void set_rdev(struct ext2_inode *ip, uint64_t rdev)
{
    uint32_t ma = linux_major(rdev), mi = linux_minor(rdev);
    if (ma < 256 && mi < 256)
        ip->d.i_block[0] = ma << 8 | mi;
    else
        ip->d.i_block[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

/* The new inode's contents: a directory's first block, a symlink body, a device number. */
static int fill_new(struct ext2_fs *fs, struct ext2_inode *dir, struct ext2_inode *ip,
                    const struct ext2_new *n)
{
    uint32_t type = n->mode & S_IFMT;
    if (type == S_IFCHR || type == S_IFBLK)
        set_rdev(ip, n->rdev);
    if (type == S_IFLNK) {
        size_t len = strlen(n->target);
        if (len < sizeof(ip->d.i_block)) {
            memcpy(ip->d.i_block, n->target, len);
            ext2_set_isize(fs, ip, len);
            return 0;
        }
        long w = ext2_write(fs, ip, 0, n->target, len);
        return w < 0 ? (int)w : (size_t)w == len ? 0 : -EIO;
    }
    if (type != S_IFDIR)
        return 0;
    int r = ext2_dir_add(fs, ip, ".", 1, ip->ino, EXT2_FT_DIR);
    return r ? r : ext2_dir_add(fs, ip, "..", 2, dir->ino, EXT2_FT_DIR);
}

static int check_new_name(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len)
{
    uint32_t ino;
    if (fs->rdonly)
        return -EROFS;
    if (len > EXT2_NAME_LEN)
        return -ENAMETOOLONG;
    int r = ext2_dir_lookup(fs, dir, name, len, &ino);
    return r == -ENOENT ? 0 : r ? r : -EEXIST;
}

int ext2_mknod(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
               const struct ext2_new *n, struct ext2_inode **out)
{
    bool mkdir = (n->mode & S_IFMT) == S_IFDIR;
    uint32_t ino;
    int r = check_new_name(fs, dir, name, len);
    if (!r && (n->mode & S_IFMT) == S_IFLNK && strlen(n->target) >= fs->bs)
        r = -ENAMETOOLONG;
    if (!r && mkdir && dir->d.i_links_count >= EXT2_LINK_MAX)
        r = -EMLINK;
    if (!r)
        r = ext2_alloc_inode(fs, dir->ino, mkdir, &ino);
    if (!r)
        r = clear_slot(fs, ino);
    struct ext2_inode *ip;
    if (!r)
        r = ext2_iget(fs, ino, &ip);
    if (r)
        return r;
    uint32_t now = ext2_now();
    memset(&ip->d, 0, sizeof(ip->d));
    ip->d.i_mode = (uint16_t)n->mode;
    ext2_set_owner(ip, n->uid, n->gid);
    ip->d.i_atime = ip->d.i_ctime = ip->d.i_mtime = now;
    ip->d.i_links_count = mkdir ? 2 : 1;
    r = fill_new(fs, dir, ip, n);
    if (!r)
        r = ext2_write_inode(fs, ip);
    if (!r)
        r = ext2_dir_add(fs, dir, name, len, ino, (uint8_t)ext2_mode_to_ftype(n->mode));
    if (r) {
        ip->d.i_links_count = 0;
        ext2_iput(fs, ip);      /* frees what was allocated */
        return r;
    }
    if (mkdir) {
        dir->d.i_links_count++;
        r = ext2_write_inode(fs, dir);
    }
    *out = ip;
    return r;
}

int ext2_link(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len,
              struct ext2_inode *ip)
{
    int r = check_new_name(fs, dir, name, len);
    if (r)
        return r;
    if (ip->d.i_links_count >= EXT2_LINK_MAX)
        return -EMLINK;
    r = ext2_dir_add(fs, dir, name, len, ip->ino, (uint8_t)ext2_mode_to_ftype(ip->d.i_mode));
    if (r)
        return r;
    ip->d.i_links_count++;
    ip->d.i_ctime = ext2_now();
    return ext2_write_inode(fs, ip);
}

/* ip loses its name: one link, or a directory its own two ("." and its entry). */
static int drop_name(struct ext2_fs *fs, struct ext2_inode *parent, struct ext2_inode *ip)
{
    uint32_t now = ext2_now();
    int r = 0;
    if (is_dir(ip)) {
        ip->d.i_links_count = 0;
        parent->d.i_links_count--;      /* the victim's ".." */
        r = ext2_write_inode(fs, parent);
    } else if (ip->d.i_links_count) {
        ip->d.i_links_count--;
    }
    ip->d.i_ctime = now;
    int w = ext2_write_inode(fs, ip);
    return r ? r : w;
}

int ext2_unlink(struct ext2_fs *fs, struct ext2_inode *dir, const char *name, size_t len, bool rmdir)
{
    uint32_t ino;
    struct ext2_inode *ip;
    if (fs->rdonly)
        return -EROFS;
    int r = ext2_dir_lookup(fs, dir, name, len, &ino);
    if (!r)
        r = ext2_iget(fs, ino, &ip);
    if (r)
        return r;
    if (rmdir && !is_dir(ip))
        r = -ENOTDIR;
    else if (!rmdir && is_dir(ip))
        r = -EISDIR;
    else if (rmdir)
        r = ext2_dir_is_empty(fs, ip) == 1 ? 0 : -ENOTEMPTY;
    if (!r)
        r = ext2_dir_remove(fs, dir, name, len);
    if (!r)
        r = drop_name(fs, dir, ip);
    int p = ext2_iput(fs, ip);
    return r ? r : p;
}

/* -EINVAL if directory dir is src or lies below it (a rename would make a loop). */
static int check_not_below(struct ext2_fs *fs, uint32_t src, struct ext2_inode *dir)
{
    uint32_t cur = dir->ino;
    for (int depth = 0; cur != EXT2_ROOT_INO; depth++) {
        if (cur == src)
            return -EINVAL;
        struct ext2_inode *ip;
        uint32_t up;
        int r = ext2_iget(fs, cur, &ip);
        if (r)
            return r;
        r = depth > 4096 ? -ELOOP : ext2_dir_lookup(fs, ip, "..", 2, &up);
        ext2_iput(fs, ip);
        if (r)
            return r;
        cur = up;
    }
    return 0;
}

static int rename_checks(struct ext2_fs *fs, struct ext2_inode *src, struct ext2_inode *dst,
                         struct ext2_inode *odir, struct ext2_inode *ndir)
{
    if (dst && is_dir(src) && !is_dir(dst))
        return -ENOTDIR;
    if (dst && !is_dir(src) && is_dir(dst))
        return -EISDIR;
    if (dst && is_dir(dst) && ext2_dir_is_empty(fs, dst) != 1)
        return -ENOTEMPTY;
    if (!is_dir(src) || odir == ndir)
        return 0;
    if (!dst && ndir->d.i_links_count >= EXT2_LINK_MAX)
        return -EMLINK;
    return check_not_below(fs, src->ino, ndir);
}

/* Entries are in place; fix a moved directory's "..", link counts and times. */
static int rename_finish(struct ext2_fs *fs, struct ext2_inode *src, struct ext2_inode *dst,
                         struct ext2_inode *odir, struct ext2_inode *ndir)
{
    int r = dst ? drop_name(fs, ndir, dst) : 0;
    if (!r && is_dir(src) && odir != ndir) {
        r = ext2_dir_set(fs, src, "..", 2, ndir->ino, EXT2_FT_DIR);
        odir->d.i_links_count--;
        ndir->d.i_links_count++;
        if (!r)
            r = ext2_write_inode(fs, odir);
        if (!r)
            r = ext2_write_inode(fs, ndir);
    }
    src->d.i_ctime = ext2_now();
    int w = ext2_write_inode(fs, src);
    return r ? r : w;
}

int ext2_rename(struct ext2_fs *fs, struct ext2_inode *odir, const char *oname, size_t olen,
                struct ext2_inode *ndir, const char *nname, size_t nlen)
{
    uint32_t sino, dino = 0;
    struct ext2_inode *src, *dst = NULL;
    if (fs->rdonly)
        return -EROFS;
    if (nlen > EXT2_NAME_LEN)
        return -ENAMETOOLONG;
    int r = ext2_dir_lookup(fs, odir, oname, olen, &sino);
    if (r)
        return r;
    r = ext2_dir_lookup(fs, ndir, nname, nlen, &dino);
    if (r == -ENOENT)
        dino = 0, r = 0;
    if (r || sino == dino)
        return r;
    r = ext2_iget(fs, sino, &src);
    if (r)
        return r;
    if (dino)
        r = ext2_iget(fs, dino, &dst);
    if (!r)
        r = rename_checks(fs, src, dst, odir, ndir);
    uint8_t ft = (uint8_t)ext2_mode_to_ftype(src->d.i_mode);
    if (!r)
        r = dst ? ext2_dir_set(fs, ndir, nname, nlen, sino, ft)
                : ext2_dir_add(fs, ndir, nname, nlen, sino, ft);
    if (!r)
        r = ext2_dir_remove(fs, odir, oname, olen);
    if (!r)
        r = rename_finish(fs, src, dst, odir, ndir);
    ext2_iput(fs, dst);
    ext2_iput(fs, src);
    return r;
}
