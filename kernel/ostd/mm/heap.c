// SPDX-License-Identifier: MPL-2.0
// Kernel heap: one-page slabs per power-of-two size class, buddy blocks for large objects.
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <ostd/sync.h>
#include <lib/string.h>
#include "frame_internal.h"
#include "heap_internal.h"
#include "../internal.h"

#define MIN_SHIFT   4
#define NCLASSES    8           /* 16 .. 2048 bytes */
#define FRAME_LARGE 1
#define FRAME_SLAB  2

struct slab {
    struct list_head node;      /* in its class's partial list; guarded by class lock */
    void *free;                 /* free-object list; guarded by class lock */
    uint16_t inuse, capacity;
    uint8_t cls;
};

struct size_class {
    spinlock_t lock;
    struct list_head partial;   /* slabs with free objects; guarded by lock */
};

static struct size_class classes[NCLASSES];
static struct heap_stats stats;  /* guarded by stats_lock */
static spinlock_t stats_lock = SPINLOCK_INIT("heap stats");

#define SLAB_HDR 64   /* header size, keeps objects 16-byte aligned */

void heap_init(void)
{
    for (int i = 0; i < NCLASSES; i++) {
        spin_init(&classes[i].lock, "heap class");
        list_init(&classes[i].partial);
    }
}

static int class_of(size_t size)
{
    int c = 0;
    while ((1UL << (c + MIN_SHIFT)) < size)
        c++;
    return c;
}

static struct slab *slab_new(int cls)
{
    struct frame *f = frame_alloc(0);
    if (!f)
        return NULL;
    struct slab *s = frame_virt(f);
    size_t osz = 1UL << (cls + MIN_SHIFT);
    s->cls = (uint8_t)cls;
    s->inuse = 0;
    s->capacity = (uint16_t)((PAGE_SIZE - SLAB_HDR) / osz);
    s->free = NULL;
    for (int i = s->capacity - 1; i >= 0; i--) {
        void **obj = (void **)((char *)s + SLAB_HDR + (size_t)i * osz);
        *obj = s->free;
        s->free = obj;
    }
    f->flags = FRAME_SLAB;
    f->owner = s;
    return s;
}

static void stat_add(long bytes, long allocs, long pages)
{
    unsigned long fl = spin_lock_irqsave(&stats_lock);
    stats.bytes_in_use += bytes;
    stats.allocations += allocs;
    stats.pages += pages;
    spin_unlock_irqrestore(&stats_lock, fl);
}

static void *large_alloc(size_t size)
{
    if (size > (PAGE_SIZE << 10))
        return NULL;           /* checked first: the order loop below must not wrap */
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    struct frame *f = frame_alloc_order(order, 0);
    if (!f)
        return NULL;
    f->flags = FRAME_LARGE;
    stat_add((long)(PAGE_SIZE << order), 1, 1L << order);
    return frame_virt(f);
}

void *heap_raw_alloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > (1UL << (NCLASSES - 1 + MIN_SHIFT)))
        return large_alloc(size);
    int cls = class_of(size);
    struct size_class *sc = &classes[cls];
    unsigned long fl = spin_lock_irqsave(&sc->lock);
    struct slab *s;
    if (list_empty(&sc->partial)) {
        s = slab_new(cls);
        if (!s) {
            spin_unlock_irqrestore(&sc->lock, fl);
            return NULL;
        }
        list_add(&s->node, &sc->partial);
        stat_add(0, 0, 1);
    }
    s = list_first_entry(&sc->partial, struct slab, node);
    void **obj = s->free;
    s->free = *obj;
    if (++s->inuse == s->capacity)
        list_del(&s->node);
    spin_unlock_irqrestore(&sc->lock, fl);
    stat_add((long)(1UL << (cls + MIN_SHIFT)), 1, 0);
    return obj;
}

/* The public entry points; debug builds wrap every object in redzones (heap_debug.c). */
static void *alloc_from(size_t size, uint64_t caller)
{
#ifdef CONFIG_DEBUG_HEAP
    return heap_debug_alloc(size, caller);
#else
    (void)caller;
    return heap_raw_alloc(size);
#endif
}

void *kmalloc(size_t size)
{
    return alloc_from(size, (uint64_t)(uintptr_t)__builtin_return_address(0));
}

static void *zalloc_from(size_t size, uint64_t caller)
{
    void *p = alloc_from(size, caller);
    if (p)
        memset(p, 0, size);
    return p;
}

void *kzalloc(size_t size)
{
    return zalloc_from(size, (uint64_t)(uintptr_t)__builtin_return_address(0));
}

