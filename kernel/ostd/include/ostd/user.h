// SPDX-License-Identifier: MPL-2.0
// User memory access and user-mode execution: the only ways services touch user space.
#ifndef OSTD_USER_H
#define OSTD_USER_H

#include <ostd/types.h>

/*
 * Copy between kernel buffers and the current address space. The range must
 * lie in the user half; a fault that the vm_space's fault handler cannot
 * resolve yields -EFAULT (never a panic). Return 0 or -EFAULT.
 */
int copy_from_user(void *dst, uptr_t src, size_t len) __must_check;
int copy_to_user(uptr_t dst, const void *src, size_t len) __must_check;
int clear_user(uptr_t dst, size_t len) __must_check;
/*
 * Atomically: if the aligned 32-bit user word at addr equals old, store new.
 * *cur gets the value found (old when the store happened). 0, or -EFAULT
 * (unmapped, outside the user half, or not 4-byte aligned).
 */
int user_cmpxchg_u32(uptr_t addr, uint32_t old, uint32_t new, uint32_t *cur) __must_check;
/* Copy a NUL-terminated string of at most max-1 bytes; returns its length, -EFAULT or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, uptr_t src, size_t max) __must_check;
/* True if [p, p+len) lies entirely in the user half. */
bool user_range_ok(uptr_t p, size_t len);

/* General registers of a user thread as saved on kernel entry. */
struct user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * A user thread's CPU state. Services allocate it with uctx_alloc() and may
 * read and change regs (except cs/ss, which the framework forces), fs_base
 * and gs_base; the FPU state is opaque.
 */
struct user_context {
    uint64_t fs_base, gs_base;
    uint64_t fault_addr;        /* CR2 of the last page fault */
    void *fpu;                  /* framework-owned XSAVE area */
    uint64_t pad[2];
    struct user_regs regs;      /* must stay last: the trap entry writes it */
} __attribute__((aligned(16)));

enum user_exit {
    USER_EXIT_SYSCALL = 1,      /* regs.rax = number, rdi,rsi,rdx,r10,r8,r9 = args */
    USER_EXIT_EXCEPTION,        /* regs.vector / error_code / fault_addr describe it */
    USER_EXIT_INTERRUPT,        /* a device or timer interrupt arrived; already handled */
};

/* Allocate a zeroed context with a clean FPU state; NULL on OOM. */
struct user_context *uctx_alloc(void) __must_check;
void uctx_free(struct user_context *uc);
/* Copy registers, FS/GS base and FPU state (fork). */
void uctx_copy(struct user_context *dst, const struct user_context *src);

/*
 * Run the current task in user mode with uc until it enters the kernel.
 * Must be called from the task that owns uc, with interrupts enabled.
 */
enum user_exit user_mode_run(struct user_context *uc);

/*
 * The FPU image a signal frame carries. With XSAVE it is the standard-format
 * XSAVE area (legacy FXSAVE region, 64-byte header at 512, then the enabled
 * components); without it the 512-byte FXSAVE image. Bytes 464..511 are
 * software-available: no restore reads them, so services write their own
 * data there after saving.
 */
#define UCTX_FPU_FXSAVE_SIZE 512
/* Bytes in the task FPU image (XSAVE standard size for the enabled features, or 512). */
uint32_t uctx_fpu_image_size(void);
/* The XSAVE features enabled for user state (XCR0); 0 when the CPU has no XSAVE. */
uint64_t uctx_fpu_xfeatures(void);
/*
 * Write the first len bytes (len <= uctx_fpu_image_size()) of uc's FPU image
 * to user memory at dst (64-byte aligned by the caller's layout). Only the
 * task that owns uc may call it. 0, -EINVAL (len too big) or -EFAULT.
 */
int uctx_fpu_save_to_user(struct user_context *uc, uptr_t dst, size_t len) __must_check;
/*
 * Load uc's x87/SSE state from a 512-byte FXSAVE image in user memory; every
 * other XSAVE component gets its initial state. Only the task that owns uc
 * may call it. 0, -EFAULT or -EINVAL (MXCSR sets a bit the CPU rejects); uc
 * is unchanged on error.
 */
int uctx_fpu_restore_from_user(struct user_context *uc, uptr_t src) __must_check;
/*
 * Load uc's whole FPU state from a uctx_fpu_image_size()-byte XSAVE image in
 * user memory. Components outside features (or whose XSTATE_BV bit is clear)
 * get their initial state. The image is validated as XRSTOR would: XSTATE_BV
 * within uctx_fpu_xfeatures(), XCOMP_BV and the reserved header bytes zero,
 * MXCSR within the CPU's mask. Only the owner task may call it. 0, -EFAULT,
 * -ENOMEM, or -EINVAL (bad image, or no XSAVE); uc is unchanged on error.
 */
int uctx_fpu_restore_xsave_from_user(struct user_context *uc, uptr_t src, uint64_t features) __must_check;
/* Give uc the clean initial FPU state (signal handlers start with it). Owner task only. */
void uctx_fpu_reset(struct user_context *uc);

static inline uint64_t uctx_syscall_arg(const struct user_context *uc, int i)
{
    switch (i) {
    case 0: return uc->regs.rdi;
    case 1: return uc->regs.rsi;
    case 2: return uc->regs.rdx;
    case 3: return uc->regs.r10;
    case 4: return uc->regs.r8;
    default: return uc->regs.r9;
    }
}

#endif
