// SPDX-License-Identifier: MPL-2.0
// Device bring-up at boot: bus scans, then driver registration.
#include <ostd/console.h>
#include "drivers/drivers.h"
#include "drivers/pci/pci_bus.h"
#include "drivers/virtio/virtio_blk.h"

void drivers_init(void)
{
    int r = pci_bus_scan();
    if (r)
        pr_err("pci: bus scan failed: %d\n", r);
    virtio_blk_init();
}
