// SPDX-License-Identifier: MPL-2.0
// Host unit tests for ACPI discovery and the MADT, FADT and \_S5_ parsers.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#include <lib/acpi.h>
#include <uapi/errno.h>

/* ---- fake physical memory: [MEM_BASE, MEM_BASE + MEM_SIZE) ---- */

#define MEM_BASE 0xe0000u
#define MEM_SIZE 0x40000u

static uint8_t mem[MEM_SIZE];

static const void *view(void *ctx, uint64_t paddr, size_t len)
{
	(void)ctx;
	if (paddr < MEM_BASE || paddr - MEM_BASE > MEM_SIZE ||
	    len > MEM_SIZE - (paddr - MEM_BASE))
		return NULL;
	return mem + (paddr - MEM_BASE);
}

static uint8_t *at(uint64_t paddr)
{
	return mem + (paddr - MEM_BASE);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Set p[csum] so that the n bytes at p sum to zero. */
static void fix_sum(uint8_t *p, size_t n, size_t csum)
{
	uint8_t s = 0;

	p[csum] = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	p[csum] = (uint8_t)-s;
}

static void sdt_header(uint8_t *p, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(p, sig, 4);
	put32(p + 4, len);
	p[8] = rev;
	memcpy(p + 10, "KEELTS", 6);
	memcpy(p + 16, "UNITTEST", 8);
}

static void seal(uint8_t *p)
{
	uint32_t len = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
		       (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;

	fix_sum(p, len, 9);
}

/* ---- a QEMU-like table set ---- */

#define RSDP_AT 0xf5a40u
#define RSDT_AT 0x100000u
#define XSDT_AT 0x100100u
#define FACP_AT 0x101000u
#define APIC_AT 0x102000u
#define DSDT_AT 0x103000u
#define HPET_AT 0x104000u
#define SSDT_AT 0x105000u

static void make_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t *p = at(RSDP_AT);

	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "KEELTS", 6);
	p[15] = rev;
	put32(p + 16, rsdt);
	if (rev >= 2) {
		put32(p + 20, 36);
		put64(p + 24, xsdt);
	}
	fix_sum(p, 20, 8);              /* v1 checksum first: the v2 one covers it */
	if (rev >= 2)
		fix_sum(p, 36, 32);
}

static void make_root(uint64_t paddr, const char *sig, unsigned esz,
		      const uint64_t *ents, unsigned n)
{
	uint8_t *p = at(paddr);

	sdt_header(p, sig, 36 + esz * n, 1);
	for (unsigned i = 0; i < n; i++) {
		if (esz == 8)
			put64(p + 36 + 8 * i, ents[i]);
		else
			put32(p + 36 + 4 * i, (uint32_t)ents[i]);
	}
	seal(p);
}

/* FADT of len bytes (116 = ACPI 1.0, 244 = ACPI 2.0+). */
static void make_fadt(uint64_t paddr, uint32_t len, uint64_t dsdt)
{
	uint8_t *p = at(paddr);

	memset(p, 0, len);
	sdt_header(p, "FACP", len, len > 116 ? 3 : 1);
	put32(p + 40, (uint32_t)dsdt);
	put16(p + 46, 9);
	put32(p + 48, 0xb2);
	p[52] = 0xf1;
	put32(p + 64, 0x604);
	put32(p + 112, 1u << 10);       /* RESET_REG_SUP */
	if (len >= 244) {
		p[116] = 1;             /* reset register: I/O port 0xcf9 */
		p[117] = 8;
		put64(p + 120, 0xcf9);
		p[128] = 0x06;
		put64(p + 140, dsdt);
		p[172] = 1;             /* X_PM1a_CNT_BLK in I/O space */
		p[173] = 16;
		put64(p + 176, 0x604);
	}
	seal(p);
}

/* QEMU's \_S5_: Name (_S5, Package (4) { Zero, Zero, Zero, Zero }). */
static const uint8_t qemu_s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				   0x00, 0x00, 0x00, 0x00 };

static void make_dsdt(uint64_t paddr, const uint8_t *aml, size_t n)
{
	uint8_t *p = at(paddr);

	sdt_header(p, "DSDT", (uint32_t)(36 + n), 1);
	memcpy(p + 36, aml, n);
	seal(p);
}

