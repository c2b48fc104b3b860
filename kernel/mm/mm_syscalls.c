// SPDX-License-Identifier: MPL-2.0
// Memory syscalls: mmap, munmap, mprotect, brk, mremap, msync (madvise.c has madvise, mm_lock.c the mlock family).
#include <ostd/frame.h>
#include <ostd/heap.h>
#include <ostd/vm_space.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include "fs/memfd.h"
#include "mm/mm.h"
#include "proc/process.h"
#include "syscall/syscall.h"
#include "fs/file.h"
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include <uapi/resource.h>

long sys_mmap(struct sys_call *c);
long sys_munmap(struct sys_call *c);
long sys_mprotect(struct sys_call *c);
long sys_brk(struct sys_call *c);
long sys_mremap(struct sys_call *c);
long sys_msync(struct sys_call *c);

#define PAGE_MASK_LOW (PAGE_SIZE - 1)
#define PROT_VALID (PROT_READ | PROT_WRITE | PROT_EXEC)

/* Round len up to pages; 0 when it overflows or leaves the user half from addr. */
static uint64_t page_len(uint64_t addr, uint64_t len)
{
    uint64_t l = ALIGN_UP(len, PAGE_SIZE);
    if (l < len || addr + l < addr || addr + l > VM_USER_TOP)
        return 0;
    return l;
}

/*
 * A shared mapping of a file open for writing may become writable: it is
 * counted in the inode (VMA_WCOUNT) so that F_SEAL_WRITE fails with EBUSY
 * while one exists; on a write-sealed file it may never become writable.
 */
static long mmap_shared_file_flags(struct file *f, unsigned prot, unsigned *vf)
{
    if (!FMODE_WRITE(f)) {
        *vf |= VMA_NOWRITE;
        return 0;
    }
    long r = memfd_shared_map_begin(f->inode, prot & PROT_WRITE);
    if (r < 0)
        return r;
    *vf |= r ? VMA_NOWRITE : VMA_WCOUNT;
    return 0;
}

static struct vma *mmap_new_vma(unsigned prot, unsigned flags, uint64_t len, struct file *f, uint64_t off, long *err)
{
    bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
    unsigned vf = (shared ? VMA_SHARED : 0) | ((flags & MAP_GROWSDOWN) ? VMA_GROWSDOWN : 0);
    *err = f && shared ? mmap_shared_file_flags(f, prot, &vf) : 0;
    if (*err)
        return NULL;
    struct vma *v = vma_alloc(0, len, prot, vf);
    if (!v && (vf & VMA_WCOUNT))
        memfd_shared_map_put(f->inode);
    *err = v ? 0 : -ENOMEM;
    if (v && f) {
        file_get(f);
        v->file = f;
        v->file_off = off;
    } else if (v && shared && !(v->shm = anon_shared_create(len >> PAGE_SHIFT))) {
        vma_free(v);
        *err = -ENOMEM;
        return NULL;
    }
    return v;
}

/* Flags mmap understands without MAP_SHARED_VALIDATE's strictness (Linux's legacy set, incl. hugetlb sizes). */
#define MAP_LEGACY_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
                         MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | \
                         MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | MAP_HUGE_MASK)

/* The checks Linux makes on the file of a file mapping, in its order. */
static long mmap_file_check(struct file *f, unsigned prot, unsigned flags)
{
    unsigned type = flags & MAP_TYPE;
    if (type == MAP_SHARED_VALIDATE && (flags & ~(unsigned)MAP_LEGACY_MASK))
        return -EOPNOTSUPP;
    if (type != MAP_PRIVATE && (prot & PROT_WRITE) && !FMODE_WRITE(f))
        return -EACCES;
    if (!FMODE_READ(f))
        return -EACCES;
    if ((prot & PROT_EXEC) && f->path.mnt && (__atomic_load_n(&f->path.mnt->flags, __ATOMIC_RELAXED) & MS_NOEXEC))
        return -EPERM;
    if (!f->ops->get_page)
        return -ENODEV;
    /* A sealed memfd refuses new shared writable mappings (checked again, with counting, in mmap_new_vma). */
    if (type != MAP_PRIVATE && (prot & PROT_WRITE))
        return memfd_check_shared_write(f->inode);
    return 0;
}

