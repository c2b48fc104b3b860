// SPDX-License-Identifier: MPL-2.0
// Host tests for kernel/lib/buddy.c: splitting, coalescing, bad frees, a model-checked stress run.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include <lib/buddy.h>
#include <uapi/errno.h>

static struct buddy b;
static struct buddy_frame *meta;

// Fresh allocator of n frames with nothing free.
static void setup_n(uint64_t n)
{
	free(meta);
	meta = calloc(n ? n : 1, sizeof(*meta));
	ck_assert_int_eq(buddy_init(&b, meta, buddy_meta_size(n), n), 0);
}

static void teardown(void)
{
	free(meta);
	meta = NULL;
}

static void add(uint64_t pfn, uint64_t count)
{
	ck_assert_int_eq(buddy_add_free_range(&b, pfn, count), 0);
}

START_TEST(init_checks)
{
	struct buddy_frame m[4];

	ck_assert_uint_eq(buddy_meta_size(0), 0);
	ck_assert_uint_eq(buddy_meta_size(10), 10 * sizeof(struct buddy_frame));
	ck_assert_uint_eq(buddy_meta_size(1ull << 40), 0); // too many frames
	ck_assert_int_eq(buddy_init(&b, m, sizeof(m), 4), 0);
	ck_assert_int_eq(buddy_init(&b, m, sizeof(m) - 1, 4), -EINVAL);
	ck_assert_int_eq(buddy_init(&b, NULL, 0, 4), -EINVAL);
	ck_assert_int_eq(buddy_init(&b, (char *)m + 1, sizeof(m), 3), -EINVAL); // misaligned
	ck_assert_int_eq(buddy_init(&b, m, sizeof(m), 1ull << 40), -EINVAL);
	ck_assert_int_eq(buddy_init(&b, NULL, 0, 0), 0);
	ck_assert_int_eq(buddy_alloc(&b, 0), -ENOMEM);
	ck_assert_uint_eq(buddy_free_count(&b), 0);
}
END_TEST

START_TEST(aligned_range_is_one_block)
{
	setup_n(4096);
	add(1024, 2048);
	ck_assert_uint_eq(buddy_free_count(&b), 2048);
	ck_assert_uint_eq(buddy_free_blocks(&b, BUDDY_MAX_ORDER), 2);
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++)
		ck_assert_uint_eq(buddy_free_blocks(&b, o), 0);
	ck_assert_uint_eq(buddy_free_blocks(&b, BUDDY_MAX_ORDER + 1), 0);
}
END_TEST

START_TEST(unaligned_range_splits_maximally)
{
	setup_n(2048);
	add(3, 1000); // [3, 1003)
	ck_assert_uint_eq(buddy_free_count(&b), 1000);
	// 3 | 4-7 | 8-15 | 16-31 | 32-63 | 64-127 | 128-255 | 256-511 |
	// 512-767 | 768-895 | 896-959 | 960-991 | 992-999 | 1000-1001 | 1002
	static const uint64_t want[BUDDY_NORDERS] = { 2, 1, 1, 2, 1, 2, 2, 2, 2, 0, 0 };
	for (unsigned o = 0; o < BUDDY_NORDERS; o++)
		ck_assert_msg(buddy_free_blocks(&b, o) == want[o], "order %u: %lu blocks", o,
			      (unsigned long)buddy_free_blocks(&b, o));
	// Every frame of the range, and nothing else, can be allocated once.
	unsigned char seen[2048] = { 0 };
	for (int i = 0; i < 1000; i++) {
		int64_t pfn = buddy_alloc(&b, 0);
		ck_assert_int_ge(pfn, 3);
		ck_assert_int_lt(pfn, 1003);
		ck_assert(!seen[pfn]);
		seen[pfn] = 1;
	}
	ck_assert_int_eq(buddy_alloc(&b, 0), -ENOMEM);
}
END_TEST

START_TEST(alloc_splits_and_aligns)
{
	setup_n(1024);
	add(0, 1024);
	int64_t p = buddy_alloc(&b, 0);
	ck_assert_int_eq(p, 0);
	ck_assert_uint_eq(buddy_free_count(&b), 1023);
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++)
		ck_assert_uint_eq(buddy_free_blocks(&b, o), 1); // one buddy left per level
	ck_assert_uint_eq(buddy_free_blocks(&b, BUDDY_MAX_ORDER), 0);
	for (unsigned o = 1; o <= 5; o++) {
		int64_t q = buddy_alloc(&b, o);
		ck_assert_int_ge(q, 0);
		ck_assert_int_eq(q % (1 << o), 0);
	}
	ck_assert_int_eq(buddy_alloc(&b, BUDDY_MAX_ORDER), -ENOMEM);
	ck_assert_int_eq(buddy_alloc(&b, BUDDY_MAX_ORDER + 1), -EINVAL);
}
END_TEST

