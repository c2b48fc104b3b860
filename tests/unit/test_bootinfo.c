// SPDX-License-Identifier: MPL-2.0
// Host unit tests for the multiboot2/PVH parsers and the memory map normaliser.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#include <lib/bootinfo.h>
#include <uapi/errno.h>

/* ---- fake physical memory: [MEM_BASE, MEM_BASE + MEM_SIZE) ---- */

#define MEM_BASE 0x100000u
#define MEM_SIZE 0x20000u

static uint8_t mem[MEM_SIZE];
static unsigned nviews;

static const void *view(void *ctx, uint64_t paddr, size_t len)
{
	(void)ctx;
	nviews++;
	if (paddr < MEM_BASE || paddr - MEM_BASE > MEM_SIZE ||
	    len > MEM_SIZE - (paddr - MEM_BASE))
		return NULL;
	return mem + (paddr - MEM_BASE);
}

static uint8_t *at(uint64_t paddr)
{
	return mem + (paddr - MEM_BASE);
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

static struct boot_info bi;

static void setup(void)
{
	memset(mem, 0, sizeof(mem));
	memset(&bi, 0xa5, sizeof(bi));     /* parsers must reset everything */
	nviews = 0;
}

/* ---- multiboot2 builder ---- */

#define MB2_AT (MEM_BASE + 0x1000)

struct mb2 {
	uint32_t off;
};

static uint8_t *mb2_tag(struct mb2 *m, uint32_t type, uint32_t size)
{
	uint8_t *t = at(MB2_AT) + m->off;

	put32(t, type);
	put32(t + 4, size);
	m->off += (size + 7) & ~7u;
	return t;
}

static void mb2_str(struct mb2 *m, uint32_t type, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;

	memcpy(mb2_tag(m, type, 8 + n) + 8, s, n);
}

static void mb2_module(struct mb2 *m, uint32_t start, uint32_t end, const char *s)
{
	uint32_t n = (uint32_t)strlen(s) + 1;
	uint8_t *t = mb2_tag(m, 3, 16 + n);

	put32(t + 8, start);
	put32(t + 12, end);
	memcpy(t + 16, s, n);
}

struct ent {
	uint64_t base, len;
	uint32_t type;
};

static void mb2_mmap(struct mb2 *m, const struct ent *e, int n, uint32_t esz)
{
	uint8_t *t = mb2_tag(m, 6, 16 + (uint32_t)n * esz);

	put32(t + 8, esz);
	put32(t + 12, 0);
	for (int i = 0; i < n; i++) {
		put64(t + 16 + i * esz, e[i].base);
		put64(t + 24 + i * esz, e[i].len);
		put32(t + 32 + i * esz, e[i].type);
	}
}

static uint32_t mb2_end(struct mb2 *m)
{
	mb2_tag(m, 0, 8);
	put32(at(MB2_AT), m->off);
	return m->off;
}

static const struct ent qemu_map[] = {
	{ 0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0x7ee0000, 1 },
	{ 0x7fe0000, 0x20000, 2 },
	{ 0xfffc0000, 0x40000, 2 },
};

START_TEST(mb2_full)
{
	struct mb2 m = { 8 };
	uint8_t *acpi_new, *acpi_old;

	mb2_str(&m, 1, "console=ttyS0 root=/dev/vda1");
	mb2_str(&m, 2, "GRUB 2.06");
	mb2_module(&m, 0x200000, 0x280000, "initrd");
	mb2_module(&m, 0x300000, 0x300100, "");
	mb2_mmap(&m, qemu_map, 6, 24);
	acpi_old = mb2_tag(&m, 14, 8 + 20);
	acpi_new = mb2_tag(&m, 15, 8 + 36);
	mb2_tag(&m, 21, 12);    /* unknown tag: skipped */
	uint32_t total = mb2_end(&m);

	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_str_eq(bi.cmdline, "console=ttyS0 root=/dev/vda1");
	ck_assert_str_eq(bi.loader, "GRUB 2.06");
	ck_assert_uint_eq(bi.nmodules, 2);
	ck_assert_uint_eq(bi.modules[0].start, 0x200000);
	ck_assert_uint_eq(bi.modules[0].end, 0x280000);
	ck_assert_str_eq(bi.modules[0].cmdline, "initrd");
	ck_assert_str_eq(bi.modules[1].cmdline, "");
	ck_assert_uint_eq(bi.nregions, 6);
	ck_assert_uint_eq(bi.regions[3].base, 0x100000);
	ck_assert_uint_eq(bi.regions[3].len, 0x7ee0000);
	ck_assert_uint_eq(bi.regions[3].type, BOOT_MEM_USABLE);
	ck_assert_uint_eq(bi.rsdp_paddr, MB2_AT + (uint64_t)(acpi_new - at(MB2_AT)) + 8);
	ck_assert_uint_ne(bi.rsdp_paddr, MB2_AT + (uint64_t)(acpi_old - at(MB2_AT)) + 8);
	ck_assert_uint_eq(bi.info_start, MB2_AT);
	ck_assert_uint_eq(bi.info_end, MB2_AT + total);
	ck_assert_uint_eq(bi.dropped_modules, 0);
	ck_assert_uint_eq(bi.dropped_regions, 0);
}
END_TEST

START_TEST(mb2_defaults_and_old_rsdp)
{
	struct mb2 m = { 8 };
	uint8_t *acpi_old = mb2_tag(&m, 14, 8 + 20);

	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_str_eq(bi.loader, "multiboot2");
	ck_assert_str_eq(bi.cmdline, "");
	ck_assert_uint_eq(bi.nmodules, 0);
	ck_assert_uint_eq(bi.nregions, 0);
	ck_assert_uint_eq(bi.rsdp_paddr, MB2_AT + (uint64_t)(acpi_old - at(MB2_AT)) + 8);
}
END_TEST

START_TEST(mb2_meminfo_fallback)
{
	struct mb2 m = { 8 };
	uint8_t *t = mb2_tag(&m, 4, 16);

	put32(t + 8, 639);
	put32(t + 12, 130048);
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nregions, 2);
	ck_assert_uint_eq(bi.regions[0].base, 0);
	ck_assert_uint_eq(bi.regions[0].len, 639 * 1024);
	ck_assert_uint_eq(bi.regions[1].base, 0x100000);
	ck_assert_uint_eq(bi.regions[1].len, 130048ull * 1024);
}
END_TEST

