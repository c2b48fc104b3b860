// SPDX-License-Identifier: MPL-2.0
// PCI configuration access (ECAM or ports 0xCF8/0xCFC), BAR mapping, MSI-X and INTx routing.
#include <ostd/pci.h>
#include <ostd/console.h>
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <ostd/boot.h>
#include <lib/acpi.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <lib/pci.h>
#include <uapi/errno.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "internal.h"
#include "io_internal.h"

#define MSI_VECTOR_FIRST (IRQ_VECTOR_BASE + 16)  /* below: one vector per ISA IRQ */
#define INTX_MAX_SHARED  4
#define MSIX_MAX_FUNCS   16

static spinlock_t pci_lock = SPINLOCK_INIT("pci");  /* guards the port pair, ECAM maps, tables below */
static struct acpi_mcfg_info mcfg;
static bool have_ecam;
static bool no_msi;                     /* pci=nomsi: devices fall back to INTx */
static uint8_t *ecam_bus[256];          /* guarded by pci_lock: per-bus 1 MiB ECAM mappings */
static unsigned next_vector = MSI_VECTOR_FIRST;    /* guarded by pci_lock */

struct msix_func { pci_bdf_t a; volatile uint32_t *table; unsigned n; };
static struct msix_func msix_funcs[MSIX_MAX_FUNCS];  /* guarded by pci_lock */

struct intx_handler { pci_irq_fn fn; void *ctx; };
static struct intx_handler intx[16][INTX_MAX_SHARED]; /* per ISA line; guarded by pci_lock */

void pci_init(void)
{
    char opt[16];
    no_msi = cmdline_get(boot_cmdline(), "pci", opt, sizeof(opt)) && strcmp(opt, "nomsi") == 0;
    if (acpi_mcfg(&mcfg) == 0) {
        have_ecam = true;
        printk("pci: ECAM at %#lx, buses %u-%u\n", mcfg.base, mcfg.bus_start, mcfg.bus_end);
    } else {
        printk("pci: no MCFG, configuration through ports 0xcf8/0xcfc\n");
    }
}

unsigned pci_cfg_size(void) { return have_ecam ? 4096 : 256; }

static bool bdf_ok(pci_bdf_t a) { return a.dev < 32 && a.fn < 8; }

/* The ECAM address of (a, off), mapping the bus on first use; NULL to use the ports. */
static volatile uint8_t *ecam_locked(pci_bdf_t a, uint16_t off)
{
    if (!have_ecam || a.bus < mcfg.bus_start || a.bus > mcfg.bus_end)
        return NULL;
    if (!ecam_bus[a.bus])
        ecam_bus[a.bus] = iomap(mcfg.base + ((uint64_t)(a.bus - mcfg.bus_start) << 20), 1u << 20);
    if (!ecam_bus[a.bus])
        return NULL;
    return ecam_bus[a.bus] + ((uint32_t)a.dev << 15 | (uint32_t)a.fn << 12 | off);
}

static uint32_t port_addr(pci_bdf_t a, uint16_t off)
{
    return 0x80000000u | (uint32_t)a.bus << 16 | (uint32_t)a.dev << 11 | (uint32_t)a.fn << 8 | (off & 0xfc);
}

/* One aligned access of width 1, 2 or 4; write when wr. Precondition: pci_lock held, args checked. */
static uint32_t cfg_access_locked(pci_bdf_t a, uint16_t off, unsigned width, bool wr, uint32_t v)
{
    volatile uint8_t *p = ecam_locked(a, off);
    if (p) {
        /* SAFETY: p lies in the function's 4 KiB of the mapped ECAM window; off is width-aligned. */
        if (width == 1) { if (wr) *p = (uint8_t)v; else v = *p; }
        else if (width == 2) { if (wr) *(volatile uint16_t *)(void *)p = (uint16_t)v; else v = *(volatile uint16_t *)(void *)p; }
        else { if (wr) *(volatile uint32_t *)(void *)p = v; else v = *(volatile uint32_t *)(void *)p; }
        return v;
    }
    outl(0xcf8, port_addr(a, off));
    uint16_t port = (uint16_t)(0xcfc + (off & 3));
    if (width == 1) { if (wr) outb(port, (uint8_t)v); else v = inb(port); }
    else if (width == 2) { if (wr) outw(port, (uint16_t)v); else v = inw(port); }
    else { if (wr) outl(port, v); else v = inl(port); }
    return v;
}

static uint32_t cfg_rw(pci_bdf_t a, uint16_t off, unsigned width, bool wr, uint32_t v)
{
    if (!bdf_ok(a) || (off & (width - 1)) || off + width > pci_cfg_size())
        return 0xffffffffu;
    unsigned long f = spin_lock_irqsave(&pci_lock);
    v = cfg_access_locked(a, off, width, wr, v);
    spin_unlock_irqrestore(&pci_lock, f);
    return v;
}

