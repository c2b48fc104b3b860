// SPDX-License-Identifier: MPL-2.0
// The initramfs unpacker: newc cpio members (dirs, files, hard links, symlinks, nodes), gzip-compressed or not, into tmpfs.
#include <ostd/boot.h>
#include <ostd/heap.h>
#include <ostd/console.h>
#include <lib/cpio.h>
#include <lib/inflate.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/initramfs.h"
#include "fs/open.h"
#include "fs/tmpfs.h"
#include "fs/chrdev.h"

/* newc hard links: later members with the same (dev, ino) link to the first one's inode. */
struct hardlink { uint32_t ino, major, minor; struct inode *inode; };

struct unpack {
    struct hardlink *links;
    size_t nlinks, cap;
};

static struct inode *hardlink_find(struct unpack *u, const struct cpio_entry *e)
{
    for (size_t i = 0; i < u->nlinks; i++)
        if (u->links[i].ino == e->ino && u->links[i].major == e->devmajor && u->links[i].minor == e->devminor)
            return u->links[i].inode;
    return NULL;
}

static void hardlink_add(struct unpack *u, const struct cpio_entry *e, struct inode *ino)
{
    if (u->nlinks == u->cap) {
        size_t n = u->cap ? u->cap * 2 : 16;
        struct hardlink *nl = kcalloc(n, sizeof(*nl));
        if (!nl)
            return;
        if (u->nlinks)
            memcpy(nl, u->links, u->nlinks * sizeof(*nl));
        kfree(u->links);
        u->links = nl;
        u->cap = n;
    }
    inode_get(ino);
    u->links[u->nlinks++] = (struct hardlink){ e->ino, e->devmajor, e->devminor, ino };
}

/* Remove an existing non-directory (or empty directory) so the member can replace it. */
static void replace_existing_locked(struct nameidata *nd)
{
    struct dentry *d = nd->child.dentry;
    if (!d || (S_ISDIR(d->inode->mode) && !list_empty(&d->children)))
        return;
    if (S_ISDIR(d->inode->mode))
        nd->parent.dentry->inode->nlink--;
    d->inode->nlink--;
    dentry_remove_locked(d);
    nd->child.dentry = NULL;
}

static int create_member_locked(struct unpack *u, struct nameidata *nd, const struct cpio_entry *e, struct inode **out)
{
    struct inode *link = (e->mode & S_IFMT) == S_IFREG && e->nlink > 1 ? hardlink_find(u, e) : NULL;
    struct dentry *d;
    if (link) {
        d = dentry_add_locked(nd->parent.dentry, nd->last, nd->last_len, link);
        if (!d)
            return -ENOMEM;
        link->nlink++;
        *out = link;
        return 0;
    }
    uint64_t rdev = linux_makedev(e->rdevmajor, e->rdevminor);
    int r = vfs_create_locked(nd, e->mode, rdev, &d);
    if (r)
        return r;
    *out = d->inode;
    if ((e->mode & S_IFMT) == S_IFREG && e->nlink > 1)
        hardlink_add(u, e, d->inode);
    return 0;
}

static int fill_member(struct inode *ino, const struct cpio_entry *e)
{
    if (S_ISLNK(ino->mode)) {
        char *body = kmalloc(e->size + 1);
        if (!body)
            return -ENOMEM;
        memcpy(body, e->data, e->size);
        body[e->size] = 0;
        kfree(ino->symlink);
        ino->symlink = body;
        ino->size = e->size;
        return 0;
    }
    if (S_ISREG(ino->mode) && e->size) {
        long w = tmpfs_write_kernel(ino, 0, e->data, e->size);
        if (w != (long)e->size)
            return w < 0 ? (int)w : -ENOSPC;
    }
    return 0;
}

