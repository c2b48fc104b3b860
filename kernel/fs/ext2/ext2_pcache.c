// SPDX-License-Identifier: MPL-2.0
// ext2 VFS glue: the page cache of regular files (read, write, mmap's get_page, truncate) with read-ahead.
#include <ostd/heap.h>
#include <ostd/frame.h>
#include <ostd/sync.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "mm/shrink.h"
#include "fs/ext2/ext2_vfs.h"
#include "fs/ext2/ext2_pcache.h"

#define PG EXT2_PC_PAGE

uint64_t ext2_pc_pages, ext2_pc_dirty;
static uint64_t ext2_pc_clock;      /* atomic */

static uint32_t hash_of(const struct ext2_pcache *pc, uint64_t idx)
{
    return (uint32_t)((idx * 0x9e3779b97f4a7c15ull) >> 32) & (pc->nbucket - 1);
}

struct ext2_page *ext2_pc_find_locked(struct ext2_inode *ip, uint64_t idx)
{
    struct ext2_pcache *pc = ip->pages;
    if (!pc || !pc->nbucket)
        return NULL;
    for (struct ext2_page *p = pc->bucket[hash_of(pc, idx)]; p; p = p->hnext)
        if (p->idx == idx)
            return p;
    return NULL;
}

void ext2_pc_set_dirty_locked(struct ext2_inode *ip, struct ext2_page *p, bool dirty)
{
    if (p->dirty == dirty)
        return;
    p->dirty = dirty;
    ip->pages->ndirty += dirty ? 1 : (uint64_t)-1;
    if (dirty)
        atomic_add(&ext2_pc_dirty, 1);
    else
        atomic_sub(&ext2_pc_dirty, 1);
}

/* Double the hash table (or make the first one); on -ENOMEM the old one stays, only slower. */
static void grow_locked(struct ext2_pcache *pc)
{
    uint32_t n = pc->nbucket ? pc->nbucket * 2 : 16;
    struct ext2_page **nb = kcalloc(n, sizeof(*nb));
    if (!nb)
        return;
    for (uint32_t i = 0; i < pc->nbucket; i++)
        while (pc->bucket[i]) {
            struct ext2_page *p = pc->bucket[i];
            pc->bucket[i] = p->hnext;
            uint32_t h = (uint32_t)((p->idx * 0x9e3779b97f4a7c15ull) >> 32) & (n - 1);
            p->hnext = nb[h];
            nb[h] = p;
        }
    kfree(pc->bucket);
    pc->bucket = nb;
    pc->nbucket = n;
}

/*
 * A frame for the cache. Below a low watermark of free frames (1/32 of
 * memory, at least 4 MiB) the cache first gives back its own least recently
 * used clean pages, so that it never starves the heap and user memory.
 */
static struct frame *alloc_frame_locked(struct ext2_sbi *s)
{
    struct frame_stats st;
    frame_get_stats(&st);
    if (st.free < MAX(st.total / 32, (uint64_t)1024) && !ext2_pcache_shrink_locked(s, 64))
        (void)mm_shrink(64);    /* other file systems' caches (this one's lock is held: skipped) */
    struct frame *f = frame_alloc(0);
    if (!f && (ext2_pcache_shrink_locked(s, 64) || mm_shrink(64)))
        f = frame_alloc(0);
    return f;
}

/* Cache page idx of ip with data (one page; NULL: zeros). */
static int add_page_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t idx, const uint8_t *data,
                           struct ext2_page **out)
{
    if (!ip->pages && !(ip->pages = kzalloc(sizeof(struct ext2_pcache))))
        return -ENOMEM;
    struct ext2_pcache *pc = ip->pages;
    if (pc->count >= 2ull * pc->nbucket)
        grow_locked(pc);
    struct ext2_page *p = pc->nbucket ? kzalloc(sizeof(*p)) : NULL;
    struct frame *f = p ? alloc_frame_locked(s) : NULL;
    int r = !f ? -ENOMEM : data ? frame_write(f, 0, data, PG) : 0;
    if (f && !data)
        frame_zero(f);
    if (r || !f) {
        if (f)
            frame_put(f);
        kfree(p);
        return r ? r : -ENOMEM;
    }
    uint32_t h = hash_of(pc, idx);
    *p = (struct ext2_page){ .idx = idx, .frame = f, .used = atomic_add(&ext2_pc_clock, 1), .hnext = pc->bucket[h] };
    pc->bucket[h] = p;
    pc->count++;
    atomic_add(&ext2_pc_pages, 1);
    if (out)
        *out = p;
    return 0;
}