/* Choose the address for a new mapping and make room for it. Returns 0 (the error in *err) on failure. */
static uint64_t mmap_place_locked(struct mm *mm, uint64_t addr, uint64_t len, unsigned flags, long *err)
{
    if (flags & MAP_FIXED_NOREPLACE) {
        if (!mm_range_free_locked(mm, addr, addr + len))
            *err = -EEXIST;
        return *err ? 0 : addr;
    }
    if (flags & MAP_FIXED) {
        *err = mm_unmap_locked(mm, addr, addr + len);
        return *err ? 0 : addr;
    }
    uint64_t a = mm_find_gap_locked(mm, len, addr);
    if (!a)
        *err = -ENOMEM;
    return a;
}

static long mmap_do(uint64_t addr, uint64_t len, unsigned prot, unsigned flags, struct file *f, uint64_t off)
{
    unsigned type = flags & MAP_TYPE;
    if (!len || (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE))
        return -EINVAL;
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && (addr & PAGE_MASK_LOW))
        return -EINVAL;
    uint64_t plen = page_len(fixed ? addr : 0, len);
    if (!plen)
        return -ENOMEM;
    if (f && off + plen < off)
        return -EOVERFLOW;
    long err = f ? mmap_file_check(f, prot, flags) : 0;
    if (err)
        return err;
    struct vma *v = mmap_new_vma(prot & PROT_VALID, flags, plen, f, off, &err);
    if (!v)
        return err;
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    if (fixed)
        err = mm_may_expand_locked(mm, plen, v->prot, v->flags, addr, addr + plen);
    uint64_t start = err ? 0 : mmap_place_locked(mm, addr, plen, flags, &err);
    if (!err && !fixed)
        err = mm_may_expand_locked(mm, plen, v->prot, v->flags, 0, 0);
    if (!err) {
        v->start = start;
        v->end = start + plen;
        v->flags |= mm->def_lock;   /* FIXME: MCL_FUTURE mappings are locked but paged in on demand */
        vma_insert_locked(mm, v);
    }
    mutex_unlock(&mm->lock);
    if (err) {
        vma_free(v);
        return err;
    }
    return (long)start;
}

long sys_mmap(struct sys_call *c)
{
    uint64_t addr = c->arg[0], len = c->arg[1], off = c->arg[5];
    unsigned prot = (unsigned)c->arg[2], flags = (unsigned)c->arg[3];
    if (off & PAGE_MASK_LOW)
        return -EINVAL;
    struct file *f = NULL;
    if (!(flags & MAP_ANONYMOUS)) {
        f = fd_get((int)c->arg[4]);
        if (!f || (f->flags & O_PATH)) {
            if (f)
                file_put(f);
            return -EBADF;
        }
    }
    long r = mmap_do(addr, len, prot, flags, f, off);
    if (f)
        file_put(f);
    return r;
}
long sys_munmap(struct sys_call *c)
{
    uint64_t addr = c->arg[0], len = c->arg[1];
    if ((addr & PAGE_MASK_LOW) || !len)
        return -EINVAL;
    uint64_t plen = page_len(addr, len);
    if (!plen)
        return -EINVAL;
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    long r = mm_unmap_locked(mm, addr, addr + plen);
    mutex_unlock(&mm->lock);
    return r;
}

/* Split so that [start, end) is covered by whole VMAs (the range must be mapped). */
static int isolate_range_locked(struct mm *mm, uint64_t start, uint64_t end)
{
    struct vma *v = vma_find_locked(mm, start);
    if (vma_split_locked(mm, v, start))
        return -ENOMEM;
    v = vma_find_locked(mm, end - 1);
    return vma_split_locked(mm, v, end);
}

/* True if a VMA in the (mapped) range has flag (VMA_NOWRITE: may never become writable). */
static bool range_has_flag_locked(struct mm *mm, uint64_t start, uint64_t end, unsigned flag)
{
    for (struct vma *v = vma_find_locked(mm, start); v && v->start < end;
         v = v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma, node))
        if (v->flags & flag)
            return true;
    return false;
}

