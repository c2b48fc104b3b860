// SPDX-License-Identifier: MPL-2.0
// ext2 VFS glue: mount(2) on a block device, statfs, sync, remount and the final umount.
#include <ostd/heap.h>
#include <ostd/task.h>
#include <ostd/console.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mount.h>
#include <uapi/statfs.h>
#include "block/blkdev.h"
#include "fs/ext2/ext2_vfs.h"
#include "fs/ext2/ext2_pcache.h"
#include "mm/shrink.h"
#include "fs/mount.h"
#include "fs/namei.h"

/* Mounted instances, so a second mount of one device shares the first one's. */
static struct list_head ext2_mounts = LIST_HEAD_INIT(ext2_mounts);  /* guarded by ext2_mounts_lock */
static struct mutex ext2_mounts_lock;
static bool ext2_mounts_ready;      /* set once, by the first mount under vfs_lock */
static struct task *writeback_task; /* set once; guarded by ext2_mounts_lock */

/* The block device a mount source names: -ENOENT, -ENOTBLK, -ENXIO as Linux. */
static int source_device(const char *source, struct blkdev **out)
{
    struct nameidata nd;
    uint64_t rdev = 0;
    int r = nd_init_kernel(&nd, source, LOOKUP_FOLLOW);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r && !S_ISBLK(nd.child.dentry->inode->mode))
            r = -ENOTBLK;
        if (!r)
            rdev = nd.child.dentry->inode->rdev;
        if (!ext2_mounts_ready) {
            mutex_init(&ext2_mounts_lock);
            ext2_mounts_ready = true;
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    if (r)
        return r;
    *out = blkdev_by_rdev(rdev);
    return *out ? 0 : -ENXIO;
}

static struct ext2_sbi *mounted_locked(const struct blkdev *bd)
{
    struct list_head *l;
    list_for_each(l, &ext2_mounts)
        if (list_entry(l, struct ext2_sbi, link)->bd == bd)
            return list_entry(l, struct ext2_sbi, link);
    return NULL;
}

/*
 * A device that is already mounted: the new mount shares its super block,
 * as Linux does, unless the read-only state differs (EBUSY). ext2_mounts_lock held.
 */
static int share_locked(struct ext2_sbi *s, uint32_t flags, struct dentry **root)
{
    mutex_lock(&s->lock);
    bool ro = s->fs->rdonly;
    mutex_unlock(&s->lock);
    if (!s->root || ro != ((flags & MS_RDONLY) || s->bd->readonly))
        return -EBUSY;
    dget(s->root);
    *root = s->root;
    return 0;
}

static struct ext2_sbi *sbi_new(struct blkdev *bd, struct ext2_fs *fs)
{
    struct ext2_sbi *s = kzalloc(sizeof(*s));
    if (!s)
        return NULL;
    mutex_init(&s->lock);
    s->fs = fs;
    s->bd = bd;
    s->sb.dev = linux_makedev(bd->major, bd->minor);
    s->sb.magic = EXT2_SUPER_MAGIC;
    s->sb.type = "ext2";
    s->sb.sops = &ext2_sops;
    s->sb.fs_info = s;
    s->sb.blksize = fs->bs;
    s->sb.next_ino = 1ull << 32;    /* never used: ext2 numbers its own inodes */
    list_init(&s->link);
    return s;
}

static int make_root(struct ext2_sbi *s, struct dentry **root)
{
    struct inode *v;
    mutex_lock(&s->lock);
    int r = ext2_vnode_get_locked(s, EXT2_ROOT_INO, &v);
    mutex_unlock(&s->lock);
    if (r)
        return r;
    *root = S_ISDIR(v->mode) ? dentry_new_root(v) : NULL;
    r = *root ? 0 : S_ISDIR(v->mode) ? -ENOMEM : -EINVAL;
    inode_put(v);
    return r;
}

/* FIXME: ext2 mount options (errors=, grpid, resuid, ...) are refused with EINVAL. */
#define EXT2_WRITEBACK_NS (5ull * 1000 * 1000 * 1000)

/*
 * The write-back task: every 5 s, dirty pages (write(2)), stores through
 * shared mappings and changed metadata blocks of every mounted ext2 file
 * system reach the disk, data first. Started with the first mount; never exits.
 */
