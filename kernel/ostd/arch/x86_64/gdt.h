// SPDX-License-Identifier: MPL-2.0
// Segment selectors and descriptor-table setup (framework-internal).
#ifndef OSTD_ARCH_GDT_H
#define OSTD_ARCH_GDT_H

#include <ostd/types.h>

#define KERNEL_CS  0x10
#define KERNEL_DS  0x18
#define USER_CS32  0x20
#define USER_DS    0x2b
#define USER_CS    0x33
#define TSS_SEL    0x40

struct percpu;
void idt_init(void);
void gdt_load(struct percpu *pc, uint8_t *ist_base, size_t ist_size);
void tss_set_rsp0(struct percpu *pc, uint64_t rsp0);
void syscall_msr_init(void);

#endif
