// SPDX-License-Identifier: MPL-2.0
// Per-CPU GDT, TSS and the shared IDT; SYSCALL MSRs.
#include <ostd/types.h>
#include <lib/string.h>
#include "cpu.h"
#include "percpu.h"
#include "gdt.h"

struct idt_entry {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256];
extern char isr_stubs[];
extern char syscall_entry[];

struct desc_ptr { uint16_t limit; uint64_t base; } __attribute__((packed));

static void idt_set(int vec, int ist, int dpl)
{
    uint64_t addr = (uint64_t)(uintptr_t)(isr_stubs + vec * 16);
    idt[vec] = (struct idt_entry){
        .off_lo = (uint16_t)addr, .sel = KERNEL_CS, .ist = (uint8_t)ist,
        .type = (uint8_t)(0x8E | (dpl << 5)), .off_mid = (uint16_t)(addr >> 16),
        .off_hi = (uint32_t)(addr >> 32), .zero = 0,
    };
}

void idt_init(void)
{
    for (int v = 0; v < 256; v++)
        idt_set(v, 0, 0);
    idt_set(2, 2, 0);   /* NMI on its own stack */
    idt_set(8, 1, 0);   /* double fault on its own stack */
    idt_set(18, 2, 0);  /* machine check */
    idt_set(3, 0, 3);   /* int3 from user mode */
    idt_set(0x80, 0, 3); /* legacy 32-bit syscall gate: answered with -ENOSYS */
}

/* Set the TSS's privilege-0 stack (where user-mode traps land). */
void tss_set_rsp0(struct percpu *pc, uint64_t rsp0)
{
    memcpy(pc->tss + 4, &rsp0, 8);
}

static void tss_set_ist(struct percpu *pc, int n, uint64_t top)
{
    memcpy(pc->tss + 36 + (n - 1) * 8, &top, 8);
}

static void gdt_fill(struct percpu *pc)
{
    uint64_t tss = (uint64_t)(uintptr_t)pc->tss;
    memset(pc->gdt, 0, sizeof(pc->gdt));
    pc->gdt[2] = 0x00af9a000000ffffULL;   /* 0x10 kernel code 64 */
    pc->gdt[3] = 0x00cf92000000ffffULL;   /* 0x18 kernel data */
    pc->gdt[4] = 0x00cffa000000ffffULL;   /* 0x20 user code 32 */
    pc->gdt[5] = 0x00cff2000000ffffULL;   /* 0x28 user data */
    pc->gdt[6] = 0x00affa000000ffffULL;   /* 0x30 user code 64 */
    pc->gdt[8] = (103 & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ULL << 40) |
                 (((tss >> 24) & 0xff) << 56);
    pc->gdt[9] = tss >> 32;
}

/* Load this CPU's GDT/TSS/IDT and reload segments. ist stacks: two, each 8 KiB. */
void gdt_load(struct percpu *pc, uint8_t *ist_base, size_t ist_size)
{
    memset(pc->tss, 0, sizeof(pc->tss));
    uint16_t iomap = sizeof(pc->tss);
    memcpy(pc->tss + 102, &iomap, 2);
    tss_set_ist(pc, 1, (uint64_t)(uintptr_t)(ist_base + ist_size));
    tss_set_ist(pc, 2, (uint64_t)(uintptr_t)(ist_base + 2 * ist_size));
    gdt_fill(pc);
    struct desc_ptr g = { sizeof(pc->gdt) - 1, (uint64_t)(uintptr_t)pc->gdt };
    struct desc_ptr i = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile(
        "lgdt %0\n"
        "pushq %2\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "mov %3, %%ax\n"
        "mov %%ax, %%ds\n"
        "mov %%ax, %%es\n"
        "mov %%ax, %%ss\n"
        "xor %%eax, %%eax\n"
        "mov %%ax, %%fs\n"
        "mov %%ax, %%gs\n"
        "lidt %1\n"
        :: "m"(g), "m"(i), "i"(KERNEL_CS), "i"(KERNEL_DS) : "rax", "memory");
    __asm__ volatile("ltr %w0" :: "r"(TSS_SEL));
}

void syscall_msr_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);   /* SCE */
    wrmsr(MSR_STAR, ((uint64_t)(USER_CS32 | 3) << 48) | ((uint64_t)KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    /* clear IF, TF, DF, AC, NT on entry */
    wrmsr(MSR_FMASK, (1 << 9) | (1 << 8) | (1 << 10) | (1 << 18) | (1 << 14));
}
