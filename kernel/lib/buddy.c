// SPDX-License-Identifier: MPL-2.0
// Binary buddy allocator over page-frame numbers: bookkeeping only, no memory access.
#include <lib/buddy.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define NIL UINT32_MAX

// Invariants: a block of 2^o frames starting at h (h aligned to 2^o) is free
// iff meta[h].state == ST_FREE and meta[h].order == o, and it is then on
// free list o; it is allocated iff meta[h].state == ST_ALLOC with order o.
// Every other managed frame is ST_INNER; frames never added are ST_UNMANAGED.
enum buddy_state {
	ST_UNMANAGED = 0,
	ST_INNER,
	ST_FREE,
	ST_ALLOC,
};

size_t buddy_meta_size(uint64_t nframes)
{
	if (nframes > BUDDY_MAX_FRAMES || nframes > SIZE_MAX / sizeof(struct buddy_frame))
		return 0;
	return (size_t)nframes * sizeof(struct buddy_frame);
}

int buddy_init(struct buddy *b, void *meta, size_t meta_size, uint64_t nframes)
{
	size_t need = buddy_meta_size(nframes);

	if ((need == 0 && nframes != 0) || meta_size < need || (!meta && need))
		return -EINVAL;
	if ((uintptr_t)meta % _Alignof(struct buddy_frame) != 0)
		return -EINVAL;
	b->meta = meta;
	b->nframes = (uint32_t)nframes;
	b->free_frames = 0;
	for (unsigned o = 0; o < BUDDY_NORDERS; o++) {
		b->free_head[o] = NIL;
		b->free_blocks[o] = 0;
	}
	if (need)
		memset(meta, 0, need); // all ST_UNMANAGED
	return 0;
}

static void list_push(struct buddy *b, uint32_t pfn, unsigned order)
{
	struct buddy_frame *f = &b->meta[pfn];
	uint32_t head = b->free_head[order];

	f->state = ST_FREE;
	f->order = (uint8_t)order;
	f->prev = NIL;
	f->next = head;
	if (head != NIL)
		b->meta[head].prev = pfn;
	b->free_head[order] = pfn;
	b->free_blocks[order]++;
	b->free_frames += 1ull << order;
}

// Unlinks free block pfn; the caller sets its new state.
static void list_remove(struct buddy *b, uint32_t pfn)
{
	struct buddy_frame *f = &b->meta[pfn];
	unsigned order = f->order;

	if (f->prev != NIL)
		b->meta[f->prev].next = f->next;
	else
		b->free_head[order] = f->next;
	if (f->next != NIL)
		b->meta[f->next].prev = f->prev;
	b->free_blocks[order]--;
	b->free_frames -= 1ull << order;
}

static bool is_free_block(const struct buddy *b, uint64_t pfn, unsigned order)
{
	return pfn < b->nframes && b->meta[pfn].state == ST_FREE && b->meta[pfn].order == order;
}

// Inserts block (pfn, order), merging with its buddy while that is free.
static void insert_coalesce(struct buddy *b, uint32_t pfn, unsigned order)
{
	while (order < BUDDY_MAX_ORDER) {
		uint32_t buddy = pfn ^ (1u << order);
		if (!is_free_block(b, buddy, order))
			break;
		list_remove(b, buddy);
		b->meta[buddy].state = ST_INNER;
		b->meta[pfn].state = ST_INNER;
		pfn &= ~(1u << order);
		order++;
	}
	list_push(b, pfn, order);
}

// Largest order o <= BUDDY_MAX_ORDER with pfn aligned to 2^o and 2^o <= count.
static unsigned max_block_order(uint64_t pfn, uint64_t count)
{
	unsigned o = 0;

	while (o < BUDDY_MAX_ORDER && !(pfn & (1ull << o)) && (2ull << o) <= count)
		o++;
	return o;
}

int buddy_add_free_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
	if (pfn > b->nframes || count > b->nframes - pfn)
		return -EINVAL;
	for (uint64_t i = pfn; i < pfn + count; i++) {
		if (b->meta[i].state != ST_UNMANAGED)
			return -EINVAL;
	}
	for (uint64_t i = pfn; i < pfn + count; i++)
		b->meta[i].state = ST_INNER;
	while (count) {
		unsigned o = max_block_order(pfn, count);
		insert_coalesce(b, (uint32_t)pfn, o);
		pfn += 1ull << o;
		count -= 1ull << o;
	}
	return 0;
}

int64_t buddy_alloc(struct buddy *b, unsigned order)
{
	unsigned o = order;

	if (order > BUDDY_MAX_ORDER)
		return -EINVAL;
	while (o <= BUDDY_MAX_ORDER && b->free_head[o] == NIL)
		o++;
	if (o > BUDDY_MAX_ORDER)
		return -ENOMEM;
	uint32_t pfn = b->free_head[o];
	list_remove(b, pfn);
	// Split: keep the lower half, return upper halves to their lists.
	while (o > order) {
		o--;
		list_push(b, pfn + (1u << o), o);
	}
	b->meta[pfn].state = ST_ALLOC;
	b->meta[pfn].order = (uint8_t)order;
	return pfn;
}

static bool is_alloc_block(const struct buddy *b, uint64_t pfn, unsigned order)
{
	return order <= BUDDY_MAX_ORDER && pfn < b->nframes &&
	       b->meta[pfn].state == ST_ALLOC && b->meta[pfn].order == order;
}

int buddy_free(struct buddy *b, uint64_t pfn, unsigned order)
{
	if (!is_alloc_block(b, pfn, order))
		return -EINVAL;
	b->meta[pfn].state = ST_INNER;
	insert_coalesce(b, (uint32_t)pfn, order);
	return 0;
}

int buddy_split_allocated(struct buddy *b, uint64_t pfn, unsigned order)
{
	if (!is_alloc_block(b, pfn, order))
		return -EINVAL;
	for (uint64_t i = pfn; i < pfn + (1ull << order); i++) {
		b->meta[i].state = ST_ALLOC;
		b->meta[i].order = 0;
	}
	return 0;
}

uint64_t buddy_free_count(const struct buddy *b)
{
	return b->free_frames;
}

uint64_t buddy_free_blocks(const struct buddy *b, unsigned order)
{
	return order <= BUDDY_MAX_ORDER ? b->free_blocks[order] : 0;
}