START_TEST(free_coalesces_fully)
{
	int64_t p[1024];

	setup_n(1024);
	add(0, 1024);
	for (int i = 0; i < 1024; i++)
		p[i] = buddy_alloc(&b, 0);
	ck_assert_int_eq(buddy_alloc(&b, 0), -ENOMEM);
	// Free in an interleaved order so merges happen at every level.
	for (int i = 0; i < 1024; i += 2)
		ck_assert_int_eq(buddy_free(&b, (uint64_t)p[i], 0), 0);
	ck_assert_uint_eq(buddy_free_blocks(&b, 0), 512);
	for (int i = 1; i < 1024; i += 2)
		ck_assert_int_eq(buddy_free(&b, (uint64_t)p[i], 0), 0);
	ck_assert_uint_eq(buddy_free_count(&b), 1024);
	ck_assert_uint_eq(buddy_free_blocks(&b, BUDDY_MAX_ORDER), 1);
	ck_assert_uint_eq(buddy_free_blocks(&b, 0), 0);
	ck_assert_int_eq(buddy_alloc(&b, BUDDY_MAX_ORDER), 0);
}
END_TEST

START_TEST(separately_added_ranges_merge)
{
	setup_n(64);
	add(0, 5);
	add(5, 11);
	ck_assert_uint_eq(buddy_free_blocks(&b, 4), 1);
	ck_assert_uint_eq(buddy_free_count(&b), 16);
	// The buddy of a block past nframes does not exist: no merge over the end.
	setup_n(24);
	add(0, 24);
	ck_assert_uint_eq(buddy_free_blocks(&b, 4), 1);
	ck_assert_uint_eq(buddy_free_blocks(&b, 3), 1);
	ck_assert_int_eq(buddy_alloc(&b, 5), -ENOMEM);
}
END_TEST

START_TEST(bad_frees_are_rejected)
{
	setup_n(64);
	add(0, 64);
	int64_t a = buddy_alloc(&b, 2);
	int64_t c = buddy_alloc(&b, 0);
	uint64_t before = buddy_free_count(&b);

	ck_assert_int_eq(buddy_free(&b, (uint64_t)a, 1), -EINVAL);     // wrong order
	ck_assert_int_eq(buddy_free(&b, (uint64_t)a, 3), -EINVAL);
	ck_assert_int_eq(buddy_free(&b, (uint64_t)a + 1, 0), -EINVAL); // inside the block
	ck_assert_int_eq(buddy_free(&b, 40, 0), -EINVAL);             // free, never allocated
	ck_assert_int_eq(buddy_free(&b, 64, 0), -EINVAL);             // past the end
	ck_assert_int_eq(buddy_free(&b, UINT64_MAX, 0), -EINVAL);
	ck_assert_int_eq(buddy_free(&b, (uint64_t)a, 99), -EINVAL);
	ck_assert_uint_eq(buddy_free_count(&b), before);

	ck_assert_int_eq(buddy_free(&b, (uint64_t)c, 0), 0);
	ck_assert_int_eq(buddy_free(&b, (uint64_t)c, 0), -EINVAL); // double free
	ck_assert_int_eq(buddy_free(&b, (uint64_t)a, 2), 0);
	ck_assert_int_eq(buddy_free(&b, (uint64_t)a, 2), -EINVAL); // double free after merging
	ck_assert_int_eq(buddy_free(&b, (uint64_t)a, 6), -EINVAL); // the merged block as a whole
	ck_assert_uint_eq(buddy_free_count(&b), 64);
	ck_assert_uint_eq(buddy_free_blocks(&b, 6), 1);
}
END_TEST

START_TEST(unmanaged_frames)
{
	setup_n(64);
	add(0, 16);
	ck_assert_int_eq(buddy_add_free_range(&b, 8, 16), -EINVAL); // overlaps
	ck_assert_int_eq(buddy_add_free_range(&b, 60, 5), -EINVAL); // past the end
	ck_assert_int_eq(buddy_add_free_range(&b, UINT64_MAX, 2), -EINVAL);
	ck_assert_int_eq(buddy_add_free_range(&b, 64, 0), 0);
	ck_assert_uint_eq(buddy_free_count(&b), 16);
	ck_assert_int_eq(buddy_free(&b, 32, 0), -EINVAL); // never added
	int64_t p = buddy_alloc(&b, 0);
	ck_assert_int_eq(buddy_add_free_range(&b, (uint64_t)p, 1), -EINVAL); // allocated
	// Frames 16..63 stay out: no block may grow over them.
	for (int i = 0; i < 15; i++)
		ck_assert_int_lt(buddy_alloc(&b, 0), 16);
	ck_assert_int_eq(buddy_alloc(&b, 0), -ENOMEM);
}
END_TEST

