// SPDX-License-Identifier: MPL-2.0
// KTESTs for the kernel heap: size classes, alignment, zeroing, isolation, accounting.
#include <ostd/ktest.h>
#include <ostd/heap.h>
#include <ostd/frame.h>
#include <ostd/task.h>
#include <ostd/sync.h>
#include <ostd/cpu.h>
#include <ostd/time.h>
#include <ostd/console.h>
#include <lib/string.h>
#include "heap_internal.h"

#define MS 1000000ULL

/* Let the previous test's task finish switching out (its task struct goes back to the heap). */
static void settle(void) { task_sleep_ns(20 * MS); heap_quarantine_drain(); }

static const size_t sizes[] = {
    1, 8, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100, 127, 128, 129, 200, 255, 256, 257,
    500, 511, 512, 513, 1000, 1023, 1024, 1025, 1500, 2047, 2048, 2049, 3000, 4095, 4096,
    4097, 8192, 12288, 65536, 100000, 1 << 20, 4 << 20,
};

static uint8_t pattern(uintptr_t obj, size_t i) { return (uint8_t)((obj >> 4) * 31 + i * 13 + 1); }

KTEST(heap_every_size_class)
{
    for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
        size_t sz = sizes[k];
        uint8_t *p = kmalloc(sz);
        KT_ASSERT(p != NULL);
        size_t usable = ksize(p);
        bool aligned = ((uintptr_t)p & 15) == 0;
        /* Power-of-two classes / buddy blocks: never more than double (min 16 B / one page). */
        size_t limit = sz <= 2048 ? MAX(16UL, 2 * sz) : MAX(PAGE_SIZE, 2 * sz);
        memset(p, 0xcc, usable);       /* the whole usable size is ours to write */
        size_t bad = 0;
        for (size_t i = 0; i < usable; i++)
            bad += p[i] != 0xcc;
        if (!aligned || usable < sz || usable > limit || bad)
            printk("heap_every_size_class: size %zu -> %p ksize %zu\n", sz, (void *)p, usable);
        kfree(p);
        KT_ASSERT(aligned);
        KT_ASSERT(usable >= sz);
        KT_ASSERT(usable <= limit);
        KT_EQ(bad, 0);
    }
}

KTEST(heap_kzalloc_zeroes)
{
    /* Dirty objects of one class, free them, then kzalloc from the same class. */
    void *objs[32];
    for (int i = 0; i < 32; i++) {
        objs[i] = kmalloc(200);
        KT_ASSERT(objs[i] != NULL);
        memset(objs[i], 0xff, 200);
    }
    for (int i = 0; i < 32; i++)
        kfree(objs[i]);
    size_t nonzero = 0;
    for (int i = 0; i < 32; i++) {
        uint8_t *p = kzalloc(200);
        KT_ASSERT(p != NULL);
        for (int j = 0; j < 200; j++)
            nonzero += p[j] != 0;
        objs[i] = p;
    }
    for (int i = 0; i < 32; i++)
        kfree(objs[i]);
    uint8_t *big = kmalloc(3 * PAGE_SIZE + 5);
    KT_ASSERT(big != NULL);
    memset(big, 0xee, 3 * PAGE_SIZE + 5);
    kfree(big);
    big = kzalloc(3 * PAGE_SIZE + 5);
    KT_ASSERT(big != NULL);
    for (size_t j = 0; j < 3 * PAGE_SIZE + 5; j++)
        nonzero += big[j] != 0;
    kfree(big);
    uint32_t *arr = kcalloc(100, sizeof(uint32_t));
    KT_ASSERT(arr != NULL);
    KT_ASSERT(ksize(arr) >= 400);
    for (int j = 0; j < 100; j++)
        nonzero += arr[j] != 0;
    kfree(arr);
    KT_EQ(nonzero, 0);
}

#define NLIVE 300

KTEST(heap_live_objects_do_not_overlap)
{
    uint8_t **p = kcalloc(NLIVE, sizeof(*p));
    size_t *len = kcalloc(NLIVE, sizeof(*len));
    KT_ASSERT(p && len);
    int n = 0;
    for (; n < NLIVE; n++) {
        len[n] = sizes[(size_t)n % (ARRAY_SIZE(sizes) - 3)];   /* skip the multi-MiB sizes */
        p[n] = kmalloc(len[n]);
        if (!p[n])
            break;
        for (size_t i = 0; i < len[n]; i++)
            p[n][i] = pattern((uintptr_t)p[n], i);
    }
    size_t corrupt = 0, overlaps = 0;
    for (int a = 0; a < n; a++) {
        for (size_t i = 0; i < len[a]; i++)
            corrupt += p[a][i] != pattern((uintptr_t)p[a], i);
        uintptr_t a0 = (uintptr_t)p[a], a1 = a0 + len[a];
        for (int b = a + 1; b < n; b++) {
            uintptr_t b0 = (uintptr_t)p[b], b1 = b0 + len[b];
            overlaps += a0 < b1 && b0 < a1;
        }
    }
    for (int i = 0; i < n; i++)
        kfree(p[i]);
    kfree(p);
    kfree(len);
    KT_EQ(n, NLIVE);
    KT_EQ(overlaps, 0);
    KT_EQ(corrupt, 0);
}