START_TEST(mb2_meminfo_ignored_with_mmap)
{
	struct mb2 m = { 8 };
	uint8_t *t = mb2_tag(&m, 4, 16);

	put32(t + 8, 639);
	put32(t + 12, 1);
	mb2_mmap(&m, qemu_map, 2, 24);
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nregions, 2);
	ck_assert_uint_eq(bi.regions[1].type, BOOT_MEM_RESERVED);
}
END_TEST

START_TEST(mb2_mmap_entry_size_and_types)
{
	struct mb2 m = { 8 };
	struct ent e[] = { { 0x1000, 0x1000, 7 }, { 0x2000, 0x1000, 3 },
			   { 0x3000, 0x1000, 4 }, { 0x4000, 0x1000, 5 },
			   { 0x5000, 0, 1 } };

	mb2_mmap(&m, e, 5, 32);         /* larger entries, future version */
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nregions, 4);      /* empty one skipped */
	ck_assert_uint_eq(bi.regions[0].type, BOOT_MEM_RESERVED);
	ck_assert_uint_eq(bi.regions[1].type, BOOT_MEM_ACPI_RECLAIM);
	ck_assert_uint_eq(bi.regions[2].type, BOOT_MEM_ACPI_NVS);
	ck_assert_uint_eq(bi.regions[3].type, BOOT_MEM_BAD);
}
END_TEST

START_TEST(mb2_mmap_bad_entry_size_no_loop)
{
	struct mb2 m = { 8 };
	uint8_t *t = mb2_tag(&m, 6, 16 + 48);

	put32(t + 8, 0);                /* entry_size 0 must not loop */
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nregions, 0);
}
END_TEST

START_TEST(mb2_truncation)
{
	struct mb2 m = { 8 };
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	mb2_str(&m, 1, big);
	mb2_str(&m, 2, "a boot loader with a rather long name indeed");
	mb2_module(&m, 0x1000, 0x2000, big);
	for (int i = 0; i < 17; i++)
		mb2_module(&m, 0x1000, 0x2000, "m");
	mb2_module(&m, 0x3000, 0x2000, "backwards");
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	ck_assert_uint_eq(strlen(bi.loader), BOOT_LOADER_MAX - 1);
	ck_assert_uint_eq(strlen(bi.modules[0].cmdline), BOOT_MODULE_CMDLINE_MAX - 1);
	ck_assert_uint_eq(bi.nmodules, BOOT_MAX_MODULES);
	ck_assert_uint_eq(bi.dropped_modules, 3);
}
END_TEST

