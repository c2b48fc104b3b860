// SPDX-License-Identifier: MPL-2.0
// virtio-blk: a block device over one virtqueue, several requests in flight, completion by interrupt.
#include <ostd/console.h>
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <lib/format.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "block/blkdev.h"
#include "drivers/virtio/virtio_blk.h"
#include "drivers/virtio/virtio_pci.h"

#define VIRTIO_BLK_F_RO    5
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_T_IN    0
#define VIRTIO_BLK_T_OUT   1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK    0
#define VBLK_MAJOR   254        /* Linux gives virtblk a dynamic major; 254 is what it usually gets */
#define VBLK_MINORS  16         /* per disk: the disk and 15 partitions */
#define VBLK_SLOTS   8          /* requests in flight */
#define VBLK_SLOT_SECTORS 128   /* 64 KiB of data per request */
#define HDR_STRIDE   32         /* per slot in `hdrs`: 16-byte header, then the status byte */

struct vblk;
struct vblk_slot { struct vblk *v; unsigned idx; bool done; };  /* done: written under vq.lock, read atomically */

struct vblk {
    struct virtio_pci vp;
    struct virtqueue vq;
    struct dma_buf *hdrs;
    struct dma_buf *data[VBLK_SLOTS];
    struct vblk_slot slot[VBLK_SLOTS];
    unsigned nslots;
    uint32_t busy;              /* bit per slot; guarded by vq.lock */
    struct waitqueue slot_wq;   /* a slot was released */
    struct waitqueue done_wq;   /* a request completed */
    bool has_flush;
    struct blkdev disk;
};

static unsigned ndisks;         /* probe runs under the PCI bus lock */

static void vblk_irq(void *ctx)
{
    struct vblk *v = ctx;
    uint32_t len;
    struct vblk_slot *s;
    unsigned long f = spin_lock_irqsave(&v->vq.lock);
    while ((s = vq_get_used_locked(&v->vq, &len)))
        atomic_store(&s->done, true);
    spin_unlock_irqrestore(&v->vq.lock, f);
    wq_wake_all(&v->done_wq);
}

static bool try_claim(struct vblk *v, unsigned *idx)
{
    unsigned long f = spin_lock_irqsave(&v->vq.lock);
    bool ok = false;
    for (unsigned i = 0; i < v->nslots && !ok; i++) {
        if (!(v->busy & (1u << i))) {
            v->busy |= 1u << i;
            *idx = i;
            ok = true;
        }
    }
    spin_unlock_irqrestore(&v->vq.lock, f);
    return ok;
}

static void release(struct vblk *v, unsigned idx)
{
    unsigned long f = spin_lock_irqsave(&v->vq.lock);
    v->busy &= ~(1u << idx);
    spin_unlock_irqrestore(&v->vq.lock, f);
    wq_wake_all(&v->slot_wq);
}

/* Queue one request on slot idx and wait for it; returns the device status or -errno. */
static int submit_wait(struct vblk *v, unsigned idx, uint32_t type, uint64_t sector, uint32_t bytes)
{
    uint8_t hdr[16] = { 0 }, st = 0xff;
    for (int i = 0; i < 4; i++)
        hdr[i] = (uint8_t)(type >> (8 * i));
    for (int i = 0; i < 8; i++)
        hdr[8 + i] = (uint8_t)(sector >> (8 * i));
    size_t hoff = (size_t)idx * HDR_STRIDE;
    if (dma_write(v->hdrs, hoff, hdr, 16) || dma_write(v->hdrs, hoff + 16, &st, 1))
        return -EINVAL;
    struct vq_seg seg[3];
    unsigned n = 0;
    seg[n++] = (struct vq_seg){ v->hdrs, hoff, 16, false };
    if (bytes)
        seg[n++] = (struct vq_seg){ v->data[idx], 0, bytes, type == VIRTIO_BLK_T_IN };
    seg[n++] = (struct vq_seg){ v->hdrs, hoff + 16, 1, true };
    struct vblk_slot *s = &v->slot[idx];
    unsigned long f = spin_lock_irqsave(&v->vq.lock);
    atomic_store(&s->done, false);
    int r = vq_add_locked(&v->vq, seg, n, s);
    bool kick = !r && vq_needs_notify_locked(&v->vq);
    spin_unlock_irqrestore(&v->vq.lock, f);
    if (r)
        return r;
    if (kick)
        virtio_notify(&v->vp, 0);
    wait_event(&v->done_wq, atomic_load(&s->done));
    if (dma_read(v->hdrs, hoff + 16, &st, 1))
        return -EINVAL;
    return st;
}

/* One request of at most VBLK_SLOT_SECTORS; buf is read from (OUT) or filled (IN). */
static int vblk_rw_one(struct vblk *v, uint32_t type, uint64_t sector, void *rbuf, const void *wbuf,
                       uint32_t count)
{
    unsigned idx;
    uint32_t bytes = count * BLK_SECTOR_SIZE;
    wait_event(&v->slot_wq, try_claim(v, &idx));
    int r = wbuf ? dma_write(v->data[idx], 0, wbuf, bytes) : 0;
    if (!r)
        r = submit_wait(v, idx, type, sector, bytes);
    if (r == VIRTIO_BLK_S_OK && rbuf)
        r = dma_read(v->data[idx], 0, rbuf, bytes);
    release(v, idx);
    return r == VIRTIO_BLK_S_OK ? 0 : r < 0 ? r : -EIO;
}

