// SPDX-License-Identifier: MPL-2.0
// getdents64, getdents (the old format), chdir, fchdir, chroot, getcwd and umask.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/fs_syscalls.h"
#include "fs/open.h"
#include "proc/cred.h"
#include <uapi/capability.h>

#define DIRENT_HDR 19   /* d_ino, d_off, d_reclen, d_type */
#define OLD_DIRENT_HDR 18   /* getdents: d_ino, d_off (longs), d_reclen; d_type is the record's last byte */
#define GETDENTS_MAX (64 * 1024)

struct dirbuf { char *buf; size_t len, cap; bool old; };

/* The old struct linux_dirent: name, NUL, padding, then d_type in the last byte. */
static bool emit_old(struct dirbuf *db, uint64_t ino, uint64_t next, uint32_t mode, const char *name, size_t nlen)
{
    size_t reclen = ALIGN_UP(OLD_DIRENT_HDR + nlen + 2, 8);
    if (db->len + reclen > db->cap)
        return false;
    char *rec = db->buf + db->len;
    uint16_t rl = (uint16_t)reclen;
    memset(rec, 0, reclen);
    memcpy(rec, &ino, 8);
    memcpy(rec + 8, &next, 8);
    memcpy(rec + 16, &rl, 2);
    memcpy(rec + OLD_DIRENT_HDR, name, nlen);
    rec[reclen - 1] = (char)((mode & S_IFMT) >> 12);
    db->len += reclen;
    return true;
}

/* Append one record; false when it does not fit. */
static bool emit(struct dirbuf *db, uint64_t ino, uint64_t next, uint32_t mode, const char *name, size_t nlen)
{
    if (db->old)
        return emit_old(db, ino, next, mode, name, nlen);
    size_t reclen = ALIGN_UP(DIRENT_HDR + nlen + 1, 8);
    if (db->len + reclen > db->cap)
        return false;
    struct linux_dirent64 hdr = { ino, (int64_t)next, (uint16_t)reclen, (uint8_t)((mode & S_IFMT) >> 12) };
    char *rec = db->buf + db->len;
    memset(rec, 0, reclen);
    memcpy(rec, &hdr, DIRENT_HDR);
    memcpy(rec + DIRENT_HDR, name, nlen);
    db->len += reclen;
    return true;
}

/*
 * Fill db from position *pos: 0 is ".", 1 is "..", 2 + cookie the children.
 * Returns false when a record did not fit. vfs_lock held.
 */
static bool fill_dir_locked(struct file *f, struct dirbuf *db, uint64_t *pos)
{
    struct dentry *d = f->path.dentry;
    if (d->dead)
        return true;
    if (d->inode->iops && d->inode->iops->revalidate)
        d->inode->iops->revalidate(d);
    if (*pos == 0) {
        if (!emit(db, d->inode->ino, 1, S_IFDIR, ".", 1))
            return false;
        *pos = 1;
    }
    struct dentry *up = d->parent ? d->parent : d;
    if (*pos == 1) {
        if (!emit(db, up->inode->ino, 2, S_IFDIR, "..", 2))
            return false;
        *pos = 2;
    }
    struct list_head *p;
    list_for_each(p, &d->children) {
        struct dentry *c = list_entry(p, struct dentry, sibling);
        if (c->cookie + 2 < *pos)
            continue;
        if (!emit(db, c->inode->ino, c->cookie + 3, c->inode->mode, c->name, c->namelen))
            return false;
        *pos = c->cookie + 3;
    }
    return true;
}

static long do_getdents(struct sys_call *c, bool old)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_PATH) ? -EBADF : !S_ISDIR(f->inode->mode) || !f->path.dentry ? -ENOTDIR : 0;
    struct dirbuf db = { NULL, 0, (size_t)MIN(c->arg[2], (uint64_t)GETDENTS_MAX), old };
    if (!r && !(db.buf = kmalloc(db.cap ? db.cap : 1)))
        r = -ENOMEM;
    if (!r) {
        mutex_lock(&f->pos_lock);
        uint64_t pos = f->pos;
        mutex_lock(&vfs_lock);
        bool all = fill_dir_locked(f, &db, &pos);
        mutex_unlock(&vfs_lock);
        if (db.len == 0)
            r = all ? 0 : -EINVAL;
        else if (copy_to_user(uptr(c->arg[1]), db.buf, db.len))
            r = -EFAULT;
        else
            r = (long)db.len, f->pos = pos;
        mutex_unlock(&f->pos_lock);
    }
    kfree(db.buf);
    file_put(f);
    return r;
}

long sys_getdents64(struct sys_call *c) { return do_getdents(c, false); }
long sys_getdents(struct sys_call *c) { return do_getdents(c, true); }

static void set_path_locked(struct path *slot, struct path p)
{
    struct path old = *slot;
    path_get(&p);
    *slot = p;
    path_put(&old);
}

/* chdir and chroot: look up a searchable directory and make it the cwd or root. */
static int set_dir_from_user(uint64_t upath, bool root)
{
    struct nameidata nd;
    int r = nd_init(&nd, AT_FDCWD, uptr(upath), LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r)
            r = inode_permission(nd.child.dentry->inode, X_OK);
        if (!r && root && !capable(CAP_SYS_CHROOT))
            r = -EPERM;
        if (!r)
            set_path_locked(root ? &current_fs()->root : &current_fs()->cwd, nd.child);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

long sys_chdir(struct sys_call *c) { return set_dir_from_user(c->arg[0], false); }

long sys_fchdir(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    int r = !S_ISDIR(f->inode->mode) || !f->path.dentry ? -ENOTDIR : inode_permission(f->inode, X_OK);
    if (!r) {
        mutex_lock(&vfs_lock);
        set_path_locked(&current_fs()->cwd, f->path);
        mutex_unlock(&vfs_lock);
    }
    file_put(f);
    return r;
}

long sys_getcwd(struct sys_call *c)
{
    char *buf = kmalloc(PATH_MAX);
    if (!buf)
        return -ENOMEM;
    struct fs_context *fs = current_fs();
    mutex_lock(&vfs_lock);
    long n = path_to_string_locked(&fs->cwd, &fs->root, buf, PATH_MAX);
    mutex_unlock(&vfs_lock);
    if (n >= 0 && c->arg[1] < (uint64_t)n + 1)
        n = -ERANGE;
    else if (n >= 0)
        n = copy_to_user(uptr(c->arg[0]), buf, (size_t)n + 1) ? -EFAULT : n + 1;
    kfree(buf);
    return n;
}

long sys_umask(struct sys_call *c)
{
    return atomic_xchg(&current_fs()->umask, (uint32_t)c->arg[0] & 0777);
}

long sys_chroot(struct sys_call *c) { return set_dir_from_user(c->arg[0], true); }