START_TEST(mb2_string_without_nul)
{
	struct mb2 m = { 8 };
	uint8_t *t = mb2_tag(&m, 1, 8 + 5);

	memcpy(t + 8, "abcde", 5);      /* no terminator inside the tag */
	memset(t + 13, 'Z', 3);         /* padding bytes must not be read */
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_str_eq(bi.cmdline, "abcde");
}
END_TEST

START_TEST(mb2_malformed)
{
	struct mb2 m = { 8 };
	uint8_t *t;

	/* header not viewable */
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, 0x1000, view, NULL), -EFAULT);
	/* total_size too small, too large, beyond memory */
	put32(at(MB2_AT), 8);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), -EINVAL);
	put32(at(MB2_AT), 0xffffffff);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), -EINVAL);
	put32(at(MEM_BASE + MEM_SIZE - 16), 64);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MEM_BASE + MEM_SIZE - 16,
						  view, NULL), -EFAULT);
	/* tag running past total_size */
	t = mb2_tag(&m, 1, 8 + 100);
	put32(at(MB2_AT), 32);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), -EINVAL);
	/* tag size below the header size (0 would loop forever) */
	put32(t + 4, 0);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), -EINVAL);
	/* no end tag */
	put32(t + 4, 8);
	put32(t + 8, 1);
	put32(t + 12, 8);
	put32(at(MB2_AT), 8 + 16);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), -EINVAL);
	/* end tag followed by an odd remainder is fine */
	put32(t + 8, 0);
	put32(at(MB2_AT), 8 + 16 + 3);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
}
END_TEST

START_TEST(mb2_short_tags_ignored)
{
	struct mb2 m = { 8 };

	mb2_tag(&m, 3, 12);             /* module too short */
	mb2_tag(&m, 4, 12);             /* meminfo too short */
	mb2_tag(&m, 6, 12);             /* mmap too short */
	mb2_tag(&m, 14, 8 + 19);        /* RSDP copy too short */
	mb2_tag(&m, 15, 8 + 35);
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nmodules, 0);
	ck_assert_uint_eq(bi.dropped_modules, 1);
	ck_assert_uint_eq(bi.nregions, 0);
	ck_assert_uint_eq(bi.rsdp_paddr, 0);
}
END_TEST

START_TEST(mb2_many_regions)
{
	struct mb2 m = { 8 };
	static struct ent e[300];

	/* 300 touching usable pages compact to one region. */
	for (int i = 0; i < 300; i++)
		e[i] = (struct ent){ 0x100000 + i * 0x1000ull, 0x1000, 1 };
	mb2_mmap(&m, e, 300, 24);
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), 0);
	bootinfo_sanitize_memmap(&bi);
	ck_assert_uint_eq(bi.nregions, 1);
	ck_assert_uint_eq(bi.regions[0].len, 300 * 0x1000);
	ck_assert_uint_eq(bi.dropped_regions, 0);
}
END_TEST

START_TEST(mb2_too_many_reserved)
{
	struct mb2 m = { 8 };
	static struct ent e[200];

	/* Disjoint reserved regions cannot be merged or evicted. */
	for (int i = 0; i < 200; i++)
		e[i] = (struct ent){ i * 0x2000ull, 0x1000, 2 };
	mb2_mmap(&m, e, 200, 24);
	mb2_end(&m);
	ck_assert_int_eq(bootinfo_from_multiboot2(&bi, MB2_AT, view, NULL), -E2BIG);
	ck_assert_uint_le(bi.nregions, BOOT_MAX_REGIONS);
}
END_TEST

/* ---- PVH builder ---- */

#define SI_AT (MEM_BASE + 0x2000)
#define MODS_AT (MEM_BASE + 0x3000)
#define MAP_AT (MEM_BASE + 0x4000)
#define STR_AT (MEM_BASE + 0x5000)

static uint64_t str_next;

static uint64_t put_str(const char *s)
{
	uint64_t p = str_next;

	memcpy(at(p), s, strlen(s) + 1);
	str_next += strlen(s) + 1;
	return p;
}