static void writeback_main(void *arg)
{
    (void)arg;
    for (;;) {
        task_sleep_ns(EXT2_WRITEBACK_NS);
        mutex_lock(&ext2_mounts_lock);
        struct list_head *l;
        list_for_each(l, &ext2_mounts) {
            struct ext2_sbi *s = list_entry(l, struct ext2_sbi, link);
            mutex_lock(&s->lock);
            int r = s->dead ? 0 : ext2_pcache_writeback_all_locked(s);
            bool meta = !s->dead && !s->fs->rdonly && ext2_cache_dirty(s->fs);
            int e = meta ? ext2_sync(s->fs) : 0;    /* the metadata the data needs; an idle disk is left alone */
            mutex_unlock(&s->lock);
            if (r || e)
                pr_warn("ext2: %s: write-back failed: %d\n", s->bd->name, r ? r : e);
        }
        mutex_unlock(&ext2_mounts_lock);
    }
}

/*
 * The shrinker mm calls before an out-of-memory kill: clean pages nobody
 * maps go first; then dirty ones are written back and go too. Only trylocks
 * (the allocating task may hold any of these).
 */
static uint64_t ext2_shrink_scan(uint64_t want)
{
    if (!ext2_mounts_ready || !mutex_trylock(&ext2_mounts_lock))
        return 0;
    uint64_t got = 0;
    for (int pass = 0; pass < 2 && got < want; pass++) {
        struct list_head *l;
        list_for_each(l, &ext2_mounts) {
            struct ext2_sbi *s = list_entry(l, struct ext2_sbi, link);
            if (got >= want || !mutex_trylock(&s->lock))
                continue;
            if (pass && !s->dead)
                (void)ext2_pcache_writeback_all_locked(s);  /* a failure keeps those pages */
            got += ext2_pcache_shrink_locked(s, want - got);
            mutex_unlock(&s->lock);
        }
    }
    mutex_unlock(&ext2_mounts_lock);
    return got;
}

/* drop_caches: every mount's clean, unmapped pages, oldest first; blocking locks (no allocation holds them here). */
static uint64_t ext2_drop_clean(void)
{
    if (!ext2_mounts_ready)
        return 0;
    uint64_t got = 0;
    mutex_lock(&ext2_mounts_lock);
    struct list_head *l;
    list_for_each(l, &ext2_mounts) {
        struct ext2_sbi *s = list_entry(l, struct ext2_sbi, link);
        mutex_lock(&s->lock);
        got += ext2_pcache_shrink_locked(s, UINT64_MAX);
        mutex_unlock(&s->lock);
    }
    mutex_unlock(&ext2_mounts_lock);
    return got;
}

static uint64_t ext2_cached_pages(void) { return atomic_load(&ext2_pc_pages); }
static uint64_t ext2_dirty_pages(void) { return atomic_load(&ext2_pc_dirty); }

static const struct shrinker ext2_shrinker = {
    .name = "ext2-pagecache",
    .scan = ext2_shrink_scan,
    .count = ext2_cached_pages,
    .dirty = ext2_dirty_pages,
    .drop_clean = ext2_drop_clean,
};

int ext2_make(const char *source, uint32_t flags, const char *data, struct dentry **root)
{
    struct blkdev *bd;
    if (data && data[0])
        return -EINVAL;
    int r = source_device(source, &bd);
    return r ? r : ext2_make_bdev(bd, flags, root);
}

int ext2_make_bdev(struct blkdev *bd, uint32_t flags, struct dentry **root)
{
    struct ext2_fs *fs;
    if (!ext2_mounts_ready) {       /* the root mount comes before any source_device */
        mutex_lock(&vfs_lock);
        if (!ext2_mounts_ready) {
            mutex_init(&ext2_mounts_lock);
            ext2_mounts_ready = true;
        }
        mutex_unlock(&vfs_lock);
    }
    mutex_lock(&ext2_mounts_lock);
    if (!writeback_task) {
        writeback_task = task_spawn("ext2-writeback", writeback_main, NULL, -1);
        if (shrinker_register(&ext2_shrinker))
            pr_warn("ext2: no shrinker slot: the page cache is not shrunk under memory pressure\n");
    }
    struct ext2_sbi *s = mounted_locked(bd);
    if (s) {
        int r = share_locked(s, flags, root);
        mutex_unlock(&ext2_mounts_lock);
        return r;
    }
    int r = ext2_mount(bd, (flags & MS_RDONLY) || bd->readonly, &fs);
    s = r ? NULL : sbi_new(bd, fs);
    if (!r && !s) {
        (void)ext2_umount(fs);
        r = -ENOMEM;
    }
    if (!r)
        r = make_root(s, root);
    if (!r) {
        dget(*root);
        s->root = *root;
        list_add_tail(&s->link, &ext2_mounts);
    }
    mutex_unlock(&ext2_mounts_lock);
    if (r && s)
        ext2_sops.kill(&s->sb);     /* FIXME: the instance is not freed */
    return r;
}

