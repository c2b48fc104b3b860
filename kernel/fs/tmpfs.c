// SPDX-License-Identifier: MPL-2.0
// tmpfs file data: a sparse array of refcounted page frames per inode (also what mmap maps), and read/write.
#include <ostd/frame.h>
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
 * the largest index, so sparse files cost only the pages they touch. The
 * leaves are frames: MAP_SHARED mappings map these very frames (they are the
 * page cache), so stores through a mapping are what read(2) sees.
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
        kfree(node);
    } else {
        (*count)--;
        frame_put(node);
    }
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

/* The leaf slot of index idx, making the path to it when create; NULL if there is none (or OOM). */
static void **page_slot(struct inode *ino, uint64_t idx, bool create)
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
    return slot;
}

/* The frame holding index idx (no new reference), allocating it (and the path to it) when create. */
static struct frame *page_at(struct inode *ino, uint64_t idx, bool create)
{
    void **slot = page_slot(ino, idx, create);
    if (!slot)
        return NULL;
    if (!*slot && create && charge_page(ino->sb)) {
        if ((*slot = frame_alloc(FRAME_ZERO)))
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

static const char zero_page[PAGE_SIZE];

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
    /* Mappings of the dropped pages are undone by inode_setsize (mm_unmap_file_tail); the tail is zeroed. */
    struct frame *last = size % PAGE_SIZE ? page_at(ino, keep - 1, false) : NULL;
    if (last && frame_write(last, size % PAGE_SIZE, zero_page, PAGE_SIZE - size % PAGE_SIZE))
        return -EINVAL;   /* unreachable: the range lies within the page */
    ino->size = size;
    return 0;
}

/* Pages of [first, end) not allocated yet. Inode lock held. */
static uint64_t pages_missing_locked(struct inode *ino, uint64_t first, uint64_t end)
{
    uint64_t n = 0;
    for (uint64_t i = first; i < end; i++)
        n += page_at(ino, i, false) == NULL;
    return n;
}

/* Allocate the missing pages of [first, end), charged already; 0 or -ENOMEM (what is left is refunded). */
static int fill_pages_locked(struct inode *ino, uint64_t first, uint64_t end, uint64_t charged)
{
    for (uint64_t i = first; i < end && charged; i++) {
        void **slot = page_slot(ino, i, true);
        if (slot && !*slot && (*slot = frame_alloc(FRAME_ZERO))) {
            ino->nr_pages++;
            charged--;
        } else if (!slot || !*slot) {
            break;
        }
    }
    atomic_sub(&ino->sb->pages_used, charged);
    return charged ? -ENOMEM : 0;
}

int tmpfs_fallocate_locked(struct inode *ino, uint64_t off, uint64_t len)
{
    if (off + len > TMPFS_MAX_SIZE)
        return -EFBIG;
    if ((ino->seals & F_SEAL_GROW) && off + len > ino->size)
        return -EPERM;
    uint64_t first = off / PAGE_SIZE, end = (off + len + PAGE_SIZE - 1) / PAGE_SIZE;
    struct frame_stats fs;
    frame_get_stats(&fs);
    uint64_t limit = ino->sb->size_limit ? ino->sb->size_limit / PAGE_SIZE : fs.free;
    if (end - first > limit)
        return -ENOSPC;     /* cannot fit even in an empty file system (bounds the walk below) */
    uint64_t missing = pages_missing_locked(ino, first, end);
    uint64_t used = atomic_add(&ino->sb->pages_used, missing);
    if (ino->sb->size_limit && used > limit) {
        atomic_sub(&ino->sb->pages_used, missing);
        return -ENOSPC;
    }
    return fill_pages_locked(ino, first, end, missing);
}

int tmpfs_get_page(struct inode *ino, uint64_t idx, struct frame **out)
{
    int r = 0;
    mutex_lock(&ino->lock);
    if (idx >= (ino->size + PAGE_SIZE - 1) / PAGE_SIZE)
        r = -ENXIO;
    else if (!(*out = page_at(ino, idx, true)))
        r = -ENOMEM;
    else
        frame_get(*out);
    mutex_unlock(&ino->lock);
    return r;
}

/*
 * User memory is never touched with ino->lock held: a fault on a MAP_SHARED
 * page of this very file takes mm->lock and then ino->lock (the lock order is
 * mm->lock -> inode lock), so data moves through a kernel bounce page.
 */
static long tmpfs_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    struct inode *ino = f->inode;
    char *buf = kmalloc(PAGE_SIZE);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    bool fault = false;
    while (to->count && !fault) {
        size_t in = (size_t)(*pos % PAGE_SIZE), n = 0;
        mutex_lock(&ino->lock);
        if (*pos < ino->size) {
            n = MIN((size_t)MIN((uint64_t)(PAGE_SIZE - in), ino->size - *pos), to->count);
            struct frame *pg = page_at(ino, *pos / PAGE_SIZE, false);
            if (!pg || frame_read(pg, in, buf, n))
                memset(buf, 0, n);
        }
        mutex_unlock(&ino->lock);
        if (!n)
            break;
        size_t c = iov_copy_to(to, buf, n, &fault);
        *pos += c;
        done += c;
    }
    kfree(buf);
    return done || !fault ? (long)done : -EFAULT;
}

