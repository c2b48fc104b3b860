// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/inflate.c: round trips through the host's gzip, truncation, corruption.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include <lib/inflate.h>
#include <uapi/errno.h>

// Compress data with the host's gzip (-n: no name or time unless name is given).
static unsigned char *host_gzip(const void *data, size_t len, const char *opts, size_t *out_len)
{
	char in_path[] = "/tmp/keel-inflate-XXXXXX";
	int fd = mkstemp(in_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "gzip -c %s %s", opts, in_path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t cap = len + 1024, n = 0;
	unsigned char *out = malloc(cap);
	size_t got;
	while ((got = fread(out + n, 1, cap - n, p)) > 0) {
		n += got;
		if (n == cap)
			out = realloc(out, cap *= 2);
	}
	ck_assert_int_eq(pclose(p), 0);
	unlink(in_path);
	*out_len = n;
	return out;
}

static unsigned char *text_data(size_t len)
{
	static const char *words[] = { "keel ", "kernel ", "inflate ", "huffman ", "deflate\n", "gzip ", "0123456789 " };
	unsigned char *d = malloc(len + 1);
	size_t n = 0;
	unsigned seed = 1;
	while (n < len) {
		seed = seed * 1103515245 + 12345;
		const char *w = words[(seed >> 16) % 7];
		for (size_t i = 0; w[i] && n < len; i++)
			d[n++] = (unsigned char)w[i];
	}
	return d;
}

static unsigned char *random_data(size_t len)
{
	unsigned char *d = malloc(len + 1);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		d[i] = (unsigned char)x;
	}
	return d;
}

static void round_trip(const unsigned char *data, size_t len, const char *opts)
{
	size_t gz_len, used, out_len;
	unsigned char *gz = host_gzip(data, len, opts, &gz_len);
	unsigned char *out = malloc(len + 1);
	ck_assert_int_eq(gunzip(gz, gz_len, &used, out, len, &out_len), 0);
	ck_assert_uint_eq(used, gz_len);
	ck_assert_uint_eq(out_len, len);
	ck_assert(memcmp(out, data, len) == 0);
	if (len) {
		ck_assert_int_eq(gunzip(gz, gz_len, &used, out, len - 1, &out_len), -ENOSPC);
		ck_assert_uint_le(out_len, len - 1);
	}
	free(out);
	free(gz);
}

START_TEST(crc32_check_value)
{
	ck_assert_uint_eq(crc32_update(0, "123456789", 9), 0xcbf43926u);
	ck_assert_uint_eq(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926u);
	ck_assert_uint_eq(crc32_update(0, "", 0), 0);
}
END_TEST

START_TEST(round_trips)
{
	static const char *levels[] = { "-n -1", "-n -6", "-n -9" };
	size_t sizes[] = { 0, 1, 100, 65536, 300000 };
	for (size_t l = 0; l < 3; l++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			unsigned char *t = text_data(sizes[s]);
			round_trip(t, sizes[s], levels[l]);
			free(t);
		}
	}
	unsigned char *r = random_data(200000);	// incompressible: stored blocks
	round_trip(r, 200000, "-n -6");
	free(r);
	unsigned char *t = text_data(5000);
	round_trip(t, 5000, "");	// with FNAME and MTIME in the header
	free(t);
}
END_TEST

START_TEST(concatenated_members)
{
	size_t a_len, b_len, used, out_len;
	unsigned char *a = host_gzip("first member\n", 13, "-n", &a_len);
	unsigned char *b = host_gzip("second\n", 7, "-n", &b_len);
	unsigned char *both = malloc(a_len + b_len);
	memcpy(both, a, a_len);
	memcpy(both + a_len, b, b_len);
	char out[64];
	ck_assert_int_eq(gunzip(both, a_len + b_len, &used, out, sizeof(out), &out_len), 0);
	ck_assert_uint_eq(used, a_len);
	ck_assert(out_len == 13 && memcmp(out, "first member\n", 13) == 0);
	ck_assert_int_eq(gunzip(both + used, a_len + b_len - used, &used, out, sizeof(out), &out_len), 0);
	ck_assert(out_len == 7 && memcmp(out, "second\n", 7) == 0);
	ck_assert(gzip_magic(both, 2) && !gzip_magic(both, 1) && !gzip_magic("07", 2));
	free(a);
	free(b);
	free(both);
}
END_TEST

