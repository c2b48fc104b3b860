// SPDX-License-Identifier: MPL-2.0
// Address spaces: VMA bookkeeping, demand paging, copy-on-write and fork duplication.
#include <ostd/frame.h>
#include <ostd/heap.h>
#include <ostd/vm_space.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include <uapi/resource.h>
#include "mm/mm.h"
#include "fs/vfs.h"
#include "fs/file.h"
#include "fs/memfd.h"

#define MMAP_BASE 0x00007f0000000000ULL   /* top of the top-down mmap area, below the stack */
#define MMAP_MIN  0x0000000000010000ULL   /* like Linux's default vm.mmap_min_addr */

static int mm_fault(void *ctx, uint64_t addr, unsigned fl);

struct mm *mm_create(void)
{
    struct mm *mm = kzalloc(sizeof(*mm));
    if (!mm)
        return NULL;
    mm->vs = vm_space_create();
    if (!mm->vs) {
        kfree(mm);
        return NULL;
    }
    mm->refcount = 1;
    mutex_init(&mm->lock);
    list_init(&mm->vmas);
    mm->mmap_base = MMAP_BASE;
    vm_space_set_fault_handler(mm->vs, mm_fault, mm);
    mm_list_add(mm);
    return mm;
}

void mm_get(struct mm *mm) { atomic_add(&mm->refcount, 1); }

void mm_put(struct mm *mm)
{
    if (atomic_sub(&mm->refcount, 1) != 0)
        return;
    mm_list_del(mm);
    /*
     * Unmap every VMA now rather than leaving the pages to the vm_space: the
     * exiting task keeps that loaded (and referenced) until task_exit, after
     * its parent was told it died, which then saw the memory still in use.
     */
    struct list_head *p, *n;
    list_for_each_safe(p, n, &mm->vmas) {
        struct vma *v = list_entry(p, struct vma, node);
        (void)vm_unmap(mm->vs, v->start, v->end - v->start);
        list_del(p);
        vma_free(v);
    }
    vm_space_set_fault_handler(mm->vs, 0, NULL);
    vm_space_put(mm->vs);
    kfree(mm);
}

unsigned cow_prot(unsigned prot)
{
    return (prot & PROT_WRITE) ? ((prot & ~(unsigned)PROT_WRITE) | PROT_READ) : prot;
}

struct vma *vma_alloc(uint64_t start, uint64_t end, unsigned prot, unsigned flags)
{
    struct vma *v = kzalloc(sizeof(*v));
    if (v) {
        v->start = start;
        v->end = end;
        v->prot = prot;
        v->flags = flags;
        list_init(&v->node);
    }
    return v;
}

void vma_free(struct vma *v)
{
    if (v->shm)
        anon_shared_put(v->shm);
    if (v->file && (v->flags & VMA_WCOUNT))
        memfd_shared_map_put(v->file->inode);
    if (v->file)
        file_put(v->file);
    kfree(v);
}

struct vma *vma_find_locked(struct mm *mm, uint64_t addr)
{
    struct list_head *p;
    list_for_each(p, &mm->vmas) {
        struct vma *v = list_entry(p, struct vma, node);
        if (v->end > addr)
            return v;
    }
    return NULL;
}

void vma_insert_locked(struct mm *mm, struct vma *v)
{
    struct list_head *p;
    list_for_each(p, &mm->vmas)
        if (list_entry(p, struct vma, node)->start > v->start)
            break;
    list_add_tail(&v->node, p);
}

/* A copy of v's attributes and backing references (no list membership). */
static struct vma *vma_clone(const struct vma *v)
{
    struct vma *n = vma_alloc(v->start, v->end, v->prot, v->flags);
    if (!n)
        return NULL;
    n->shm = v->shm;
    n->shm_pgoff = v->shm_pgoff;
    n->file = v->file;
    n->file_off = v->file_off;
    if (n->shm)
        anon_shared_get(n->shm);
    if (n->file)
        file_get(n->file);
    if (n->file && (n->flags & VMA_WCOUNT))
        memfd_shared_map_get(n->file->inode);
    return n;
}

