// SPDX-License-Identifier: MPL-2.0
// ext2 VFS glue: VFS inodes for ext2 inodes, lookup/readdir into the dentry tree, name operations.
#include <ostd/heap.h>
#include <ostd/time.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/ext2/ext2_vfs.h"
#include "fs/ext2/ext2_pcache.h"
#include "fs/dcache.h"

uint32_t ext2_now(void)
{
    return (uint32_t)(clock_realtime_ns() / 1000000000ull);
}

static struct linux_timespec ts(uint32_t sec)
{
    return (struct linux_timespec){ sec, 0 };
}

void ext2_vnode_refresh(struct inode *v, const struct ext2_inode *ip)
{
    v->mode = ip->d.i_mode;
    v->uid = ext2_uid(ip);
    v->gid = ext2_gid(ip);
    v->nlink = ip->d.i_links_count;
    v->size = ext2_isize(ip);
    v->disk_blocks = ip->d.i_blocks;
    v->atime = ts(ip->d.i_atime);
    v->mtime = ts(ip->d.i_mtime);
    v->ctime = ts(ip->d.i_ctime);
    uint32_t t = ip->d.i_mode & S_IFMT;
    v->rdev = t == S_IFCHR || t == S_IFBLK ? ext2_rdev(ip) : 0;
}

/* A reference on v unless it is already on its way out (refcount 0). */
static bool vnode_tryget(struct inode *v)
{
    uint32_t n = atomic_load(&v->refcount);
    while (n && !atomic_cas(&v->refcount, &n, n + 1))
        ;
    return n != 0;
}

static int vnode_new(struct ext2_sbi *s, struct ext2_inode *ip, struct inode **out)
{
    struct inode *v = inode_new(&s->sb, ip->d.i_mode);
    if (!v)
        return -ENOMEM;
    v->ino = ip->ino;
    v->iops = &ext2_iops;
    v->fs_info = ip;
    ext2_vnode_refresh(v, ip);
    if (S_ISREG(v->mode))
        v->fops = &ext2_file_ops;
    if (S_ISLNK(v->mode)) {
        char *body = kmalloc(s->fs->bs + 1);
        long n = body ? ext2_readlink(s->fs, ip, body, s->fs->bs + 1) : -ENOMEM;
        if (n < 0) {
            kfree(body);
            v->fs_info = NULL;
            inode_put(v);
            return (int)n;
        }
        v->symlink = body;
    }
    ip->priv = v;
    *out = v;
    return 0;
}

int ext2_vnode_get_locked(struct ext2_sbi *s, uint32_t ino, struct inode **out)
{
    struct ext2_inode *ip;
    int r = ext2_iget(s->fs, ino, &ip);
    if (r)
        return r;
    if (ip->d.i_mode == 0 || ip->d.i_links_count == 0) {
        ext2_iput(s->fs, ip);
        return -EIO;        /* a directory entry naming a free inode: corrupt */
    }
    struct inode *v = ip->priv;
    if (v && vnode_tryget(v)) {
        ext2_iput(s->fs, ip);   /* v already holds one */
        *out = v;
        return 0;
    }
    r = vnode_new(s, ip, out);     /* takes over our core reference */
    if (r)
        ext2_iput(s->fs, ip);
    return r;
}

/* Refresh the VFS inode of core inode number ino, if one is live. sbi->lock held. */
static void refresh_ino(struct ext2_sbi *s, uint32_t ino)
{
    for (struct ext2_inode *ip = s->fs->inodes; ip; ip = ip->next)
        if (ip->ino == ino && ip->priv)
            ext2_vnode_refresh(ip->priv, ip);
}

