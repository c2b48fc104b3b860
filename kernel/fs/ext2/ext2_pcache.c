// SPDX-License-Identifier: MPL-2.0
// ext2 VFS glue: the page cache of regular files (mmap's get_page), kept coherent with read/write, and its write-back.
#include <ostd/heap.h>
#include <ostd/frame.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/ext2/ext2_vfs.h"
#include "fs/ext2/ext2_pcache.h"

#define PC_PAGE 4096u

/* One cached page of a file: the frame every mapper maps. */
struct ext2_page {
    uint64_t idx;
    struct frame *frame;        /* the cache's reference */
    struct ext2_page *next;
};

static struct ext2_page *find_locked(struct ext2_inode *ip, uint64_t idx)
{
    for (struct ext2_page *p = ip->pages; p; p = p->next)
        if (p->idx == idx)
            return p;
    return NULL;
}

/* A new cached page idx filled from the disk (zeros past EOF and in holes). buf: one page. */
static int fill_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t idx, uint8_t *buf, struct ext2_page **out)
{
    struct ext2_page *p = kzalloc(sizeof(*p));
    struct frame *f = p ? frame_alloc(FRAME_ZERO) : NULL;
    if (!f) {
        kfree(p);
        return -ENOMEM;
    }
    long n = ext2_read(s->fs, ip, idx * PC_PAGE, buf, PC_PAGE);
    int r = n < 0 ? (int)n : n ? frame_write(f, 0, buf, (size_t)n) : 0;
    if (r) {
        frame_put(f);
        kfree(p);
        return r;
    }
    *p = (struct ext2_page){ idx, f, ip->pages };
    ip->pages = p;
    *out = p;
    return 0;
}

int ext2_get_page(struct inode *v, uint64_t idx, struct frame **out)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    struct ext2_inode *ip = EXT2_I(v);
    uint8_t *buf = kmalloc(PC_PAGE);
    if (!buf)
        return -ENOMEM;
    mutex_lock(&s->lock);
    uint64_t size = ext2_isize(ip);
    int r = s->dead ? -EIO : idx >= (size + PC_PAGE - 1) / PC_PAGE ? -ENXIO : 0;
    struct ext2_page *p = r ? NULL : find_locked(ip, idx);
    if (!r && !p)
        r = fill_locked(s, ip, idx, buf, &p);
    if (!r) {
        frame_get(p->frame);
        *out = p->frame;
    }
    mutex_unlock(&s->lock);
    kfree(buf);
    return r;
}

void ext2_pcache_overlay_locked(struct ext2_inode *ip, uint64_t off, uint8_t *buf, size_t len)
{
    for (struct ext2_page *p = ip->pages; p; p = p->next) {
        uint64_t ps = p->idx * PC_PAGE, pe = ps + PC_PAGE;
        uint64_t a = MAX(ps, off), b = MIN(pe, off + len);
        if (a < b && frame_read(p->frame, a - ps, buf + (a - off), b - a))
            continue;   /* cannot fail: a..b lies in the page */
    }
}

void ext2_pcache_update_locked(struct ext2_inode *ip, uint64_t off, const uint8_t *buf, size_t len)
{
    for (struct ext2_page *p = ip->pages; p; p = p->next) {
        uint64_t ps = p->idx * PC_PAGE, pe = ps + PC_PAGE;
        uint64_t a = MAX(ps, off), b = MIN(pe, off + len);
        if (a < b && frame_write(p->frame, a - ps, buf + (a - off), b - a))
            continue;   /* cannot fail: a..b lies in the page */
    }
}

void ext2_pcache_truncate_locked(struct ext2_inode *ip, uint64_t size)
{
    struct ext2_page **pp = &ip->pages;
    while (*pp) {
        struct ext2_page *p = *pp;
        uint64_t ps = p->idx * PC_PAGE;
        if (ps >= size) {
            /* FIXME: mappers keep the frame; Linux unmaps it (SIGBUS past EOF). */
            *pp = p->next;
            frame_put(p->frame);
            kfree(p);
            continue;
        }
        if (size < ps + PC_PAGE) {
            uint8_t zero[256] = { 0 };
            uint64_t o = size - ps;
            while (o < PC_PAGE && !frame_write(p->frame, o, zero, MIN((uint64_t)sizeof(zero), PC_PAGE - o)))
                o += MIN((uint64_t)sizeof(zero), PC_PAGE - o);
        }
        pp = &p->next;
    }
}

/* Write page p back when it differs from the disk (a store through a shared mapping). */
static int writeback_page_locked(struct ext2_sbi *s, struct ext2_inode *ip, struct ext2_page *p, uint8_t *mem,
                                 uint8_t *disk)
{
    uint64_t off = p->idx * PC_PAGE, size = ext2_isize(ip);
    if (off >= size)
        return 0;
    size_t n = (size_t)MIN((uint64_t)PC_PAGE, size - off);
    int r = frame_read(p->frame, 0, mem, n);
    long d = r ? r : ext2_read(s->fs, ip, off, disk, n);
    if (d < 0)
        return (int)d;
    if ((size_t)d == n && !memcmp(mem, disk, n))
        return 0;
    long w = ext2_write(s->fs, ip, off, mem, n);
    return w < 0 ? (int)w : (size_t)w != n ? -EIO : 0;
}

int ext2_pcache_writeback_locked(struct ext2_sbi *s, struct ext2_inode *ip)
{
    if (!ip->pages || s->fs->rdonly || s->dead || !ip->d.i_links_count)
        return 0;
    uint8_t *mem = kmalloc(2 * PC_PAGE);
    if (!mem)
        return -ENOMEM;
    int r = 0;
    for (struct ext2_page *p = ip->pages; p; p = p->next) {
        int e = writeback_page_locked(s, ip, p, mem, mem + PC_PAGE);
        r = r ? r : e;
    }
    kfree(mem);
    if (ip->priv)
        ext2_vnode_refresh(ip->priv, ip);
    return r;
}

int ext2_pcache_writeback_all_locked(struct ext2_sbi *s)
{
    int r = 0;
    for (struct ext2_inode *ip = s->fs->inodes; ip; ip = ip->next) {
        int e = ext2_pcache_writeback_locked(s, ip);
        r = r ? r : e;
    }
    return r;
}

void ext2_pcache_drop_locked(struct ext2_inode *ip)
{
    while (ip->pages) {
        struct ext2_page *p = ip->pages;
        ip->pages = p->next;
        frame_put(p->frame);
        kfree(p);
    }
}
