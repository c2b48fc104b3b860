// SPDX-License-Identifier: MPL-2.0
// KTESTs for service-side memory management: VMA splitting, demand paging, copy-on-write, shared memory.
#include <ostd/ktest.h>
#include <ostd/vm_space.h>
#include <ostd/frame.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include "mm/mm.h"

#define BASE 0x0000000040000000ULL
#define RW (PROT_READ | PROT_WRITE)

static unsigned count_vmas(struct mm *mm)
{
    unsigned n = 0;
    struct list_head *p;
    list_for_each(p, &mm->vmas)
        n++;
    return n;
}

KTEST(mm_unmap_splits_vmas)
{
    struct mm *mm = mm_create();
    KT_ASSERT(mm != NULL);
    KT_EQ(mm_map_anon(mm, BASE, BASE + 4 * PAGE_SIZE, RW, 0), 0);
    mutex_lock(&mm->lock);
    int r = mm_unmap_locked(mm, BASE + PAGE_SIZE, BASE + 2 * PAGE_SIZE);
    unsigned n = count_vmas(mm);
    bool hole = mm_range_free_locked(mm, BASE + PAGE_SIZE, BASE + 2 * PAGE_SIZE);
    bool left = mm_range_mapped_locked(mm, BASE, BASE + PAGE_SIZE);
    bool right = mm_range_mapped_locked(mm, BASE + 2 * PAGE_SIZE, BASE + 4 * PAGE_SIZE);
    bool whole = mm_range_mapped_locked(mm, BASE, BASE + 4 * PAGE_SIZE);
    mutex_unlock(&mm->lock);
    mm_put(mm);
    KT_EQ(r, 0);
    KT_EQ(n, 2);
    KT_ASSERT(hole && left && right && !whole);
}

KTEST(mm_fault_zero_fills_and_checks_prot)
{
    struct mm *mm = mm_create();
    KT_ASSERT(mm != NULL);
    KT_EQ(mm_map_anon(mm, BASE, BASE + PAGE_SIZE, PROT_READ, 0), 0);
    int rd = vm_space_handle_fault(mm->vs, BASE + 8, VM_FAULT_READ);
    int wr = vm_space_handle_fault(mm->vs, BASE + 8, VM_FAULT_WRITE | VM_FAULT_PRESENT);
    int out = vm_space_handle_fault(mm->vs, BASE + PAGE_SIZE, VM_FAULT_READ);
    unsigned prot = 0;
    struct frame *f = vm_query(mm->vs, BASE, &prot);
    uint64_t word = 1;
    if (f)
        KT_EQ(frame_read(f, 8, &word, sizeof(word)), 0);
    if (f)
        frame_put(f);
    mm_put(mm);
    KT_EQ(rd, 0);
    KT_EQ(wr, -EFAULT);
    KT_EQ(out, -EFAULT);
    KT_ASSERT(f != NULL);
    KT_EQ(word, 0);
    KT_ASSERT(!(prot & VM_WRITE));
}

KTEST(mm_dup_is_copy_on_write)
{
    struct mm *a = mm_create();
    KT_ASSERT(a != NULL);
    KT_EQ(mm_map_anon(a, BASE, BASE + PAGE_SIZE, RW, 0), 0);
    KT_EQ(vm_space_handle_fault(a->vs, BASE, VM_FAULT_WRITE), 0);
    struct frame *orig = vm_query(a->vs, BASE, NULL);
    KT_ASSERT(orig != NULL);
    uint32_t v = 0x1234;
    KT_EQ(frame_write(orig, 0, &v, sizeof(v)), 0);
    struct mm *b = mm_dup(a);
    KT_ASSERT(b != NULL);
    unsigned pa = 0, pb = 0;
    struct frame *fb = vm_query(b->vs, BASE, &pb);
    struct frame *fa = vm_query(a->vs, BASE, &pa);
    bool shared = fa == orig && fb == orig && !(pa & VM_WRITE) && !(pb & VM_WRITE);
    frame_put(fa);
    frame_put(fb);
    int r = vm_space_handle_fault(b->vs, BASE, VM_FAULT_WRITE | VM_FAULT_PRESENT);
    fb = vm_query(b->vs, BASE, &pb);
    uint32_t got = 0;
    (void)!frame_read(fb, 0, &got, sizeof(got));
    bool copied = fb != orig && (pb & VM_WRITE) && got == 0x1234;
    frame_put(fb);
    mm_put(b);
    frame_put(orig);   /* still mapped in a, so the pointer stays a valid identity */
    /* a is alone again: its write fault upgrades in place, without a copy. */
    int ra = vm_space_handle_fault(a->vs, BASE, VM_FAULT_WRITE | VM_FAULT_PRESENT);
    fa = vm_query(a->vs, BASE, &pa);
    bool in_place = fa == orig && (pa & VM_WRITE);
    frame_put(fa);
    mm_put(a);
    KT_ASSERT(shared);
    KT_EQ(r, 0);
    KT_ASSERT(copied);
    KT_EQ(ra, 0);
    KT_ASSERT(in_place);
}

KTEST(mm_shared_anon_survives_dup)
{
    struct mm *a = mm_create();
    KT_ASSERT(a != NULL);
    KT_EQ(mm_map_anon(a, BASE, BASE + 2 * PAGE_SIZE, RW, VMA_SHARED), 0);
    struct mm *b = mm_dup(a);
    KT_ASSERT(b != NULL);
    KT_EQ(vm_space_handle_fault(b->vs, BASE + PAGE_SIZE, VM_FAULT_WRITE), 0);
    KT_EQ(vm_space_handle_fault(a->vs, BASE + PAGE_SIZE, VM_FAULT_READ), 0);
    struct frame *fa = vm_query(a->vs, BASE + PAGE_SIZE, NULL), *fb = vm_query(b->vs, BASE + PAGE_SIZE, NULL);
    bool same = fa && fa == fb;
    if (fa)
        frame_put(fa);
    if (fb)
        frame_put(fb);
    mm_put(b);
    mm_put(a);
    KT_ASSERT(same);
}

KTEST(mm_find_gap_is_top_down_and_honours_hints)
{
    struct mm *mm = mm_create();
    KT_ASSERT(mm != NULL);
    mutex_lock(&mm->lock);
    uint64_t g1 = mm_find_gap_locked(mm, 2 * PAGE_SIZE, 0);
    uint64_t g2 = mm_find_gap_locked(mm, PAGE_SIZE, BASE);
    uint64_t g3 = mm_find_gap_locked(mm, 1ULL << 50, 0);
    uint64_t base = mm->mmap_base;
    mutex_unlock(&mm->lock);
    mm_put(mm);
    KT_EQ(g1, base - 2 * PAGE_SIZE);
    KT_EQ(g2, BASE);
    KT_EQ(g3, 0);
}