static void make_simple(uint64_t paddr, const char *sig)
{
	sdt_header(at(paddr), sig, 56, 1);
	seal(at(paddr));
}

/* MADT builder: entries appended after the 44-byte fixed part. */
static uint32_t madt_len;

static void madt_begin(uint32_t lapic, uint32_t flags)
{
	uint8_t *p = at(APIC_AT);

	memset(p, 0, 4096);
	sdt_header(p, "APIC", 44, 3);
	put32(p + 36, lapic);
	put32(p + 40, flags);
	madt_len = 44;
}

static uint8_t *madt_entry(uint8_t type, uint8_t len)
{
	uint8_t *e = at(APIC_AT) + madt_len;

	e[0] = type;
	e[1] = len;
	madt_len += len;
	put32(at(APIC_AT) + 4, madt_len);
	return e;
}

static void madt_lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t *e = madt_entry(0, 8);

	e[2] = uid;
	e[3] = id;
	put32(e + 4, flags);
}

static void madt_x2apic(uint32_t id, uint32_t flags)
{
	uint8_t *e = madt_entry(9, 16);

	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, id);
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi)
{
	uint8_t *e = madt_entry(1, 12);

	e[2] = id;
	put32(e + 4, addr);
	put32(e + 8, gsi);
}

static void madt_iso(uint8_t bus, uint8_t src, uint32_t gsi, uint16_t flags)
{
	uint8_t *e = madt_entry(2, 10);

	e[2] = bus;
	e[3] = src;
	put32(e + 4, gsi);
	put16(e + 8, flags);
}

static void make_qemu_madt(void)
{
	madt_begin(0xfee00000, 1);
	madt_lapic(0, 0, 1);
	madt_lapic(1, 1, 1);
	madt_ioapic(0, 0xfec00000, 0);
	madt_iso(0, 0, 2, 0);
	madt_iso(0, 5, 5, 0xd);
	madt_iso(0, 9, 9, 0xd);
	uint8_t *nmi = madt_entry(4, 6);        /* local APIC NMI: ignored */

	nmi[2] = 0xff;
	nmi[5] = 1;
	seal(at(APIC_AT));
}

/* RSDP rev 2, XSDT + RSDT -> FACP, APIC, HPET; FACP -> DSDT. */
static void make_world(void)
{
	const uint64_t ents[] = { FACP_AT, APIC_AT, HPET_AT };

	memset(mem, 0, sizeof(mem));
	make_rsdp(2, RSDT_AT, XSDT_AT);
	make_root(RSDT_AT, "RSDT", 4, ents, 3);
	make_root(XSDT_AT, "XSDT", 8, ents, 3);
	make_fadt(FACP_AT, 244, DSDT_AT);
	make_qemu_madt();
	make_dsdt(DSDT_AT, qemu_s5, sizeof(qemu_s5));
	make_simple(HPET_AT, "HPET");
}

static struct acpi_tables t;

static void setup(void)
{
	make_world();
	memset(&t, 0xa5, sizeof(t));
}

/* ---- RSDP scan ---- */

START_TEST(rsdp_scan_finds_aligned)
{
	size_t off = 0;
	uint8_t *bios = at(0xe0000);

	ck_assert_int_eq(acpi_find_rsdp_in(bios, 0x20000, &off), 0);
	ck_assert_uint_eq(off, RSDP_AT - 0xe0000);
}
END_TEST

START_TEST(rsdp_scan_rejects)
{
	uint8_t buf[256];
	size_t off = 99;

	memset(buf, 0, sizeof(buf));
	/* unaligned copy: not found */
	memcpy(buf + 8, at(RSDP_AT), 20);
	ck_assert_int_eq(acpi_find_rsdp_in(buf, sizeof(buf), &off), -ENOENT);
	/* bad checksum first, good one later */
	memcpy(buf + 32, at(RSDP_AT), 20);
	buf[32 + 8] ^= 1;
	memcpy(buf + 96, at(RSDP_AT), 20);
	ck_assert_int_eq(acpi_find_rsdp_in(buf, sizeof(buf), &off), 0);
	ck_assert_uint_eq(off, 96);
	/* signature too close to the end to hold a whole RSDP */
	ck_assert_int_eq(acpi_find_rsdp_in(buf, 96 + 19, &off), -ENOENT);
	ck_assert_int_eq(acpi_find_rsdp_in(buf, 96 + 20, &off), 0);
	ck_assert_int_eq(acpi_find_rsdp_in(buf, 0, &off), -ENOENT);
	ck_assert_int_eq(acpi_find_rsdp_in(NULL, 4096, &off), -ENOENT);
}
END_TEST

