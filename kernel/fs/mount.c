// SPDX-License-Identifier: MPL-2.0
// mount(2) (new, remount, bind, move, propagation), umount2(2) and pivot_root(2).
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/inode.h"
#include "fs/vfs.h"
#include "proc/process.h"

#define MOUNT_DATA_MAX 4096     /* mount(2) copies one page of data */

struct mount_req {
    char *source, *fstype, *data;   /* kernel copies; NULL when the user passed NULL */
    uint32_t flags;
};

/* FIXME: CAP_SYS_ADMIN in the mount namespace's user namespace once capabilities exist. */
static bool may_mount(void)
{
    return current_fsuid() == 0;
}

static int copy_opt_string(uint64_t uaddr, size_t max, bool truncate_ok, char **out)
{
    *out = NULL;
    if (!uaddr)
        return 0;
    char *s = kmalloc(max);
    if (!s)
        return -ENOMEM;
    long n = strncpy_from_user(s, uptr(uaddr), max);
    if (n == -ENAMETOOLONG && truncate_ok)
        n = 0, s[max - 1] = 0;
    if (n < 0) {
        kfree(s);
        return (int)n;
    }
    *out = s;
    return 0;
}

static void req_free(struct mount_req *rq)
{
    kfree(rq->source);
    kfree(rq->fstype);
    kfree(rq->data);
}

/* The top of the stack of mounts on p (umount of "." after pivot_root(".", ".")). */
static struct path mount_top_locked(struct path p)
{
    struct mount *m;
    while ((m = mount_lookup_locked(p.mnt, p.dentry)))
        p = (struct path){ m, m->root };
    return p;
}

static bool is_mount_root(const struct path *p)
{
    return p->mnt->attached && p->dentry == p->mnt->root;
}

static bool mount_is_below(const struct mount *m, const struct mount *ancestor)
{
    for (; m; m = m->parent)
        if (m == ancestor)
            return true;
    return false;
}

/* Is dentry d at or below dir (within one file system's tree)? */
static bool dentry_is_below(const struct dentry *d, const struct dentry *dir)
{
    for (; d; d = d->parent)
        if (d == dir)
            return true;
    return false;
}

/* Is (mnt, d) reachable from root by walking down? vfs_lock held. */
static bool path_is_below(struct path p, const struct path *root)
{
    while (p.mnt != root->mnt) {
        if (!p.mnt->parent)
            return false;
        p = (struct path){ p.mnt->parent, p.mnt->mountpoint };
    }
    return dentry_is_below(p.dentry, root->dentry);
}

static uint32_t remount_flags(uint32_t req, uint32_t old)
{
    const uint32_t atime = MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;
    uint32_t f = req & MS_MNT_FLAGS & ~atime;
    f |= (req & atime) ? (req & atime & ~MS_STRICTATIME) : (old & atime);
    return f;
}

static int do_remount_locked(struct path *p, const struct mount_req *rq)
{
    if (!is_mount_root(p))
        return -EINVAL;
    /* FIXME: without MS_BIND Linux also reconfigures tmpfs's super block (size=). */
    struct super_block *sb = p->mnt->sb;
    if (!(rq->flags & MS_BIND) && sb->sops && sb->sops->reconfigure) {
        int r = sb->sops->reconfigure(sb, rq->data);
        if (r)
            return r;
    }
    if (!(rq->flags & MS_BIND) && sb->sops && sb->sops->remount) {
        int r = sb->sops->remount(sb, rq->flags & MS_RDONLY);
        if (r)
            return r;
    }
    p->mnt->flags = remount_flags(rq->flags, p->mnt->flags);
    return 0;
}

static struct mount *clone_mount(struct mount *src, struct dentry *root)
{
    struct mount *m = mount_alloc(src->sb, root, src->source);
    if (m)
        m->flags = src->flags;
    return m;
}

/* MS_REC: copy the mounts below (src, dir) onto the clone dst; only mounts with id <= max_id. */
static int copy_tree_locked(struct mount *src, struct dentry *dir, struct mount *dst, int max_id)
{
    struct list_head *l;
    list_for_each(l, &mount_list) {
        struct mount *c = list_entry(l, struct mount, node);
        if (c->parent != src || c->id > max_id || !dentry_is_below(c->mountpoint, dir))
            continue;
        if (c->propagation == MS_UNBINDABLE)
            continue;
        struct mount *n = clone_mount(c, c->root);
        if (!n)
            return -ENOMEM;
        struct path mp = { dst, c->mountpoint };
        mount_attach_locked(n, &mp);
        int r = copy_tree_locked(c, c->root, n, max_id);
        if (r)
            return r;
    }
    return 0;
}