START_TEST(split_allocated_block)
{
	setup_n(32);
	add(0, 32);
	int64_t p = buddy_alloc(&b, 3);
	ck_assert_int_eq(buddy_split_allocated(&b, (uint64_t)p, 2), -EINVAL);
	ck_assert_int_eq(buddy_split_allocated(&b, (uint64_t)p, 3), 0);
	ck_assert_int_eq(buddy_free(&b, (uint64_t)p, 3), -EINVAL); // now eight order-0 blocks
	for (int i = 7; i >= 0; i--)
		ck_assert_int_eq(buddy_free(&b, (uint64_t)p + (uint64_t)i, 0), 0);
	ck_assert_uint_eq(buddy_free_blocks(&b, 5), 1);
}
END_TEST

// Random allocations and frees checked against a shadow owner map.
START_TEST(stress_against_model)
{
	enum { N = 3000, SLOTS = 400 };
	static int owner[N];
	struct { int64_t pfn; unsigned order; } slot[SLOTS];
	unsigned seed = 7;
	uint64_t expect_free = 0;

	setup_n(N);
	// Holes at [0,5) and [1500,1600): managed memory is not one range.
	add(5, 1495);
	add(1600, N - 1600);
	expect_free = N - 105;
	memset(owner, -1, sizeof(owner));
	for (int i = 0; i < SLOTS; i++)
		slot[i].pfn = -1;
	for (int step = 0; step < 40000; step++) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % SLOTS);
		if (slot[i].pfn < 0) {
			unsigned order = (seed >> 20) % 6;
			int64_t p = buddy_alloc(&b, order);
			if (p == -ENOMEM)
				continue;
			ck_assert_int_ge(p, 0);
			ck_assert_int_eq(p % (1 << order), 0);
			// Plain checks inside the loop: Check's assertions are slow in bulk.
			bool ok = true;
			for (int64_t f = p; f < p + (1 << order); f++) {
				ok = ok && f >= 5 && f < N && (f < 1500 || f >= 1600) && owner[f] == -1;
				if (ok)
					owner[f] = i;
			}
			ck_assert_msg(ok, "block %ld order %u overlaps a hole or another block", (long)p, order);
			slot[i].pfn = p;
			slot[i].order = order;
			expect_free -= 1u << order;
		} else {
			ck_assert_int_eq(buddy_free(&b, (uint64_t)slot[i].pfn, slot[i].order), 0);
			for (int64_t f = slot[i].pfn; f < slot[i].pfn + (1 << slot[i].order); f++)
				owner[f] = -1;
			expect_free += 1u << slot[i].order;
			slot[i].pfn = -1;
		}
		if (buddy_free_count(&b) != expect_free)
			ck_abort_msg("step %d: free count %lu, expected %lu", step,
				     (unsigned long)buddy_free_count(&b), (unsigned long)expect_free);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slot[i].pfn >= 0)
			ck_assert_int_eq(buddy_free(&b, (uint64_t)slot[i].pfn, slot[i].order), 0);
	}
	// Everything merged back: same block layout as right after adding.
	struct buddy_frame *m2 = calloc(N, sizeof(*m2));
	struct buddy ref;
	ck_assert_int_eq(buddy_init(&ref, m2, buddy_meta_size(N), N), 0);
	ck_assert_int_eq(buddy_add_free_range(&ref, 5, 1495), 0);
	ck_assert_int_eq(buddy_add_free_range(&ref, 1600, N - 1600), 0);
	for (unsigned o = 0; o < BUDDY_NORDERS; o++)
		ck_assert_uint_eq(buddy_free_blocks(&b, o), buddy_free_blocks(&ref, o));
	free(m2);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, init_checks);
	tcase_add_test(tc, aligned_range_is_one_block);
	tcase_add_test(tc, unaligned_range_splits_maximally);
	tcase_add_test(tc, alloc_splits_and_aligns);
	tcase_add_test(tc, free_coalesces_fully);
	tcase_add_test(tc, separately_added_ranges_merge);
	tcase_add_test(tc, bad_frees_are_rejected);
	tcase_add_test(tc, unmanaged_frames);
	tcase_add_test(tc, split_allocated_block);
	tcase_add_test(tc, stress_against_model);
	suite_add_tcase(s, tc);
	return s;
}
