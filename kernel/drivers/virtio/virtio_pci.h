// SPDX-License-Identifier: MPL-2.0
// The virtio 1.x PCI transport (modern devices): capabilities, status, features, queues, interrupts.
#ifndef KEEL_DRIVERS_VIRTIO_PCI_H
#define KEEL_DRIVERS_VIRTIO_PCI_H

#include <ostd/iomem.h>
#include "drivers/pci/pci_bus.h"
#include "drivers/virtio/virtqueue.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_MAX_QUEUES 4

#define VIRTIO_STATUS_ACK         1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED      128

/* One virtio device on PCI. Set up by virtio_pci_init, then read-only. */
struct virtio_pci {
    struct pci_device *pdev;
    struct iomem *bar[PCI_NUM_BARS];
    struct iomem *common, *notify, *isr, *device;
    uint32_t notify_mult;
    size_t notify_off[VIRTIO_MAX_QUEUES];   /* per queue, inside `notify` */
    bool msix;                  /* queue interrupts are MSI-X (else shared INTx) */
    pci_irq_fn queue_fn;        /* INTx: the (single) queue's handler and context */
    void *queue_ctx;
};

/* Where the virtio structures live, as the vendor capabilities say (pure: ktested). */
struct virtio_cap_info { uint8_t bar; uint32_t off, len; };
struct virtio_caps {
    bool have[5];               /* index: cfg_type - 1 (common, notify, isr, device, pci) */
    struct virtio_cap_info cap[5];
    uint32_t notify_mult;
};
/* Parse the virtio vendor capabilities of a 256-byte header: 0, or -ENODEV unless common, notify and isr exist. */
int virtio_parse_caps(const uint8_t cfg[256], struct virtio_caps *out) __must_check;

/*
 * Map the structures and reset the device, then ACKNOWLEDGE + DRIVER.
 * 0, or -ENODEV for a device without the modern interface.
 */
int virtio_pci_init(struct virtio_pci *vp, struct pci_device *pdev) __must_check;
/*
 * Offer `wanted` | VERSION_1 intersected with the device's features, set
 * FEATURES_OK and check it stuck. *accepted gets the result.
 * -ENODEV if the device lacks VERSION_1 or refuses the set.
 */
int virtio_negotiate(struct virtio_pci *vp, uint64_t wanted, uint64_t *accepted) __must_check;
/*
 * Set up queue `index` with at most max_size entries (vq_init inside) and
 * its interrupt: fn(ctx) in IRQ context when the device used buffers.
 * Only queue 0 may use INTx. 0 or -errno.
 */
int virtio_setup_queue(struct virtio_pci *vp, uint16_t index, struct virtqueue *vq, uint16_t max_size,
                       pci_irq_fn fn, void *ctx) __must_check;
void virtio_driver_ok(struct virtio_pci *vp);
/* Mark the device FAILED (after a setup error). */
void virtio_fail(struct virtio_pci *vp);
void virtio_notify(struct virtio_pci *vp, uint16_t index);
/* Device-specific configuration (bounded by the device structure's length; 64-bit reads are retried on a generation change). */
uint32_t virtio_cfg_read32(struct virtio_pci *vp, size_t off);
uint64_t virtio_cfg_read64(struct virtio_pci *vp, size_t off);

#endif
