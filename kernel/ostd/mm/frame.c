// SPDX-License-Identifier: MPL-2.0
// Physical frame allocator: buddy bookkeeping (lib/buddy) plus a per-frame descriptor array.
#include <ostd/frame.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/sync.h>
#include <lib/bootinfo.h>
#include <lib/buddy.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "../arch/x86_64/mmu.h"
#include "../internal.h"
#include "frame_internal.h"

extern char __kernel_phys_start[], __kernel_phys_end[];

struct frame *frame_table;          /* one per PFN below max_pfn */
uint64_t max_pfn;
static struct buddy buddy;           /* guarded by frame_lock */
static spinlock_t frame_lock = SPINLOCK_INIT("frames");
static uint64_t total_frames;

static bool range_overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    return a0 < b1 && b0 < a1;
}

/* Reserved ranges that must never be handed out. */
struct range { uint64_t start, end; };
static struct range reserved[8 + BOOT_MAX_MODULES];
static unsigned nreserved;

static void reserve(uint64_t start, uint64_t end)
{
    if (nreserved < ARRAY_SIZE(reserved) && end > start)
        reserved[nreserved++] = (struct range){ ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(end, PAGE_SIZE) };
}

static void collect_reserved(const struct boot_info *bi, uint64_t meta_start, uint64_t meta_end)
{
    reserve(0, 0x100000);    /* real-mode area, BIOS data, AP trampoline */
    reserve((uint64_t)(uintptr_t)__kernel_phys_start, (uint64_t)(uintptr_t)__kernel_phys_end);
    reserve(bi->info_start, bi->info_end);
    reserve(meta_start, meta_end);
    for (uint32_t i = 0; i < bi->nmodules; i++)
        reserve(bi->modules[i].start, bi->modules[i].end);
}

/* Add [start, end) minus the reserved ranges to the buddy allocator. */
static void add_free(uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < nreserved; i++) {
        if (range_overlaps(start, end, reserved[i].start, reserved[i].end)) {
            if (start < reserved[i].start)
                add_free(start, reserved[i].start);
            if (reserved[i].end < end)
                add_free(reserved[i].end, end);
            return;
        }
    }
    if (end > start) {
        if (buddy_add_free_range(&buddy, start >> PAGE_SHIFT, (end - start) >> PAGE_SHIFT) < 0)
            panic("frame allocator rejected [%#lx, %#lx)", start, end);
        total_frames += (end - start) >> PAGE_SHIFT;
    }
}

static uint64_t find_meta_space(const struct boot_info *bi, uint64_t bytes)
{
    uint64_t kend = ALIGN_UP((uint64_t)(uintptr_t)__kernel_phys_end, PAGE_SIZE);
    for (uint32_t i = 0; i < bi->nregions; i++) {
        const struct boot_mem_region *r = &bi->regions[i];
        if (r->type != BOOT_MEM_USABLE)
            continue;
        uint64_t s = MAX(ALIGN_UP(r->base, PAGE_SIZE), MAX(kend, 0x100000UL));
        uint64_t e = r->base + r->len;
        for (uint32_t m = 0; m < bi->nmodules; m++)
            if (range_overlaps(s, s + bytes, bi->modules[m].start, bi->modules[m].end))
                s = ALIGN_UP(bi->modules[m].end, PAGE_SIZE);
        if (range_overlaps(s, s + bytes, bi->info_start, bi->info_end))
            s = ALIGN_UP(bi->info_end, PAGE_SIZE);
        if (s + bytes <= e && s + bytes <= physmap_limit)
            return s;
    }
    panic("no room for the frame table (%lu bytes)", bytes);
}

void frame_init(const struct boot_info *bi)
{
    for (uint32_t i = 0; i < bi->nregions; i++)
        if (bi->regions[i].type == BOOT_MEM_USABLE)
            max_pfn = MAX(max_pfn, (bi->regions[i].base + bi->regions[i].len) >> PAGE_SHIFT);
    uint64_t table_bytes = ALIGN_UP(max_pfn * sizeof(struct frame), 64);
    uint64_t meta_bytes = ALIGN_UP(table_bytes + buddy_meta_size(max_pfn), PAGE_SIZE);
    uint64_t meta = find_meta_space(bi, meta_bytes);
    frame_table = phys_to_virt(meta);
    memset(frame_table, 0, meta_bytes);
    if (buddy_init(&buddy, (uint8_t *)frame_table + table_bytes, buddy_meta_size(max_pfn), max_pfn) < 0)
        panic("frame allocator: cannot manage %lu frames", max_pfn);
    collect_reserved(bi, meta, meta + meta_bytes);
    for (uint32_t i = 0; i < bi->nregions; i++)
        if (bi->regions[i].type == BOOT_MEM_USABLE)
            add_free(bi->regions[i].base, bi->regions[i].base + bi->regions[i].len);
    printk("mm: %lu frames free of %lu max pfn, frame table %lu KiB\n",
           total_frames, max_pfn, meta_bytes >> 10);
}

