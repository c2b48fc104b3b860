// SPDX-License-Identifier: MPL-2.0
// KTESTs for the frame allocator: pool accounting, zeroing, refcounts, bounded access.
#include <ostd/ktest.h>
#include <ostd/frame.h>
#include <ostd/heap.h>
#include <ostd/task.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "frame_internal.h"
#include "heap_internal.h"

#define MS 1000000ULL

/* Let the previous test's task finish switching out (its stack goes back to the pool). */
static void settle(void) { task_sleep_ns(20 * MS); heap_quarantine_drain(); }

static uint64_t free_frames(void)
{
    struct frame_stats st;
    frame_get_stats(&st);
    return st.free;
}

KTEST(frame_alloc_free_returns_to_pool)
{
    settle();
    struct frame_stats st;
    frame_get_stats(&st);
    KT_ASSERT(st.total > 0);
    KT_ASSERT(st.free <= st.total);
    uint64_t start = st.free;
    struct frame *f[32];
    for (int i = 0; i < 32; i++) {
        f[i] = frame_alloc(0);
        KT_ASSERT(f[i] != NULL);
        KT_EQ(frame_refcount(f[i]), 1);
    }
    KT_EQ(free_frames(), start - 32);
    for (int i = 0; i < 32; i++)
        frame_put(f[i]);
    KT_EQ(free_frames(), start);
}

KTEST(frame_zero_flag_zeroes)
{
    /*
     * Allocate until we hold two buddies (pfn, pfn ^ 1); give the rest back,
     * then dirty one buddy and free it: it cannot coalesce, so it heads the
     * order-0 free list and is the next frame handed out.
     */
    enum { MAXF = 4096 };
    struct frame **f = kcalloc(MAXF, sizeof(*f));
    KT_ASSERT(f != NULL);
    int n = 0, victim = -1, buddy = -1;
    for (; n < MAXF && victim < 0; n++) {
        f[n] = frame_alloc(0);
        if (!f[n])
            break;
        for (int j = 0; j < n; j++)
            if (frame_pfn(f[j]) == (frame_pfn(f[n]) ^ 1)) {
                victim = n;
                buddy = j;
            }
    }
    for (int i = 0; i < n; i++)
        if (i != victim && i != buddy)
            frame_put(f[i]);
    KT_ASSERT(victim >= 0);
    struct frame *dirty = f[victim], *held = f[buddy];
    kfree(f);
    memset(frame_virt(dirty), 0xa5, PAGE_SIZE);
    uint64_t dirty_pfn = frame_pfn(dirty);
    frame_put(dirty);
    struct frame *z = frame_alloc(FRAME_ZERO);
    KT_ASSERT(z != NULL);
    const uint8_t *p = frame_virt(z);
    size_t nonzero = 0;
    for (size_t i = 0; i < PAGE_SIZE; i++)
        nonzero += p[i] != 0;
    bool reused = frame_pfn(z) == dirty_pfn;
    frame_put(z);
    frame_put(held);
    KT_ASSERT(reused);   /* else the test did not exercise zeroing of a dirty frame */
    KT_EQ(nonzero, 0);
}

KTEST(frame_zero_and_copy)
{
    struct frame *a = frame_alloc(0), *b = frame_alloc(0);
    KT_ASSERT(a && b);
    uint8_t buf[64];
    for (size_t i = 0; i < PAGE_SIZE; i += sizeof(buf)) {
        for (size_t j = 0; j < sizeof(buf); j++)
            buf[j] = (uint8_t)(i / 64 + j * 7);
        KT_EQ(frame_write(a, i, buf, sizeof(buf)), 0);
    }
    frame_copy(b, a);
    bool same = memcmp(frame_virt(a), frame_virt(b), PAGE_SIZE) == 0;
    frame_zero(a);
    const uint8_t *p = frame_virt(a);
    size_t nonzero = 0;
    for (size_t i = 0; i < PAGE_SIZE; i++)
        nonzero += p[i] != 0;
    uint8_t last;
    int r = frame_read(b, PAGE_SIZE - 1, &last, 1);
    frame_put(a);
    frame_put(b);
    KT_ASSERT(same);
    KT_EQ(nonzero, 0);
    KT_EQ(r, 0);
    KT_EQ(last, (uint8_t)((PAGE_SIZE - 64) / 64 + 63 * 7));
}

