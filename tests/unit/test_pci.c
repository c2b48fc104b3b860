// SPDX-License-Identifier: MPL-2.0
// Host unit tests for kernel/lib/pci.c: BAR decoding and capability-list walks.
#include <string.h>
#include "unit.h"
#include <lib/pci.h>
#include <uapi/errno.h>

START_TEST(bar_mem32)
{
	struct pci_bar_info b;
	/* 4 KiB non-prefetchable memory BAR at 0xfebd1000 */
	ck_assert_int_eq(pci_bar_decode(0xfebd1000, 0, 0xfffff000, 0, &b), 0);
	ck_assert(!b.io && !b.is64 && !b.prefetch);
	ck_assert_uint_eq(b.base, 0xfebd1000);
	ck_assert_uint_eq(b.size, 0x1000);
}
END_TEST

START_TEST(bar_mem64_prefetch)
{
	struct pci_bar_info b;
	/* 16 KiB prefetchable 64-bit BAR above 4 GiB (QEMU's virtio BAR 4) */
	ck_assert_int_eq(pci_bar_decode(0x0000000c, 0x8, 0xffffc00c, 0xffffffff, &b), 0);
	ck_assert(b.is64 && b.prefetch && !b.io);
	ck_assert_uint_eq(b.base, 0x800000000ull);
	ck_assert_uint_eq(b.size, 0x4000);
	/* a 64-bit BAR of 8 GiB: size bits only in the high half */
	ck_assert_int_eq(pci_bar_decode(0x0000000c, 0x4, 0x0000000c, 0xfffffffe, &b), 0);
	ck_assert_uint_eq(b.size, 0x200000000ull);
}
END_TEST

START_TEST(bar_io_and_absent)
{
	struct pci_bar_info b;
	ck_assert_int_eq(pci_bar_decode(0xc041, 0, 0xffffffc1, 0, &b), 0);
	ck_assert(b.io);
	ck_assert_uint_eq(b.base, 0xc040);
	ck_assert_uint_eq(b.size, 0x40);
	ck_assert_int_eq(pci_bar_decode(0, 0, 0, 0, &b), 0);
	ck_assert_uint_eq(b.size, 0);
	ck_assert_int_eq(pci_bar_decode(0x2, 0, 0xfffffff2, 0, &b), -EINVAL); /* reserved type 1 */
	ck_assert_int_eq(pci_bar_decode(0x6, 0, 0xfffffff6, 0, &b), -EINVAL); /* reserved type 3 */
}
END_TEST

static void cap(uint8_t *cfg, uint8_t off, uint8_t id, uint8_t next)
{
	cfg[off] = id;
	cfg[off + 1] = next;
}

START_TEST(caps_walk)
{
	uint8_t cfg[256];
	memset(cfg, 0, sizeof(cfg));
	cfg[0x06] = 0x10;               /* status: capability list */
	cfg[0x34] = 0x98;
	cap(cfg, 0x98, PCI_CAP_MSIX, 0x84);
	cap(cfg, 0x84, PCI_CAP_VENDOR, 0x70);
	cap(cfg, 0x70, PCI_CAP_VENDOR, 0x40);
	cap(cfg, 0x40, PCI_CAP_VENDOR, 0x00);
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0x98);
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_VENDOR, 0), 0x84);
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_VENDOR, 0x84), 0x70);
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_VENDOR, 0x70), 0x40);
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_VENDOR, 0x40), 0);
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_MSI, 0), 0);
	cfg[0x06] = 0;                  /* no list: nothing is found */
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0);
}
END_TEST

START_TEST(caps_malformed)
{
	uint8_t cfg[256];
	memset(cfg, 0, sizeof(cfg));
	cfg[0x06] = 0x10;
	cfg[0x34] = 0x50;
	cap(cfg, 0x50, PCI_CAP_VENDOR, 0x60);
	cap(cfg, 0x60, PCI_CAP_VENDOR, 0x50);   /* a loop */
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0);
	cap(cfg, 0x60, PCI_CAP_VENDOR, 0x10);   /* into the header */
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0);
	cap(cfg, 0x60, PCI_CAP_VENDOR, 0xff);   /* low bits are reserved: 0xfc */
	cap(cfg, 0xfc, PCI_CAP_MSIX, 0);
	ck_assert_uint_eq(pci_cap_find(cfg, PCI_CAP_MSIX, 0), 0xfc);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("pci");
	TCase *b = tcase_create("bars");
	TCase *c = tcase_create("caps");
	tcase_add_test(b, bar_mem32);
	tcase_add_test(b, bar_mem64_prefetch);
	tcase_add_test(b, bar_io_and_absent);
	tcase_add_test(c, caps_walk);
	tcase_add_test(c, caps_malformed);
	suite_add_tcase(s, b);
	suite_add_tcase(s, c);
	return s;
}