int vma_split_locked(struct mm *mm, struct vma *v, uint64_t at)
{
    if (at <= v->start || at >= v->end)
        return 0;
    struct vma *n = vma_clone(v);
    if (!n)
        return -ENOMEM;
    n->start = at;
    n->shm_pgoff += (at - v->start) >> PAGE_SHIFT;
    n->file_off += at - v->start;
    v->end = at;
    list_add(&n->node, &v->node);
    (void)mm;
    return 0;
}

int mm_unmap_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    struct vma *v = vma_find_locked(mm, start);
    if (v && v->start < start && vma_split_locked(mm, v, start))
        return -ENOMEM;
    v = vma_find_locked(mm, end);
    if (v && v->start < end && vma_split_locked(mm, v, end))
        return -ENOMEM;
    struct list_head *p, *n;
    list_for_each_safe(p, n, &mm->vmas) {
        v = list_entry(p, struct vma, node);
        if (v->start >= start && v->end <= end) {
            /* Pages exist only inside VMAs: unmapping per VMA keeps munmap of a huge empty range cheap. */
            mm_rss_add_locked(mm, -(int64_t)mm_mapped_pages_locked(mm, v->start, v->end));
            vm_unmap(mm->vs, v->start, v->end - v->start);
            list_del(p);
            vma_free(v);
        }
    }
    return 0;
}

bool mm_range_free_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    struct vma *v = vma_find_locked(mm, start);
    return !v || v->start >= end;
}

bool mm_range_mapped_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    uint64_t cur = start;
    for (struct vma *v = vma_find_locked(mm, start); v && cur < end;) {
        if (v->start > cur)
            return false;
        cur = v->end;
        v = v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma, node);
    }
    return cur >= end;
}

uint64_t mm_find_gap_locked(struct mm *mm, uint64_t len, uint64_t hint)
{
    hint = ALIGN_UP(hint, PAGE_SIZE);
    if (hint >= MMAP_MIN && hint + len > hint && hint + len <= VM_USER_TOP &&
        mm_range_free_locked(mm, hint, hint + len))
        return hint;
    uint64_t top = mm->mmap_base;
    for (struct list_head *p = mm->vmas.prev; p != &mm->vmas; p = p->prev) {
        struct vma *v = list_entry(p, struct vma, node);
        if (v->start >= top)
            continue;
        if (v->end <= top && top - v->end >= len)
            return top - len;
        top = v->start;
    }
    return top >= MMAP_MIN && top - MMAP_MIN >= len ? top - len : 0;
}

/* Put v in place of whatever mm maps over its range (MAP_FIXED semantics). */
static int replace_range(struct mm *mm, struct vma *v)
{
    mutex_lock(&mm->lock);
    int r = mm_unmap_locked(mm, v->start, v->end);
    if (!r)
        vma_insert_locked(mm, v);
    mutex_unlock(&mm->lock);
    if (r)
        vma_free(v);
    return r;
}


int mm_map_anon(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags)
{
    struct vma *v = vma_alloc(start, end, prot, flags);
    if (!v)
        return -ENOMEM;
    if (flags & VMA_SHARED) {
        v->shm = anon_shared_create((end - start) >> PAGE_SHIFT);
        if (!v->shm) {
            kfree(v);
            return -ENOMEM;
        }
    }
    return replace_range(mm, v);
}

int mm_map_file(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags,
                struct file *f, uint64_t off)
{
    struct vma *v = vma_alloc(start, end, prot, flags);
    if (!v)
        return -ENOMEM;
    file_get(f);
    v->file = f;
    v->file_off = off;
    return replace_range(mm, v);
}

void mm_set_brk_start(struct mm *mm, uint64_t start)
{
    mutex_lock(&mm->lock);
    mm->brk_start = mm->brk = start;
    mutex_unlock(&mm->lock);
}

/* ---- demand paging ---- */

/* A private copy of frame f (its reference is dropped); NULL on OOM. */
static struct frame *copy_page(struct frame *f)
{
    struct frame *nf = frame_alloc(0);
    if (nf)
        frame_copy(nf, f);
    frame_put(f);
    return nf;
}

