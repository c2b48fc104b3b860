// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/string.c (called under their kl_* host names).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"

#include "host_string.h"
#include <lib/string.h>
// Back to the host libc for reference results below.
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strlcpy
#undef strlcat

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

START_TEST(memcpy_all_lengths_and_alignments)
{
	unsigned char src[96], dst[128], ref[128];

	fill_pattern(src, sizeof(src), 3);
	for (size_t so = 0; so < 8; so++) {
		for (size_t doff = 0; doff < 8; doff++) {
			for (size_t n = 0; n <= 80; n++) {
				memset(dst, 0xaa, sizeof(dst));
				memset(ref, 0xaa, sizeof(ref));
				memcpy(ref + doff, src + so, n);
				// Plain checks: Check's assertions are slow in bulk.
				if (kl_memcpy(dst + doff, src + so, n) != dst + doff ||
				    memcmp(dst, ref, sizeof(dst)) != 0)
					ck_abort_msg("memcpy src+%zu dst+%zu n=%zu", so, doff, n);
			}
		}
	}
}
END_TEST

START_TEST(memmove_overlap_both_directions)
{
	unsigned char buf[160], ref[160];

	for (int s = 0; s < 40; s++) {
		for (int d = 0; d < 40; d++) {
			for (size_t n = 0; n <= 100; n += 7) {
				fill_pattern(buf, sizeof(buf), 1);
				fill_pattern(ref, sizeof(ref), 1);
				memmove(ref + d, ref + s, n);
				if (kl_memmove(buf + d, buf + s, n) != buf + d ||
				    memcmp(buf, ref, sizeof(buf)) != 0)
					ck_abort_msg("memmove src+%d dst+%d n=%zu", s, d, n);
			}
		}
	}
}
END_TEST

START_TEST(memset_value_truncated_to_byte)
{
	unsigned char buf[64];

	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n < 40; n++) {
			memset(buf, 0, sizeof(buf));
			ck_assert_ptr_eq(kl_memset(buf + off, 0x1ab, n), buf + off);
			for (size_t i = 0; i < sizeof(buf); i++) {
				if (buf[i] != ((i >= off && i < off + n) ? 0xab : 0))
					ck_abort_msg("memset off=%zu n=%zu: byte %zu", off, n, i);
			}
		}
	}
}
END_TEST

START_TEST(memcmp_sign_and_unsigned_bytes)
{
	unsigned char a[40], b[40];

	fill_pattern(a, sizeof(a), 9);
	memcpy(b, a, sizeof(b));
	ck_assert_int_eq(kl_memcmp(a, b, sizeof(a)), 0);
	ck_assert_int_eq(kl_memcmp(a, b, 0), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		memcpy(b, a, sizeof(b));
		b[i] = (unsigned char)(a[i] + 0x80); // crosses the signed-char boundary
		ck_assert_int_eq(sign(kl_memcmp(a, b, sizeof(a))), sign(memcmp(a, b, sizeof(a))));
		ck_assert_int_eq(sign(kl_memcmp(b, a, sizeof(a))), sign(memcmp(b, a, sizeof(a))));
		ck_assert_int_eq(kl_memcmp(a, b, i), 0); // difference beyond n is ignored
	}
	ck_assert_int_lt(kl_memcmp("\x01", "\xff", 1), 0);
}
END_TEST

START_TEST(memchr_finds_first_within_n)
{
	const char s[] = "abcabc\0z";

	ck_assert_ptr_eq(kl_memchr(s, 'c', 6), s + 2);
	ck_assert_ptr_null(kl_memchr(s, 'c', 2));
	ck_assert_ptr_eq(kl_memchr(s, 'z', sizeof(s)), s + 7); // looks past NUL
	ck_assert_ptr_eq(kl_memchr(s, 0x100 + 'a', 3), s);     // c converted to unsigned char
	ck_assert_ptr_null(kl_memchr(s, 'a', 0));
}
END_TEST