START_TEST(every_truncation_fails)
{
	unsigned char *t = text_data(3000);
	size_t gz_len, used, out_len;
	unsigned char *gz = host_gzip(t, 3000, "-n -9", &gz_len);
	unsigned char out[3000];
	for (size_t n = 0; n < gz_len; n++) {
		unsigned char *cut = malloc(n ? n : 1);	// exact size: ASan sees any over-read
		memcpy(cut, gz, n);
		int r = gunzip(cut, n, &used, out, sizeof(out), &out_len);
		ck_assert_msg(r == -EINVAL || r == -EBADMSG, "prefix %zu: %d", n, r);
		free(cut);
	}
	free(gz);
	free(t);
}
END_TEST

START_TEST(every_corruption_is_caught)
{
	unsigned char *t = text_data(2000);
	size_t gz_len, used, out_len;
	unsigned char *gz = host_gzip(t, 2000, "-n -6", &gz_len);
	unsigned char *out = malloc(4000);
	size_t accepted = 0;
	for (size_t i = 0; i < gz_len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			unsigned char *bad = malloc(gz_len);
			memcpy(bad, gz, gz_len);
			bad[i] ^= (unsigned char)(1u << bit);
			int r = gunzip(bad, gz_len, &used, out, 4000, &out_len);
			// A flip is either refused or harmless (MTIME, XFL, OS, FTEXT, or a
			// bit the encoding does not depend on): accepted data is the original.
			accepted += r == 0;
			if (r == 0)
				ck_assert_msg(out_len == 2000 && memcmp(out, t, 2000) == 0,
					      "flip of byte %zu bit %d gave wrong data", i, bit);
			if (i >= gz_len - 8)
				ck_assert_msg(r < 0, "flip of trailer byte %zu bit %d accepted", i, bit);
			ck_assert_uint_le(out_len, 4000);
			free(bad);
		}
	}
	ck_assert_uint_lt(accepted, gz_len * 8 / 10);	// nearly every flip is caught
	free(out);
	free(gz);
	free(t);
}
END_TEST

// A raw DEFLATE stream written bit by bit (LSB first), for hand-made malformed blocks.
struct bw {
	unsigned char buf[64];
	size_t bits;
};

static void put(struct bw *w, unsigned v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, w->bits++)
		if (v >> i & 1)
			w->buf[w->bits / 8] |= (unsigned char)(1u << (w->bits % 8));
}

// A fixed-code symbol: Huffman codes go MSB first.
static void put_code(struct bw *w, unsigned code, unsigned len)
{
	for (unsigned i = len; i-- > 0;)
		put(w, code >> i & 1, 1);
}

