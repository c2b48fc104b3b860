// SPDX-License-Identifier: MPL-2.0
// fadvise64, readahead and sync_file_range: checked hints with nothing to do on memory-backed files.
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/rwf.h>
#include "fs/fs_syscalls.h"

long sys_fadvise64(struct sys_call *c);
long sys_readahead(struct sys_call *c);
long sys_sync_file_range(struct sys_call *c);

/*
 * Keel has no page cache in front of a backing store yet: every file's data
 * is in memory (tmpfs) or generated (procfs), so read-ahead, drop-behind and
 * write-back hints have no effect, exactly as on Linux's tmpfs.
 * FIXME: act on them once a disk file system brings a page cache.
 */
static long advise(struct file *f, int64_t len, uint64_t advice)
{
    if (S_ISFIFO(f->inode->mode))
        return -ESPIPE;
    if (len < 0 || advice > POSIX_FADV_NOREUSE)
        return -EINVAL;
    return 0;
}

long sys_fadvise64(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_PATH) ? -EBADF : advise(f, (int64_t)c->arg[2], c->arg[3]);
    file_put(f);
    return r;
}

long sys_readahead(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_PATH) || !FMODE_READ(f) ? -EBADF :
             !S_ISREG(f->inode->mode) ? -EINVAL : advise(f, (int64_t)c->arg[2], POSIX_FADV_WILLNEED);
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
