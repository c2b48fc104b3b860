// SPDX-License-Identifier: MPL-2.0
// ext2 VFS glue: page-cache write-back, dirty pages in block order batched into multi-block requests.
#include <ostd/heap.h>
#include <ostd/frame.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "fs/ext2/ext2_vfs.h"
#include "fs/ext2/ext2_pcache.h"

#define PG EXT2_PC_PAGE
#define RUN_BYTES (EXT2_RA_MAX * PG)

/* A run of contiguous disk blocks being gathered for one write request. */
struct wb_run {
    uint8_t *buf;               /* cap bytes */
    size_t cap;                 /* RUN_BYTES, or one page when memory is short */
    uint32_t start, n;
};

static int run_flush(struct ext2_fs *fs, struct wb_run *w)
{
    int r = w->n ? ext2_write_blocks(fs, w->start, w->n, w->buf) : 0;
    w->n = 0;
    return r;
}

static int run_add(struct ext2_fs *fs, struct wb_run *w, uint32_t pblk, const uint8_t *data)
{
    int r = 0;
    if (w->n && (pblk != w->start + w->n || (size_t)(w->n + 1) * fs->bs > w->cap))
        r = run_flush(fs, w);
    if (r)
        return r;
    if (!w->n)
        w->start = pblk;
    memcpy(w->buf + (size_t)w->n * fs->bs, data, fs->bs);
    w->n++;
    return 0;
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* Queue the blocks of page p (its bytes in mem, zeroed past EOF) that lie inside the file. */
static int queue_page_locked(struct ext2_fs *fs, struct ext2_inode *ip, struct ext2_page *p, uint8_t *mem,
                             struct wb_run *w)
{
    uint64_t size = ext2_isize(ip), inblk = (size + fs->bs - 1) / fs->bs;
    uint64_t b0 = p->idx * PG / fs->bs;
    int r = 0;
    for (uint32_t j = 0; j < PG / fs->bs && b0 + j < inblk && !r; j++) {
        uint8_t *data = mem + (size_t)j * fs->bs;
        uint32_t pblk;
        r = ext2_bmap(fs, ip, b0 + j, false, &pblk);
        if (!r && !pblk && !all_zero(data, fs->bs))     /* a store through a mapping into a hole */
            r = ext2_bmap(fs, ip, b0 + j, true, &pblk);
        if (!r && pblk)
            r = run_add(fs, w, pblk, data);
    }
    return r;
}

/* Write page p back if it is dirty, or mapped and changed from the disk. mem, disk: one page each. */
static int writeback_page_locked(struct ext2_fs *fs, struct ext2_inode *ip, struct ext2_page *p, uint8_t *mem,
                                 uint8_t *disk, struct wb_run *w)
{
    uint64_t off = p->idx * PG, size = ext2_isize(ip);
    bool only_mapped = !p->dirty;
    if (frame_refcount(p->frame) == 1)
        p->mapped = false;      /* nobody can store to it any more once this write-back has it */
    if (off >= size) {
        ext2_pc_set_dirty_locked(ip, p, false);
        return 0;
    }
    size_t n = (size_t)MIN((uint64_t)PG, size - off);
    int r = frame_read(p->frame, 0, mem, PG);
    if (r)
        return r;
    memset(mem + n, 0, PG - n);
    if (only_mapped) {
        long d = ext2_read(fs, ip, off, disk, n);
        if (d < 0)
            return (int)d;
        if ((size_t)d == n && !memcmp(mem, disk, n))
            return 0;
    }
    /* FIXME: a page whose write fails is not marked dirty again (its data is lost, as the error says). */
    ext2_pc_set_dirty_locked(ip, p, false);
    return queue_page_locked(fs, ip, p, mem, w);
}

/* Sort pages by index (heap sort: no recursion, no extra memory). */
static void sort_pages(struct ext2_page **a, size_t n)
{
    for (size_t k = n; k-- > 0;)
        for (size_t i = k, c; (c = 2 * i + 1) < n; i = c) {
            if (c + 1 < n && a[c + 1]->idx > a[c]->idx)
                c++;
            if (a[i]->idx >= a[c]->idx)
                break;
            struct ext2_page *t = a[i]; a[i] = a[c]; a[c] = t;
        }
    for (size_t end = n; end-- > 1;) {
        struct ext2_page *t = a[0]; a[0] = a[end]; a[end] = t;
        for (size_t i = 0, c; (c = 2 * i + 1) < end; i = c) {
            if (c + 1 < end && a[c + 1]->idx > a[c]->idx)
                c++;
            if (a[i]->idx >= a[c]->idx)
                break;
            t = a[i]; a[i] = a[c]; a[c] = t;
        }
    }
}

/* The pages of ip to consider: dirty or mapped. *n their count. */
static struct ext2_page **collect_locked(struct ext2_pcache *pc, size_t *n)
{
    struct ext2_page **a = kcalloc(pc->count ? pc->count : 1, sizeof(*a));
    *n = 0;
    for (uint32_t i = 0; a && i < pc->nbucket; i++)
        for (struct ext2_page *p = pc->bucket[i]; p; p = p->hnext)
            if (p->dirty || p->mapped)
                a[(*n)++] = p;
    return a;
}

/* Memory is short (no room for the sorted list): write the pages in hash order. */
static int writeback_unsorted_locked(struct ext2_fs *fs, struct ext2_inode *ip, struct wb_run *w)
{
    struct ext2_pcache *pc = ip->pages;
    int r = 0;
    for (uint32_t i = 0; i < pc->nbucket && !r; i++)
        for (struct ext2_page *p = pc->bucket[i]; p && !r; p = p->hnext)
            if (p->dirty || p->mapped)
                r = writeback_page_locked(fs, ip, p, w->buf + w->cap, w->buf + w->cap + PG, w);
    return r;
}

int ext2_pcache_writeback_locked(struct ext2_sbi *s, struct ext2_inode *ip)
{
    struct ext2_pcache *pc = ip->pages;
    if (!pc || s->fs->rdonly || s->dead || !ip->d.i_links_count || !pc->count)
        return 0;
    size_t n = 0;
    struct ext2_page **a = collect_locked(pc, &n);
    if (a && !n) {
        kfree(a);
        return 0;
    }
    struct wb_run w = { .buf = kmalloc(RUN_BYTES + 2 * PG), .cap = RUN_BYTES };
    if (!w.buf)
        w = (struct wb_run){ .buf = kmalloc(3 * PG), .cap = PG };   /* memory is short: one page per request */
    int r = w.buf ? 0 : -ENOMEM;
    if (!r && a) {
        sort_pages(a, n);
        for (size_t i = 0; i < n && !r; i++)
            r = writeback_page_locked(s->fs, ip, a[i], w.buf + w.cap, w.buf + w.cap + PG, &w);
    } else if (!r) {
        r = writeback_unsorted_locked(s->fs, ip, &w);
    }
    int e = w.buf ? run_flush(s->fs, &w) : 0;
    r = r ? r : e;
    if (ip->priv)
        ext2_vnode_refresh(ip->priv, ip);
    kfree(w.buf);
    kfree(a);
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
