// SPDX-License-Identifier: MPL-2.0
// User memory copies with fault recovery, user contexts, FPU state and the user-mode entry.
#include <ostd/user.h>
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <ostd/console.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/gdt.h"
#include "internal.h"

size_t copy_user_raw(void *dst, const void *src, size_t n);
size_t clear_user_raw(void *dst, size_t n);
int cmpxchg_user_raw(uint32_t *uaddr, uint32_t old, uint32_t new, uint32_t *cur);
uint64_t user_enter(struct user_regs *regs, bool sysret);

bool user_range_ok(uptr_t p, size_t len)
{
    return p.addr + len >= p.addr && p.addr + len <= USER_TOP;
}

/* Precondition for the raw copies: the range was checked with user_range_ok. */
static size_t user_copy(void *dst, const void *src, size_t len)
{
    if (cpu_has_smap)
        stac();
    size_t left = copy_user_raw(dst, src, len);
    if (cpu_has_smap)
        clac();
    return left;
}

int copy_from_user(void *dst, uptr_t src, size_t len)
{
    if (!user_range_ok(src, len))
        return -EFAULT;
    return user_copy(dst, (const void *)(uintptr_t)src.addr, len) ? -EFAULT : 0;
}

int copy_to_user(uptr_t dst, const void *src, size_t len)
{
    if (!user_range_ok(dst, len))
        return -EFAULT;
    return user_copy((void *)(uintptr_t)dst.addr, src, len) ? -EFAULT : 0;
}

int user_cmpxchg_u32(uptr_t addr, uint32_t old, uint32_t new, uint32_t *cur)
{
    if ((addr.addr & 3) || !user_range_ok(addr, 4))
        return -EFAULT;
    if (cpu_has_smap)
        stac();
    int r = cmpxchg_user_raw((uint32_t *)(uintptr_t)addr.addr, old, new, cur);
    if (cpu_has_smap)
        clac();
    return r ? -EFAULT : 0;
}

int clear_user(uptr_t dst, size_t len)
{
    if (!user_range_ok(dst, len))
        return -EFAULT;
    if (cpu_has_smap)
        stac();
    size_t left = clear_user_raw((void *)(uintptr_t)dst.addr, len);
    if (cpu_has_smap)
        clac();
    return left ? -EFAULT : 0;
}

/*
 * Copies in chunks that never cross a page (so a string ending before an
 * unmapped page never faults) and start small (64 bytes, doubling): most
 * paths are short, and copying a whole page for each would dominate stat(2).
 */
long strncpy_from_user(char *dst, uptr_t src, size_t max)
{
    size_t done = 0, step = 64;
    while (done < max) {
        uint64_t a = src.addr + done;
        size_t chunk = MIN(MIN(max - done, step), PAGE_SIZE - (a & (PAGE_SIZE - 1)));
        step = MIN(step * 2, PAGE_SIZE);
        if (copy_from_user(dst + done, uptr(a), chunk))
            return -EFAULT;
        const char *nul = memchr(dst + done, 0, chunk);
        if (nul)
            return nul - dst;
        done += chunk;
    }
    return -ENAMETOOLONG;
}

/* ---- FPU / SSE / AVX state ---- */

static bool use_xsave;
static uint32_t fpu_area_size = 512;
static uint64_t xcr0;
static uint8_t *fpu_init_image;