START_TEST(strlen_strnlen)
{
	ck_assert_uint_eq(kl_strlen(""), 0);
	ck_assert_uint_eq(kl_strlen("hello"), 5);
	ck_assert_uint_eq(kl_strnlen("hello", 3), 3);
	ck_assert_uint_eq(kl_strnlen("hello", 5), 5);
	ck_assert_uint_eq(kl_strnlen("hello", 99), 5);
	ck_assert_uint_eq(kl_strnlen("hello", 0), 0);
	// strnlen must not read beyond maxlen: an unterminated heap buffer.
	char *raw = malloc(4);
	memcpy(raw, "abcd", 4);
	ck_assert_uint_eq(kl_strnlen(raw, 4), 4);
	free(raw);
}
END_TEST

START_TEST(strcmp_strncmp)
{
	static const char *const s[] = { "", "a", "ab", "abc", "abd", "b", "\xff", "\x01" };
	const size_t n = sizeof(s) / sizeof(s[0]);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			ck_assert_int_eq(sign(kl_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
			for (size_t k = 0; k < 5; k++)
				ck_assert_int_eq(sign(kl_strncmp(s[i], s[j], k)), sign(strncmp(s[i], s[j], k)));
		}
	}
	ck_assert_int_eq(kl_strncmp("abcX", "abcY", 3), 0);
	ck_assert_int_eq(kl_strncmp("x", "y", 0), 0);
}
END_TEST

START_TEST(strchr_strrchr)
{
	const char *s = "a/b/c";

	ck_assert_ptr_eq(kl_strchr(s, '/'), s + 1);
	ck_assert_ptr_eq(kl_strrchr(s, '/'), s + 3);
	ck_assert_ptr_null(kl_strchr(s, 'x'));
	ck_assert_ptr_null(kl_strrchr(s, 'x'));
	ck_assert_ptr_eq(kl_strchr(s, '\0'), s + 5); // the terminator is part of the string
	ck_assert_ptr_eq(kl_strrchr(s, '\0'), s + 5);
	ck_assert_ptr_eq(kl_strrchr("", 'a'), NULL);
	ck_assert_ptr_eq(kl_strchr(s, 0x100 + 'b'), s + 2);
}
END_TEST

START_TEST(strlcpy_truncates_and_terminates)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(kl_strlcpy(buf, "hello", sizeof(buf)), 5);
	ck_assert_str_eq(buf, "hello");
	ck_assert_uint_eq(kl_strlcpy(buf, "0123456789", sizeof(buf)), 10);
	ck_assert_str_eq(buf, "0123456");
	ck_assert_uint_eq(kl_strlcpy(buf, "", sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(kl_strlcpy(buf, "abc", 0), 3); // size 0 writes nothing
	ck_assert_int_eq(buf[0], 'x');
	ck_assert_uint_eq(kl_strlcpy(buf, "abc", 1), 3);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(strlcat_appends_and_reports)
{
	char buf[8] = "ab";

	ck_assert_uint_eq(kl_strlcat(buf, "cd", sizeof(buf)), 4);
	ck_assert_str_eq(buf, "abcd");
	ck_assert_uint_eq(kl_strlcat(buf, "efghij", sizeof(buf)), 10);
	ck_assert_str_eq(buf, "abcdefg");
	ck_assert_uint_eq(kl_strlcat(buf, "z", sizeof(buf)), 8); // already full
	ck_assert_str_eq(buf, "abcdefg");
	// No NUL within size: returns size + strlen(src) and writes nothing.
	char raw[4] = { 'w', 'x', 'y', 'z' };
	ck_assert_uint_eq(kl_strlcat(raw, "abc", sizeof(raw)), 7);
	ck_assert_mem_eq(raw, "wxyz", 4);
	ck_assert_uint_eq(kl_strlcat(raw, "abc", 0), 3);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("string");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, memcpy_all_lengths_and_alignments);
	tcase_add_test(tc, memmove_overlap_both_directions);
	tcase_add_test(tc, memset_value_truncated_to_byte);
	tcase_add_test(tc, memcmp_sign_and_unsigned_bytes);
	tcase_add_test(tc, memchr_finds_first_within_n);
	tcase_add_test(tc, strlen_strnlen);
	tcase_add_test(tc, strcmp_strncmp);
	tcase_add_test(tc, strchr_strrchr);
	tcase_add_test(tc, strlcpy_truncates_and_terminates);
	tcase_add_test(tc, strlcat_appends_and_reports);
	suite_add_tcase(s, tc);
	return s;
}
