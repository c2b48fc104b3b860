// SPDX-License-Identifier: MPL-2.0
// KTESTs for guarded kernel stacks.
#include <ostd/ktest.h>
#include <ostd/frame.h>
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/layout.h"
#include "mm/kstack.h"

KTEST(kstack_has_unmapped_guard_below)
{
    uint8_t *s = kstack_alloc();
    KT_ASSERT(s != NULL);
    uint64_t base = (uint64_t)(uintptr_t)s;
    KT_ASSERT(kstack_is_guard(base - 1));
    KT_ASSERT(kstack_is_guard(base - PAGE_SIZE));
    KT_ASSERT(!kstack_is_guard(base));
    KT_ASSERT(!kstack_is_guard(base + KSTACK_SIZE - 1));
    uint64_t *guard = pt_walk(kernel_pml4, base - PAGE_SIZE, false, false);
    KT_ASSERT(guard == NULL || !(*guard & PTE_P));
    s[0] = 1;
    s[KSTACK_SIZE - 1] = 2;     /* both ends of the stack are writable */
    KT_EQ(s[0] + s[KSTACK_SIZE - 1], 3);
    kstack_free(s);
}

KTEST(kstack_free_returns_frames)
{
    struct frame_stats before, after;
    frame_get_stats(&before);
    for (int i = 0; i < 64; i++) {
        void *s = kstack_alloc();
        KT_ASSERT(s != NULL);
        kstack_free(s);
    }
    frame_get_stats(&after);
    /* page tables for the window may stay allocated; stack frames must not leak */
    KT_ASSERT(before.free - after.free < 8);
}
