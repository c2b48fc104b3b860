// SPDX-License-Identifier: MPL-2.0
// Declarations shared between framework modules only (never visible to services).
#ifndef OSTD_INTERNAL_H
#define OSTD_INTERNAL_H

#include <ostd/types.h>

struct user_regs;
struct user_context;
struct boot_info;

/* panic.c */
__noreturn void panic_with_regs(const struct user_regs *f, const char *fmt, ...) __printf(2, 3);
void backtrace_from(uint64_t rbp, uint64_t rip);
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
/* Index of the symbol containing addr (-1 if none) and the name of an index. */
int64_t ksym_index(uint64_t addr);
const char *ksym_name(int64_t index);

/* Sampling profiler (CONFIG_PROFILE builds only; no-ops otherwise). */
#ifdef CONFIG_PROFILE
void profile_sample(uint64_t rip, bool user);
void profile_dump(void);
#else
static inline void profile_sample(uint64_t rip, bool user) { (void)rip; (void)user; }
static inline void profile_dump(void) {}
#endif
extern volatile bool panic_in_progress;

/* console.c */
void console_early_init(void);
void console_write_unlocked(const char *buf, size_t len);

/* sched.c / task.c */
void sched_init_cpu(unsigned cpu);
void sched_start_bsp(void (*first)(void *), void *arg);
__noreturn void sched_idle_loop(void);
void sched_preempt_from_irq(void);
void sched_tick(void);
/* The current task enters / has left user mode (user-time accounting); interrupts off. */
/* Timer tick: charge the current task's user or system ticks (IRQs off). */
void sched_account_tick(bool from_user);

/* user.c */
void fpu_init_cpu(void);
void fpu_task_switch(struct user_context *prev, struct user_context *next);

/* mm */
void frame_init(const struct boot_info *bi);
void heap_init(void);
void vm_init(void);
void tlb_shootdown(uint64_t cpu_mask, uint64_t va, uint64_t npages);
void tlb_ipi_handler(int vec, void *ctx);

/* time / apic / smp */
void apic_init_bsp(void);
void apic_init_ap(void);
void timer_init_bsp(void);
void timer_init_ap(void);
void timer_irq(int vec, void *ctx);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_ipi_all_but_self(uint8_t vector);
void smp_boot_aps(void);
void ipi_call_handler(int vec, void *ctx);
void acpi_init(const struct boot_info *bi);
struct acpi_mcfg_info;
int acpi_mcfg(struct acpi_mcfg_info *out);
void pci_init(void);
void ioapic_route(unsigned gsi, uint8_t vector, unsigned apic_id, bool level, bool active_low);
unsigned irq_isa_to_gsi(unsigned isa_irq, bool *level, bool *active_low);
extern uint32_t cpu_apic_ids[];
extern unsigned ncpus_found;
void tsc_calibrate(void);
uint64_t tsc_to_ns(uint64_t tsc);
extern uint64_t tsc_khz;
/* vvar.c: the vDSO data page */
void vvar_init(uint64_t tsc_base, uint64_t mult, unsigned shift, uint64_t tick_ns);
void vvar_init_cpu(void);
void vvar_set_realtime_offset(int64_t off);

/* trap.c (called from entry.S) */
void trap_kernel(struct user_regs *f);
uint64_t user_trap_entered(struct user_regs *regs);

/* boot.c */
const struct boot_info *boot_get_info(void);

/* more mm */
void frame_release_range(uint64_t start, uint64_t end);
void paging_enable_features(void);

/* sched.c */
void task_mark_sleeping(void);

/* ktest.c */
void ktest_run_all(void);

#endif
