// SPDX-License-Identifier: MPL-2.0
// User address spaces: 4-level page tables holding frame references, with TLB shootdown.
#include <ostd/vm_space.h>
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <ostd/sync.h>
#include <ostd/cpu.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "../arch/x86_64/cpu.h"
#include "../arch/x86_64/mmu.h"
#include "../arch/x86_64/percpu.h"
#include "../internal.h"
#include "frame_internal.h"

#define PTE_PROTNONE (1UL << 9)     /* software bit: page kept but inaccessible */

struct vm_space {
    uint64_t *pml4;
    uint32_t refcount;
    spinlock_t lock;                /* guards the page tables (lower half) */
    uint64_t cpu_mask;              /* CPUs with this space loaded (atomic) */
    vm_fault_fn fault_fn;
    void *fault_ctx;
};

void vm_init(void) {}

struct vm_space *vm_space_create(void)
{
    struct vm_space *vs = kzalloc(sizeof(*vs));
    if (!vs)
        return NULL;
    struct frame *f = frame_alloc(FRAME_ZERO);
    if (!f) {
        kfree(vs);
        return NULL;
    }
    vs->pml4 = frame_virt(f);
    memcpy(vs->pml4 + 256, kernel_pml4 + 256, 256 * sizeof(uint64_t));
    vs->refcount = 1;
    spin_init(&vs->lock, "vm_space");
    return vs;
}

void vm_space_get(struct vm_space *vs) { __atomic_add_fetch(&vs->refcount, 1, __ATOMIC_RELAXED); }

static void free_table(uint64_t *table, int level)
{
    for (int i = 0; i < 512; i++) {
        uint64_t e = table[i];
        if (level == 1) {
            if (e & (PTE_P | PTE_PROTNONE))
                frame_put(frame_of_paddr(e & PTE_ADDR));
        } else if (e & PTE_P) {
            free_table(phys_to_virt(e & PTE_ADDR), level - 1);
        }
    }
    frame_put(frame_of_paddr(virt_to_phys(table)));
}