/* Store n bytes of buf at *pos (at most two pages); inode lock held. */
static long store_locked(struct inode *ino, const char *buf, size_t n, uint64_t *pos)
{
    size_t done = 0;
    while (done < n) {
        size_t in = (size_t)(*pos % PAGE_SIZE), c = MIN(PAGE_SIZE - in, n - done);
        struct frame *pg = page_at(ino, *pos / PAGE_SIZE, true);
        if (!pg || frame_write(pg, in, buf + done, c))
            break;
        *pos += c;
        done += c;
        if (*pos > ino->size)
            ino->size = *pos;
    }
    return (long)done;
}

/* Whether the file's seals allow writing n bytes at pos: 0 or -EPERM. */
static long seal_check_locked(const struct inode *ino, uint64_t pos, size_t n)
{
    if (ino->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
        return -EPERM;
    if ((ino->seals & F_SEAL_GROW) && pos + n > ino->size)
        return -EPERM;
    return 0;
}

/* Write from the iterator at *pos (the end of file first for append); takes the inode lock per chunk. */
static long tmpfs_write_iter(struct inode *ino, struct iov_iter *from, uint64_t *pos, bool append)
{
    char *buf = kmalloc(PAGE_SIZE);
    if (!buf)
        return -ENOMEM;
    size_t done = 0;
    bool fault = false;
    long err = 0;
    while (from->count && !fault) {
        /* Page-bounded chunks: a sealed file refuses a whole page-sized step past EOF, as Linux. */
        size_t want = MIN((size_t)(PAGE_SIZE - *pos % PAGE_SIZE), from->count);
        size_t n = iov_copy_from(from, buf, want, &fault);
        if (!n)
            break;
        mutex_lock(&ino->lock);
        if (append)
            *pos = ino->size;
        err = seal_check_locked(ino, *pos, n);
        if (err) {
            mutex_unlock(&ino->lock);
            break;
        }
        long c = *pos >= TMPFS_MAX_SIZE ? 0 : store_locked(ino, buf, (size_t)MIN((uint64_t)n, TMPFS_MAX_SIZE - *pos), pos);
        if (c)
            inode_touch_mc(ino);
        mutex_unlock(&ino->lock);
        done += (size_t)c;
        if ((size_t)c < n) {
            err = *pos >= TMPFS_MAX_SIZE ? -EFBIG : -ENOSPC;
            break;
        }
    }
    kfree(buf);
    if (done)
        return (long)done;
    return fault ? -EFAULT : err;
}

static long tmpfs_write(struct file *f, struct iov_iter *from, uint64_t *pos)
{
    return tmpfs_write_iter(f->inode, from, pos, f->flags & O_APPEND);
}

long tmpfs_write_kernel(struct inode *ino, uint64_t off, const void *buf, size_t len)
{
    struct iov_iter it;
    iov_iter_kernel(&it, (void *)buf, len);   /* only read from */
    return tmpfs_write_iter(ino, &it, &off, false);
}

static long dir_read(struct file *f, struct iov_iter *to, uint64_t *pos)
{
    return -EISDIR;
}

static long no_io(struct file *f, struct iov_iter *it, uint64_t *pos)
{
    return -EBADF;
}

const struct file_ops tmpfs_file_ops = {
    .read = tmpfs_read, .write = tmpfs_write, .get_page = tmpfs_get_page, .seekable = true,
};
const struct file_ops tmpfs_dir_ops = { .read = dir_read, .write = dir_read, .seekable = true };
const struct file_ops empty_ops = { .read = no_io, .write = no_io };