START_TEST(rsdp_scan_exact_end_no_overread)
{
	/* heap buffer exactly 20 bytes long: ASan catches any over-read */
	uint8_t *buf = malloc(20);
	size_t off = 7;

	memcpy(buf, at(RSDP_AT), 20);
	ck_assert_int_eq(acpi_find_rsdp_in(buf, 20, &off), 0);
	ck_assert_uint_eq(off, 0);
	buf[0] = 'X';
	ck_assert_int_eq(acpi_find_rsdp_in(buf, 20, &off), -ENOENT);
	free(buf);
}
END_TEST

/* ---- tables_init ---- */

static void expect_table(const char *sig, uint64_t paddr)
{
	uint64_t p = 0;
	uint32_t len = 0;

	ck_assert_int_eq(acpi_find_table(&t, sig, &p, &len), 0);
	ck_assert_uint_eq(p, paddr);
	ck_assert_uint_ge(len, 36);
}

START_TEST(tables_xsdt)
{
	uint64_t p;
	uint32_t len;

	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), 0);
	ck_assert(t.use_xsdt);
	ck_assert_uint_eq(t.root_paddr, XSDT_AT);
	ck_assert_uint_eq(t.rsdp_revision, 2);
	ck_assert_uint_eq(t.ntables, 4);
	ck_assert_uint_eq(t.nbad, 0);
	expect_table("FACP", FACP_AT);
	expect_table("APIC", APIC_AT);
	expect_table("HPET", HPET_AT);
	expect_table("DSDT", DSDT_AT);
	ck_assert_int_eq(acpi_find_table(&t, "FACP", &p, &len), 0);
	ck_assert_uint_eq(len, 244);
	ck_assert_int_eq(acpi_find_table(&t, "SSDT", &p, &len), -ENOENT);
}
END_TEST

START_TEST(tables_rsdt_fallback)
{
	at(XSDT_AT)[20] ^= 0x55;        /* XSDT checksum now wrong */
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), 0);
	ck_assert(!t.use_xsdt);
	ck_assert_uint_eq(t.root_paddr, RSDT_AT);
	expect_table("APIC", APIC_AT);
	expect_table("DSDT", DSDT_AT);
}
END_TEST

START_TEST(tables_rsdp_v1)
{
	make_rsdp(0, RSDT_AT, 0);
	make_fadt(FACP_AT, 116, DSDT_AT);
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), 0);
	ck_assert(!t.use_xsdt);
	ck_assert_uint_eq(t.rsdp_revision, 0);
	expect_table("FACP", FACP_AT);
	expect_table("DSDT", DSDT_AT);
}
END_TEST

START_TEST(tables_bad_rsdp)
{
	ck_assert_int_eq(acpi_tables_init(&t, 0x1000, view, NULL), -EFAULT);
	at(RSDP_AT)[12] ^= 1;           /* v1 checksum */
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), -EINVAL);
	make_rsdp(2, RSDT_AT, XSDT_AT);
	at(RSDP_AT)[33] ^= 1;           /* extended checksum */
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), -EINVAL);
	make_rsdp(2, RSDT_AT, XSDT_AT);
	put32(at(RSDP_AT) + 20, 0x7fffffff);    /* absurd RSDP length */
	fix_sum(at(RSDP_AT), 20, 8);
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), -EINVAL);
	memcpy(at(RSDP_AT), "RSD PTX ", 8);
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), -EINVAL);
}
END_TEST