/* Flush a run of n contiguous disk blocks from pblk into dst. */
static int read_run(struct ext2_fs *fs, uint32_t pblk, uint32_t n, uint8_t *dst)
{
    return n ? ext2_read_blocks(fs, pblk, n, dst) : 0;
}

/* File bytes [off, off + len) (block aligned) into buf: holes and bytes past size as zeros, runs in one request. */
static int read_range_locked(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t off, uint8_t *buf, size_t len)
{
    uint64_t size = ext2_isize(ip), first = off / fs->bs, end = (off + len) / fs->bs;
    uint64_t inblk = (size + fs->bs - 1) / fs->bs;
    uint32_t run_start = 0, run_n = 0;
    uint8_t *run_dst = buf;
    int r = 0;
    for (uint64_t b = first; b < end && !r; b++) {
        uint8_t *dst = buf + (b - first) * fs->bs;
        uint32_t pblk = 0;
        if (b < inblk)
            r = ext2_bmap(fs, ip, b, false, &pblk);
        if (r)
            break;
        if (run_n && pblk == run_start + run_n) {
            run_n++;
            continue;
        }
        r = read_run(fs, run_start, run_n, run_dst);
        run_start = pblk, run_n = pblk ? 1 : 0, run_dst = dst;
        if (!pblk)
            memset(dst, 0, fs->bs);
    }
    r = r ? r : read_run(fs, run_start, run_n, run_dst);
    if (!r && size < off + len && size >= off)
        memset(buf + (size - off), 0, (size_t)(off + len - size));
    return r;
}

/* Cache pages idx.. (at most n, stopping before a cached page or EOF) read from the disk together. */
static int fill_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t idx, uint32_t n)
{
    uint64_t last = (ext2_isize(ip) + PG - 1) / PG;
    uint32_t k = 0;
    while (k < n && k < EXT2_RA_MAX && idx + k < last && !ext2_pc_find_locked(ip, idx + k))
        k++;
    if (!k)
        return 0;
    uint8_t *buf = kmalloc((size_t)k * PG);
    if (!buf && k > 1)
        buf = kmalloc((size_t)(k = 1) * PG);   /* memory is short or fragmented: no read-ahead */
    if (!buf)
        return -ENOMEM;
    int r = read_range_locked(s->fs, ip, idx * PG, buf, (size_t)k * PG);
    for (uint32_t i = 0; i < k && !r; i++)
        r = add_page_locked(s, ip, idx + i, buf + (size_t)i * PG, NULL);
    kfree(buf);
    return r;
}

int ext2_pcache_fill_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t idx, uint32_t n)
{
    return s->dead ? -EIO : fill_locked(s, ip, idx, n);
}

/* Page idx, read from the disk with up to n - 1 following ones when missing. */
static int page_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t idx, uint32_t n, struct ext2_page **out)
{
    struct ext2_page *p = ext2_pc_find_locked(ip, idx);
    int r = 0;
    /* Under memory pressure a fill may evict its own first pages to make room for later ones: retry smaller. */
    for (int i = 0; !p && !r && i < 3; i++, n = 1) {
        r = fill_locked(s, ip, idx, n ? n : 1);
        p = r ? NULL : ext2_pc_find_locked(ip, idx);
    }
    if (!r && !p)
        r = -ENOMEM;
    if (!r) {
        p->used = atomic_add(&ext2_pc_clock, 1);
        *out = p;
    }
    return r;
}

