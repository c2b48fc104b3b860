// SPDX-License-Identifier: MPL-2.0
// madvise: advice validated per mapping as Linux does; fork-time advice kept in VMA flags; populate and discard.
#include <ostd/frame.h>
#include <ostd/vm_space.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include "mm/mm.h"
#include "proc/process.h"
#include "syscall/syscall.h"

long sys_madvise(struct sys_call *c);

static struct vma *vma_next(struct mm *mm, struct vma *v)
{
    return v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma, node);
}

static bool advice_valid(long a)
{
    switch (a) {
    case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED: case MADV_DONTNEED:
    case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE:
    case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
    case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT:
    case MADV_POPULATE_READ: case MADV_POPULATE_WRITE: case MADV_DONTNEED_LOCKED:
        return true;
    default:
        return false;   /* FIXME: MADV_COLLAPSE, MADV_HWPOISON, MADV_SOFT_OFFLINE are not implemented */
    }
}

/* May advice apply to v? 0 or the errno Linux gives for that kind of mapping. */
static long advice_fits(const struct vma *v, long advice)
{
    bool locked = v->flags & VMA_LOCKED, shared = v->flags & VMA_SHARED;
    switch (advice) {
    case MADV_DONTNEED: case MADV_COLD: case MADV_PAGEOUT:
        return locked ? -EINVAL : 0;
    case MADV_FREE:
        return locked || shared || v->file ? -EINVAL : 0;     /* private anonymous memory only */
    case MADV_WIPEONFORK:
        return shared || v->file ? -EINVAL : 0;
    case MADV_REMOVE:
        if (locked || (!v->file && !shared))
            return -EINVAL;
        if (!shared || !(v->prot & PROT_WRITE))
            return -EACCES;
        return -EOPNOTSUPP;     /* FIXME: Linux punches a hole in the shared object; not implemented */
    default:
        return 0;
    }
}

/* Fault in [start, end) for MADV_POPULATE_*: -EINVAL on a permission mismatch, -EFAULT for SIGBUS/SIGSEGV. */
static long populate_locked(struct mm *mm, uint64_t start, uint64_t end, bool write)
{
    for (struct vma *v = vma_find_locked(mm, start); v && v->start < end; v = vma_next(mm, v)) {
        if (write ? !(v->prot & PROT_WRITE) : v->prot == PROT_NONE)
            return -EINVAL;
        for (uint64_t va = MAX(v->start, start); va < MIN(v->end, end); va += PAGE_SIZE) {
            unsigned prot = 0;
            struct frame *f = vm_query(mm->vs, va, &prot);
            if (f)
                frame_put(f);
            if (f && (!write || (prot & PROT_WRITE)))
                continue;
            if (mm_fault_locked(mm, va, write ? VM_FAULT_WRITE : VM_FAULT_READ))
                return -EFAULT;
        }
    }
    return 0;
}

/* Set or clear a fork-time flag on exactly the VMAs of [start, end). */
static long set_flag_locked(struct mm *mm, uint64_t start, uint64_t end, unsigned flag, bool on)
{
    if (vma_split_locked(mm, vma_find_locked(mm, start), start) ||
        vma_split_locked(mm, vma_find_locked(mm, end - 1), end))
        return -ENOMEM;
    for (struct vma *v = vma_find_locked(mm, start); v && v->start < end; v = vma_next(mm, v))
        v->flags = on ? v->flags | flag : v->flags & ~flag;
    return 0;
}

static long apply_locked(struct mm *mm, uint64_t start, uint64_t end, long advice)
{
    switch (advice) {
    case MADV_DONTNEED: case MADV_DONTNEED_LOCKED: case MADV_FREE:
        mm_rss_add_locked(mm, -(int64_t)mm_mapped_pages_locked(mm, start, end));
        vm_unmap(mm->vs, start, end - start);   /* private pages refault as zero or from the file, shared from their object */
        return 0;
    case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
        return populate_locked(mm, start, end, advice == MADV_POPULATE_WRITE);
    case MADV_DONTFORK: case MADV_DOFORK:
        return set_flag_locked(mm, start, end, VMA_DONTFORK, advice == MADV_DONTFORK);
    case MADV_WIPEONFORK: case MADV_KEEPONFORK:
        return set_flag_locked(mm, start, end, VMA_WIPEONFORK, advice == MADV_WIPEONFORK);
    default:
        return 0;   /* access-pattern, KSM, huge-page, dump and reclaim hints: every page stays resident */
    }
}

long sys_madvise(struct sys_call *c)
{
    uint64_t addr = c->arg[0], len = c->arg[1];
    long advice = (long)c->arg[2];
    if (!advice_valid(advice) || (addr & (PAGE_SIZE - 1)))
        return -EINVAL;
    uint64_t plen = ALIGN_UP(len, PAGE_SIZE);
    if (len && !plen)
        return -EINVAL;
    if (addr + plen < addr)
        return -EINVAL;
    if (!plen)
        return 0;
    if (addr + plen > VM_USER_TOP)
        return -ENOMEM;
    struct mm *mm = current_mm();
    long r = 0;
    mutex_lock(&mm->lock);
    if (!mm_range_mapped_locked(mm, addr, addr + plen))
        r = -ENOMEM;    /* FIXME: Linux still applies the advice to the mapped parts */
    for (struct vma *v = r ? NULL : vma_find_locked(mm, addr); v && v->start < addr + plen && !r; v = vma_next(mm, v))
        r = advice_fits(v, advice);
    if (!r)
        r = apply_locked(mm, addr, addr + plen, advice);
    mutex_unlock(&mm->lock);
    return r;
}
