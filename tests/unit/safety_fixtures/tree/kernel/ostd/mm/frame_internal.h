// SPDX-License-Identifier: MPL-2.0
// Fixture: framework-internal frame bookkeeping.
#ifndef OSTD_MM_FRAME_INTERNAL_H
#define OSTD_MM_FRAME_INTERNAL_H

#include <stdint.h>

#define FRAME_PHYS_BASE 0x100000UL

struct frame_meta {
    uint64_t paddr;
    int refcount;
};

uint64_t frame_paddr(const struct frame_meta *m);

#endif
