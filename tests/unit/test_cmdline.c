// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/cmdline.c: values, quoting, flags, iteration, init args.
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include <lib/cmdline.h>
#include <uapi/errno.h>

START_TEST(get_simple_values)
{
	const char *cl = "console=ttyS0,115200 root=/dev/vda1 init=/sbin/init quiet";
	char out[64];

	ck_assert(cmdline_get(cl, "console", out, sizeof(out)));
	ck_assert_str_eq(out, "ttyS0,115200");
	ck_assert(cmdline_get(cl, "root", out, sizeof(out)));
	ck_assert_str_eq(out, "/dev/vda1");
	ck_assert(cmdline_get(cl, "init", out, sizeof(out)));
	ck_assert_str_eq(out, "/sbin/init");
	ck_assert(!cmdline_get(cl, "rdinit", out, sizeof(out)));
	ck_assert(!cmdline_get(cl, "quiet", out, sizeof(out))); // a flag has no value
	ck_assert(!cmdline_get(cl, "roo", out, sizeof(out)));   // no prefix matches
	ck_assert(!cmdline_get(cl, "root=", out, sizeof(out)));
	ck_assert(!cmdline_get(cl, "console=ttyS0", out, sizeof(out)));
}
END_TEST

START_TEST(get_last_one_wins)
{
	char out[32];

	ck_assert(cmdline_get("console=tty0 console=ttyS0", "console", out, sizeof(out)));
	ck_assert_str_eq(out, "ttyS0");
	ck_assert(cmdline_get("a=1 b=2 a=3 a", "a", out, sizeof(out)));
	ck_assert_str_eq(out, "3"); // the later bare "a" is a flag, not a value
}
END_TEST

START_TEST(get_empty_and_odd_values)
{
	char out[32];

	ck_assert(cmdline_get("root= quiet", "root", out, sizeof(out)));
	ck_assert_str_eq(out, "");
	ck_assert(cmdline_get("opt=a=b=c", "opt", out, sizeof(out)));
	ck_assert_str_eq(out, "a=b=c"); // only the first '=' splits
	ck_assert(cmdline_get("=x k=v", "", out, sizeof(out)));
	ck_assert_str_eq(out, "x");
	ck_assert(!cmdline_get("", "k", out, sizeof(out)));
	ck_assert(!cmdline_get(NULL, "k", out, sizeof(out)));
	ck_assert(!cmdline_get("   \t\n ", "k", out, sizeof(out)));
}
END_TEST

START_TEST(get_quoted_values)
{
	char out[64];
	const char *cl = "a=\"hello world\" b=x \"c=quoted whole\" d=\"\" e=\"unterminated value";

	ck_assert(cmdline_get(cl, "a", out, sizeof(out)));
	ck_assert_str_eq(out, "hello world");
	ck_assert(cmdline_get(cl, "b", out, sizeof(out)));
	ck_assert_str_eq(out, "x");
	ck_assert(cmdline_get(cl, "c", out, sizeof(out)));
	ck_assert_str_eq(out, "quoted whole");
	ck_assert(cmdline_get(cl, "d", out, sizeof(out)));
	ck_assert_str_eq(out, "");
	ck_assert(cmdline_get(cl, "e", out, sizeof(out)));
	ck_assert_str_eq(out, "unterminated value");
	// Quotes inside a value (not at its start) are kept, as Linux does.
	ck_assert(cmdline_get("k=a\"b c\"d", "k", out, sizeof(out)));
	ck_assert_str_eq(out, "a\"b c\"d");
}
END_TEST

START_TEST(get_truncates_to_buffer)
{
	char out[4];

	memset(out, 'x', sizeof(out));
	ck_assert(cmdline_get("k=abcdef", "k", out, sizeof(out)));
	ck_assert_str_eq(out, "abc");
	ck_assert(cmdline_get("k=ab", "k", out, 3));
	ck_assert_str_eq(out, "ab");
	out[0] = 'x';
	ck_assert(!cmdline_get("k=ab", "k", out, 0));
	ck_assert_int_eq(out[0], 'x');
}
END_TEST

START_TEST(dash_underscore_equivalent)
{
	char out[16];

	ck_assert(cmdline_get("log-level=7", "log_level", out, sizeof(out)));
	ck_assert_str_eq(out, "7");
	ck_assert(cmdline_get("log_level=8", "log-level", out, sizeof(out)));
	ck_assert_str_eq(out, "8");
	ck_assert(cmdline_has("no-kaslr", "no_kaslr"));
	// Values are not normalised.
	ck_assert(cmdline_get("k=a-b_c", "k", out, sizeof(out)));
	ck_assert_str_eq(out, "a-b_c");
}
END_TEST