static void ext2_evict(struct inode *v)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    struct ext2_inode *ip = EXT2_I(v);
    if (!ip)
        return;
    mutex_lock(&s->lock);
    if (ip->priv == v) {
        (void)ext2_pcache_writeback_locked(s, ip);  /* FIXME: a failed write-back is dropped */
        ext2_pcache_drop_locked(ip);
        ip->priv = NULL;
    }
    (void)ext2_iput(s->fs, ip);     /* FIXME: an I/O error here leaks the inode until fsck */
    mutex_unlock(&s->lock);
}

/* dir's child called name: from the dentry tree, else from the disk. vfs_lock held. */
static struct dentry *ext2_lookup(struct dentry *dir, const char *name, size_t len)
{
    struct dentry *d = dentry_lookup_locked(dir, name, len);
    if (d)
        return d;
    struct ext2_sbi *s = EXT2_SBI(dir->inode);
    struct inode *v = NULL;
    uint32_t ino;
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_dir_lookup(s->fs, EXT2_I(dir->inode), name, len, &ino);
    if (!r)
        r = ext2_vnode_get_locked(s, ino, &v);
    mutex_unlock(&s->lock);
    if (r)
        return NULL;    /* FIXME: I/O errors look like a missing name */
    d = dentry_add_locked(dir, name, len, v);
    inode_put(v);
    return d;
}

struct fill_ctx {
    struct ext2_sbi *s;
    struct dentry *dir;
    struct inode *drop;         /* to put once s->lock is released */
};

static int fill_one(void *arg, const char *name, size_t len, uint32_t ino, uint8_t t, uint64_t next)
{
    struct fill_ctx *c = arg;
    (void)t, (void)next;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    if (dentry_lookup_locked(c->dir, name, len))
        return 0;
    struct inode *v;
    if (ext2_vnode_get_locked(c->s, ino, &v))
        return 0;       /* skip a bad entry; FIXME: report it */
    struct dentry *d = dentry_add_locked(c->dir, name, len, v);
    if (!d) {
        c->drop = v;    /* its last put evicts, which takes s->lock */
        return -ENOMEM;
    }
    inode_put(v);       /* the dentry holds v: never the last reference */
    return 0;
}

/* Before a listing: every on-disk entry gets a dentry. vfs_lock held. */
static void ext2_revalidate(struct dentry *dir)
{
    struct ext2_sbi *s = EXT2_SBI(dir->inode);
    struct fill_ctx c = { s, dir, NULL };
    uint64_t pos = 0;
    mutex_lock(&s->lock);
    if (!s->dead)
        (void)ext2_dir_iterate(s->fs, EXT2_I(dir->inode), &pos, fill_one, &c);
    mutex_unlock(&s->lock);
    if (c.drop)
        inode_put(c.drop);
}

static int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
                       const char *target, struct inode **out)
{
    struct ext2_sbi *s = EXT2_SBI(dir);
    struct ext2_new n = { mode, current_fsuid(), current_fsgid(), rdev, target };
    struct ext2_inode *ip;
    if (S_ISLNK(mode) && !target)
        return -EINVAL;
    if (dir->mode & S_ISGID) {      /* BSD group semantics of a setgid directory */
        n.gid = dir->gid;
        if (S_ISDIR(mode))
            n.mode |= S_ISGID;
    }
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_mknod(s->fs, EXT2_I(dir), name, len, &n, &ip);
    if (!r) {
        r = ext2_vnode_get_locked(s, ip->ino, out);
        (void)ext2_iput(s->fs, ip);
        ext2_vnode_refresh(dir, EXT2_I(dir));
    }
    mutex_unlock(&s->lock);
    return r;
}

static int ext2_vlink(struct inode *dir, const char *name, size_t len, struct inode *v)
{
    struct ext2_sbi *s = EXT2_SBI(dir);
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_link(s->fs, EXT2_I(dir), name, len, EXT2_I(v));
    ext2_vnode_refresh(v, EXT2_I(v));
    ext2_vnode_refresh(dir, EXT2_I(dir));
    mutex_unlock(&s->lock);
    return r;
}

