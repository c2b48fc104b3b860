// SPDX-License-Identifier: MPL-2.0
// Address-space layout randomisation: the level behind /proc/sys/kernel/randomize_va_space, exec's offsets.
#include <lib/string.h>
#include <uapi/personality.h>
#include "mm/aslr.h"
#include "sys/crng.h"

static int va_space_level = 2;      /* atomic: read at every exec, written by procfs */

int aslr_level(void) { return __atomic_load_n(&va_space_level, __ATOMIC_RELAXED); }

void aslr_set_level(int level) { __atomic_store_n(&va_space_level, level, __ATOMIC_RELAXED); }

/* A random multiple of PAGE_SIZE below 2^bits pages. */
static uint64_t pages(uint64_t r, unsigned bits) { return (r & ((1ULL << bits) - 1)) << PAGE_SHIFT; }

void aslr_draw(struct aslr_offsets *o, unsigned pers)
{
    memset(o, 0, sizeof(*o));
    int level = aslr_level();
    if (level == 0 || (pers & ADDR_NO_RANDOMIZE))
        return;
    uint64_t r[6];
    struct crng_stream s;
    crng_stream_init(&s);
    crng_stream_read(&s, r, sizeof(r));
    crng_stream_wipe(&s);
    o->stack = pages(r[0], 22);
    o->mmap = pages(r[1], 28);
    o->pie = pages(r[2], 28);
    o->brk = level > 1 ? pages(r[3], 13) : 0;
    o->stack_sub = r[4] % 8192;
    o->vdso = r[5];
}
