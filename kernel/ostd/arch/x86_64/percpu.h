// SPDX-License-Identifier: MPL-2.0
// Per-CPU data reached through GS base (framework-internal).
#ifndef OSTD_ARCH_PERCPU_H
#define OSTD_ARCH_PERCPU_H

#include <ostd/types.h>
#include <ostd/list.h>
#include <ostd/sync.h>

struct task;
struct vm_space;
struct ktimer;
struct user_context;

/* The first fields are used by assembly at fixed offsets (entry.S). */
struct percpu {
    struct percpu *self;          /* 0: for %gs:0 */
    uint64_t user_rsp_scratch;    /* 8: syscall entry */
    uint64_t uctx_top;            /* 16: end of current user_regs (syscall stack) */
    uint64_t kernel_resume_rsp;   /* 24: where user_mode_run resumes */
    uint64_t cur_uctx;            /* 32: current user_context */
    uint64_t unused;              /* 40 */
    uint32_t cpu_id;
    uint32_t apic_id;
    struct task *current;
    struct task *idle;
    int preempt_count;            /* owned by this CPU */
    bool need_resched;
    bool online;
    int irq_depth;
    /* run queue: guarded by rq_lock */
    spinlock_t rq_lock;
    unsigned nr_running;
    struct task *prev_dead;       /* task to release after a switch */
    /* timers: guarded by timer_lock */
    spinlock_t timer_lock;
    struct list_head timers;
    struct ktimer *running_timer;     /* callback being run by this CPU, or NULL */
    uint64_t ticks;
    /* TSS and GDT of this CPU */
    uint8_t tss[104] __attribute__((aligned(16)));
    uint64_t gdt[10];
    uint8_t *ist_stack;
    uint64_t tlb_gen_seen;
    uint64_t idle_ns, last_idle_enter;
    struct vm_space *cur_vs;          /* active user address space or NULL */
    struct user_context *fpu_owner;   /* whose user FPU state is in the registers */
    uint64_t hw_fs_base, hw_user_gs;  /* what MSR_FS_BASE / MSR_KERNEL_GS hold (user_mode_run) */
};

extern struct percpu percpu_array[];

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}

void percpu_init_cpu(unsigned idx, uint32_t apic_id);
bool percpu_prepare_ap(unsigned idx);
extern bool percpu_ready;

#endif
