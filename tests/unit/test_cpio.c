// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/cpio.c over archives built byte by byte at run time.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include <lib/cpio.h>
#include <uapi/errno.h>

// ---- archive builder ----

struct ab {
	unsigned char buf[8192];
	size_t len;
	size_t base; // start of the archive being written (padding origin)
};

struct fields {
	uint32_t ino, mode, uid, gid, nlink, mtime, devmajor, devminor, rdevmajor, rdevminor;
};

static void ab_pad(struct ab *a)
{
	while ((a->len - a->base) % 4)
		a->buf[a->len++] = 0;
}

static void ab_bytes(struct ab *a, const void *p, size_t n)
{
	ck_assert_uint_le(a->len + n, sizeof(a->buf));
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static uint32_t sum_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

// Appends one member; namesize = strlen(name) + 1.
static void ab_member(struct ab *a, const char *magic, const struct fields *f,
		      const char *name, const void *data, size_t size)
{
	char hdr[160];
	uint32_t check = strcmp(magic, "070702") == 0 ? sum_bytes(data, size) : 0;

	snprintf(hdr, sizeof(hdr), "%.6s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 magic, f->ino, f->mode, f->uid, f->gid, f->nlink, f->mtime, (uint32_t)size,
		 f->devmajor, f->devminor, f->rdevmajor, f->rdevminor,
		 (uint32_t)strlen(name) + 1, check);
	ab_bytes(a, hdr, CPIO_HEADER_SIZE);
	ab_bytes(a, name, strlen(name) + 1);
	ab_pad(a);
	ab_bytes(a, data, size);
	ab_pad(a);
}

static void ab_file(struct ab *a, const char *name, uint32_t mode, const char *text)
{
	struct fields f = { .ino = 1, .mode = mode, .nlink = 1 };

	ab_member(a, "070701", &f, name, text, strlen(text));
}

static void ab_trailer(struct ab *a)
{
	struct fields f = { .nlink = 1 };

	ab_member(a, "070701", &f, "TRAILER!!!", "", 0);
}

// init, bin/, bin/sh -> busybox symlink, trailer.
static void ab_sample(struct ab *a)
{
	ab_file(a, "init", 0100755, "#!/bin/sh\necho hi\n");
	ab_file(a, "bin", 040755, "");
	ab_file(a, "bin/sh", 0120777, "busybox");
	ab_trailer(a);
}

// Iterates over a heap copy of exactly len bytes (so ASan sees overreads),
// touching every name and data byte; returns the final cpio_next result.
static int walk(const void *bytes, size_t len, unsigned *nentries)
{
	unsigned char *copy = malloc(len ? len : 1);
	struct cpio_iter it;
	struct cpio_entry e;
	unsigned n = 0;
	volatile unsigned sink = 0;
	int r;

	memcpy(copy, bytes, len);
	cpio_iter_init(&it, copy, len);
	while ((r = cpio_next(&it, &e)) == 1) {
		ck_assert_uint_lt(n, 10000);
		sink += sum_bytes(e.name, e.name_len + 1) + sum_bytes(e.data, e.size);
		ck_assert_int_eq(e.name[e.name_len], '\0');
		n++;
	}
	free(copy);
	if (nentries)
		*nentries = n;
	return r;
}

// ---- tests ----

START_TEST(reads_sample_archive)
{
	struct ab a = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;

	ab_sample(&a);
	cpio_iter_init(&it, a.buf, a.len);
	ck_assert_int_eq(cpio_next(&it, &e), 1);
	ck_assert_str_eq(e.name, "init");
	ck_assert_uint_eq(e.name_len, 4);
	ck_assert_uint_eq(e.mode, 0100755);
	ck_assert_uint_eq(e.size, 18);
	ck_assert_mem_eq(e.data, "#!/bin/sh\necho hi\n", 18);
	ck_assert_int_eq(e.format, CPIO_FMT_NEWC);
	ck_assert_uint_eq(e.offset, 0);
	ck_assert_int_eq(cpio_next(&it, &e), 1);
	ck_assert_str_eq(e.name, "bin");
	ck_assert_uint_eq(e.mode, 040755);
	ck_assert_uint_eq(e.size, 0);
	ck_assert_int_eq(cpio_next(&it, &e), 1);
	ck_assert_str_eq(e.name, "bin/sh");
	ck_assert_mem_eq(e.data, "busybox", 7);
	ck_assert_uint_eq((uintptr_t)(e.data - a.buf) % 4, 0); // data is 4-aligned
	ck_assert_int_eq(cpio_next(&it, &e), 0);
	ck_assert_int_eq(cpio_next(&it, &e), 0); // stays at the end
	ck_assert_uint_eq(cpio_iter_remaining(&it), 0);
}
END_TEST

START_TEST(all_header_fields)
{
	struct ab a = { 0 };
	struct fields f = {
		.ino = 0x12345678, .mode = 020620, .uid = 1000, .gid = 0xfffffffe,
		.nlink = 3, .mtime = 0x65000000, .devmajor = 8, .devminor = 1,
		.rdevmajor = 4, .rdevminor = 0x40,
	};
	struct cpio_iter it;
	struct cpio_entry e;

	ab_member(&a, "070701", &f, "dev/tty0", "", 0);
	ab_trailer(&a);
	// The format allows lower-case hex too.
	for (size_t i = 6; i < CPIO_HEADER_SIZE; i++)
		a.buf[i] = (unsigned char)(a.buf[i] >= 'A' && a.buf[i] <= 'F' ? a.buf[i] + 32 : a.buf[i]);
	cpio_iter_init(&it, a.buf, a.len);
	ck_assert_int_eq(cpio_next(&it, &e), 1);
	ck_assert_uint_eq(e.ino, 0x12345678);
	ck_assert_uint_eq(e.mode, 020620);
	ck_assert_uint_eq(e.uid, 1000);
	ck_assert_uint_eq(e.gid, 0xfffffffe);
	ck_assert_uint_eq(e.nlink, 3);
	ck_assert_uint_eq(e.mtime, 0x65000000);
	ck_assert_uint_eq(e.devmajor, 8);
	ck_assert_uint_eq(e.devminor, 1);
	ck_assert_uint_eq(e.rdevmajor, 4);
	ck_assert_uint_eq(e.rdevminor, 0x40);
	ck_assert_int_eq(cpio_next(&it, &e), 0);
}
END_TEST

START_TEST(empty_and_zero_input)
{
	static const unsigned char zeros[64];
	struct cpio_iter it;
	struct cpio_entry e;

	ck_assert_int_eq(walk("", 0, NULL), 0);
	ck_assert_int_eq(walk(zeros, sizeof(zeros), NULL), 0);
	cpio_iter_init(&it, NULL, 100);
	ck_assert_int_eq(cpio_next(&it, &e), 0);
}
END_TEST

START_TEST(crc_format_checksum)
{
	struct ab a = { 0 };
	struct fields f = { .mode = 0100644, .nlink = 1 };
	unsigned n;

	ab_member(&a, "070702", &f, "etc/motd", "\xff\xfe hello", 8);
	ab_trailer(&a);
	ck_assert_int_eq(walk(a.buf, a.len, &n), 0);
	ck_assert_uint_eq(n, 1);
	// Corrupt one data byte: the sum no longer matches.
	a.buf[CPIO_HEADER_SIZE + 12] ^= 1;
	ck_assert_int_eq(walk(a.buf, a.len, &n), -EBADMSG);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(every_truncation_is_an_error)
{
	struct ab a = { 0 };

	ab_sample(&a);
	// The trailer is the last 124 bytes: 110 + "TRAILER!!!\0", padded.
	size_t trailer_name_end = a.len - 124 + CPIO_HEADER_SIZE + 11;
	for (size_t len = 1; len < trailer_name_end; len++)
		ck_assert_msg(walk(a.buf, len, NULL) < 0, "prefix of %zu bytes accepted", len);
	// Only the trailer's final padding may be missing.
	for (size_t len = trailer_name_end; len <= a.len; len++)
		ck_assert_int_eq(walk(a.buf, len, NULL), 0);
}
END_TEST

START_TEST(trailer_padding_may_be_missing)
{
	struct ab a = { 0 };
	unsigned n;

	ab_file(&a, "x", 0100644, "");
	ab_trailer(&a);
	// "TRAILER!!!\0" ends 1 byte before its padding: drop that byte.
	ck_assert_int_eq(walk(a.buf, a.len - 1, &n), 0);
	ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(bad_hex_in_any_field)
{
	struct ab a = { 0 };

	ab_sample(&a);
	for (size_t field = 0; field < 13; field++) {
		for (size_t pos = 0; pos < 8; pos += 7) {
			unsigned char saved;
			size_t at = 6 + field * 8 + pos;
			static const char bad[] = { 'g', ' ', '-', 'x', '\0' };
			for (size_t b = 0; b < sizeof(bad); b++) {
				saved = a.buf[at];
				a.buf[at] = (unsigned char)bad[b];
				ck_assert_int_eq(walk(a.buf, a.len, NULL), -EINVAL);
				a.buf[at] = saved;
			}
		}
	}
	ck_assert_int_eq(walk(a.buf, a.len, NULL), 0);
}
END_TEST

// Rewrites the 8-digit field `field` of the header at offset hdr.
static void set_field(unsigned char *buf, size_t hdr, int field, uint32_t v)
{
	char tmp[9];

	snprintf(tmp, sizeof(tmp), "%08X", v);
	memcpy(buf + hdr + 6 + field * 8, tmp, 8);
}

#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11

START_TEST(bad_name_sizes)
{
	static const uint32_t sizes[] = { 0, 1, 4, 6, 4097, 0x7fffffff, 0xffffffff };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct ab a = { 0 };
		ab_sample(&a);
		set_field(a.buf, 0, FIELD_NAMESIZE, sizes[i]);
		ck_assert_msg(walk(a.buf, a.len, NULL) == -EINVAL, "namesize %u", sizes[i]);
	}
}
END_TEST

START_TEST(name_must_end_in_single_nul)
{
	struct ab a = { 0 };

	ab_sample(&a);
	a.buf[CPIO_HEADER_SIZE + 4] = 'X'; // overwrite the NUL of "init"
	ck_assert_int_eq(walk(a.buf, a.len, NULL), -EINVAL);
	a.buf[CPIO_HEADER_SIZE + 4] = '\0';
	a.buf[CPIO_HEADER_SIZE + 1] = '\0'; // "i\0it\0": embedded NUL
	ck_assert_int_eq(walk(a.buf, a.len, NULL), -EINVAL);
}
END_TEST

START_TEST(bad_file_sizes)
{
	static const uint32_t sizes[] = { 21, 64, 4096, 0x80000000, 0xffffffff };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct ab a = { 0 };
		ab_file(&a, "init", 0100755, "#!/bin/sh\necho hi\n");
		ab_trailer(&a);
		set_field(a.buf, 0, FIELD_FILESIZE, sizes[i]);
		// 21 swallows part of the trailer: what follows is not a header.
		ck_assert_msg(walk(a.buf, a.len, NULL) == -EINVAL, "filesize %u", sizes[i]);
	}
}
END_TEST

START_TEST(bad_magic)
{
	struct ab a = { 0 };
	unsigned n;

	ab_sample(&a);
	memcpy(a.buf, "070707", 6); // old portable (odc) format: unsupported
	ck_assert_int_eq(walk(a.buf, a.len, NULL), -EINVAL);
	memcpy(a.buf, "070701", 6);
	// A later header with a broken magic, inside the archive.
	size_t second = 116 + 20; // 110 + "init\0" padded to 116, then 18 data bytes padded to 20
	ck_assert_mem_eq(a.buf + second, "070701", 6);
	a.buf[second + 5] = '9';
	ck_assert_int_eq(walk(a.buf, a.len, &n), -EINVAL);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(walk("0707", 4, NULL), -EINVAL); // truncated magic
	ck_assert_int_eq(walk("07", 2, NULL), -EINVAL);
}
END_TEST

START_TEST(missing_trailer)
{
	struct ab a = { 0 };
	unsigned n;

	ab_file(&a, "a", 0100644, "1");
	ab_file(&a, "b", 0100644, "22");
	ck_assert_int_eq(walk(a.buf, a.len, &n), -EINVAL);
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(errors_are_sticky)
{
	struct ab a = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;

	ab_sample(&a);
	a.buf[6] = 'z';
	cpio_iter_init(&it, a.buf, a.len);
	ck_assert_int_eq(cpio_next(&it, &e), -EINVAL);
	a.buf[6] = '0';
	ck_assert_int_eq(cpio_next(&it, &e), -EINVAL);
}
END_TEST

START_TEST(concatenated_archives)
{
	struct ab a = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;

	ab_file(&a, "early/ucode", 0100644, "abc");
	ab_trailer(&a);
	// Odd zero padding: the second archive starts unaligned in the buffer,
	// and its own padding is relative to its start.
	for (int i = 0; i < 7; i++)
		a.buf[a.len++] = 0;
	a.base = a.len;
	ab_file(&a, "init", 0100755, "x");
	ab_file(&a, "etc", 040755, "");
	ab_trailer(&a);
	a.base = a.len;
	ab_file(&a, "third", 0100644, "333");
	ab_trailer(&a);
	for (int i = 0; i < 512; i++)
		a.buf[a.len++] = 0;

	const char *names[] = { "early/ucode", "init", "etc", "third" };
	cpio_iter_init(&it, a.buf, a.len);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(cpio_next(&it, &e), 1);
		ck_assert_str_eq(e.name, names[i]);
	}
	ck_assert_mem_eq(e.data, "333", 3);
	ck_assert_int_eq(cpio_next(&it, &e), 0);
	ck_assert_uint_eq(cpio_iter_remaining(&it), 0);
}
END_TEST

START_TEST(trailing_non_cpio_data)
{
	struct ab a = { 0 };
	struct cpio_iter it;
	struct cpio_entry e;
	static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0x00, 1, 2, 3 };

	ab_sample(&a);
	size_t cpio_len = a.len;
	a.buf[a.len++] = 0;
	ab_bytes(&a, gz, sizeof(gz));
	cpio_iter_init(&it, a.buf, a.len);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(cpio_next(&it, &e), 1);
	ck_assert_int_eq(cpio_next(&it, &e), 0);
	ck_assert_uint_eq(cpio_iter_remaining(&it), sizeof(gz));
	ck_assert_uint_eq(it.off, cpio_len + 1);
	// The same applies to input that is not cpio at all.
	cpio_iter_init(&it, gz, sizeof(gz));
	ck_assert_int_eq(cpio_next(&it, &e), 0);
	ck_assert_uint_eq(cpio_iter_remaining(&it), sizeof(gz));
}
END_TEST

