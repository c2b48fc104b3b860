// SPDX-License-Identifier: MPL-2.0
// Fixture: the framework's public basic types and audited macros.
#ifndef OSTD_TYPES_H
#define OSTD_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* Audited: a volatile read through a framework macro is allowed. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

/* Audited: error pointers encode small negative errno values. */
#define ERR_PTR(e) ((void *)(intptr_t)(e))
#define PTR_ERR(p) ((long)(intptr_t)(p))

/* Audited: reinterpret a generic list node (framework-owned casts). */
struct ostd_node { struct ostd_node *next; };
#define NODE_AS(p, type) ((type *)(struct ostd_node *)(p))

void __ostd_log_caller(void *where);
#define LOG_HERE() __ostd_log_caller(__builtin_return_address(0))

/* Framework inline code may use asm and volatile freely. */
static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline uint32_t io_peek(uintptr_t addr)
{
    return *(volatile uint32_t *)addr;
}

#endif
