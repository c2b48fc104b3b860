// SPDX-License-Identifier: MPL-2.0
// Physical page frames as reference-counted handles.
#ifndef OSTD_FRAME_H
#define OSTD_FRAME_H

#include <ostd/types.h>

struct frame;   /* opaque: services never see a physical address as a pointer */

enum { FRAME_ZERO = 1 };

/* Allocate one 4 KiB frame with refcount 1; NULL when out of memory. Any context but IRQ. */
struct frame *frame_alloc(unsigned flags) __must_check;
void frame_get(struct frame *f);
/* Drop a reference; the frame is freed when the last one goes. */
void frame_put(struct frame *f);
unsigned frame_refcount(const struct frame *f);

/* Bounded access to a frame's contents: off + len must be <= PAGE_SIZE, else -EINVAL. */
int frame_read(const struct frame *f, size_t off, void *buf, size_t len) __must_check;
int frame_write(struct frame *f, size_t off, const void *buf, size_t len) __must_check;
void frame_zero(struct frame *f);
void frame_copy(struct frame *dst, const struct frame *src);

struct frame_stats { uint64_t total, free; };
void frame_get_stats(struct frame_stats *st);

#endif
