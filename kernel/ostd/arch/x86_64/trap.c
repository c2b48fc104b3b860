// SPDX-License-Identifier: MPL-2.0
// Trap dispatch: kernel-mode exceptions, interrupts, and exits from user mode.
#include <ostd/types.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include "cpu.h"
#include "percpu.h"
#include "trap.h"
#include "layout.h"
#include "../../internal.h"
#include "../../mm/kstack.h"
#include <uapi/errno.h>

static const char *const exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
    "invalid opcode", "device not available", "double fault", "coprocessor overrun",
    "invalid TSS", "segment not present", "stack fault", "general protection",
    "page fault", "reserved", "x87 FPU error", "alignment check", "machine check",
    "SIMD error", "virtualization", "control protection",
};

struct extable_entry { uint64_t insn, fixup; };
extern const struct extable_entry __extable_start[], __extable_end[];

static irq_handler_fn irq_handlers[256];
static void *irq_ctx[256];

void trap_set_irq_handler(int vec, irq_handler_fn fn, void *ctx)
{
    irq_ctx[vec] = ctx;
    __atomic_store_n(&irq_handlers[vec], fn, __ATOMIC_RELEASE);
}

static const struct extable_entry *extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
        if (e->insn == rip)
            return e;
    return NULL;
}

/* A kernel-mode page fault on a user address inside a user copy: page it in or fix up. */
static bool kernel_user_fault(struct user_regs *f)
{
    const struct extable_entry *e = extable_find(f->rip);
    if (!e)
        return false;
    uint64_t addr = read_cr2();
    struct vm_space *vs = vm_space_current();
    if (vs && addr < USER_TOP) {
        unsigned fl = VM_FAULT_PRESENT * (f->error_code & 1) |
                      ((f->error_code & 2) ? VM_FAULT_WRITE : VM_FAULT_READ);
        if (f->rflags & RFLAGS_IF)
            irq_enable();
        int r = vm_space_handle_fault(vs, addr, fl);
        irq_disable();
        if (r == 0)
            return true;
    }
    f->rip = e->fixup;
    return true;
}

static void dispatch_irq(struct user_regs *f)
{
    int vec = (int)f->vector;
    struct percpu *pc = this_cpu();
    irq_handler_fn fn = __atomic_load_n(&irq_handlers[vec], __ATOMIC_ACQUIRE);
    pc->irq_depth++;
    if (vec == TIMER_VECTOR) {
        profile_sample(f->rip, (f->cs & 3) == 3);
        sched_account_tick((f->cs & 3) == 3);
    }
    if (fn)
        fn(vec, irq_ctx[vec]);
    else if (vec != SPURIOUS_VECTOR)
        pr_warn("unexpected interrupt vector %d on cpu %u\n", vec, pc->cpu_id);
    if (vec != SPURIOUS_VECTOR)
        lapic_eoi();
    pc->irq_depth--;
}

void trap_kernel(struct user_regs *f)
{
    if (f->vector >= 32) {
        dispatch_irq(f);
        if ((f->rflags & RFLAGS_IF) && this_cpu()->preempt_count == 0 && this_cpu()->need_resched)
            sched_preempt_from_irq();
        return;
    }
    if (f->vector == 14 && kernel_user_fault(f))
        return;
    if (f->vector == 13 || f->vector == 12) {
        const struct extable_entry *e = extable_find(f->rip);
        if (e) { f->rip = e->fixup; return; }
    }
    if (f->vector == 8 && kstack_is_guard(read_cr2()))
        panic_with_regs(f, "kernel stack overflow (guard page hit at %#lx)", read_cr2());
    if (f->vector == 14 && kstack_is_guard(read_cr2()))
        panic_with_regs(f, "kernel stack overflow (guard page hit at %#lx)", read_cr2());
    if (f->vector == 2) {
        pr_err("NMI on cpu %u\n", this_cpu()->cpu_id);
        return;
    }
    panic_with_regs(f, "%s (vector %lu, error %#lx) in kernel mode%s",
                    exc_names[f->vector] ? exc_names[f->vector] : "exception",
                    f->vector, f->error_code, f->vector == 14 ? ", see CR2" : "");
}

/* Called on the kernel stack after a user-mode trap (not SYSCALL: entry.S answers that itself) was saved into regs. */
uint64_t user_trap_entered(struct user_regs *regs)
{
    struct user_context *uc = container_of(regs, struct user_context, regs);
    if (regs->vector == 0x80) {
        /* FIXME: the i386 syscall ABI (int 0x80) is not provided; fail it like an unknown syscall. */
        regs->rax = (uint64_t)-ENOSYS;
        return USER_EXIT_INTERRUPT;
    }
    if (regs->vector < 32) {
        if (regs->vector == 14)
            uc->fault_addr = read_cr2();
        if (regs->vector == 2 || regs->vector == 18) {
            pr_err("NMI/MCE while in user mode on cpu %u\n", this_cpu()->cpu_id);
            return USER_EXIT_INTERRUPT;
        }
        return USER_EXIT_EXCEPTION;
    }
    dispatch_irq(regs);
    return USER_EXIT_INTERRUPT;
}

const char *trap_name(uint64_t vec)
{
    return vec < 32 && exc_names[vec] ? exc_names[vec] : "interrupt";
}