static void put_fixed_lit(struct bw *w, unsigned sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

START_TEST(malformed_raw_streams)
{
	unsigned char out[64];
	size_t used, out_len;
	struct bw w = { { 0 }, 0 };

	// A fixed block: 'a', a match of length 3 at distance 1, end of block.
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_fixed_lit(&w, 'a');
	put_fixed_lit(&w, 257);
	put_code(&w, 0, 5);
	put_fixed_lit(&w, 256);
	ck_assert_int_eq(inflate_raw(w.buf, (w.bits + 7) / 8, &used, out, sizeof(out), &out_len), 0);
	ck_assert(out_len == 4 && memcmp(out, "aaaa", 4) == 0);
	ck_assert_uint_eq(used, (w.bits + 7) / 8);

	// The same with distance 2: reaches before the start of the output.
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_fixed_lit(&w, 'a');
	put_fixed_lit(&w, 257);
	put_code(&w, 1, 5);
	put_fixed_lit(&w, 256);
	ck_assert_int_eq(inflate_raw(w.buf, (w.bits + 7) / 8, &used, out, sizeof(out), &out_len), -EINVAL);

	// Length symbol 286 and distance symbol 30 are invalid.
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_fixed_lit(&w, 286);
	ck_assert_int_eq(inflate_raw(w.buf, (w.bits + 7) / 8, &used, out, sizeof(out), &out_len), -EINVAL);
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_fixed_lit(&w, 'a');
	put_fixed_lit(&w, 257);
	put_code(&w, 30, 5);
	ck_assert_int_eq(inflate_raw(w.buf, (w.bits + 7) / 8, &used, out, sizeof(out), &out_len), -EINVAL);

	// Block type 3 is reserved.
	unsigned char reserved[] = { 0x07, 0 };
	ck_assert_int_eq(inflate_raw(reserved, 2, &used, out, sizeof(out), &out_len), -EINVAL);

	// Stored blocks: good, bad NLEN, too long for the input, too long for the output.
	unsigned char stored[] = { 0x01, 3, 0, 0xfc, 0xff, 'x', 'y', 'z' };
	ck_assert_int_eq(inflate_raw(stored, sizeof(stored), &used, out, sizeof(out), &out_len), 0);
	ck_assert(out_len == 3 && memcmp(out, "xyz", 3) == 0 && used == sizeof(stored));
	ck_assert_int_eq(inflate_raw(stored, sizeof(stored), &used, out, 2, &out_len), -ENOSPC);
	stored[3] = 0xfd;
	ck_assert_int_eq(inflate_raw(stored, sizeof(stored), &used, out, sizeof(out), &out_len), -EINVAL);
	stored[3] = 0xfc;
	ck_assert_int_eq(inflate_raw(stored, sizeof(stored) - 1, &used, out, sizeof(out), &out_len), -EINVAL);

	// Dynamic block whose code-length code is over-subscribed (all 19 lengths 1).
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 2, 2);
	put(&w, 0, 5);
	put(&w, 0, 5);
	put(&w, 15, 4);
	for (int i = 0; i < 19; i++)
		put(&w, 1, 3);
	ck_assert_int_eq(inflate_raw(w.buf, (w.bits + 7) / 8, &used, out, sizeof(out), &out_len), -EINVAL);

	// Empty and NULL input.
	ck_assert_int_eq(inflate_raw(NULL, 0, &used, out, sizeof(out), &out_len), -EINVAL);
	ck_assert_int_eq(gunzip(NULL, 0, &used, out, sizeof(out), &out_len), -EINVAL);
}
END_TEST

START_TEST(bad_headers)
{
	size_t gz_len, used, out_len;
	unsigned char *gz = host_gzip("header test", 11, "-n", &gz_len);
	unsigned char out[64];
	gz[2] = 7;	// not deflate
	ck_assert_int_eq(gunzip(gz, gz_len, &used, out, sizeof(out), &out_len), -EINVAL);
	gz[2] = 8;
	gz[3] |= 0x20;	// reserved flag
	ck_assert_int_eq(gunzip(gz, gz_len, &used, out, sizeof(out), &out_len), -EINVAL);
	gz[3] &= (unsigned char)~0x20;
	ck_assert_int_eq(gunzip(gz, gz_len, &used, out, sizeof(out), &out_len), 0);

	// FHCRC: insert a header CRC after the 10 fixed bytes, right and wrong.
	unsigned char *h = malloc(gz_len + 2);
	memcpy(h, gz, 10);
	h[3] |= 0x02;
	uint32_t c = crc32_update(0, h, 10);
	h[10] = (unsigned char)c;
	h[11] = (unsigned char)(c >> 8);
	memcpy(h + 12, gz + 10, gz_len - 10);
	ck_assert_int_eq(gunzip(h, gz_len + 2, &used, out, sizeof(out), &out_len), 0);
	ck_assert(out_len == 11 && memcmp(out, "header test", 11) == 0);
	h[10] ^= 1;
	ck_assert_int_eq(gunzip(h, gz_len + 2, &used, out, sizeof(out), &out_len), -EBADMSG);
	free(h);

	// ISIZE and CRC mismatches.
	gz[gz_len - 1] ^= 1;
	ck_assert_int_eq(gunzip(gz, gz_len, &used, out, sizeof(out), &out_len), -EBADMSG);
	gz[gz_len - 1] ^= 1;
	gz[gz_len - 8] ^= 1;
	ck_assert_int_eq(gunzip(gz, gz_len, &used, out, sizeof(out), &out_len), -EBADMSG);
	free(gz);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("inflate");
	TCase *tc = tcase_create("inflate");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, crc32_check_value);
	tcase_add_test(tc, round_trips);
	tcase_add_test(tc, concatenated_members);
	tcase_add_test(tc, every_truncation_fails);
	tcase_add_test(tc, every_corruption_is_caught);
	tcase_add_test(tc, malformed_raw_streams);
	tcase_add_test(tc, bad_headers);
	suite_add_tcase(s, tc);
	return s;
}