/*
 * A file page: the page-cache frame itself for shared mappings and for reads
 * of private ones (mapped read-only so a write copies it), a private copy for
 * a write fault on a private mapping. -ENXIO past the end of file (SIGBUS).
 */
static int file_page_locked(struct vma *v, uint64_t va, unsigned fl, struct frame **out, unsigned *prot)
{
    struct file *file = v->file;
    uint64_t idx = (v->file_off + (va - v->start)) >> PAGE_SHIFT;
    int r = file->ops->get_page(file->inode, idx, out);
    if (r)
        return r;
    *prot = v->prot;
    if (v->flags & VMA_SHARED)
        return 0;
    if (!(fl & VM_FAULT_WRITE)) {
        *prot = cow_prot(v->prot);
        return 0;
    }
    *out = copy_page(*out);
    return *out ? 0 : -ENOMEM;
}

/* Map a page that is not present yet. */
static int populate_locked(struct mm *mm, struct vma *v, uint64_t va, unsigned fl)
{
    struct frame *f;
    unsigned prot = v->prot;
    if (v->shm) {
        f = anon_shared_page(v->shm, v->shm_pgoff + ((va - v->start) >> PAGE_SHIFT));
    } else if (v->file) {
        int r = file_page_locked(v, va, fl, &f, &prot);
        if (r)
            return r;
    } else {
        f = frame_alloc(FRAME_ZERO);
    }
    if (!f)
        return -ENOMEM;
    int r = vm_map(mm->vs, va, f, prot);
    frame_put(f);
    if (!r)
        mm_rss_add_locked(mm, 1);
    return r == -EEXIST ? 0 : r;
}

/* The page is present but the PTE did not allow the access: upgrade or break copy-on-write. */
static int fix_present_locked(struct mm *mm, struct vma *v, uint64_t va, struct frame *f, unsigned fl)
{
    int r = 0;
    /* frame_refcount counts our vm_query reference too: > 2 means another mapping shares it. */
    if ((v->flags & VMA_SHARED) || frame_refcount(f) <= 2) {
        r = vm_protect(mm->vs, va, PAGE_SIZE, v->prot);
    } else if (!(fl & VM_FAULT_WRITE)) {
        r = vm_protect(mm->vs, va, PAGE_SIZE, cow_prot(v->prot));
    } else {
        struct frame *nf = copy_page(f);
        if (!nf)
            return -ENOMEM;
        vm_unmap(mm->vs, va, PAGE_SIZE);
        r = vm_map(mm->vs, va, nf, v->prot);
        frame_put(nf);
        return r;
    }
    frame_put(f);
    return r;
}

static bool access_ok(unsigned prot, unsigned fl)
{
    if (fl & VM_FAULT_WRITE)
        return prot & PROT_WRITE;
    if (fl & VM_FAULT_EXEC)
        return prot & PROT_EXEC;
    return prot != PROT_NONE;
}

#define STACK_GUARD_GAP (256 * PAGE_SIZE)   /* keep a grown stack this far above the mapping below */

/*
 * A fault below a MAP_GROWSDOWN VMA extends it down to the faulting page, as
 * Linux does: the VMA may not exceed RLIMIT_STACK, the address space not
 * RLIMIT_AS, and an accessible non-stack mapping below keeps the guard gap.
 */
static bool grow_down_locked(struct mm *mm, struct vma *v, uint64_t addr)
{
    uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);
    if (!(v->flags & VMA_GROWSDOWN) || v->shm || v->file || start >= v->start ||
        v->end - start > mm_rlimit(RLIMIT_STACK) ||
        mm_may_expand_locked(mm, v->start - start, v->prot, v->flags, 0, 0))
        return false;
    struct list_head *prev = v->node.prev;
    if (prev != &mm->vmas) {
        struct vma *pv = list_entry(prev, struct vma, node);
        if (pv->end > start)
            return false;
        if (!(pv->flags & VMA_GROWSDOWN) && pv->prot != PROT_NONE && start - pv->end < STACK_GUARD_GAP)
            return false;
    }
    v->start = start;
    return true;
}