static void pvh_build(uint32_t version, uint32_t nmods, uint32_t nmap)
{
	uint8_t *si = at(SI_AT);

	str_next = STR_AT;
	put32(si, 0x336ec578);
	put32(si + 4, version);
	put32(si + 12, nmods);
	put64(si + 16, MODS_AT);
	put64(si + 24, put_str("console=ttyS0 rdinit=/init"));
	put64(si + 32, 0xf5a40);
	put64(si + 40, MAP_AT);
	put32(si + 48, nmap);
	for (uint32_t i = 0; i < nmods; i++) {
		uint8_t *e = at(MODS_AT + 32 * i);

		put64(e, 0x800000 + 0x100000 * i);
		put64(e + 8, 0x1234);
		put64(e + 16, i == 0 ? put_str("initramfs") : 0);
	}
	for (uint32_t i = 0; i < nmap && i < 6; i++) {
		uint8_t *e = at(MAP_AT + 24 * i);

		put64(e, qemu_map[i].base);
		put64(e + 8, qemu_map[i].len);
		put32(e + 16, qemu_map[i].type);
	}
}

START_TEST(pvh_full)
{
	pvh_build(1, 2, 6);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), 0);
	ck_assert_str_eq(bi.loader, "pvh");
	ck_assert_str_eq(bi.cmdline, "console=ttyS0 rdinit=/init");
	ck_assert_uint_eq(bi.rsdp_paddr, 0xf5a40);
	ck_assert_uint_eq(bi.nmodules, 2);
	ck_assert_uint_eq(bi.modules[0].start, 0x800000);
	ck_assert_uint_eq(bi.modules[0].end, 0x801234);
	ck_assert_str_eq(bi.modules[0].cmdline, "initramfs");
	ck_assert_uint_eq(bi.modules[1].start, 0x900000);
	ck_assert_str_eq(bi.modules[1].cmdline, "");
	ck_assert_uint_eq(bi.nregions, 6);
	ck_assert_uint_eq(bi.regions[5].base, 0xfffc0000);
	ck_assert_uint_eq(bi.regions[5].type, BOOT_MEM_RESERVED);
	ck_assert_uint_eq(bi.info_start, SI_AT);
	ck_assert_uint_eq(bi.info_end, MAP_AT + 6 * 24);
	ck_assert_uint_eq(bi.dropped_modules, 0);
}
END_TEST

START_TEST(pvh_version0)
{
	pvh_build(0, 0, 6);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nregions, 0);      /* no memmap before version 1 */
	ck_assert_uint_eq(bi.info_start, SI_AT);
	ck_assert_uint_eq(bi.info_end, SI_AT + 40);
}
END_TEST

START_TEST(pvh_version0_at_end_of_memory)
{
	uint64_t si = MEM_BASE + MEM_SIZE - 40;

	put32(at(si), 0x336ec578);     /* only 40 bytes exist: must not view 56 */
	ck_assert_int_eq(bootinfo_from_pvh(&bi, si, view, NULL), 0);
	put32(at(si) + 4, 1);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, si, view, NULL), -EFAULT);
}
END_TEST

START_TEST(pvh_malformed)
{
	pvh_build(1, 2, 6);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, 0x1000, view, NULL), -EFAULT);
	put32(at(SI_AT), 0x336ec579);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), -EINVAL);

	pvh_build(1, 2, 6);
	put64(at(SI_AT) + 16, 0);       /* modules but no list */
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), -EINVAL);

	pvh_build(1, 2, 6);
	put32(at(SI_AT) + 48, 0x10000000);      /* absurd memmap count */
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), -EINVAL);

	pvh_build(1, 2, 6);
	put64(at(SI_AT) + 40, MEM_BASE + MEM_SIZE - 48);        /* runs off the end */
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), -EFAULT);

	pvh_build(1, 2, 6);
	put64(at(SI_AT) + 24, 0x4000);  /* cmdline not viewable */
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), -EFAULT);

	pvh_build(1, 2, 6);
	put64(at(MODS_AT) + 8, UINT64_MAX);     /* module wraps: dropped */
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nmodules, 1);
	ck_assert_uint_eq(bi.dropped_modules, 1);
}
END_TEST

