// SPDX-License-Identifier: MPL-2.0
// sendfile(2): copy from a regular file to any writable file (file, pipe, device) through a kernel buffer.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include "fs/file.h"
#include "fs/inode.h"
#include "fs/iov.h"
#include "fs/vfs.h"
#include "syscall/syscall.h"

long sys_sendfile(struct sys_call *c);

#define SENDFILE_CHUNK 16384

/* One write of buf[0..n) to out at its own offset (or none, for unseekable files). */
static long write_out(struct file *out, char *buf, size_t n)
{
    struct iov_iter it;
    iov_iter_kernel(&it, buf, n);
    if (!out->ops->seekable) {
        uint64_t pos = 0;
        return out->ops->write(out, &it, &pos);
    }
    mutex_lock(&out->pos_lock);
    long r = out->ops->write(out, &it, &out->pos);
    mutex_unlock(&out->pos_lock);
    return r;
}

/*
 * Copy up to count bytes from in at *pos to out; *pos advances by what was
 * written. Returns the bytes copied, or -errno when nothing was.
 */
static long copy_loop(struct file *in, uint64_t *pos, struct file *out, size_t count)
{
    char *buf = kmalloc(SENDFILE_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long err = 0;
    while (done < count) {
        size_t want = MIN(count - done, (size_t)SENDFILE_CHUNK);
        struct iov_iter it;
        iov_iter_kernel(&it, buf, want);
        uint64_t rpos = *pos;
        long n = in->ops->read(in, &it, &rpos);
        if (n <= 0) {
            err = n;
            break;
        }
        long w = write_out(out, buf, (size_t)n);
        if (w <= 0) {
            err = w;
            break;
        }
        *pos += (uint64_t)w;
        done += (size_t)w;
        if (w < n)
            break;      /* a short write (pipe full and non-blocking, file size limit) */
    }
    kfree(buf);
    return done ? (long)done : err;
}

/* Linux's checks, in its order: in readable, offset usable, out writable, then what splice supports. */
static long check_files(struct file *in, struct file *out, bool have_off, int64_t off)
{
    if (!in || !FMODE_READ(in) || (in->flags & O_PATH))
        return -EBADF;
    if (have_off && !in->ops->seekable)
        return -ESPIPE;
    if (have_off && off < 0)
        return -EINVAL;
    if (!out || !FMODE_WRITE(out) || (out->flags & O_PATH))
        return -EBADF;
    if (out->flags & O_APPEND)
        return -EINVAL;
    /* FIXME: sockets and block devices as the source arrive with them; Linux takes those too. */
    if (!S_ISREG(in->inode->mode) || !in->ops->read || !out->ops->write)
        return -EINVAL;
    return 0;
}

long sys_sendfile(struct sys_call *c)
{
    uptr_t uoff = uptr(c->arg[2]);
    size_t count = (size_t)MIN(c->arg[3], MAX_RW_COUNT);
    int64_t off = 0;
    if (uoff.addr && copy_from_user(&off, uoff, sizeof(off)))
        return -EFAULT;
    struct file *in = fd_get((int)c->arg[1]);
    struct file *out = fd_get((int)c->arg[0]);
    long r = check_files(in, out, uoff.addr != 0, off);
    if (!r && uoff.addr) {
        uint64_t pos = (uint64_t)off;
        r = copy_loop(in, &pos, out, count);
        off = (int64_t)pos;
    } else if (!r) {
        /*
         * Without an offset pointer the input's own file offset is used and
         * advanced. It is not held across the copy: a pipe write may block,
         * and in may be out (whose offset write_out takes).
         */
        mutex_lock(&in->pos_lock);
        uint64_t pos = in->pos;
        mutex_unlock(&in->pos_lock);
        r = copy_loop(in, &pos, out, count);
        if (r > 0) {
            mutex_lock(&in->pos_lock);
            in->pos = pos;
            mutex_unlock(&in->pos_lock);
        }
    }
    if (in)
        file_put(in);
    if (out)
        file_put(out);
    if (r >= 0 && uoff.addr && copy_to_user(uoff, &off, sizeof(off)))
        return -EFAULT;
    return r;
}