int mm_grow_stack(struct mm *mm, uint64_t addr)
{
    mutex_lock(&mm->lock);
    struct vma *v = vma_find_locked(mm, addr);
    bool ok = v && (v->start <= addr || grow_down_locked(mm, v, addr));
    mutex_unlock(&mm->lock);
    return ok ? 0 : -ENOMEM;
}

int mm_fault_locked(struct mm *mm, uint64_t addr, unsigned fl)
{
    struct vma *v = vma_find_locked(mm, addr);
    if (v && v->start > addr && !grow_down_locked(mm, v, addr))
        return -EFAULT;
    if (!v || !access_ok(v->prot, fl))
        return -EFAULT;
    uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE);
    struct frame *f = vm_query(mm->vs, va, NULL);
    if (f)
        return fix_present_locked(mm, v, va, f, fl);
    return populate_locked(mm, v, va, fl);
}

static int mm_fault(void *ctx, uint64_t addr, unsigned fl)
{
    struct mm *mm = ctx;
    mutex_lock(&mm->lock);
    int r = mm_fault_locked(mm, addr, fl);
    mutex_unlock(&mm->lock);
    if (!r)
        mm_count_fault();
    return r;
}

struct frame *mm_populate_page(struct mm *mm, uint64_t va, int *err)
{
    mutex_lock(&mm->lock);
    struct frame *f = vm_query(mm->vs, va, NULL);
    struct vma *v = vma_find_locked(mm, va);
    *err = -EFAULT;
    if (!f && v && v->start <= va) {
        *err = populate_locked(mm, v, va, VM_FAULT_WRITE);
        if (!*err)
            f = vm_query(mm->vs, va, NULL);
    }
    mutex_unlock(&mm->lock);
    return f;
}

/* ---- fork ---- */

static int copy_private_pages(struct mm *src, struct mm *dst, struct vma *v)
{
    unsigned p = cow_prot(v->prot);
    for (uint64_t va = vm_next_mapped(src->vs, v->start, v->end); va < v->end;
         va = vm_next_mapped(src->vs, va + PAGE_SIZE, v->end)) {
        struct frame *f = vm_query(src->vs, va, NULL);
        if (!f)
            continue;
        int r = vm_map(dst->vs, va, f, p);
        frame_put(f);
        if (r)
            return r;
        dst->rss++;
    }
    if (p != v->prot)
        vm_protect(src->vs, v->start, v->end - v->start, p);
    return 0;
}

struct mm *mm_dup(struct mm *src)
{
    struct mm *dst = mm_create();
    if (!dst)
        return NULL;
    int r = 0;
    mutex_lock(&src->lock);
    struct list_head *p;
    list_for_each(p, &src->vmas) {
        struct vma *v = list_entry(p, struct vma, node);
        if (v->flags & VMA_DONTFORK)
            continue;
        struct vma *n = vma_clone(v);
        if (!n) {
            r = -ENOMEM;
            break;
        }
        n->flags &= ~(unsigned)(VMA_LOCKED | VMA_LOCKONFAULT);   /* locks are not inherited */
        list_add_tail(&n->node, &dst->vmas);
        if (!(v->flags & (VMA_SHARED | VMA_WIPEONFORK)) && (r = copy_private_pages(src, dst, v)))
            break;
    }
    dst->hiwater_rss = MAX(src->hiwater_rss, dst->rss);   /* a child starts from its parent's peak, as Linux */
    dst->brk_start = src->brk_start;
    dst->brk = src->brk;
    dst->mmap_base = src->mmap_base;
    mutex_unlock(&src->lock);
    if (r) {
        mm_put(dst);
        return NULL;
    }
    return dst;
}

const void *mm_shared_key(struct mm *mm, uint64_t addr, uint64_t *off)
{
    const void *obj = NULL;
    mutex_lock(&mm->lock);
    struct vma *v = vma_find_locked(mm, addr);
    if (v && v->start <= addr && v->shm) {
        obj = v->shm;
        *off = (v->shm_pgoff << PAGE_SHIFT) + (addr - v->start);
    } else if (v && v->start <= addr && (v->flags & VMA_SHARED) && v->file) {
        obj = v->file->inode;
        *off = v->file_off + (addr - v->start);
    }
    mutex_unlock(&mm->lock);
    return obj;
}
