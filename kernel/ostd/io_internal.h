// SPDX-License-Identifier: MPL-2.0
// IoMem construction for framework code that has mapped a device window (framework-internal).
#ifndef OSTD_IO_INTERNAL_H
#define OSTD_IO_INTERNAL_H

#include <ostd/iomem.h>

/* Precondition: [va, va + size) is an uncached device mapping that lives forever. */
struct iomem *iomem_wrap(void *va, size_t size);

#endif
