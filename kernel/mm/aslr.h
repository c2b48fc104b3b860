// SPDX-License-Identifier: MPL-2.0
// Address-space layout randomisation: the randomize_va_space level and random offsets for exec.
#ifndef KEEL_MM_ASLR_H
#define KEEL_MM_ASLR_H

#include <ostd/types.h>

/*
 * /proc/sys/kernel/randomize_va_space: 0 off, 1 stack/mmap/vDSO/PIE, 2
 * (the default) also the program break. As Linux, any int is stored: a
 * negative one counts as 1, one above 2 as 2.
 */
int aslr_level(void);
/* Set the level. The caller checks privilege. */
void aslr_set_level(int level);

/* The random offsets of one exec, all page multiples (zero when not randomising). */
struct aslr_offsets {
    uint64_t stack;     /* below the highest stack top: up to 16 GiB (22 bits of pages, as Linux) */
    uint64_t mmap;      /* below the default mmap base: up to 1 TiB (28 bits of pages) */
    uint64_t pie;       /* above the default PIE base: up to 1 TiB (28 bits of pages) */
    uint64_t brk;       /* after the end of the program: up to 32 MiB (level 2 only) */
    uint64_t stack_sub; /* bytes below the argument strings, < 8 KiB (the sub-page part) */
    uint64_t vdso;      /* a random number placing the vDSO above the stack (vdso_map) */
};

#define ASLR_STACK_MAX (1ULL << (22 + 12))

/*
 * Draw the offsets for an exec by a process with personality pers: all zero
 * when the level is 0 or pers has ADDR_NO_RANDOMIZE. Task context.
 */
void aslr_draw(struct aslr_offsets *o, unsigned pers);

#endif
