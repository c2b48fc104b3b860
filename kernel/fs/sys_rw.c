// SPDX-License-Identifier: MPL-2.0
// read, write, readv, writev, pread64, pwrite64, lseek, truncate, ftruncate and the sync family.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/fs_syscalls.h"
#include "fs/open.h"
#include "fs/tmpfs.h"
#include <uapi/statfs.h>
#include <uapi/rwf.h>
#include <uapi/resource.h>
#include <uapi/signal.h>
#include "proc/process.h"
#include "signal/signal.h"

/* Run f's read or write over it, at *ppos (explicit offset) or the shared file offset. */
static long io_check(struct file *f, bool write)
{
    if (f->flags & O_PATH)
        return -EBADF;
    return (write ? FMODE_WRITE(f) : FMODE_READ(f)) ? 0 : -EBADF;
}

/* RLIMIT_FSIZE on a regular-file write at pos: SIGXFSZ and EFBIG at the limit, a short write below it. */
static long fsize_clip(struct file *f, struct iov_iter *it, uint64_t pos)
{
    struct thread *th = thread_current();
    if (!th || !S_ISREG(f->inode->mode) || !it->count)
        return 0;
    uint64_t lim = proc_rlimit(th->proc, RLIMIT_FSIZE);
    if (lim == RLIM_INFINITY)
        return 0;
    if (f->flags & O_APPEND)
        pos = __atomic_load_n(&f->inode->size, __ATOMIC_RELAXED);
    if (pos >= lim) {
        signal_send_current(SIGXFSZ);
        return -EFBIG;
    }
    if (it->count > lim - pos)
        it->count = lim - pos;
    return 0;
}

static long file_io(struct file *f, struct iov_iter *it, bool write, int64_t *ppos)
{
    long c = io_check(f, write);
    if (c)
        return c;
    long (*op)(struct file *, struct iov_iter *, uint64_t *) = write ? f->ops->write : f->ops->read;
    if (!op)
        return -EINVAL;
    if (ppos) {
        if (!f->ops->seekable)
            return -ESPIPE;
        if (*ppos < 0)
            return -EINVAL;
        uint64_t pos = (uint64_t)*ppos;
        if (write && (c = fsize_clip(f, it, pos)))
            return c;
        return op(f, it, &pos);
    }
    if (!f->ops->seekable) {
        uint64_t pos = 0;
        return op(f, it, &pos);
    }
    mutex_lock(&f->pos_lock);
    long r = write ? fsize_clip(f, it, f->pos) : 0;
    if (!r)
        r = op(f, it, &f->pos);
    mutex_unlock(&f->pos_lock);
    return r;
}

static long rw_one(struct sys_call *c, bool write, int64_t *ppos)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    size_t len = (size_t)MIN(c->arg[2], MAX_RW_COUNT);
    struct user_iovec one = { c->arg[1], len };
    struct iov_iter it;
    iov_iter_user(&it, &one, 1, len);
    long r = io_check(f, write);
    if (!r)
        r = len && !user_range_ok(uptr(c->arg[1]), len) ? -EFAULT : file_io(f, &it, write, ppos);
    file_put(f);
    return r;
}

static long rw_vec(struct sys_call *c, bool write, int64_t *ppos)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    struct user_iovec *iov;
    size_t total;
    long r = iov_import(uptr(c->arg[1]), c->arg[2], &iov, &total);
    if (!r) {
        struct iov_iter it;
        iov_iter_user(&it, iov, c->arg[2], total);
        r = file_io(f, &it, write, ppos);
    }
    kfree(iov);
    file_put(f);
    return r;
}

long sys_read(struct sys_call *c) { return rw_one(c, false, NULL); }
long sys_write(struct sys_call *c) { return rw_one(c, true, NULL); }
long sys_readv(struct sys_call *c) { return rw_vec(c, false, NULL); }
long sys_writev(struct sys_call *c) { return rw_vec(c, true, NULL); }

long sys_pread64(struct sys_call *c)
{
    int64_t pos = (int64_t)c->arg[3];
    return rw_one(c, false, &pos);
}