START_TEST(pvh_many_modules)
{
	pvh_build(1, 20, 6);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), 0);
	ck_assert_uint_eq(bi.nmodules, BOOT_MAX_MODULES);
	ck_assert_uint_eq(bi.dropped_modules, 4);
	ck_assert_uint_eq(bi.modules[15].start, 0x800000 + 15 * 0x100000);
}
END_TEST

START_TEST(pvh_cmdline_edges)
{
	uint64_t s = MEM_BASE + 0x6ffa;         /* crosses a page boundary */

	pvh_build(1, 0, 6);
	memcpy(at(s), "abcdefghij", 11);
	put64(at(SI_AT) + 24, s);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), 0);
	ck_assert_str_eq(bi.cmdline, "abcdefghij");

	/* unterminated string running into unviewable memory */
	s = MEM_BASE + MEM_SIZE - 4;
	memcpy(at(s), "wxyz", 4);
	put64(at(SI_AT) + 24, s);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), -EFAULT);

	/* too long: truncated, stops reading at the limit */
	memset(at(MEM_BASE + 0x8000), 'q', 3000);
	put64(at(SI_AT) + 24, MEM_BASE + 0x8000);
	ck_assert_int_eq(bootinfo_from_pvh(&bi, SI_AT, view, NULL), 0);
	ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}
END_TEST

/* ---- sanitize ---- */

static void set_regions(const struct ent *e, int n)
{
	memset(&bi, 0, sizeof(bi));
	for (int i = 0; i < n; i++)
		bi.regions[i] = (struct boot_mem_region){ e[i].base, e[i].len, e[i].type };
	bi.nregions = (uint32_t)n;
}

static void expect_region(uint32_t i, uint64_t base, uint64_t len, uint32_t type)
{
	ck_assert_uint_gt(bi.nregions, i);
	ck_assert_uint_eq(bi.regions[i].base, base);
	ck_assert_uint_eq(bi.regions[i].len, len);
	ck_assert_uint_eq(bi.regions[i].type, type);
}

START_TEST(sanitize_split_and_align)
{
	struct ent e[] = {
		{ 0x100000, 0x100000, 2 },      /* reserved hole, given first */
		{ 0x0, 0x1000000, 1 },          /* usable around it */
		{ 0x1000000, 0x800, 1 },        /* partial page: dropped */
		{ 0x2000100, 0x2000, 1 },       /* unaligned: shrunk inwards */
	};

	set_regions(e, 4);
	bootinfo_sanitize_memmap(&bi);
	ck_assert_uint_eq(bi.nregions, 4);
	expect_region(0, 0, 0x100000, 1);
	expect_region(1, 0x100000, 0x100000, 2);
	expect_region(2, 0x200000, 0xe00000, 1);
	expect_region(3, 0x2001000, 0x1000, 1);
}
END_TEST

START_TEST(sanitize_touching_halves)
{
	struct ent e[] = { { 0x1800, 0x800, 1 }, { 0x1000, 0x800, 1 },
			   { 0x2000, 0x800, 1 } };

	set_regions(e, 3);
	bootinfo_sanitize_memmap(&bi);
	ck_assert_uint_eq(bi.nregions, 1);
	expect_region(0, 0x1000, 0x1000, 1);
}
END_TEST

START_TEST(sanitize_priorities)
{
	struct ent e[] = {
		{ 0x0000, 0x4000, 3 },  /* ACPI reclaim */
		{ 0x2000, 0x4000, 2 },  /* reserved beats reclaim */
		{ 0x3000, 0x1000, 5 },  /* bad beats reserved */
		{ 0x5000, 0x2000, 4 },  /* NVS beats reserved */
		{ 0x6000, 0x4000, 1 },  /* usable loses to NVS */
	};

	set_regions(e, 5);
	bootinfo_sanitize_memmap(&bi);
	ck_assert_uint_eq(bi.nregions, 6);
	expect_region(0, 0x0000, 0x2000, 3);
	expect_region(1, 0x2000, 0x1000, 2);
	expect_region(2, 0x3000, 0x1000, 5);
	expect_region(3, 0x4000, 0x1000, 2);
	expect_region(4, 0x5000, 0x2000, 4);
	expect_region(5, 0x7000, 0x3000, 1);
}
END_TEST

