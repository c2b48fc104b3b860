// SPDX-License-Identifier: MPL-2.0
// The vDSO service: maps linux-vdso.so.1 and the framework's vvar page into a new address space.
#ifndef KEEL_VDSO_VDSO_H
#define KEEL_VDSO_VDSO_H

#include <ostd/types.h>

struct mm;

/*
 * Map [vvar] (one read-only page) and right above it [vdso] (read+exec) in
 * mm (exec, before the program runs). As Linux, they go above the stack
 * top, at a page chosen by rnd within the 2 MiB block the stack top ends
 * in, when the (randomised) stack leaves room there; else at the top of the
 * mmap area. *ehdr is the vDSO's ELF header (AT_SYSINFO_EHDR). 0 or -ENOMEM.
 */
int vdso_map(struct mm *mm, uint64_t stack_top, uint64_t rnd, uint64_t *ehdr) __must_check;
/* Pages of the vvar + vDSO mapping. */
uint64_t vdso_total_pages(void);

#endif
