// SPDX-License-Identifier: MPL-2.0
// sysfs: the directory skeleton user space expects (/sys/fs/cgroup as a mount point, kernel, class, devices).
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mount.h>
#include "fs/mount.h"
#include "fs/inode.h"

/* Directories made at mount time, parents first. FIXME: attributes (uevent, dev, ...). */
static const char *const sysfs_dirs[] = {
    "fs", "fs/cgroup", "kernel", "kernel/mm", "class", "class/tty", "class/mem", "class/net",
    "devices", "devices/system", "devices/system/cpu", "devices/virtual", "bus", "block", "dev",
    "dev/char", "dev/block", "firmware", "module", "power",
};

static struct dentry *find_dir_locked(struct dentry *root, const char *path, size_t len)
{
    struct dentry *d = root;
    while (d && len) {
        const char *slash = memchr(path, '/', len);
        size_t n = slash ? (size_t)(slash - path) : len;
        d = dentry_lookup_locked(d, path, n);
        path += n + (slash ? 1 : 0);
        len -= n + (slash ? 1 : 0);
    }
    return d;
}

static int sysfs_mkdir_locked(struct dentry *root, const char *path)
{
    const char *base = strrchr(path, '/');
    struct dentry *dir = base ? find_dir_locked(root, path, (size_t)(base - path)) : root;
    const char *name = base ? base + 1 : path;
    struct inode *ino = dir ? inode_new(root->inode->sb, S_IFDIR | 0755) : NULL;
    struct dentry *d = ino ? dentry_add_locked(dir, name, strlen(name), ino) : NULL;
    if (ino)
        inode_put(ino);
    if (!d)
        return -ENOMEM;
    dir->inode->nlink++;
    return 0;
}

int sysfs_make(const char *data, struct dentry **root)
{
    (void)data;
    struct super_block *sb = kzalloc(sizeof(*sb));
    if (!sb)
        return -ENOMEM;
    static uint64_t next_dev = 0x200;
    sb->dev = atomic_add(&next_dev, 1);
    sb->magic = SYSFS_MAGIC;
    sb->next_ino = 1;
    sb->type = "sysfs";
    struct inode *ino = inode_new(sb, S_IFDIR | 0555);
    *root = ino ? dentry_new_root(ino) : NULL;
    if (ino)
        inode_put(ino);
    if (!*root)
        return -ENOMEM;     /* FIXME: super blocks are not freed yet */
    int r = 0;
    mutex_lock(&vfs_lock);
    for (size_t i = 0; i < ARRAY_SIZE(sysfs_dirs) && !r; i++)
        r = sysfs_mkdir_locked(*root, sysfs_dirs[i]);
    mutex_unlock(&vfs_lock);
    return r;
}
