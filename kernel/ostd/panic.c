// SPDX-License-Identifier: MPL-2.0
// Panic: print the reason, registers and a symbolised backtrace, then power off.
#include <ostd/panic.h>
#include <ostd/power.h>
#include <ostd/user.h>
#include <lib/format.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/layout.h"
#include "internal.h"

volatile bool panic_in_progress;

/* Filled in by the second link pass (kernel/tools/gen_ksymtab.py). */
struct ksym { uint64_t addr; uint32_t name_off, pad; };
extern const uint64_t ksymtab_count;
extern const struct ksym ksymtab_syms[];
extern const char ksymtab_names[];
extern char __text_start[], __text_end[];

static void out(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    if (n > 0)
        console_write_unlocked(buf, (size_t)n);
}

int64_t ksym_index(uint64_t addr)
{
    uint64_t lo = 0, hi = ksymtab_count;
    if (hi == 0 || addr < ksymtab_syms[0].addr)
        return -1;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (ksymtab_syms[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    return (int64_t)lo;
}

const char *ksym_name(int64_t index)
{
    if (index < 0 || (uint64_t)index >= ksymtab_count)
        return NULL;
    return ksymtab_names + ksymtab_syms[index].name_off;
}

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    int64_t i = ksym_index(addr);
    if (i < 0)
        return NULL;
    *offset = addr - ksymtab_syms[i].addr;
    return ksym_name(i);
}

static void print_addr(uint64_t addr)
{
    uint64_t off = 0;
    const char *name = ksym_lookup(addr, &off);
    if (name)
        out("  [<%016lx>] %s+%#lx\n", addr, name, off);
    else
        out("  [<%016lx>] ?\n", addr);
}

static bool text_addr(uint64_t a)
{
    return a >= (uint64_t)(uintptr_t)__text_start && a < (uint64_t)(uintptr_t)__text_end;
}

/* Walk the frame-pointer chain from rbp; rip (if non-zero) is printed first. */
void backtrace_from(uint64_t rbp, uint64_t rip)
{
    out("Backtrace:\n");
    if (rip)
        print_addr(rip);
    for (int depth = 0; depth < 32 && rbp >= PHYSMAP_BASE && (rbp & 7) == 0; depth++) {
        /* Frame-pointer chain: [rbp] = caller rbp, [rbp+8] = return address. */
        const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1];
        if (!text_addr(ret))
            break;
        print_addr(ret - 1);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

static void dump_regs(const struct user_regs *f)
{
    out("RIP: %#018lx CS: %#lx RFLAGS: %#018lx\n", f->rip, f->cs, f->rflags);
    out("RSP: %#018lx SS: %#lx ERR: %#lx CR2: %#018lx\n", f->rsp, f->ss, f->error_code, read_cr2());
    out("RAX: %#018lx RBX: %#018lx RCX: %#018lx\n", f->rax, f->rbx, f->rcx);
    out("RDX: %#018lx RSI: %#018lx RDI: %#018lx\n", f->rdx, f->rsi, f->rdi);
    out("RBP: %#018lx R8:  %#018lx R9:  %#018lx\n", f->rbp, f->r8, f->r9);
    out("R10: %#018lx R11: %#018lx R12: %#018lx\n", f->r10, f->r11, f->r12);
    out("R13: %#018lx R14: %#018lx R15: %#018lx\n", f->r13, f->r14, f->r15);
    out("CR3: %#018lx CR4: %#018lx\n", read_cr3(), read_cr4());
}

static __noreturn void panic_common(const struct user_regs *f, const char *fmt, va_list ap)
{
    irq_disable();
    if (__atomic_exchange_n(&panic_in_progress, true, __ATOMIC_SEQ_CST)) {
        for (;;)
            cpu_hlt();
    }
    char buf[256];
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    (void)n;
    unsigned cpu = percpu_ready ? this_cpu()->cpu_id : 0;
    out("\nKERNEL PANIC on cpu %u: %s\n", cpu, buf);
    if (f) {
        dump_regs(f);
        backtrace_from(f->rbp, f->rip);
    } else {
        backtrace_from((uint64_t)(uintptr_t)__builtin_frame_address(0), 0);
    }
    out("---[ end kernel panic ]---\n");
    power_off(0x7e);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_common(NULL, fmt, ap);
}

void panic_with_regs(const struct user_regs *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    panic_common(f, fmt, ap);
}

/* Stack protector: -mstack-protector-guard=global uses this guard. */
uint64_t __stack_chk_guard = 0x5f3c9a1e7d2b4c68ULL;
__noreturn void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    panic("stack protector: stack smashed in %p", __builtin_return_address(0));
}
