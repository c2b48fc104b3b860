// SPDX-License-Identifier: MPL-2.0
// mlock, munlock, mlock2, mlockall, munlockall and mincore: VM_LOCKED bookkeeping and residency.
#include <ostd/frame.h>
#include <ostd/heap.h>
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include "mm/mm.h"
#include "proc/process.h"
#include "syscall/syscall.h"
#include "fs/file.h"

long sys_mlock(struct sys_call *c);
long sys_mlock2(struct sys_call *c);
long sys_munlock(struct sys_call *c);
long sys_mlockall(struct sys_call *c);
long sys_munlockall(struct sys_call *c);
long sys_mincore(struct sys_call *c);

static struct vma *vma_next(struct mm *mm, struct vma *v)
{
    return v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma, node);
}

/*
 * Fault in every accessible page of [start, end) (mlock without
 * MLOCK_ONFAULT): writable private pages for writing, as Linux populates
 * them. Errors (a file page past EOF) are ignored, as Linux's mlock does.
 */
static void populate_range_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    for (struct vma *v = vma_find_locked(mm, start); v && v->start < end; v = vma_next(mm, v)) {
        if (v->prot == PROT_NONE)
            continue;
        unsigned fl = (v->prot & PROT_WRITE) && !(v->flags & VMA_SHARED) ? VM_FAULT_WRITE : VM_FAULT_READ;
        for (uint64_t va = MAX(v->start, start); va < MIN(v->end, end); va += PAGE_SIZE) {
            struct frame *f = vm_query(mm->vs, va, NULL);
            if (f)
                frame_put(f);
            else
                (void)mm_fault_locked(mm, va, fl);
        }
    }
}

/* Set or clear lock flags on the VMAs covering [start, end); -ENOMEM when part of it is unmapped. */
static long apply_lock_locked(struct mm *mm, uint64_t start, uint64_t end, unsigned set)
{
    if (!mm_range_mapped_locked(mm, start, end))
        return -ENOMEM;
    struct vma *v = vma_find_locked(mm, start);
    if (vma_split_locked(mm, v, start))
        return -ENOMEM;
    v = vma_find_locked(mm, end - 1);
    if (vma_split_locked(mm, v, end))
        return -ENOMEM;
    for (v = vma_find_locked(mm, start); v && v->start < end; v = vma_next(mm, v))
        v->flags = (v->flags & ~(unsigned)(VMA_LOCKED | VMA_LOCKONFAULT)) | set;
    return 0;
}

/* Page-align [addr, addr+len) as Linux does (the start rounds down, the length grows to match). */
static bool lock_range(uint64_t addr, uint64_t len, uint64_t *start, uint64_t *end)
{
    uint64_t off = addr & (PAGE_SIZE - 1), l = len + off;
    if (l < len || ALIGN_UP(l, PAGE_SIZE) < l)
        return false;
    *start = addr - off;
    *end = *start + ALIGN_UP(l, PAGE_SIZE);
    return *end >= *start;
}

/* FIXME: RLIMIT_MEMLOCK is not enforced for processes without CAP_IPC_LOCK. */
static long do_mlock(uint64_t addr, uint64_t len, unsigned set)
{
    uint64_t start, end;
    if (!lock_range(addr, len, &start, &end))
        return -EINVAL;
    if (start == end)
        return 0;
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    long r = apply_lock_locked(mm, start, end, set);
    if (!r && set == VMA_LOCKED)
        populate_range_locked(mm, start, end);
    mutex_unlock(&mm->lock);
    return r;
}

long sys_mlock(struct sys_call *c) { return do_mlock(c->arg[0], c->arg[1], VMA_LOCKED); }

long sys_mlock2(struct sys_call *c)
{
    unsigned flags = (unsigned)c->arg[2];
    if (flags & ~(unsigned)MLOCK_ONFAULT)
        return -EINVAL;
    return do_mlock(c->arg[0], c->arg[1], (flags & MLOCK_ONFAULT) ? VMA_LOCKED | VMA_LOCKONFAULT : VMA_LOCKED);
}

long sys_munlock(struct sys_call *c) { return do_mlock(c->arg[0], c->arg[1], 0); }

long sys_mlockall(struct sys_call *c)
{
    unsigned flags = (unsigned)c->arg[0];
    if (!flags || (flags & ~(unsigned)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return -EINVAL;
    unsigned set = VMA_LOCKED | ((flags & MCL_ONFAULT) ? VMA_LOCKONFAULT : 0);
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    mm->def_lock = (flags & MCL_FUTURE) ? set : 0;
    if (flags & MCL_CURRENT) {
        struct list_head *p;
        list_for_each(p, &mm->vmas) {
            struct vma *v = list_entry(p, struct vma, node);
            v->flags = (v->flags & ~(unsigned)(VMA_LOCKED | VMA_LOCKONFAULT)) | set;
        }
        if (!(flags & MCL_ONFAULT))
            populate_range_locked(mm, 0, VM_USER_TOP);
    }
    mutex_unlock(&mm->lock);
    return 0;
}

long sys_munlockall(struct sys_call *c)
{
    (void)c;
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    mm->def_lock = 0;
    struct list_head *p;
    list_for_each(p, &mm->vmas)
        list_entry(p, struct vma, node)->flags &= ~(unsigned)(VMA_LOCKED | VMA_LOCKONFAULT);
    mutex_unlock(&mm->lock);
    return 0;
}

uint64_t mm_locked_bytes(struct mm *mm)
{
    uint64_t n = 0;
    mutex_lock(&mm->lock);
    struct list_head *p;
    list_for_each(p, &mm->vmas) {
        struct vma *v = list_entry(p, struct vma, node);
        if (v->flags & VMA_LOCKED)
            n += v->end - v->start;
    }
    mutex_unlock(&mm->lock);
    return n;
}

/* Residency of one page: mapped, or a file page the file holds (tmpfs keeps all its data in memory). */
static uint8_t page_resident_locked(struct mm *mm, struct vma *v, uint64_t va)
{
    struct frame *f = vm_query(mm->vs, va, NULL);
    if (f) {
        frame_put(f);
        return 1;
    }
    if (!v->file || v->shm)
        return 0;
    uint64_t off = v->file_off + (va - v->start);
    return off < file_size(v->file);
}

#define MINCORE_CHUNK 256

long sys_mincore(struct sys_call *c)
{
    uint64_t addr = c->arg[0], len = c->arg[1], vec = c->arg[2];
    if (addr & (PAGE_SIZE - 1))
        return -EINVAL;
    uint64_t plen = ALIGN_UP(len, PAGE_SIZE);
    if (plen < len || addr + plen < addr || addr + plen > VM_USER_TOP)
        return -ENOMEM;
    uint8_t buf[MINCORE_CHUNK];
    struct mm *mm = current_mm();
    for (uint64_t done = 0; done < plen;) {
        uint64_t n = MIN((uint64_t)MINCORE_CHUNK, (plen - done) >> PAGE_SHIFT);
        mutex_lock(&mm->lock);
        uint64_t s = addr + done, e = s + (n << PAGE_SHIFT);
        bool ok = mm_range_mapped_locked(mm, s, e);
        for (uint64_t i = 0; ok && i < n; i++) {
            uint64_t va = s + (i << PAGE_SHIFT);
            buf[i] = page_resident_locked(mm, vma_find_locked(mm, va), va);
        }
        mutex_unlock(&mm->lock);
        if (!ok)
            return -ENOMEM;
        if (copy_to_user(uptr(vec + (done >> PAGE_SHIFT)), buf, n))
            return -EFAULT;
        done += n << PAGE_SHIFT;
    }
    return 0;
}
