// SPDX-License-Identifier: MPL-2.0
// AF_UNIX names: parsing sockaddr_un, binding to paths (S_IFSOCK nodes) or abstract names, lookup.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include <uapi/un.h>
#include "net/unix.h"
#include "fs/namei.h"
#include "fs/open.h"
#include "fs/inode.h"

/* Every named socket (node: usock.bound); guarded by unix_lock. */
static struct list_head unix_bound = LIST_HEAD_INIT(unix_bound);
static uint32_t autobind_next;      /* guarded by unix_lock */

int unix_name_from_user(uptr_t uaddr, int len, struct unix_name *out)
{
    memset(out, 0, sizeof(*out));
    if (len < (int)sizeof(uint16_t) || len > (int)sizeof(struct sockaddr_un))
        return -EINVAL;
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    if (copy_from_user(&sun, uaddr, (size_t)len))
        return -EFAULT;
    if (sun.sun_family != AF_UNIX)
        return -EINVAL;
    size_t plen = (size_t)len - sizeof(uint16_t);
    if (plen == 0) {
        out->len = sizeof(uint16_t);
        return 0;
    }
    memcpy(out->addr, &sun, (size_t)len);
    if (sun.sun_path[0] == 0) {
        out->abstract = true;
        out->len = (uint32_t)len;
        return 0;
    }
    /* A path ends at its first NUL (or the end of the buffer); the name includes one NUL. */
    size_t n = strnlen(sun.sun_path, plen);
    out->addr[sizeof(uint16_t) + n] = 0;
    out->len = (uint32_t)(sizeof(uint16_t) + n + 1);
    return 0;
}

static bool name_eq(const struct unix_name *a, const struct unix_name *b)
{
    if (a->abstract != b->abstract)
        return false;
    if (a->abstract)
        return a->len == b->len && memcmp(a->addr, b->addr, a->len) == 0;
    return a->dev == b->dev && a->ino == b->ino;
}

/* The bound socket named n; unix_lock held. */
static struct usock *find_locked(const struct unix_name *n)
{
    struct list_head *p;
    list_for_each(p, &unix_bound) {
        struct usock *s = list_entry(p, struct usock, bound);
        if (name_eq(s->name, n))
            return s;
    }
    return NULL;
}

/* Create the S_IFSOCK node for a path bind; records its identity in n. */
static int make_node(struct unix_name *n)
{
    struct nameidata nd;
    int r = nd_init_kernel(&nd, n->addr + sizeof(uint16_t), 0);
    if (r)
        return r;
    mutex_lock(&vfs_lock);
    r = nd_walk_locked(&nd);
    if (!r && (nd.child.dentry || nd.last_type != LAST_NORM))
        r = -EADDRINUSE;
    struct dentry *d = NULL;
    if (!r)
        r = vfs_create_locked(&nd, S_IFSOCK | (0777 & ~atomic_load(&current_fs()->umask)), 0, &d);
    if (!r) {
        n->dev = d->inode->sb->dev;
        n->ino = d->inode->ino;
    }
    mutex_unlock(&vfs_lock);
    nd_fini(&nd);
    return r;
}

int unix_bind(struct usock *s, struct unix_name *n)
{
    if (n->len == sizeof(uint16_t))
        return unix_autobind(s);
    /* A path's node comes first (EADDRINUSE wins over EINVAL, as Linux). */
    if (!n->abstract) {
        int r = make_node(n);
        if (r)
            return r;
        /* FIXME: a node made for an already bound socket is left behind (Linux unlinks it). */
    }
    struct unix_name *copy = kmalloc(sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    *copy = *n;
    int r = 0;
    mutex_lock(&unix_lock);
    if (s->name)
        r = -EINVAL;
    else if (n->abstract && find_locked(n))
        r = -EADDRINUSE;
    if (!r) {
        s->name = copy;
        list_add_tail(&s->bound, &unix_bound);
    }
    mutex_unlock(&unix_lock);
    if (r)
        kfree(copy);
    return r;
}

/* An abstract name of five hex digits, as Linux picks for an empty bind or an unnamed sender. */
int unix_autobind(struct usock *s)
{
    struct unix_name *n = kzalloc(sizeof(*n));
    if (!n)
        return -ENOMEM;
    n->abstract = true;
    n->len = sizeof(uint16_t) + 6;
    uint16_t fam = AF_UNIX;
    memcpy(n->addr, &fam, sizeof(fam));
    mutex_lock(&unix_lock);
    if (s->name) {
        mutex_unlock(&unix_lock);
        kfree(n);
        return 0;
    }
    for (unsigned tries = 0; tries < 0x100000; tries++) {
        uint32_t v = autobind_next++ & 0xfffff;
        static const char hex[] = "0123456789abcdef";
        for (int i = 0; i < 5; i++)
            n->addr[sizeof(uint16_t) + 1 + i] = hex[(v >> (4 * (4 - i))) & 0xf];
        if (!find_locked(n))
            break;
    }
    s->name = n;
    list_add_tail(&s->bound, &unix_bound);
    mutex_unlock(&unix_lock);
    return 0;
}

void unix_unbind_locked(struct usock *s)
{
    if (s->name)
        list_del(&s->bound);
    list_init(&s->bound);
}

/* For a path: look the node up (write permission needed) and fill n's identity. */
static int resolve_path(struct unix_name *n)
{
    struct nameidata nd;
    int r = nd_init_kernel(&nd, n->addr + sizeof(uint16_t), LOOKUP_FOLLOW);
    if (r)
        return r;
    mutex_lock(&vfs_lock);
    r = nd_lookup_locked(&nd);
    if (!r) {
        struct inode *ino = nd.child.dentry->inode;
        if (!S_ISSOCK(ino->mode))
            r = -ECONNREFUSED;
        else
            r = inode_permission(ino, W_OK);
        n->dev = ino->sb->dev;
        n->ino = ino->ino;
    }
    mutex_unlock(&vfs_lock);
    nd_fini(&nd);
    return r;
}

int unix_find(const struct unix_name *cn, struct usock **out)
{
    struct unix_name n = *cn;
    if (n.len == sizeof(uint16_t))
        return -EINVAL;
    if (!n.abstract) {
        int r = resolve_path(&n);
        if (r)
            return r;
    }
    mutex_lock(&unix_lock);
    struct usock *s = find_locked(&n);
    if (s)
        usock_get(s);
    mutex_unlock(&unix_lock);
    *out = s;
    return s ? 0 : -ECONNREFUSED;
}

int unix_getname(struct usock *s, bool peer, uptr_t uaddr, uptr_t ulen)
{
    int len;
    if (copy_from_user(&len, ulen, sizeof(len)))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    struct unix_name n = { .len = sizeof(uint16_t) };
    uint16_t fam = AF_UNIX;
    memcpy(n.addr, &fam, sizeof(fam));
    mutex_lock(&unix_lock);
    struct usock *who = peer ? s->peer : s;
    int r = peer && (!who || !s->connected) ? -ENOTCONN : 0;
    if (!r && who->name)
        n = *who->name;
    mutex_unlock(&unix_lock);
    if (r)
        return r;
    int full = (int)n.len;
    if (copy_to_user(uaddr, n.addr, (size_t)MIN(len, full)) || copy_to_user(ulen, &full, sizeof(full)))
        return -EFAULT;
    return 0;
}
