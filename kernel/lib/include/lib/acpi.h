// SPDX-License-Identifier: MPL-2.0
// ACPI table discovery and parsers for the MADT, FADT and the DSDT's \_S5_ object.
#ifndef KEEL_LIB_ACPI_H
#define KEEL_LIB_ACPI_H

/*
 * Pure parsers: firmware memory is reached only through phys_view_fn, and
 * every length found in a table is checked against what was viewed. Sizes
 * (beyond the original brief): struct acpi_tables holds ACPI_MAX_TABLES
 * entries; acpi_madt_info counts what did not fit in `dropped`; the FADT
 * info also carries the raw `flags` word. Signatures are 4 bytes, not
 * NUL-terminated.
 */

#include <lib/bootinfo.h>

#define ACPI_MAX_TABLES 32
#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_SDT_HDR_SIZE 36
#define ACPI_MAX_TABLE_LEN (16u << 20)  /* larger tables are treated as corrupt */

struct acpi_table_ref {
	char sig[4];
	uint64_t paddr;
	uint32_t len;
};

struct acpi_tables {
	uint64_t rsdp_paddr;
	uint8_t rsdp_revision;
	bool use_xsdt;                  /* root is the XSDT (else the RSDT) */
	uint64_t root_paddr;
	uint32_t ntables;
	struct acpi_table_ref tables[ACPI_MAX_TABLES];
	uint32_t nbad;                  /* entries skipped: unviewable, bad length or checksum */
	uint32_t ndropped;              /* valid tables beyond ACPI_MAX_TABLES */
};

/*
 * Scan buf (whose first byte is 16-byte aligned in physical memory) for an
 * RSDP: "RSD PTR " on a 16-byte boundary with a valid ACPI 1.0 checksum.
 * Used on the EBDA's first KiB and on 0xE0000-0xFFFFF.
 * Returns 0 with *off set to its offset in buf, or -ENOENT.
 */
__attribute__((warn_unused_result))
int acpi_find_rsdp_in(const uint8_t *buf, size_t len, size_t *off);

/*
 * Validate the RSDP at rsdp_paddr (checksum; for revision >= 2 also its
 * length and extended checksum), then walk the XSDT (preferred, when
 * valid) or the RSDT, recording each table whose header, length and
 * checksum are valid. The DSDT, which the FADT points to rather than the
 * root table, is recorded too when valid. Returns 0, -EFAULT if the RSDP
 * is not viewable, -EINVAL if it is invalid, -ENOENT if no valid root table.
 */
__attribute__((warn_unused_result))
int acpi_tables_init(struct acpi_tables *t, uint64_t rsdp_paddr,
		     phys_view_fn view, void *ctx);

/* First recorded table with signature sig: 0 with *paddr, *len set, or -ENOENT. */
__attribute__((warn_unused_result))
int acpi_find_table(const struct acpi_tables *t, const char sig[4],
		    uint64_t *paddr, uint32_t *len);

struct acpi_ioapic {
	uint32_t id, paddr, gsi_base;
};

struct acpi_irq_override {
	uint8_t bus_irq;
	uint32_t gsi;
	uint16_t flags;                 /* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
};

struct acpi_madt_info {
	uint64_t lapic_paddr;
	uint32_t ncpus;
	uint32_t apic_ids[ACPI_MAX_CPUS];       /* enabled or online-capable CPUs */
	uint32_t nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	uint32_t noverrides;
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
	bool has_8259;                  /* PCAT_COMPAT: legacy PICs present */
	uint32_t dropped;               /* entries that did not fit the arrays */
};

/*
 * Parse a MADT ("APIC") of len bytes (the table's own length field is
 * honoured when smaller). Local APIC and x2APIC entries that are enabled or
 * online-capable, IOAPICs, ISA interrupt source overrides and the 64-bit
 * local APIC address override are recorded. Returns 0; -EINVAL for a wrong
 * signature or short table, or at a malformed entry (entry length < 2 or
 * past the end) -- *out then holds the entries before it.
 */
__attribute__((warn_unused_result))
int acpi_parse_madt(const uint8_t *madt, size_t len, struct acpi_madt_info *out);

struct acpi_fadt_info {
	uint32_t pm1a_cnt, pm1b_cnt;    /* I/O ports; 0 if absent */
	uint64_t dsdt_paddr;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint16_t sci_irq;
	uint8_t reset_reg_space;        /* GAS address space: 0 memory, 1 I/O, 2 PCI config */
	uint64_t reset_reg_addr;
	uint8_t reset_value;
	bool reset_supported;           /* RESET_REG_SUP set and the register present */
	uint32_t flags;                 /* raw FADT flags word */
};

/*
 * Parse a FADT ("FACP") of len bytes (at least the 116-byte ACPI 1.0
 * layout). X_ fields are preferred when the table is long enough and they
 * are nonzero (X_PM1x_CNT_BLK only when in I/O space); otherwise the 32-bit
 * fields are used. Returns 0 or -EINVAL.
 */
__attribute__((warn_unused_result))
int acpi_parse_fadt(const uint8_t *fadt, size_t len, struct acpi_fadt_info *out);

/*
 * Find Name(\_S5_, Package(){...}) in AML (a whole DSDT/SSDT or just its
 * body) and return the first two elements, the SLP_TYP values for PM1a and
 * PM1b (a one-element package gives the same value for both). Elements may
 * be ZeroOp, OneOp, OnesOp or Byte/Word/DWord constants (low byte kept).
 * Returns 0, -ENOENT if absent, -EINVAL if only malformed candidates exist.
 */
__attribute__((warn_unused_result))
int acpi_find_s5(const uint8_t *dsdt, size_t len, uint8_t *slp_typa,
		 uint8_t *slp_typb);

struct acpi_mcfg_info {
	uint64_t base;                  /* ECAM base of bus 0 of the segment */
	uint8_t bus_start, bus_end;
};

/*
 * Parse an MCFG table of len bytes and return its first segment-0 entry
 * (ECAM window). Returns 0, -EINVAL for a wrong signature or short table,
 * -ENOENT when no entry describes segment 0.
 */
__attribute__((warn_unused_result))
int acpi_parse_mcfg(const uint8_t *mcfg, size_t len, struct acpi_mcfg_info *out);

#endif
