// SPDX-License-Identifier: MPL-2.0
// Anonymous-inode files (eventfd, timerfd, epoll): a file with private state and a descriptor.
#include <uapi/errno.h>
#include "fs/inode.h"
#include "fs/vfs.h"
#include "fs/poll/anon.h"

#define ANON_INODE_FS_MAGIC 0x09041934

static struct super_block anonfs = { .dev = 0xe, .magic = ANON_INODE_FS_MAGIC, .next_ino = 1, .type = "anon_inodefs" };

/* Like Linux's anonymous inodes: mode 0600 without a file type. */
int anon_fd_create(const struct file_ops *ops, void *priv, uint32_t flags, bool cloexec)
{
    struct inode *ino = inode_new(&anonfs, 0600);
    if (!ino)
        return -ENOMEM;
    struct file *f;
    int r = file_alloc(NULL, ino, ops, flags, &f);
    inode_put(ino);
    if (r)
        return r;
    f->priv = priv;
    r = fd_install(current_files(), f, 0, cloexec);
    if (r < 0) {
        f->priv = NULL;     /* the caller still owns priv: release sees NULL */
        file_put(f);
    }
    return r;
}
