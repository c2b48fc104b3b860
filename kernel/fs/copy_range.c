// SPDX-License-Identifier: MPL-2.0
// copy_file_range: copy bytes between two regular files of one file system (Linux 6.1 rules).
#include <ostd/heap.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/fs_syscalls.h"

long sys_copy_file_range(struct sys_call *c);

#define COPY_CHUNK (64 * 1024)

/* Linux's generic checks, in its order: file types, access modes, same super block. */
static long copy_checks(struct file *in, struct file *out)
{
    if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
        return -EISDIR;
    if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
        return -EINVAL;
    if ((in->flags & O_PATH) || (out->flags & O_PATH) || !FMODE_READ(in) || !FMODE_WRITE(out) ||
        (out->flags & O_APPEND))
        return -EBADF;
    if (in->inode->sb != out->inode->sb)
        return -EXDEV;  /* as Linux 6.1 for file systems without their own copy_file_range */
    return 0;
}

/* Copy up to len bytes (stopping at the end of in); bytes copied or -errno if none. */
static long copy_data(struct file *in, uint64_t *pin, struct file *out, uint64_t *pout, uint64_t len)
{
    char *buf = kmalloc(COPY_CHUNK);
    if (!buf)
        return -ENOMEM;
    uint64_t done = 0;
    long r = 0;
    while (done < len) {
        size_t n = (size_t)MIN(len - done, (uint64_t)COPY_CHUNK);
        r = kernel_read(in, *pin, buf, n);
        if (r <= 0)
            break;
        long w = kernel_write(out, *pout, buf, (size_t)r);
        if (w <= 0) {
            r = w;
            break;
        }
        *pin += (uint64_t)w;
        *pout += (uint64_t)w;
        done += (uint64_t)w;
        if (w < r)
            break;
    }
    kfree(buf);
    return done ? (long)done : r;
}

static int get_off(uint64_t uoff, struct file *f, int64_t *off)
{
    if (!uoff) {
        mutex_lock(&f->pos_lock);
        *off = (int64_t)f->pos;
        mutex_unlock(&f->pos_lock);
        return 0;
    }
    return copy_from_user(off, uptr(uoff), sizeof(*off));
}

static int put_off(uint64_t uoff, struct file *f, int64_t off)
{
    if (uoff)
        return copy_to_user(uptr(uoff), &off, sizeof(off));
    mutex_lock(&f->pos_lock);   /* FIXME: the position is not held across the copy (Linux does not either) */
    f->pos = (uint64_t)off;
    mutex_unlock(&f->pos_lock);
    return 0;
}

static long do_copy(struct file *in, uint64_t uoff_in, struct file *out, uint64_t uoff_out,
                    uint64_t len, uint64_t flags)
{
    int64_t pin, pout;
    if (get_off(uoff_in, in, &pin) || get_off(uoff_out, out, &pout))
        return -EFAULT;
    if (flags)
        return -EINVAL;
    long r = copy_checks(in, out);
    if (r)
        return r;
    if (pin < 0 || pout < 0)
        return -EINVAL;
    if (len > (uint64_t)INT64_MAX - (uint64_t)pin || len > (uint64_t)INT64_MAX - (uint64_t)pout)
        return -EOVERFLOW;
    uint64_t size = file_size(in);
    len = (uint64_t)pin >= size ? 0 : MIN(len, size - (uint64_t)pin);    /* stop at the end of in */
    if (in->inode == out->inode && (uint64_t)pout + len > (uint64_t)pin && (uint64_t)pout < (uint64_t)pin + len)
        return -EINVAL;     /* overlapping ranges of one file */
    if (!len)
        return 0;
    uint64_t a = (uint64_t)pin, b = (uint64_t)pout;
    r = copy_data(in, &a, out, &b, len);
    if (r > 0 && (put_off(uoff_in, in, (int64_t)a) || put_off(uoff_out, out, (int64_t)b)))
        return -EFAULT;
    return r;
}

long sys_copy_file_range(struct sys_call *c)
{
    struct file *in = fd_get((int)c->arg[0]);
    if (!in)
        return -EBADF;
    struct file *out = fd_get((int)c->arg[2]);
    long r = out ? do_copy(in, c->arg[1], out, c->arg[3], c->arg[4], c->arg[5]) : -EBADF;
    if (out)
        file_put(out);
    file_put(in);
    return r;
}