/* Return a boot-reserved range (modules) to the allocator. */
void frame_release_range(uint64_t start, uint64_t end)
{
    start = ALIGN_UP(start, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    if (end <= start || (end >> PAGE_SHIFT) > max_pfn)
        return;
    unsigned long f = spin_lock_irqsave(&frame_lock);
    if (buddy_add_free_range(&buddy, start >> PAGE_SHIFT, (end - start) >> PAGE_SHIFT) == 0)
        total_frames += (end - start) >> PAGE_SHIFT;
    spin_unlock_irqrestore(&frame_lock, f);
}

/* Allocate 2^order contiguous frames; returns the first descriptor (refcount 1) or NULL. */
struct frame *frame_alloc_order(unsigned order, unsigned flags)
{
    unsigned long f = spin_lock_irqsave(&frame_lock);
    int64_t pfn = buddy_alloc(&buddy, order);
    spin_unlock_irqrestore(&frame_lock, f);
    if (pfn < 0)
        return NULL;
    struct frame *fr = &frame_table[pfn];
    for (uint64_t i = 0; i < (1UL << order); i++) {
        fr[i].refcount = 1;
        fr[i].flags = 0;
        fr[i].owner = NULL;
    }
    fr->order = (uint8_t)order;
    if (flags & FRAME_ZERO)
        memset(frame_virt(fr), 0, PAGE_SIZE << order);
    return fr;
}

void frame_free_order(struct frame *fr, unsigned order)
{
    uint64_t pfn = frame_pfn(fr);
    for (uint64_t i = 0; i < (1UL << order); i++)
        fr[i].refcount = 0;
    unsigned long f = spin_lock_irqsave(&frame_lock);
    int r = buddy_free(&buddy, pfn, order);
    spin_unlock_irqrestore(&frame_lock, f);
    if (r < 0)
        panic("frame allocator: bad free of pfn %#lx order %u (%d)", pfn, order, r);
}

struct frame *frame_alloc(unsigned flags) { return frame_alloc_order(0, flags); }

void frame_get(struct frame *f)
{
    uint32_t old = __atomic_fetch_add(&f->refcount, 1, __ATOMIC_RELAXED);
    BUG_ON(old == 0);
}

void frame_put(struct frame *f)
{
    uint32_t old = __atomic_fetch_sub(&f->refcount, 1, __ATOMIC_ACQ_REL);
    BUG_ON(old == 0);
    if (old == 1) {
        uint64_t pfn = frame_pfn(f);
        unsigned long fl = spin_lock_irqsave(&frame_lock);
        int r = buddy_free(&buddy, pfn, 0);
        spin_unlock_irqrestore(&frame_lock, fl);
        if (r < 0)
            panic("frame_put: bad free of pfn %#lx (%d)", pfn, r);
    }
}

unsigned frame_refcount(const struct frame *f) { return __atomic_load_n(&f->refcount, __ATOMIC_RELAXED); }

int frame_read(const struct frame *f, size_t off, void *buf, size_t len)
{
    if (off > PAGE_SIZE || len > PAGE_SIZE - off)
        return -EINVAL;
    memcpy(buf, (const uint8_t *)frame_virt(f) + off, len);
    return 0;
}

int frame_write(struct frame *f, size_t off, const void *buf, size_t len)
{
    if (off > PAGE_SIZE || len > PAGE_SIZE - off)
        return -EINVAL;
    memcpy((uint8_t *)frame_virt(f) + off, buf, len);
    return 0;
}

void frame_zero(struct frame *f) { memset(frame_virt(f), 0, PAGE_SIZE); }
void frame_copy(struct frame *dst, const struct frame *src) { memcpy(frame_virt(dst), frame_virt(src), PAGE_SIZE); }

void frame_get_stats(struct frame_stats *st)
{
    unsigned long f = spin_lock_irqsave(&frame_lock);
    st->total = total_frames;
    st->free = buddy_free_count(&buddy);
    spin_unlock_irqrestore(&frame_lock, f);
}
