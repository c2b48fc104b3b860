// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/elf.c: header checks, segment validation, elf_parse.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include <lib/elf.h>
#include <uapi/errno.h>

#define FILE_SIZE 0x3000u
#define MAXPH 8

// A file prefix: ELF header followed by its program header table.
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAXPH];
};

static void make_exec(struct image *im, uint16_t type)
{
	memset(im, 0, sizeof(*im));
	memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
	im->eh.e_ident[EI_CLASS] = ELFCLASS64;
	im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im->eh.e_ident[EI_VERSION] = EV_CURRENT;
	im->eh.e_type = type;
	im->eh.e_machine = EM_X86_64;
	im->eh.e_version = EV_CURRENT;
	im->eh.e_entry = 0x401000;
	im->eh.e_phoff = sizeof(Elf64_Ehdr);
	im->eh.e_ehsize = sizeof(Elf64_Ehdr);
	im->eh.e_phentsize = sizeof(Elf64_Phdr);
	im->eh.e_phnum = 4;
	// Text: file [0, 0x1800) at 0x400000, covering the headers.
	im->ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
				  .p_vaddr = 0x400000, .p_filesz = 0x1800, .p_memsz = 0x1800,
				  .p_align = 0x1000 };
	// Data + bss at 0x402800 (page offset 0x800 like its file offset).
	im->ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1800,
				  .p_vaddr = 0x402800, .p_filesz = 0x800, .p_memsz = 0x5000,
				  .p_align = 0x1000 };
	im->ph[2] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
	im->ph[3] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x200, .p_filesz = 0x20 };
}

static int parse(const struct image *im, struct elf_info *info)
{
	// A heap copy of exactly the table's length catches reads beyond it.
	size_t len = sizeof(Elf64_Ehdr) + im->eh.e_phnum * sizeof(Elf64_Phdr);
	if (len > sizeof(*im))
		len = sizeof(*im);
	void *copy = malloc(len);
	memcpy(copy, im, len);
	int r = elf_parse(copy, len, FILE_SIZE, info);
	free(copy);
	return r;
}

START_TEST(parse_static_exec)
{
	struct image im;
	struct elf_info info;

	make_exec(&im, ET_EXEC);
	ck_assert_int_eq(parse(&im, &info), 0);
	ck_assert_uint_eq(info.ehdr.e_entry, 0x401000);
	ck_assert_uint_eq(info.nload, 2);
	ck_assert_uint_eq(info.load_start, 0x400000);
	ck_assert_uint_eq(info.load_end, 0x408000); // 0x402800 + 0x5000, page-rounded
	ck_assert(!info.has_interp);
	ck_assert(info.has_gnu_stack);
	ck_assert(!info.exec_stack);
	ck_assert_uint_eq(info.phdr_vaddr, 0x400040); // table is inside the text segment
	ck_assert_uint_eq(elf_phdrs_end(&info.ehdr), 64 + 4 * 56);
}
END_TEST

START_TEST(parse_dynamic_pie)
{
	struct image im;
	struct elf_info info;

	make_exec(&im, ET_DYN);
	im.ph[0].p_vaddr = 0;
	im.ph[1].p_vaddr = 0x2800;
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 28 };
	im.ph[3] = (Elf64_Phdr){ .p_type = PT_PHDR, .p_offset = 64, .p_vaddr = 0x40, .p_filesz = 4 * 56 };
	ck_assert_int_eq(parse(&im, &info), 0);
	ck_assert(info.has_interp);
	ck_assert_uint_eq(info.interp_offset, 0x300);
	ck_assert_uint_eq(info.interp_size, 28);
	ck_assert(!info.has_gnu_stack);
	ck_assert(info.exec_stack); // no PT_GNU_STACK: executable stack, as Linux
	ck_assert_uint_eq(info.load_start, 0);
	ck_assert_uint_eq(info.load_end, 0x8000);
	ck_assert_uint_eq(info.phdr_vaddr, 0x40);
}
END_TEST

