// SPDX-License-Identifier: MPL-2.0
// The linux-vdso.so.1 image embedded in the kernel (generated from kernel/vdso/user/ at build time).
#ifndef KEEL_VDSO_VDSO_IMAGE_H
#define KEEL_VDSO_VDSO_IMAGE_H

#include <ostd/types.h>

extern const uint8_t vdso_image[];
extern const size_t vdso_image_len;

#endif