START_TEST(tables_no_valid_root)
{
	at(XSDT_AT)[20] ^= 0x55;
	memcpy(at(RSDT_AT), "XXXX", 4);         /* wrong signature */
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), -ENOENT);
	make_rsdp(2, 0, 0);
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), -ENOENT);
	make_rsdp(0, 0x200000, 0);              /* root outside memory */
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), -ENOENT);
}
END_TEST

START_TEST(tables_bad_entries_skipped)
{
	const uint64_t ents[] = { FACP_AT, 0, APIC_AT, HPET_AT, SSDT_AT,
				  MEM_BASE + MEM_SIZE - 36, 0xfffffffffffffff0ull };

	at(HPET_AT)[40] ^= 1;           /* bad checksum */
	sdt_header(at(SSDT_AT), "SSDT", 20, 1);         /* length < header */
	sdt_header(at(MEM_BASE + MEM_SIZE - 36), "BIGT", 100, 1);  /* past memory */
	make_root(XSDT_AT, "XSDT", 8, ents, 7);
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), 0);
	ck_assert_uint_eq(t.ntables, 3);        /* FACP, APIC, DSDT */
	ck_assert_uint_eq(t.nbad, 5);
	expect_table("APIC", APIC_AT);
	expect_table("DSDT", DSDT_AT);
}
END_TEST

START_TEST(tables_dsdt_wrong_signature)
{
	memcpy(at(DSDT_AT), "SSDT", 4);
	seal(at(DSDT_AT));
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), 0);
	ck_assert_uint_eq(t.ntables, 3);
	ck_assert_uint_eq(t.nbad, 1);
}
END_TEST

START_TEST(tables_overflow)
{
	static uint64_t ents[40];

	for (int i = 0; i < 40; i++)
		ents[i] = HPET_AT;
	make_root(XSDT_AT, "XSDT", 8, ents, 40);
	ck_assert_int_eq(acpi_tables_init(&t, RSDP_AT, view, NULL), 0);
	ck_assert_uint_eq(t.ntables, ACPI_MAX_TABLES);
	ck_assert_uint_eq(t.ndropped, 8);
}
END_TEST

/* ---- MADT ---- */

static struct acpi_madt_info madt;

START_TEST(madt_qemu)
{
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), madt_len, &madt), 0);
	ck_assert_uint_eq(madt.lapic_paddr, 0xfee00000);
	ck_assert(madt.has_8259);
	ck_assert_uint_eq(madt.ncpus, 2);
	ck_assert_uint_eq(madt.apic_ids[0], 0);
	ck_assert_uint_eq(madt.apic_ids[1], 1);
	ck_assert_uint_eq(madt.nioapics, 1);
	ck_assert_uint_eq(madt.ioapics[0].id, 0);
	ck_assert_uint_eq(madt.ioapics[0].paddr, 0xfec00000);
	ck_assert_uint_eq(madt.ioapics[0].gsi_base, 0);
	ck_assert_uint_eq(madt.noverrides, 3);
	ck_assert_uint_eq(madt.overrides[0].bus_irq, 0);
	ck_assert_uint_eq(madt.overrides[0].gsi, 2);
	ck_assert_uint_eq(madt.overrides[2].bus_irq, 9);
	ck_assert_uint_eq(madt.overrides[2].flags, 0xd);
	ck_assert_uint_eq(madt.dropped, 0);
}
END_TEST

START_TEST(madt_cpu_kinds)
{
	madt_begin(0xfee00000, 0);
	madt_lapic(0, 0, 1);            /* enabled */
	madt_lapic(1, 1, 0);            /* disabled: skipped */
	madt_lapic(2, 2, 2);            /* online-capable */
	madt_x2apic(300, 1);
	madt_x2apic(2, 1);              /* duplicate of the xAPIC entry */
	madt_x2apic(301, 0);            /* disabled */
	madt_x2apic(0xffffffff, 1);     /* invalid id */
	uint8_t *e = madt_entry(5, 12); /* 64-bit LAPIC address override */

	put64(e + 4, 0xfee0000000ull);
	madt_iso(1, 3, 3, 0);           /* not ISA: ignored */
	madt_entry(0x7f, 2);            /* unknown type */
	seal(at(APIC_AT));
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), madt_len, &madt), 0);
	ck_assert(!madt.has_8259);
	ck_assert_uint_eq(madt.lapic_paddr, 0xfee0000000ull);
	ck_assert_uint_eq(madt.ncpus, 3);
	ck_assert_uint_eq(madt.apic_ids[0], 0);
	ck_assert_uint_eq(madt.apic_ids[1], 2);
	ck_assert_uint_eq(madt.apic_ids[2], 300);
	ck_assert_uint_eq(madt.noverrides, 0);
}
END_TEST