START_TEST(pt_phdr_overrides_lookup)
{
	struct image im;
	struct elf_info info;

	make_exec(&im, ET_EXEC);
	im.ph[3] = (Elf64_Phdr){ .p_type = PT_PHDR, .p_vaddr = 0x123440 };
	ck_assert_int_eq(parse(&im, &info), 0);
	ck_assert_uint_eq(info.phdr_vaddr, 0x123440);
	// No PT_PHDR and no PT_LOAD covering the table: nothing to report.
	make_exec(&im, ET_EXEC);
	im.ph[0].p_offset = 0x1000;
	im.ph[0].p_vaddr = 0x401000;
	im.ph[0].p_filesz = im.ph[0].p_memsz = 0x800;
	ck_assert_int_eq(parse(&im, &info), 0);
	ck_assert_uint_eq(info.phdr_vaddr, 0);
	// Multiple PT_INTERP: the first wins.
	make_exec(&im, ET_EXEC);
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x300, .p_filesz = 10 };
	im.ph[3] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = 0x400, .p_filesz = 1 };
	ck_assert_int_eq(parse(&im, &info), 0);
	ck_assert_uint_eq(info.interp_offset, 0x300);
}
END_TEST

START_TEST(gnu_stack_exec_flag)
{
	struct image im;
	struct elf_info info;

	make_exec(&im, ET_EXEC);
	im.ph[2].p_flags = PF_R | PF_W | PF_X;
	ck_assert_int_eq(parse(&im, &info), 0);
	ck_assert(info.exec_stack);
}
END_TEST

START_TEST(bad_ident_and_header)
{
	struct image im;
	struct elf_info info;
	Elf64_Ehdr eh;

	for (int i = 0; i < 4; i++) {
		make_exec(&im, ET_EXEC);
		im.eh.e_ident[i] ^= 0x20;
		ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	}
	make_exec(&im, ET_EXEC);
	im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	make_exec(&im, ET_EXEC);
	im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	make_exec(&im, ET_EXEC);
	im.eh.e_ident[EI_VERSION] = 0;
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	make_exec(&im, ET_EXEC);
	im.eh.e_machine = EM_386;
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	static const uint16_t bad_types[] = { ET_NONE, ET_REL, ET_CORE, 0xfe00 };
	for (size_t i = 0; i < 4; i++) {
		make_exec(&im, bad_types[i]);
		ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	}
	// Shorter than a header, in the buffer or in the file.
	make_exec(&im, ET_EXEC);
	ck_assert_int_eq(elf_check_header(&im, 63, FILE_SIZE, &eh), -ENOEXEC);
	ck_assert_int_eq(elf_check_header(&im, sizeof(im), 63, &eh), -ENOEXEC);
	ck_assert_int_eq(elf_check_header("#!/bin/sh\n", 10, 10, &eh), -ENOEXEC);
	ck_assert_int_eq(elf_check_header(&im, sizeof(im), FILE_SIZE, &eh), 0);
}
END_TEST

START_TEST(bad_phdr_table)
{
	struct image im;
	struct elf_info info;
	Elf64_Ehdr eh;

	make_exec(&im, ET_EXEC);
	im.eh.e_phentsize = 32;
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	make_exec(&im, ET_EXEC);
	im.eh.e_phnum = 0;
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
	make_exec(&im, ET_EXEC);
	im.eh.e_phnum = PN_XNUM;
	ck_assert_int_eq(elf_check_header(&im, sizeof(im), UINT64_MAX, &eh), -ENOEXEC);
	make_exec(&im, ET_EXEC);
	im.eh.e_phnum = 1171; // 65576 bytes: over the 64 KiB table limit
	ck_assert_int_eq(elf_check_header(&im, sizeof(im), UINT64_MAX, &eh), -ENOEXEC);
	im.eh.e_phnum = 1170;
	ck_assert_int_eq(elf_check_header(&im, sizeof(im), UINT64_MAX, &eh), 0);
	// Table beyond the end of the file, including offset overflow.
	make_exec(&im, ET_EXEC);
	im.eh.e_phoff = FILE_SIZE - 100;
	ck_assert_int_eq(elf_check_header(&im, sizeof(im), FILE_SIZE, &eh), -ENOEXEC);
	im.eh.e_phoff = UINT64_MAX - 8;
	ck_assert_int_eq(elf_check_header(&im, sizeof(im), UINT64_MAX, &eh), -ENOEXEC);
	// Table inside the file but not inside the buffer given to elf_parse.
	make_exec(&im, ET_EXEC);
	im.eh.e_phoff = 0x1000;
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);
}
END_TEST

