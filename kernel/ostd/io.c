// SPDX-License-Identifier: MPL-2.0
// Bounded device access: IoMem register windows and DMA buffers.
#include <ostd/iomem.h>
#include <ostd/dma.h>
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "mm/frame_internal.h"
#include "io_internal.h"

struct iomem {
    uint8_t *va;        /* uncached mapping of the whole window */
    size_t size;
};

struct iomem *iomem_wrap(void *va, size_t size)
{
    struct iomem *io = kmalloc(sizeof(*io));
    if (io)
        *io = (struct iomem){ va, size };
    return io;
}

size_t iomem_size(const struct iomem *io) { return io->size; }

struct iomem *iomem_sub(const struct iomem *io, size_t off, size_t len)
{
    if (off > io->size || len > io->size - off || len == 0)
        return NULL;
    return iomem_wrap(io->va + off, len);
}

/* Returns the address of a width-byte access at off, or panics: a service bug. */
static uint8_t *io_at(const struct iomem *io, size_t off, size_t width)
{
    if (off > io->size || width > io->size - off || (off & (width - 1)))
        panic("iomem: %zu-byte access at offset %#zx of a %#zx-byte window", width, off, io->size);
    return io->va + off;
}

/* SAFETY: io_at() keeps every access inside the mapped, aligned device window. */
uint8_t iomem_read8(const struct iomem *io, size_t off) { return *(volatile uint8_t *)io_at(io, off, 1); }
uint16_t iomem_read16(const struct iomem *io, size_t off) { return *(volatile uint16_t *)(void *)io_at(io, off, 2); }
uint32_t iomem_read32(const struct iomem *io, size_t off) { return *(volatile uint32_t *)(void *)io_at(io, off, 4); }
void iomem_write8(const struct iomem *io, size_t off, uint8_t v) { *(volatile uint8_t *)io_at(io, off, 1) = v; }
void iomem_write16(const struct iomem *io, size_t off, uint16_t v) { *(volatile uint16_t *)(void *)io_at(io, off, 2) = v; }
void iomem_write32(const struct iomem *io, size_t off, uint32_t v) { *(volatile uint32_t *)(void *)io_at(io, off, 4) = v; }

struct dma_buf {
    struct frame *first;
    unsigned order;
    size_t size;
};

struct dma_buf *dma_alloc(size_t size)
{
    if (size == 0 || size > DMA_MAX_SIZE)
        return NULL;
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    struct dma_buf *d = kmalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->first = frame_alloc_order(order, FRAME_ZERO);
    if (!d->first) {
        kfree(d);
        return NULL;
    }
    d->order = order;
    d->size = PAGE_SIZE << order;
    return d;
}

void dma_free(struct dma_buf *d)
{
    if (!d)
        return;
    frame_free_order(d->first, d->order);
    kfree(d);
}

size_t dma_size(const struct dma_buf *d) { return d->size; }
uint64_t dma_addr(const struct dma_buf *d) { return frame_paddr(d->first); }

static uint8_t *dma_va(const struct dma_buf *d) { return frame_virt(d->first); }

int dma_read(const struct dma_buf *d, size_t off, void *buf, size_t len)
{
    if (off > d->size || len > d->size - off)
        return -EINVAL;
    memcpy(buf, dma_va(d) + off, len);
    return 0;
}

int dma_write(struct dma_buf *d, size_t off, const void *buf, size_t len)
{
    if (off > d->size || len > d->size - off)
        return -EINVAL;
    memcpy(dma_va(d) + off, buf, len);
    return 0;
}

static uint8_t *dma_at(const struct dma_buf *d, size_t off, size_t width)
{
    if (off > d->size || width > d->size - off || (off & (width - 1)))
        panic("dma: %zu-byte access at offset %#zx of a %#zx-byte buffer", width, off, d->size);
    return dma_va(d) + off;
}

/* SAFETY: dma_at() keeps every access inside the buffer and naturally aligned (so untorn). */
uint16_t dma_load16(const struct dma_buf *d, size_t off)
{
    return __atomic_load_n((uint16_t *)(void *)dma_at(d, off, 2), __ATOMIC_RELAXED);
}
uint32_t dma_load32(const struct dma_buf *d, size_t off)
{
    return __atomic_load_n((uint32_t *)(void *)dma_at(d, off, 4), __ATOMIC_RELAXED);
}
void dma_store16(struct dma_buf *d, size_t off, uint16_t v)
{
    __atomic_store_n((uint16_t *)(void *)dma_at(d, off, 2), v, __ATOMIC_RELAXED);
}
void dma_store32(struct dma_buf *d, size_t off, uint32_t v)
{
    __atomic_store_n((uint32_t *)(void *)dma_at(d, off, 4), v, __ATOMIC_RELAXED);
}
void dma_store64(struct dma_buf *d, size_t off, uint64_t v)
{
    __atomic_store_n((uint64_t *)(void *)dma_at(d, off, 8), v, __ATOMIC_RELAXED);
}

/* x86: stores are not reordered with stores nor loads with loads; only store->load needs mfence. */
void dma_mb(void) { __asm__ volatile("mfence" ::: "memory"); }
void dma_rmb(void) { __asm__ volatile("" ::: "memory"); }
void dma_wmb(void) { __asm__ volatile("" ::: "memory"); }
