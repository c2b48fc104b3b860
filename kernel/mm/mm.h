// SPDX-License-Identifier: MPL-2.0
// Service-side memory management: a process's address space as sorted VMAs over a vm_space.
#ifndef KEEL_MM_MM_H
#define KEEL_MM_MM_H

#include <ostd/types.h>
#include <ostd/list.h>
#include <ostd/sync.h>

struct vm_space;
struct file;
struct inode;
struct anon_shared;

enum {
    VMA_SHARED    = 1,   /* MAP_SHARED: pages live in vma->shm or the file's page cache, shared across fork */
    VMA_GROWSDOWN = 2,
    VMA_STACK     = 4,
    VMA_BRK       = 8,
    VMA_NOWRITE   = 16,  /* a shared mapping of a file not open for writing: PROT_WRITE is refused */
    VMA_LOCKED    = 32,  /* mlock'ed (VM_LOCKED): counted in VmLck, not inherited by fork */
    VMA_LOCKONFAULT = 64, /* mlock2(MLOCK_ONFAULT) / mlockall(MCL_ONFAULT): not populated up front */
    VMA_DONTFORK  = 128, /* MADV_DONTFORK: a forked child does not get this mapping */
    VMA_WIPEONFORK = 256, /* MADV_WIPEONFORK: a forked child gets it zero-filled */
    VMA_VDSO      = 512, /* the vDSO's code ([vdso]): shared frames of the kernel's image; mremap may not grow it */
    VMA_VVAR      = 1024, /* the vDSO's data page ([vvar]): the framework's vvar frame, read-only */
    VMA_WCOUNT    = 2048, /* a shared file mapping that may be writable: counted in the inode (memfd_shared_map_*) */
};

/* One mapping [start, end), page-aligned. prot uses the PROT_* (== VM_*) bits. */
struct vma {
    struct list_head node;      /* in mm->vmas, sorted by start; guarded by mm->lock */
    uint64_t start, end;
    unsigned prot, flags;
    struct anon_shared *shm;    /* VMA_SHARED: backing object (a reference) */
    uint64_t shm_pgoff;         /* page index in shm of start */
    struct file *file;          /* file mapping (a reference), or NULL for anonymous */
    uint64_t file_off;          /* file offset of start (page-aligned) */
};

/* Address space of one or more threads (CLONE_VM shares it). */
struct mm {
    uint32_t refcount;          /* atomic */
    struct mutex lock;          /* guards vmas, brk_*, and changes to vs's mappings */
    struct vm_space *vs;        /* owned reference */
    struct list_head vmas;
    uint64_t brk_start, brk;    /* program break; the heap VMA is [brk_start, ALIGN_UP(brk)) */
    uint64_t mmap_base;         /* top of the top-down mmap area */
    uint64_t rss, hiwater_rss;  /* resident pages now and at most (VmRSS, VmHWM, ru_maxrss); guarded by lock */
    unsigned def_lock;          /* mlockall(MCL_FUTURE): VMA_LOCKED[|VMA_LOCKONFAULT] for new mappings */
    struct list_head all_node;  /* in the list of every mm (mm/mm_truncate.c); guarded by mm_list_lock */
};

/* A fresh, empty mm with its own vm_space and the demand-paging handler installed. */
struct mm *mm_create(void) __must_check;
/* fork: copy every VMA; private pages become copy-on-write, shared ones stay shared. */
struct mm *mm_dup(struct mm *src) __must_check;
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);

/*
 * Map [start, end) as a new anonymous VMA (replacing whatever was there).
 * For exec and mmap; takes mm->lock itself. Returns 0 or -ENOMEM.
 */
int mm_map_anon(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags) __must_check;
/*
 * Map [start, end) of file f from offset off (page-aligned) as a new VMA
 * (replacing whatever was there): private (copy-on-write) unless flags has
 * VMA_SHARED. Takes its own file reference and mm->lock. 0 or -ENOMEM.
 */
int mm_map_file(struct mm *mm, uint64_t start, uint64_t end, unsigned prot, unsigned flags,
                struct file *f, uint64_t off) __must_check;
/* Fault in page va of mm for writing and return its frame (a new reference), for the loader. */
struct frame *mm_populate_page(struct mm *mm, uint64_t va, int *err) __must_check;
/*
 * Identity of the memory behind addr when it lies in a MAP_SHARED mapping
 * (shared futexes across processes): the backing object and *off in it; NULL otherwise.
 */