START_TEST(get_phdr_bounds)
{
	struct image im;
	Elf64_Phdr ph;

	make_exec(&im, ET_EXEC);
	ck_assert_int_eq(elf_get_phdr(&im, sizeof(im), &im.eh, 1, &ph), 0);
	ck_assert_uint_eq(ph.p_vaddr, 0x402800);
	ck_assert_int_eq(elf_get_phdr(&im, sizeof(im), &im.eh, 4, &ph), -EINVAL);
	ck_assert_int_eq(elf_get_phdr(&im, 64 + 4 * 56 - 1, &im.eh, 0, &ph), -ENOEXEC);
	ck_assert_int_eq(elf_get_phdr(&im, 64 + 4 * 56, &im.eh, 3, &ph), 0);
}
END_TEST

static Elf64_Phdr good_load(void)
{
	return (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x1234, .p_vaddr = 0x601234,
			     .p_filesz = 0x100, .p_memsz = 0x2000, .p_align = 0x1000 };
}

START_TEST(load_segment_checks)
{
	Elf64_Phdr ph = good_load();

	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), 0);
	ph.p_filesz = ph.p_memsz + 1; // filesz > memsz
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
	ph = good_load();
	ph.p_filesz = FILE_SIZE - 0x1234; // ends exactly at EOF
	ph.p_memsz = ph.p_filesz;
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), 0);
	ph.p_filesz++;
	ph.p_memsz++;
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
	ph = good_load();
	ph.p_offset = UINT64_MAX - 0x10; // offset + filesz wraps
	ph.p_vaddr = 0x600000 + (ph.p_offset & 0xfff);
	ck_assert_int_eq(elf_check_load(&ph, UINT64_MAX), -EINVAL);
	ph = good_load();
	ph.p_vaddr = UINT64_MAX - 0xfff + 0x234; // vaddr + memsz wraps
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
	ph = good_load();
	ph.p_filesz = 0;
	ph.p_offset = FILE_SIZE + 0x234; // even an empty file range must be in the file
	ph.p_vaddr = 0x600234;
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
}
END_TEST

START_TEST(load_alignment_checks)
{
	Elf64_Phdr ph = good_load();

	ph.p_align = 0x3000; // not a power of two
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
	ph = good_load();
	ph.p_vaddr += 8; // congruent mod 8 but not mod the alignment
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
	ph = good_load();
	ph.p_align = 0x200000;
	ph.p_vaddr = 0x701234; // vaddr - offset = 0x700000, not 2 MiB aligned
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
	ph.p_vaddr = 0x801234;
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), 0);
	// Alignment 0 or 1 means none, but pages still have to line up.
	ph = good_load();
	ph.p_align = 0;
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), 0);
	ph.p_align = 1;
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), 0);
	ph.p_vaddr += 4;
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
	ph = good_load();
	ph.p_align = 16;
	ph.p_vaddr += 0x10; // congruent mod 16, not mod the page size
	ck_assert_int_eq(elf_check_load(&ph, FILE_SIZE), -EINVAL);
}
END_TEST

START_TEST(bad_load_fails_parse)
{
	struct image im;
	struct elf_info info;

	make_exec(&im, ET_EXEC);
	im.ph[1].p_filesz = im.ph[1].p_memsz + 1;
	ck_assert_int_eq(parse(&im, &info), -EINVAL);
	make_exec(&im, ET_EXEC);
	im.ph[1].p_offset = 0x2801; // page offsets of vaddr and offset differ
	ck_assert_int_eq(parse(&im, &info), -EINVAL);
	// No PT_LOAD at all.
	make_exec(&im, ET_EXEC);
	im.ph[0].p_type = PT_NULL;
	im.ph[1].p_type = PT_NOTE;
	ck_assert_int_eq(parse(&im, &info), -EINVAL);
}
END_TEST

