// SPDX-License-Identifier: MPL-2.0
// Heap internals shared by the allocator core (heap.c) and its debugging layer (heap_debug.c).
#ifndef OSTD_MM_HEAP_INTERNAL_H
#define OSTD_MM_HEAP_INTERNAL_H

#include <ostd/types.h>

/* The undecorated allocator: what kmalloc/kfree/ksize are without CONFIG_DEBUG_HEAP. */
void *heap_raw_alloc(size_t size);
void heap_raw_free(void *p);
size_t heap_raw_usable(const void *p);
/* True if p is the start of a slab object slot or of a large block (allocated or not). */
bool heap_raw_is_object(const void *p);
/* Call fn on every slab slot and large block (allocated or free). Racy by design: fn re-checks. */
void heap_raw_for_each_object(void (*fn)(void *raw, void *ctx), void *ctx);


#ifdef CONFIG_DEBUG_HEAP
/* Object layout: [header 32][front redzone 16][user size bytes][tail redzone >= 16]. */
#define HEAP_DBG_FRONT      48
#define HEAP_DBG_FRONT_RZ   16
#define HEAP_DBG_TAIL_MIN   16
#define HEAP_DBG_TAIL_MAX   512      /* tail bytes checked (large blocks may have more slack) */
#define HEAP_DBG_REDZONE    0xbb     /* redzones */
#define HEAP_DBG_FILL       0xa5     /* new objects: uninitialised reads show */
#define HEAP_DBG_POISON     0x6b     /* freed objects waiting in the quarantine */

enum heap_fault {
    HEAP_OK = 0,
    HEAP_BAD_POINTER,       /* not the start of a live heap object (or its header is smashed) */
    HEAP_DOUBLE_FREE,
    HEAP_FRONT_REDZONE,     /* write before the object (underflow) */
    HEAP_TAIL_REDZONE,      /* write past the requested size (overflow) */
    HEAP_USE_AFTER_FREE,    /* write into a freed object while in quarantine */
};

struct heap_report {
    enum heap_fault fault;
    const void *ptr;
    size_t size;            /* the requested size */
    uint64_t alloc_ip, free_ip;
    long offset;            /* first bad byte, relative to ptr */
};

void *heap_debug_alloc(size_t size, uint64_t caller);
void heap_debug_free(void *p, uint64_t caller);
size_t heap_debug_size(const void *p);
/* Checks that report instead of panicking (the KTESTs use them). */
enum heap_fault heap_debug_check_live(const void *p, struct heap_report *r);
enum heap_fault heap_debug_check_freed(const void *p, struct heap_report *r);
const char *heap_fault_name(enum heap_fault f);
void heap_report_print(const struct heap_report *r);
/* Self-tests that corrupt an object on purpose pause the periodic check in kfree meanwhile. */
void heap_debug_pause_periodic(bool pause);
struct heap_check_result { int faults; };
#endif

#endif
