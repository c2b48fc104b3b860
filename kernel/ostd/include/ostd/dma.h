// SPDX-License-Identifier: MPL-2.0
// DMA buffers: physically contiguous, cache-coherent memory a device reads and writes.
#ifndef OSTD_DMA_H
#define OSTD_DMA_H

#include <ostd/types.h>

/*
 * A zeroed, page-aligned, physically contiguous buffer of dma_size() bytes
 * (the request rounded up to a power-of-two number of pages). x86 DMA is
 * cache-coherent, so no flushing is needed; ordering against the device
 * uses dma_wmb()/dma_rmb()/dma_mb(). Services never get a pointer into it:
 * the CPU side is the bounded copy and scalar accessors below.
 */
struct dma_buf;

/* Any task context; NULL when size is 0, above DMA_MAX_SIZE, or out of memory. */
#define DMA_MAX_SIZE (4u << 20)
struct dma_buf *dma_alloc(size_t size) __must_check;
/* The device must no longer use the buffer. */
void dma_free(struct dma_buf *d);
size_t dma_size(const struct dma_buf *d);
/* The address the device uses (the physical address: there is no IOMMU). */
uint64_t dma_addr(const struct dma_buf *d);

/* Bounded copies: off + len must be <= dma_size(), else -EINVAL. */
int dma_read(const struct dma_buf *d, size_t off, void *buf, size_t len) __must_check;
int dma_write(struct dma_buf *d, size_t off, const void *buf, size_t len) __must_check;

/*
 * Single, untorn accesses to naturally aligned fields the device shares
 * (ring indexes, descriptors). Misaligned or out-of-bounds offsets are a
 * service bug and panic.
 */
uint16_t dma_load16(const struct dma_buf *d, size_t off);
uint32_t dma_load32(const struct dma_buf *d, size_t off);
void dma_store16(struct dma_buf *d, size_t off, uint16_t v);
void dma_store32(struct dma_buf *d, size_t off, uint32_t v);
void dma_store64(struct dma_buf *d, size_t off, uint64_t v);

/* Barriers between CPU accesses to DMA memory and device registers. */
void dma_mb(void);
void dma_rmb(void);
void dma_wmb(void);

#endif
