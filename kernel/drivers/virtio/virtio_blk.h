// SPDX-License-Identifier: MPL-2.0
// virtio-blk driver registration.
#ifndef KEEL_DRIVERS_VIRTIO_BLK_H
#define KEEL_DRIVERS_VIRTIO_BLK_H

/* Register the driver: every virtio-blk function found by the PCI scan becomes /dev/vdX. */
void virtio_blk_init(void);

#endif