long sys_mprotect(struct sys_call *c)
{
    uint64_t addr = c->arg[0], len = c->arg[1];
    unsigned prot = (unsigned)c->arg[2];
    if ((addr & PAGE_MASK_LOW) || (prot & ~(PROT_VALID | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)))
        return -EINVAL;
    if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP))
        return -EINVAL;
    if (!len)
        return 0;
    uint64_t plen = page_len(addr, len);
    if (!plen)
        return -ENOMEM;
    prot &= PROT_VALID;
    struct mm *mm = current_mm();
    uint64_t end = addr + plen;
    long r = -ENOMEM;
    mutex_lock(&mm->lock);
    if (mm_range_mapped_locked(mm, addr, end) && (prot & PROT_WRITE) && range_has_flag_locked(mm, addr, end, VMA_NOWRITE))
        r = -EACCES;
    else if (mm_range_mapped_locked(mm, addr, end) && !(r = isolate_range_locked(mm, addr, end))) {
        for (struct vma *v = vma_find_locked(mm, addr); v && v->start < end;
             v = v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma, node))
            v->prot = prot;
        /* Writable private pages may be shared copy-on-write: write faults upgrade them. */
        vm_protect(mm->vs, addr, plen, cow_prot(prot));
    }
    mutex_unlock(&mm->lock);
    return r;
}

static struct vma *brk_vma_locked(struct mm *mm, uint64_t end)
{
    struct vma *v = end > mm->brk_start ? vma_find_locked(mm, end - 1) : NULL;
    return v && (v->flags & VMA_BRK) && v->end == end ? v : NULL;
}

static void brk_grow_locked(struct mm *mm, uint64_t old_end, uint64_t new_end)
{
    struct vma *v = brk_vma_locked(mm, old_end);
    if (v) {
        v->end = new_end;
        return;
    }
    v = vma_alloc(old_end, new_end, PROT_READ | PROT_WRITE, VMA_BRK);
    if (v)
        vma_insert_locked(mm, v);
    else
        mm->brk = old_end;   /* out of memory: the break stays where the heap ends */
}

long sys_brk(struct sys_call *c)
{
    uint64_t want = c->arg[0];
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    uint64_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);
    if (want < mm->brk_start || new_end < want || new_end > VM_USER_TOP)
        goto out;
    if (new_end > old_end) {
        /* Linux refuses a break more than RLIMIT_DATA above its start (counting the data segment too). */
        if (want - mm->brk_start > mm_rlimit(RLIMIT_DATA) ||
            mm_may_expand_locked(mm, new_end - old_end, PROT_READ | PROT_WRITE, VMA_BRK, 0, 0) ||
            !mm_range_free_locked(mm, old_end, new_end))
            goto out;
        mm->brk = want;
        brk_grow_locked(mm, old_end, new_end);
    } else {
        if (new_end < old_end && mm_unmap_locked(mm, new_end, old_end))
            goto out;
        mm->brk = want;
    }
out:
    want = mm->brk;
    mutex_unlock(&mm->lock);
    return (long)want;
}

/* Move the whole VMA v (exactly [v->start, v->end)) to dst with new length len. */
static long move_vma_locked(struct mm *mm, struct vma *v, uint64_t dst, uint64_t len)
{
    uint64_t old_len = v->end - v->start, n = MIN(old_len, len);
    for (uint64_t off = vm_next_mapped(mm->vs, v->start, v->start + n) - v->start; off < n;
         off = vm_next_mapped(mm->vs, v->start + off + PAGE_SIZE, v->start + n) - v->start) {
        unsigned p = 0;
        struct frame *f = vm_query(mm->vs, v->start + off, &p);
        if (!f)
            continue;
        int r = vm_map(mm->vs, dst + off, f, p);
        frame_put(f);
        if (r) {
            vm_unmap(mm->vs, dst, off);
            return r;
        }
    }
    mm_rss_add_locked(mm, -(int64_t)mm_mapped_pages_locked(mm, v->start + n, v->end));   /* the cut-off tail */
    vm_unmap(mm->vs, v->start, old_len);
    list_del(&v->node);
    v->start = dst;
    v->end = dst + len;
    vma_insert_locked(mm, v);
    return (long)dst;
}

