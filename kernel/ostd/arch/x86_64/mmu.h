// SPDX-License-Identifier: MPL-2.0
// Physical/virtual address conversion and page-table bits (framework-internal).
#ifndef OSTD_ARCH_MMU_H
#define OSTD_ARCH_MMU_H

#include <ostd/types.h>
#include "layout.h"

#define PTE_P    (1UL << 0)
#define PTE_W    (1UL << 1)
#define PTE_U    (1UL << 2)
#define PTE_PWT  (1UL << 3)
#define PTE_PCD  (1UL << 4)
#define PTE_A    (1UL << 5)
#define PTE_D    (1UL << 6)
#define PTE_PS   (1UL << 7)
#define PTE_G    (1UL << 8)
#define PTE_NX   (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

/* Precondition: pa is inside the physmap (all RAM and the low 4 GiB). */
static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(pa + PHYSMAP_BASE); }
/* Precondition: va points into the physmap or the kernel image. */
static inline uint64_t virt_to_phys(const void *va)
{
    uintptr_t v = (uintptr_t)va;
    if (v >= KERNEL_VMA)
        return v - KERNEL_VMA;
    return v - PHYSMAP_BASE;
}

/* The kernel's top-level page table (shared upper half of every vm_space). */
extern uint64_t *kernel_pml4;
extern uint64_t physmap_limit;  /* bytes of physical memory covered by the physmap */
extern bool cpu_has_nx, cpu_has_smap, cpu_has_smep, cpu_has_pge;

void paging_init(void);
/* Map [pa, pa+len) uncached in the I/O window; returns the virtual address or NULL. */
void *iomap(uint64_t pa, size_t len);
/* Walk a page table to the PTE of va, allocating tables when alloc; NULL if absent/OOM. */
uint64_t *pt_walk(uint64_t *pml4, uint64_t va, bool alloc, bool user);
void tlb_flush_local(uint64_t va);
void tlb_flush_all_local(void);

#endif
