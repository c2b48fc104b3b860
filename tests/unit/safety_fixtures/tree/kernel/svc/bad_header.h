// SPDX-License-Identifier: MPL-2.0
// Fixture: a header no .c file includes is still checked.
#ifndef SVC_BAD_HEADER_H
#define SVC_BAD_HEADER_H

#include <stdint.h>

extern volatile uint32_t *doorbell;                 // EXPECT: R2

static inline uint32_t *doorbell_at(uintptr_t a)
{
    return (uint32_t *)a;                           // EXPECT: R3
}

#endif