static int unpack_member(struct unpack *u, const struct cpio_entry *e)
{
    const char *name = e->name;
    while (*name == '/' || (name[0] == '.' && name[1] == '/'))
        name += *name == '/' ? 1 : 2;
    if (!*name || (name[0] == '.' && !name[1]))
        return 0;
    struct nameidata nd;
    struct inode *ino = NULL;
    int r = nd_init_kernel(&nd, name, 0);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_walk_locked(&nd);
        if (!r && nd.child.dentry && S_ISDIR(e->mode) && S_ISDIR(nd.child.dentry->inode->mode))
            ino = nd.child.dentry->inode;
        else if (!r)
            replace_existing_locked(&nd);
        if (!r && !ino)
            r = create_member_locked(u, &nd, e, &ino);
        if (!r) {
            ino->mode = e->mode;
            ino->uid = e->uid;
            ino->gid = e->gid;
            ino->mtime = ino->atime = (struct linux_timespec){ e->mtime, 0 };
            r = fill_member(ino, e);
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

/* Unpack the cpio archives at buf (up to data that is not cpio); sets *used. */
static int unpack_cpio(const uint8_t *buf, size_t len, size_t *used)
{
    struct unpack u = { 0 };
    struct cpio_iter it;
    struct cpio_entry e;
    int r, n;
    cpio_iter_init(&it, buf, len);
    while ((n = cpio_next(&it, &e)) == 1) {
        r = unpack_member(&u, &e);
        if (r)
            pr_warn("initramfs: %s: error %d\n", e.name, r);
    }
    for (size_t i = 0; i < u.nlinks; i++)
        inode_put(u.links[i].inode);
    kfree(u.links);
    *used = len - cpio_iter_remaining(&it);
    return n < 0 ? n : 0;
}

#define GZ_NESTING 4                    /* a gzip member holding gzip members holding ... */
#define GZ_OUT_MAX (1ULL << 30)         /* largest decompressed member we try */

static int unpack_buffer(const uint8_t *buf, size_t len, int depth);

/*
 * Decompress the gzip member at buf and unpack what it holds. The output size
 * is not known before the end: start from the ISIZE at the end of the buffer
 * (right for a lone member) and double on -ENOSPC.
 */
static int unpack_gzip(const uint8_t *buf, size_t len, size_t *used, int depth)
{
    if (depth >= GZ_NESTING)
        return -EINVAL;
    uint64_t cap = len >= 4 ? (buf[len - 4] | (uint32_t)buf[len - 3] << 8 | (uint32_t)buf[len - 2] << 16 |
                               (uint32_t)buf[len - 1] << 24) : 0;
    cap = MAX(cap, 64 * 1024);
    for (;;) {
        uint8_t *out = cap <= GZ_OUT_MAX ? kmalloc((size_t)cap) : NULL;
        if (!out)
            return -ENOMEM;
        size_t out_len = 0;
        int r = gunzip(buf, len, used, out, (size_t)cap, &out_len);
        if (!r)
            r = unpack_buffer(out, out_len, depth + 1);
        kfree(out);
        if (r != -ENOSPC || cap >= GZ_OUT_MAX)
            return r;
        cap *= 2;
    }
}

/* Linux's initramfs layout: cpio archives, zero padding and gzip members in any order. */
static int unpack_buffer(const uint8_t *buf, size_t len, int depth)
{
    size_t off = 0;
    while (off < len) {
        if (!buf[off]) {
            off++;
            continue;
        }
        size_t used = 0;
        int r = gzip_magic(buf + off, len - off) ? unpack_gzip(buf + off, len - off, &used, depth)
                                                 : unpack_cpio(buf + off, len - off, &used);
        if (r)
            return r;
        if (!used)
            return -EINVAL;     /* neither cpio nor gzip: junk, as Linux reports it */
        off += used;
    }
    return 0;
}

int initramfs_unpack(void)
{
    int r = 0;
    for (size_t i = 0; i < boot_module_count(); i++) {
        size_t len = 0;
        const uint8_t *buf = boot_module_data(i, &len);
        int m = buf ? unpack_buffer(buf, len, 0) : 0;
        if (m)
            pr_warn("initramfs: module %zu: error %d (the rest of it is skipped)\n", i, m);
        r = r ? r : m;
    }
    return r;
}

static int mknode(const char *path, uint32_t mode, uint64_t rdev)
{
    struct nameidata nd;
    struct dentry *d;
    int r = nd_init_kernel(&nd, path, 0);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_walk_locked(&nd);
        if (!r && !nd.child.dentry)
            r = vfs_create_locked(&nd, mode, rdev, &d);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

int devfs_populate(void)
{
    int r = mknode("/dev", S_IFDIR | 0755, 0);
    char path[32];
    for (size_t i = 0; i < chrdev_node_count && !r; i++) {
        const struct chrdev_node *n = &chrdev_nodes[i];
        strlcpy(path, "/dev/", sizeof(path));
        strlcat(path, n->name, sizeof(path));
        r = mknode(path, S_IFCHR | n->mode, linux_makedev(n->major, n->minor));
    }
    return r;
}
