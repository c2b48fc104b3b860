// SPDX-License-Identifier: MPL-2.0
// KTESTs for the debugging heap (CONFIG_DEBUG_HEAP): each detection reports instead of panicking.
#include <ostd/ktest.h>
#include <ostd/heap.h>
#include <lib/string.h>
#include "heap_internal.h"

#ifdef CONFIG_DEBUG_HEAP

/* A deliberate out-of-bounds write, hidden from the compiler's bounds warnings. */
static void poke(uint8_t *p, long off, uint8_t v)
{
    __asm__("" : "+r"(p));
    p[off] = v;
}

KTEST(heap_debug_fills_new_objects)
{
    uint8_t *p = kmalloc(100);
    KT_ASSERT(p != NULL);
    size_t bad = 0;
    for (int i = 0; i < 100; i++)
        bad += p[i] != HEAP_DBG_FILL;
    KT_EQ(ksize(p), 100);
    kfree(p);
    KT_EQ(bad, 0);
    uint8_t *z = kzalloc(100);
    KT_ASSERT(z != NULL);
    for (int i = 0; i < 100; i++)
        bad += z[i] != 0;
    kfree(z);
    KT_EQ(bad, 0);
}

KTEST(heap_debug_detects_overflow)
{
    struct heap_report r;
    uint8_t *p = kmalloc(40);
    KT_ASSERT(p != NULL);
    KT_EQ(heap_debug_check_live(p, &r), HEAP_OK);
    heap_debug_pause_periodic(true);
    poke(p, 41, 0);                               /* one byte past the end (plus one) */
    enum heap_fault f = heap_debug_check_live(p, &r);
    int found = heap_check();
    poke(p, 41, HEAP_DBG_REDZONE);                /* repair before freeing */
    heap_debug_pause_periodic(false);
    kfree(p);
    KT_EQ(f, HEAP_TAIL_REDZONE);
    KT_EQ(r.size, 40);
    KT_EQ(r.offset, 41);
    KT_NE(r.alloc_ip, 0);
    KT_ASSERT(found >= 1);
}

KTEST(heap_debug_detects_underflow_large)
{
    struct heap_report r;
    uint8_t *p = kmalloc(3 * PAGE_SIZE);    /* a buddy block, not a slab object */
    KT_ASSERT(p != NULL);
    heap_debug_pause_periodic(true);
    poke(p, -3, 0);
    enum heap_fault f = heap_debug_check_live(p, &r);
    poke(p, -3, HEAP_DBG_REDZONE);
    poke(p, 3 * PAGE_SIZE, 1);
    enum heap_fault tail = heap_debug_check_live(p, &r);
    poke(p, 3 * PAGE_SIZE, HEAP_DBG_REDZONE);
    heap_debug_pause_periodic(false);
    kfree(p);
    KT_EQ(f, HEAP_FRONT_REDZONE);
    KT_EQ(tail, HEAP_TAIL_REDZONE);
}

KTEST(heap_debug_detects_double_free)
{
    struct heap_report r;
    uint8_t *p = kmalloc(64);
    KT_ASSERT(p != NULL);
    kfree(p);                                /* now poisoned, in quarantine */
    KT_EQ(heap_debug_check_live(p, &r), HEAP_DOUBLE_FREE);   /* what a second kfree would see */
    KT_NE(r.free_ip, 0);
    KT_EQ(heap_debug_check_freed(p, &r), HEAP_OK);
}

KTEST(heap_debug_detects_use_after_free)
{
    struct heap_report r;
    uint8_t *p = kmalloc(64);
    KT_ASSERT(p != NULL);
    kfree(p);
    bool poisoned = p[10] == HEAP_DBG_POISON;
    heap_debug_pause_periodic(true);
    poke(p, 10, 7);                               /* the quarantine keeps p from being reused */
    enum heap_fault f = heap_debug_check_freed(p, &r);
    int found = heap_check();
    poke(p, 10, HEAP_DBG_POISON);
    heap_debug_pause_periodic(false);
    KT_ASSERT(poisoned);
    KT_EQ(f, HEAP_USE_AFTER_FREE);
    KT_EQ(r.offset, 10);
    KT_ASSERT(found >= 1);
}

KTEST(heap_debug_rejects_foreign_pointers)
{
    struct heap_report r;
    static uint8_t not_heap[64] __attribute__((aligned(16)));
    KT_EQ(heap_debug_check_live(not_heap + 48, &r), HEAP_BAD_POINTER);
    uint8_t *p = kmalloc(64);
    KT_ASSERT(p != NULL);
    KT_EQ(heap_debug_check_live(p + 16, &r), HEAP_BAD_POINTER);   /* interior pointer */
    kfree(p);
    KT_EQ(heap_check(), 0);
}

#endif
