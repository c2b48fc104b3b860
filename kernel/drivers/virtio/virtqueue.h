// SPDX-License-Identifier: MPL-2.0
// Split virtqueues (virtio 1.x, section 2.7): descriptor chains, available and used rings in one DMA buffer.
#ifndef KEEL_DRIVERS_VIRTIO_VIRTQUEUE_H
#define KEEL_DRIVERS_VIRTIO_VIRTQUEUE_H

#include <ostd/dma.h>
#include <ostd/sync.h>

#define VQ_MAX_SIZE 256

/*
 * One buffer of a chain: a range of a DMA buffer. Descriptors are built only
 * from such ranges (checked against dma_size), so a driver can point the
 * device at nothing but DMA memory it owns.
 */
struct vq_seg {
    const struct dma_buf *buf;
    size_t off;
    uint32_t len;
    bool device_writes;         /* VIRTQ_DESC_F_WRITE: the device fills it */
};

/*
 * The driver side of one split virtqueue. Rings (desc, avail, used) are in
 * `ring`; the free list and per-head cookies are CPU-only shadows.
 * Every field below `lock` is guarded by it (callers take it: vq_* are _locked).
 */
struct virtqueue {
    struct dma_buf *ring;
    uint16_t size;              /* entries, a power of two */
    size_t avail_off, used_off; /* ring layout inside `ring` */
    spinlock_t lock;
    uint16_t free_head, num_free;
    uint16_t avail_idx;         /* next avail ring slot (free-running) */
    uint16_t last_used;         /* next used ring entry to consume (free-running) */
    uint16_t next[VQ_MAX_SIZE]; /* free-list links and chain links */
    void *cookie[VQ_MAX_SIZE];  /* per chain head */
    uint16_t chain_len[VQ_MAX_SIZE]; /* per chain head: descriptors in the chain */
};

/* Allocate the rings for `size` entries (a power of two <= VQ_MAX_SIZE). 0, -EINVAL or -ENOMEM. */
int vq_init(struct virtqueue *vq, uint16_t size) __must_check;
void vq_destroy(struct virtqueue *vq);
/* Device addresses of the three areas, for the transport. */
uint64_t vq_desc_addr(const struct virtqueue *vq);
uint64_t vq_avail_addr(const struct virtqueue *vq);
uint64_t vq_used_addr(const struct virtqueue *vq);

/*
 * Put a chain of n segments (device-readable ones first) on the available
 * ring with `cookie` (non-NULL) as its token. Returns 0, -ENOSPC when fewer
 * than n descriptors are free, -EINVAL for n == 0, a bad order, or a range
 * outside its buffer.
 * The caller then notifies the device if vq_needs_notify_locked().
 */
int vq_add_locked(struct virtqueue *vq, const struct vq_seg *segs, unsigned n, void *cookie) __must_check;
bool vq_needs_notify_locked(const struct virtqueue *vq);
/*
 * Take one completed chain off the used ring: its cookie, with *len the
 * bytes the device wrote; NULL when none is pending (or the device returned
 * an id that is not an outstanding head, which is reported and skipped).
 */
void *vq_get_used_locked(struct virtqueue *vq, uint32_t *len);

#endif
