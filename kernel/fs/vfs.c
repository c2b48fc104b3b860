// SPDX-License-Identifier: MPL-2.0
// VFS start-up (root tmpfs, initramfs, /dev), exec opens, and root/cwd/umask contexts.
#include <ostd/heap.h>
#include <ostd/console.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include <lib/string.h>
#include "fs/vfs.h"
#include "fs/mount.h"
#include "fs/namei.h"
#include "fs/lock.h"
#include "fs/open.h"
#include "fs/tmpfs.h"
#include "fs/initramfs.h"
#include "proc/process.h"

static struct fs_context boot_fs = { .refcount = 1, .umask = 022 };

struct fs_context *current_fs(void)
{
    struct thread *th = thread_current();
    return th && th->proc->fs ? th->proc->fs : &boot_fs;
}

static int mount_root(void)
{
    struct super_block *sb = tmpfs_new_sb();
    struct inode *ino = sb ? inode_new(sb, S_IFDIR | 0755) : NULL;
    struct dentry *root = ino ? dentry_new_root(ino) : NULL;
    if (ino)
        inode_put(ino);
    if (!root)
        return -ENOMEM;
    mutex_lock(&vfs_lock);
    int r = mount_add_locked(NULL, sb, root);
    if (!r) {
        boot_fs.root = boot_fs.cwd = (struct path){ root_mount, root };
        dget(root);     /* root and cwd each hold one; the mount holds the first */
        dget(root);
    }
    mutex_unlock(&vfs_lock);
    return r;
}

int vfs_init(void)
{
    mutex_init(&vfs_lock);
    locks_init();
    files_boot_init();
    int r = mount_root();
    if (r)
        return r;
    r = initramfs_unpack();
    if (r)
        pr_warn("vfs: initramfs unpacking stopped: %d\n", r);
    return devfs_populate();
}

