// SPDX-License-Identifier: MPL-2.0
// ACPI table discovery (RSDP, XSDT/RSDT) and MADT, FADT and \_S5_ parsers.
#include <lib/acpi.h>
#include <uapi/errno.h>

#define RSDP_V1_SIZE 20
#define RSDP_V2_MIN 36
#define RSDP_V2_MAX 4096          /* sanity cap on the RSDP length field */
#define ROOT_MAX_ENTRIES 1024     /* entries looked at in the XSDT/RSDT */

/* Offsets into the tables (ACPI spec layouts). */
#define SDT_LENGTH 4
#define MADT_LAPIC_ADDR 36
#define MADT_FLAGS 40
#define MADT_ENTRIES 44
#define MADT_PCAT_COMPAT 1u
#define FADT_V1_SIZE 116
#define FADT_DSDT 40
#define FADT_SCI_INT 46
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_FLAGS 112
#define FADT_RESET_REG 116        /* 12-byte generic address structure */
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184
#define FADT_RESET_REG_SUP (1u << 10)
#define GAS_SIZE 12
#define GAS_SPACE_IO 1

/* AML opcodes used by the \_S5_ matcher. */
#define AML_NAME_OP 0x08
#define AML_ROOT_CHAR 0x5c
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_ONES_OP 0xff
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void zero_bytes(void *dst, size_t n)
{
	unsigned char *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = 0;
}

static bool bytes_eq(const uint8_t *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)s[i])
			return false;
	return true;
}

