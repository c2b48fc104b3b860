// SPDX-License-Identifier: MPL-2.0
// Bit arrays stored in uint64_t words: set, clear, test and search.
#include <lib/bitmap.h>

// Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64.
static uint64_t word_mask(unsigned lo, unsigned hi)
{
	uint64_t upper = hi == BITMAP_WORD_BITS ? ~0ull : (1ull << hi) - 1;

	return upper & ~((1ull << lo) - 1);
}

// Applies set (or clear) to bits [start, start+count), a word at a time.
static void update_range(uint64_t *map, size_t start, size_t count, bool set)
{
	while (count) {
		size_t w = start / BITMAP_WORD_BITS;
		unsigned lo = start % BITMAP_WORD_BITS;
		unsigned n = BITMAP_WORD_BITS - lo < count ? BITMAP_WORD_BITS - lo : (unsigned)count;
		uint64_t m = word_mask(lo, lo + n);

		map[w] = set ? map[w] | m : map[w] & ~m;
		start += n;
		count -= n;
	}
}

void bitmap_set_range(uint64_t *map, size_t start, size_t count)
{
	update_range(map, start, count, true);
}

void bitmap_clear_range(uint64_t *map, size_t start, size_t count)
{
	update_range(map, start, count, false);
}

// Shared search: `invert` turns a search for zeros into one for ones.
static size_t find_next(const uint64_t *map, size_t nbits, size_t start, uint64_t invert)
{
	if (start >= nbits)
		return nbits;
	size_t w = start / BITMAP_WORD_BITS;
	uint64_t bits = (map[w] ^ invert) & ~((1ull << (start % BITMAP_WORD_BITS)) - 1);
	size_t nwords = BITMAP_WORDS(nbits);

	for (;;) {
		if (bits) {
			size_t i = w * BITMAP_WORD_BITS + (size_t)__builtin_ctzll(bits);
			return i < nbits ? i : nbits;
		}
		if (++w >= nwords)
			return nbits;
		bits = map[w] ^ invert;
	}
}

size_t bitmap_find_next_zero(const uint64_t *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, ~0ull);
}

size_t bitmap_find_next_set(const uint64_t *map, size_t nbits, size_t start)
{
	return find_next(map, nbits, start, 0);
}

// Bit count by parallel summing; __builtin_popcountll would need libgcc's
// __popcountdi2 on CPUs targeted without POPCNT.
static unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ull);
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

size_t bitmap_count(const uint64_t *map, size_t nbits)
{
	size_t n = 0, full = nbits / BITMAP_WORD_BITS;
	unsigned rest = nbits % BITMAP_WORD_BITS;

	for (size_t w = 0; w < full; w++)
		n += popcount64(map[w]);
	if (rest)
		n += popcount64(map[full] & word_mask(0, rest));
	return n;
}
