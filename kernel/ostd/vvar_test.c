// SPDX-License-Identifier: MPL-2.0
// KTESTs for the vDSO data page: its snapshot reproduces the framework's clocks.
#include <ostd/ktest.h>
#include <ostd/time.h>
#include <ostd/frame.h>
#include <ostd/vvar.h>
#include "arch/x86_64/cpu.h"

static struct vvar_data snapshot(void)
{
    struct vvar_data d = { 0 };
    struct frame *f = vvar_frame();
    if (f) {
        if (frame_read(f, 0, &d, sizeof(d)))
            d.clock_mode = VVAR_CLOCK_NONE;   /* cannot happen: the struct fits in the page */
        frame_put(f);
    }
    return d;
}

static uint64_t mono_of(const struct vvar_data *d, uint64_t tsc)
{
    return (uint64_t)(((unsigned __int128)(tsc - d->tsc_base) * d->tsc_mult) >> d->tsc_shift);
}

KTEST(vvar_page_matches_clocks)
{
    struct vvar_data d = snapshot();
    KT_ASSERT(d.clock_mode == VVAR_CLOCK_TSC);
    KT_ASSERT(d.tsc_mult != 0 && d.tick_ns == NSEC_PER_SEC / clock_tick_hz());
    KT_ASSERT((d.seq & 1) == 0);
    uint64_t a = clock_monotonic_ns(), m = mono_of(&d, rdtsc()), b = clock_monotonic_ns();
    KT_ASSERT(a <= m && m <= b);
    uint64_t ra = clock_realtime_ns(), rm = mono_of(&d, rdtsc()) + (uint64_t)d.realtime_offset_ns;
    uint64_t rb = clock_realtime_ns();
    KT_ASSERT(ra <= rm && rm <= rb);
}

KTEST(vvar_follows_settime)
{
    struct vvar_data before = snapshot();
    uint64_t now = clock_realtime_ns();
    clock_set_realtime_ns(now + 1000 * NSEC_PER_SEC);
    struct vvar_data after = snapshot();
    clock_set_realtime_ns(clock_realtime_ns() - 1000 * NSEC_PER_SEC);
    KT_ASSERT(after.seq == before.seq + 2);
    int64_t diff = after.realtime_offset_ns - before.realtime_offset_ns;
    KT_ASSERT(diff >= (int64_t)(999 * NSEC_PER_SEC) && diff <= (int64_t)(1001 * NSEC_PER_SEC));
}
