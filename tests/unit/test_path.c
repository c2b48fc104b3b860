// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/path.c: component splitting, dots, trailing slashes, NAME_MAX.
#include <string.h>
#include "unit.h"
#include <lib/path.h>
#include <uapi/errno.h>

START_TEST(splits_components)
{
	const char *p = "a/bc//def";
	struct path_comp c;
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert_int_eq(c.len, 1);
	ck_assert(strncmp(c.name, "a", 1) == 0);
	ck_assert(!c.last && c.trailing && c.kind == PATH_NORMAL);
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert_int_eq(c.len, 2);
	ck_assert(strncmp(c.name, "bc", 2) == 0);
	ck_assert_str_eq(c.rest, "def");
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert(c.last && !c.trailing);
	ck_assert_int_eq(c.len, 3);
	ck_assert_int_eq(path_next(&p, &c), 0);
}
END_TEST

START_TEST(leading_and_trailing_slashes)
{
	const char *p = "///x///";
	struct path_comp c;
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert(c.last && c.trailing);
	ck_assert_int_eq(c.len, 1);
	ck_assert_int_eq(path_next(&p, &c), 0);
	p = "/";
	ck_assert_int_eq(path_next(&p, &c), 0);
	p = "";
	ck_assert_int_eq(path_next(&p, &c), 0);
	ck_assert(path_is_absolute("/a"));
	ck_assert(!path_is_absolute("a/"));
}
END_TEST

START_TEST(dots)
{
	const char *p = "./../.../..x";
	struct path_comp c;
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert_int_eq(c.kind, PATH_DOT);
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert_int_eq(c.kind, PATH_DOTDOT);
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert_int_eq(c.kind, PATH_NORMAL);   // "..." is an ordinary name
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert_int_eq(c.kind, PATH_NORMAL);   // so is "..x"
	ck_assert(c.last);
}
END_TEST

START_TEST(name_max)
{
	char buf[300];
	memset(buf, 'n', sizeof(buf));
	buf[255] = 0;
	const char *p = buf;
	struct path_comp c;
	ck_assert_int_eq(path_next(&p, &c), 1);
	ck_assert_int_eq(c.len, 255);
	buf[255] = 'n';
	buf[256] = 0;
	p = buf;
	ck_assert_int_eq(path_next(&p, &c), -ENAMETOOLONG);
	buf[0] = '/';
	buf[1] = 0;
	p = buf;
	ck_assert_int_eq(path_next(&p, &c), 0);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("path");
	tcase_add_test(tc, splits_components);
	tcase_add_test(tc, leading_and_trailing_slashes);
	tcase_add_test(tc, dots);
	tcase_add_test(tc, name_max);
	suite_add_tcase(s, tc);
	return s;
}
