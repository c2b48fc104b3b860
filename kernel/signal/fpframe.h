// SPDX-License-Identifier: MPL-2.0
// The FPU part of x86-64 signal frames: the XSAVE image with its software bytes and magics.
#ifndef KEEL_SIGNAL_FPFRAME_H
#define KEEL_SIGNAL_FPFRAME_H

#include <ostd/types.h>
#include <ostd/user.h>

/* Bytes a frame reserves for the FPU image (64-byte aligned start): the XSAVE image + magic2, or 512. */
uint64_t fpframe_size(void);
/* Do images carry the extended (XSAVE) layout, i.e. set UC_FP_XSTATE? */
bool fpframe_extended(void);
/* Write the current FPU state of uc as a frame image at fpstate (64-byte aligned). 0 or -EFAULT. */
int fpframe_save(struct user_context *uc, uint64_t fpstate) __must_check;
/*
 * Load uc's FPU state from the image at fpstate: the whole XSAVE image when
 * its magics are valid, else the legacy FXSAVE part only (as Linux). fpstate
 * 0 resets the FPU. 0, or -EFAULT/-EINVAL/-ENOMEM (the caller kills with SIGSEGV).
 */
int fpframe_restore(struct user_context *uc, uint64_t fpstate) __must_check;

#endif