long sys_pwrite64(struct sys_call *c)
{
    int64_t pos = (int64_t)c->arg[3];
    return rw_one(c, true, &pos);
}

static long seek_locked(struct file *f, int64_t off, unsigned whence)
{
    struct inode *ino = f->inode;
    int64_t size = (int64_t)file_size(f), base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)f->pos; break;
    case SEEK_END:
        if (S_ISDIR(ino->mode))
            return -EINVAL;
        base = size;
        break;
    case SEEK_DATA:
    case SEEK_HOLE:
        if (!S_ISREG(ino->mode))
            return -EINVAL;
        if (off < 0 || off >= size)
            return -ENXIO;
        f->pos = (uint64_t)(whence == SEEK_DATA ? off : size);   /* holes read as data: no sparse map yet */
        return (long)f->pos;
    default:
        return -EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (long)f->pos;
}

long sys_lseek(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = -ESPIPE;
    if (f->ops->seekable || (f->flags & O_PATH)) {
        mutex_lock(&f->pos_lock);
        r = (f->flags & O_PATH) ? -EBADF : seek_locked(f, (int64_t)c->arg[1], (unsigned)c->arg[2]);
        mutex_unlock(&f->pos_lock);
    }
    file_put(f);
    return r;
}

static long do_truncate(struct inode *ino, int64_t len)
{
    if (len < 0)
        return -EINVAL;
    struct thread *th = thread_current();
    uint64_t lim = th ? proc_rlimit(th->proc, RLIMIT_FSIZE) : RLIM_INFINITY;
    mutex_lock(&ino->lock);
    bool too_big = (uint64_t)len > ino->size && (uint64_t)len > lim;    /* growing past RLIMIT_FSIZE */
    mutex_unlock(&ino->lock);
    if (too_big) {
        signal_send_current(SIGXFSZ);
        return -EFBIG;
    }
    long r = inode_setsize(ino, (uint64_t)len);
    if (!r)
        inode_touch_mc(ino);
    return r;
}

long sys_truncate(struct sys_call *c)
{
    struct nameidata nd;
    struct inode *ino = NULL;
    int r = nd_init(&nd, AT_FDCWD, uptr(c->arg[0]), LOOKUP_FOLLOW);
    if (!r) {
        mutex_lock(&vfs_lock);
        r = nd_lookup_locked(&nd);
        if (!r) {
            ino = nd.child.dentry->inode;
            r = S_ISDIR(ino->mode) ? -EISDIR : !S_ISREG(ino->mode) ? -EINVAL : inode_permission(ino, W_OK);
            if (!r)
                inode_get(ino);
        }
        mutex_unlock(&vfs_lock);
    }
    nd_fini(&nd);
    if (r)
        return r;
    long t = do_truncate(ino, (int64_t)c->arg[1]);
    inode_put(ino);
    return t;
}

long sys_ftruncate(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r;
    if (f->flags & O_PATH)
        r = -EBADF;
    else if ((int64_t)c->arg[1] < 0 || !S_ISREG(f->inode->mode) || !FMODE_WRITE(f))
        r = -EINVAL;
    else
        r = do_truncate(f->inode, (int64_t)c->arg[1]);
    file_put(f);
    return r;
}

static long sync_sb(struct super_block *sb)
{
    return sb->sops && sb->sops->sync ? sb->sops->sync(sb) : 0;
}

/*
 * A file with its own fsync (an ext2 regular file: its dirty pages and the
 * metadata; a block device: a flush) does just that. Otherwise tmpfs has
 * nothing to write back, so fsync validates the descriptor and the file
 * type, and a disk file system's directory writes the whole file system.
 */
static long do_fsync(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_PATH) ? -EBADF :
             f->ops->fsync ? f->ops->fsync(f) :
             S_ISREG(f->inode->mode) || S_ISDIR(f->inode->mode) ? 0 : -EINVAL;
    if (!r && !f->ops->fsync && !(f->flags & O_PATH))
        r = sync_sb(f->inode->sb);
    file_put(f);
    return r;
}

long sys_fsync(struct sys_call *c) { return do_fsync((int)c->arg[0]); }
long sys_fdatasync(struct sys_call *c) { return do_fsync((int)c->arg[0]); }

