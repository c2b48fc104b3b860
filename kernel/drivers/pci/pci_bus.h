// SPDX-License-Identifier: MPL-2.0
// PCI bus enumeration and the driver model: devices found at boot, drivers matched by vendor/device.
#ifndef KEEL_DRIVERS_PCI_BUS_H
#define KEEL_DRIVERS_PCI_BUS_H

#include <ostd/list.h>
#include <ostd/pci.h>
#include <lib/pci.h>

struct pci_driver;

/* One function found by the scan. Fields are fixed after the scan except driver/drvdata. */
struct pci_device {
    pci_bdf_t addr;
    uint16_t vendor, device, subsys_vendor, subsys;
    uint32_t class;             /* class << 16 | subclass << 8 | prog-if */
    uint8_t revision, header_type, irq_pin;
    const struct pci_driver *driver;    /* guarded by the bus lock; set by a successful probe */
    void *drvdata;                      /* the driver's */
    struct list_head link;              /* all devices; append-only */
};

#define PCI_ANY_ID 0xffff
struct pci_device_id { uint16_t vendor, device; };

struct pci_driver {
    const char *name;
    const struct pci_device_id *ids;    /* ends with { 0, 0 } */
    /* Task context; 0 binds the device to the driver, a negative errno leaves it free. */
    int (*probe)(struct pci_device *dev);
    struct list_head link;
};

/* Enumerate every bus reachable from bus 0 (following bridges) and log each function. */
int pci_bus_scan(void);
/* Bind drv to every matching unbound device now, and to none found later (no hotplug). */
void pci_register_driver(struct pci_driver *drv);
/* Read the 256-byte header of dev (for capability walks). */
void pci_read_header(const struct pci_device *dev, uint8_t cfg[256]);
/* Call fn for every device found (read-only walk). */
void pci_for_each_device(void (*fn)(struct pci_device *dev, void *ctx), void *ctx);

#endif
