// SPDX-License-Identifier: MPL-2.0
// The dentry tree, mounts and path-to-string conversion.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mount.h>
#include "fs/dcache.h"

struct mutex vfs_lock;
struct mount *root_mount;
struct list_head mount_list = LIST_HEAD_INIT(mount_list);   /* guarded by vfs_lock */
static int next_mount_id = 20;     /* guarded by vfs_lock; Linux's first IDs are in this range too */

static struct dentry *dentry_alloc(const char *name, size_t len, struct inode *ino)
{
    struct dentry *d = kzalloc(sizeof(*d));
    char *n = kmalloc(len + 1);
    if (!d || !n) {
        kfree(d);
        kfree(n);
        return NULL;
    }
    memcpy(n, name, len);
    n[len] = 0;
    d->name = n;
    d->namelen = len;
    d->refcount = 1;
    d->inode = ino;
    inode_get(ino);
    list_init(&d->children);
    list_init(&d->sibling);
    return d;
}

struct dentry *dentry_new_root(struct inode *ino)
{
    return dentry_alloc("/", 1, ino);
}

struct dentry *dentry_add_locked(struct dentry *dir, const char *name, size_t len, struct inode *ino)
{
    struct dentry *d = dentry_alloc(name, len, ino);
    if (!d)
        return NULL;
    d->parent = dir;
    dget(dir);
    d->cookie = dir->next_cookie++;
    list_add_tail(&d->sibling, &dir->children);
    return d;
}

void dentry_remove_locked(struct dentry *d)
{
    if (d->dead)
        return;
    d->dead = true;
    list_del(&d->sibling);
    dput(d);
}

void dentry_remove_tree_locked(struct dentry *top)
{
    struct dentry *d = top;
    while (!list_empty(&top->children)) {
        if (!list_empty(&d->children)) {
            d = list_first_entry(&d->children, struct dentry, sibling);
            continue;
        }
        struct dentry *parent = d->parent;
        dentry_remove_locked(d);
        d = parent;
    }
    dentry_remove_locked(top);
}

struct dentry *dentry_lookup_locked(struct dentry *dir, const char *name, size_t len)
{
    struct list_head *p;
    list_for_each(p, &dir->children) {
        struct dentry *c = list_entry(p, struct dentry, sibling);
        if (c->namelen == len && memcmp(c->name, name, len) == 0)
            return c;
    }
    return NULL;
}

void dget(struct dentry *d)
{
    atomic_add(&d->refcount, 1);
}

/* A dentry reaching zero is dead or a detached root: nothing can find it any more. */
void dput(struct dentry *d)
{
    while (d && atomic_sub(&d->refcount, 1) == 0) {
        struct dentry *parent = d->parent;
        inode_put(d->inode);
        kfree(d->name);
        kfree(d);
        d = parent;
    }
}

void path_get(const struct path *p)
{
    if (p->dentry)
        dget(p->dentry);
    if (p->mnt)
        atomic_add(&p->mnt->refcount, 1);
}

void path_put(const struct path *p)
{
    if (p->mnt)
        atomic_sub(&p->mnt->refcount, 1);
    if (p->dentry)
        dput(p->dentry);
}

struct mount *mount_alloc(struct super_block *sb, struct dentry *root, const char *source)
{
    struct mount *m = kzalloc(sizeof(*m));
    size_t len = strlen(source);
    char *src = kmalloc(len + 1);
    if (!m || !src) {
        kfree(m);
        kfree(src);
        return NULL;
    }
    memcpy(src, source, len + 1);
    m->sb = sb;
    m->root = root;
    dget(root);
    m->source = src;
    m->propagation = MS_PRIVATE;
    list_init(&m->node);
    return m;
}

void mount_attach_locked(struct mount *m, struct path *mp)
{
    m->id = next_mount_id++;
    m->attached = true;
    if (mp) {
        m->parent = mp->mnt;
        m->mountpoint = mp->dentry;
        dget(mp->dentry);
        mp->dentry->mounted++;
    } else {
        root_mount = m;
    }
    list_add_tail(&m->node, &mount_list);
}

void mount_detach_locked(struct mount *m)
{
    if (!m->attached)
        return;
    m->attached = false;
    list_del(&m->node);
    list_init(&m->node);
    if (m->mountpoint) {
        m->mountpoint->mounted--;
        dput(m->mountpoint);
    }
    m->parent = NULL;
    m->mountpoint = NULL;
}

int mnt_want_write(const struct mount *m)
{
    return m && (m->flags & MS_RDONLY) ? -EROFS : 0;
}

int mount_add_locked(struct path *mp, struct super_block *sb, struct dentry *root)
{
    struct mount *m = mount_alloc(sb, root, sb->type);
    if (!m)
        return -ENOMEM;
    dput(root);     /* the caller's reference becomes the mount's */
    mount_attach_locked(m, mp);
    return 0;
}

struct mount *mount_lookup_locked(struct mount *mnt, struct dentry *d)
{
    struct mount *found = NULL;
    struct list_head *p;
    if (!d->mounted)
        return NULL;
    list_for_each(p, &mount_list) {
        struct mount *m = list_entry(p, struct mount, node);
        if (m->parent == mnt && m->mountpoint == d)
            found = m;      /* the last one mounted is on top */
    }
    return found;
}

/* Prepend "/name" to the string growing backwards from buf+*pos. */
static int prepend(char *buf, size_t *pos, const char *name, size_t len)
{
    if (*pos < len + 1)
        return -ENAMETOOLONG;
    *pos -= len;
    memcpy(buf + *pos, name, len);
    buf[--*pos] = '/';
    return 0;
}

long path_to_string_locked(const struct path *p, const struct path *root, char *buf, size_t size)
{
    struct mount *m = p->mnt;
    struct dentry *d = p->dentry;
    size_t pos = size - 1;
    if (d->dead)
        return -ENOENT;
    buf[pos] = 0;
    while (!(d == root->dentry && m == root->mnt)) {
        if (d == m->root) {
            if (!m->parent)
                break;      /* outside the caller's root: print from the namespace root */
            d = m->mountpoint;
            m = m->parent;
            continue;
        }
        if (prepend(buf, &pos, d->name, d->namelen))
            return -ENAMETOOLONG;
        d = d->parent;
    }
    if (pos == size - 1 && prepend(buf, &pos, "", 0))
        return -ENAMETOOLONG;
    size_t len = size - 1 - pos;
    memmove(buf, buf + pos, len + 1);
    return (long)len;
}
