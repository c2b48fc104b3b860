// SPDX-License-Identifier: MPL-2.0
// Split virtqueues (virtio 1.x, section 2.7): descriptor chains, available and used rings in one DMA buffer.
#include <ostd/console.h>
#include <uapi/errno.h>
#include "drivers/virtio/virtqueue.h"

#define DESC_F_NEXT  1
#define DESC_F_WRITE 2
#define AVAIL_F_NO_INTERRUPT 1
#define USED_F_NO_NOTIFY 1
#define VQ_NONE 0xffff

/* desc[i]: addr u64, len u32, flags u16, next u16 (16 bytes). avail: flags, idx, ring[size]. used: flags, idx, {id u32, len u32}[size]. */
static size_t desc_off(uint16_t i) { return (size_t)i * 16; }

int vq_init(struct virtqueue *vq, uint16_t size)
{
    if (size == 0 || size > VQ_MAX_SIZE || (size & (size - 1)))
        return -EINVAL;
    vq->size = size;
    vq->avail_off = desc_off(size);
    vq->used_off = ALIGN_UP(vq->avail_off + 6 + 2u * size, 4);
    vq->ring = dma_alloc(vq->used_off + 6 + 8u * size);
    if (!vq->ring)
        return -ENOMEM;
    spin_init(&vq->lock, "virtqueue");
    for (uint16_t i = 0; i < size; i++) {
        vq->next[i] = (uint16_t)(i + 1 < size ? i + 1 : VQ_NONE);
        vq->cookie[i] = NULL;
    }
    vq->free_head = 0;
    vq->num_free = size;
    vq->avail_idx = vq->last_used = 0;
    return 0;
}

void vq_destroy(struct virtqueue *vq)
{
    dma_free(vq->ring);
    vq->ring = NULL;
}

uint64_t vq_desc_addr(const struct virtqueue *vq) { return dma_addr(vq->ring); }
uint64_t vq_avail_addr(const struct virtqueue *vq) { return dma_addr(vq->ring) + vq->avail_off; }
uint64_t vq_used_addr(const struct virtqueue *vq) { return dma_addr(vq->ring) + vq->used_off; }

int vq_add_locked(struct virtqueue *vq, const struct vq_seg *segs, unsigned n, void *cookie)
{
    if (n == 0 || !cookie)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++) {
        if (!segs[i].buf || segs[i].len == 0 || segs[i].off > dma_size(segs[i].buf) ||
            segs[i].len > dma_size(segs[i].buf) - segs[i].off)
            return -EINVAL;
        if (i && segs[i - 1].device_writes && !segs[i].device_writes)
            return -EINVAL;     /* readable buffers must precede writable ones (2.7.4.2) */
    }
    if (n > vq->num_free)
        return -ENOSPC;
    uint16_t head = vq->free_head, d = head, last = head;
    for (unsigned i = 0; i < n; i++) {
        last = d;
        uint16_t flags = (uint16_t)((segs[i].device_writes ? DESC_F_WRITE : 0) | (i + 1 < n ? DESC_F_NEXT : 0));
        dma_store64(vq->ring, desc_off(d), dma_addr(segs[i].buf) + segs[i].off);
        dma_store32(vq->ring, desc_off(d) + 8, segs[i].len);
        dma_store16(vq->ring, desc_off(d) + 12, flags);
        dma_store16(vq->ring, desc_off(d) + 14, i + 1 < n ? vq->next[d] : 0);
        d = vq->next[d];
    }
    vq->free_head = vq->next[last];
    vq->next[last] = VQ_NONE;
    vq->num_free = (uint16_t)(vq->num_free - n);
    vq->cookie[head] = cookie;
    vq->chain_len[head] = (uint16_t)n;
    dma_store16(vq->ring, vq->avail_off + 4 + 2u * (vq->avail_idx % vq->size), head);
    dma_wmb();      /* the ring entry before the index that publishes it */
    vq->avail_idx++;
    dma_store16(vq->ring, vq->avail_off + 2, vq->avail_idx);
    return 0;
}

bool vq_needs_notify_locked(const struct virtqueue *vq)
{
    dma_mb();       /* our index store before reading the device's flag */
    return !(dma_load16(vq->ring, vq->used_off) & USED_F_NO_NOTIFY);
}

/* Return the chain starting at head to the free list. */
static void free_chain(struct virtqueue *vq, uint16_t head)
{
    /* The CPU-side shadow, not the shared descriptors: the device cannot change it. */
    uint16_t d = head, n = vq->chain_len[head];
    for (uint16_t i = 1; i < n; i++)
        d = vq->next[d];
    vq->next[d] = vq->free_head;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + n);
    vq->cookie[head] = NULL;
}

void *vq_get_used_locked(struct virtqueue *vq, uint32_t *len)
{
    for (;;) {
        uint16_t idx = dma_load16(vq->ring, vq->used_off + 2);
        if (idx == vq->last_used)
            return NULL;
        dma_rmb();  /* the entry after the index that announced it */
        size_t e = vq->used_off + 4 + 8u * (vq->last_used % vq->size);
        uint32_t id = dma_load32(vq->ring, e);
        *len = dma_load32(vq->ring, e + 4);
        vq->last_used++;
        if (id < vq->size && vq->cookie[id]) {
            void *c = vq->cookie[id];
            free_chain(vq, (uint16_t)id);
            return c;
        }
        pr_err("virtqueue: device returned bad id %u\n", id);
    }
}