START_TEST(madt_zero_length_entry)
{
	madt_begin(0xfee00000, 1);
	madt_lapic(0, 0, 1);
	madt_entry(0, 0);               /* would loop forever if trusted */
	madt_len += 30;
	put32(at(APIC_AT) + 4, madt_len);
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), madt_len, &madt), -EINVAL);
	ck_assert_uint_eq(madt.ncpus, 1);       /* entries before it kept */
	at(APIC_AT)[44 + 8 + 1] = 1;            /* length 1 is as bad */
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), madt_len, &madt), -EINVAL);
}
END_TEST

START_TEST(madt_truncated)
{
	uint8_t *buf;

	madt_begin(0xfee00000, 1);
	madt_lapic(0, 0, 1);
	madt_ioapic(0, 0xfec00000, 0);
	seal(at(APIC_AT));
	/* exact-size heap copy cut inside the IOAPIC entry: ASan watches */
	buf = malloc(madt_len - 4);
	memcpy(buf, at(APIC_AT), madt_len - 4);
	ck_assert_int_eq(acpi_parse_madt(buf, madt_len - 4, &madt), -EINVAL);
	ck_assert_uint_eq(madt.ncpus, 1);
	ck_assert_uint_eq(madt.nioapics, 0);
	/* a trailing single byte cannot hold an entry header */
	ck_assert_int_eq(acpi_parse_madt(buf, 44 + 8 + 1, &madt), -EINVAL);
	free(buf);
	/* length field shorter than the buffer: honoured */
	put32(at(APIC_AT) + 4, 44 + 8);
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), 4096, &madt), 0);
	ck_assert_uint_eq(madt.nioapics, 0);
	ck_assert_uint_eq(madt.ncpus, 1);
}
END_TEST

START_TEST(madt_bad_header)
{
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), 43, &madt), -EINVAL);
	ck_assert_int_eq(acpi_parse_madt(NULL, 100, &madt), -EINVAL);
	put32(at(APIC_AT) + 4, 40);
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), madt_len, &madt), -EINVAL);
	memcpy(at(APIC_AT), "APIX", 4);
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), madt_len, &madt), -EINVAL);
}
END_TEST

START_TEST(madt_overflow)
{
	madt_begin(0xfee00000, 1);
	for (int i = 0; i < 70; i++)
		madt_x2apic((uint32_t)i, 1);
	for (int i = 0; i < 10; i++)
		madt_ioapic((uint8_t)i, 0xfec00000 + 0x1000 * i, 24 * i);
	for (int i = 0; i < 20; i++)
		madt_iso(0, (uint8_t)i, i, 0);
	seal(at(APIC_AT));
	ck_assert_int_eq(acpi_parse_madt(at(APIC_AT), madt_len, &madt), 0);
	ck_assert_uint_eq(madt.ncpus, ACPI_MAX_CPUS);
	ck_assert_uint_eq(madt.nioapics, ACPI_MAX_IOAPICS);
	ck_assert_uint_eq(madt.noverrides, ACPI_MAX_OVERRIDES);
	ck_assert_uint_eq(madt.dropped, 6 + 2 + 4);
}
END_TEST

/* ---- FADT ---- */

static struct acpi_fadt_info fadt;

START_TEST(fadt_v1)
{
	make_fadt(FACP_AT, 116, DSDT_AT);
	ck_assert_int_eq(acpi_parse_fadt(at(FACP_AT), 116, &fadt), 0);
	ck_assert_uint_eq(fadt.dsdt_paddr, DSDT_AT);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0x604);
	ck_assert_uint_eq(fadt.pm1b_cnt, 0);
	ck_assert_uint_eq(fadt.sci_irq, 9);
	ck_assert_uint_eq(fadt.smi_cmd, 0xb2);
	ck_assert_uint_eq(fadt.acpi_enable, 0xf1);
	ck_assert(!fadt.reset_supported);       /* flag set but no register */
}
END_TEST