KTEST(frame_refcount_get_put)
{
    settle();
    uint64_t start = free_frames();
    struct frame *f = frame_alloc(0);
    KT_ASSERT(f != NULL);
    KT_EQ(frame_refcount(f), 1);
    frame_get(f);
    frame_get(f);
    KT_EQ(frame_refcount(f), 3);
    frame_put(f);
    KT_EQ(frame_refcount(f), 2);
    frame_put(f);
    KT_EQ(frame_refcount(f), 1);
    KT_EQ(free_frames(), start - 1);     /* still held: not back in the pool */
    frame_put(f);
    KT_EQ(free_frames(), start);         /* last reference: freed */
}

KTEST(frame_read_write_bounds)
{
    struct frame *f = frame_alloc(FRAME_ZERO);
    KT_ASSERT(f != NULL);
    uint8_t in[16], out[16];
    for (int i = 0; i < 16; i++)
        in[i] = (uint8_t)(0x40 + i);
    int r_ok_end = frame_write(f, PAGE_SIZE - 16, in, 16);
    int r_past = frame_write(f, PAGE_SIZE - 15, in, 16);
    int r_off = frame_write(f, PAGE_SIZE + 1, in, 0);
    int r_empty = frame_write(f, PAGE_SIZE, in, 0);
    int r_wrap = frame_write(f, 8, in, SIZE_MAX - 4);
    int r_read_past = frame_read(f, PAGE_SIZE - 8, out, 16);
    int r_read_huge = frame_read(f, SIZE_MAX, out, 1);
    memset(out, 0, sizeof(out));
    int r_read = frame_read(f, PAGE_SIZE - 16, out, 16);
    /* The rejected writes must not have touched the first bytes of the frame. */
    uint8_t head[16];
    int r_head = frame_read(f, 0, head, 16);
    frame_put(f);
    KT_EQ(r_ok_end, 0);
    KT_EQ(r_past, -EINVAL);
    KT_EQ(r_off, -EINVAL);
    KT_EQ(r_empty, 0);
    KT_EQ(r_wrap, -EINVAL);
    KT_EQ(r_read_past, -EINVAL);
    KT_EQ(r_read_huge, -EINVAL);
    KT_EQ(r_read, 0);
    KT_ASSERT(memcmp(in, out, 16) == 0);
    KT_EQ(r_head, 0);
    for (int i = 0; i < 16; i++)
        KT_EQ(head[i], 0);
}

#define NMANY 512

KTEST(frame_many_distinct)
{
    settle();
    uint64_t start = free_frames();
    struct frame **f = kcalloc(NMANY, sizeof(*f));
    KT_ASSERT(f != NULL);
    uint64_t after_array = free_frames();
    int n = 0;
    for (; n < NMANY; n++) {
        f[n] = frame_alloc(0);
        if (!f[n])
            break;
        uint64_t tag = 0xf00d000000000000ULL | (uint64_t)n;
        if (frame_write(f[n], 0, &tag, 8) || frame_write(f[n], PAGE_SIZE - 8, &tag, 8))
            break;
    }
    int dups = 0, bad_tags = 0;
    for (int i = 0; i < n; i++) {
        uint64_t t0 = 0, t1 = 0;
        if (frame_read(f[i], 0, &t0, 8) || frame_read(f[i], PAGE_SIZE - 8, &t1, 8) ||
            t0 != (0xf00d000000000000ULL | (uint64_t)i) || t1 != t0)
            bad_tags++;
        for (int j = i + 1; j < n; j++)
            dups += frame_pfn(f[i]) == frame_pfn(f[j]);
    }
    uint64_t during = free_frames();
    for (int i = 0; i < n; i++)
        frame_put(f[i]);
    kfree(f);
    heap_quarantine_drain();
    KT_EQ(n, NMANY);
    KT_EQ(dups, 0);
    KT_EQ(bad_tags, 0);
    KT_EQ(during, after_array - NMANY);
    KT_EQ(free_frames(), start);
}

KTEST(frame_alloc_order_contiguous_aligned)
{
    settle();
    uint64_t start = free_frames();
    struct frame *f = frame_alloc_order(3, FRAME_ZERO);
    KT_ASSERT(f != NULL);
    uint64_t pfn = frame_pfn(f);
    KT_EQ(free_frames(), start - 8);
    /* Buddy blocks are naturally aligned and physically contiguous in the physmap. */
    uint8_t *p = frame_virt(f);
    size_t nonzero = 0;
    for (size_t i = 0; i < 8 * PAGE_SIZE; i++)
        nonzero += p[i] != 0;
    bool refs = true;
    for (int i = 0; i < 8; i++)
        refs &= f[i].refcount == 1;
    frame_free_order(f, 3);
    KT_EQ(pfn & 7, 0);
    KT_EQ(nonzero, 0);
    KT_ASSERT(refs);
    KT_EQ(free_frames(), start);
}
