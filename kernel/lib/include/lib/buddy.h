// SPDX-License-Identifier: MPL-2.0
// Binary buddy allocator over page-frame numbers: bookkeeping only, no memory access.
#ifndef KEEL_LIB_BUDDY_H
#define KEEL_LIB_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUDDY_MAX_ORDER 10 // largest block: 2^10 frames (4 MiB of 4 KiB pages)
#define BUDDY_NORDERS (BUDDY_MAX_ORDER + 1)
#define BUDDY_MAX_FRAMES 0xfffffffeu // frame indices are 32-bit; one value is "none"

// Per-frame metadata, meaningful only for the first frame of a block.
struct buddy_frame {
	uint32_t next; // free list links (frame indices), valid while free
	uint32_t prev;
	uint8_t state; // enum buddy_state in buddy.c
	uint8_t order;
};

// The allocator. Not locked: the caller serializes every call on one
// instance. Frames are numbered 0..nframes-1; the caller adds its base.
struct buddy {
	struct buddy_frame *meta;
	uint32_t nframes;
	uint32_t free_head[BUDDY_NORDERS];
	uint64_t free_blocks[BUDDY_NORDERS];
	uint64_t free_frames;
};

// Bytes of metadata storage needed for nframes frames (0 if too many).
size_t buddy_meta_size(uint64_t nframes);

// Sets up an allocator with no free frames. meta must hold
// buddy_meta_size(nframes) bytes, aligned for struct buddy_frame, and stay
// owned by the allocator. Returns 0 or -EINVAL.
int buddy_init(struct buddy *b, void *meta, size_t meta_size, uint64_t nframes)
	__attribute__((warn_unused_result));

// Makes frames [pfn, pfn+count) allocatable, as maximal aligned blocks that
// coalesce with free neighbours. -EINVAL (and no change) if the range leaves
// [0, nframes) or any frame in it was already added.
int buddy_add_free_range(struct buddy *b, uint64_t pfn, uint64_t count)
	__attribute__((warn_unused_result));

// Allocates 2^order contiguous frames aligned to 2^order. Returns the first
// frame number, -ENOMEM if no block is large enough, -EINVAL for a bad order.
int64_t buddy_alloc(struct buddy *b, unsigned order)
	__attribute__((warn_unused_result));

// Frees a block returned by buddy_alloc with the same order. Returns 0, or
// -EINVAL without touching any state if (pfn, order) is not currently an
// allocated block (double free, wrong order, never allocated).
int buddy_free(struct buddy *b, uint64_t pfn, unsigned order);

// Turns an allocated block of 2^order frames into 2^order allocated order-0
// blocks, so its frames can be freed one by one. Returns 0 or -EINVAL.
int buddy_split_allocated(struct buddy *b, uint64_t pfn, unsigned order);

// Number of free frames (all orders).
uint64_t buddy_free_count(const struct buddy *b);

// Number of free blocks of exactly this order (0 for a bad order).
uint64_t buddy_free_blocks(const struct buddy *b, unsigned order);

#endif // KEEL_LIB_BUDDY_H
