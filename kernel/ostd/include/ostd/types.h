// SPDX-License-Identifier: MPL-2.0
// Basic types and helper macros every kernel file may use.
#ifndef OSTD_TYPES_H
#define OSTD_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

#define __must_check   __attribute__((warn_unused_result))
#define __noreturn     __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __unused       __attribute__((unused))
#define likely(x)      __builtin_expect(!!(x), 1)
#define unlikely(x)    __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Framework-audited: recover the enclosing object from a member pointer. */
#define container_of(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define PAGE_SIZE  4096UL
#define PAGE_SHIFT 12

/*
 * A user-space virtual address. It is never a pointer: only the framework's
 * copy routines (ostd/user.h) turn it into memory access.
 */
typedef struct { uint64_t addr; } uptr_t;

static inline uptr_t uptr(uint64_t a) { return (uptr_t){ a }; }
static inline uptr_t uptr_add(uptr_t p, uint64_t off) { return (uptr_t){ p.addr + off }; }
static inline bool uptr_is_null(uptr_t p) { return p.addr == 0; }

#endif
