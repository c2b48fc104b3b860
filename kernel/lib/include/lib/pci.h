// SPDX-License-Identifier: MPL-2.0
// PCI configuration-header logic without hardware access: BAR decoding and capability lists.
#ifndef KEEL_LIB_PCI_H
#define KEEL_LIB_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_CFG_VENDOR      0x00
#define PCI_CFG_DEVICE      0x02
#define PCI_CFG_COMMAND     0x04
#define PCI_CFG_STATUS      0x06
#define PCI_CFG_REVISION    0x08
#define PCI_CFG_CLASS       0x09    /* prog-if, subclass, class: 3 bytes */
#define PCI_CFG_HEADER_TYPE 0x0e
#define PCI_CFG_BAR0        0x10
#define PCI_CFG_SECONDARY_BUS 0x19  /* type 1 (bridge) headers */
#define PCI_CFG_SUBSYS_VENDOR 0x2c
#define PCI_CFG_SUBSYS_ID   0x2e
#define PCI_CFG_CAP_PTR     0x34
#define PCI_CFG_INT_LINE    0x3c
#define PCI_CFG_INT_PIN     0x3d

#define PCI_CMD_IO          0x0001
#define PCI_CMD_MEMORY      0x0002
#define PCI_CMD_MASTER      0x0004
#define PCI_CMD_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST 0x0010

#define PCI_CAP_MSI         0x05
#define PCI_CAP_VENDOR      0x09
#define PCI_CAP_MSIX        0x11

#define PCI_NUM_BARS        6

struct pci_bar_info {
	uint64_t base;          /* bus address (memory) or port number (I/O) */
	uint64_t size;          /* 0: BAR not implemented */
	bool io;                /* I/O-space BAR */
	bool is64;              /* memory BAR taking two slots */
	bool prefetch;
};

/*
 * Decode a BAR from its value (lo, and hi for the upper half of a 64-bit
 * BAR) and the values read back after writing all ones (size_lo, size_hi).
 * Returns 0, or -EINVAL for a reserved memory type.
 */
__attribute__((warn_unused_result))
int pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t size_lo, uint32_t size_hi,
		   struct pci_bar_info *out);

/*
 * Offset of the first capability with this id after offset `after` (0 starts
 * at the list head) in a 256-byte snapshot of a configuration header, or 0
 * when there is none. Malformed lists (pointers into the header, loops) end
 * the walk.
 */
uint8_t pci_cap_find(const uint8_t cfg[256], uint8_t id, uint8_t after);

#endif