void *kcalloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return zalloc_from(n * size, (uint64_t)(uintptr_t)__builtin_return_address(0));
}

static struct frame *heap_frame(const void *p)
{
    uint64_t pa = virt_to_phys(p);
    if ((pa >> PAGE_SHIFT) >= max_pfn)
        panic("kfree/ksize of a non-heap pointer %p", p);
    return frame_of_paddr(pa);
}

size_t heap_raw_usable(const void *p)
{
    struct frame *f = heap_frame(p);
    if (f->flags == FRAME_LARGE)
        return PAGE_SIZE << f->order;
    BUG_ON(f->flags != FRAME_SLAB);
    return 1UL << (((struct slab *)f->owner)->cls + MIN_SHIFT);
}

bool heap_raw_is_object(const void *p)
{
    uint64_t pa = virt_to_phys(p);
    if ((pa >> PAGE_SHIFT) >= max_pfn)
        return false;
    struct frame *f = frame_of_paddr(pa);
    if (f->flags == FRAME_LARGE)
        return (pa & (PAGE_SIZE - 1)) == 0;
    if (f->flags != FRAME_SLAB)
        return false;
    const struct slab *s = f->owner;
    size_t off = (size_t)((uintptr_t)p - (uintptr_t)s);
    size_t osz = 1UL << (s->cls + MIN_SHIFT);
    return off >= SLAB_HDR && (off - SLAB_HDR) % osz == 0 && (off - SLAB_HDR) / osz < s->capacity;
}

size_t ksize(const void *p)
{
#ifdef CONFIG_DEBUG_HEAP
    if (!((uintptr_t)p & (PAGE_SIZE - 1)))
        return heap_raw_usable(p);      /* an undecorated largest block */
    return heap_debug_size(p);
#else
    return heap_raw_usable(p);
#endif
}

void kfree(void *p)
{
    if (!p)
        return;
#ifdef CONFIG_DEBUG_HEAP
    if (!((uintptr_t)p & (PAGE_SIZE - 1)))
        heap_raw_free(p);               /* an undecorated largest block */
    else
        heap_debug_free(p, (uint64_t)(uintptr_t)__builtin_return_address(0));
#else
    heap_raw_free(p);
#endif
}

void heap_raw_free(void *p)
{
    struct frame *f = heap_frame(p);
    if (f->flags == FRAME_LARGE) {
        stat_add(-(long)(PAGE_SIZE << f->order), -1, -(1L << f->order));
        f->flags = 0;
        frame_free_order(f, f->order);
        return;
    }
    if (f->flags != FRAME_SLAB)
        panic("kfree of a pointer not from the heap: %p", p);
    struct slab *s = f->owner;
    struct size_class *sc = &classes[s->cls];
    size_t osz = 1UL << (s->cls + MIN_SHIFT);
    if (((uintptr_t)p - (uintptr_t)s - SLAB_HDR) % osz)
        panic("kfree of a misaligned pointer %p", p);
    unsigned long fl = spin_lock_irqsave(&sc->lock);
    if (s->inuse == s->capacity)
        list_add(&s->node, &sc->partial);
    *(void **)p = s->free;
    s->free = p;
    bool empty = --s->inuse == 0;
    bool release = empty && sc->partial.next != sc->partial.prev;   /* keep one slab cached */
    if (release)
        list_del(&s->node);
    spin_unlock_irqrestore(&sc->lock, fl);
    stat_add(-(long)osz, -1, release ? -1 : 0);
    if (release) {
        f->flags = 0;
        f->owner = NULL;
        frame_put(f);
    }
}

void heap_raw_for_each_object(void (*fn)(void *raw, void *ctx), void *ctx)
{
    for (uint64_t pfn = 0; pfn < max_pfn; pfn++) {
        struct frame *f = &frame_table[pfn];
        uint16_t flags = __atomic_load_n(&f->flags, __ATOMIC_ACQUIRE);
        if (flags == FRAME_LARGE) {
            fn(frame_virt(f), ctx);
        } else if (flags == FRAME_SLAB) {
            struct slab *s = frame_virt(f);
            size_t osz = 1UL << (s->cls % NCLASSES + MIN_SHIFT);
            for (size_t i = 0; i < (PAGE_SIZE - SLAB_HDR) / osz; i++)
                fn((char *)s + SLAB_HDR + i * osz, ctx);
        }
    }
}

void heap_get_stats(struct heap_stats *st)
{
    unsigned long fl = spin_lock_irqsave(&stats_lock);
    *st = stats;
    spin_unlock_irqrestore(&stats_lock, fl);
}
