// SPDX-License-Identifier: MPL-2.0
// tmpfs file data: a sparse array of 4 KiB pages per inode, and regular-file read/write.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/tmpfs.h"

#define TMPFS_MAX_SIZE (1ULL << 40)    /* s_maxbytes-like bound: larger offsets give EFBIG */

static uint64_t next_dev = 1;

struct super_block *tmpfs_new_sb(void)
{
    struct super_block *sb = kzalloc(sizeof(*sb));
    if (!sb)
        return NULL;
    sb->dev = atomic_add(&next_dev, 1);   /* anonymous device 0:n */
    sb->magic = TMPFS_MAGIC;
    sb->next_ino = 1;
    sb->type = "tmpfs";
    return sb;
}

void tmpfs_free_data(struct inode *ino)
{
    for (size_t i = 0; i < ino->npages; i++)
        kfree(ino->pages[i]);
    kfree(ino->pages);
    ino->pages = NULL;
    ino->npages = 0;
}

uint64_t tmpfs_blocks(const struct inode *ino)
{
    uint64_t n = 0;
    for (size_t i = 0; i < ino->npages; i++)
        n += ino->pages[i] != NULL;
    return n * (PAGE_SIZE / 512);
}

/* The page holding index idx, allocating it (and the slot array) when create. */
static char *page_at(struct inode *ino, size_t idx, bool create)
{
    if (idx >= ino->npages) {
        if (!create)
            return NULL;
        size_t n = MAX(idx + 1, ino->npages * 2);
        void **np = kcalloc(n, sizeof(void *));
        if (!np)
            return NULL;
        if (ino->npages)
            memcpy(np, ino->pages, ino->npages * sizeof(void *));
        kfree(ino->pages);
        ino->pages = np;
        ino->npages = n;
    }
    if (!ino->pages[idx] && create)
        ino->pages[idx] = kzalloc(PAGE_SIZE);
    return ino->pages[idx];
}

int tmpfs_truncate_locked(struct inode *ino, uint64_t size)
{
    if (size > TMPFS_MAX_SIZE)
        return -EFBIG;
    size_t keep = (size_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
    for (size_t i = keep; i < ino->npages; i++) {
        kfree(ino->pages[i]);
        ino->pages[i] = NULL;
    }
    if (size % PAGE_SIZE && keep - 1 < ino->npages && ino->pages[keep - 1])
        memset((char *)ino->pages[keep - 1] + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
    ino->size = size;
    return 0;
}

static const char zero_page[PAGE_SIZE];

static long tmpfs_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct inode *ino = f->inode;
    size_t done = 0;
    bool fault = false;
    mutex_lock(&ino->lock);
    while (to->count && *pos < ino->size && !fault) {
        size_t in = (size_t)(*pos % PAGE_SIZE);
        size_t n = (size_t)MIN((uint64_t)(PAGE_SIZE - in), ino->size - *pos);
        n = MIN(n, to->count);
        const char *pg = page_at(ino, (size_t)(*pos / PAGE_SIZE), false);
        size_t c = iov_copy_to(to, (pg ? pg : zero_page) + in, n, &fault);
        *pos += c;
        done += c;
    }
    mutex_unlock(&ino->lock);
    return done || !fault ? (long)done : -EFAULT;
}

/* Write from the iterator at *pos; inode lock held. */
static long tmpfs_write_locked(struct inode *ino, struct iov_iter *from, uint64_t *pos)
{
    size_t done = 0;
    bool fault = false;
    if (from->count && *pos >= TMPFS_MAX_SIZE)
        return -EFBIG;
    while (from->count && !fault && *pos < TMPFS_MAX_SIZE) {
        size_t in = (size_t)(*pos % PAGE_SIZE);
        size_t n = MIN(PAGE_SIZE - in, from->count);
        char *pg = page_at(ino, (size_t)(*pos / PAGE_SIZE), true);
        if (!pg)
            return done ? (long)done : -ENOSPC;
        size_t c = iov_copy_from(from, pg + in, n, &fault);
        *pos += c;
        done += c;
        if (*pos > ino->size)
            ino->size = *pos;
    }
    if (done)
        inode_touch_mc(ino);
    return done || !fault ? (long)done : -EFAULT;
}

static long tmpfs_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    struct inode *ino = f->inode;
    mutex_lock(&ino->lock);
    if (f->flags & O_APPEND)
        *pos = ino->size;
    long r = tmpfs_write_locked(ino, from, pos);
    mutex_unlock(&ino->lock);
    return r;
}

long tmpfs_write_kernel(struct inode *ino, uint64_t off, const void *buf, size_t len)
{
    struct iov_iter it;
    iov_iter_kernel(&it, (void *)buf, len);   /* only read from */
    mutex_lock(&ino->lock);
    long r = tmpfs_write_locked(ino, &it, &off);
    mutex_unlock(&ino->lock);
    return r;
}

static long dir_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    return -EISDIR;
}

static long no_io(struct file *f, struct iov_iter *it, uint64_t *pos)
{
    return -EBADF;
}

const struct file_ops tmpfs_file_ops = { .read = tmpfs_read, .write = tmpfs_write, .seekable = true };
const struct file_ops tmpfs_dir_ops = { .read = dir_read, .write = dir_read, .seekable = true };
const struct file_ops empty_ops = { .read = no_io, .write = no_io };
