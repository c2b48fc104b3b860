// SPDX-License-Identifier: MPL-2.0
// Bit arrays stored in uint64_t words: set, clear, test and search.
#ifndef KEEL_LIB_BITMAP_H
#define KEEL_LIB_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BITMAP_WORD_BITS 64
// Words needed to hold nbits bits.
#define BITMAP_WORDS(nbits) (((nbits) + BITMAP_WORD_BITS - 1) / BITMAP_WORD_BITS)

// Bit i lives in word i / 64 at position i % 64. Callers keep i < nbits and
// provide their own locking; nothing here is atomic.

static inline void bitmap_set(uint64_t *map, size_t i)
{
	map[i / BITMAP_WORD_BITS] |= 1ull << (i % BITMAP_WORD_BITS);
}

static inline void bitmap_clear(uint64_t *map, size_t i)
{
	map[i / BITMAP_WORD_BITS] &= ~(1ull << (i % BITMAP_WORD_BITS));
}

static inline bool bitmap_test(const uint64_t *map, size_t i)
{
	return (map[i / BITMAP_WORD_BITS] >> (i % BITMAP_WORD_BITS)) & 1;
}

// Sets or clears bits [start, start+count).
void bitmap_set_range(uint64_t *map, size_t start, size_t count);
void bitmap_clear_range(uint64_t *map, size_t start, size_t count);

// Index of the first clear (resp. set) bit at or after `start` and below
// nbits, or nbits if there is none. Bits at and above nbits are ignored.
size_t bitmap_find_next_zero(const uint64_t *map, size_t nbits, size_t start);
size_t bitmap_find_next_set(const uint64_t *map, size_t nbits, size_t start);

static inline size_t bitmap_find_first_zero(const uint64_t *map, size_t nbits)
{
	return bitmap_find_next_zero(map, nbits, 0);
}

static inline size_t bitmap_find_first_set(const uint64_t *map, size_t nbits)
{
	return bitmap_find_next_set(map, nbits, 0);
}

// Number of set bits among the first nbits.
size_t bitmap_count(const uint64_t *map, size_t nbits);

#endif // KEEL_LIB_BITMAP_H