int ext2_get_page(struct inode *v, uint64_t idx, struct frame **out)
{
    struct ext2_sbi *s = EXT2_SBI(v);
    struct ext2_inode *ip = EXT2_I(v);
    mutex_lock(&s->lock);
    uint64_t size = ext2_isize(ip);
    int r = s->dead ? -EIO : idx >= (size + PG - 1) / PG ? -ENXIO : 0;
    struct ext2_page *p = NULL;
    if (!r)
        r = page_locked(s, ip, idx, 1, &p);
    if (!r) {
        p->mapped = true;
        frame_get(p->frame);
        *out = p->frame;
    }
    mutex_unlock(&s->lock);
    return r;
}

/* The read-ahead window for a read of pages [first, last]: grows while reads are sequential. */
static uint32_t ra_window(struct ext2_ra *ra, uint64_t first, uint64_t last)
{
    uint32_t want = (uint32_t)MIN(last - first + 1, (uint64_t)EXT2_RA_MAX);
    if (!ra)
        return want;
    bool seq = first == ra->next || (ra->next && first == ra->next - 1);
    if (ra->win == EXT2_RA_OFF)
        ra->next = last + 1;
    else if (!seq)
        ra->win = 0, ra->next = last + 1;
    else
        ra->win = ra->win ? MIN(ra->win * 2, EXT2_RA_MAX) : EXT2_RA_MIN, ra->next = last + 1;
    return ra->win == EXT2_RA_OFF ? want : MAX(want, ra->win);
}

long ext2_pcache_read_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t off, uint8_t *buf, size_t len,
                             struct ext2_ra *ra)
{
    uint64_t size = ext2_isize(ip);
    if (off >= size || len == 0)
        return 0;
    len = (size_t)MIN((uint64_t)len, size - off);
    uint64_t first = off / PG, last = (off + len - 1) / PG;
    uint32_t win = ra_window(ra, first, last);
    size_t done = 0;
    int r = 0;
    for (uint64_t idx = first; idx <= last && !r; idx++) {
        struct ext2_page *p;
        r = page_locked(s, ip, idx, (uint32_t)MAX((uint64_t)win, last - idx + 1), &p);
        uint64_t a = MAX(idx * PG, off), b = MIN(idx * PG + PG, off + len);
        r = r ? r : frame_read(p->frame, a - idx * PG, buf + (a - off), b - a);
        if (!r)
            done += b - a;
    }
    return done ? (long)done : r;
}

/* Allocate the blocks under file bytes [pos, pos + n); returns the bytes now backed (from pos) or -errno. */
static long alloc_blocks_locked(struct ext2_fs *fs, struct ext2_inode *ip, uint64_t pos, size_t n)
{
    for (uint64_t b = pos / fs->bs; b * fs->bs < pos + n; b++) {
        uint32_t pblk;
        int r = ext2_bmap(fs, ip, b, true, &pblk);
        if (r)
            return b * fs->bs > pos ? (long)(b * fs->bs - pos) : r;
    }
    return (long)n;
}

/* Copy n bytes at pos (within one page) into the cache, reading the page first unless it is all new. */
static int write_page_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t pos, const uint8_t *src, size_t n,
                             uint64_t old_size)
{
    uint64_t idx = pos / PG;
    struct ext2_page *p = ext2_pc_find_locked(ip, idx);
    int r = 0;
    if (!p && ((pos % PG == 0 && n == PG) || idx * PG >= old_size))
        r = add_page_locked(s, ip, idx, NULL, &p);
    else if (!p)
        r = page_locked(s, ip, idx, 1, &p);
    r = r ? r : frame_write(p->frame, pos % PG, src, n);
    if (!r) {
        ext2_pc_set_dirty_locked(ip, p, true);
        p->used = atomic_add(&ext2_pc_clock, 1);
    }
    return r;
}

long ext2_pcache_write_locked(struct ext2_sbi *s, struct ext2_inode *ip, uint64_t off, const uint8_t *buf,
                              size_t len)
{
    struct ext2_fs *fs = s->fs;
    uint64_t max = ext2_max_size(fs), size = ext2_isize(ip);
    if (fs->rdonly)
        return -EROFS;
    if (off >= max)
        return len ? -EFBIG : 0;
    len = (size_t)MIN((uint64_t)len, max - off);
    size_t done = 0;
    long r = 0;
    while (done < len) {
        uint64_t pos = off + done;
        size_t n = (size_t)MIN((uint64_t)(PG - pos % PG), (uint64_t)(len - done));
        r = alloc_blocks_locked(fs, ip, pos, n);
        long ok = r;
        r = r > 0 ? write_page_locked(s, ip, pos, buf + done, (size_t)ok, size) : r;
        if (r)
            break;
        done += (size_t)ok;
        if ((size_t)ok < n)
            break;
    }
    return ext2_write_end(fs, ip, off, done, r);
}

