// SPDX-License-Identifier: MPL-2.0
// Kernel stacks in their own virtual window, each with an unmapped guard page below it.
#include <ostd/types.h>
#include <ostd/frame.h>
#include <ostd/sync.h>
#include <ostd/cpu.h>
#include "../arch/x86_64/mmu.h"
#include "../internal.h"
#include "frame_internal.h"
#include "kstack.h"

#define KSTACK_WINDOW   0xffffc80000000000UL
#define KSTACK_SLOT     (2 * KSTACK_SIZE)       /* guard + stack, rounded to a power of two */
#define KSTACK_SLOTS    65536UL

static spinlock_t kstack_lock = SPINLOCK_INIT("kstacks");   /* also guards the window's page tables */
static uint64_t next_slot;            /* guarded by kstack_lock */
static uint64_t free_slots[256];      /* recycled slot numbers; guarded by kstack_lock */
static unsigned nfree;

/* Take a slot; *recycled says whether other CPUs may still cache its old translations. */
static uint64_t slot_take(bool *recycled)
{
    unsigned long f = spin_lock_irqsave(&kstack_lock);
    *recycled = nfree != 0;
    uint64_t s = nfree ? free_slots[--nfree] : (next_slot < KSTACK_SLOTS ? next_slot++ : ~0UL);
    spin_unlock_irqrestore(&kstack_lock, f);
    return s;
}

static void slot_give(uint64_t s)
{
    unsigned long f = spin_lock_irqsave(&kstack_lock);
    if (nfree < ARRAY_SIZE(free_slots))
        free_slots[nfree++] = s;     /* else the address range is simply not reused */
    spin_unlock_irqrestore(&kstack_lock, f);
}

static void unmap_pages(uint64_t va, unsigned n)
{
    unsigned long f = spin_lock_irqsave(&kstack_lock);
    for (unsigned i = 0; i < n; i++) {
        uint64_t *pte = pt_walk(kernel_pml4, va + i * PAGE_SIZE, false, false);
        if (pte && (*pte & PTE_P)) {
            frame_put(frame_of_paddr(*pte & PTE_ADDR));
            *pte = 0;
        }
    }
    spin_unlock_irqrestore(&kstack_lock, f);
}

/*
 * Returns the lowest address of a KSTACK_SIZE stack whose page below is never
 * mapped, or NULL. Task context with IRQs enabled: reusing a slot first flushes
 * the stale translations other CPUs may hold (kstack_free only flushes locally,
 * because it runs with IRQs off right after a context switch).
 */
void *kstack_alloc(void)
{
    bool recycled;
    uint64_t s = slot_take(&recycled);
    if (s == ~0UL)
        return NULL;
    uint64_t base = KSTACK_WINDOW + s * KSTACK_SLOT + (KSTACK_SLOT - KSTACK_SIZE);
    if (recycled)
        tlb_shootdown((1UL << cpu_count()) - 1, base, KSTACK_SIZE / PAGE_SIZE);
    uint64_t nx = cpu_has_nx ? PTE_NX : 0;
    for (unsigned i = 0; i < KSTACK_SIZE / PAGE_SIZE; i++) {
        struct frame *f = frame_alloc(0);
        unsigned long fl = spin_lock_irqsave(&kstack_lock);
        uint64_t *pte = f ? pt_walk(kernel_pml4, base + i * PAGE_SIZE, true, false) : NULL;
        if (pte)
            *pte = frame_paddr(f) | PTE_P | PTE_W | nx;
        spin_unlock_irqrestore(&kstack_lock, fl);
        if (!pte) {
            if (f)
                frame_put(f);
            unmap_pages(base, i);
            slot_give(s);
            return NULL;
        }
    }
    return (void *)(uintptr_t)base;
}

/*
 * Precondition: stack came from kstack_alloc and no CPU runs on it any more.
 * Any context (also IRQs off). Other CPUs' stale translations are harmless
 * until the slot is reused: nothing touches a dead stack, and kstack_alloc
 * shoots them down before handing the slot out again.
 */
void kstack_free(void *stack)
{
    uint64_t base = (uint64_t)(uintptr_t)stack;
    unmap_pages(base, KSTACK_SIZE / PAGE_SIZE);
    for (uint64_t i = 0; i < KSTACK_SIZE / PAGE_SIZE; i++)
        tlb_flush_local(base + i * PAGE_SIZE);
    slot_give((base - KSTACK_WINDOW) / KSTACK_SLOT);
}

bool kstack_is_guard(uint64_t addr)
{
    if (addr < KSTACK_WINDOW || addr >= KSTACK_WINDOW + KSTACK_SLOTS * KSTACK_SLOT)
        return false;
    return (addr - KSTACK_WINDOW) % KSTACK_SLOT < KSTACK_SLOT - KSTACK_SIZE;
}
