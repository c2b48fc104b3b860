// SPDX-License-Identifier: MPL-2.0
// Per-CPU areas and GS-base setup.
#include <ostd/cpu.h>
#include <ostd/heap.h>
#include <lib/string.h>
#include "cpu.h"
#include "percpu.h"
#include "gdt.h"

#define IST_SIZE 8192

struct percpu percpu_array[MAX_CPUS];
static uint8_t bsp_ist[2 * IST_SIZE] __attribute__((aligned(16)));
static unsigned online_cpus;
bool percpu_ready;   /* set once the BSP has a GS base; APs set theirs before any lock */

/* Allocate the IST stacks of an AP before it starts (called on the BSP). */
bool percpu_prepare_ap(unsigned idx)
{
    percpu_array[idx].ist_stack = kmalloc(2 * IST_SIZE);
    return percpu_array[idx].ist_stack != NULL;
}

/* Precondition: called once per CPU, on that CPU, with interrupts off. */
void percpu_init_cpu(unsigned idx, uint32_t apic_id)
{
    struct percpu *pc = &percpu_array[idx];
    pc->self = pc;
    pc->cpu_id = idx;
    pc->apic_id = apic_id;
    spin_init(&pc->rq_lock, "runqueue");
    spin_init(&pc->timer_lock, "timers");
    list_init(&pc->timers);
    uint8_t *ist = idx == 0 ? bsp_ist : pc->ist_stack;   /* APs: allocated by smp.c */
    pc->ist_stack = ist;
    gdt_load(pc, ist, IST_SIZE);   /* reloads GS: set the base only afterwards */
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)pc);
    wrmsr(MSR_KERNEL_GS, 0);
    pc->online = true;
    percpu_ready = true;
    __atomic_add_fetch(&online_cpus, 1, __ATOMIC_SEQ_CST);
}

unsigned cpu_count(void) { return __atomic_load_n(&online_cpus, __ATOMIC_SEQ_CST); }
unsigned cpu_this(void) { return this_cpu()->cpu_id; }
void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

void preempt_disable(void)
{
    this_cpu()->preempt_count++;
    __asm__ volatile("" ::: "memory");
}

void preempt_enable(void)
{
    __asm__ volatile("" ::: "memory");
    this_cpu()->preempt_count--;
}

static bool rdrand_ok(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return r[2] & (1u << 30);
}

uint64_t cpu_random_u64(void)
{
    static uint64_t state;
    if (rdrand_ok()) {
        for (int i = 0; i < 10; i++) {
            uint64_t v;
            uint8_t ok;
            __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
            if (ok)
                return v;
        }
    }
    /* splitmix64 over the TSC: unpredictable enough for AT_RANDOM before a real RNG exists */
    uint64_t z = __atomic_add_fetch(&state, rdtsc() + 0x9e3779b97f4a7c15ULL, __ATOMIC_RELAXED);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t cpu_hwcap(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return r[3];
}
