// SPDX-License-Identifier: MPL-2.0
// The vDSO data page (vvar): a seqcount-protected clock snapshot the framework keeps for user mode.
#ifndef OSTD_VVAR_H
#define OSTD_VVAR_H

#include <stdint.h>

/*
 * Layout of the page, read by the user-mode vDSO (kernel/vdso/user/) and
 * written only by the framework. A reader loads seq (must be even), reads
 * the fields, and retries if seq changed; the writer makes seq odd around
 * an update. Times: monotonic = ((tsc - tsc_base) * tsc_mult) >> tsc_shift
 * (the framework's own clock_monotonic_ns, bit for bit), realtime =
 * monotonic + realtime_offset_ns, boottime = monotonic (Keel does not
 * suspend), coarse clocks round down to tick_ns.
 */
struct vvar_data {
    uint32_t seq;
    uint32_t clock_mode;          /* VVAR_CLOCK_* */
    uint64_t tsc_base;
    uint64_t tsc_mult;
    uint32_t tsc_shift;
    uint32_t getcpu_mode;         /* VVAR_GETCPU_* */
    int64_t realtime_offset_ns;
    uint64_t tick_ns;
};

enum {
    VVAR_CLOCK_NONE = 0,          /* no user-readable clock: the vDSO makes the syscall */
    VVAR_CLOCK_TSC = 1,           /* rdtsc in user mode gives the kernel's clock source */
};
enum {
    VVAR_GETCPU_NONE = 0,         /* the vDSO's getcpu makes the syscall */
    VVAR_GETCPU_RDTSCP = 1,       /* IA32_TSC_AUX of every CPU holds its index */
};

#ifndef __KEEL_VDSO__
struct frame;
/*
 * The vvar frame, with a new reference for the caller (frame_put when done),
 * or NULL before the clock is calibrated. Services map it into user address
 * spaces without VM_WRITE: only the framework writes it. Any task context.
 */
struct frame *vvar_frame(void);
#endif

#endif
