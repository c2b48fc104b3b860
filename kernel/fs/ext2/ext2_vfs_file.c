// SPDX-License-Identifier: MPL-2.0
// ext2 VFS glue: regular-file read and write through a bounce buffer.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/ext2/ext2_vfs.h"

#define EXT2_CHUNK (16 * 1024)

static long ext2_file_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct inode *v = f->inode;
    struct ext2_sbi *s = EXT2_SBI(v);
    char *buf = kmalloc(EXT2_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long r = 0;
    bool fault = false;
    while (to->count && !fault) {
        mutex_lock(&s->lock);
        r = s->dead ? -EIO : ext2_read(s->fs, EXT2_I(v), *pos, buf, MIN(to->count, (size_t)EXT2_CHUNK));
        mutex_unlock(&s->lock);
        if (r <= 0)
            break;
        size_t c = iov_copy_to(to, buf, (size_t)r, &fault);
        *pos += c;
        done += c;
        if (c < (size_t)r)
            break;
    }
    kfree(buf);
    if (done)
        return (long)done;
    return fault ? -EFAULT : r < 0 ? r : 0;
}

static long ext2_file_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct inode *v = f->inode;
    struct ext2_sbi *s = EXT2_SBI(v);
    char *buf = kmalloc(EXT2_CHUNK);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    long r = 0;
    bool fault = false;
    mutex_lock(&v->lock);
    if (f->flags & O_APPEND)
        *pos = v->size;
    while (from->count && !fault) {
        size_t c = iov_copy_from(from, buf, MIN(from->count, (size_t)EXT2_CHUNK), &fault);
        if (c == 0)
            break;
        mutex_lock(&s->lock);
        r = s->dead ? -EIO : ext2_write(s->fs, EXT2_I(v), *pos, buf, c);
        ext2_vnode_refresh(v, EXT2_I(v));
        mutex_unlock(&s->lock);
        if (r <= 0)
            break;
        *pos += (uint64_t)r;
        done += (size_t)r;
        if ((size_t)r < c)
            break;
    }
    mutex_unlock(&v->lock);
    kfree(buf);
    if (done)
        return (long)done;
    return fault ? -EFAULT : r;
}

/* FIXME: mmap of ext2 files (the page-cache hook tmpfs has). */
const struct file_ops ext2_file_ops = {
    .read = ext2_file_read,
    .write = ext2_file_write,
    .seekable = true,
};
