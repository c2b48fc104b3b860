// SPDX-License-Identifier: MPL-2.0
// ACPI glue: find the tables, learn CPUs and I/O APICs (MADT) and how to power off (FADT, \_S5).
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <ostd/types.h>
#include <ostd/console.h>
#include <ostd/power.h>
#include <ostd/cpu.h>
#include <lib/acpi.h>
#include <lib/bootinfo.h>
#include <uapi/errno.h>
#include "cpu.h"
#include "mmu.h"
#include "apic.h"
#include "../../internal.h"

uint32_t cpu_apic_ids[MAX_CPUS];
unsigned ncpus_found = 1;
static struct acpi_tables tables;
static struct acpi_fadt_info fadt;
static bool have_fadt, have_s5;
static uint8_t s5_a, s5_b;
static struct acpi_madt_info madt;

static const void *view(void *ctx, uint64_t pa, size_t len)
{
    (void)ctx;
    if (pa + len < pa || pa + len > physmap_limit)
        return NULL;
    return phys_to_virt(pa);
}

static uint64_t find_rsdp(const struct boot_info *bi)
{
    if (bi->rsdp_paddr)
        return bi->rsdp_paddr;
    size_t off;
    uint16_t ebda_seg = *(const uint16_t *)phys_to_virt(0x40e);
    uint64_t ebda = (uint64_t)ebda_seg << 4;
    if (ebda >= 0x80000 && ebda < 0xa0000 && acpi_find_rsdp_in(phys_to_virt(ebda), 1024, &off) == 0)
        return ebda + off;
    if (acpi_find_rsdp_in(phys_to_virt(0xe0000), 0x20000, &off) == 0)
        return 0xe0000 + off;
    return 0;
}

static void parse_madt(void)
{
    uint64_t pa;
    uint32_t len;
    if (acpi_find_table(&tables, "APIC", &pa, &len) < 0 ||
        acpi_parse_madt(view(NULL, pa, len), len, &madt) < 0) {
        pr_warn("acpi: no usable MADT: one CPU, no I/O APIC\n");
        return;
    }
    lapic_paddr = madt.lapic_paddr;
    ncpus_found = MIN(madt.ncpus, (uint32_t)MAX_CPUS);
    for (unsigned i = 0; i < ncpus_found; i++)
        cpu_apic_ids[i] = madt.apic_ids[i];
    for (unsigned i = 0; i < madt.nioapics; i++)
        ioapic_add(madt.ioapics[i].paddr, madt.ioapics[i].gsi_base);
}

static void parse_fadt(void)
{
    uint64_t pa;
    uint32_t len;
    if (acpi_find_table(&tables, "FACP", &pa, &len) < 0 ||
        acpi_parse_fadt(view(NULL, pa, len), len, &fadt) < 0)
        return;
    have_fadt = true;
    const uint8_t *dsdt = view(NULL, fadt.dsdt_paddr, 36);
    if (!dsdt)
        return;
    uint32_t dlen = (uint32_t)dsdt[4] | (uint32_t)dsdt[5] << 8 | (uint32_t)dsdt[6] << 16 | (uint32_t)dsdt[7] << 24;
    dsdt = view(NULL, fadt.dsdt_paddr, dlen);
    if (dsdt && acpi_find_s5(dsdt, dlen, &s5_a, &s5_b) == 0)
        have_s5 = true;
}

void acpi_init(const struct boot_info *bi)
{
    uint64_t rsdp = find_rsdp(bi);
    if (!rsdp || acpi_tables_init(&tables, rsdp, view, NULL) < 0) {
        pr_warn("acpi: no RSDP found; single CPU, power-off via debug exit only\n");
        return;
    }
    parse_madt();
    parse_fadt();
    printk("acpi: %u tables, %u CPU(s), %u I/O APIC(s), PM1a %#x, S5 %s (%u/%u)\n", tables.ntables,
           ncpus_found, madt.nioapics, fadt.pm1a_cnt, have_s5 ? "found" : "missing", s5_a, s5_b);
}

/* ISA IRQ -> GSI with the MADT's interrupt source overrides. */
unsigned irq_isa_to_gsi(unsigned isa_irq, bool *level, bool *active_low)
{
    *level = false;
    *active_low = false;
    for (unsigned i = 0; i < madt.noverrides; i++) {
        if (madt.overrides[i].bus_irq != isa_irq)
            continue;
        uint16_t fl = madt.overrides[i].flags;
        *active_low = (fl & 3) == 3;
        *level = ((fl >> 2) & 3) == 3;
        return madt.overrides[i].gsi;
    }
    return isa_irq;
}

static void acpi_enable_mode(void)
{
    if (!fadt.smi_cmd || !fadt.acpi_enable || !fadt.pm1a_cnt)
        return;
    if (inw((uint16_t)fadt.pm1a_cnt) & 1)
        return;   /* SCI_EN already set */
    outb((uint16_t)fadt.smi_cmd, fadt.acpi_enable);
    for (int i = 0; i < 100000 && !(inw((uint16_t)fadt.pm1a_cnt) & 1); i++)
        __asm__ volatile("pause");
}

static void acpi_s5(void)
{
    if (!have_fadt || !have_s5 || !fadt.pm1a_cnt)
        return;
    acpi_enable_mode();
    /* keep SCI_EN and the other bits; set SLP_TYP and SLP_EN */
    uint16_t a = inw((uint16_t)fadt.pm1a_cnt) & ~(7 << 10);
    outw((uint16_t)fadt.pm1a_cnt, (uint16_t)(a | (s5_a << 10) | (1 << 13)));
    if (fadt.pm1b_cnt) {
        uint16_t b = inw((uint16_t)fadt.pm1b_cnt) & ~(7 << 10);
        outw((uint16_t)fadt.pm1b_cnt, (uint16_t)(b | (s5_b << 10) | (1 << 13)));
    }
}

static void debug_exit(int code)
{
    outl(0xf4, (uint32_t)code);
}

void power_off(int code)
{
    /* CONFIG_DEBUG_HEAP: every clean run ends with a whole-heap redzone/poison check. */
    if (code == 0 && heap_check())
        panic("heap: corruption found by the check at power-off");
    irq_disable();
    if (code == 0)
        profile_dump();   /* CONFIG_PROFILE builds; a clean shutdown only */
    if (code == 0) {
        acpi_s5();
        /* QEMU handles the S5 request asynchronously: give it time before the fallback. */
        uint64_t end = rdtsc() + tsc_khz * 500;
        while (rdtsc() < end)
            __asm__ volatile("pause");
        debug_exit(0);
    } else {
        debug_exit(code);
        acpi_s5();
    }
    for (;;)
        cpu_hlt();
}

void machine_restart(void)
{
    irq_disable();
    if (have_fadt && fadt.reset_supported && fadt.reset_reg_space == 1)
        outb((uint16_t)fadt.reset_reg_addr, fadt.reset_value);
    outb(0x64, 0xfe);
    struct { uint16_t l; uint64_t b; } __attribute__((packed)) null_idt = { 0, 0 };
    __asm__ volatile("lidt %0; int3" :: "m"(null_idt));
    for (;;)
        cpu_hlt();
}

/* The ECAM window of PCI segment 0 from the MCFG table: 0 or -ENOENT. */
int acpi_mcfg(struct acpi_mcfg_info *out)
{
    uint64_t pa;
    uint32_t len;
    if (acpi_find_table(&tables, "MCFG", &pa, &len) < 0)
        return -ENOENT;
    return acpi_parse_mcfg(view(NULL, pa, len), len, out) < 0 ? -ENOENT : 0;
}
