// SPDX-License-Identifier: MPL-2.0
// In-kernel tests of the split virtqueue and the virtio capability parser, with the device side simulated.
#include <ostd/ktest.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "drivers/virtio/virtqueue.h"
#include "drivers/virtio/virtio_pci.h"

/* Device side: take the next available head (or -1), as a device reading the avail ring would. */
static int dev_next_avail(struct virtqueue *vq, uint16_t *seen)
{
    uint16_t idx = dma_load16(vq->ring, vq->avail_off + 2);
    if (idx == *seen)
        return -1;
    int head = dma_load16(vq->ring, vq->avail_off + 4 + 2u * (*seen % vq->size));
    (*seen)++;
    return head;
}

/* Device side: complete head with len bytes written. */
static void dev_complete(struct virtqueue *vq, uint16_t head, uint32_t len)
{
    uint16_t idx = dma_load16(vq->ring, vq->used_off + 2);
    size_t e = vq->used_off + 4 + 8u * (idx % vq->size);
    dma_store32(vq->ring, e, head);
    dma_store32(vq->ring, e + 4, len);
    dma_store16(vq->ring, vq->used_off + 2, (uint16_t)(idx + 1));
}

static uint64_t desc_addr(struct virtqueue *vq, uint16_t d)
{
    uint64_t v = dma_load32(vq->ring, d * 16u) | (uint64_t)dma_load32(vq->ring, d * 16u + 4) << 32;
    return v;
}

KTEST(virtqueue_chain_layout)
{
    struct virtqueue vq;
    KT_EQ(vq_init(&vq, 8), 0);
    KT_EQ(vq_avail_addr(&vq) - vq_desc_addr(&vq), 8 * 16);
    KT_EQ(vq_used_addr(&vq) % 4, 0);
    int cookie;
    struct dma_buf *b = dma_alloc(4096);
    KT_ASSERT(b != NULL);
    struct vq_seg seg[3] = { { b, 0, 16, false }, { b, 512, 512, true }, { b, 4095, 1, true } };
    KT_EQ(vq_add_locked(&vq, seg, 3, &cookie), 0);
    KT_EQ(vq.num_free, 5);
    uint16_t seen = 0;
    int head = dev_next_avail(&vq, &seen);
    KT_EQ(head, 0);
    /* walk the chain as the device would: flags NEXT/WRITE and next links */
    uint16_t d = (uint16_t)head;
    for (int i = 0; i < 3; i++) {
        uint16_t flags = dma_load16(vq.ring, d * 16u + 12);
        KT_EQ(desc_addr(&vq, d), dma_addr(b) + seg[i].off);
        KT_EQ(dma_load32(vq.ring, d * 16u + 8), seg[i].len);
        KT_EQ(!!(flags & 2), seg[i].device_writes);
        KT_EQ(!!(flags & 1), i < 2);
        d = dma_load16(vq.ring, d * 16u + 14);
    }
    KT_EQ(dev_next_avail(&vq, &seen), -1);
    uint32_t len = 0;
    KT_ASSERT(vq_get_used_locked(&vq, &len) == NULL);
    dev_complete(&vq, (uint16_t)head, 513);
    KT_ASSERT(vq_get_used_locked(&vq, &len) == &cookie);
    KT_EQ(len, 513);
    KT_EQ(vq.num_free, 8);
    KT_ASSERT(vq_get_used_locked(&vq, &len) == NULL);
    /* ranges outside their buffer never become descriptors */
    struct vq_seg out[2] = { { b, 4000, 97, false }, { NULL, 0, 1, true } };
    KT_EQ(vq_add_locked(&vq, out, 1, &cookie), -EINVAL);
    KT_EQ(vq_add_locked(&vq, out + 1, 1, &cookie), -EINVAL);
    KT_EQ(vq.num_free, 8);
    dma_free(b);
    vq_destroy(&vq);
}

