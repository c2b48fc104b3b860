// SPDX-License-Identifier: MPL-2.0
// In-memory extended attributes: a list of (name, value) pairs per inode.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/xattr.h>
#include "fs/xattr.h"

struct xattr {
    struct list_head node;
    char *name;
    void *value;
    size_t len;
};

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0 && s[strlen(p)];
}

int xattr_name_ok(const struct inode *ino, const char *name, bool write)
{
    if (has_prefix(name, "user.")) {
        /* user.* lives only on regular files and directories, as on Linux. */
        if (!S_ISREG(ino->mode) && !S_ISDIR(ino->mode))
            return write ? -EPERM : -ENODATA;
        return 0;
    }
    if (has_prefix(name, "trusted.") || has_prefix(name, "security."))
        return 0;   /* FIXME: trusted.* needs CAP_SYS_ADMIN once credentials exist */
    return -EOPNOTSUPP;     /* FIXME: system.posix_acl_* */
}

static struct xattr *find(struct inode *ino, const char *name)
{
    struct list_head *p;
    list_for_each(p, &ino->xattrs) {
        struct xattr *x = list_entry(p, struct xattr, node);
        if (strcmp(x->name, name) == 0)
            return x;
    }
    return NULL;
}

int xattr_set_locked(struct inode *ino, const char *name, const void *val, size_t len, int flags)
{
    if (ino->iops && ino->iops->setxattr)
        return ino->iops->setxattr(ino, name, val ? val : "", len, flags);
    struct xattr *x = find(ino, name);
    if (x && (flags & XATTR_CREATE))
        return -EEXIST;
    if (!x && (flags & XATTR_REPLACE))
        return -ENODATA;
    void *v = kmalloc(len ? len : 1);
    if (!v)
        return -ENOMEM;
    memcpy(v, val, len);
    if (!x) {
        x = kzalloc(sizeof(*x));
        size_t nl = strlen(name);
        char *n = x ? kmalloc(nl + 1) : NULL;
        if (!n) {
            kfree(x);
            kfree(v);
            return -ENOMEM;
        }
        memcpy(n, name, nl + 1);
        x->name = n;
        list_add_tail(&x->node, &ino->xattrs);
    }
    kfree(x->value);
    x->value = v;
    x->len = len;
    ino->ctime = fs_now();
    return 0;
}

long xattr_get_locked(struct inode *ino, const char *name, void *buf, size_t size)
{
    if (ino->iops && ino->iops->getxattr)
        return ino->iops->getxattr(ino, name, buf, size);
    struct xattr *x = find(ino, name);
    if (!x)
        return -ENODATA;
    if (size && size < x->len)
        return -ERANGE;
    if (size)
        memcpy(buf, x->value, x->len);
    return (long)x->len;
}

long xattr_list_locked(struct inode *ino, char *buf, size_t size)
{
    if (ino->iops && ino->iops->listxattr)
        return ino->iops->listxattr(ino, buf, size);
    size_t total = 0;
    struct list_head *p;
    list_for_each(p, &ino->xattrs) {
        struct xattr *x = list_entry(p, struct xattr, node);
        size_t n = strlen(x->name) + 1;
        if (size && total + n > size)
            return -ERANGE;
        if (size)
            memcpy(buf + total, x->name, n);
        total += n;
    }
    return (long)total;
}

int xattr_remove_locked(struct inode *ino, const char *name)
{
    if (ino->iops && ino->iops->setxattr)
        return ino->iops->setxattr(ino, name, NULL, 0, 0);
    struct xattr *x = find(ino, name);
    if (!x)
        return -ENODATA;
    list_del(&x->node);
    kfree(x->name);
    kfree(x->value);
    kfree(x);
    ino->ctime = fs_now();
    return 0;
}

void xattr_free_all(struct inode *ino)
{
    while (!list_empty(&ino->xattrs)) {
        struct xattr *x = list_first_entry(&ino->xattrs, struct xattr, node);
        list_del(&x->node);
        kfree(x->name);
        kfree(x->value);
        kfree(x);
    }
}