KTEST(heap_kfree_returns_memory)
{
    settle();
    struct heap_stats before, during, after;
    struct frame_stats fbefore, fafter;
    heap_get_stats(&before);
    frame_get_stats(&fbefore);
    void *objs[200];
    size_t requested = 0;
    for (int i = 0; i < 200; i++) {
        size_t sz = sizes[(size_t)i % ARRAY_SIZE(sizes)];
        objs[i] = kmalloc(sz);
        KT_ASSERT(objs[i] != NULL);
        requested += sz;
    }
    heap_get_stats(&during);
    for (int i = 0; i < 200; i++)
        kfree(objs[i]);
    heap_quarantine_drain();
    heap_get_stats(&after);
    frame_get_stats(&fafter);
    KT_ASSERT(during.bytes_in_use >= before.bytes_in_use + requested);
    KT_EQ(during.allocations, before.allocations + 200);
    KT_EQ(after.bytes_in_use, before.bytes_in_use);
    KT_EQ(after.allocations, before.allocations);
    /* At most one empty slab stays cached per size class (8 classes). */
    KT_ASSERT(after.pages <= before.pages + 8);
    KT_ASSERT(fafter.free + 8 >= fbefore.free);
}

KTEST(heap_large_alloc_pages_accounted)
{
    settle();
    struct heap_stats before, during, after;
    heap_get_stats(&before);
    void *p = kmalloc(256 * PAGE_SIZE);
    KT_ASSERT(p != NULL);
    heap_get_stats(&during);
    kfree(p);
    heap_quarantine_drain();
    heap_get_stats(&after);
#ifndef CONFIG_DEBUG_HEAP   /* the debug header makes this a 512-page block */
    KT_EQ(during.pages, before.pages + 256);
    KT_EQ(during.bytes_in_use, before.bytes_in_use + 256 * PAGE_SIZE);
#endif
    KT_EQ(after.pages, before.pages);
    KT_EQ(after.bytes_in_use, before.bytes_in_use);
}

KTEST(heap_overflow_and_edge_sizes)
{
    KT_ASSERT(kcalloc(SIZE_MAX / 2 + 2, 2) == NULL);
    KT_ASSERT(kcalloc((size_t)1 << 33, (size_t)1 << 31) == NULL);
    KT_ASSERT(kcalloc(SIZE_MAX, SIZE_MAX) == NULL);
    void *huge = kmalloc((size_t)1 << 40);   /* beyond the largest buddy block */
    KT_ASSERT(huge == NULL);
    void *z = kmalloc(0);
    KT_ASSERT(z != NULL);
    KT_ASSERT(ksize(z) >= 1);
    kfree(z);
    void *c0 = kcalloc(0, 64);
    KT_ASSERT(c0 != NULL);
    kfree(c0);
    kfree(NULL);
}

/* ---- concurrent allocation from both CPUs ---- */

struct heap_worker {
    uint32_t seed;
    int errors;
};

static void heap_worker_fn(void *arg)
{
    struct heap_worker *w = arg;
    uint8_t *live[16] = { 0 };
    size_t len[16] = { 0 };
    for (int it = 0; it < 3000; it++) {
        w->seed = w->seed * 1103515245u + 12345u;
        int slot = (int)((w->seed >> 8) % 16);
        if (live[slot]) {
            for (size_t i = 0; i < len[slot]; i++)
                w->errors += live[slot][i] != pattern((uintptr_t)live[slot], i);
            kfree(live[slot]);
            live[slot] = NULL;
        } else {
            len[slot] = 1 + (w->seed >> 16) % 3000;
            live[slot] = kmalloc(len[slot]);
            if (!live[slot]) {
                w->errors++;
                continue;
            }
            for (size_t i = 0; i < len[slot]; i++)
                live[slot][i] = pattern((uintptr_t)live[slot], i);
        }
    }
    for (int s = 0; s < 16; s++)
        kfree(live[s]);
}

KTEST(heap_concurrent_two_cpus)
{
    settle();
    struct heap_stats before, after;
    heap_get_stats(&before);
    struct heap_worker w[4] = { { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 } };
    struct task *t[4];
    for (int i = 0; i < 4; i++) {
        t[i] = task_spawn("heap-worker", heap_worker_fn, &w[i], i % 2);
        KT_ASSERT(t[i] != NULL);
    }
    for (int i = 0; i < 4; i++) {
        task_join(t[i]);
        task_put(t[i]);
    }
    settle();   /* the workers' stacks are freed once they are off-CPU */
    heap_get_stats(&after);
    for (int i = 0; i < 4; i++)
        KT_EQ(w[i].errors, 0);
    KT_EQ(after.bytes_in_use, before.bytes_in_use);
    KT_EQ(after.allocations, before.allocations);
}