START_TEST(fadt_v3_x_fields)
{
	uint8_t *p = at(FACP_AT);

	put32(p + 40, 0x1234);                  /* stale 32-bit DSDT */
	put32(p + 64, 0x1111);                  /* stale 32-bit PM1a */
	seal(p);
	ck_assert_int_eq(acpi_parse_fadt(p, 244, &fadt), 0);
	ck_assert_uint_eq(fadt.dsdt_paddr, DSDT_AT);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0x604);
	ck_assert(fadt.reset_supported);
	ck_assert_uint_eq(fadt.reset_reg_space, 1);
	ck_assert_uint_eq(fadt.reset_reg_addr, 0xcf9);
	ck_assert_uint_eq(fadt.reset_value, 6);
	ck_assert_uint_eq(fadt.flags, 1u << 10);
}
END_TEST

START_TEST(fadt_x_fallbacks)
{
	uint8_t *p = at(FACP_AT);

	put64(p + 140, 0);                      /* X_DSDT absent */
	p[172] = 0;                             /* X_PM1a in memory space */
	put32(p + 112, 0);                      /* no RESET_REG_SUP */
	ck_assert_int_eq(acpi_parse_fadt(p, 244, &fadt), 0);
	ck_assert_uint_eq(fadt.dsdt_paddr, DSDT_AT);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0x604);
	ck_assert(!fadt.reset_supported);
	/* a table whose length field cuts the X_ fields off */
	put32(p + 4, 140);
	put64(p + 140, 0x99999999);
	ck_assert_int_eq(acpi_parse_fadt(p, 244, &fadt), 0);
	ck_assert_uint_eq(fadt.dsdt_paddr, DSDT_AT);
}
END_TEST

START_TEST(fadt_bad)
{
	ck_assert_int_eq(acpi_parse_fadt(at(FACP_AT), 115, &fadt), -EINVAL);
	ck_assert_int_eq(acpi_parse_fadt(NULL, 244, &fadt), -EINVAL);
	ck_assert_int_eq(acpi_parse_fadt(at(APIC_AT), 244, &fadt), -EINVAL);
	put32(at(FACP_AT) + 4, 100);
	ck_assert_int_eq(acpi_parse_fadt(at(FACP_AT), 244, &fadt), -EINVAL);
}
END_TEST

/* ---- \_S5_ ---- */

static int s5(const uint8_t *aml, size_t n, uint8_t *a, uint8_t *b)
{
	/* exact-size heap copy so ASan catches any over-read */
	uint8_t *copy = malloc(n ? n : 1);
	int rc;

	memcpy(copy, aml, n);
	rc = acpi_find_s5(copy, n, a, b);
	free(copy);
	return rc;
}

