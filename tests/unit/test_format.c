// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/format.c, with the host snprintf as the oracle.
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include <lib/format.h>

// The tests feed deliberately odd formats to both implementations.
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

// Formats with both implementations into same-size buffers and compares the
// text and the return value.
#define SAME(...)                                                        \
	do {                                                             \
		char got_[256], want_[256];                              \
		int gn_ = ksnprintf(got_, sizeof(got_), __VA_ARGS__);    \
		int wn_ = snprintf(want_, sizeof(want_), __VA_ARGS__);   \
		ck_assert_str_eq(got_, want_);                           \
		ck_assert_int_eq(gn_, wn_);                              \
	} while (0)

// Exact expected text (for behaviour the host libc does differently or
// that C leaves undefined).
#define EXPECT(want, ...)                                                \
	do {                                                             \
		char got_[256];                                          \
		int gn_ = ksnprintf(got_, sizeof(got_), __VA_ARGS__);    \
		ck_assert_str_eq(got_, want);                            \
		ck_assert_int_eq(gn_, (int)strlen(want));                \
	} while (0)

START_TEST(signed_conversions)
{
	SAME("%d %i", 0, -0);
	SAME("%d|%d|%d", 42, -42, INT_MAX);
	SAME("%d", INT_MIN);
	SAME("%i", -7);
	SAME("%ld %ld", LONG_MAX, LONG_MIN);
	SAME("%lld", LLONG_MIN);
	SAME("%hd %hd", (short)-32768, (short)32767);
	SAME("%hhd %hhd", (signed char)-128, (signed char)127);
	SAME("%hd", 70000);   // converted to short
	SAME("%hhd", 200);    // converted to signed char
	SAME("%zd %td %jd", (ssize_t)-5, (ptrdiff_t)-6, (intmax_t)INT64_MIN);
}
END_TEST

