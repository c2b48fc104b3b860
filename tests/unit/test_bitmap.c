// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/bitmap.c, checked against a bool-array model.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "unit.h"
#include <lib/bitmap.h>

START_TEST(set_clear_test)
{
	uint64_t map[BITMAP_WORDS(130)] = { 0 };

	ck_assert_uint_eq(BITMAP_WORDS(130), 3);
	ck_assert_uint_eq(BITMAP_WORDS(128), 2);
	ck_assert_uint_eq(BITMAP_WORDS(0), 0);
	bitmap_set(map, 0);
	bitmap_set(map, 63);
	bitmap_set(map, 64);
	bitmap_set(map, 129);
	ck_assert(bitmap_test(map, 0) && bitmap_test(map, 63) && bitmap_test(map, 64) && bitmap_test(map, 129));
	ck_assert(!bitmap_test(map, 1) && !bitmap_test(map, 65) && !bitmap_test(map, 128));
	ck_assert_uint_eq(map[0], 0x8000000000000001ull);
	ck_assert_uint_eq(map[2], 2);
	bitmap_clear(map, 63);
	ck_assert(!bitmap_test(map, 63));
	ck_assert_uint_eq(bitmap_count(map, 130), 3);
	ck_assert_uint_eq(bitmap_count(map, 129), 2); // bit 129 outside nbits
}
END_TEST

START_TEST(find_first)
{
	uint64_t map[3];

	memset(map, 0xff, sizeof(map));
	ck_assert_uint_eq(bitmap_find_first_zero(map, 192), 192);
	ck_assert_uint_eq(bitmap_find_first_zero(map, 100), 100);
	bitmap_clear(map, 150);
	ck_assert_uint_eq(bitmap_find_first_zero(map, 192), 150);
	ck_assert_uint_eq(bitmap_find_first_zero(map, 150), 150); // beyond nbits: none
	ck_assert_uint_eq(bitmap_find_first_zero(map, 151), 150);
	memset(map, 0, sizeof(map));
	ck_assert_uint_eq(bitmap_find_first_set(map, 192), 192);
	bitmap_set(map, 64);
	ck_assert_uint_eq(bitmap_find_first_set(map, 192), 64);
	ck_assert_uint_eq(bitmap_find_next_set(map, 192, 64), 64);
	ck_assert_uint_eq(bitmap_find_next_set(map, 192, 65), 192);
	ck_assert_uint_eq(bitmap_find_next_zero(map, 192, 64), 65);
	ck_assert_uint_eq(bitmap_find_next_zero(map, 192, 500), 192);
	ck_assert_uint_eq(bitmap_find_first_zero(map, 0), 0);
}
END_TEST

START_TEST(ranges_match_model)
{
	enum { NB = 300 };
	uint64_t map[BITMAP_WORDS(NB)];
	bool model[NB];
	unsigned seed = 5;

	memset(map, 0, sizeof(map));
	memset(model, 0, sizeof(model));
	for (int round = 0; round < 3000; round++) {
		seed = seed * 1103515245u + 12345u;
		size_t start = (seed >> 8) % NB;
		seed = seed * 1103515245u + 12345u;
		size_t count = (seed >> 8) % (NB - start + 1);
		bool set = (seed >> 4) & 1;
		if (set)
			bitmap_set_range(map, start, count);
		else
			bitmap_clear_range(map, start, count);
		for (size_t i = start; i < start + count; i++)
			model[i] = set;

		size_t n = 0, from = (seed >> 20) % NB, fz = NB, fs = NB;
		// One assertion per round: Check's assertions are slow in bulk.
		size_t bad = NB;
		for (size_t i = 0; i < NB; i++) {
			if (bitmap_test(map, i) != model[i] && bad == NB)
				bad = i;
			n += model[i];
			if (i >= from && !model[i] && fz == NB)
				fz = i;
			if (i >= from && model[i] && fs == NB)
				fs = i;
		}
		ck_assert_msg(bad == NB, "bit %zu differs after round %d", bad, round);
		ck_assert_uint_eq(bitmap_count(map, NB), n);
		ck_assert_uint_eq(bitmap_find_next_zero(map, NB, from), fz);
		ck_assert_uint_eq(bitmap_find_next_set(map, NB, from), fs);
	}
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("bitmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, set_clear_test);
	tcase_add_test(tc, find_first);
	tcase_add_test(tc, ranges_match_model);
	suite_add_tcase(s, tc);
	return s;
}