struct label_query {
    const char *label;
    struct blkdev *found;
};

static void match_label(struct blkdev *bd, void *ctx)
{
    struct label_query *q = ctx;
    if (q->found || blkdev_size(bd) < 2048)
        return;
    struct ext2_super_disk *sb = kmalloc(sizeof(*sb));
    if (!sb)
        return;
    char name[sizeof(sb->s_volume_name) + 1];
    if (!blkdev_read(bd, 1024 / BLK_SECTOR_SIZE, sb, sizeof(*sb) / BLK_SECTOR_SIZE) && sb->s_magic == EXT2_SUPER_MAGIC) {
        memcpy(name, sb->s_volume_name, sizeof(sb->s_volume_name));
        name[sizeof(sb->s_volume_name)] = 0;
        if (!strcmp(name, q->label))
            q->found = bd;
    }
    kfree(sb);
}

struct blkdev *ext2_find_label(const char *label)
{
    struct label_query q = { label, NULL };
    if (label[0])
        blkdev_for_each(match_label, &q);
    return q.found;
}

static void ext2_sb_statfs(struct super_block *sb, struct linux_statfs *st)
{
    struct ext2_sbi *s = sb->fs_info;
    struct ext2_statfs e;
    mutex_lock(&s->lock);
    ext2_statfs(s->fs, &e);
    mutex_unlock(&s->lock);
    st->f_bsize = st->f_frsize = (int64_t)e.bsize;
    st->f_blocks = e.blocks;
    st->f_bfree = e.bfree;
    st->f_bavail = e.bavail;
    st->f_files = e.files;
    st->f_ffree = e.ffree;
    st->f_namelen = (int64_t)e.namelen;
}

static int ext2_sb_sync(struct super_block *sb)
{
    struct ext2_sbi *s = sb->fs_info;
    mutex_lock(&s->lock);
    int r = s->dead ? 0 : ext2_pcache_writeback_all_locked(s);
    int e = s->dead ? 0 : ext2_sync(s->fs);
    r = r ? r : e;
    mutex_unlock(&s->lock);
    return r;
}

static int ext2_sb_remount(struct super_block *sb, bool rdonly)
{
    struct ext2_sbi *s = sb->fs_info;
    mutex_lock(&s->lock);
    int r = s->dead ? -EIO : !rdonly && s->bd->readonly ? -EACCES : 0;
    if (!r && rdonly)
        r = ext2_pcache_writeback_all_locked(s);
    if (!r)
        r = ext2_remount(s->fs, rdonly);
    mutex_unlock(&s->lock);
    return r;
}

/* Unlink every dentry below root so unused ones and their inodes are freed. vfs_lock held. */
static void prune_tree_locked(struct dentry *root)
{
    while (!list_empty(&root->children))
        dentry_remove_tree_locked(list_first_entry(&root->children, struct dentry, sibling));
}

/* The last mount went (vfs_lock held once s->root is set; a failed mount has none). */
static void ext2_sb_kill(struct super_block *sb)
{
    struct ext2_sbi *s = sb->fs_info;
    mutex_lock(&s->lock);
    if (!s->dead)
        (void)ext2_pcache_writeback_all_locked(s);  /* FIXME: report a failed final write */
    if (!s->dead)
        (void)ext2_shutdown(s->fs);     /* FIXME: report a failed final write */
    for (struct ext2_inode *ip = s->fs->inodes; ip; ip = ip->next)
        ext2_pcache_drop_locked(ip);    /* mappers keep their frames by their own references */
    ext2_release_buffers(s->fs);        /* read-only now: a later ext2_iput does no disk I/O */
    s->dead = true;
    mutex_unlock(&s->lock);
    mutex_lock(&ext2_mounts_lock);
    list_del(&s->link);
    list_init(&s->link);
    struct dentry *root = s->root;
    s->root = NULL;
    mutex_unlock(&ext2_mounts_lock);
    if (root) {                 /* the mount keeps its own reference on the root */
        prune_tree_locked(root);
        dput(root);
    }
}

const struct super_ops ext2_sops = {
    .statfs = ext2_sb_statfs,
    .sync = ext2_sb_sync,
    .remount = ext2_sb_remount,
    .kill = ext2_sb_kill,
};
