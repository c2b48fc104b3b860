// SPDX-License-Identifier: MPL-2.0
// fadvise64, readahead and sync_file_range: checked hints, passed to the file's fadvise hook (ext2's page cache).
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/rwf.h>
#include "fs/fs_syscalls.h"

long sys_fadvise64(struct sys_call *c);
long sys_readahead(struct sys_call *c);
long sys_sync_file_range(struct sys_call *c);

/*
 * Files with a page cache (ext2) act on the hints through file_ops.fadvise;
 * for the others (tmpfs, procfs: data in memory or generated) read-ahead and
 * drop-behind have no effect, exactly as on Linux's tmpfs.
 */
static long advise(struct file *f, uint64_t off, int64_t len, uint64_t advice)
{
    if (S_ISFIFO(f->inode->mode))
        return -ESPIPE;
    if (len < 0 || advice > POSIX_FADV_NOREUSE)
        return -EINVAL;
    return f->ops->fadvise ? f->ops->fadvise(f, off, (uint64_t)len, (int)advice) : 0;
}

long sys_fadvise64(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_PATH) ? -EBADF : advise(f, c->arg[1], (int64_t)c->arg[2], c->arg[3]);
    file_put(f);
    return r;
}

long sys_readahead(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_PATH) || !FMODE_READ(f) ? -EBADF :
             !S_ISREG(f->inode->mode) ? -EINVAL : advise(f, c->arg[1], (int64_t)c->arg[2], POSIX_FADV_WILLNEED);
    file_put(f);
    return r;
}

long sys_sync_file_range(struct sys_call *c)
{
    int64_t off = (int64_t)c->arg[1], n = (int64_t)c->arg[2];
    uint64_t flags = c->arg[3];
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    uint32_t m = f->inode->mode;
    long r = 0;
    if (flags & ~(uint64_t)(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER))
        r = -EINVAL;
    else if (off < 0 || n < 0 || off > INT64_MAX - n)
        r = -EINVAL;
    else if (!S_ISREG(m) && !S_ISBLK(m) && !S_ISDIR(m) && !S_ISLNK(m))
        r = -ESPIPE;
    file_put(f);
    return r;
}