int vfs_open_exec_at(int dirfd, const char *path, unsigned at_flags, struct file **out)
{
    struct nameidata nd;
    unsigned lf = ((at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) | ((at_flags & AT_EMPTY_PATH) ? LOOKUP_EMPTY : 0);
    int r = nd_init_kernel_at(&nd, dirfd, path, lf);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        struct inode *ino = r ? NULL : nd.child.dentry->inode;
        if (ino && S_ISLNK(ino->mode))
            r = -ELOOP;     /* AT_SYMLINK_NOFOLLOW on a symlink, as an O_NOFOLLOW open */
        else if (ino && (!S_ISREG(ino->mode) || inode_permission(ino, X_OK)))
            r = -EACCES;
        else if (ino && (nd.child.mnt->flags & MS_NOEXEC))
            r = -EACCES;
        if (!r)
            r = file_alloc(&nd.child, ino, ino->fops ? ino->fops : &tmpfs_file_ops, O_RDONLY | O_LARGEFILE, out);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

int vfs_open_exec(const char *path, struct file **out)
{
    return vfs_open_exec_at(AT_FDCWD, path, 0, out);
}

int files_open_console(struct files *ft)
{
    struct nameidata nd;
    struct file *f = NULL;
    int r = nd_init_kernel(&nd, "/dev/console", LOOKUP_FOLLOW);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r)
            r = vfs_open_locked(&nd, O_RDWR, 0, &f);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    for (int fd = 0; fd < 3 && !r; fd++) {
        file_get(f);
        r = fd_replace(ft, fd, f, false);
        r = r < 0 ? r : 0;
    }
    file_put(f);
    return r;
}

/* Root, cwd and umask. */

static struct fs_context *fs_context_alloc(const struct fs_context *src)
{
    struct fs_context *fs = kzalloc(sizeof(*fs));
    if (!fs)
        return NULL;
    fs->refcount = 1;
    mutex_lock(&vfs_lock);
    fs->root = src->root;
    fs->cwd = src->cwd;
    path_get(&fs->root);
    path_get(&fs->cwd);
    mutex_unlock(&vfs_lock);
    fs->umask = atomic_load(&src->umask);
    return fs;
}

struct fs_context *fs_context_create(void)
{
    struct fs_context *fs = fs_context_alloc(&boot_fs);
    if (fs) {
        mutex_lock(&vfs_lock);
        path_put(&fs->cwd);
        fs->cwd = fs->root;
        path_get(&fs->cwd);
        mutex_unlock(&vfs_lock);
        fs->umask = 022;
    }
    return fs;
}

struct fs_context *fs_context_dup(struct fs_context *src)
{
    return fs_context_alloc(src);
}

void fs_context_get(struct fs_context *fs)
{
    atomic_add(&fs->refcount, 1);
}

void fs_context_put(struct fs_context *fs)
{
    if (atomic_sub(&fs->refcount, 1) != 0)
        return;
    path_put(&fs->root);
    path_put(&fs->cwd);
    kfree(fs);
}

int vfs_mkdir_kernel(const char *path, uint32_t mode)
{
    return vfs_mknod_kernel(path, S_IFDIR | (mode & 07777), 0);
}

int vfs_mknod_kernel(const char *path, uint32_t mode, uint64_t rdev)
{
    struct nameidata nd;
    struct dentry *d;
    int r = nd_init_kernel(&nd, path, 0);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_walk_locked(&nd);
        if (!r)
            r = vfs_create_locked(&nd, mode, rdev, &d);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    return r;
}

/* FIXME: mount(2) with options (size=, mode=), umount, and per-namespace mount trees. */
int vfs_mount_tmpfs_kernel(const char *path)
{
    struct super_block *sb = tmpfs_new_sb();
    struct inode *ino = sb ? inode_new(sb, S_IFDIR | 01777) : NULL;
    struct dentry *root = ino ? dentry_new_root(ino) : NULL;
    inode_put(ino);
    if (!root)
        return -ENOMEM;     /* FIXME: super blocks are not freed yet */
    struct nameidata nd;
    int r = nd_init_kernel(&nd, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r)
            r = mount_add_locked(&nd.child, sb, root);
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    if (r)
        dput(root);
    return r;
}

/* Mount root (a new file system's root dentry; the reference is taken over) on top of "/". vfs_lock held. */
static int mount_over_root_locked(struct dentry *root, const char *source, uint32_t mflags, struct path *out)
{
    struct mount *m = mount_alloc(root->inode->sb, root, source);
    dput(root);
    if (!m)
        return -ENOMEM;
    m->flags = mflags;
    struct path top = { root_mount, root_mount->root };
    while (mount_lookup_locked(top.mnt, top.dentry)) {
        struct mount *t = mount_lookup_locked(top.mnt, top.dentry);
        top = (struct path){ t, t->root };
    }
    mount_attach_locked(m, &top);
    *out = (struct path){ m, m->root };
    return 0;
}

/* Like Linux's devtmpfs.mount=1: a devtmpfs on /dev of the new root, when /dev is a directory there. */
static int mount_devtmpfs_on_dev(void)
{
    const struct fs_type *t = NULL;
    for (size_t i = 0; fs_types[i]; i++)
        if (!strcmp(fs_types[i]->name, "devtmpfs"))
            t = fs_types[i];
    struct dentry *droot;
    int r = t ? t->make(NULL, &droot) : -ENODEV;
    if (r)
        return r;
    struct nameidata nd;
    r = nd_init_kernel(&nd, "/dev", LOOKUP_FOLLOW);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r && !S_ISDIR(nd.child.dentry->inode->mode))
            r = -ENOTDIR;
        struct mount *m = r ? NULL : mount_alloc(droot->inode->sb, droot, "devtmpfs");
        if (!r && !m)
            r = -ENOMEM;
        if (m) {
            m->flags = MS_RELATIME;
            mount_attach_locked(m, &nd.child);
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    dput(droot);
    return r;
}

int vfs_mount_root_kernel(struct dentry *root, const char *source, bool rdonly)
{
    struct path np;
    mutex_lock(&vfs_lock);
    int r = mount_over_root_locked(root, source, MS_RELATIME | (rdonly ? MS_RDONLY : 0), &np);
    if (!r) {
        path_put(&boot_fs.root);
        path_put(&boot_fs.cwd);
        boot_fs.root = boot_fs.cwd = np;
        path_get(&np);
        path_get(&np);
    }
    mutex_unlock(&vfs_lock);
    if (r)
        return r;
    r = mount_devtmpfs_on_dev();
    if (r)
        pr_warn("vfs: devtmpfs not mounted on /dev of the root: %d\n", r);
    return 0;
}
