// SPDX-License-Identifier: MPL-2.0
// PCI bus enumeration (depth-first through bridges) and driver matching.
#include <ostd/console.h>
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <uapi/errno.h>
#include "drivers/pci/pci_bus.h"

#define PCI_CLASS_BRIDGE_PCI 0x0604

static struct list_head devices = LIST_HEAD_INIT(devices);  /* written only by the scan (boot) */
static struct list_head drivers = LIST_HEAD_INIT(drivers);
/* guards drivers and every device's driver field */
static struct mutex bus_lock = MUTEX_INIT(bus_lock, "pci bus");

void pci_read_header(const struct pci_device *dev, uint8_t cfg[256])
{
    for (unsigned i = 0; i < 256; i += 4) {
        uint32_t v = pci_cfg_read32(dev->addr, (uint16_t)i);
        for (unsigned b = 0; b < 4; b++)
            cfg[i + b] = (uint8_t)(v >> (8 * b));
    }
}

static struct pci_device *add_function(pci_bdf_t a)
{
    struct pci_device *d = kzalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->addr = a;
    d->vendor = pci_cfg_read16(a, PCI_CFG_VENDOR);
    d->device = pci_cfg_read16(a, PCI_CFG_DEVICE);
    d->revision = pci_cfg_read8(a, PCI_CFG_REVISION);
    d->class = pci_cfg_read32(a, PCI_CFG_REVISION) >> 8;
    d->header_type = pci_cfg_read8(a, PCI_CFG_HEADER_TYPE);
    if ((d->header_type & 0x7f) == 0) {
        d->subsys_vendor = pci_cfg_read16(a, PCI_CFG_SUBSYS_VENDOR);
        d->subsys = pci_cfg_read16(a, PCI_CFG_SUBSYS_ID);
    }
    d->irq_pin = pci_cfg_read8(a, PCI_CFG_INT_PIN);
    list_add_tail(&d->link, &devices);
    printk("pci: %02x:%02x.%u %04x:%04x class %06x%s\n", a.bus, a.dev, a.fn, d->vendor, d->device,
           d->class, d->irq_pin ? "" : " (no INTx)");
    return d;
}

static int scan_bus(uint8_t bus, unsigned depth, bool *seen);

static int scan_function(pci_bdf_t a, unsigned depth, bool *seen)
{
    struct pci_device *d = add_function(a);
    if (!d)
        return -ENOMEM;
    if ((d->header_type & 0x7f) == 1 && (d->class >> 8) == PCI_CLASS_BRIDGE_PCI) {
        uint8_t sec = pci_cfg_read8(a, PCI_CFG_SECONDARY_BUS);
        if (sec > a.bus && !seen[sec] && depth < 32)
            return scan_bus(sec, depth + 1, seen);
    }
    return 0;
}

static int scan_bus(uint8_t bus, unsigned depth, bool *seen)
{
    seen[bus] = true;
    for (uint8_t dev = 0; dev < 32; dev++) {
        pci_bdf_t a = { bus, dev, 0 };
        if (pci_cfg_read16(a, PCI_CFG_VENDOR) == 0xffff)
            continue;
        unsigned nfn = (pci_cfg_read8(a, PCI_CFG_HEADER_TYPE) & 0x80) ? 8 : 1;
        for (uint8_t fn = 0; fn < nfn; fn++) {
            a.fn = fn;
            if (pci_cfg_read16(a, PCI_CFG_VENDOR) == 0xffff)
                continue;
            int r = scan_function(a, depth, seen);
            if (r)
                return r;
        }
    }
    return 0;
}

int pci_bus_scan(void)
{
    bool *seen = kzalloc(256 * sizeof(bool));
    if (!seen)
        return -ENOMEM;
    int r = scan_bus(0, 0, seen);
    kfree(seen);
    return r;
}

static bool matches(const struct pci_driver *drv, const struct pci_device *d)
{
    for (const struct pci_device_id *id = drv->ids; id->vendor || id->device; id++)
        if ((id->vendor == PCI_ANY_ID || id->vendor == d->vendor) &&
            (id->device == PCI_ANY_ID || id->device == d->device))
            return true;
    return false;
}

void pci_register_driver(struct pci_driver *drv)
{
    struct list_head *p;
    mutex_lock(&bus_lock);
    list_add_tail(&drv->link, &drivers);
    list_for_each(p, &devices) {
        struct pci_device *d = list_entry(p, struct pci_device, link);
        if (d->driver || !matches(drv, d))
            continue;
        int r = drv->probe(d);
        if (r == 0)
            d->driver = drv;
        else
            pr_warn("pci: %s: probe of %02x:%02x.%u failed: %d\n", drv->name, d->addr.bus, d->addr.dev,
                    d->addr.fn, r);
    }
    mutex_unlock(&bus_lock);
}

void pci_for_each_device(void (*fn)(struct pci_device *dev, void *ctx), void *ctx)
{
    struct list_head *p;
    list_for_each(p, &devices)
        fn(list_entry(p, struct pci_device, link), ctx);
}
