// SPDX-License-Identifier: MPL-2.0
// Address-space limits and accounting: RLIMIT_AS / RLIMIT_DATA checks, resident-set counters.
#include <ostd/vm_space.h>
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
    struct thread *th = thread_current();
    return th && th->proc ? proc_rlimit(th->proc, res) : RLIM_INFINITY;   /* kernel threads (ktests) have no limits */
}

void mm_count_fault(void)
{
    struct thread *th = thread_current();
    if (th)
        __atomic_add_fetch(&th->min_flt, 1, __ATOMIC_RELAXED);
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

void mm_rss_add_locked(struct mm *mm, int64_t delta)
{
    mm->rss = delta < 0 && (uint64_t)-delta > mm->rss ? 0 : mm->rss + (uint64_t)delta;
    if (mm->rss > mm->hiwater_rss)
        mm->hiwater_rss = mm->rss;
}

uint64_t mm_mapped_pages_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t n = 0;
    for (uint64_t va = vm_next_mapped(mm->vs, start, end); va < end; va = vm_next_mapped(mm->vs, va + PAGE_SIZE, end))
        n++;
    return n;
}

uint64_t mm_hiwater_pages(struct mm *mm)
{
    mutex_lock(&mm->lock);
    uint64_t n = MAX(mm->hiwater_rss, mm->rss);
    mutex_unlock(&mm->lock);
    return n;
}

void mm_get_usage(struct mm *mm, struct mm_usage *u)
{
    *u = (struct mm_usage){ 0 };
    if (!mm)
        return;
    mutex_lock(&mm->lock);
    struct list_head *it;
    list_for_each(it, &mm->vmas) {
        struct vma *v = list_entry(it, struct vma, node);
        uint64_t sz = v->end - v->start;
        u->size += sz;
        if (mm_is_data(v->prot, v->flags))
            u->data += sz;
        if (v->flags & (VMA_STACK | VMA_GROWSDOWN))
            u->stack += sz;
    }
    u->rss = mm->rss * PAGE_SIZE;
    u->hwm = MAX(mm->hiwater_rss, mm->rss) * PAGE_SIZE;
    mutex_unlock(&mm->lock);
}
