// SPDX-License-Identifier: MPL-2.0
// Local APIC register access for the timer and SMP code (framework-internal).
#ifndef OSTD_ARCH_APIC_H
#define OSTD_ARCH_APIC_H

#include <ostd/types.h>

#define LAPIC_TIMER_LVT   0x320
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR   0x390
#define LAPIC_TIMER_DIV   0x3E0

extern uint64_t lapic_paddr;
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
uint32_t lapic_id(void);
void lapic_send_init_sipi(uint32_t apic_id, uint32_t mode, uint8_t vector);
void ioapic_add(uint32_t paddr, uint32_t gsi_base);

#endif
