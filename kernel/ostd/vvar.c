// SPDX-License-Identifier: MPL-2.0
// The vDSO data page: the framework publishes its TSC clock parameters for the user-mode vDSO.
#include <ostd/vvar.h>
#include <ostd/frame.h>
#include <ostd/panic.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "mm/frame_internal.h"
#include "internal.h"

#define MSR_TSC_AUX 0xC0000103

static struct frame *vvar;          /* set once by vvar_init, never freed */
static struct vvar_data *vd;        /* vvar's contents through the physmap; writers hold rt_lock (time.c) */
static bool have_rdtscp;

static bool cpu_has_rdtscp(void)
{
    uint32_t r[4];
    cpuid(0x80000000, 0, r);
    if (r[0] < 0x80000001)
        return false;
    cpuid(0x80000001, 0, r);
    return r[3] & (1u << 27);
}

/* Precondition: on the CPU being set up, after percpu_init_cpu (this_cpu() is valid). */
void vvar_init_cpu(void)
{
    if (have_rdtscp)
        wrmsr(MSR_TSC_AUX, this_cpu()->cpu_id);
}

/* Precondition: once, on the BSP, after tsc_calibrate and heap_init, before any AP or user task. */
void vvar_init(uint64_t tsc_base, uint64_t mult, unsigned shift, uint64_t tick_ns)
{
    vvar = frame_alloc(FRAME_ZERO);
    if (!vvar)
        panic("vvar: no memory for the vDSO data page");
    vd = frame_virt(vvar);
    have_rdtscp = cpu_has_rdtscp();
    vd->tsc_base = tsc_base;
    vd->tsc_mult = mult;
    vd->tsc_shift = shift;
    vd->tick_ns = tick_ns;
    vd->getcpu_mode = have_rdtscp ? VVAR_GETCPU_RDTSCP : VVAR_GETCPU_NONE;
    /* The framework's clock is the TSC and nothing else, so user mode reading it agrees with the syscalls. */
    vd->clock_mode = VVAR_CLOCK_TSC;
    vvar_init_cpu();
}

/* Publish a new realtime offset. Precondition: the caller serialises writers (time.c's rt_lock). */
void vvar_set_realtime_offset(int64_t off)
{
    if (!vd)
        return;
    uint32_t s = vd->seq;
    __atomic_store_n(&vd->seq, s + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&vd->realtime_offset_ns, off, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&vd->seq, s + 2, __ATOMIC_RELAXED);
}

struct frame *vvar_frame(void)
{
    if (vvar)
        frame_get(vvar);
    return vvar;
}
