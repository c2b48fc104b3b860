// SPDX-License-Identifier: MPL-2.0
// memfd_create (files on an internal tmpfs, named "memfd:<name>") and F_ADD_SEALS/F_GET_SEALS.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/memfd.h>
#include "fs/fs_syscalls.h"
#include "fs/memfd.h"
#include "fs/tmpfs.h"

long sys_memfd_create(struct sys_call *c);

#define MFD_KNOWN (MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB)
#define SEALS_ALL (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* The internal mount every memfd lives on (like Linux's shm_mnt); made once, guarded by vfs_lock. */
static struct mount *memfd_mnt;

static int memfd_mount_locked(void)
{
    if (memfd_mnt)
        return 0;
    struct super_block *sb = tmpfs_new_sb();
    struct inode *ino = sb ? inode_new(sb, S_IFDIR | 01777) : NULL;
    struct dentry *root = ino ? dentry_new_root(ino) : NULL;
    struct mount *m = root ? mount_alloc(sb, root, "tmpfs") : NULL;
    if (root)
        dput(root);     /* the mount holds its own reference */
    inode_put(ino);
    if (!m) {
        if (!ino)
            kfree(sb);  /* otherwise still reachable from live objects: leaked on OOM only */
        return -ENOMEM;
    }
    memfd_mnt = m;
    return 0;
}

/* A dead dentry "memfd:<name>" for a new unlinked regular file; vfs_lock held. */
static int memfd_dentry_locked(const char *name, bool sealable, struct path *out)
{
    int r = memfd_mount_locked();
    if (r)
        return r;
    struct inode *ino = inode_new(memfd_mnt->sb, S_IFREG | 0777);
    if (!ino)
        return -ENOMEM;
    ino->seals = sealable ? 0 : F_SEAL_SEAL;
    char full[6 + MFD_NAME_MAX + 1];
    size_t len = (size_t)ksnprintf(full, sizeof(full), "memfd:%s", name);
    struct dentry *d = dentry_add_locked(memfd_mnt->root, full, len, ino);
    inode_put(ino);
    if (!d)
        return -ENOMEM;
    dget(d);
    dentry_remove_locked(d);    /* never reachable by name, shown as "(deleted)" as Linux */
    ino->nlink = 0;
    out->mnt = memfd_mnt;
    out->dentry = d;
    return 0;
}

long sys_memfd_create(struct sys_call *c)
{
    uint32_t flags = (uint32_t)c->arg[1];
    uint32_t known = MFD_KNOWN | ((flags & MFD_HUGETLB) ? MFD_HUGE_MASK << MFD_HUGE_SHIFT : 0);
    if ((uint64_t)flags != c->arg[1] || (flags & ~known))
        return -EINVAL;
    char name[MFD_NAME_MAX + 1];
    long n = strncpy_from_user(name, uptr(c->arg[0]), sizeof(name));
    if (n < 0)
        return n == -ENAMETOOLONG ? -EINVAL : n;
    if (flags & MFD_HUGETLB)
        return -EINVAL;     /* FIXME: no huge-page file system (hugetlbfs) */
    struct path p;
    mutex_lock(&vfs_lock);
    int r = memfd_dentry_locked(name, flags & MFD_ALLOW_SEALING, &p);
    mutex_unlock(&vfs_lock);
    if (r)
        return r;
    struct file *f;
    r = file_alloc(&p, p.dentry->inode, &tmpfs_file_ops, O_RDWR | O_LARGEFILE, &f);
    dput(p.dentry);
    if (r)
        return r;
    r = fd_install(current_files(), f, 0, flags & MFD_CLOEXEC);
    if (r < 0)
        file_put(f);
    return r;
}

static bool sealable_file(const struct file *f)
{
    const struct inode *ino = f->inode;
    return S_ISREG(ino->mode) && ino->sb->magic == TMPFS_MAGIC && !ino->fops && !(f->flags & O_PATH);
}

int memfd_check_shared_write(struct inode *ino)
{
    mutex_lock(&ino->lock);
    int r = (ino->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) ? -EPERM : 0;
    mutex_unlock(&ino->lock);
    return r;
}

int memfd_shared_map_begin(struct inode *ino, bool write)
{
    mutex_lock(&ino->lock);
    int r = 0;
    if (ino->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
        r = write ? -EPERM : 1;
    else
        ino->map_writable++;
    mutex_unlock(&ino->lock);
    return r;
}

void memfd_shared_map_get(struct inode *ino)
{
    mutex_lock(&ino->lock);
    ino->map_writable++;
    mutex_unlock(&ino->lock);
}

void memfd_shared_map_put(struct inode *ino)
{
    mutex_lock(&ino->lock);
    ino->map_writable--;
    mutex_unlock(&ino->lock);
}

static long add_seals(struct file *f, uint64_t seals)
{
    if (!FMODE_WRITE(f) || (f->flags & O_PATH))
        return -EPERM;
    if (seals & ~(uint64_t)SEALS_ALL)
        return -EINVAL;
    if (!sealable_file(f))
        return -EINVAL;
    struct inode *ino = f->inode;
    long r = 0;
    mutex_lock(&ino->lock);
    if (ino->seals & F_SEAL_SEAL)
        r = -EPERM;
    else if ((seals & F_SEAL_WRITE) && !(ino->seals & F_SEAL_WRITE) && ino->map_writable)
        r = -EBUSY;     /* a shared mapping could still write (FIXME: pinned pages, e.g. by O_DIRECT, are not waited for) */
    else
        ino->seals |= (uint32_t)seals;
    mutex_unlock(&ino->lock);
    return r;
}

long memfd_fcntl(struct file *f, unsigned cmd, uint64_t arg)
{
    if (cmd == F_ADD_SEALS)
        return arg > UINT32_MAX ? -EINVAL : add_seals(f, arg);
    if (!sealable_file(f))
        return -EINVAL;
    mutex_lock(&f->inode->lock);
    long r = f->inode->seals;
    mutex_unlock(&f->inode->lock);
    return r;
}