static int last_mount_id_locked(void)
{
    int id = 0;
    struct list_head *l;
    list_for_each(l, &mount_list)
        id = MAX(id, list_entry(l, struct mount, node)->id);
    return id;
}

static int do_bind_locked(struct path *target, const struct path *src, bool rec)
{
    if (src->mnt->propagation == MS_UNBINDABLE || !src->mnt->attached)
        return -EINVAL;
    int max_id = last_mount_id_locked();
    struct mount *m = clone_mount(src->mnt, src->dentry);
    if (!m)
        return -ENOMEM;
    mount_attach_locked(m, target);
    return rec ? copy_tree_locked(src->mnt, src->dentry, m, max_id) : 0;
}

static int do_propagation_locked(struct path *p, uint32_t flags)
{
    uint32_t type = flags & MS_PROPAGATION;
    if (!is_mount_root(p))
        return -EINVAL;
    if (type & (type - 1))
        return -EINVAL;     /* exactly one propagation type */
    struct list_head *l;
    list_for_each(l, &mount_list) {
        struct mount *m = list_entry(l, struct mount, node);
        if (m == p->mnt || ((flags & MS_REC) && mount_is_below(m, p->mnt)))
            m->propagation = type;  /* FIXME: recorded only; events do not propagate yet */
    }
    return 0;
}

static int do_move_locked(struct path *target, const struct path *src)
{
    struct mount *m = src->mnt;
    if (!is_mount_root(src) || !m->parent)
        return -EINVAL;
    if (mount_is_below(target->mnt, m))
        return -ELOOP;
    int id = m->id;
    mount_detach_locked(m);
    mount_attach_locked(m, target);
    m->id = id;
    return 0;
}

static int do_new_mount_locked(struct path *target, const struct mount_req *rq, struct dentry *root)
{
    struct mount *m = mount_alloc(root->inode->sb, root, rq->source ? rq->source : "none");
    if (!m)
        return -ENOMEM;
    m->flags = remount_flags(rq->flags, MS_RELATIME);
    mount_attach_locked(m, target);
    return 0;
}

static const struct fs_type *find_fs_type(const char *name)
{
    for (size_t i = 0; name && fs_types[i]; i++)
        if (!strcmp(fs_types[i]->name, name))
            return fs_types[i];
    return NULL;
}

/* A path argument walked under vfs_lock (caller holds it and calls nd_fini after). */
static int lookup_arg_locked(struct nameidata *nd, struct path *out)
{
    int r = nd_lookup_locked(nd);
    if (r)
        return r;
    if (nd->child.dentry->dead)
        return -ENOENT;
    *out = nd->child;
    return 0;
}

static bool is_new_mount(uint32_t f)
{
    return !(f & (MS_REMOUNT | MS_BIND | MS_PROPAGATION | MS_MOVE));
}

/* Dispatch on the flags, as Linux's path_mount does; vfs_lock held. */
static int mount_locked(struct path *target, struct nameidata *snd, const struct mount_req *rq,
                        struct dentry *newroot)
{
    uint32_t f = rq->flags;
    struct path src;
    if (f & MS_REMOUNT)
        return do_remount_locked(target, rq);
    if (f & MS_PROPAGATION && !(f & (MS_BIND | MS_MOVE)))
        return do_propagation_locked(target, f);
    if (f & (MS_BIND | MS_MOVE)) {
        int r = lookup_arg_locked(snd, &src);
        if (r)
            return r;
        return (f & MS_BIND) ? do_bind_locked(target, &src, f & MS_REC) : do_move_locked(target, &src);
    }
    return do_new_mount_locked(target, rq, newroot);
}

static int mount_copy_in(struct sys_call *c, struct mount_req *rq)
{
    uint64_t f = c->arg[3];
    if ((f & MS_MGC_MSK) == MS_MGC_VAL)
        f &= ~(uint64_t)MS_MGC_MSK;
    rq->flags = (uint32_t)f;
    int r = copy_opt_string(c->arg[0], PATH_MAX, false, &rq->source);
    if (!r)
        r = copy_opt_string(c->arg[2], 256, false, &rq->fstype);
    bool reconfig = (rq->flags & MS_REMOUNT) && !(rq->flags & MS_BIND);
    if (!r && (is_new_mount(rq->flags) || reconfig))
        r = copy_opt_string(c->arg[4], MOUNT_DATA_MAX, true, &rq->data);
    return r;
}

