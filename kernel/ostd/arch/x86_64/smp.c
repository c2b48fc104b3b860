// SPDX-License-Identifier: MPL-2.0
// SMP: start the application processors, cross-CPU function calls and TLB shootdown.
#include <ostd/types.h>
#include <ostd/console.h>
#include <ostd/cpu.h>
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <ostd/sync.h>
#include <lib/string.h>
#include "cpu.h"
#include "mmu.h"
#include "apic.h"
#include "gdt.h"
#include "percpu.h"
#include "trap.h"
#include "../../internal.h"

extern char trampoline_start[], trampoline_end[];
extern char tr_cr3[], tr_stack[], tr_entry[], tr_cpu[];
extern uint64_t boot_pml4[];

static volatile bool ap_ready;

static void tsc_delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_khz / 1000;
    while (rdtsc() < end)
        __asm__ volatile("pause");
}

/* Offset of a trampoline symbol inside its copy at AP_TRAMPOLINE. */
static void *tr_slot(char *sym)
{
    return phys_to_virt(AP_TRAMPOLINE + (uint64_t)(sym - trampoline_start));
}

static __noreturn void ap_main(uint32_t idx)
{
    paging_enable_features();      /* NXE first: the kernel tables use NX bits */
    write_cr3(virt_to_phys(kernel_pml4));
    percpu_init_cpu(idx, cpu_apic_ids[idx]);
    apic_init_ap();
    fpu_init_cpu();
    syscall_msr_init();
    sched_init_cpu(idx);
    timer_init_ap();
    ap_ready = true;
    irq_enable();
    sched_idle_loop();
}

static bool start_ap(unsigned idx)
{
    uint8_t *stack = kmalloc(KSTACK_SIZE);
    if (!stack || !percpu_prepare_ap(idx))
        return false;
    uint64_t top = (uint64_t)(uintptr_t)(stack + KSTACK_SIZE);
    uint64_t cr3 = (uint64_t)(uintptr_t)boot_pml4;   /* boot section: linked at its physical address */
    uint64_t entry = (uint64_t)(uintptr_t)ap_main;
    uint64_t cpu = idx;
    memcpy(tr_slot(tr_cr3), &cr3, 8);
    memcpy(tr_slot(tr_stack), &top, 8);
    memcpy(tr_slot(tr_entry), &entry, 8);
    memcpy(tr_slot(tr_cpu), &cpu, 8);
    ap_ready = false;
    uint32_t apic = cpu_apic_ids[idx];
    lapic_send_init_sipi(apic, 5, 0);
    tsc_delay_us(10000);
    for (int i = 0; i < 2 && !ap_ready; i++) {
        lapic_send_init_sipi(apic, 6, AP_TRAMPOLINE >> 12);
        tsc_delay_us(200);
    }
    for (int i = 0; i < 1000 && !ap_ready; i++)
        tsc_delay_us(1000);
    return ap_ready;
}

void smp_boot_aps(void)
{
    trap_set_irq_handler(TLB_VECTOR, tlb_ipi_handler, NULL);
    trap_set_irq_handler(CALL_VECTOR, ipi_call_handler, NULL);
    memcpy(phys_to_virt(AP_TRAMPOLINE), trampoline_start, (size_t)(trampoline_end - trampoline_start));
    uint32_t self = this_cpu()->apic_id;
    unsigned idx = 1;
    for (unsigned i = 0; i < ncpus_found && idx < MAX_CPUS; i++) {
        if (cpu_apic_ids[i] == self)
            continue;
        cpu_apic_ids[idx] = cpu_apic_ids[i];
        if (start_ap(idx))
            idx++;
        else
            pr_warn("smp: CPU with APIC id %u did not start\n", cpu_apic_ids[i]);
    }
    cpu_apic_ids[0] = self;
    printk("smp: %u CPU(s) online\n", cpu_count());
}

/* ---- cross-CPU calls: one request at a time, guarded by call_lock ---- */

static spinlock_t call_lock = SPINLOCK_INIT("cpu call");
static void (*call_fn)(void *);
static void *call_arg;
static uint32_t call_pending;

void ipi_call_handler(int vec, void *ctx)
{
    (void)vec;
    (void)ctx;
    call_fn(call_arg);
    __atomic_sub_fetch(&call_pending, 1, __ATOMIC_RELEASE);
}

void cpu_call_all(void (*fn)(void *), void *arg)
{
    spin_lock(&call_lock);
    call_fn = fn;
    call_arg = arg;
    unsigned others = cpu_count() - 1;
    __atomic_store_n(&call_pending, others, __ATOMIC_RELEASE);
    if (others)
        lapic_send_ipi_all_but_self(CALL_VECTOR);
    unsigned long f = irq_save();
    fn(arg);
    irq_restore(f);
    while (__atomic_load_n(&call_pending, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_unlock(&call_lock);
}

/* ---- TLB shootdown: guarded by tlb_lock; waiters keep IRQs on ---- */

static spinlock_t tlb_lock = SPINLOCK_INIT("tlb shootdown");
static uint64_t tlb_va, tlb_npages;
static uint64_t tlb_pending_mask;

static void flush_request(uint64_t va, uint64_t npages)
{
    if (npages > 32) {
        tlb_flush_all_local();
        return;
    }
    for (uint64_t i = 0; i < npages; i++)
        tlb_flush_local(va + i * PAGE_SIZE);
}

void tlb_ipi_handler(int vec, void *ctx)
{
    (void)vec;
    (void)ctx;
    flush_request(tlb_va, tlb_npages);
    __atomic_and_fetch(&tlb_pending_mask, ~(1UL << this_cpu()->cpu_id), __ATOMIC_RELEASE);
}

/* Flush [va, va+npages) on every CPU in cpu_mask (the caller's CPU directly). */
void tlb_shootdown(uint64_t cpu_mask, uint64_t va, uint64_t npages)
{
    preempt_disable();
    unsigned self = this_cpu()->cpu_id;
    flush_request(va, npages);
    uint64_t others = cpu_mask & ~(1UL << self);
    if (!others) {
        preempt_enable();
        return;
    }
    spin_lock(&tlb_lock);
    tlb_va = va;
    tlb_npages = npages;
    __atomic_store_n(&tlb_pending_mask, others, __ATOMIC_RELEASE);
    for (unsigned c = 0; c < cpu_count(); c++)
        if (others & (1UL << c))
            lapic_send_ipi(percpu_array[c].apic_id, TLB_VECTOR);
    while (__atomic_load_n(&tlb_pending_mask, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_unlock(&tlb_lock);
    preempt_enable();
}