uint8_t pci_cfg_read8(pci_bdf_t a, uint16_t off) { return (uint8_t)cfg_rw(a, off, 1, false, 0); }
uint16_t pci_cfg_read16(pci_bdf_t a, uint16_t off) { return (uint16_t)cfg_rw(a, off, 2, false, 0); }
uint32_t pci_cfg_read32(pci_bdf_t a, uint16_t off) { return cfg_rw(a, off, 4, false, 0); }
static void cfg_write16(pci_bdf_t a, uint16_t off, uint16_t v) { cfg_rw(a, off, 2, true, v); }
static void cfg_write32(pci_bdf_t a, uint16_t off, uint32_t v) { cfg_rw(a, off, 4, true, v); }

int pci_set_command(pci_bdf_t a, uint16_t set, uint16_t clear)
{
    const uint16_t allowed = PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE;
    if (((set | clear) & ~allowed) || !bdf_ok(a))
        return -EINVAL;
    unsigned long f = spin_lock_irqsave(&pci_lock);
    uint16_t cmd = (uint16_t)cfg_access_locked(a, PCI_CFG_COMMAND, 2, false, 0);
    cfg_access_locked(a, PCI_CFG_COMMAND, 2, true, (uint16_t)((cmd | set) & ~clear));
    spin_unlock_irqrestore(&pci_lock, f);
    return 0;
}

/* Decode BAR bar, sizing it with decoding off. Precondition: bar < 6. */
static int bar_probe(pci_bdf_t a, unsigned bar, struct pci_bar_info *bi)
{
    uint16_t off = (uint16_t)(PCI_CFG_BAR0 + 4 * bar);
    uint16_t cmd = pci_cfg_read16(a, PCI_CFG_COMMAND);
    uint32_t lo = pci_cfg_read32(a, off), hi = 0, slo, shi = 0;
    bool is64 = !(lo & 1) && ((lo >> 1) & 3) == 2;
    if (is64 && bar == 5)
        return -EINVAL;
    cfg_write16(a, PCI_CFG_COMMAND, cmd & (uint16_t)~(PCI_CMD_IO | PCI_CMD_MEMORY));
    cfg_write32(a, off, 0xffffffffu);
    slo = pci_cfg_read32(a, off);
    cfg_write32(a, off, lo);
    if (is64) {
        hi = pci_cfg_read32(a, off + 4);
        cfg_write32(a, off + 4, 0xffffffffu);
        shi = pci_cfg_read32(a, off + 4);
        cfg_write32(a, off + 4, hi);
    }
    cfg_write16(a, PCI_CFG_COMMAND, cmd);
    return pci_bar_decode(lo, hi, slo, shi, bi);
}

struct iomem *pci_map_bar(pci_bdf_t a, unsigned bar)
{
    struct pci_bar_info bi;
    if (!bdf_ok(a) || bar >= PCI_NUM_BARS || bar_probe(a, bar, &bi) < 0)
        return NULL;
    if (bi.io || !bi.size || !bi.base || bi.size > (256u << 20))
        return NULL;
    void *va = iomap(bi.base, bi.size);
    return va ? iomem_wrap(va, bi.size) : NULL;
}

static uint8_t find_cap(pci_bdf_t a, uint8_t id)
{
    uint8_t cfg[256];
    for (unsigned i = 0; i < 256; i += 4) {
        uint32_t v = pci_cfg_read32(a, (uint16_t)i);
        cfg[i] = (uint8_t)v; cfg[i + 1] = (uint8_t)(v >> 8);
        cfg[i + 2] = (uint8_t)(v >> 16); cfg[i + 3] = (uint8_t)(v >> 24);
    }
    return pci_cap_find(cfg, id, 0);
}

unsigned pci_msix_count(pci_bdf_t a)
{
    uint8_t cap = bdf_ok(a) && !no_msi ? find_cap(a, PCI_CAP_MSIX) : 0;
    return cap ? (pci_cfg_read16(a, cap + 2) & 0x7ff) + 1u : 0;
}

static int alloc_vector(void)
{
    unsigned long f = spin_lock_irqsave(&pci_lock);
    int v = next_vector <= IRQ_VECTOR_LAST ? (int)next_vector++ : -ENOSPC;
    spin_unlock_irqrestore(&pci_lock, f);
    return v;
}