const void *mm_shared_key(struct mm *mm, uint64_t addr, uint64_t *off);
/* Bytes of mlock'ed mappings (/proc/PID/status VmLck). Takes mm->lock. */
uint64_t mm_locked_bytes(struct mm *mm);
/* Resolve a fault at addr (VM_FAULT_* flags) as a user access would; mm->lock held. */
int mm_fault_locked(struct mm *mm, uint64_t addr, unsigned fl);
/* The current process's soft limit res (RLIM_INFINITY for a kernel thread). */
uint64_t mm_rlimit(unsigned res);
/* True for Linux's "data" mappings (private, writable, not a stack): what RLIMIT_DATA counts. */
bool mm_is_data(unsigned prot, unsigned vflags);
/*
 * RLIMIT_AS / RLIMIT_DATA check for growing mm by len bytes of a (prot, vflags)
 * mapping that replaces [skip_start, skip_end): 0 or -ENOMEM. mm->lock held.
 */
int mm_may_expand_locked(struct mm *mm, uint64_t len, unsigned prot, unsigned vflags,
                         uint64_t skip_start, uint64_t skip_end) __must_check;
/* Extend the MAP_GROWSDOWN VMA above addr down to it (exec's initial stack); 0 or -ENOMEM. */
int mm_grow_stack(struct mm *mm, uint64_t addr);
/* Count a resolved page fault for the current thread (ru_minflt; every fault is minor: no I/O waits). */
void mm_count_fault(void);
/* Account delta resident pages (mm->rss) and raise the high-water mark; mm->lock held. */
void mm_rss_add_locked(struct mm *mm, int64_t delta);
/* Resident pages in [start, end) (counted before they are unmapped); mm->lock held. */
uint64_t mm_mapped_pages_locked(struct mm *mm, uint64_t start, uint64_t end);
/* Peak resident set in pages (max of the high-water mark and now); takes mm->lock. */
uint64_t mm_hiwater_pages(struct mm *mm);
/* What /proc/PID/status and stat report of an address space, in bytes. */
struct mm_usage { uint64_t size, data, stack, rss, hwm; };
/* Fill u from mm's VMAs and resident counters (all zero for NULL); takes mm->lock. */
void mm_get_usage(struct mm *mm, struct mm_usage *u);
/* Add a new mm to / remove a dying one from the list truncation walks (mm_create, mm_put). */
void mm_list_add(struct mm *mm);
void mm_list_del(struct mm *mm);
/*
 * A file shrank to size: unmap, in every address space, the pages of ino's
 * mappings wholly past the new end of file, shared and private (copied on
 * write or not), so a later access is SIGBUS as on Linux. Call after the
 * size changed (faults then see it: no page past it can come back) with no
 * inode or file-system lock held; takes the mm list lock, then each mm->lock.
 */
void mm_unmap_file_tail(struct inode *ino, uint64_t size);
/* Set the program break's start (exec). */
void mm_set_brk_start(struct mm *mm, uint64_t start);

/* Internal helpers shared by mm.c and mm_syscalls.c; call with mm->lock held. */
struct vma *vma_find_locked(struct mm *mm, uint64_t addr);           /* first VMA with end > addr */
int vma_split_locked(struct mm *mm, struct vma *v, uint64_t at) __must_check;
int mm_unmap_locked(struct mm *mm, uint64_t start, uint64_t end) __must_check;
struct vma *vma_alloc(uint64_t start, uint64_t end, unsigned prot, unsigned flags);
void vma_insert_locked(struct mm *mm, struct vma *v);
void vma_free(struct vma *v);
bool mm_range_free_locked(struct mm *mm, uint64_t start, uint64_t end);
bool mm_range_mapped_locked(struct mm *mm, uint64_t start, uint64_t end);
uint64_t mm_find_gap_locked(struct mm *mm, uint64_t len, uint64_t hint);
/* Protection to use for a private page that other address spaces still share (copy-on-write). */
unsigned cow_prot(unsigned prot);

/* Shared anonymous memory: a refcounted, growable array of frames. */
struct anon_shared *anon_shared_create(uint64_t npages) __must_check;
void anon_shared_get(struct anon_shared *s);
void anon_shared_put(struct anon_shared *s);
/* The frame at page index idx (allocated zeroed on first use), a new reference; NULL on OOM. */
struct frame *anon_shared_page(struct anon_shared *s, uint64_t idx) __must_check;
/* Put frame f (a new reference) at page index idx < the object's size, e.g. the vDSO's pages; 0 or -EINVAL. */
int anon_shared_set_page(struct anon_shared *s, uint64_t idx, struct frame *f) __must_check;

#endif