START_TEST(random_corruption_never_overreads)
{
	struct ab a = { 0 };
	unsigned seed = 12345;

	ab_sample(&a);
	ab_file(&a, "more", 0100644, "data data data");
	ab_trailer(&a);
	for (int round = 0; round < 4000; round++) {
		unsigned char copy[sizeof(a.buf)];
		memcpy(copy, a.buf, a.len);
		int flips = 1 + round % 4;
		for (int i = 0; i < flips; i++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % a.len;
			seed = seed * 1103515245u + 12345u;
			// Favour hex digits so corrupted headers often still parse.
			copy[at] = (seed >> 16) & 1 ? "0123456789abcdef"[(seed >> 20) & 15] : (unsigned char)(seed >> 20);
		}
		seed = seed * 1103515245u + 12345u;
		size_t len = round % 3 ? a.len : (seed >> 8) % (a.len + 1);
		int r = walk(copy, len, NULL);
		ck_assert(r == 0 || r == -EINVAL || r == -EBADMSG);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("cpio");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, reads_sample_archive);
	tcase_add_test(tc, all_header_fields);
	tcase_add_test(tc, empty_and_zero_input);
	tcase_add_test(tc, crc_format_checksum);
	tcase_add_test(tc, every_truncation_is_an_error);
	tcase_add_test(tc, trailer_padding_may_be_missing);
	tcase_add_test(tc, bad_hex_in_any_field);
	tcase_add_test(tc, bad_name_sizes);
	tcase_add_test(tc, name_must_end_in_single_nul);
	tcase_add_test(tc, bad_file_sizes);
	tcase_add_test(tc, bad_magic);
	tcase_add_test(tc, missing_trailer);
	tcase_add_test(tc, errors_are_sticky);
	tcase_add_test(tc, concatenated_archives);
	tcase_add_test(tc, trailing_non_cpio_data);
	tcase_add_test(tc, random_corruption_never_overreads);
	suite_add_tcase(s, tc);
	return s;
}
