// SPDX-License-Identifier: MPL-2.0
// Path walking: components, ".", "..", mount crossing, symlink expansion and trailing slashes.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <lib/path.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/namei.h"
#include "fs/file.h"
#include "fs/vfs.h"

#define WALK_BUF (2 * PATH_MAX)     /* room for a symlink body plus the rest of the path */

static int nd_alloc(struct nameidata *nd, unsigned flags)
{
    memset(nd, 0, sizeof(*nd));
    nd->flags = flags;
    nd->buf = kmalloc(WALK_BUF);
    nd->tmp = kmalloc(WALK_BUF);
    return nd->buf && nd->tmp ? 0 : -ENOMEM;
}

static int nd_start(struct nameidata *nd, int dirfd)
{
    if (nd->buf[0] == 0) {
        if (!(nd->flags & LOOKUP_EMPTY))
            return -ENOENT;
        nd->empty = true;
    }
    if (nd->buf[0] == '/' || dirfd == AT_FDCWD)
        return 0;
    nd->dirf = fd_get(dirfd);
    if (!nd->dirf)
        return -EBADF;
    if (!nd->empty && !S_ISDIR(nd->dirf->inode->mode))
        return -ENOTDIR;
    return 0;
}

int nd_init(struct nameidata *nd, int dirfd, uptr_t upath, unsigned flags)
{
    int r = nd_alloc(nd, flags);
    if (r)
        return r;
    long n = strncpy_from_user(nd->buf, upath, PATH_MAX);
    if (n < 0)
        return (int)n;
    return nd_start(nd, dirfd);
}

int nd_init_kernel_at(struct nameidata *nd, int dirfd, const char *path, unsigned flags)
{
    int r = nd_alloc(nd, flags);
    if (r)
        return r;
    if (strlcpy(nd->buf, path, PATH_MAX) >= PATH_MAX)
        return -ENAMETOOLONG;
    return nd_start(nd, dirfd);
}

int nd_init_kernel(struct nameidata *nd, const char *path, unsigned flags)
{
    return nd_init_kernel_at(nd, AT_FDCWD, path, flags);
}

void nd_fini(struct nameidata *nd)
{
    if (nd->link_file)
        file_put(nd->link_file);
    nd->link_file = NULL;
    kfree(nd->buf);
    kfree(nd->tmp);
    if (nd->dirf)
        file_put(nd->dirf);
    nd->buf = nd->tmp = NULL;
    nd->dirf = NULL;
}

static bool path_eq(const struct path *a, const struct path *b)
{
    return a->mnt == b->mnt && a->dentry == b->dentry;
}

static struct path dotdot(struct path cur, const struct path *root)
{
    if (path_eq(&cur, root))
        return cur;
    while (cur.dentry == cur.mnt->root && cur.mnt->parent) {
        cur = (struct path){ cur.mnt->parent, cur.mnt->mountpoint };
        if (path_eq(&cur, root))
            return cur;
    }
    if (cur.dentry->parent)
        cur.dentry = cur.dentry->parent;
    return cur;
}

/* One step from directory cur by name; out->dentry NULL when the name is missing. */
static void step(struct path cur, const char *n, size_t len, const struct path *root, struct path *out)
{
    if (len == 1 && n[0] == '.') {
        *out = cur;
        return;
    }
    if (len == 2 && n[0] == '.' && n[1] == '.') {
        *out = dotdot(cur, root);
        return;
    }
    const struct inode_ops *iops = cur.dentry->inode->iops;
    struct dentry *d = iops && iops->lookup ? iops->lookup(cur.dentry, n, len)
                                            : dentry_lookup_locked(cur.dentry, n, len);
    *out = (struct path){ cur.mnt, d };
    struct mount *m;
    while (out->dentry && (m = mount_lookup_locked(out->mnt, out->dentry)))
        *out = (struct path){ m, m->root };
}

/* Replace the walk buffer by body + "/" + rest. */
static int expand_link(struct nameidata *nd, const char *body, const char *rest)
{
    size_t bl = strlen(body), rl = strlen(rest);
    if (bl == 0)
        return -ENOENT;
    if (bl + 1 + rl + 1 > WALK_BUF)
        return -ENAMETOOLONG;
    memcpy(nd->tmp, body, bl);
    nd->tmp[bl] = rl ? '/' : 0;     /* nothing after the link: keep its own trailing slashes only */
    if (rl)
        memcpy(nd->tmp + bl + 1, rest, rl + 1);
    char *t = nd->buf;
    nd->buf = nd->tmp;
    nd->tmp = t;
    return 0;
}

/*
 * A synthetic link (procfs): its body is computed for the caller; a magic
 * link names an open file, and the walk continues from that file's path.
 * Returns 1 when *jump was set, 0 when nd->buf holds the expanded path.
 */
