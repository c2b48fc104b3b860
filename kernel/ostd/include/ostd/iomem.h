// SPDX-License-Identifier: MPL-2.0
// Memory-mapped device registers as bounded handles.
#ifndef OSTD_IOMEM_H
#define OSTD_IOMEM_H

#include <ostd/types.h>

/*
 * An uncached mapping of a device register window of iomem_size() bytes
 * (a PCI memory BAR, or a part of one). Services reach the registers only
 * through the accessors below, each one access of exactly that width.
 * An access that is not naturally aligned or does not lie wholly inside
 * the window is a service bug: the framework panics naming it (like the
 * bounds sanitizer) instead of touching memory outside the device.
 * Handles live as long as the kernel (mappings are never torn down).
 */
struct iomem;

size_t iomem_size(const struct iomem *io);
/* A handle on [off, off + len) of io; NULL if that is not inside io or out of memory. */
struct iomem *iomem_sub(const struct iomem *io, size_t off, size_t len) __must_check;

uint8_t iomem_read8(const struct iomem *io, size_t off);
uint16_t iomem_read16(const struct iomem *io, size_t off);
uint32_t iomem_read32(const struct iomem *io, size_t off);
void iomem_write8(const struct iomem *io, size_t off, uint8_t v);
void iomem_write16(const struct iomem *io, size_t off, uint16_t v);
void iomem_write32(const struct iomem *io, size_t off, uint32_t v);

#endif
