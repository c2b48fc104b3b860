// SPDX-License-Identifier: MPL-2.0
// rename, renameat and renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE).
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/fs_syscalls.h"
#include "fs/open.h"

static bool is_ancestor(const struct dentry *a, const struct dentry *d)
{
    for (; d; d = d->parent)
        if (d == a)
            return true;
    return false;
}

/* Give d the name (a kmalloc'd string it takes over) and put it under dir;
 * returns the old parent, which stays alive because the tree holds it. */
static struct dentry *relink_locked(struct dentry *d, struct dentry *dir, char *name, size_t len)
{
    struct dentry *old = d->parent;
    list_del(&d->sibling);
    kfree(d->name);
    d->name = name;
    d->namelen = len;
    if (old != dir) {
        dget(dir);
        d->parent = dir;
        dput(old);
    }
    d->cookie = dir->next_cookie++;
    list_add_tail(&d->sibling, &dir->children);
    return old;
}

/* Move d under dir in memory, keeping directory link counts and times. */
static void move_locked(struct dentry *d, struct dentry *dir, char *name, size_t len)
{
    struct dentry *old = relink_locked(d, dir, name, len);
    if (old != dir && S_ISDIR(d->inode->mode)) {
        old->inode->nlink--;
        dir->inode->nlink++;
    }
    inode_touch_mc(old->inode);
    inode_touch_mc(dir->inode);
    d->inode->ctime = fs_now();
}

/* The disk already has the new name and link counts: only move the dentry. */
static void move_disk_locked(struct dentry *d, struct dentry *dir, char *name, size_t len)
{
    relink_locked(d, dir, name, len);
}

static char *dup_name(const char *s, size_t len)
{
    char *n = kmalloc(len + 1);
    if (n) {
        memcpy(n, s, len);
        n[len] = 0;
    }
    return n;
}

static int rename_checks_locked(struct nameidata *o, struct nameidata *n, uint32_t flags)
{
    if (o->last_type != LAST_NORM)
        return -EBUSY;
    if (n->last_type != LAST_NORM)
        return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
    struct dentry *od = o->child.dentry, *nd = n->child.dentry;
    if (!od)
        return -ENOENT;
    if (o->parent.mnt != n->parent.mnt)
        return -EXDEV;
    if (mnt_want_write(o->parent.mnt))
        return -EROFS;
    bool odir = S_ISDIR(od->inode->mode);
    if (!odir && (o->trailing_slash || n->trailing_slash))
        return -ENOTDIR;
    if ((flags & RENAME_EXCHANGE) && !nd)
        return -ENOENT;
    if (nd && (flags & RENAME_NOREPLACE))
        return -EEXIST;
    if (is_ancestor(od, n->parent.dentry))
        return -EINVAL;
    if (nd && is_ancestor(nd, o->parent.dentry))
        return flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
    if (od->mounted || (nd && nd->mounted))
        return -EBUSY;
    int r = inode_permission(o->parent.dentry->inode, W_OK | X_OK);
    if (!r)
        r = inode_permission(n->parent.dentry->inode, W_OK | X_OK);
    if (r || !nd || (flags & RENAME_EXCHANGE))
        return r;
    if (odir != S_ISDIR(nd->inode->mode))
        return odir ? -ENOTDIR : -EISDIR;
    return vfs_may_delete_locked(n, odir);
}

static int rename_locked(struct nameidata *o, struct nameidata *n, uint32_t flags)
{
    int r = rename_checks_locked(o, n, flags);
    struct dentry *od = o->child.dentry, *nd = n->child.dentry;
    if (r || od == nd || (nd && od->inode == nd->inode && !(flags & RENAME_EXCHANGE)))
        return r;   /* same file: nothing to do */
    char *nn = dup_name(n->last, n->last_len);
    char *on = (flags & RENAME_EXCHANGE) ? dup_name(o->last, o->last_len) : NULL;
    if (!nn || ((flags & RENAME_EXCHANGE) && !on)) {
        kfree(nn);
        kfree(on);
        return -ENOMEM;
    }
    struct inode *odir = o->parent.dentry->inode;
    if (odir->iops && odir->iops->rename) {
        /* A disk file system: ext2 knows no RENAME_EXCHANGE (EINVAL, as Linux's ext2). */
        r = (flags & RENAME_EXCHANGE) ? -EINVAL :
            odir->iops->rename(odir, o->last, o->last_len, n->parent.dentry->inode, n->last, n->last_len);
        if (r) {
            kfree(nn);
            kfree(on);
            return r;
        }
        if (nd)
            dentry_remove_locked(nd);
        move_disk_locked(od, n->parent.dentry, nn, n->last_len);
        return 0;
    }
    if (flags & RENAME_EXCHANGE) {
        struct dentry *op = o->parent.dentry;
        move_locked(od, n->parent.dentry, nn, n->last_len);
        move_locked(nd, op, on, o->last_len);
        return 0;
    }
    if (nd) {
        if (S_ISDIR(nd->inode->mode)) {
            n->parent.dentry->inode->nlink--;
            nd->inode->nlink = 0;
        } else {
            nd->inode->nlink--;
        }
        nd->inode->ctime = fs_now();
        dentry_remove_locked(nd);
    }
    move_locked(od, n->parent.dentry, nn, n->last_len);
    return 0;
}

static long do_renameat2(int odfd, uptr_t op, int ndfd, uptr_t np, uint32_t flags)
{
    if (flags & ~(uint32_t)(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
        return -EINVAL;
    if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
        return -EINVAL;
    if (flags & RENAME_WHITEOUT)
        return -EINVAL;     /* FIXME: whiteouts arrive with overlayfs */
    struct nameidata o, n;
    int r = nd_init(&o, odfd, op, 0);
    int r2 = nd_init(&n, ndfd, np, 0);
    r = r ? r : r2;
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_walk_locked(&o);
        if (!r)
            r = nd_walk_locked(&n);
        if (!r)
            r = rename_locked(&o, &n, flags);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&o);
    nd_fini(&n);
    return r;
}

long sys_rename(struct sys_call *c) { return do_renameat2(AT_FDCWD, uptr(c->arg[0]), AT_FDCWD, uptr(c->arg[1]), 0); }

long sys_renameat(struct sys_call *c)
{
    return do_renameat2((int)c->arg[0], uptr(c->arg[1]), (int)c->arg[2], uptr(c->arg[3]), 0);
}

long sys_renameat2(struct sys_call *c)
{
    return do_renameat2((int)c->arg[0], uptr(c->arg[1]), (int)c->arg[2], uptr(c->arg[3]), (uint32_t)c->arg[4]);
}
