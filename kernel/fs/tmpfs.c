// SPDX-License-Identifier: MPL-2.0
// tmpfs file data: a sparse array of 4 KiB pages per inode, and regular-file read/write.
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/memfd.h>
#include "fs/tmpfs.h"

#define TMPFS_MAX_SIZE (1ULL << 48)    /* s_maxbytes-like bound: larger offsets give EFBIG */

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

/*
 * File pages live in a radix tree of 512-slot nodes whose height grows with
 * the largest index, so sparse files cost only the pages they touch.
 */
#define RADIX_SHIFT 9
#define RADIX_SLOTS (1u << RADIX_SHIFT)

struct radix_node { void *slot[RADIX_SLOTS]; };

static void radix_free(void *node, unsigned height, uint64_t *count)
{
    if (!node)
        return;
    if (height) {
        struct radix_node *n = node;
        for (unsigned i = 0; i < RADIX_SLOTS; i++)
            radix_free(n->slot[i], height - 1, count);
    } else {
        (*count)--;
    }
    kfree(node);
}

/* Reserve one page of the file system's size= budget; false when it is used up. */
static bool charge_page(struct super_block *sb)
{
    uint64_t n = atomic_add(&sb->pages_used, 1);
    if (sb->size_limit && n > sb->size_limit / PAGE_SIZE) {
        atomic_sub(&sb->pages_used, 1);
        return false;
    }
    return true;
}

void tmpfs_free_data(struct inode *ino)
{
    atomic_sub(&ino->sb->pages_used, ino->nr_pages);
    radix_free(ino->radix, ino->radix_height, &ino->nr_pages);
    ino->radix = NULL;
    ino->radix_height = 0;
}

uint64_t tmpfs_blocks(const struct inode *ino)
{
    return ino->nr_pages * (PAGE_SIZE / 512);
}

/* Grow the tree until it covers idx; false on OOM. */
static bool radix_grow(struct inode *ino, uint64_t idx)
{
    while (ino->radix_height == 0 || (ino->radix_height < 7 && idx >> (RADIX_SHIFT * ino->radix_height))) {
        struct radix_node *n = kzalloc(sizeof(*n));
        if (!n)
            return false;
        n->slot[0] = ino->radix;
        ino->radix = n;
        ino->radix_height++;
    }
    return true;
}

/* The page holding index idx, allocating it (and the path to it) when create. */
static char *page_at(struct inode *ino, uint64_t idx, bool create)
{
    if (!ino->radix_height || idx >> (RADIX_SHIFT * ino->radix_height)) {
        if (!create || !radix_grow(ino, idx))
            return NULL;
    }
    void **slot = &ino->radix;
    for (unsigned h = ino->radix_height; h > 0; h--) {
        if (!*slot) {
            if (!create || !(*slot = kzalloc(sizeof(struct radix_node))))
                return NULL;
        }
        struct radix_node *n = *slot;
        slot = &n->slot[(idx >> (RADIX_SHIFT * (h - 1))) & (RADIX_SLOTS - 1)];
    }
    if (!*slot && create && charge_page(ino->sb)) {
        if ((*slot = kzalloc(PAGE_SIZE)))
            ino->nr_pages++;
        else
            atomic_sub(&ino->sb->pages_used, 1);
    }
    return *slot;
}

/* Free every page with index >= keep below node (covering from base at height). */
static void radix_trim(void **slot, unsigned height, uint64_t base, uint64_t keep, uint64_t *count)
{
    if (!*slot)
        return;
    uint64_t span = 1ULL << (RADIX_SHIFT * height);
    if (base >= keep) {
        radix_free(*slot, height, count);
        *slot = NULL;
        return;
    }
    if (height == 0 || base + span <= keep)
        return;
    struct radix_node *n = *slot;
    uint64_t child = span >> RADIX_SHIFT;
    for (unsigned i = 0; i < RADIX_SLOTS; i++)
        radix_trim(&n->slot[i], height - 1, base + i * child, keep, count);
}

int tmpfs_truncate_locked(struct inode *ino, uint64_t size)
{
    if (size > TMPFS_MAX_SIZE)
        return -EFBIG;
    if ((size < ino->size && (ino->seals & F_SEAL_SHRINK)) || (size > ino->size && (ino->seals & F_SEAL_GROW)))
        return -EPERM;
    uint64_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE, before = ino->nr_pages;
    radix_trim(&ino->radix, ino->radix_height, 0, keep, &ino->nr_pages);
    atomic_sub(&ino->sb->pages_used, before - ino->nr_pages);
    if (!ino->radix)
        ino->radix_height = 0;
    char *last = size % PAGE_SIZE ? page_at(ino, keep - 1, false) : NULL;
    if (last)
        memset(last + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
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
        const char *pg = page_at(ino, *pos / PAGE_SIZE, false);
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
    if (from->count && (ino->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
        return -EPERM;
    while (from->count && !fault && *pos < TMPFS_MAX_SIZE) {
        size_t in = (size_t)(*pos % PAGE_SIZE);
        size_t n = MIN(PAGE_SIZE - in, from->count);
        if ((ino->seals & F_SEAL_GROW) && *pos + n > ino->size)
            return done ? (long)done : -EPERM;  /* a page-sized step past EOF fails whole, as Linux */
        char *pg = page_at(ino, *pos / PAGE_SIZE, true);
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
