// SPDX-License-Identifier: MPL-2.0
// Interrupt vector allocation and handler registration (framework-internal).
#ifndef OSTD_ARCH_TRAP_H
#define OSTD_ARCH_TRAP_H

#include <ostd/types.h>

#define IRQ_VECTOR_BASE   0x30   /* I/O APIC pins and MSIs: 0x30..0xDF */
#define IRQ_VECTOR_LAST   0xDF
#define TIMER_VECTOR      0xF0
#define TLB_VECTOR        0xF1
#define CALL_VECTOR       0xF2
#define RESCHED_VECTOR    0xF3
#define SPURIOUS_VECTOR   0xFF

struct user_regs;
typedef void (*irq_handler_fn)(int vec, void *ctx);
void trap_set_irq_handler(int vec, irq_handler_fn fn, void *ctx);
const char *trap_name(uint64_t vec);
void lapic_eoi(void);

#endif
