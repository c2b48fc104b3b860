// SPDX-License-Identifier: MPL-2.0
// Local APIC and I/O APIC: interrupts, IPIs, and the legacy PIC switched off.
#include <ostd/types.h>
#include <ostd/console.h>
#include <ostd/panic.h>
#include "cpu.h"
#include "mmu.h"
#include "percpu.h"
#include "trap.h"
#include "apic.h"
#include "../../internal.h"

#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0B0
#define LAPIC_SVR     0x0F0
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310
#define LAPIC_LVT_TMR 0x320
#define LAPIC_LINT0   0x350
#define LAPIC_LINT1   0x360
#define LAPIC_TPR     0x080

uint64_t lapic_paddr = 0xfee00000;
static uint32_t *lapic;                 /* uncached mapping, set once on the BSP */

struct ioapic { uint32_t *regs; uint32_t gsi_base, npins; };
static struct ioapic ioapics[8];
static unsigned nioapics;

uint32_t lapic_read(uint32_t reg) { return *(volatile uint32_t *)(void *)((uint8_t *)lapic + reg); }
void lapic_write(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(void *)((uint8_t *)lapic + reg) = v; }

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }
uint32_t lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

static void pic_disable(void)
{
    /* Remap the 8259s away from the exception vectors, then mask every line. */
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, 0x01); outb(0xA1, 0x01);
    outb(0x21, 0xff); outb(0xA1, 0xff);
}

static void lapic_enable_cpu(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1 << 11));
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_SVR, 0x100 | SPURIOUS_VECTOR);
}

static void ipi_wait(void)
{
    for (int i = 0; i < 1000000 && (lapic_read(LAPIC_ICR_LO) & (1 << 12)); i++)
        __asm__ volatile("pause");
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    unsigned long f = irq_save();
    ipi_wait();
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, vector);
    irq_restore(f);
}

void lapic_send_ipi_all_but_self(uint8_t vector)
{
    unsigned long f = irq_save();
    ipi_wait();
    lapic_write(LAPIC_ICR_HI, 0);
    lapic_write(LAPIC_ICR_LO, vector | (3 << 18));
    irq_restore(f);
}

/* INIT or STARTUP IPI for AP bring-up: mode 5 = INIT, 6 = SIPI. */
void lapic_send_init_sipi(uint32_t apic_id, uint32_t mode, uint8_t vector)
{
    ipi_wait();
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, vector | (mode << 8) | (1 << 14));
    ipi_wait();
}

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
    *(volatile uint32_t *)io->regs = reg;
    return *(volatile uint32_t *)(io->regs + 4);
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)io->regs = reg;
    *(volatile uint32_t *)(io->regs + 4) = v;
}

void ioapic_add(uint32_t paddr, uint32_t gsi_base)
{
    if (nioapics >= ARRAY_SIZE(ioapics))
        return;
    struct ioapic *io = &ioapics[nioapics];
    io->regs = iomap(paddr, 0x20);
    if (!io->regs)
        panic("cannot map the I/O APIC");
    io->gsi_base = gsi_base;
    io->npins = ((ioapic_read(io, 1) >> 16) & 0xff) + 1;
    for (uint32_t pin = 0; pin < io->npins; pin++)
        ioapic_write(io, 0x10 + 2 * pin, 1 << 16);   /* masked */
    nioapics++;
}

void ioapic_route(unsigned gsi, uint8_t vector, unsigned apic_id, bool level, bool active_low)
{
    for (unsigned i = 0; i < nioapics; i++) {
        struct ioapic *io = &ioapics[i];
        if (gsi < io->gsi_base || gsi >= io->gsi_base + io->npins)
            continue;
        uint32_t pin = gsi - io->gsi_base;
        uint32_t lo = vector | (level ? 1u << 15 : 0) | (active_low ? 1u << 13 : 0);
        ioapic_write(io, 0x11 + 2 * pin, apic_id << 24);
        ioapic_write(io, 0x10 + 2 * pin, lo);
        return;
    }
    pr_warn("ioapic: no I/O APIC handles GSI %u\n", gsi);
}

void apic_init_bsp(void)
{
    pic_disable();
    lapic = iomap(lapic_paddr, PAGE_SIZE);
    if (!lapic)
        panic("cannot map the local APIC");
    lapic_enable_cpu();
    this_cpu()->apic_id = lapic_id();
    lapic_write(LAPIC_LINT0, 1 << 16);
    lapic_write(LAPIC_LINT1, (4 << 8));   /* NMI */
}

void apic_init_ap(void)
{
    lapic_enable_cpu();
    lapic_write(LAPIC_LINT0, 1 << 16);
    lapic_write(LAPIC_LINT1, (4 << 8));
}
