// SPDX-License-Identifier: MPL-2.0
// devpts: one instance shared by every mount, holding ptmx and a node per open pseudo-terminal.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include "fs/devpts/devpts.h"
#include "fs/dcache.h"
#include "fs/inode.h"
#include "fs/vfs.h"

/*
 * FIXME: every mount shares one instance (newinstance is accepted, not
 * honoured), so containers see the host's ptys; nodes belong to uid 0.
 */
static struct dentry *devpts_root;          /* guarded by vfs_lock */
static struct dentry *pts_nodes[PTY_MAX];   /* guarded by vfs_lock */
static struct inode *ptmx_node;             /* guarded by vfs_lock */
static uint32_t pts_mode = 0600, pts_gid;   /* guarded by vfs_lock: for new nodes */

struct devpts_opts { uint32_t mode, gid, ptmxmode; bool has_mode, has_gid, has_ptmxmode; };

static int parse_uint(const char *s, size_t len, unsigned base, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (!len)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned d = s[i] >= '0' && s[i] <= '9' ? (unsigned)(s[i] - '0') : 99;
        if (d >= base || (v = v * base + d) > max)
            return -EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

static int devpts_opt(struct devpts_opts *o, const char *k, size_t kl, const char *v, size_t vl, bool has_v)
{
    uint32_t ignored;
    if (kl == 11 && !memcmp(k, "newinstance", 11) && !has_v)
        return 0;
    if (!has_v)
        return -EINVAL;
    if (kl == 4 && !memcmp(k, "mode", 4))
        return o->has_mode = true, parse_uint(v, vl, 8, 07777, &o->mode);
    if (kl == 8 && !memcmp(k, "ptmxmode", 8))
        return o->has_ptmxmode = true, parse_uint(v, vl, 8, 07777, &o->ptmxmode);
    if (kl == 3 && !memcmp(k, "gid", 3))
        return o->has_gid = true, parse_uint(v, vl, 10, UINT32_MAX - 1, &o->gid);
    if (kl == 3 && !memcmp(k, "uid", 3))
        return parse_uint(v, vl, 10, UINT32_MAX - 1, &ignored);    /* FIXME: uid= is not applied */
    if (kl == 3 && !memcmp(k, "max", 3))
        return parse_uint(v, vl, 10, UINT32_MAX, &ignored);        /* FIXME: max= is not applied */
    return -EINVAL;
}

static int parse_opts(const char *data, struct devpts_opts *o)
{
    for (const char *p = data; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t kl = eq ? (size_t)(eq - p) : len;
        if (len) {
            int r = devpts_opt(o, p, kl, eq ? eq + 1 : NULL, eq ? len - kl - 1 : 0, eq != NULL);
            if (r)
                return r;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static struct inode *new_node_locked(struct super_block *sb, uint32_t mode, uint32_t major, uint32_t minor)
{
    struct inode *ino = inode_new(sb, S_IFCHR | mode);
    if (ino)
        ino->rdev = linux_makedev(major, minor);
    return ino;
}

/* The shared instance, made on first use; vfs_lock held. */
static int instance_locked(void)
{
    if (devpts_root)
        return 0;
    struct super_block *sb = kzalloc(sizeof(*sb));
    if (!sb)
        return -ENOMEM;
    sb->dev = linux_makedev(0, 0x40);
    sb->magic = DEVPTS_SUPER_MAGIC;
    sb->next_ino = 1;
    sb->type = "devpts";
    struct inode *dir = inode_new(sb, S_IFDIR | 0755);
    struct dentry *root = dir ? dentry_new_root(dir) : NULL;
    struct inode *ptmx = root ? new_node_locked(sb, 0, 5, 2) : NULL;
    struct dentry *d = ptmx ? dentry_add_locked(root, "ptmx", 4, ptmx) : NULL;
    if (dir)
        inode_put(dir);
    if (!d) {
        if (ptmx)
            inode_put(ptmx);
        return -ENOMEM;     /* FIXME: the half-made super block is not freed */
    }
    ptmx_node = ptmx;       /* keeps the reference new_node_locked gave */
    devpts_root = root;
    return 0;
}

int devpts_make(const char *data, struct dentry **root)
{
    struct devpts_opts o = { 0 };
    int r = parse_opts(data, &o);
    if (r)
        return r;
    mutex_lock(&vfs_lock);
    r = instance_locked();
    if (!r) {
        if (o.has_mode)
            pts_mode = o.mode;
        if (o.has_gid)
            pts_gid = o.gid;
        ptmx_node->mode = S_IFCHR | (o.has_ptmxmode ? o.ptmxmode : 0);
        dget(devpts_root);
        *root = devpts_root;
    }
    mutex_unlock(&vfs_lock);
    return r;
}

int devpts_add(int idx)
{
    char name[12];
    int n = 0;
    for (int v = idx; ; v /= 10) {      /* decimal, written backwards then reversed */
        name[n++] = (char)('0' + v % 10);
        if (v < 10)
            break;
    }
    for (int i = 0; i < n / 2; i++) {
        char c = name[i];
        name[i] = name[n - 1 - i];
        name[n - 1 - i] = c;
    }
    mutex_lock(&vfs_lock);
    int r = instance_locked();
    struct inode *ino = r ? NULL : new_node_locked(devpts_root->inode->sb, pts_mode, PTY_SLAVE_MAJOR, (uint32_t)idx);
    if (ino) {
        ino->gid = pts_gid;
        pts_nodes[idx] = dentry_add_locked(devpts_root, name, (size_t)n, ino);
        inode_put(ino);
    }
    if (!r && !pts_nodes[idx])
        r = -ENOMEM;
    mutex_unlock(&vfs_lock);
    return r;
}

void devpts_remove(int idx)
{
    mutex_lock(&vfs_lock);
    if (pts_nodes[idx])
        dentry_remove_locked(pts_nodes[idx]);
    pts_nodes[idx] = NULL;
    mutex_unlock(&vfs_lock);
}

long devpts_open_slave(int idx, uint32_t flags)
{
    mutex_lock(&vfs_lock);
    struct inode *ino = pts_nodes[idx] ? pts_nodes[idx]->inode : NULL;
    if (ino)
        inode_get(ino);
    mutex_unlock(&vfs_lock);
    if (!ino)
        return -EIO;
    struct file *f;
    int r = file_alloc(NULL, ino, &pty_slave_ops, (flags & ~(uint32_t)O_CLOEXEC) | O_NOCTTY, &f);
    inode_put(ino);
    if (r)
        return r;
    r = fd_install(current_files(), f, 0, flags & O_CLOEXEC);
    if (r < 0)
        file_put(f);
    return r;
}
