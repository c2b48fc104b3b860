// SPDX-License-Identifier: MPL-2.0
// The FPU part of x86-64 signal frames: lays out the XSAVE image, its software bytes and magic2.
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/sigcontext.h>
#include <uapi/signal.h>
#include "signal/signal.h"
#include "signal/fpframe.h"

bool fpframe_extended(void)
{
    return uctx_fpu_xfeatures() != 0;
}

uint64_t fpframe_size(void)
{
    uint64_t n = uctx_fpu_image_size();
    return fpframe_extended() ? n + FP_XSTATE_MAGIC2_SIZE : n;
}

int fpframe_save(struct user_context *uc, uint64_t fpstate)
{
    uint32_t size = uctx_fpu_image_size();
    struct k_fpx_sw_bytes sw;
    memset(&sw, 0, sizeof(sw));
    if (fpframe_extended())
        sw = (struct k_fpx_sw_bytes){
            .magic1 = FP_XSTATE_MAGIC1, .extended_size = size + FP_XSTATE_MAGIC2_SIZE,
            .xfeatures = uctx_fpu_xfeatures(), .xstate_size = size,
        };
    uint32_t magic2 = FP_XSTATE_MAGIC2;
    if (uctx_fpu_save_to_user(uc, uptr(fpstate), size) ||
        copy_to_user(uptr(fpstate + FPX_SW_BYTES_OFFSET), &sw, sizeof(sw)))
        return -EFAULT;
    if (fpframe_extended() && copy_to_user(uptr(fpstate + size), &magic2, sizeof(magic2)))
        return -EFAULT;
    return 0;
}

/* Do the software bytes and magic2 at fpstate describe an XSAVE image this kernel can load? */
static int xstate_present(uint64_t fpstate, struct k_fpx_sw_bytes *sw)
{
    if (copy_from_user(sw, uptr(fpstate + FPX_SW_BYTES_OFFSET), sizeof(*sw)))
        return -EFAULT;
    if (sw->magic1 != FP_XSTATE_MAGIC1 || sw->xstate_size < XSAVE_MIN_SIZE ||
        sw->xstate_size > uctx_fpu_image_size() || sw->xstate_size > sw->extended_size)
        return 0;
    uint32_t magic2;
    if (copy_from_user(&magic2, uptr(fpstate + sw->xstate_size), sizeof(magic2)))
        return -EFAULT;
    return magic2 == FP_XSTATE_MAGIC2;
}

int fpframe_restore(struct user_context *uc, uint64_t fpstate)
{
    if (!fpstate) {
        uctx_fpu_reset(uc);     /* no image: the FPU goes back to its initial state, as Linux */
        return 0;
    }
    if (fpstate & 15)
        return -EINVAL;         /* FXRSTOR would fault on it */
    if (!fpframe_extended())
        return uctx_fpu_restore_from_user(uc, uptr(fpstate));
    struct k_fpx_sw_bytes sw;
    int r = xstate_present(fpstate, &sw);
    if (r < 0)
        return r;
    if (!r)
        return uctx_fpu_restore_from_user(uc, uptr(fpstate));
    if (fpstate & 63)
        return -EINVAL;         /* XRSTOR would fault on it */
    return uctx_fpu_restore_xsave_from_user(uc, uptr(fpstate), sw.xfeatures & uctx_fpu_xfeatures());
}

uint64_t signal_frame_max_size(void)
{
    /* Linux's sum: the frame, its 16-byte alignment slack, the FPU image and its 64-byte alignment slack. */
    uint64_t n = sizeof(struct k_rt_sigframe) + 15 + fpframe_size() + 63;
    return (n + 15) & ~15ULL;
}
