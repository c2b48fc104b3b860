// SPDX-License-Identifier: MPL-2.0
// devpts: every mount a new instance with its own index space, ptmx node and options (Linux >= 4.7).
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include "fs/devpts/devpts.h"
#include "fs/dcache.h"
#include "fs/inode.h"
#include "fs/vfs.h"

#define NR_UNIX98_PTY_MAX (1u << 20)    /* the largest max= Linux accepts */

struct devpts_opts {
    uint32_t mode, gid, uid, ptmxmode, max;
    bool setgid, setuid;
};

/*
 * One instance (super_block.fs_info). Its lifetime: the mounts (the VFS
 * calls kill when the last one is gone and no path into it is held) plus
 * its ptys (count). The last of the two frees it; sb->fs_info is cleared at
 * kill (under vfs_lock) so nothing can find it through the file system any more.
 * FIXME: the super block, root and ptmx dentries and inodes stay with the
 * never-freed struct mount (dcache.h); a lazily detached (MNT_DETACH)
 * instance whose paths are still held is never killed, so never freed.
 */
struct devpts_inst {
    struct super_block *sb;             /* immutable */
    struct dentry *root;                /* immutable; the instance's own reference */
    struct inode *ptmx;                 /* immutable pointer; mode, uid, gid guarded by vfs_lock */
    struct devpts_opts opts;            /* guarded by vfs_lock; max also read atomically */
    struct dentry *nodes[PTY_MAX];      /* guarded by vfs_lock */
    spinlock_t lock;                    /* guards ptys, count and killed; taken before a pty's lock */
    struct pty *ptys[PTY_MAX];
    uint32_t count;                     /* ptys allocated: each pins the instance */
    bool killed;                        /* unmounted: freed when count reaches 0 */
};

static struct devpts_inst *initial;     /* guarded by vfs_lock: what /dev/ptmx uses without a pts beside it */
static uint64_t next_dev = 0x3000;      /* atomic: anonymous devices 0:n */

static const struct devpts_opts default_opts = { .mode = 0600, .ptmxmode = 0, .max = NR_UNIX98_PTY_MAX };

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

static bool key_is(const char *k, size_t kl, const char *name)
{
    return kl == strlen(name) && !memcmp(k, name, kl);
}

static int devpts_opt(struct devpts_opts *o, const char *k, size_t kl, const char *v, size_t vl, bool has_v)
{
    if (key_is(k, kl, "newinstance") && !has_v)
        return 0;       /* every mount is a new instance */
    if (!has_v)
        return -EINVAL;
    if (key_is(k, kl, "mode"))
        return parse_uint(v, vl, 8, 07777, &o->mode);
    if (key_is(k, kl, "ptmxmode"))
        return parse_uint(v, vl, 8, 07777, &o->ptmxmode);
    if (key_is(k, kl, "gid"))
        return o->setgid = true, parse_uint(v, vl, 10, UINT32_MAX - 1, &o->gid);
    if (key_is(k, kl, "uid"))
        return o->setuid = true, parse_uint(v, vl, 10, UINT32_MAX - 1, &o->uid);
    if (key_is(k, kl, "max"))
        return parse_uint(v, vl, 10, NR_UNIX98_PTY_MAX, &o->max);
    return -EINVAL;
}

