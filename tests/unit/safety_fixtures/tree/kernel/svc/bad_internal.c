// SPDX-License-Identifier: MPL-2.0
// Fixture R5: reaching framework internals.
#include <ostd/frame.h>

extern void *frame_alloc_raw(uint64_t paddr);        // EXPECT: R5
extern int frame_pool_used;                          // EXPECT: R5
void trap_entry_raw(void);                           // EXPECT: R5

static int arch_helper(void) { return 1; }           // EXPECT: R5

uint64_t peek(struct frame_meta *m)                  // EXPECT: R5
{
    __ostd_log_caller(0);                            // EXPECT: R5
    return frame_paddr(m) + FRAME_PHYS_BASE          // EXPECT: R5 R5
        + (uint64_t)arch_helper();                   // EXPECT: R5
}

struct frame *ok_public(void)
{
    LOG_HERE();
    return frame_alloc();
}