START_TEST(unsigned_conversions)
{
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%x %X", 0xdeadbeefu, 0xdeadbeefu);
	SAME("%o", 0755u);
	SAME("%lu %lx %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX);
	SAME("%llu %llX", ULLONG_MAX, 0xabcdef0123456789ull);
	SAME("%hu %hx", (unsigned short)65535, 0x12345u);
	SAME("%hhu %hhx", (unsigned char)255, 0x1ffu);
	SAME("%zu %zx", SIZE_MAX, (size_t)4096);
	SAME("%ju %jx", UINTMAX_MAX, (uintmax_t)1 << 63);
	SAME("%tx", (ptrdiff_t)0x1234);
}
END_TEST

START_TEST(width_and_flags)
{
	SAME("[%5d][%-5d][%05d]", 42, 42, 42);
	SAME("[%05d][%-05d]", -42, -42);
	SAME("[%+d][%+d][% d][% d]", 5, -5, 5, -5);
	SAME("[%+05d][% 05d]", 5, 5);
	SAME("[%8x][%-8X][%08x]", 0xbeefu, 0xbeefu, 0xbeefu);
	SAME("[%#x][%#X][%#o][%#x][%#o]", 255u, 255u, 8u, 0u, 0u);
	SAME("[%#010x][%#-10x]", 255u, 255u);
	SAME("[%1d][%2d]", 123, 123); // width smaller than the number
	SAME("[%*d][%*d]", 6, 1, -6, 1); // negative '*' width means '-'
	SAME("[%-*d]", 4, 9);
	SAME("[%c][%3c][%-3c]", 'a', 'b', 'c');
}
END_TEST

START_TEST(integer_precision)
{
	SAME("[%.3d][%.3d][%.0d][%.0d]", 7, -7, 0, 1);
	SAME("[%8.3d][%-8.3d][%08.3d]", 7, 7, 7); // '0' ignored with a precision
	SAME("[%.5x][%#.5x][%.0x][%#.0o][%#.3o]", 0xabu, 0xabu, 0u, 0u, 8u);
	SAME("[%.*d][%.*d]", 4, 3, -1, 3); // negative '*' precision: as if absent
	SAME("[%+.2d]", 1);
}
END_TEST

START_TEST(strings)
{
	SAME("[%s][%10s][%-10s]", "abc", "abc", "abc");
	SAME("[%.2s][%.0s][%.10s]", "abcdef", "abcdef", "abc");
	SAME("[%8.2s][%-8.2s]", "abcdef", "abcdef");
	SAME("[%.*s]", 3, "abcdef");
	SAME("[%s]", "");
	// Precision bounds the read: this array has no NUL terminator.
	static const char raw[3] = { 'x', 'y', 'z' };
	SAME("[%.3s]", raw);
	const char *null = NULL;
	EXPECT("[(null)]", "[%s]", null);
	EXPECT("[(nu]", "[%.3s]", null);
}
END_TEST

START_TEST(pointers_and_percent)
{
	int x;
	void *p = &x;

	SAME("%p", p);
	SAME("[%20p][%-20p]", p, p);
	SAME("%p", (void *)0x1000);
	SAME("%p", (void *)UINTPTR_MAX);
	SAME("[%p]", (void *)NULL); // "(nil)" like glibc
	SAME("100%% sure %%d");
	SAME("%s%%%d", "a", 1);
}
END_TEST

START_TEST(malformed_directives_are_echoed)
{
	char buf[64];

	EXPECT("[%y]", "[%y]");
	EXPECT("a%-5", "a%-5");     // directive cut off by the end of the string
	EXPECT("%", "%");
	EXPECT("%q7", "%q%d", 7);     // unknown conversion does not eat an argument
	// Runs of digits cannot overflow the width.
	int n = ksnprintf(buf, sizeof(buf), "%99999999999999999999d|", 1);
	ck_assert_int_gt(n, 1000);
	ck_assert_int_eq(buf[0], ' ');
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
}
END_TEST

START_TEST(snprintf_truncation_semantics)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ksnprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
	ck_assert_str_eq(buf, "0123456");
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ksnprintf(buf, 1, "abc"), 3);
	ck_assert_int_eq(buf[0], '\0');
	ck_assert_int_eq(buf[1], 'x');
	ck_assert_int_eq(ksnprintf(NULL, 0, "%d-%d", 12, 345), 6);
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ksnprintf(buf, 0, "abc"), 3);
	ck_assert_int_eq(buf[0], 'x'); // size 0: nothing written, not even NUL
	ck_assert_int_eq(ksnprintf(buf, sizeof(buf), "%s", "1234567"), 7);
	ck_assert_str_eq(buf, "1234567"); // exact fit
	ck_assert_int_eq(ksnprintf(buf, sizeof(buf), ""), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

struct collect {
	char text[64];
	size_t n;
	unsigned calls;
};

static void collect_emit(void *ctx, char c)
{
	struct collect *col = ctx;

	if (col->n + 1 < sizeof(col->text))
		col->text[col->n++] = c;
	col->calls++;
}

static int via_callback(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvformat(collect_emit, col, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(kvformat_callback)
{
	struct collect col = { 0 };

	ck_assert_int_eq(via_callback(&col, "pid %d: %s%c", 17, "ok", '!'), 11);
	ck_assert_str_eq(col.text, "pid 17: ok!");
	ck_assert_uint_eq(col.calls, 11);
	// NUL produced by %c is emitted like any other character.
	struct collect z = { 0 };
	ck_assert_int_eq(via_callback(&z, "a%cb", 0), 3);
	ck_assert_uint_eq(z.calls, 3);
}
END_TEST

static int via_kvsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(kvsnprintf_leaves_va_list_usable)
{
	char buf[32];

	ck_assert_int_eq(via_kvsnprintf(buf, sizeof(buf), "%d %s %lu", -3, "x", 9ul), 6);
	ck_assert_str_eq(buf, "-3 x 9");
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, signed_conversions);
	tcase_add_test(tc, unsigned_conversions);
	tcase_add_test(tc, width_and_flags);
	tcase_add_test(tc, integer_precision);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, pointers_and_percent);
	tcase_add_test(tc, malformed_directives_are_echoed);
	tcase_add_test(tc, snprintf_truncation_semantics);
	tcase_add_test(tc, kvformat_callback);
	tcase_add_test(tc, kvsnprintf_leaves_va_list_usable);
	suite_add_tcase(s, tc);
	return s;
}