/* Options start from the defaults at mount and at every remount, as Linux. */
static int parse_opts(const char *data, struct devpts_opts *o)
{
    *o = default_opts;
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

/* The ptmx node follows ptmxmode=, uid= and gid=; vfs_lock held. */
static void apply_opts_locked(struct devpts_inst *in, const struct devpts_opts *o)
{
    in->opts = *o;
    in->ptmx->mode = S_IFCHR | o->ptmxmode;
    if (o->setuid)
        in->ptmx->uid = o->uid;
    if (o->setgid)
        in->ptmx->gid = o->gid;
}

/* mount -o remount: the options given (the rest back to their defaults). vfs_lock held. */
static int devpts_reconfigure(struct super_block *sb, const char *data)
{
    struct devpts_opts o;
    int r = parse_opts(data, &o);
    if (!r && !sb->fs_info)
        r = -EINVAL;    /* killed: not reachable through a mount */
    if (!r)
        apply_opts_locked(sb->fs_info, &o);
    return r;
}

/* Nothing refers to in any more (unmounted, no pty): drop its references and free it. */
static void instance_free(struct devpts_inst *in)
{
    inode_put(in->ptmx);
    dput(in->root);
    kfree(in);
}

/* The last mount of sb is gone and no path into it is held: free the instance now or with its last pty. vfs_lock held. */
static void devpts_kill(struct super_block *sb)
{
    struct devpts_inst *in = sb->fs_info;
    if (!in)
        return;
    sb->fs_info = NULL;
    unsigned long f = spin_lock_irqsave(&in->lock);
    in->killed = true;
    bool last = in->count == 0;
    spin_unlock_irqrestore(&in->lock, f);
    if (last)
        instance_free(in);
}

static const struct super_ops devpts_sops = { .reconfigure = devpts_reconfigure, .kill = devpts_kill };

static struct inode *new_node_locked(struct super_block *sb, uint32_t mode, uint32_t major, uint32_t minor)
{
    struct inode *ino = inode_new(sb, S_IFCHR | mode);
    if (ino)
        ino->rdev = linux_makedev(major, minor);
    return ino;
}

/* A new instance with the root directory and ptmx; vfs_lock held. NULL on -ENOMEM. */
static struct devpts_inst *instance_new_locked(const struct devpts_opts *o)
{
    struct devpts_inst *in = kzalloc(sizeof(*in));
    struct super_block *sb = in ? kzalloc(sizeof(*sb)) : NULL;
    struct inode *dir = sb ? inode_new(sb, S_IFDIR | 0755) : NULL;
    struct dentry *root = dir ? dentry_new_root(dir) : NULL;
    struct inode *ptmx = root ? new_node_locked(sb, 0, 5, 2) : NULL;
    struct dentry *d = ptmx ? dentry_add_locked(root, "ptmx", 4, ptmx) : NULL;
    if (dir)
        inode_put(dir);
    if (!d) {
        if (ptmx)
            inode_put(ptmx);
        if (!dir) {
            kfree(sb);
            kfree(in);
        }
        return NULL;    /* FIXME: a half-made instance (root dentry made) is leaked on OOM */
    }
    sb->dev = atomic_add(&next_dev, 1);
    sb->magic = DEVPTS_SUPER_MAGIC;
    sb->type = "devpts";
    sb->sops = &devpts_sops;
    sb->fs_info = in;
    in->sb = sb;
    in->root = root;
    in->ptmx = ptmx;    /* keeps the reference new_node_locked gave */
    spin_init(&in->lock, "devpts");
    ptmx->uid = current_fsuid();
    ptmx->gid = current_fsgid();
    apply_opts_locked(in, o);
    return in;
}

int devpts_make(const char *data, struct dentry **root)
{
    struct devpts_opts o;
    int r = parse_opts(data, &o);
    if (r)
        return r;
    mutex_lock(&vfs_lock);
    struct devpts_inst *in = instance_new_locked(&o);
    if (in) {
        dget(in->root);
        *root = in->root;
    }
    mutex_unlock(&vfs_lock);
    return in ? 0 : -ENOMEM;
}

static struct devpts_inst *initial_locked(void)
{
    if (!initial)
        atomic_store(&initial, instance_new_locked(&default_opts));
    return initial;
}

/* The devpts mounted (topmost) on "pts" in the directory of p, or NULL. vfs_lock held. */
static struct devpts_inst *pts_beside_locked(const struct path *p)
{
    if (!p->mnt || !p->dentry || !p->dentry->parent)
        return NULL;
    struct dentry *d = dentry_lookup_locked(p->dentry->parent, "pts", 3);
    struct mount *m = d && d->mounted ? mount_lookup_locked(p->mnt, d) : NULL;
    for (struct mount *up; m && (up = mount_lookup_locked(m, m->root)); )
        m = up;
    return m && m->sb->magic == DEVPTS_SUPER_MAGIC ? m->sb->fs_info : NULL;
}

struct devpts_inst *devpts_inst_of_ptmx_locked(struct file *f)
{
    if (f->inode->sb->magic == DEVPTS_SUPER_MAGIC)
        return f->inode->sb->fs_info;      /* NULL once killed */
    struct devpts_inst *in = pts_beside_locked(&f->path);
    return in ? in : initial_locked();
}

struct devpts_inst *devpts_inst_of_node(struct inode *ino)
{
    if (ino->sb->magic == DEVPTS_SUPER_MAGIC)
        return ino->sb->fs_info;
    return atomic_load(&initial);      /* set once; TIOCGPTPEER opens without vfs_lock */
}

int devpts_index_alloc(struct devpts_inst *in, struct pty *pt)
{
    uint32_t max = atomic_load(&in->opts.max);     /* callers may hold vfs_lock (open) */
    int idx = -ENOSPC;
    unsigned long f = spin_lock_irqsave(&in->lock);
    for (uint32_t i = 0; i < PTY_MAX && i < max && idx < 0; i++)
        if (!in->ptys[i])
            idx = (int)i;
    if (idx >= 0) {
        in->ptys[idx] = pt;
        in->count++;
    }
    spin_unlock_irqrestore(&in->lock, f);
    return idx;
}

void devpts_index_free(struct devpts_inst *in, int idx)
{
    unsigned long f = spin_lock_irqsave(&in->lock);
    in->ptys[idx] = NULL;
    bool last = --in->count == 0 && in->killed;
    spin_unlock_irqrestore(&in->lock, f);
    if (last)
        instance_free(in);
}

struct pty *devpts_pty_get(struct devpts_inst *in, unsigned idx)
{
    if (!in || idx >= PTY_MAX)
        return NULL;
    unsigned long f = spin_lock_irqsave(&in->lock);
    struct pty *pt = in->ptys[idx];
    if (pt && !pty_slave_try_get(pt))
        pt = NULL;
    spin_unlock_irqrestore(&in->lock, f);
    return pt;
}

/* idx in decimal; its length. */
static int index_name(int idx, char name[12])
{
    int n = 0;
    for (int v = idx; ; v /= 10) {      /* written backwards, then reversed */
        name[n++] = (char)('0' + v % 10);
        if (v < 10)
            break;
    }
    for (int i = 0; i < n / 2; i++) {
        char c = name[i];
        name[i] = name[n - 1 - i];
        name[n - 1 - i] = c;
    }
    return n;
}

int devpts_add(struct devpts_inst *in, int idx)
{
    char name[12];
    int n = index_name(idx, name);
    uint32_t uid = current_fsuid(), gid = current_fsgid();
    mutex_lock(&vfs_lock);
    struct inode *ino = new_node_locked(in->sb, in->opts.mode, PTY_SLAVE_MAJOR, (uint32_t)idx);
    if (ino) {
        ino->uid = in->opts.setuid ? in->opts.uid : uid;
        ino->gid = in->opts.setgid ? in->opts.gid : gid;
        in->nodes[idx] = dentry_add_locked(in->root, name, (size_t)n, ino);
        inode_put(ino);
    }
    int r = in->nodes[idx] ? 0 : -ENOMEM;
    mutex_unlock(&vfs_lock);
    return r;
}

void devpts_remove(struct devpts_inst *in, int idx)
{
    mutex_lock(&vfs_lock);
    if (in->nodes[idx])
        dentry_remove_locked(in->nodes[idx]);
    in->nodes[idx] = NULL;
    mutex_unlock(&vfs_lock);
}

long devpts_open_slave(struct devpts_inst *in, int idx, uint32_t flags)
{
    mutex_lock(&vfs_lock);
    struct inode *ino = in->nodes[idx] ? in->nodes[idx]->inode : NULL;
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
