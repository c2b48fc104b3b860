// SPDX-License-Identifier: MPL-2.0
// Fixture: framework code; everything here is allowed.
#include <ostd/frame.h>
#include "mm/frame_internal.h"

struct frame { struct frame_meta meta; };

static struct frame pool[4];
int frame_pool_used;

uint64_t frame_paddr(const struct frame_meta *m)
{
    return m->paddr;
}

void *frame_alloc_raw(uint64_t paddr)
{
    volatile int barrier = 0;
    __asm__ volatile("" ::: "memory");
    (void)barrier;
    return (void *)(uintptr_t)paddr;
}

struct frame *frame_alloc(void)
{
    return &pool[frame_pool_used++];
}

void frame_put(struct frame *f)
{
    (void)f;
}
