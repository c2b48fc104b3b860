// SPDX-License-Identifier: MPL-2.0
// Kernel heap: size-class slabs for small objects, whole pages for large ones.
#ifndef OSTD_HEAP_H
#define OSTD_HEAP_H

#include <ostd/types.h>

/* Returns 16-byte aligned memory or NULL. Not from IRQ handlers. */
void *kmalloc(size_t size) __attribute__((malloc, alloc_size(1))) __must_check;
void *kzalloc(size_t size) __attribute__((malloc, alloc_size(1))) __must_check;
void *kcalloc(size_t n, size_t size) __must_check;
void kfree(void *p);
/* Usable size of an allocation (>= the requested size; exactly it with CONFIG_DEBUG_HEAP). */
size_t ksize(const void *p);

/*
 * CONFIG_DEBUG_HEAP: check every live object's redzones and the poison of every
 * quarantined one; prints the first fault, returns how many. 0 in normal builds.
 */
int heap_check(void);

/* Release every quarantined object now (tests that count pages or bytes). No-op without CONFIG_DEBUG_HEAP. */
void heap_quarantine_drain(void);

struct heap_stats { uint64_t bytes_in_use, allocations, pages; };
void heap_get_stats(struct heap_stats *st);

#endif