static long mremap_locked(struct mm *mm, uint64_t old, uint64_t old_len, uint64_t new_len,
                          unsigned flags, uint64_t new_addr)
{
    struct vma *v = vma_find_locked(mm, old);
    if (!v || v->start > old || old + old_len > v->end)
        return -EFAULT;
    if ((v->flags & (VMA_VDSO | VMA_VVAR)) && new_len > old_len)
        return -EFAULT;   /* as Linux's VM_DONTEXPAND: the vDSO's object has no more pages to show */
    if (new_len > old_len && mm_may_expand_locked(mm, new_len - old_len, v->prot, v->flags, 0, 0))
        return -ENOMEM;
    if (flags & MREMAP_FIXED) {
        if (new_addr < old + old_len && old < new_addr + new_len)
            return -EINVAL;
        if (mm_unmap_locked(mm, new_addr, new_addr + new_len))
            return -ENOMEM;
    } else if (new_len <= old_len) {
        return mm_unmap_locked(mm, old + new_len, old + old_len) ?: (long)old;
    } else if (old + old_len == v->end && old + new_len <= VM_USER_TOP &&
               mm_range_free_locked(mm, v->end, old + new_len)) {
        v->end = old + new_len;
        return (long)old;
    } else if (!(flags & MREMAP_MAYMOVE) || !(new_addr = mm_find_gap_locked(mm, new_len, 0))) {
        return -ENOMEM;
    }
    if (vma_split_locked(mm, v, old) || vma_split_locked(mm, vma_find_locked(mm, old), old + old_len))
        return -ENOMEM;
    return move_vma_locked(mm, vma_find_locked(mm, old), new_addr, new_len);
}

long sys_mremap(struct sys_call *c)
{
    uint64_t old = c->arg[0], old_len = c->arg[1], new_len = c->arg[2], new_addr = c->arg[4];
    unsigned flags = (unsigned)c->arg[3];
    if ((old & PAGE_MASK_LOW) || (flags & ~(unsigned)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)))
        return -EINVAL;
    if ((flags & MREMAP_FIXED) && (!(flags & MREMAP_MAYMOVE) || (new_addr & PAGE_MASK_LOW)))
        return -EINVAL;
    if (flags & MREMAP_DONTUNMAP)
        return -EINVAL;   /* FIXME: MREMAP_DONTUNMAP is not implemented */
    uint64_t olen = page_len(old, old_len), nlen = page_len((flags & MREMAP_FIXED) ? new_addr : 0, new_len);
    if (!nlen || !old_len)
        return -EINVAL;   /* FIXME: old_len 0 (duplicate a shared mapping) is not implemented */
    if (!olen)
        return -EFAULT;
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    long r = mremap_locked(mm, old, olen, nlen, flags, new_addr);
    mutex_unlock(&mm->lock);
    return r;
}

#define MSYNC_BATCH 8

/* MS_SYNC: fsync every file with a shared mapping in [start, end), a batch at a time. */
static long msync_files(struct mm *mm, uint64_t start, uint64_t end)
{
    long r = 0;
    while (start < end && !r) {
        struct file *files[MSYNC_BATCH];
        size_t n = 0;
        mutex_lock(&mm->lock);
        struct vma *v = vma_find_locked(mm, start);
        for (; v && v->start < end && n < MSYNC_BATCH;
             v = v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma, node)) {
            start = v->end;
            if (v->file && (v->flags & VMA_SHARED) && v->file->ops->fsync) {
                file_get(v->file);
                files[n++] = v->file;
            }
        }
        if (!v || v->start >= end)
            start = end;
        mutex_unlock(&mm->lock);
        for (size_t i = 0; i < n; i++) {
            long e = files[i]->ops->fsync(files[i]);
            r = r ? r : e;
            file_put(files[i]);
        }
    }
    return r;
}

long sys_msync(struct sys_call *c)
{
    uint64_t addr = c->arg[0], len = c->arg[1];
    unsigned flags = (unsigned)c->arg[2];
    if ((addr & PAGE_MASK_LOW) || (flags & ~(unsigned)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)))
        return -EINVAL;
    if ((flags & MS_ASYNC) && (flags & MS_SYNC))
        return -EINVAL;
    uint64_t plen = page_len(addr, len);
    if (len && !plen)
        return -ENOMEM;
    struct mm *mm = current_mm();
    mutex_lock(&mm->lock);
    bool ok = mm_range_mapped_locked(mm, addr, addr + plen);
    bool busy = ok && (flags & MS_INVALIDATE) && range_has_flag_locked(mm, addr, addr + plen, VMA_LOCKED);
    mutex_unlock(&mm->lock);
    if (busy)
        return -EBUSY;      /* locked pages cannot be invalidated */
    /*
     * Shared file mappings map the file's page-cache frames themselves:
     * stores are already what read(2) sees, and MS_INVALIDATE has nothing to
     * drop. MS_SYNC writes the files back (fsync of each, e.g. ext2's);
     * tmpfs has no backing store. MS_ASYNC, as Linux, starts nothing.
     */
    if (!ok)
        return -ENOMEM;
    return (flags & MS_SYNC) ? msync_files(mm, addr, addr + plen) : 0;
}
