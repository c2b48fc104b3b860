// SPDX-License-Identifier: MPL-2.0
// PCI: configuration space, memory BARs as IoMem handles, MSI-X and INTx interrupts.
#ifndef OSTD_PCI_H
#define OSTD_PCI_H

#include <ostd/types.h>
#include <ostd/iomem.h>

/* One function on segment 0 (dev < 32, fn < 8). */
typedef struct { uint8_t bus, dev, fn; } pci_bdf_t;

/*
 * Configuration reads: ECAM (ACPI MCFG) when the firmware describes it,
 * else the legacy 0xCF8/0xCFC ports. off must be aligned to the width and
 * below pci_cfg_size(); otherwise, and for absent functions, all ones.
 * Task or IRQ context.
 */
uint8_t pci_cfg_read8(pci_bdf_t a, uint16_t off);
uint16_t pci_cfg_read16(pci_bdf_t a, uint16_t off);
uint32_t pci_cfg_read32(pci_bdf_t a, uint16_t off);
/* 4096 with ECAM, 256 with the legacy ports. */
unsigned pci_cfg_size(void);

/*
 * The only configuration write services get: set and clear bits of the
 * command register, limited to I/O and memory decoding, bus mastering and
 * INTx disable (PCI_CMD_* in lib/pci.h). BARs, bridge windows and MSI
 * registers stay under the framework's control. -EINVAL for other bits.
 */
int pci_set_command(pci_bdf_t a, uint16_t set, uint16_t clear) __must_check;

/*
 * Map memory BAR bar (0..5) uncached as a handle covering the whole BAR,
 * sizing it (memory decoding is off while it is probed). NULL for an I/O
 * or unimplemented BAR, an unassigned one (base 0), or out of memory.
 * FIXME: I/O-port BARs have no IoPort handle yet.
 */
struct iomem *pci_map_bar(pci_bdf_t a, unsigned bar) __must_check;

typedef void (*pci_irq_fn)(void *ctx);

/* MSI-X table size of the function, 0 without MSI-X. */
unsigned pci_msix_count(pci_bdf_t a);
/*
 * Route MSI-X table entry `entry` to a fresh CPU vector whose interrupts
 * call fn(ctx) in IRQ context (no sleeping) and unmask the entry; the
 * first call enables MSI-X on the function (which turns INTx off).
 * Task context. -ENODEV without MSI-X, -EINVAL entry out of range,
 * -ENOSPC when no vector is free, -ENOMEM.
 */
int pci_msix_setup(pci_bdf_t a, unsigned entry, pci_irq_fn fn, void *ctx) __must_check;
/*
 * Legacy INTx: route the function's interrupt line (as the firmware
 * assigned it) through the I/O APIC, level-triggered and possibly shared:
 * fn(ctx) runs in IRQ context on every interrupt of the line and must
 * check its device. -ENODEV when the function has no pin or line,
 * -ENOSPC when the line has too many handlers.
 */
int pci_intx_setup(pci_bdf_t a, pci_irq_fn fn, void *ctx) __must_check;

#endif
