// SPDX-License-Identifier: MPL-2.0
// Address-space limits: RLIMIT_AS and RLIMIT_DATA checks for mmap, mremap and brk.
#include <uapi/errno.h>
#include <uapi/mman.h>
#include <uapi/resource.h>
#include "mm/mm.h"
#include "proc/process.h"

/* Linux's "data" mappings: private, writable and not a stack. */
bool mm_is_data(unsigned prot, unsigned vflags)
{
    return (prot & PROT_WRITE) && !(vflags & (VMA_SHARED | VMA_STACK | VMA_GROWSDOWN));
}

uint64_t mm_rlimit(unsigned res)
{
    struct process *p = current_proc();
    return p ? proc_rlimit(p, res) : RLIM_INFINITY;   /* kernel threads (ktests) have no limits */
}

static uint64_t overlap(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    uint64_t s = MAX(s1, s2), e = MIN(e1, e2);
    return e > s ? e - s : 0;
}

/*
 * 0 if mm may grow by len bytes of a mapping with (prot, vflags) that
 * replaces whatever lies in [skip_start, skip_end) (MAP_FIXED), else -ENOMEM.
 * The counters are recomputed from the VMAs, so they always match them.
 * Caller holds mm->lock.
 */
int mm_may_expand_locked(struct mm *mm, uint64_t len, unsigned prot, unsigned vflags,
                         uint64_t skip_start, uint64_t skip_end)
{
    uint64_t total = 0, data = 0, freed = 0;
    struct list_head *it;
    list_for_each(it, &mm->vmas) {
        struct vma *v = list_entry(it, struct vma, node);
        uint64_t sz = v->end - v->start;
        total += sz;
        if (mm_is_data(v->prot, v->flags))
            data += sz;
        freed += overlap(v->start, v->end, skip_start, skip_end);
    }
    uint64_t grow = len > freed ? len - freed : 0;
    if (total + grow > mm_rlimit(RLIMIT_AS))
        return -ENOMEM;
    /* FIXME: Linux's RLIMIT_DATA == 0 exception (soft 0 falls back to the hard limit, for Valgrind) is not modelled. */
    if (mm_is_data(prot, vflags) && data + grow > mm_rlimit(RLIMIT_DATA))
        return -ENOMEM;
    return 0;
}
