// SPDX-License-Identifier: MPL-2.0
// The file-system types mount(2) creates: tmpfs (with options), devtmpfs, proc, sysfs.
#include <ostd/heap.h>
#include <ostd/frame.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/mount.h"
#include "fs/tmpfs.h"
#include "fs/chrdev.h"
#include "block/blkdev.h"
#include "fs/devpts/devpts.h"

struct tmpfs_opts {
    uint64_t size;              /* bytes, 0: no limit */
    uint64_t nr_inodes;         /* 0: no limit */
    uint32_t mode, uid, gid;
};

static int parse_num(const char *s, size_t len, unsigned base, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned d = s[i] >= '0' && s[i] <= '9' ? (unsigned)(s[i] - '0') : 99;
        if (d >= base || v > (UINT64_MAX - d) / base)
            return -EINVAL;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

/* A number with an optional k/m/g suffix (Linux's memparse). */
static int parse_mem(const char *s, size_t len, uint64_t *out)
{
    unsigned shift = 0;
    char last = len ? s[len - 1] : 0;
    if (last == 'k' || last == 'K') shift = 10;
    if (last == 'm' || last == 'M') shift = 20;
    if (last == 'g' || last == 'G') shift = 30;
    int r = parse_num(s, shift ? len - 1 : len, 10, out);
    if (!r && shift && *out > (UINT64_MAX >> shift))
        return -EINVAL;
    *out <<= shift;
    return r;
}

static uint64_t total_ram(void)
{
    struct frame_stats st;
    frame_get_stats(&st);
    return st.total * PAGE_SIZE;
}

/* size=N[kmg] or size=N% of RAM; rounded up to whole pages. */
static int parse_size(const char *s, size_t len, uint64_t *out)
{
    int r;
    if (len && s[len - 1] == '%') {
        r = parse_num(s, len - 1, 10, out);
        if (!r && *out > UINT64_MAX / total_ram())
            return -EINVAL;
        if (!r)
            *out = total_ram() * *out / 100;
    } else {
        r = parse_mem(s, len, out);
    }
    if (!r && *out > UINT64_MAX - PAGE_SIZE)
        return -EINVAL;
    *out = (*out + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    return r;
}

static bool key_is(const char *k, size_t kl, const char *name)
{
    return strlen(name) == kl && !memcmp(k, name, kl);
}

static int tmpfs_opt(struct tmpfs_opts *o, const char *k, size_t kl, const char *v, size_t vl)
{
    uint64_t n = 0;
    int r;
    if (key_is(k, kl, "size"))
        return parse_size(v, vl, &o->size);
    if (key_is(k, kl, "nr_blocks")) {
        r = parse_mem(v, vl, &n);
        if (r || n > UINT64_MAX / PAGE_SIZE)
            return -EINVAL;
        o->size = n * PAGE_SIZE;
        return 0;
    }
    if (key_is(k, kl, "nr_inodes"))
        return parse_mem(v, vl, &o->nr_inodes);
    if (key_is(k, kl, "mode")) {
        r = parse_num(v, vl, 8, &n);
        o->mode = (uint32_t)(n & 07777);
        return r;
    }
    if (key_is(k, kl, "uid") || key_is(k, kl, "gid")) {
        r = parse_num(v, vl, 10, &n);
        if (r || n > 0xfffffffeu)
            return -EINVAL;
        *(k[0] == 'u' ? &o->uid : &o->gid) = (uint32_t)n;
        return 0;
    }
    /* Policies with nothing to act on here: no transparent huge pages, no NUMA, 64-bit inode numbers. */
    static const char *const no_effect[] = { "huge", "mpol", "inode64", "inode32" };
    for (size_t i = 0; i < ARRAY_SIZE(no_effect); i++)
        if (key_is(k, kl, no_effect[i]))
            return 0;
    return -EINVAL;
}

static int tmpfs_parse(const char *data, struct tmpfs_opts *o)
{
    const char *p = data ? data : "";
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t kl = eq ? (size_t)(eq - p) : len;
        int r = len ? tmpfs_opt(o, p, kl, eq ? eq + 1 : "", eq ? len - kl - 1 : 0) : 0;
        if (r)
            return r;
        p += len + (end ? 1 : 0);
    }
    return 0;
}

static int tmpfs_make(const char *data, struct dentry **root)
{
    /* Linux's defaults: half of RAM, and as many inodes as RAM has pages / 2. */
    struct tmpfs_opts o = { total_ram() / 2 / PAGE_SIZE * PAGE_SIZE, total_ram() / PAGE_SIZE / 2, 01777, 0, 0 };
    int r = tmpfs_parse(data, &o);
    if (r)
        return r;
    struct super_block *sb = tmpfs_new_sb();
    struct inode *ino = sb ? inode_new(sb, S_IFDIR | o.mode) : NULL;
    *root = ino ? dentry_new_root(ino) : NULL;
    if (ino) {
        ino->uid = o.uid;
        ino->gid = o.gid;
        inode_put(ino);
    }
    if (!*root)
        return -ENOMEM;     /* FIXME: super blocks are not freed yet */
    sb->size_limit = o.size;
    sb->inode_limit = o.nr_inodes;
    return 0;
}

struct dev_fill { struct dentry *dir; int err; };

/* Add one node to a new devtmpfs. Precondition: vfs_lock held. */
static void dev_add_locked(struct dev_fill *df, const char *name, uint32_t mode, uint64_t rdev)
{
    if (df->err)
        return;
    struct inode *ino = inode_new(df->dir->inode->sb, mode);
    struct dentry *d = ino ? dentry_add_locked(df->dir, name, strlen(name), ino) : NULL;
    if (ino) {
        ino->rdev = rdev;
        inode_put(ino);
    }
    df->err = d ? 0 : -ENOMEM;
}

static void dev_add_blk(struct blkdev *bd, void *ctx)
{
    dev_add_locked(ctx, bd->name, S_IFBLK | 0660, linux_makedev(bd->major, bd->minor));
}

/* devtmpfs: a tmpfs holding the standard character devices and the block devices. */
static int devtmpfs_make(const char *data, struct dentry **root)
{
    int r = tmpfs_make(data, root);
    if (r)
        return r;
    struct dentry *dir = *root;
    dir->inode->mode = S_IFDIR | 0755;
    dir->inode->sb->type = "devtmpfs";    /* /proc/mounts names it as Linux does */
    struct dev_fill df = { dir, 0 };
    mutex_lock(&vfs_lock);
    for (size_t i = 0; i < chrdev_node_count; i++) {
        const struct chrdev_node *n = &chrdev_nodes[i];
        dev_add_locked(&df, n->name, S_IFCHR | n->mode, linux_makedev(n->major, n->minor));
    }
    blkdev_for_each(dev_add_blk, &df);
    mutex_unlock(&vfs_lock);
    return df.err;
}

static const struct fs_type tmpfs_type = { .name = "tmpfs", .make = tmpfs_make, .nodev = true };
static const struct fs_type devtmpfs_type = { .name = "devtmpfs", .make = devtmpfs_make, .nodev = true };
static const struct fs_type proc_type = { .name = "proc", .make = procfs_make, .nodev = true };
static const struct fs_type sysfs_type = { .name = "sysfs", .make = sysfs_make, .nodev = true };
static const struct fs_type devpts_type = { .name = "devpts", .make = devpts_make, .nodev = true };

static const struct fs_type ext2_type = { .name = "ext2", .make_dev = ext2_make };

const struct fs_type *const fs_types[] = { &sysfs_type, &tmpfs_type, &devtmpfs_type, &proc_type,
                                           &devpts_type, &ext2_type, NULL };