static void free_page_locked(struct ext2_inode *ip, struct ext2_page *p)
{
    ext2_pc_set_dirty_locked(ip, p, false);
    ip->pages->count--;
    atomic_sub(&ext2_pc_pages, 1);
    frame_put(p->frame);
    kfree(p);
}

void ext2_pcache_truncate_locked(struct ext2_inode *ip, uint64_t size)
{
    struct ext2_pcache *pc = ip->pages;
    for (uint32_t i = 0; pc && i < pc->nbucket; i++) {
        struct ext2_page **pp = &pc->bucket[i];
        while (*pp) {
            struct ext2_page *p = *pp;
            uint64_t ps = p->idx * PG;
            if (ps >= size) {
                /* Mappings no longer hold it: inode_setsize unmapped it (mm_unmap_file_tail). */
                *pp = p->hnext;
                free_page_locked(ip, p);
                continue;
            }
            if (size < ps + PG) {
                uint8_t zero[256] = { 0 };
                uint64_t o = size - ps;
                while (o < PG && !frame_write(p->frame, o, zero, MIN((uint64_t)sizeof(zero), PG - o)))
                    o += MIN((uint64_t)sizeof(zero), PG - o);
            }
            pp = &p->hnext;
        }
    }
}

void ext2_pcache_drop_locked(struct ext2_inode *ip)
{
    ext2_pcache_truncate_locked(ip, 0);
    if (ip->pages) {
        kfree(ip->pages->bucket);
        kfree(ip->pages);
        ip->pages = NULL;
    }
}

/* Evict clean pages of ip nobody maps, used before stamp `before`; returns how many (at most want). */
static uint64_t shrink_inode_locked(struct ext2_inode *ip, uint64_t want, uint64_t before)
{
    struct ext2_pcache *pc = ip->pages;
    uint64_t n = 0;
    for (uint32_t i = 0; pc && i < pc->nbucket && n < want; i++) {
        struct ext2_page **pp = &pc->bucket[i];
        while (*pp && n < want) {
            struct ext2_page *p = *pp;
            if (p->dirty || p->mapped || p->used >= before || frame_refcount(p->frame) != 1) {
                pp = &p->hnext;
                continue;
            }
            *pp = p->hnext;
            free_page_locked(ip, p);
            n++;
        }
    }
    return n;
}

void ext2_pcache_evict_range_locked(struct ext2_inode *ip, uint64_t first, uint64_t end)
{
    struct ext2_pcache *pc = ip->pages;
    for (uint32_t i = 0; pc && i < pc->nbucket; i++) {
        struct ext2_page **pp = &pc->bucket[i];
        while (*pp) {
            struct ext2_page *p = *pp;
            if (p->idx < first || p->idx >= end || p->dirty || p->mapped || frame_refcount(p->frame) != 1) {
                pp = &p->hnext;
                continue;
            }
            *pp = p->hnext;
            free_page_locked(ip, p);
        }
    }
}

uint64_t ext2_pcache_shrink_locked(struct ext2_sbi *s, uint64_t want)
{
    if (s->dead || !s->fs)
        return 0;
    uint64_t clock = atomic_load(&ext2_pc_clock), pages = atomic_load(&ext2_pc_pages), n = 0;
    uint64_t old = clock > pages / 2 ? clock - pages / 2 : 0;   /* the older half first: LRU-ish */
    for (int pass = 0; pass < 2 && n < want; pass++)
        for (struct ext2_inode *ip = s->fs->inodes; ip && n < want; ip = ip->next)
            n += shrink_inode_locked(ip, want - n, pass ? UINT64_MAX : old);
    return n;
}