static int expand_synthetic(struct nameidata *nd, struct inode *ni, const char *rest, struct path *jump)
{
    char *body = kmalloc(PATH_MAX);
    if (!body)
        return -ENOMEM;
    struct file *target = NULL;
    long n = ni->iops->get_link(ni, body, PATH_MAX, &target);
    int r = n < 0 ? (int)n : 0;
    if (!r && target) {
        if (nd->link_file)
            file_put(nd->link_file);
        nd->link_file = target;     /* keeps the jump target alive until nd_fini */
        *jump = target->path;
        r = jump->dentry ? 1 : -ENXIO;  /* FIXME: reopening pipes and sockets through fd links */
    } else if (!r) {
        r = expand_link(nd, body, rest);
    }
    kfree(body);
    return r;
}

static enum last_type last_type_of(enum path_kind k)
{
    return k == PATH_DOT ? LAST_DOT : k == PATH_DOTDOT ? LAST_DOTDOT : LAST_NORM;
}

/* Step into one component; sets *next (dentry NULL when missing). */
static int enter(struct path cur, const struct path_comp *c, const struct path *root, struct path *next)
{
    if (!S_ISDIR(cur.dentry->inode->mode))
        return -ENOTDIR;
    int r = inode_permission(cur.dentry->inode, X_OK);
    if (r)
        return r;
    step(cur, c->name, c->len, root, next);
    return 0;
}

static int walk(struct nameidata *nd, struct path cur, const struct path *root)
{
    const char *p = nd->buf;
    int links = 0;
    if (path_is_absolute(p))
        cur = *root;
    for (;;) {
        struct path_comp c;
        int r = path_next(&p, &c);
        if (r <= 0) {
            nd->parent = nd->child = cur;
            nd->last_type = LAST_ROOT;
            return r;
        }
        struct path next;
        r = enter(cur, &c, root, &next);
        if (r)
            return r;
        if (c.last) {
            nd->parent = cur;
            nd->last = c.name;
            nd->last_len = c.len;
            nd->last_type = last_type_of(c.kind);
            nd->trailing_slash = c.trailing;
        }
        if (!next.dentry)
            return c.last ? (nd->child = next, 0) : -ENOENT;
        struct inode *ni = next.dentry->inode;
        if (S_ISLNK(ni->mode) && (!c.last || c.trailing || (nd->flags & LOOKUP_FOLLOW))) {
            if (++links > MAXSYMLINKS)
                return -ELOOP;
            const char *rest = c.last ? (c.trailing ? "/" : "") : c.rest;
            if (ni->iops && ni->iops->get_link) {
                struct path jump;
                r = expand_synthetic(nd, ni, rest, &jump);
                if (r < 0)
                    return r;
                if (r == 1 && c.last) {
                    nd->child = jump;
                    return 0;
                }
                if (r == 1) {
                    cur = jump;
                    continue;
                }
            } else {
                r = expand_link(nd, ni->symlink, rest);
            }
            if (r)
                return r;
            p = nd->buf;
            if (path_is_absolute(p))
                cur = *root;
            continue;
        }
        if (c.last) {
            nd->child = next;
            return 0;
        }
        cur = next;
    }
}

int nd_walk_locked(struct nameidata *nd)
{
    struct fs_context *fs = current_fs();
    struct path start = nd->dirf ? nd->dirf->path : fs->cwd;
    if (nd->empty) {
        nd->parent = nd->child = start;
        nd->last_type = LAST_ROOT;
        if (!start.dentry)
            return -ENOENT;     /* anonymous file (pipe): FIXME AT_EMPTY_PATH on inode-only files */
        return 0;
    }
    int r = walk(nd, start, &fs->root);
    if (r || !nd->child.dentry)
        return r;
    struct inode *ci = nd->child.dentry->inode;
    if ((nd->trailing_slash || (nd->flags & LOOKUP_DIRECTORY)) && !S_ISDIR(ci->mode))
        return -ENOTDIR;
    return 0;
}

int nd_lookup_locked(struct nameidata *nd)
{
    int r = nd_walk_locked(nd);
    if (!r && !nd->child.dentry)
        r = -ENOENT;
    return r;
}

/*
 * Resolve (dirfd, path) to an inode reference. AT_EMPTY_PATH names dirfd's
 * own file (any type); follow selects whether a final symlink is followed.
 */
int inode_at(int dirfd, uptr_t upath, unsigned lookup, struct inode **out)
{
    struct nameidata nd;
    int r = nd_init(&nd, dirfd, upath, lookup);
    if (!r && nd.empty && nd.dirf) {
        *out = nd.dirf->inode;
        inode_get(*out);
    } else if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r) {
            *out = nd.child.dentry->inode;
            inode_get(*out);
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}