KTEST(virtqueue_full_and_out_of_order)
{
    struct virtqueue vq;
    int c[4];
    struct dma_buf *b = dma_alloc(4096);
    KT_ASSERT(b != NULL);
    struct vq_seg seg[2] = { { b, 0, 16, false }, { b, 16, 1, true } };
    KT_EQ(vq_init(&vq, 8), 0);
    for (int i = 0; i < 4; i++)
        KT_EQ(vq_add_locked(&vq, seg, 2, &c[i]), 0);
    KT_EQ(vq_add_locked(&vq, seg, 1, &c[0]), -ENOSPC);
    uint16_t seen = 0;
    int heads[4];
    for (int i = 0; i < 4; i++)
        heads[i] = dev_next_avail(&vq, &seen);
    /* the device completes them backwards; each cookie comes back once */
    for (int i = 3; i >= 0; i--)
        dev_complete(&vq, (uint16_t)heads[i], 0);
    uint32_t len;
    for (int i = 3; i >= 0; i--)
        KT_ASSERT(vq_get_used_locked(&vq, &len) == &c[i]);
    KT_EQ(vq.num_free, 8);
    /* freed descriptors are reused, many times round the free-running indexes */
    for (int round = 0; round < 70000 / 4; round++) {
        KT_EQ(vq_add_locked(&vq, seg, 2, &c[0]), 0);
        int h = dev_next_avail(&vq, &seen);
        KT_ASSERT(h >= 0);
        dev_complete(&vq, (uint16_t)h, 1);
        KT_ASSERT(vq_get_used_locked(&vq, &len) == &c[0]);
    }
    KT_EQ(vq.num_free, 8);
    dma_free(b);
    vq_destroy(&vq);
}

KTEST(virtqueue_rejects_bad_input)
{
    struct virtqueue vq;
    int c;
    KT_EQ(vq_init(&vq, 6), -EINVAL);
    KT_EQ(vq_init(&vq, 0), -EINVAL);
    KT_EQ(vq_init(&vq, 512), -EINVAL);
    KT_EQ(vq_init(&vq, 4), 0);
    struct vq_seg bad[2] = { { vq.ring, 0, 1, true }, { vq.ring, 16, 16, false } };
    KT_EQ(vq_add_locked(&vq, bad, 2, &c), -EINVAL);     /* writable before readable */
    KT_EQ(vq_add_locked(&vq, bad, 0, &c), -EINVAL);
    KT_EQ(vq_add_locked(&vq, bad, 1, NULL), -EINVAL);
    /* a device returning an id that is not an outstanding head is ignored */
    dev_complete(&vq, 3, 0);
    dev_complete(&vq, 100, 0);
    uint32_t len;
    KT_ASSERT(vq_get_used_locked(&vq, &len) == NULL);
    KT_EQ(vq.num_free, 4);
    vq_destroy(&vq);
}

static void vcap(uint8_t *cfg, uint8_t off, uint8_t next, uint8_t type, uint8_t bar, uint32_t o, uint32_t len,
                 uint8_t caplen)
{
    cfg[off] = PCI_CAP_VENDOR;
    cfg[off + 1] = next;
    cfg[off + 2] = caplen;
    cfg[off + 3] = type;
    cfg[off + 4] = bar;
    for (int i = 0; i < 4; i++) {
        cfg[off + 8 + i] = (uint8_t)(o >> (8 * i));
        cfg[off + 12 + i] = (uint8_t)(len >> (8 * i));
    }
}

KTEST(virtio_caps_qemu_layout)
{
    uint8_t cfg[256];
    struct virtio_caps c;
    memset(cfg, 0, sizeof(cfg));
    cfg[0x06] = 0x10;
    cfg[0x34] = 0x84;
    /* QEMU: common 0x0/0x1000, isr 0x1000, device 0x2000, notify 0x3000 (mult 4), all in BAR 4 */
    vcap(cfg, 0x84, 0x70, 5, 0, 0, 0, 20);          /* pci cfg access */
    vcap(cfg, 0x70, 0x60, 2, 4, 0x3000, 0x1000, 20);
    cfg[0x70 + 16] = 4;
    vcap(cfg, 0x60, 0x50, 4, 4, 0x2000, 0x1000, 16);
    vcap(cfg, 0x50, 0x40, 3, 4, 0x1000, 0x1000, 16);
    vcap(cfg, 0x40, 0x00, 1, 4, 0x0000, 0x1000, 16);
    KT_EQ(virtio_parse_caps(cfg, &c), 0);
    KT_EQ(c.cap[0].bar, 4);
    KT_EQ(c.cap[0].off, 0);
    KT_EQ(c.cap[1].off, 0x3000);
    KT_EQ(c.notify_mult, 4);
    KT_EQ(c.cap[2].off, 0x1000);
    KT_EQ(c.cap[3].off, 0x2000);
    KT_ASSERT(c.have[4]);
    /* without an ISR capability the device is not usable */
    vcap(cfg, 0x50, 0x40, 3, 7, 0x1000, 0x1000, 16);   /* BAR 7 does not exist */
    KT_EQ(virtio_parse_caps(cfg, &c), -ENODEV);
    /* a short notify capability (no multiplier) is skipped */
    vcap(cfg, 0x50, 0x40, 3, 4, 0x1000, 0x1000, 16);
    vcap(cfg, 0x70, 0x60, 2, 4, 0x3000, 0x1000, 16);
    KT_EQ(virtio_parse_caps(cfg, &c), -ENODEV);
}
