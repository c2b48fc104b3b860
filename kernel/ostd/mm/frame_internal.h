// SPDX-License-Identifier: MPL-2.0
// Frame descriptors and their physical addresses (framework-internal).
#ifndef OSTD_MM_FRAME_INTERNAL_H
#define OSTD_MM_FRAME_INTERNAL_H

#include <ostd/frame.h>
#include "../arch/x86_64/mmu.h"

struct frame {
    uint32_t refcount;
    uint16_t flags;
    uint8_t order;      /* valid on the first frame of a block */
    uint8_t pad;
    void *owner;        /* heap: the slab this page belongs to */
};

extern struct frame *frame_table;
extern uint64_t max_pfn;

static inline uint64_t frame_pfn(const struct frame *f) { return (uint64_t)(f - frame_table); }
static inline uint64_t frame_paddr(const struct frame *f) { return frame_pfn(f) << PAGE_SHIFT; }
static inline void *frame_virt(const struct frame *f) { return phys_to_virt(frame_paddr(f)); }
/* Precondition: pa < max_pfn << PAGE_SHIFT. */
static inline struct frame *frame_of_paddr(uint64_t pa) { return &frame_table[pa >> PAGE_SHIFT]; }

struct frame *frame_alloc_order(unsigned order, unsigned flags);
void frame_free_order(struct frame *f, unsigned order);

#endif
