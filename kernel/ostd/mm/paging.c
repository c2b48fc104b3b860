// SPDX-License-Identifier: MPL-2.0
// Kernel page tables: the physmap, the kernel image with W^X, and the uncached I/O window.
#include <ostd/types.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/sync.h>
#include <lib/string.h>
#include <lib/bootinfo.h>
#include "../arch/x86_64/cpu.h"
#include "../arch/x86_64/mmu.h"
#include "frame_internal.h"

uint64_t *kernel_pml4;
uint64_t physmap_limit;
bool cpu_has_nx, cpu_has_smap, cpu_has_smep, cpu_has_pge;

static spinlock_t kpt_lock = SPINLOCK_INIT("kernel page tables");
static uint64_t iomap_next = IOMAP_BASE;    /* guarded by kpt_lock */

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __kernel_start[];
#include "../internal.h"

static uint64_t *table_alloc(void)
{
    struct frame *f = frame_alloc(FRAME_ZERO);
    if (!f)
        return NULL;
    return frame_virt(f);
}

/* Walk to the level-1 PTE of va in pml4, allocating intermediate tables when alloc. */
uint64_t *pt_walk(uint64_t *pml4, uint64_t va, bool alloc, bool user)
{
    uint64_t *table = pml4;
    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *e = &table[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            if (!alloc)
                return NULL;
            uint64_t *t = table_alloc();
            if (!t)
                return NULL;
            *e = virt_to_phys(t) | PTE_P | PTE_W | (user ? PTE_U : 0);
        } else if (*e & PTE_PS) {
            return NULL;    /* large page: no level-1 entry */
        }
        table = phys_to_virt(*e & PTE_ADDR);
    }
    return &table[(va >> 12) & 511];
}

static uint64_t *pd_walk(uint64_t *pml4, uint64_t va)
{
    uint64_t *table = pml4;
    for (int shift = 39; shift > 21; shift -= 9) {
        uint64_t *e = &table[(va >> shift) & 511];
        if (!(*e & PTE_P)) {
            uint64_t *t = table_alloc();
            if (!t)
                panic("out of memory building the physmap");
            *e = virt_to_phys(t) | PTE_P | PTE_W;
        }
        table = phys_to_virt(*e & PTE_ADDR);
    }
    return &table[(va >> 21) & 511];
}

static void cpu_features(void)
{
    uint32_t r[4];
    cpuid(0x80000001, 0, r);
    cpu_has_nx = r[3] & (1u << 20);
    cpuid(1, 0, r);
    cpu_has_pge = r[3] & (1u << 13);
    cpuid(0, 0, r);
    if (r[0] >= 7) {
        cpuid(7, 0, r);
        cpu_has_smep = r[1] & (1u << 7);
        cpu_has_smap = r[1] & (1u << 20);
    }
}

/* Enable NX, global pages, SMEP and SMAP on the calling CPU. */
void paging_enable_features(void)
{
    if (cpu_has_nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | (1 << 11));
    uint64_t cr4 = read_cr4();
    if (cpu_has_pge)
        cr4 |= 1 << 7;
    if (cpu_has_smep)
        cr4 |= 1 << 20;
    if (cpu_has_smap)
        cr4 |= 1 << 21;
    write_cr4(cr4);
}

static void map_physmap(uint64_t limit)
{
    uint64_t nx = cpu_has_nx ? PTE_NX : 0, g = cpu_has_pge ? PTE_G : 0;
    for (uint64_t pa = 0; pa < limit; pa += 2UL << 20)
        *pd_walk(kernel_pml4, PHYSMAP_BASE + pa) = pa | PTE_P | PTE_W | PTE_PS | nx | g;
}

static void map_kernel_image(void)
{
    uint64_t nx = cpu_has_nx ? PTE_NX : 0, g = cpu_has_pge ? PTE_G : 0;
    uint64_t start = (uint64_t)(uintptr_t)__kernel_start;
    uint64_t end = ALIGN_UP((uint64_t)(uintptr_t)__data_end, PAGE_SIZE);
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        uint64_t flags = PTE_P | g;
        if (va >= (uint64_t)(uintptr_t)__text_start && va < (uint64_t)(uintptr_t)__text_end)
            flags |= 0;                 /* RX */
        else if (va >= (uint64_t)(uintptr_t)__rodata_start && va < (uint64_t)(uintptr_t)__data_start)
            flags |= nx;                /* R */
        else
            flags |= PTE_W | nx;        /* RW */
        uint64_t *pte = pt_walk(kernel_pml4, va, true, false);
        if (!pte)
            panic("out of memory mapping the kernel");
        *pte = (va - KERNEL_VMA) | flags;
    }
}

void paging_init(void)
{
    cpu_features();
    paging_enable_features();
    kernel_pml4 = table_alloc();
    if (!kernel_pml4)
        panic("no memory for the kernel page table");
    /* Pre-populate every upper-half slot so all address spaces share them. */
    for (int i = 256; i < 512; i++) {
        uint64_t *t = table_alloc();
        if (!t)
            panic("no memory for kernel page tables");
        kernel_pml4[i] = virt_to_phys(t) | PTE_P | PTE_W;
    }
    const struct boot_info *bi = boot_get_info();
    uint64_t limit = 4ULL << 30;
    for (uint32_t i = 0; i < bi->nregions; i++)
        if (bi->regions[i].type != BOOT_MEM_RESERVED)
            limit = MAX(limit, ALIGN_UP(bi->regions[i].base + bi->regions[i].len, 2UL << 20));
    map_physmap(limit);
    map_kernel_image();
    write_cr3(virt_to_phys(kernel_pml4));
    physmap_limit = limit;
    printk("mm: physmap %lu MiB, NX %d SMEP %d SMAP %d\n", limit >> 20, cpu_has_nx, cpu_has_smep, cpu_has_smap);
}

void tlb_flush_local(uint64_t va) { invlpg(va); }

void tlb_flush_all_local(void)
{
    uint64_t cr4 = read_cr4();
    if (cr4 & (1 << 7)) {
        write_cr4(cr4 & ~(1UL << 7));
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

/* Map [pa, pa+len) uncached into the I/O window; the window only grows. */
void *iomap(uint64_t pa, size_t len)
{
    uint64_t off = pa & (PAGE_SIZE - 1);
    uint64_t npages = ALIGN_UP(len + off, PAGE_SIZE) >> PAGE_SHIFT;
    uint64_t nx = cpu_has_nx ? PTE_NX : 0;
    unsigned long f = spin_lock_irqsave(&kpt_lock);
    uint64_t va = iomap_next;
    if (va + npages * PAGE_SIZE > IOMAP_BASE + IOMAP_SIZE) {
        spin_unlock_irqrestore(&kpt_lock, f);
        return NULL;
    }
    for (uint64_t i = 0; i < npages; i++) {
        uint64_t *pte = pt_walk(kernel_pml4, va + i * PAGE_SIZE, true, false);
        if (!pte) {
            spin_unlock_irqrestore(&kpt_lock, f);
            return NULL;
        }
        *pte = (ALIGN_DOWN(pa, PAGE_SIZE) + i * PAGE_SIZE) | PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx;
    }
    iomap_next = va + (npages + 1) * PAGE_SIZE;   /* one guard page */
    spin_unlock_irqrestore(&kpt_lock, f);
    return (void *)(uintptr_t)(va + off);
}