START_TEST(user_address_limits)
{
	struct image im;
	struct elf_info info;

	make_exec(&im, ET_EXEC);
	im.ph[1].p_vaddr = ELF_USER_END - 0x5000 - 0x800;
	ck_assert_int_eq(parse(&im, &info), 0); // ends exactly at the limit
	im.ph[1].p_vaddr += 0x1000;
	ck_assert_int_eq(parse(&im, &info), -EINVAL);
	make_exec(&im, ET_EXEC);
	im.ph[1].p_vaddr = 0xffffffff80000800ull; // kernel half
	ck_assert_int_eq(parse(&im, &info), -EINVAL);
	// ET_DYN is relocated, so only its span matters.
	make_exec(&im, ET_DYN);
	im.ph[0].p_vaddr = 0xffff800000000000ull;
	im.ph[1].p_vaddr = 0xffff800000002800ull;
	ck_assert_int_eq(parse(&im, &info), 0);
	ck_assert_uint_eq(info.load_end - info.load_start, 0x8000);
	im.ph[0].p_vaddr = 0;
	ck_assert_int_eq(parse(&im, &info), -EINVAL); // span too large
}
END_TEST

START_TEST(interp_checks)
{
	struct image im;
	struct elf_info info;
	Elf64_Phdr ph = { .p_type = PT_INTERP, .p_offset = 0x100, .p_filesz = 20 };

	ck_assert_int_eq(elf_check_interp(&ph, FILE_SIZE), 0);
	ph.p_filesz = 1;
	ck_assert_int_eq(elf_check_interp(&ph, FILE_SIZE), -ENOEXEC);
	ph.p_filesz = ELF_INTERP_MAX + 1;
	ck_assert_int_eq(elf_check_interp(&ph, 1 << 20), -ENOEXEC);
	ph.p_filesz = ELF_INTERP_MAX;
	ck_assert_int_eq(elf_check_interp(&ph, 1 << 20), 0);
	ph.p_offset = FILE_SIZE - 10;
	ph.p_filesz = 11;
	ck_assert_int_eq(elf_check_interp(&ph, FILE_SIZE), -ENOEXEC);
	ph.p_offset = UINT64_MAX;
	ck_assert_int_eq(elf_check_interp(&ph, UINT64_MAX), -ENOEXEC);

	make_exec(&im, ET_DYN);
	im.ph[3] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_offset = FILE_SIZE, .p_filesz = 8 };
	ck_assert_int_eq(parse(&im, &info), -ENOEXEC);

	static const char path[] = "/lib/ld-musl-x86_64.so.1";
	ck_assert_int_eq(elf_check_interp_path(path, sizeof(path)), 0);
	ck_assert_int_eq(elf_check_interp_path(path, sizeof(path) - 1), -ENOEXEC); // no NUL
	ck_assert_int_eq(elf_check_interp_path("/a\0b", 5), -ENOEXEC);             // early NUL
	ck_assert_int_eq(elf_check_interp_path("", 1), -ENOEXEC);
	ck_assert_int_eq(elf_check_interp_path("", 0), -ENOEXEC);
}
END_TEST

START_TEST(random_headers_are_safe)
{
	unsigned seed = 99;

	for (int round = 0; round < 20000; round++) {
		struct image im;
		struct elf_info info;
		make_exec(&im, round & 1 ? ET_DYN : ET_EXEC);
		unsigned char *b = (unsigned char *)&im;
		for (int i = 0; i < 3; i++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (64 + 4 * 56);
			seed = seed * 1103515245u + 12345u;
			b[at] = (unsigned char)(seed >> 16);
		}
		int r = parse(&im, &info);
		ck_assert(r == 0 || r == -EINVAL || r == -ENOEXEC);
		if (r == 0) {
			ck_assert_uint_ge(info.nload, 1);
			ck_assert_uint_le(info.load_start, info.load_end);
		}
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_static_exec);
	tcase_add_test(tc, parse_dynamic_pie);
	tcase_add_test(tc, pt_phdr_overrides_lookup);
	tcase_add_test(tc, gnu_stack_exec_flag);
	tcase_add_test(tc, bad_ident_and_header);
	tcase_add_test(tc, bad_phdr_table);
	tcase_add_test(tc, get_phdr_bounds);
	tcase_add_test(tc, load_segment_checks);
	tcase_add_test(tc, load_alignment_checks);
	tcase_add_test(tc, bad_load_fails_parse);
	tcase_add_test(tc, user_address_limits);
	tcase_add_test(tc, interp_checks);
	tcase_add_test(tc, random_headers_are_safe);
	suite_add_tcase(s, tc);
	return s;
}
