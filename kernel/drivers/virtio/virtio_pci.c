// SPDX-License-Identifier: MPL-2.0
// The virtio 1.x PCI transport (modern devices): capabilities, status, features, queues, interrupts.
#include <ostd/console.h>
#include <ostd/task.h>
#include <uapi/errno.h>
#include "drivers/virtio/virtio_pci.h"

/* struct virtio_pci_common_cfg offsets (virtio 1.x, 4.1.4.3) */
#define COMMON_DFSELECT      0
#define COMMON_DF            4
#define COMMON_GFSELECT      8
#define COMMON_GF            12
#define COMMON_MSIX_CONFIG   16
#define COMMON_NUM_QUEUES    18
#define COMMON_STATUS        20
#define COMMON_CFG_GEN       21
#define COMMON_Q_SELECT      22
#define COMMON_Q_SIZE        24
#define COMMON_Q_MSIX        26
#define COMMON_Q_ENABLE      28
#define COMMON_Q_NOFF        30
#define COMMON_Q_DESC        32
#define COMMON_Q_DRIVER      40
#define COMMON_Q_DEVICE      48
#define COMMON_SIZE          56
#define VIRTIO_NO_VECTOR     0xffff

enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4, CAP_PCI = 5 };

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

int virtio_parse_caps(const uint8_t cfg[256], struct virtio_caps *out)
{
    *out = (struct virtio_caps){ 0 };
    for (uint8_t c = pci_cap_find(cfg, PCI_CAP_VENDOR, 0); c; c = pci_cap_find(cfg, PCI_CAP_VENDOR, c)) {
        if (c > 256 - 16 || cfg[c + 2] < 16)
            continue;
        uint8_t type = cfg[c + 3], bar = cfg[c + 4];
        if (type < CAP_COMMON || type > CAP_PCI || bar >= PCI_NUM_BARS || out->have[type - 1])
            continue;   /* the first capability of each type is the preferred one (4.1.4) */
        if (type == CAP_NOTIFY) {
            if (cfg[c + 2] < 20 || c > 256 - 20)
                continue;
            out->notify_mult = rd32(cfg + c + 16);
        }
        out->have[type - 1] = true;
        out->cap[type - 1] = (struct virtio_cap_info){ bar, rd32(cfg + c + 8), rd32(cfg + c + 12) };
    }
    if (!out->have[CAP_COMMON - 1] || !out->have[CAP_NOTIFY - 1] || !out->have[CAP_ISR - 1])
        return -ENODEV;
    return 0;
}

static struct iomem *map_cap(struct virtio_pci *vp, const struct virtio_cap_info *ci)
{
    if (!vp->bar[ci->bar])
        vp->bar[ci->bar] = pci_map_bar(vp->pdev->addr, ci->bar);
    return vp->bar[ci->bar] ? iomem_sub(vp->bar[ci->bar], ci->off, ci->len) : NULL;
}

static void set_status(struct virtio_pci *vp, uint8_t s) { iomem_write8(vp->common, COMMON_STATUS, s); }
static uint8_t get_status(struct virtio_pci *vp) { return iomem_read8(vp->common, COMMON_STATUS); }