START_TEST(sanitize_merge_and_invalid)
{
	struct ent e[] = {
		{ 0x3000, 0x1000, 1 },
		{ 0x1000, 0x1000, 1 },
		{ 0x2000, 0x1800, 1 },          /* overlapping same type */
		{ 0x9000, 0, 2 },               /* empty */
		{ UINT64_MAX - 0x10, 0x100, 9 },/* wraps; unknown type */
	};

	set_regions(e, 5);
	bootinfo_sanitize_memmap(&bi);
	ck_assert_uint_eq(bi.nregions, 2);
	expect_region(0, 0x1000, 0x3000, 1);
	expect_region(1, UINT64_MAX - 0x10, 0x10, 2);
}
END_TEST

START_TEST(sanitize_empty_and_idempotent)
{
	set_regions(NULL, 0);
	bootinfo_sanitize_memmap(&bi);
	ck_assert_uint_eq(bi.nregions, 0);
	set_regions(qemu_map, 6);
	bootinfo_sanitize_memmap(&bi);
	struct boot_info copy = bi;

	bootinfo_sanitize_memmap(&bi);
	ck_assert_mem_eq(&copy, &bi, sizeof(bi));
	ck_assert_uint_eq(bi.nregions, 6);
	expect_region(0, 0, 0x9f000, 1);
	expect_region(1, 0x9f000 + 0xc00, 0x400, 2);
}
END_TEST

/*
 * Reference model over 256-byte units of [0, 64 KiB): the strictest type
 * covering each unit, usable only where its whole page is usable.
 */
#define UNIT 256u
#define NUNITS 256u
#define UNITS_PER_PAGE (4096u / UNIT)

static int rank_of(uint32_t t)
{
	static const int r[] = { -1, 0, 2, 1, 3, 4 };

	return r[t];
}

static void model(const struct ent *e, int n, uint32_t *want)
{
	memset(want, 0, NUNITS * sizeof(*want));
	for (int i = 0; i < n; i++)
		for (uint64_t u = e[i].base / UNIT; u < (e[i].base + e[i].len) / UNIT; u++)
			if (want[u] == 0 || rank_of(e[i].type) > rank_of(want[u]))
				want[u] = e[i].type;
	for (uint32_t p = 0; p < NUNITS; p += UNITS_PER_PAGE) {
		bool whole = true;

		for (uint32_t u = p; u < p + UNITS_PER_PAGE; u++)
			whole = whole && want[u] == 1;
		for (uint32_t u = p; u < p + UNITS_PER_PAGE; u++)
			if (want[u] == 1 && !whole)
				want[u] = 0;
	}
}

/* Check sorted/disjoint/merged output and return per-unit types. */
static void observe(uint32_t *got)
{
	memset(got, 0, NUNITS * sizeof(*got));
	for (uint32_t i = 0; i < bi.nregions; i++) {
		const struct boot_mem_region *r = &bi.regions[i];

		ck_assert_uint_gt(r->len, 0);
		if (i > 0) {
			const struct boot_mem_region *q = &bi.regions[i - 1];

			ck_assert_uint_le(q->base + q->len, r->base);
			ck_assert(q->base + q->len < r->base || q->type != r->type);
		}
		if (r->type == 1) {
			ck_assert_uint_eq(r->base % 4096, 0);
			ck_assert_uint_eq(r->len % 4096, 0);
		}
		for (uint64_t u = r->base / UNIT; u < (r->base + r->len) / UNIT; u++)
			got[u] = r->type;
	}
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void random_regions(struct ent *e, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t a = rnd(NUNITS), b = rnd(NUNITS);

		if (a > b) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		e[i] = (struct ent){ (uint64_t)a * UNIT, (uint64_t)(b - a + 1) * UNIT,
				     rnd(4) ? 1 + rnd(5) : 1 };
		if (e[i].base + e[i].len > NUNITS * UNIT)
			e[i].len = NUNITS * UNIT - e[i].base;
	}
}

START_TEST(sanitize_fuzz_exact)
{
	struct ent e[40];
	uint32_t want[NUNITS], got[NUNITS];

	for (int iter = 0; iter < 3000; iter++) {
		int n = 1 + (int)rnd(40);

		random_regions(e, n);
		set_regions(e, n);
		bootinfo_sanitize_memmap(&bi);
		ck_assert_uint_eq(bi.dropped_regions, 0);
		model(e, n, want);
		observe(got);
		for (uint32_t u = 0; u < NUNITS; u++)
			ck_assert_msg(got[u] == want[u], "iter %d unit %u: got %u want %u",
				      iter, u, got[u], want[u]);
	}
}
END_TEST