static bool checksum_ok(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

int acpi_find_rsdp_in(const uint8_t *buf, size_t len, size_t *off)
{
	if (!buf)
		return -ENOENT;
	for (size_t o = 0; o <= len && len - o >= RSDP_V1_SIZE; o += 16) {
		if (bytes_eq(buf + o, "RSD PTR ", 8) &&
		    checksum_ok(buf + o, RSDP_V1_SIZE)) {
			*off = o;
			return 0;
		}
	}
	return -ENOENT;
}

/* The RSDP's root table addresses (xsdt is 0 before revision 2). */
struct rsdp_roots {
	uint64_t xsdt;
	uint32_t rsdt;
};

static int rsdp_validate(struct acpi_tables *t, uint64_t paddr,
			 phys_view_fn view, void *ctx, struct rsdp_roots *roots)
{
	const uint8_t *p = view(ctx, paddr, RSDP_V1_SIZE);
	uint32_t len;

	if (!p)
		return -EFAULT;
	if (!bytes_eq(p, "RSD PTR ", 8) || !checksum_ok(p, RSDP_V1_SIZE))
		return -EINVAL;
	t->rsdp_revision = p[15];
	roots->rsdt = le32(p + 16);
	roots->xsdt = 0;
	if (t->rsdp_revision < 2)
		return 0;
	p = view(ctx, paddr, RSDP_V2_MIN);
	if (!p)
		return -EFAULT;
	len = le32(p + 20);
	if (len < RSDP_V2_MIN || len > RSDP_V2_MAX)
		return -EINVAL;
	p = view(ctx, paddr, len);
	if (!p)
		return -EFAULT;
	if (!checksum_ok(p, len))
		return -EINVAL;
	roots->xsdt = le64(p + 24);
	return 0;
}

/* View a whole system description table after checking length and checksum. */
static int table_view(phys_view_fn view, void *ctx, uint64_t paddr,
		      const uint8_t **out, uint32_t *out_len)
{
	const uint8_t *p;
	uint32_t len;

	if (paddr == 0)
		return -EINVAL;
	p = view(ctx, paddr, ACPI_SDT_HDR_SIZE);
	if (!p)
		return -EFAULT;
	len = le32(p + SDT_LENGTH);
	if (len < ACPI_SDT_HDR_SIZE || len > ACPI_MAX_TABLE_LEN ||
	    paddr > UINT64_MAX - len)
		return -EINVAL;
	p = view(ctx, paddr, len);
	if (!p)
		return -EFAULT;
	if (!checksum_ok(p, len))
		return -EINVAL;
	*out = p;
	*out_len = len;
	return 0;
}

/* Record the table at paddr if valid (and named sig, when sig is given). */
static void record_table(struct acpi_tables *t, uint64_t paddr, const char *sig,
			 phys_view_fn view, void *ctx)
{
	const uint8_t *p;
	uint32_t len;
	struct acpi_table_ref *r;

	if (table_view(view, ctx, paddr, &p, &len) < 0 ||
	    (sig && !bytes_eq(p, sig, 4))) {
		t->nbad++;
		return;
	}
	if (t->ntables >= ACPI_MAX_TABLES) {
		t->ndropped++;
		return;
	}
	r = &t->tables[t->ntables++];
	for (int i = 0; i < 4; i++)
		r->sig[i] = (char)p[i];
	r->paddr = paddr;
	r->len = len;
}

/* Walk an XSDT (entry_size 8) or RSDT (4); fails only if the root is bad. */
static int walk_root(struct acpi_tables *t, uint64_t paddr, uint32_t entry_size,
		     const char *sig, phys_view_fn view, void *ctx)
{
	const uint8_t *p;
	uint32_t len, n;
	int rc = table_view(view, ctx, paddr, &p, &len);

	if (rc < 0)
		return rc;
	if (!bytes_eq(p, sig, 4))
		return -EINVAL;
	n = (len - ACPI_SDT_HDR_SIZE) / entry_size;
	if (n > ROOT_MAX_ENTRIES) {
		t->ndropped += n - ROOT_MAX_ENTRIES;
		n = ROOT_MAX_ENTRIES;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = p + ACPI_SDT_HDR_SIZE + (size_t)i * entry_size;

		record_table(t, entry_size == 8 ? le64(e) : le32(e), NULL, view, ctx);
	}
	return 0;
}

/* The DSDT hangs off the FADT, not the root table: record it too. */
static void record_dsdt(struct acpi_tables *t, phys_view_fn view, void *ctx)
{
	uint64_t paddr;
	uint32_t len;
	const uint8_t *p;
	struct acpi_fadt_info fadt;

	if (acpi_find_table(t, "DSDT", &paddr, &len) == 0 ||
	    acpi_find_table(t, "FACP", &paddr, &len) < 0 ||
	    table_view(view, ctx, paddr, &p, &len) < 0 ||
	    acpi_parse_fadt(p, len, &fadt) < 0 || fadt.dsdt_paddr == 0)
		return;
	record_table(t, fadt.dsdt_paddr, "DSDT", view, ctx);
}

int acpi_tables_init(struct acpi_tables *t, uint64_t rsdp_paddr,
		     phys_view_fn view, void *ctx)
{
	struct rsdp_roots roots;
	int rc;

	zero_bytes(t, sizeof(*t));
	t->rsdp_paddr = rsdp_paddr;
	rc = rsdp_validate(t, rsdp_paddr, view, ctx, &roots);
	if (rc < 0)
		return rc;
	if (roots.xsdt && walk_root(t, roots.xsdt, 8, "XSDT", view, ctx) == 0) {
		t->use_xsdt = true;
		t->root_paddr = roots.xsdt;
	} else if (roots.rsdt &&
		   walk_root(t, roots.rsdt, 4, "RSDT", view, ctx) == 0) {
		t->root_paddr = roots.rsdt;
	} else {
		return -ENOENT;
	}
	record_dsdt(t, view, ctx);
	return 0;
}

int acpi_find_table(const struct acpi_tables *t, const char sig[4],
		    uint64_t *paddr, uint32_t *len)
{
	uint32_t n = t->ntables < ACPI_MAX_TABLES ? t->ntables : ACPI_MAX_TABLES;

	for (uint32_t i = 0; i < n; i++) {
		const struct acpi_table_ref *r = &t->tables[i];

		if (bytes_eq((const uint8_t *)r->sig, sig, 4)) {
			*paddr = r->paddr;
			*len = r->len;
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- MADT ---- */

static void madt_add_cpu(struct acpi_madt_info *out, uint32_t apic_id)
{
	for (uint32_t i = 0; i < out->ncpus; i++)
		if (out->apic_ids[i] == apic_id)
			return;         /* listed as both xAPIC and x2APIC */
	if (out->ncpus >= ACPI_MAX_CPUS) {
		out->dropped++;
		return;
	}
	out->apic_ids[out->ncpus++] = apic_id;
}

static void madt_add_ioapic(struct acpi_madt_info *out, const uint8_t *e)
{
	if (out->nioapics >= ACPI_MAX_IOAPICS) {
		out->dropped++;
		return;
	}
	out->ioapics[out->nioapics++] = (struct acpi_ioapic){
		.id = e[2], .paddr = le32(e + 4), .gsi_base = le32(e + 8) };
}

static void madt_add_override(struct acpi_madt_info *out, const uint8_t *e)
{
	if (e[2] != 0)
		return;                 /* only bus 0 (ISA) is defined */
	if (out->noverrides >= ACPI_MAX_OVERRIDES) {
		out->dropped++;
		return;
	}
	out->overrides[out->noverrides++] = (struct acpi_irq_override){
		.bus_irq = e[3], .gsi = le32(e + 4), .flags = le16(e + 8) };
}

/* One interrupt controller structure of elen (>= 2, in bounds) bytes. */
static void madt_entry(struct acpi_madt_info *out, const uint8_t *e, uint8_t elen)
{
	switch (e[0]) {
	case 0:                         /* processor local APIC */
		if (elen >= 8 && (le32(e + 4) & 3))
			madt_add_cpu(out, e[3]);
		break;
	case 1:                         /* I/O APIC */
		if (elen >= 12)
			madt_add_ioapic(out, e);
		break;
	case 2:                         /* interrupt source override */
		if (elen >= 10)
			madt_add_override(out, e);
		break;
	case 5:                         /* local APIC address override */
		if (elen >= 12)
			out->lapic_paddr = le64(e + 4);
		break;
	case 9:                         /* processor local x2APIC */
		if (elen >= 16 && (le32(e + 8) & 3) && le32(e + 4) != UINT32_MAX)
			madt_add_cpu(out, le32(e + 4));
		break;
	default:
		break;
	}
}

int acpi_parse_madt(const uint8_t *madt, size_t len, struct acpi_madt_info *out)
{
	uint32_t table_len;

	zero_bytes(out, sizeof(*out));
	if (!madt || len < MADT_ENTRIES || !bytes_eq(madt, "APIC", 4))
		return -EINVAL;
	table_len = le32(madt + SDT_LENGTH);
	if (table_len < MADT_ENTRIES)
		return -EINVAL;
	if (table_len < len)
		len = table_len;
	out->lapic_paddr = le32(madt + MADT_LAPIC_ADDR);
	out->has_8259 = (le32(madt + MADT_FLAGS) & MADT_PCAT_COMPAT) != 0;
	for (size_t off = MADT_ENTRIES; off < len;) {
		uint8_t elen;

		if (len - off < 2)
			return -EINVAL;
		elen = madt[off + 1];
		if (elen < 2 || elen > len - off)
			return -EINVAL;
		madt_entry(out, madt + off, elen);
		off += elen;
	}
	return 0;
}

/* ---- FADT ---- */

/* X_PM1x_CNT_BLK if usable as an I/O port, else the 32-bit fallback. */
static uint32_t fadt_x_port(const uint8_t *f, size_t len, size_t off,
			    uint32_t fallback)
{
	uint64_t addr;

	if (len < off + GAS_SIZE)
		return fallback;
	addr = le64(f + off + 4);
	if (f[off] != GAS_SPACE_IO || addr == 0 || addr > 0xffff)
		return fallback;
	return (uint32_t)addr;
}

static void fadt_reset(const uint8_t *f, size_t len, struct acpi_fadt_info *out)
{
	if (len <= FADT_RESET_VALUE)
		return;                 /* ACPI 1.0 table: no reset register */
	out->reset_reg_space = f[FADT_RESET_REG];
	out->reset_reg_addr = le64(f + FADT_RESET_REG + 4);
	out->reset_value = f[FADT_RESET_VALUE];
	out->reset_supported = (out->flags & FADT_RESET_REG_SUP) &&
			       out->reset_reg_addr != 0;
}

int acpi_parse_fadt(const uint8_t *fadt, size_t len, struct acpi_fadt_info *out)
{
	uint32_t table_len;

	zero_bytes(out, sizeof(*out));
	if (!fadt || len < FADT_V1_SIZE || !bytes_eq(fadt, "FACP", 4))
		return -EINVAL;
	table_len = le32(fadt + SDT_LENGTH);
	if (table_len < FADT_V1_SIZE)
		return -EINVAL;
	if (table_len < len)
		len = table_len;
	out->dsdt_paddr = le32(fadt + FADT_DSDT);
	if (len >= FADT_X_DSDT + 8 && le64(fadt + FADT_X_DSDT) != 0)
		out->dsdt_paddr = le64(fadt + FADT_X_DSDT);
	out->sci_irq = le16(fadt + FADT_SCI_INT);
	out->smi_cmd = le32(fadt + FADT_SMI_CMD);
	out->acpi_enable = fadt[FADT_ACPI_ENABLE];
	out->pm1a_cnt = fadt_x_port(fadt, len, FADT_X_PM1A_CNT,
				    le32(fadt + FADT_PM1A_CNT));
	out->pm1b_cnt = fadt_x_port(fadt, len, FADT_X_PM1B_CNT,
				    le32(fadt + FADT_PM1B_CNT));
	out->flags = le32(fadt + FADT_FLAGS);
	fadt_reset(fadt, len, out);
	return 0;
}

/* ---- \_S5_ ---- */

/* Decode a PkgLength at *pos (bounded by len); *pos moves past it. */
static int aml_pkg_length(const uint8_t *aml, size_t len, size_t *pos,
			  uint32_t *plen)
{
	uint8_t lead;
	uint32_t extra, v;

	if (*pos >= len)
		return -EINVAL;
	lead = aml[*pos];
	extra = lead >> 6;
	if (len - *pos < 1 + extra)
		return -EINVAL;
	v = extra ? lead & 0x0fu : lead & 0x3fu;
	for (uint32_t k = 1; k <= extra; k++)
		v |= (uint32_t)aml[*pos + k] << (4 + 8 * (k - 1));
	if (v < 1 + extra)
		return -EINVAL;         /* the length counts its own bytes */
	*pos += 1 + extra;
	*plen = v;
	return 0;
}

/* One integer package element before end; keeps its low byte. */
static int aml_small_int(const uint8_t *aml, size_t end, size_t *pos,
			 uint8_t *out)
{
	size_t width;

	if (*pos >= end)
		return -EINVAL;
	switch (aml[(*pos)++]) {
	case AML_ZERO_OP: *out = 0; return 0;
	case AML_ONE_OP: *out = 1; return 0;
	case AML_ONES_OP: *out = 0xff; return 0;
	case AML_BYTE_PREFIX: width = 1; break;
	case AML_WORD_PREFIX: width = 2; break;
	case AML_DWORD_PREFIX: width = 4; break;
	default: return -EINVAL;
	}
	if (end - *pos < width)
		return -EINVAL;
	*out = aml[*pos];
	*pos += width;
	return 0;
}

/* Parse the PackageOp expected at pos, just after the name. */
static int s5_package(const uint8_t *aml, size_t len, size_t pos,
		      uint8_t *a, uint8_t *b)
{
	size_t start, end;
	uint32_t plen;
	uint8_t count;

	if (pos >= len || aml[pos] != AML_PACKAGE_OP)
		return -EINVAL;
	start = ++pos;
	if (aml_pkg_length(aml, len, &pos, &plen) < 0 || plen > len - start)
		return -EINVAL;
	end = start + plen;
	if (pos >= end)
		return -EINVAL;
	count = aml[pos++];
	if (count == 0 || aml_small_int(aml, end, &pos, a) < 0)
		return -EINVAL;
	if (count == 1) {
		*b = *a;
		return 0;
	}
	return aml_small_int(aml, end, &pos, b);
}

static bool s5_name_at(const uint8_t *aml, size_t i)
{
	if (!bytes_eq(aml + i, "_S5_", 4))
		return false;
	return aml[i - 1] == AML_NAME_OP ||
	       (i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP);
}

int acpi_find_s5(const uint8_t *dsdt, size_t len, uint8_t *slp_typa,
		 uint8_t *slp_typb)
{
	int rc = -ENOENT;

	if (!dsdt)
		return -ENOENT;
	for (size_t i = 1; i + 4 <= len; i++) {
		uint8_t a, b;

		if (!s5_name_at(dsdt, i))
			continue;
		if (s5_package(dsdt, len, i + 4, &a, &b) == 0) {
			*slp_typa = a;
			*slp_typb = b;
			return 0;
		}
		rc = -EINVAL;
	}
	return rc;
}

int acpi_parse_mcfg(const uint8_t *mcfg, size_t len, struct acpi_mcfg_info *out)
{
	/* header (36), 8 reserved bytes, then 16-byte allocation entries */
	if (!mcfg || len < ACPI_SDT_HDR_SIZE + 8 || !bytes_eq(mcfg, "MCFG", 4))
		return -EINVAL;
	size_t tlen = le32(mcfg + 4);
	if (tlen < len)
		len = tlen;
	for (size_t off = ACPI_SDT_HDR_SIZE + 8; off + 16 <= len; off += 16) {
		const uint8_t *e = mcfg + off;
		if (le16(e + 8) != 0 || e[11] < e[10])
			continue;
		out->base = le64(e);
		out->bus_start = e[10];
		out->bus_end = e[11];
		return 0;
	}
	return -ENOENT;
}