static int vblk_read(struct blkdev *bd, uint64_t sector, void *buf, uint32_t count)
{
    struct vblk *v = bd->priv;
    uint8_t *p = buf;
    for (uint32_t done = 0; done < count;) {
        uint32_t n = MIN(count - done, (uint32_t)VBLK_SLOT_SECTORS);
        int r = vblk_rw_one(v, VIRTIO_BLK_T_IN, sector + done, p + (size_t)done * BLK_SECTOR_SIZE, NULL, n);
        if (r)
            return r;
        done += n;
    }
    return 0;
}

static int vblk_write(struct blkdev *bd, uint64_t sector, const void *buf, uint32_t count)
{
    struct vblk *v = bd->priv;
    const uint8_t *p = buf;
    for (uint32_t done = 0; done < count;) {
        uint32_t n = MIN(count - done, (uint32_t)VBLK_SLOT_SECTORS);
        int r = vblk_rw_one(v, VIRTIO_BLK_T_OUT, sector + done, NULL, p + (size_t)done * BLK_SECTOR_SIZE, n);
        if (r)
            return r;
        done += n;
    }
    return 0;
}

static int vblk_flush(struct blkdev *bd)
{
    struct vblk *v = bd->priv;
    if (!v->has_flush)
        return 0;       /* without VIRTIO_BLK_F_FLUSH the device writes through */
    unsigned idx;
    wait_event(&v->slot_wq, try_claim(v, &idx));
    int r = submit_wait(v, idx, VIRTIO_BLK_T_FLUSH, 0, 0);
    release(v, idx);
    return r == VIRTIO_BLK_S_OK ? 0 : r < 0 ? r : -EIO;
}

static const struct blkdev_ops vblk_ops = { vblk_read, vblk_write, vblk_flush };

static int alloc_buffers(struct vblk *v)
{
    v->nslots = MIN((unsigned)VBLK_SLOTS, v->vq.size / 3u);
    v->hdrs = dma_alloc(VBLK_SLOTS * HDR_STRIDE);
    if (!v->hdrs || v->nslots == 0)
        return -ENOMEM;
    for (unsigned i = 0; i < v->nslots; i++) {
        v->slot[i] = (struct vblk_slot){ v, i, false };
        v->data[i] = dma_alloc(VBLK_SLOT_SECTORS * BLK_SECTOR_SIZE);
        if (!v->data[i])
            return -ENOMEM;
    }
    return 0;
}

static void free_buffers(struct vblk *v)
{
    for (unsigned i = 0; i < VBLK_SLOTS; i++)
        dma_free(v->data[i]);
    dma_free(v->hdrs);
}

static int vblk_setup(struct vblk *v, struct pci_device *pdev)
{
    uint64_t feat;
    int r = virtio_pci_init(&v->vp, pdev);
    if (!r)
        r = virtio_negotiate(&v->vp, 1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_FLUSH, &feat);
    if (!r)
        r = virtio_setup_queue(&v->vp, 0, &v->vq, 64, vblk_irq, v);
    if (r)
        return r;
    r = alloc_buffers(v);
    if (r)
        return r;
    v->has_flush = feat & 1ull << VIRTIO_BLK_F_FLUSH;
    v->disk.readonly = feat & 1ull << VIRTIO_BLK_F_RO;
    v->disk.nsectors = virtio_cfg_read64(&v->vp, 0);
    virtio_driver_ok(&v->vp);
    return 0;
}

static int vblk_probe(struct pci_device *pdev)
{
    if (ndisks >= 26)
        return -ENOSPC;     /* FIXME: names past vdz */
    struct vblk *v = kzalloc(sizeof(*v));
    if (!v)
        return -ENOMEM;
    wq_init(&v->slot_wq);
    wq_init(&v->done_wq);
    int r = vblk_setup(v, pdev);
    if (r) {
        if (v->vp.common)
            virtio_fail(&v->vp);
        free_buffers(v);
        kfree(v);   /* FIXME: a queue set up before the failure keeps its IRQ vector and ring */
        return r;
    }
    ksnprintf(v->disk.name, sizeof(v->disk.name), "vd%c", 'a' + ndisks);
    v->disk.major = VBLK_MAJOR;
    v->disk.minor = ndisks * VBLK_MINORS;
    v->disk.ops = &vblk_ops;
    v->disk.priv = v;
    printk("virtio-blk: %s: %lu sectors, %s, flush %s, %u in flight, %s\n", v->disk.name, v->disk.nsectors,
           v->disk.readonly ? "read-only" : "read-write", v->has_flush ? "yes" : "no", v->nslots,
           v->vp.msix ? "MSI-X" : "INTx");
    ndisks++;
    pdev->drvdata = v;
    r = blkdev_register(&v->disk);
    if (r)
        return r;
    r = blkdev_scan_partitions(&v->disk);
    if (r < 0)
        pr_warn("virtio-blk: %s: partition table unreadable: %d\n", v->disk.name, r);
    return 0;
}

static const struct pci_device_id vblk_ids[] = {
    { VIRTIO_VENDOR, 0x1001 },  /* transitional */
    { VIRTIO_VENDOR, 0x1042 },  /* modern-only: 0x1040 + device type 2 */
    { 0, 0 },
};

static struct pci_driver vblk_driver = { .name = "virtio-blk", .ids = vblk_ids, .probe = vblk_probe };

void virtio_blk_init(void) { pci_register_driver(&vblk_driver); }