/* With no room to split, memory may only become stricter, never usable. */
START_TEST(sanitize_fuzz_full_table_is_safe)
{
	static struct ent e[BOOT_MAX_REGIONS];
	uint32_t want[NUNITS], got[NUNITS];

	for (int iter = 0; iter < 100; iter++) {
		random_regions(e, BOOT_MAX_REGIONS);
		set_regions(e, BOOT_MAX_REGIONS);
		bootinfo_sanitize_memmap(&bi);
		model(e, BOOT_MAX_REGIONS, want);
		observe(got);
		for (uint32_t u = 0; u < NUNITS; u++) {
			if (want[u] == 0 || want[u] == 1)
				ck_assert(got[u] == 0 || got[u] == want[u]);
			else
				ck_assert(got[u] != 0 && rank_of(got[u]) >= rank_of(want[u]));
		}
	}
}
END_TEST

START_TEST(add_region_full_table)
{
	memset(&bi, 0, sizeof(bi));
	/* 128 disjoint usable pages, then reserved regions evict them. */
	for (uint64_t i = 0; i < BOOT_MAX_REGIONS; i++)
		ck_assert_int_eq(bootinfo_add_region(&bi, i * 0x2000, 0x1000, 1), 0);
	ck_assert_int_eq(bootinfo_add_region(&bi, 0x10000000, 0x1000, 1), 0);
	ck_assert_uint_eq(bi.dropped_regions, 1);
	ck_assert_int_eq(bootinfo_add_region(&bi, 0x20000000, 0x1000, 2), 0);
	ck_assert_uint_eq(bi.nregions, BOOT_MAX_REGIONS);
	ck_assert_uint_eq(bi.dropped_regions, 2);
	ck_assert_uint_eq(bi.regions[BOOT_MAX_REGIONS - 1].base, 0x20000000);
	ck_assert_uint_eq(bi.regions[BOOT_MAX_REGIONS - 1].type, 2);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("bootinfo");
	TCase *mb2 = tcase_create("multiboot2");
	TCase *pvh = tcase_create("pvh");
	TCase *san = tcase_create("sanitize");

	tcase_add_checked_fixture(mb2, setup, NULL);
	tcase_add_test(mb2, mb2_full);
	tcase_add_test(mb2, mb2_defaults_and_old_rsdp);
	tcase_add_test(mb2, mb2_meminfo_fallback);
	tcase_add_test(mb2, mb2_meminfo_ignored_with_mmap);
	tcase_add_test(mb2, mb2_mmap_entry_size_and_types);
	tcase_add_test(mb2, mb2_mmap_bad_entry_size_no_loop);
	tcase_add_test(mb2, mb2_truncation);
	tcase_add_test(mb2, mb2_string_without_nul);
	tcase_add_test(mb2, mb2_malformed);
	tcase_add_test(mb2, mb2_short_tags_ignored);
	tcase_add_test(mb2, mb2_many_regions);
	tcase_add_test(mb2, mb2_too_many_reserved);
	suite_add_tcase(s, mb2);

	tcase_add_checked_fixture(pvh, setup, NULL);
	tcase_add_test(pvh, pvh_full);
	tcase_add_test(pvh, pvh_version0);
	tcase_add_test(pvh, pvh_version0_at_end_of_memory);
	tcase_add_test(pvh, pvh_malformed);
	tcase_add_test(pvh, pvh_many_modules);
	tcase_add_test(pvh, pvh_cmdline_edges);
	suite_add_tcase(s, pvh);

	tcase_add_checked_fixture(san, setup, NULL);
	tcase_set_timeout(san, 60);
	tcase_add_test(san, sanitize_split_and_align);
	tcase_add_test(san, sanitize_touching_halves);
	tcase_add_test(san, sanitize_priorities);
	tcase_add_test(san, sanitize_merge_and_invalid);
	tcase_add_test(san, sanitize_empty_and_idempotent);
	tcase_add_test(san, sanitize_fuzz_exact);
	tcase_add_test(san, sanitize_fuzz_full_table_is_safe);
	tcase_add_test(san, add_region_full_table);
	suite_add_tcase(s, san);
	return s;
}