static int ext2_vunlink(struct inode *dir, const char *name, size_t len, struct inode *victim)
{
    struct ext2_sbi *s = EXT2_SBI(dir);
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_unlink(s->fs, EXT2_I(dir), name, len, S_ISDIR(victim->mode));
    ext2_vnode_refresh(victim, EXT2_I(victim));
    ext2_vnode_refresh(dir, EXT2_I(dir));
    mutex_unlock(&s->lock);
    return r;
}

static int ext2_vrename(struct inode *odir, const char *on, size_t ol, struct inode *ndir,
                        const char *nn, size_t nl)
{
    struct ext2_sbi *s = EXT2_SBI(odir);
    uint32_t src = 0, dst = 0;
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_dir_lookup(s->fs, EXT2_I(odir), on, ol, &src);
    if (!r && ext2_dir_lookup(s->fs, EXT2_I(ndir), nn, nl, &dst))
        dst = 0;
    if (!r)
        r = ext2_rename(s->fs, EXT2_I(odir), on, ol, EXT2_I(ndir), nn, nl);
    refresh_ino(s, src);
    if (dst)
        refresh_ino(s, dst);
    ext2_vnode_refresh(odir, EXT2_I(odir));
    ext2_vnode_refresh(ndir, EXT2_I(ndir));
    mutex_unlock(&s->lock);
    return r;
}

/* The VFS changed mode, owner or times; on failure its copy is put back. */
static int ext2_write_back(struct inode *v)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    struct ext2_inode *ip = EXT2_I(v);
    mutex_lock(&s->lock);
    struct ext2_dinode old = ip->d;
    ip->d.i_mode = (uint16_t)v->mode;
    ext2_set_owner(ip, v->uid, v->gid);
    ip->d.i_atime = (uint32_t)v->atime.tv_sec;
    ip->d.i_mtime = (uint32_t)v->mtime.tv_sec;
    ip->d.i_ctime = (uint32_t)v->ctime.tv_sec;
    int r = s->dead ? -EIO : ext2_write_inode(s->fs, ip);
    if (r) {
        ip->d = old;
        ext2_vnode_refresh(v, ip);
    }
    mutex_unlock(&s->lock);
    return r;
}

static int ext2_setsize(struct inode *v, uint64_t size)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_truncate(s->fs, EXT2_I(v), size);
    if (!r)
        ext2_pcache_truncate_locked(EXT2_I(v), size);
    ext2_vnode_refresh(v, EXT2_I(v));
    mutex_unlock(&s->lock);
    return r;
}

static long ext2_vgetxattr(struct inode *v, const char *name, void *buf, size_t size)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    mutex_lock(&s->lock);
    long r = s->dead ? -EIO : ext2_getxattr(s->fs, EXT2_I(v), name, buf, size);
    mutex_unlock(&s->lock);
    return r;
}

static int ext2_vsetxattr(struct inode *v, const char *name, const void *val, size_t size, int flags)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : ext2_setxattr(s->fs, EXT2_I(v), name, val, size, flags);
    ext2_vnode_refresh(v, EXT2_I(v));
    mutex_unlock(&s->lock);
    return r;
}

static long ext2_vlistxattr(struct inode *v, char *buf, size_t size)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    mutex_lock(&s->lock);
    long r = s->dead ? -EIO : ext2_listxattr(s->fs, EXT2_I(v), buf, size);
    mutex_unlock(&s->lock);
    return r;
}

const struct inode_ops ext2_iops = {
    .lookup = ext2_lookup,
    .revalidate = ext2_revalidate,
    .create = ext2_create,
    .link = ext2_vlink,
    .unlink = ext2_vunlink,
    .rename = ext2_vrename,
    .write_inode = ext2_write_back,
    .setsize = ext2_setsize,
    .getxattr = ext2_vgetxattr,
    .setxattr = ext2_vsetxattr,
    .listxattr = ext2_vlistxattr,
    .evict = ext2_evict,
};