START_TEST(has_bare_flags_only)
{
	const char *cl = "ro quiet debug=1 \"splash\"\n";

	ck_assert(cmdline_has(cl, "ro"));
	ck_assert(cmdline_has(cl, "quiet"));
	ck_assert(cmdline_has(cl, "splash")); // quotes and trailing newline
	ck_assert(!cmdline_has(cl, "debug")); // key=value is not a flag
	ck_assert(!cmdline_has(cl, "quie"));
	ck_assert(!cmdline_has(cl, "quiet2"));
	ck_assert(!cmdline_has("", "quiet"));
	ck_assert(!cmdline_has("a -- quiet", "quiet")); // after "--" belongs to init
	ck_assert(!cmdline_get("a -- k=v", "k", NULL, 0));
}
END_TEST

START_TEST(iterator_walks_params)
{
	struct cmdline_iter it;
	struct cmdline_param p;

	cmdline_iter_init(&it, "  one two=2\tthree=\"3 3\"  x-- -- four ");
	ck_assert(cmdline_next(&it, &p));
	ck_assert_uint_eq(p.key_len, 3);
	ck_assert_mem_eq(p.key, "one", 3);
	ck_assert_ptr_null(p.val);
	ck_assert(cmdline_next(&it, &p));
	ck_assert_mem_eq(p.key, "two", 3);
	ck_assert_uint_eq(p.val_len, 1);
	ck_assert_mem_eq(p.val, "2", 1);
	ck_assert(cmdline_next(&it, &p));
	ck_assert_uint_eq(p.key_len, 5);
	ck_assert_uint_eq(p.val_len, 3);
	ck_assert_mem_eq(p.val, "3 3", 3);
	ck_assert(cmdline_next(&it, &p)); // "x--" is an ordinary word
	ck_assert_uint_eq(p.key_len, 3);
	ck_assert(!cmdline_next(&it, &p)); // stops at "--"
	ck_assert(!cmdline_next(&it, &p));

	cmdline_iter_init(&it, NULL);
	ck_assert(!cmdline_next(&it, &p));
}
END_TEST

START_TEST(init_args_after_dashes)
{
	char buf[64];
	const char *argv[8];

	int n = cmdline_init_args("root=/dev/vda -- single \"a b\" k=\"v w\" --x", buf, sizeof(buf), argv, 8);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(argv[0], "single");
	ck_assert_str_eq(argv[1], "a b");
	ck_assert_str_eq(argv[2], "k=v w");
	ck_assert_str_eq(argv[3], "--x");
	ck_assert_int_eq(cmdline_init_args("quiet single", buf, sizeof(buf), argv, 8), 0);
	ck_assert_int_eq(cmdline_init_args("quiet --", buf, sizeof(buf), argv, 8), 0);
	ck_assert_int_eq(cmdline_init_args(NULL, buf, sizeof(buf), argv, 8), 0);
	ck_assert_int_eq(cmdline_init_args("-- a -- b", buf, sizeof(buf), argv, 8), 3);
	ck_assert_str_eq(argv[1], "--"); // only the first "--" separates
}
END_TEST

START_TEST(init_args_limits)
{
	char buf[8];
	const char *argv[2];

	ck_assert_int_eq(cmdline_init_args("-- a b c", buf, sizeof(buf), argv, 2), -E2BIG);
	ck_assert_int_eq(cmdline_init_args("-- a b", buf, sizeof(buf), argv, 2), 2);
	ck_assert_int_eq(cmdline_init_args("-- abcd efg", buf, sizeof(buf), argv, 2), -E2BIG);
	ck_assert_int_eq(cmdline_init_args("-- abc def", buf, sizeof(buf), argv, 2), 2); // exact fit
	ck_assert_str_eq(argv[1], "def");
	ck_assert_int_eq(cmdline_init_args("-- a", NULL, 0, argv, 2), -E2BIG);
	ck_assert_int_eq(cmdline_init_args("-- a", buf, sizeof(buf), NULL, 0), -E2BIG);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, get_simple_values);
	tcase_add_test(tc, get_last_one_wins);
	tcase_add_test(tc, get_empty_and_odd_values);
	tcase_add_test(tc, get_quoted_values);
	tcase_add_test(tc, get_truncates_to_buffer);
	tcase_add_test(tc, dash_underscore_equivalent);
	tcase_add_test(tc, has_bare_flags_only);
	tcase_add_test(tc, iterator_walks_params);
	tcase_add_test(tc, init_args_after_dashes);
	tcase_add_test(tc, init_args_limits);
	suite_add_tcase(s, tc);
	return s;
}
