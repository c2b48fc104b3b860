// SPDX-License-Identifier: MPL-2.0
// x86-64 extended signal-frame FPU layout: the software bytes and magics that mark an XSAVE image.
#ifndef KEEL_UAPI_SIGCONTEXT_H
#define KEEL_UAPI_SIGCONTEXT_H

#include <stdint.h>

#define FP_XSTATE_MAGIC1        0x46505853U     /* in fpx_sw_bytes.magic1: an XSAVE image follows */
#define FP_XSTATE_MAGIC2        0x46505845U     /* the 4 bytes right after the XSAVE image */
#define FP_XSTATE_MAGIC2_SIZE   4
#define FPX_SW_BYTES_OFFSET     464             /* in the FXSAVE area: its software-available bytes */
#define FXSAVE_AREA_SIZE        512
#define XSAVE_HDR_SIZE          64
#define XSAVE_MIN_SIZE          (FXSAVE_AREA_SIZE + XSAVE_HDR_SIZE)

/* struct _fpx_sw_bytes: 48 bytes at offset 464 of the frame's fpstate. */
struct k_fpx_sw_bytes {
    uint32_t magic1;
    uint32_t extended_size;     /* xstate_size + FP_XSTATE_MAGIC2_SIZE */
    uint64_t xfeatures;         /* XCR0: the components present in the image */
    uint32_t xstate_size;       /* bytes of the XSAVE image (without magic2) */
    uint32_t padding[7];
};

_Static_assert(sizeof(struct k_fpx_sw_bytes) == 48, "fpx_sw_bytes is 48 bytes");

#endif