/* The mapped MSI-X table of a (mapped on first use), or NULL. */
static struct msix_func *msix_table(pci_bdf_t a, uint8_t cap)
{
    for (unsigned i = 0; i < MSIX_MAX_FUNCS; i++) {
        struct msix_func *m = &msix_funcs[i];
        if (m->table && m->a.bus == a.bus && m->a.dev == a.dev && m->a.fn == a.fn)
            return m;
    }
    uint32_t tbl = pci_cfg_read32(a, cap + 4);
    unsigned n = (pci_cfg_read16(a, cap + 2) & 0x7ff) + 1u;
    struct pci_bar_info bi;
    if (bar_probe(a, tbl & 7, &bi) < 0 || bi.io || !bi.base || (tbl & ~7u) + n * 16ull > bi.size)
        return NULL;
    void *va = iomap(bi.base + (tbl & ~7u), n * 16);
    unsigned long f = spin_lock_irqsave(&pci_lock);
    struct msix_func *slot = NULL;
    for (unsigned i = 0; i < MSIX_MAX_FUNCS && va && !slot; i++)
        if (!msix_funcs[i].table)
            slot = &msix_funcs[i];
    if (slot)
        *slot = (struct msix_func){ a, va, n };
    spin_unlock_irqrestore(&pci_lock, f);
    return slot;
}

static void msi_trampoline(int vec, void *ctx);

struct msi_target { pci_irq_fn fn; void *ctx; };

int pci_msix_setup(pci_bdf_t a, unsigned entry, pci_irq_fn fn, void *ctx)
{
    uint8_t cap = bdf_ok(a) && !no_msi ? find_cap(a, PCI_CAP_MSIX) : 0;
    if (!cap)
        return -ENODEV;
    struct msix_func *m = msix_table(a, cap);
    if (!m)
        return -ENOMEM;
    if (entry >= m->n)
        return -EINVAL;
    struct msi_target *t = kmalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    *t = (struct msi_target){ fn, ctx };
    int vec = alloc_vector();
    if (vec < 0) {
        kfree(t);
        return vec;
    }
    trap_set_irq_handler(vec, msi_trampoline, t);
    /* SAFETY: entry < n and the table mapping covers n 16-byte entries. */
    volatile uint32_t *e = m->table + entry * 4;
    e[0] = 0xfee00000u | percpu_array[0].apic_id << 12;   /* fixed delivery to the BSP */
    e[1] = 0;
    e[2] = (uint32_t)vec;                                 /* edge-triggered */
    e[3] = 0;                                             /* unmasked */
    uint16_t ctl = pci_cfg_read16(a, cap + 2);
    cfg_write16(a, cap + 2, (uint16_t)((ctl | 0x8000) & ~0x4000));   /* enable, no function mask */
    return 0;
}

static void msi_trampoline(int vec, void *ctx)
{
    (void)vec;
    const struct msi_target *t = ctx;
    t->fn(t->ctx);
}

static void intx_dispatch(int vec, void *ctx)
{
    (void)ctx;
    unsigned line = (unsigned)(vec - IRQ_VECTOR_BASE);
    for (unsigned i = 0; i < INTX_MAX_SHARED; i++) {
        pci_irq_fn fn = __atomic_load_n(&intx[line][i].fn, __ATOMIC_ACQUIRE);
        if (fn)
            fn(intx[line][i].ctx);
    }
}

int pci_intx_setup(pci_bdf_t a, pci_irq_fn fn, void *ctx)
{
    if (!bdf_ok(a))
        return -ENODEV;
    uint8_t pin = pci_cfg_read8(a, PCI_CFG_INT_PIN), line = pci_cfg_read8(a, PCI_CFG_INT_LINE);
    if (pin == 0 || pin > 4 || line >= 16 || line == 4 /* COM1 */)
        return -ENODEV;
    unsigned long f = spin_lock_irqsave(&pci_lock);
    int r = -ENOSPC;
    for (unsigned i = 0; i < INTX_MAX_SHARED && r; i++) {
        if (!intx[line][i].fn) {
            intx[line][i].ctx = ctx;
            __atomic_store_n(&intx[line][i].fn, fn, __ATOMIC_RELEASE);
            r = 0;
        }
    }
    spin_unlock_irqrestore(&pci_lock, f);
    if (r)
        return r;
    bool level, active_low;
    unsigned gsi = irq_isa_to_gsi(line, &level, &active_low);
    /* PCI lines are level-triggered whatever the ISA default says; QEMU drives them active high. */
    trap_set_irq_handler(IRQ_VECTOR_BASE + line, intx_dispatch, NULL);
    ioapic_route(gsi, (uint8_t)(IRQ_VECTOR_BASE + line), percpu_array[0].apic_id, true, active_low);
    return pci_set_command(a, 0, PCI_CMD_INTX_DISABLE);
}