/* sync(2) never fails; each mounted disk file system is written back. */
long sys_sync(struct sys_call *c)
{
    mutex_lock(&vfs_lock);
    struct list_head *l;
    list_for_each(l, &mount_list) {
        struct super_block *sb = list_entry(l, struct mount, node)->sb;
        (void)sync_sb(sb);
    }
    mutex_unlock(&vfs_lock);
    return 0;
}

long sys_preadv(struct sys_call *c)
{
    int64_t pos = (int64_t)c->arg[3];
    return rw_vec(c, false, &pos);
}

long sys_pwritev(struct sys_call *c)
{
    int64_t pos = (int64_t)c->arg[3];
    return rw_vec(c, true, &pos);
}

/*
 * preadv2/pwritev2: offset -1 uses the file position. RWF_HIPRI (a polling
 * hint for direct I/O) and RWF_DSYNC/RWF_SYNC (tmpfs writes are durable as
 * soon as they return) need nothing more here.
 */
static long rw_vec2(struct sys_call *c, bool write)
{
    int64_t pos = (int64_t)c->arg[3];
    uint64_t flags = c->arg[5];
    if (flags & ~(uint64_t)(RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND))
        return -EOPNOTSUPP;
    if (flags & RWF_NOWAIT)
        return -EOPNOTSUPP;     /* FIXME: RWF_NOWAIT needs non-blocking variants of the read/write ops */
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    /* RWF_APPEND: write at the end; with offset -1 the file position follows. */
    if (write && (flags & RWF_APPEND) && f->ops->seekable) {
        uint64_t end = file_size(f);    /* FIXME: not atomic against a concurrent writer */
        if (pos == -1) {
            mutex_lock(&f->pos_lock);
            f->pos = end;
            mutex_unlock(&f->pos_lock);
        } else {
            pos = (int64_t)end;
        }
    }
    file_put(f);
    return rw_vec(c, write, pos == -1 ? NULL : &pos);
}

long sys_preadv2(struct sys_call *c) { return rw_vec2(c, false); }
long sys_pwritev2(struct sys_call *c) { return rw_vec2(c, true); }

long sys_syncfs(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = sync_sb(f->inode->sb);
    file_put(f);
    return r;
}

/* tmpfs preallocates pages (charged against size=); mode 0 also extends the size. */
static long fallocate_file(struct file *f, uint32_t mode, int64_t off, int64_t len)
{
    if (off < 0 || len <= 0)
        return -EINVAL;
    if (mode & ~(uint32_t)0x7f)
        return -EOPNOTSUPP;
    if (!FMODE_WRITE(f) || (f->flags & O_PATH))
        return -EBADF;
    if (mode & ~(uint32_t)FALLOC_FL_KEEP_SIZE)
        return -EOPNOTSUPP;     /* FIXME: PUNCH_HOLE, ZERO_RANGE, COLLAPSE/INSERT_RANGE */
    if (!f->ops->seekable || S_ISFIFO(f->inode->mode))
        return -ESPIPE;
    if (S_ISDIR(f->inode->mode))
        return -EISDIR;
    if (!S_ISREG(f->inode->mode))
        return -ENODEV;
    if (off > INT64_MAX - len)
        return -EFBIG;
    if (f->inode->sb->magic != TMPFS_MAGIC || f->inode->fops)
        return -EOPNOTSUPP;     /* ext2 has no preallocation (as Linux's); FIXME: other disk file systems */
    struct inode *ino = f->inode;
    mutex_lock(&ino->lock);
    long r = tmpfs_fallocate_locked(ino, (uint64_t)off, (uint64_t)len);
    if (!r && !(mode & FALLOC_FL_KEEP_SIZE) && (uint64_t)(off + len) > ino->size)
        r = inode_setsize_locked(ino, (uint64_t)(off + len));
    mutex_unlock(&ino->lock);
    if (!r)
        inode_touch_mc(ino);
    return r;
}

long sys_fallocate(struct sys_call *c)
{
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    long r = fallocate_file(f, (uint32_t)c->arg[1], (int64_t)c->arg[2], (int64_t)c->arg[3]);
    file_put(f);
    return r;
}