static int make_new_root(const struct mount_req *rq, struct dentry **root)
{
    *root = NULL;
    if (!is_new_mount(rq->flags))
        return 0;
    if (!rq->fstype)
        return -EINVAL;
    const struct fs_type *t = find_fs_type(rq->fstype);
    if (t && t->make_dev)
        return rq->source ? t->make_dev(rq->source, rq->flags, rq->data, root) : -EINVAL;
    return t ? t->make(rq->data, root) : -ENODEV;
}

/*
 * Linux resolves the mount point before it opens the source: a missing
 * target gives ENOENT before a new file system is made. The walk is
 * repeated under vfs_lock when the mount is attached.
 */
static int target_exists(uptr_t upath)
{
    struct nameidata nd;
    int r = nd_init(&nd, AT_FDCWD, upath, LOOKUP_FOLLOW);
    if (!r) {
        struct path p;
        mutex_lock(&vfs_lock);
        r = lookup_arg_locked(&nd, &p);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

/* A disk file system made for a mount that then failed: no mount uses it, so stop it. */
static void kill_unmounted_sb_locked(struct super_block *sb)
{
    struct list_head *l;
    if (!sb->sops || !sb->sops->kill)
        return;
    list_for_each(l, &mount_list)
        if (list_entry(l, struct mount, node)->sb == sb)
            return;
    sb->sops->kill(sb);
}

long sys_mount(struct sys_call *c)
{
    struct mount_req rq = { 0 };
    struct nameidata tnd, snd;
    struct dentry *newroot = NULL;
    memset(&snd, 0, sizeof(snd));
    int r = may_mount() ? mount_copy_in(c, &rq) : -EPERM;
    if (!r)
        r = nd_init(&tnd, AT_FDCWD, uptr(c->arg[1]), LOOKUP_FOLLOW);
    else
        memset(&tnd, 0, sizeof(tnd));
    if (!r && (rq.flags & (MS_BIND | MS_MOVE)) && !(rq.flags & MS_REMOUNT))
        r = rq.source ? nd_init_kernel(&snd, rq.source,
                                       (rq.flags & MS_MOVE) ? 0 : LOOKUP_FOLLOW) : -EFAULT;
    if (!r && is_new_mount(rq.flags))
        r = target_exists(uptr(c->arg[1]));
    if (!r)
        r = make_new_root(&rq, &newroot);
    if (!r) {
        struct path target;
        mutex_lock(&vfs_lock);
        r = lookup_arg_locked(&tnd, &target);
        if (!r && (rq.flags & MS_REMOUNT || (rq.flags & MS_PROPAGATION && !(rq.flags & MS_BIND))))
            target = mount_top_locked(target);
        if (!r)
            r = mount_locked(&target, &snd, &rq, newroot);
        if (r && newroot)
            kill_unmounted_sb_locked(newroot->inode->sb);
        mutex_unlock(&vfs_lock);
    }
    if (newroot)
        dput(newroot);
    nd_fini(&tnd);
    nd_fini(&snd);
    req_free(&rq);
    return r;
}

/* Every attached mount below m (m included), collected before any detaching. */
static int umount_tree_locked(struct mount *m)
{
    size_t n = 0, i = 0;
    struct list_head *l;
    list_for_each(l, &mount_list)
        n++;
    struct mount **set = kcalloc(n ? n : 1, sizeof(*set));
    if (!set)
        return -ENOMEM;
    list_for_each(l, &mount_list) {
        struct mount *c = list_entry(l, struct mount, node);
        if (mount_is_below(c, m))
            set[i++] = c;
    }
    while (i > 0)
        mount_detach_locked(set[--i]);
    kfree(set);
    return 0;
}

/* Is sb still reachable: attached, or a detached mount of it still in use? */
static bool sb_in_use_locked(const struct super_block *sb, const struct mount *gone)
{
    struct list_head *l;
    list_for_each(l, &mount_list)
        if (list_entry(l, struct mount, node)->sb == sb)
            return true;
    return atomic_load(&gone->refcount) > 0;
}

/*
 * After a umount: a disk file system whose last mount went is written back
 * and marked clean. FIXME: mounts are never freed, so a lazily detached
 * (MNT_DETACH) disk file system with open files is not killed when they close.
 */
static void kill_unused_sb_locked(struct mount *m)
{
    struct super_block *sb = m->sb;
    if (sb->sops && sb->sops->kill && !sb_in_use_locked(sb, m))
        sb->sops->kill(sb);
}

static bool has_submounts_locked(const struct mount *m)
{
    struct list_head *l;
    list_for_each(l, &mount_list)
        if (list_entry(l, struct mount, node)->parent == m)
            return true;
    return false;
}

static int umount_locked(struct path p, int flags)
{
    struct mount *m = p.mnt;
    if (!is_mount_root(&p))
        return -EINVAL;
    if (!m->parent)
        return -EINVAL;     /* the namespace root (the initramfs rootfs) */
    struct fs_context *fs = current_fs();
    if (!(flags & MNT_DETACH)) {
        if (m == fs->root.mnt || has_submounts_locked(m) || atomic_load(&m->refcount) > 0)
            return -EBUSY;
    }
    int r = umount_tree_locked(m);
    if (!r)
        kill_unused_sb_locked(m);
    return r;
}

long sys_umount2(struct sys_call *c)
{
    int flags = (int)c->arg[1];
    if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
        return -EINVAL;
    if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
        return -EINVAL;
    if (!may_mount())
        return -EPERM;
    if (flags & MNT_EXPIRE)
        return -EAGAIN;     /* FIXME: MNT_EXPIRE marks; Linux returns EAGAIN the first time */
    struct nameidata nd;
    int r = nd_init(&nd, AT_FDCWD, uptr(c->arg[0]), (flags & UMOUNT_NOFOLLOW) ? 0 : LOOKUP_FOLLOW);
    if (!r) {
        struct path p;
        mutex_lock(&vfs_lock);
        r = lookup_arg_locked(&nd, &p);
        if (!r)
            r = umount_locked(mount_top_locked(p), flags);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

/* Linux's pivot_root checks, in its order. vfs_lock held. */
static int pivot_check_locked(const struct path *nw, const struct path *old, const struct path *root)
{
    if (!nw->mnt->attached || !root->mnt->attached)
        return -EINVAL;
    if (nw->dentry->dead)
        return -ENOENT;
    /* Observed on Linux 6.1: a rootfs root is refused with EINVAL before the EBUSY test. */
    if (root->dentry != root->mnt->root || !root->mnt->parent)
        return -EINVAL;
    if (nw->mnt == root->mnt || old->mnt == root->mnt)
        return -EBUSY;
    if (nw->dentry != nw->mnt->root || !nw->mnt->parent)
        return -EINVAL;
    if (!path_is_below(*old, nw) || !path_is_below(*nw, root))
        return -EINVAL;
    if (nw->mnt->parent->propagation == MS_SHARED || root->mnt->parent->propagation == MS_SHARED)
        return -EINVAL;
    return 0;
}

/* Move the old root to put_old and the new root where the old one was. */
static void pivot_locked(struct path nw, struct path old, struct path root)
{
    struct mount *rm = root.mnt, *nm = nw.mnt;
    struct path rmp = { rm->parent, rm->mountpoint };
    path_get(&rmp);     /* survives the detach */
    int rid = rm->id, nid = nm->id;
    mount_detach_locked(nm);
    mount_detach_locked(rm);
    mount_attach_locked(rm, &old);
    mount_attach_locked(nm, &rmp);
    rm->id = rid;
    nm->id = nid;
    path_put(&rmp);
    /* FIXME: Linux moves every process whose root or cwd was the old root (chroot_fs_refs); only the caller's here. */
    struct fs_context *fs = current_fs();
    struct path nr = { nm, nm->root };
    if (fs->root.mnt == rm && fs->root.dentry == rm->root) {
        path_get(&nr);
        path_put(&fs->root);
        fs->root = nr;
    }
    if (fs->cwd.mnt == rm && fs->cwd.dentry == rm->root) {
        path_get(&nr);
        path_put(&fs->cwd);
        fs->cwd = nr;
    }
}

long sys_pivot_root(struct sys_call *c)
{
    if (!may_mount())
        return -EPERM;
    struct nameidata nnd, ond;
    int r = nd_init(&nnd, AT_FDCWD, uptr(c->arg[0]), LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    int r2 = nd_init(&ond, AT_FDCWD, uptr(c->arg[1]), LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    r = r ? r : r2;
    if (!r) {
        struct path nw, old;
        mutex_lock(&vfs_lock);
        r = lookup_arg_locked(&nnd, &nw);
        if (!r)
            r = lookup_arg_locked(&ond, &old);
        struct path root = current_fs()->root;
        if (!r)
            r = pivot_check_locked(&nw, &old, &root);
        if (!r)
            pivot_locked(nw, old, root);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nnd);
    nd_fini(&ond);
    return r;
}