static void xsetbv(uint32_t idx, uint64_t v)
{
    __asm__ volatile("xsetbv" :: "c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void fpu_save(void *area)
{
    if (use_xsave)
        __asm__ volatile("xsave64 (%0)" :: "r"(area), "a"(0xffffffffu), "d"(0xffffffffu) : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory");
}

static void fpu_restore(const void *area)
{
    if (use_xsave)
        __asm__ volatile("xrstor64 (%0)" :: "r"(area), "a"(0xffffffffu), "d"(0xffffffffu) : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory");
}

/* Enable FXSR/XSAVE on this CPU; the BSP also captures the clean initial state. */
void fpu_init_cpu(void)
{
    uint32_t r[4];
    write_cr0((read_cr0() & ~(1UL << 2)) | (1UL << 1) | (1UL << 5));   /* !EM, MP, NE */
    write_cr4(read_cr4() | (1UL << 9) | (1UL << 10));                 /* OSFXSR, OSXMMEXCPT */
    cpuid(1, 0, r);
    if (r[2] & (1u << 26)) {
        write_cr4(read_cr4() | (1UL << 18));                          /* OSXSAVE */
        cpuid(0xd, 0, r);
        uint64_t supported = ((uint64_t)r[3] << 32) | r[0];
        xcr0 = supported & 0x7;                                       /* x87, SSE, AVX */
        if ((supported & 0xe0) == 0xe0)
            xcr0 |= 0xe0;                                             /* AVX-512: opmask, ZMM upper halves, ZMM16-31 */
        xsetbv(0, xcr0);
        cpuid(0xd, 0, r);
        fpu_area_size = r[1];
        use_xsave = true;
    }
    if (fpu_init_image)
        return;
    fpu_init_image = kzalloc(fpu_area_size + 64);
    if (!fpu_init_image)
        panic("no memory for the FPU image");
    fpu_init_image = (uint8_t *)ALIGN_UP((uintptr_t)fpu_init_image, 64);
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
    fpu_save(fpu_init_image);
    printk("cpu: FPU state via %s, %u bytes, xcr0 %#lx\n", use_xsave ? "XSAVE" : "FXSAVE", fpu_area_size, xcr0);
}

struct user_context *uctx_alloc(void)
{
    struct user_context *uc = kzalloc(sizeof(*uc));
    if (!uc)
        return NULL;
    uint8_t *raw = kmalloc(fpu_area_size + 64);
    if (!raw) {
        kfree(uc);
        return NULL;
    }
    uc->pad[0] = (uint64_t)(uintptr_t)raw;
    uc->fpu = (void *)ALIGN_UP((uintptr_t)raw, 64);
    memcpy(uc->fpu, fpu_init_image, fpu_area_size);
    uc->regs.cs = USER_CS;
    uc->regs.ss = USER_DS;
    uc->regs.rflags = RFLAGS_IF | 2;
    return uc;
}

/* If uc's state lives in this CPU's registers, write it back to its area. */
static void fpu_flush_owner(struct user_context *uc)
{
    unsigned long f = irq_save();
    if (this_cpu()->fpu_owner == uc) {
        fpu_save(uc->fpu);
        this_cpu()->fpu_owner = NULL;
    }
    irq_restore(f);
}

void uctx_free(struct user_context *uc)
{
    if (!uc)
        return;
    fpu_flush_owner(uc);
    kfree((void *)(uintptr_t)uc->pad[0]);
    kfree(uc);
}

void uctx_copy(struct user_context *dst, const struct user_context *src)
{
    fpu_flush_owner((struct user_context *)src);
    dst->fs_base = src->fs_base;
    dst->gs_base = src->gs_base;
    dst->fault_addr = src->fault_addr;
    dst->regs = src->regs;
    memcpy(dst->fpu, src->fpu, fpu_area_size);
}

/* Called by the scheduler before switching tasks: the outgoing user state leaves the CPU. */
void fpu_task_switch(struct user_context *prev, struct user_context *next)
{
    (void)prev;
    (void)next;
    struct percpu *pc = this_cpu();
    if (pc->fpu_owner) {
        fpu_save(pc->fpu_owner->fpu);
        pc->fpu_owner = NULL;
    }
}

uint32_t uctx_fpu_image_size(void)
{
    return fpu_area_size;
}

uint64_t uctx_fpu_xfeatures(void)
{
    return xcr0;
}

int uctx_fpu_save_to_user(struct user_context *uc, uptr_t dst, size_t len)
{
    if (len > fpu_area_size)
        return -EINVAL;
    /* SAFETY: uc belongs to the calling task, so its state is either in uc->fpu or in this CPU. */
    fpu_flush_owner(uc);
    return copy_to_user(dst, uc->fpu, len);
}

/* MXCSR bits this CPU accepts (MXCSR_MASK from the boot image, 0xffbf if it reported 0). */
static uint32_t mxcsr_mask(void)
{
    uint32_t mask;
    memcpy(&mask, fpu_init_image + 28, 4);
    return mask ? mask : 0xffbf;
}

/* Would (F)XRSTOR of this legacy area fault? Only MXCSR can make it. */
static bool fxsave_area_ok(const uint8_t *img)
{
    uint32_t mxcsr;
    memcpy(&mxcsr, img + 24, 4);
    return !(mxcsr & ~mxcsr_mask());
}

int uctx_fpu_restore_from_user(struct user_context *uc, uptr_t src)
{
    uint8_t img[UCTX_FPU_FXSAVE_SIZE] __attribute__((aligned(16)));
    if (copy_from_user(img, src, sizeof(img)))
        return -EFAULT;
    if (!fxsave_area_ok(img))
        return -EINVAL;
    fpu_flush_owner(uc);                        /* the next user entry reloads uc->fpu */
    if (use_xsave)                              /* every other component starts clean */
        memcpy(uc->fpu, fpu_init_image, fpu_area_size);
    memcpy(uc->fpu, img, 464);                  /* 464..511 are software-available bytes: keep ours */
    if (use_xsave) {
        uint64_t bv = 3;                        /* XSTATE_BV: x87 and SSE come from the image */
        memcpy((uint8_t *)uc->fpu + 512, &bv, 8);
    }
    return 0;
}

/*
 * Would XRSTOR (standard form) of this image fault? XSTATE_BV outside XCR0,
 * a non-zero XCOMP_BV or reserved header byte, or a bad MXCSR all raise #GP.
 */
static bool xsave_image_ok(const uint8_t *img)
{
    uint64_t hdr[8];
    memcpy(hdr, img + 512, sizeof(hdr));
    if (hdr[0] & ~xcr0)
        return false;
    for (int i = 1; i < 8; i++)
        if (hdr[i])
            return false;
    return fxsave_area_ok(img);
}

int uctx_fpu_restore_xsave_from_user(struct user_context *uc, uptr_t src, uint64_t features)
{
    if (!use_xsave)
        return -EINVAL;
    uint8_t *img = kmalloc(fpu_area_size);
    if (!img)
        return -ENOMEM;
    int err = copy_from_user(img, src, fpu_area_size);
    if (!err && !xsave_image_ok(img))
        err = -EINVAL;
    if (!err) {
        uint64_t bv;
        memcpy(&bv, img + 512, 8);
        bv &= features;                         /* components left out start clean, as XRSTOR's RFBM */
        memcpy(img + 512, &bv, 8);
        fpu_flush_owner(uc);                    /* the next user entry reloads uc->fpu */
        memcpy(img + 464, (uint8_t *)uc->fpu + 464, 48);    /* software-available bytes: keep ours */
        memcpy(uc->fpu, img, fpu_area_size);
    }
    kfree(img);
    return err;
}

void uctx_fpu_reset(struct user_context *uc)
{
    fpu_flush_owner(uc);        /* the next user entry loads the clean image */
    memcpy(uc->fpu, fpu_init_image, fpu_area_size);
}

_Static_assert(USER_EXIT_SYSCALL == 1, "entry.S returns USER_EXIT_SYSCALL_NR (1) for a syscall");

static bool canonical(uint64_t a) { return a < USER_TOP; }

/*
 * SYSRET returns to rcx with rflags = r11: usable when those registers
 * already hold rip and rflags (a plain syscall return; signal delivery,
 * sigreturn and exec change rip, so they go through IRETQ). rip was checked
 * canonical by the caller. TF is left to IRETQ.
 */
static bool sysret_ok(const struct user_regs *r)
{
    return r->rcx == r->rip && r->r11 == r->rflags && !(r->rflags & RFLAGS_TF);
}

/*
 * FS base and the user GS base (in KERNEL_GS_BASE until SWAPGS) stay in the
 * MSRs while the kernel runs; write them only when they differ from what this
 * CPU last loaded. Interrupts are off (the cache belongs to this CPU).
 */
static void load_user_bases(struct percpu *pc, const struct user_context *uc)
{
    if (pc->hw_fs_base != uc->fs_base) {
        wrmsr(MSR_FS_BASE, uc->fs_base);
        pc->hw_fs_base = uc->fs_base;
    }
    if (pc->hw_user_gs != uc->gs_base) {
        wrmsr(MSR_KERNEL_GS, uc->gs_base);
        pc->hw_user_gs = uc->gs_base;
    }
}


enum user_exit user_mode_run(struct user_context *uc)
{
    /* user-changeable flags: CF PF AF ZF SF TF DF OF AC ID; IF forced on */
    const uint64_t allowed = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x200000;
    uc->regs.rflags = (uc->regs.rflags & allowed) | RFLAGS_IF | 2;
    uc->regs.cs = USER_CS;
    uc->regs.ss = USER_DS;
    if (!canonical(uc->regs.rip) || !canonical(uc->fs_base) || !canonical(uc->gs_base)) {
        uc->regs.vector = 13;
        uc->regs.error_code = 0;
        return USER_EXIT_EXCEPTION;
    }
    irq_disable();
    struct percpu *pc = this_cpu();
    uint64_t top = (uint64_t)(uintptr_t)(&uc->regs + 1);
    if (pc->uctx_top != top) {
        pc->cur_uctx = (uint64_t)(uintptr_t)uc;
        pc->uctx_top = top;
        tss_set_rsp0(pc, top);
    }
    load_user_bases(pc, uc);
    if (pc->fpu_owner != uc) {
        if (pc->fpu_owner)
            fpu_save(pc->fpu_owner->fpu);
        fpu_restore(uc->fpu);
        pc->fpu_owner = uc;
    }
    uint64_t why = user_enter(&uc->regs, sysret_ok(&uc->regs));
    irq_enable();
    return (enum user_exit)why;
}
