// SPDX-License-Identifier: MPL-2.0
// The file-system types mount(2) creates: tmpfs (with options), devtmpfs, proc, sysfs.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/mount.h"
#include "fs/tmpfs.h"
#include "fs/chrdev.h"
#include "fs/devpts/devpts.h"

struct tmpfs_opts {
    uint64_t size;
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

/* size=N[kmg] (FIXME: size=N% of memory is taken as 0, no limit). */
static int parse_size(const char *s, size_t len, uint64_t *out)
{
    unsigned shift = 0;
    char last = len ? s[len - 1] : 0;
    if (last == '%') {
        *out = 0;
        return 0;
    }
    if (last == 'k' || last == 'K') shift = 10;
    if (last == 'm' || last == 'M') shift = 20;
    if (last == 'g' || last == 'G') shift = 30;
    int r = parse_num(s, shift ? len - 1 : len, 10, out);
    if (!r && shift && *out > (UINT64_MAX >> shift))
        return -EINVAL;
    *out <<= shift;
    return r;
}

static int tmpfs_opt(struct tmpfs_opts *o, const char *k, size_t kl, const char *v, size_t vl)
{
    uint64_t n = 0;
    int r;
    if (kl == 4 && !memcmp(k, "size", 4))
        return parse_size(v, vl, &o->size);
    if (kl == 4 && !memcmp(k, "mode", 4)) {
        r = parse_num(v, vl, 8, &n);
        o->mode = (uint32_t)(n & 07777);
        return r ? r : n > 07777 ? -EINVAL : 0;
    }
    if ((kl == 3 && !memcmp(k, "uid", 3)) || (kl == 3 && !memcmp(k, "gid", 3))) {
        r = parse_num(v, vl, 10, &n);
        if (r || n > 0xfffffffeu)
            return -EINVAL;
        *(k[0] == 'u' ? &o->uid : &o->gid) = (uint32_t)n;
        return 0;
    }
    static const char *const ignored[] = { "nr_inodes", "nr_blocks", "huge", "mpol", "inode64",
                                           "inode32", "noswap" };
    for (size_t i = 0; i < ARRAY_SIZE(ignored); i++)
        if (strlen(ignored[i]) == kl && !memcmp(k, ignored[i], kl))
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
    struct tmpfs_opts o = { 0, 01777, 0, 0 };
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
    return 0;
}

/* devtmpfs: a tmpfs holding the standard character devices. */
static int devtmpfs_make(const char *data, struct dentry **root)
{
    int r = tmpfs_make(data, root);
    if (r)
        return r;
    struct dentry *dir = *root;
    dir->inode->mode = S_IFDIR | 0755;
    mutex_lock(&vfs_lock);
    for (size_t i = 0; i < chrdev_node_count && !r; i++) {
        const struct chrdev_node *n = &chrdev_nodes[i];
        struct inode *ino = inode_new(dir->inode->sb, S_IFCHR | n->mode);
        struct dentry *d = ino ? dentry_add_locked(dir, n->name, strlen(n->name), ino) : NULL;
        if (ino) {
            ino->rdev = linux_makedev(n->major, n->minor);
            inode_put(ino);
        }
        r = d ? 0 : -ENOMEM;
    }
    mutex_unlock(&vfs_lock);
    return r;
}

static const struct fs_type tmpfs_type = { "tmpfs", tmpfs_make, true };
static const struct fs_type devtmpfs_type = { "devtmpfs", devtmpfs_make, true };
static const struct fs_type proc_type = { "proc", procfs_make, true };
static const struct fs_type sysfs_type = { "sysfs", sysfs_make, true };
static const struct fs_type devpts_type = { "devpts", devpts_make, true };

const struct fs_type *const fs_types[] = { &sysfs_type, &tmpfs_type, &devtmpfs_type, &proc_type, &devpts_type, NULL };