void vm_space_put(struct vm_space *vs)
{
    if (__atomic_sub_fetch(&vs->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    BUG_ON(__atomic_load_n(&vs->cpu_mask, __ATOMIC_SEQ_CST) != 0);
    for (int i = 0; i < 256; i++)
        if (vs->pml4[i] & PTE_P)
            free_table(phys_to_virt(vs->pml4[i] & PTE_ADDR), 3);
    frame_put(frame_of_paddr(virt_to_phys(vs->pml4)));
    kfree(vs);
}

/*
 * First page at or after va (below end) that has a PTE, skipping whole
 * missing tables, so sparse ranges cost per table rather than per page.
 * Caller holds vs->lock.
 */
static uint64_t next_mapped_locked(struct vm_space *vs, uint64_t va, uint64_t end)
{
    while (va < end) {
        uint64_t *table = vs->pml4;
        uint64_t skip = 0;
        for (int shift = 39; shift >= 12; shift -= 9) {
            uint64_t e = table[(va >> shift) & 511];
            if (shift == 12) {
                if (e & (PTE_P | PTE_PROTNONE))
                    return va;
                skip = 1UL << 12;
                break;
            }
            if (!(e & PTE_P)) {
                skip = 1UL << shift;
                break;
            }
            table = phys_to_virt(e & PTE_ADDR);
        }
        uint64_t next = ALIGN_DOWN(va, skip) + skip;
        if (next <= va)
            break;
        va = next;
    }
    return end;
}

uint64_t vm_next_mapped(struct vm_space *vs, uint64_t va, uint64_t end)
{
    va = ALIGN_UP(va, PAGE_SIZE);
    end = MIN(end, VM_USER_TOP);
    if (va >= end)
        return end;
    spin_lock(&vs->lock);
    uint64_t r = next_mapped_locked(vs, va, end);
    spin_unlock(&vs->lock);
    return MIN(r, end);
}

static bool user_page_ok(uint64_t va)
{
    return (va & (PAGE_SIZE - 1)) == 0 && va < VM_USER_TOP;
}

static uint64_t prot_bits(unsigned prot)
{
    if (!(prot & (VM_READ | VM_WRITE | VM_EXEC)))
        return PTE_PROTNONE;
    uint64_t b = PTE_P | PTE_U;
    if (prot & VM_WRITE)
        b |= PTE_W;
    if (!(prot & VM_EXEC) && cpu_has_nx)
        b |= PTE_NX;
    return b;
}

static unsigned pte_prot(uint64_t e)
{
    if (!(e & PTE_P))
        return 0;
    return VM_READ | ((e & PTE_W) ? VM_WRITE : 0) | ((e & PTE_NX) ? 0 : VM_EXEC);
}

int vm_map(struct vm_space *vs, uint64_t va, struct frame *f, unsigned prot)
{
    if (!user_page_ok(va))
        return -EINVAL;
    spin_lock(&vs->lock);
    uint64_t *pte = pt_walk(vs->pml4, va, true, true);
    int r = 0;
    if (!pte)
        r = -ENOMEM;
    else if (*pte & (PTE_P | PTE_PROTNONE))
        r = -EEXIST;
    else {
        frame_get(f);
        *pte = frame_paddr(f) | prot_bits(prot);
    }
    spin_unlock(&vs->lock);
    return r;
}

static void flush_range(struct vm_space *vs, uint64_t va, uint64_t npages)
{
    tlb_shootdown(__atomic_load_n(&vs->cpu_mask, __ATOMIC_SEQ_CST), va, npages);
}

#define BATCH 64

int vm_unmap(struct vm_space *vs, uint64_t va, uint64_t len)
{
    if ((va & (PAGE_SIZE - 1)) || (len & (PAGE_SIZE - 1)) || va + len < va || va + len > VM_USER_TOP)
        return -EINVAL;
    while (len) {
        struct frame *victims[BATCH];
        unsigned n = 0;
        spin_lock(&vs->lock);
        uint64_t start = next_mapped_locked(vs, va, va + len);
        len -= start - va;
        va = start;
        while (len && n < BATCH) {
            uint64_t next = next_mapped_locked(vs, va, va + len);
            len -= next - va;
            va = next;
            if (!len)
                break;
            uint64_t *pte = pt_walk(vs->pml4, va, false, true);
            victims[n++] = frame_of_paddr(*pte & PTE_ADDR);
            *pte = 0;
            va += PAGE_SIZE;
            len -= PAGE_SIZE;
        }
        spin_unlock(&vs->lock);
        if (n)
            flush_range(vs, start, (va - start) >> PAGE_SHIFT);
        for (unsigned i = 0; i < n; i++)
            frame_put(victims[i]);
    }
    return 0;
}

int vm_protect(struct vm_space *vs, uint64_t va, uint64_t len, unsigned prot)
{
    if ((va & (PAGE_SIZE - 1)) || (len & (PAGE_SIZE - 1)) || va + len < va || va + len > VM_USER_TOP)
        return -EINVAL;
    uint64_t start = va, end = va + len;
    spin_lock(&vs->lock);
    for (va = next_mapped_locked(vs, va, end); va < end; va = next_mapped_locked(vs, va + PAGE_SIZE, end)) {
        uint64_t *pte = pt_walk(vs->pml4, va, false, true);
        if (pte && (*pte & (PTE_P | PTE_PROTNONE)))
            *pte = (*pte & PTE_ADDR) | prot_bits(prot);
    }
    spin_unlock(&vs->lock);
    flush_range(vs, start, len >> PAGE_SHIFT);
    return 0;
}

struct frame *vm_query(struct vm_space *vs, uint64_t va, unsigned *prot)
{
    struct frame *f = NULL;
    if (va >= VM_USER_TOP)
        return NULL;
    spin_lock(&vs->lock);
    uint64_t *pte = pt_walk(vs->pml4, ALIGN_DOWN(va, PAGE_SIZE), false, true);
    if (pte && (*pte & (PTE_P | PTE_PROTNONE))) {
        f = frame_of_paddr(*pte & PTE_ADDR);
        frame_get(f);
        if (prot)
            *prot = pte_prot(*pte);
    }
    spin_unlock(&vs->lock);
    return f;
}

void vm_space_activate(struct vm_space *vs)
{
    unsigned long fl = irq_save();
    struct percpu *pc = this_cpu();
    struct vm_space *old = pc->cur_vs;
    uint64_t bit = 1UL << pc->cpu_id;
    if (old != vs) {
        if (vs)
            __atomic_or_fetch(&vs->cpu_mask, bit, __ATOMIC_SEQ_CST);
        write_cr3(virt_to_phys(vs ? vs->pml4 : kernel_pml4));
        if (old)
            __atomic_and_fetch(&old->cpu_mask, ~bit, __ATOMIC_SEQ_CST);
        pc->cur_vs = vs;
    }
    irq_restore(fl);
}

struct vm_space *vm_space_current(void) { return this_cpu()->cur_vs; }

void vm_space_set_fault_handler(struct vm_space *vs, vm_fault_fn fn, void *ctx)
{
    vs->fault_ctx = ctx;
    vs->fault_fn = fn;
}

int vm_space_handle_fault(struct vm_space *vs, uint64_t addr, unsigned fault_flags)
{
    if (!vs->fault_fn || addr >= VM_USER_TOP)
        return -EFAULT;
    return vs->fault_fn(vs->fault_ctx, addr, fault_flags);
}
