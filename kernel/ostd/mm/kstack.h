// SPDX-License-Identifier: MPL-2.0
// Guarded kernel stacks (framework-internal).
#ifndef OSTD_MM_KSTACK_H
#define OSTD_MM_KSTACK_H

#include <ostd/types.h>

void *kstack_alloc(void);
void kstack_free(void *stack);
/* True if addr lies in a guard page of the kernel-stack window (a stack overflow). */
bool kstack_is_guard(uint64_t addr);

#endif