int virtio_pci_init(struct virtio_pci *vp, struct pci_device *pdev)
{
    uint8_t cfg[256];
    struct virtio_caps caps;
    *vp = (struct virtio_pci){ .pdev = pdev };
    pci_read_header(pdev, cfg);
    if (virtio_parse_caps(cfg, &caps))
        return -ENODEV;
    vp->common = map_cap(vp, &caps.cap[CAP_COMMON - 1]);
    vp->notify = map_cap(vp, &caps.cap[CAP_NOTIFY - 1]);
    vp->isr = map_cap(vp, &caps.cap[CAP_ISR - 1]);
    vp->device = caps.have[CAP_DEVICE - 1] ? map_cap(vp, &caps.cap[CAP_DEVICE - 1]) : NULL;
    vp->notify_mult = caps.notify_mult;
    if (!vp->common || !vp->notify || !vp->isr || iomem_size(vp->common) < COMMON_SIZE)
        return -ENODEV;
    int r = pci_set_command(pdev->addr, PCI_CMD_MEMORY | PCI_CMD_MASTER, 0);
    if (r)
        return r;
    set_status(vp, 0);
    for (int i = 0; i < 1000 && get_status(vp) != 0; i++)
        task_sleep_ns(1000000);
    if (get_status(vp) != 0)
        return -EIO;
    set_status(vp, VIRTIO_STATUS_ACK);
    set_status(vp, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
    return 0;
}

int virtio_negotiate(struct virtio_pci *vp, uint64_t wanted, uint64_t *accepted)
{
    uint64_t dev = 0;
    for (uint32_t sel = 0; sel < 2; sel++) {
        iomem_write32(vp->common, COMMON_DFSELECT, sel);
        dev |= (uint64_t)iomem_read32(vp->common, COMMON_DF) << (32 * sel);
    }
    uint64_t f = dev & (wanted | 1ull << VIRTIO_F_VERSION_1);
    if (!(f & 1ull << VIRTIO_F_VERSION_1))
        return -ENODEV;     /* FIXME: legacy (pre-1.0) devices are not driven */
    for (uint32_t sel = 0; sel < 2; sel++) {
        iomem_write32(vp->common, COMMON_GFSELECT, sel);
        iomem_write32(vp->common, COMMON_GF, (uint32_t)(f >> (32 * sel)));
    }
    set_status(vp, get_status(vp) | VIRTIO_STATUS_FEATURES_OK);
    if (!(get_status(vp) & VIRTIO_STATUS_FEATURES_OK))
        return -ENODEV;
    *accepted = f;
    return 0;
}

static void intx_handler(void *ctx)
{
    struct virtio_pci *vp = ctx;
    uint8_t isr = iomem_read8(vp->isr, 0);     /* reading acknowledges and lowers the line */
    if ((isr & 1) && vp->queue_fn)
        vp->queue_fn(vp->queue_ctx);
}

static int setup_irq(struct virtio_pci *vp, uint16_t index, pci_irq_fn fn, void *ctx)
{
    if (index < pci_msix_count(vp->pdev->addr) && pci_msix_setup(vp->pdev->addr, index, fn, ctx) == 0) {
        vp->msix = true;
        iomem_write16(vp->common, COMMON_MSIX_CONFIG, VIRTIO_NO_VECTOR);
        iomem_write16(vp->common, COMMON_Q_MSIX, index);
        if (iomem_read16(vp->common, COMMON_Q_MSIX) == index)
            return 0;
        pr_warn("virtio: device refused MSI-X vector %u\n", index);
        return -EIO;
    }
    if (index != 0 || vp->msix)
        return -ENOSPC;
    vp->queue_fn = fn;
    vp->queue_ctx = ctx;
    return pci_intx_setup(vp->pdev->addr, intx_handler, vp);
}

int virtio_setup_queue(struct virtio_pci *vp, uint16_t index, struct virtqueue *vq, uint16_t max_size,
                       pci_irq_fn fn, void *ctx)
{
    if (index >= iomem_read16(vp->common, COMMON_NUM_QUEUES))
        return -ENOENT;
    iomem_write16(vp->common, COMMON_Q_SELECT, index);
    uint16_t size = iomem_read16(vp->common, COMMON_Q_SIZE);
    if (size == 0)
        return -ENOENT;
    while (size > max_size || (size & (size - 1)))
        size = (uint16_t)(size & (size - 1) ? size & (size - 1) : size / 2);
    size_t noff = (size_t)iomem_read16(vp->common, COMMON_Q_NOFF) * vp->notify_mult;
    if (index >= VIRTIO_MAX_QUEUES || noff + 2 > iomem_size(vp->notify))
        return -EINVAL;
    vp->notify_off[index] = noff;
    int r = vq_init(vq, size);
    if (r)
        return r;
    iomem_write16(vp->common, COMMON_Q_SIZE, size);
    iomem_write32(vp->common, COMMON_Q_DESC, (uint32_t)vq_desc_addr(vq));
    iomem_write32(vp->common, COMMON_Q_DESC + 4, (uint32_t)(vq_desc_addr(vq) >> 32));
    iomem_write32(vp->common, COMMON_Q_DRIVER, (uint32_t)vq_avail_addr(vq));
    iomem_write32(vp->common, COMMON_Q_DRIVER + 4, (uint32_t)(vq_avail_addr(vq) >> 32));
    iomem_write32(vp->common, COMMON_Q_DEVICE, (uint32_t)vq_used_addr(vq));
    iomem_write32(vp->common, COMMON_Q_DEVICE + 4, (uint32_t)(vq_used_addr(vq) >> 32));
    r = setup_irq(vp, index, fn, ctx);
    if (r) {
        vq_destroy(vq);
        return r;
    }
    iomem_write16(vp->common, COMMON_Q_ENABLE, 1);
    return 0;
}

void virtio_driver_ok(struct virtio_pci *vp) { set_status(vp, get_status(vp) | VIRTIO_STATUS_DRIVER_OK); }
void virtio_fail(struct virtio_pci *vp) { set_status(vp, get_status(vp) | VIRTIO_STATUS_FAILED); }

void virtio_notify(struct virtio_pci *vp, uint16_t index)
{
    if (index < VIRTIO_MAX_QUEUES)
        iomem_write16(vp->notify, vp->notify_off[index], index);
}

uint32_t virtio_cfg_read32(struct virtio_pci *vp, size_t off)
{
    return vp->device && off + 4 <= iomem_size(vp->device) ? iomem_read32(vp->device, off) : 0;
}

uint64_t virtio_cfg_read64(struct virtio_pci *vp, size_t off)
{
    uint8_t gen;
    uint64_t v;
    do {
        gen = iomem_read8(vp->common, COMMON_CFG_GEN);
        v = virtio_cfg_read32(vp, off) | (uint64_t)virtio_cfg_read32(vp, off + 4) << 32;
    } while (gen != iomem_read8(vp->common, COMMON_CFG_GEN));
    return v;
}