START_TEST(s5_qemu)
{
	uint8_t a = 9, b = 9;

	ck_assert_int_eq(s5(at(DSDT_AT), 36 + sizeof(qemu_s5), &a, &b), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(b, 0);
	ck_assert_int_eq(s5(qemu_s5, sizeof(qemu_s5), &a, &b), 0);
}
END_TEST

START_TEST(s5_encodings)
{
	uint8_t a, b;
	/* \_S5_ with root prefix, BytePrefix values */
	const uint8_t root[] = { 0x10, 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x08,
				 0x04, 0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00 };
	/* two-byte PkgLength, One and WordPrefix */
	const uint8_t twobyte[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00,
				    0x02, 0x01, 0x0b, 0x03, 0x00 };
	/* one element: used for both */
	const uint8_t single[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01,
				   0x0a, 0x06 };
	/* DWordPrefix, OnesOp */
	const uint8_t dword[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x02,
				  0x0c, 0x02, 0, 0, 0, 0xff };

	ck_assert_int_eq(s5(root, sizeof(root), &a, &b), 0);
	ck_assert_uint_eq(a, 5);
	ck_assert_uint_eq(b, 7);
	ck_assert_int_eq(s5(twobyte, sizeof(twobyte), &a, &b), 0);
	ck_assert_uint_eq(a, 1);
	ck_assert_uint_eq(b, 3);
	ck_assert_int_eq(s5(single, sizeof(single), &a, &b), 0);
	ck_assert_uint_eq(a, 6);
	ck_assert_uint_eq(b, 6);
	ck_assert_int_eq(s5(dword, sizeof(dword), &a, &b), 0);
	ck_assert_uint_eq(a, 2);
	ck_assert_uint_eq(b, 0xff);
}
END_TEST

START_TEST(s5_absent)
{
	uint8_t a = 1, b = 1;
	const uint8_t s4[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
	const uint8_t str[] = { 0x0d, '_', 'S', '5', '_', 0x00 };  /* a string */

	ck_assert_int_eq(s5(s4, sizeof(s4), &a, &b), -ENOENT);
	ck_assert_int_eq(s5(str, sizeof(str), &a, &b), -ENOENT);
	ck_assert_int_eq(s5(qemu_s5, 0, &a, &b), -ENOENT);
	ck_assert_int_eq(acpi_find_s5(NULL, 100, &a, &b), -ENOENT);
	ck_assert_uint_eq(a, 1);
}
END_TEST

START_TEST(s5_malformed)
{
	uint8_t a = 1, b = 1;
	uint8_t buf[sizeof(qemu_s5)];

	/* every truncation of the QEMU object: no over-read, no success */
	for (size_t n = 0; n < 10; n++)
		ck_assert_int_ne(s5(qemu_s5, n, &a, &b), 0);
	ck_assert_int_eq(s5(qemu_s5, 5, &a, &b), -EINVAL);
	/* PkgLength larger than the buffer */
	memcpy(buf, qemu_s5, sizeof(buf));
	buf[6] = 0x3f;
	ck_assert_int_eq(s5(buf, sizeof(buf), &a, &b), -EINVAL);
	/* 4-byte PkgLength encoding running off the end */
	buf[6] = 0xc0;
	ck_assert_int_eq(s5(buf, 8, &a, &b), -EINVAL);
	/* zero elements, unknown element opcode, prefix without its byte */
	memcpy(buf, qemu_s5, sizeof(buf));
	buf[7] = 0;
	ck_assert_int_eq(s5(buf, sizeof(buf), &a, &b), -EINVAL);
	buf[7] = 2;
	buf[8] = 0x0d;
	ck_assert_int_eq(s5(buf, sizeof(buf), &a, &b), -EINVAL);
	buf[6] = 0x03;                  /* package ends right after 0x0a */
	buf[8] = 0x0a;
	ck_assert_int_eq(s5(buf, sizeof(buf), &a, &b), -EINVAL);
	ck_assert_uint_eq(a, 1);        /* outputs untouched on failure */
	ck_assert_uint_eq(b, 1);
}
END_TEST

START_TEST(s5_skips_bad_candidate)
{
	uint8_t a, b;
	const uint8_t two[] = { 0x08, '_', 'S', '5', '_', 0x13,       /* not a package */
				0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x03,
				0x01 };

	ck_assert_int_eq(s5(two, sizeof(two), &a, &b), 0);
	ck_assert_uint_eq(a, 3);
	ck_assert_uint_eq(b, 1);
}
END_TEST

/* ---- MCFG ---- */

static void mcfg_entry(uint8_t *e, uint64_t base, uint16_t seg, uint8_t b0, uint8_t b1)
{
	memset(e, 0, 16);
	put32(e, (uint32_t)base);
	put32(e + 4, (uint32_t)(base >> 32));
	e[8] = (uint8_t)seg;
	e[9] = (uint8_t)(seg >> 8);
	e[10] = b0;
	e[11] = b1;
}

START_TEST(mcfg_qemu_q35)
{
	uint8_t t[60];
	struct acpi_mcfg_info m;

	memset(t, 0, sizeof(t));
	sdt_header(t, "MCFG", sizeof(t), 1);
	mcfg_entry(t + 44, 0xb0000000, 0, 0, 255);
	ck_assert_int_eq(acpi_parse_mcfg(t, sizeof(t), &m), 0);
	ck_assert_uint_eq(m.base, 0xb0000000);
	ck_assert_uint_eq(m.bus_start, 0);
	ck_assert_uint_eq(m.bus_end, 255);
}
END_TEST

START_TEST(mcfg_picks_segment0_and_checks)
{
	uint8_t t[76];
	struct acpi_mcfg_info m;

	memset(t, 0, sizeof(t));
	sdt_header(t, "MCFG", sizeof(t), 1);
	mcfg_entry(t + 44, 0xc0000000, 1, 0, 63);       /* other segment */
	mcfg_entry(t + 60, 0x1000000000ull, 0, 8, 15);  /* above 4 GiB, buses 8..15 */
	ck_assert_int_eq(acpi_parse_mcfg(t, sizeof(t), &m), 0);
	ck_assert_uint_eq(m.base, 0x1000000000ull);
	ck_assert_uint_eq(m.bus_start, 8);
	ck_assert_uint_eq(m.bus_end, 15);
	/* the table's own length hides the second entry */
	put32(t + 4, 60);
	ck_assert_int_eq(acpi_parse_mcfg(t, sizeof(t), &m), -ENOENT);
	put32(t + 4, 76);
	mcfg_entry(t + 60, 0xb0000000, 0, 9, 8);        /* end bus before start */
	ck_assert_int_eq(acpi_parse_mcfg(t, sizeof(t), &m), -ENOENT);
	ck_assert_int_eq(acpi_parse_mcfg(t, 40, &m), -EINVAL);
	memcpy(t, "APIC", 4);
	ck_assert_int_eq(acpi_parse_mcfg(t, sizeof(t), &m), -EINVAL);
	ck_assert_int_eq(acpi_parse_mcfg(NULL, 0, &m), -EINVAL);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("acpi");
	TCase *tab = tcase_create("tables");
	TCase *mt = tcase_create("madt");
	TCase *ft = tcase_create("fadt");
	TCase *st = tcase_create("s5");

	tcase_add_checked_fixture(tab, setup, NULL);
	tcase_add_test(tab, rsdp_scan_finds_aligned);
	tcase_add_test(tab, rsdp_scan_rejects);
	tcase_add_test(tab, rsdp_scan_exact_end_no_overread);
	tcase_add_test(tab, tables_xsdt);
	tcase_add_test(tab, tables_rsdt_fallback);
	tcase_add_test(tab, tables_rsdp_v1);
	tcase_add_test(tab, tables_bad_rsdp);
	tcase_add_test(tab, tables_no_valid_root);
	tcase_add_test(tab, tables_bad_entries_skipped);
	tcase_add_test(tab, tables_dsdt_wrong_signature);
	tcase_add_test(tab, tables_overflow);
	suite_add_tcase(s, tab);

	tcase_add_checked_fixture(mt, setup, NULL);
	tcase_add_test(mt, madt_qemu);
	tcase_add_test(mt, madt_cpu_kinds);
	tcase_add_test(mt, madt_zero_length_entry);
	tcase_add_test(mt, madt_truncated);
	tcase_add_test(mt, madt_bad_header);
	tcase_add_test(mt, madt_overflow);
	suite_add_tcase(s, mt);

	tcase_add_checked_fixture(ft, setup, NULL);
	tcase_add_test(ft, fadt_v1);
	tcase_add_test(ft, fadt_v3_x_fields);
	tcase_add_test(ft, fadt_x_fallbacks);
	tcase_add_test(ft, fadt_bad);
	suite_add_tcase(s, ft);

	tcase_add_checked_fixture(st, setup, NULL);
	tcase_add_test(st, s5_qemu);
	tcase_add_test(st, s5_encodings);
	tcase_add_test(st, s5_absent);
	tcase_add_test(st, s5_malformed);
	tcase_add_test(st, s5_skips_bad_candidate);
	suite_add_tcase(s, st);

	TCase *mc = tcase_create("mcfg");
	tcase_add_test(mc, mcfg_qemu_q35);
	tcase_add_test(mc, mcfg_picks_segment0_and_checks);
	suite_add_tcase(s, mc);
	return s;
}
