// SPDX-License-Identifier: MPL-2.0
// KTESTs for user address spaces: map/query/protect/unmap semantics and frame references.
#include <ostd/ktest.h>
#include <ostd/vm_space.h>
#include <ostd/frame.h>
#include "heap_internal.h"
#include <ostd/heap.h>
#include <ostd/task.h>
#include <uapi/errno.h>
#include "../arch/x86_64/mmu.h"

#define MS 1000000ULL
#define UVA 0x0000000040000000ULL

/* Let the previous test's task finish switching out (its stack frames go back to the pool). */
static void settle(void) { task_sleep_ns(20 * MS); }

/* The prot vm_query reports for a mapping made with prot (EXEC only observable with NX). */
static unsigned expect_prot(unsigned prot)
{
    if (!(prot & (VM_READ | VM_WRITE | VM_EXEC)))
        return 0;
    unsigned r = VM_READ | (prot & VM_WRITE);
    if (!cpu_has_nx || (prot & VM_EXEC))
        r |= VM_EXEC;
    return r;
}

KTEST(vm_map_then_query)
{
    struct vm_space *vs = vm_space_create();
    KT_ASSERT(vs != NULL);
    struct frame *f1 = frame_alloc(FRAME_ZERO), *f2 = frame_alloc(FRAME_ZERO);
    KT_ASSERT(f1 && f2);
    const uint64_t top = VM_USER_TOP - PAGE_SIZE;   /* highest mappable user page */
    int r1 = vm_map(vs, UVA, f1, VM_READ | VM_WRITE);
    int r2 = vm_map(vs, top, f2, VM_READ);
    int r3 = vm_map(vs, 0, f2, VM_READ | VM_EXEC);  /* page 0 is a user page too */
    unsigned ref1 = frame_refcount(f1), ref2 = frame_refcount(f2);
    unsigned p1 = 99, p2 = 99, p3 = 99, pmid = 99;
    struct frame *q1 = vm_query(vs, UVA, &p1);
    struct frame *qmid = vm_query(vs, UVA + 123, &pmid);   /* inside the page */
    struct frame *q2 = vm_query(vs, top + PAGE_SIZE - 1, &p2);
    struct frame *q3 = vm_query(vs, 0, &p3);
    struct frame *none = vm_query(vs, UVA + PAGE_SIZE, NULL);
    struct frame *kern = vm_query(vs, 0xffff800000000000ULL, NULL);
    unsigned ref1q = frame_refcount(f1);
    if (q1) frame_put(q1);
    if (qmid) frame_put(qmid);
    if (q2) frame_put(q2);
    if (q3) frame_put(q3);
    vm_space_put(vs);
    unsigned ref1_after = frame_refcount(f1), ref2_after = frame_refcount(f2);
    frame_put(f1);
    frame_put(f2);
    KT_EQ(r1, 0);
    KT_EQ(r2, 0);
    KT_EQ(r3, 0);
    KT_EQ(ref1, 2);       /* vm_map takes its own reference */
    KT_EQ(ref2, 3);
    KT_ASSERT(q1 == f1);
    KT_ASSERT(qmid == f1);
    KT_ASSERT(q2 == f2);
    KT_ASSERT(q3 == f2);
    KT_EQ(ref1q, 4);      /* two vm_query references outstanding */
    KT_EQ(p1, expect_prot(VM_READ | VM_WRITE));
    KT_EQ(pmid, p1);
    KT_EQ(p2, expect_prot(VM_READ));
    KT_EQ(p3, expect_prot(VM_READ | VM_EXEC));
    KT_ASSERT(none == NULL);
    KT_ASSERT(kern == NULL);
    KT_EQ(ref1_after, 1);  /* vm_space_put dropped the mapping references */
    KT_EQ(ref2_after, 1);
}

KTEST(vm_map_rejects_bad_requests)
{
    struct vm_space *vs = vm_space_create();
    KT_ASSERT(vs != NULL);
    struct frame *f = frame_alloc(0), *g = frame_alloc(0);
    KT_ASSERT(f && g);
    int ok = vm_map(vs, UVA, f, VM_READ);
    int dup = vm_map(vs, UVA, g, VM_READ | VM_WRITE);
    unsigned g_ref = frame_refcount(g);
    unsigned prot = 0;
    struct frame *q = vm_query(vs, UVA, &prot);
    int unaligned = vm_map(vs, UVA + 1, g, VM_READ);
    int at_top = vm_map(vs, VM_USER_TOP, g, VM_READ);
    int noncanon = vm_map(vs, 0x0000800000000000ULL, g, VM_READ);
    int physmap = vm_map(vs, 0xffff800000000000ULL, g, VM_READ);
    int kimage = vm_map(vs, 0xffffffff80000000ULL, g, VM_READ);
    int unmap_unaligned = vm_unmap(vs, UVA + 8, PAGE_SIZE);
    int unmap_len = vm_unmap(vs, UVA, 100);
    int unmap_kernel = vm_unmap(vs, 0xffff800000000000ULL, PAGE_SIZE);
    int unmap_wrap = vm_unmap(vs, VM_USER_TOP - PAGE_SIZE, ~0xfffULL);
    int protect_kernel = vm_protect(vs, 0xffffffff80000000ULL, PAGE_SIZE, VM_READ);
    unsigned g_ref_after = frame_refcount(g);
    struct frame *still = vm_query(vs, UVA, NULL);
    if (q) frame_put(q);
    if (still) frame_put(still);
    vm_space_put(vs);
    frame_put(f);
    frame_put(g);
    KT_EQ(ok, 0);
    KT_EQ(dup, -EEXIST);
    KT_EQ(g_ref, 1);                 /* a failed map takes no reference */
    KT_ASSERT(q == f);               /* and does not replace the mapping */
    KT_EQ(prot, expect_prot(VM_READ));
    KT_EQ(unaligned, -EINVAL);
    KT_EQ(at_top, -EINVAL);
    KT_EQ(noncanon, -EINVAL);
    KT_EQ(physmap, -EINVAL);
    KT_EQ(kimage, -EINVAL);
    KT_EQ(unmap_unaligned, -EINVAL);
    KT_EQ(unmap_len, -EINVAL);
    KT_EQ(unmap_kernel, -EINVAL);
    KT_EQ(unmap_wrap, -EINVAL);
    KT_EQ(protect_kernel, -EINVAL);
    KT_EQ(g_ref_after, 1);
    KT_ASSERT(still == f);           /* rejected unmaps left the page alone */
}

static unsigned query_prot(struct vm_space *vs, uint64_t va, bool *mapped)
{
    unsigned prot = 0xdead;
    struct frame *f = vm_query(vs, va, &prot);
    *mapped = f != NULL;
    if (f)
        frame_put(f);
    return prot;
}

KTEST(vm_protect_changes_prot)
{
    struct vm_space *vs = vm_space_create();
    KT_ASSERT(vs != NULL);
    struct frame *f = frame_alloc(0);
    KT_ASSERT(f != NULL);
    bool m[6];
    unsigned p[6];
    int r0 = vm_map(vs, UVA, f, VM_READ | VM_WRITE);
    int r1 = vm_map(vs, UVA + PAGE_SIZE, f, VM_READ | VM_WRITE);
    int r2 = vm_protect(vs, UVA, PAGE_SIZE, VM_READ);
    p[0] = query_prot(vs, UVA, &m[0]);
    p[1] = query_prot(vs, UVA + PAGE_SIZE, &m[1]);     /* outside the range: unchanged */
    int r3 = vm_protect(vs, UVA, 2 * PAGE_SIZE, VM_READ | VM_WRITE | VM_EXEC);
    p[2] = query_prot(vs, UVA, &m[2]);
    int r4 = vm_protect(vs, UVA, PAGE_SIZE, 0);        /* PROT_NONE keeps the frame */
    p[3] = query_prot(vs, UVA, &m[3]);
    unsigned ref_none = frame_refcount(f);
    int r5 = vm_map(vs, UVA, f, VM_READ);              /* still occupied */
    int r6 = vm_protect(vs, UVA, PAGE_SIZE, VM_READ | VM_WRITE);
    p[4] = query_prot(vs, UVA, &m[4]);
    int r7 = vm_protect(vs, UVA + 8 * PAGE_SIZE, PAGE_SIZE, VM_READ);   /* hole: no-op */
    p[5] = query_prot(vs, UVA + 8 * PAGE_SIZE, &m[5]);
    vm_space_put(vs);
    unsigned ref_end = frame_refcount(f);
    frame_put(f);
    KT_EQ(r0, 0);
    KT_EQ(r1, 0);
    KT_EQ(r2, 0);
    KT_ASSERT(m[0] && m[1]);
    KT_EQ(p[0], expect_prot(VM_READ));
    KT_EQ(p[1], expect_prot(VM_READ | VM_WRITE));
    KT_EQ(r3, 0);
    KT_ASSERT(m[2]);
    KT_EQ(p[2], expect_prot(VM_READ | VM_WRITE | VM_EXEC));
    KT_EQ(r4, 0);
    KT_ASSERT(m[3]);
    KT_EQ(p[3], 0);
    KT_EQ(ref_none, 3);
    KT_EQ(r5, -EEXIST);
    KT_EQ(r6, 0);
    KT_ASSERT(m[4]);
    KT_EQ(p[4], expect_prot(VM_READ | VM_WRITE));
    KT_EQ(r7, 0);
    KT_ASSERT(!m[5]);
    KT_EQ(ref_end, 1);
}

KTEST(vm_unmap_drops_frame_reference)
{
    struct vm_space *vs = vm_space_create();
    KT_ASSERT(vs != NULL);
    struct frame *f = frame_alloc(0);
    KT_ASSERT(f != NULL);
    int r = 0;
    for (int i = 0; i < 3; i++)
        r |= vm_map(vs, UVA + (uint64_t)i * PAGE_SIZE, f, VM_READ);
    unsigned ref3 = frame_refcount(f);
    int u1 = vm_unmap(vs, UVA + PAGE_SIZE, PAGE_SIZE);
    unsigned ref2 = frame_refcount(f);
    bool m0, m1, m2;
    query_prot(vs, UVA, &m0);
    query_prot(vs, UVA + PAGE_SIZE, &m1);
    query_prot(vs, UVA + 2 * PAGE_SIZE, &m2);
    /* A range with holes and never-populated page tables is fine. */
    int u2 = vm_unmap(vs, UVA - 16 * PAGE_SIZE, 64 * PAGE_SIZE);
    unsigned ref0 = frame_refcount(f);
    int remap = vm_map(vs, UVA + PAGE_SIZE, f, VM_READ);   /* the slot is free again */
    vm_space_put(vs);
    unsigned ref_end = frame_refcount(f);
    frame_put(f);
    KT_EQ(r, 0);
    KT_EQ(ref3, 4);
    KT_EQ(u1, 0);
    KT_EQ(ref2, 3);
    KT_ASSERT(m0 && !m1 && m2);
    KT_EQ(u2, 0);
    KT_EQ(ref0, 1);
    KT_EQ(remap, 0);
    KT_EQ(ref_end, 1);
}

KTEST(vm_space_put_frees_everything)
{
    settle();
    /* Warm the heap class of struct vm_space so the test's create/put needs no new slab. */
    struct vm_space *warm = vm_space_create();
    KT_ASSERT(warm != NULL);
    vm_space_put(warm);
    struct frame_stats s0, s_created, s1, s2;
    struct heap_stats h0, h2;
    heap_quarantine_drain();
    frame_get_stats(&s0);
    heap_get_stats(&h0);
    struct vm_space *vs = vm_space_create();
    KT_ASSERT(vs != NULL);
    frame_get_stats(&s_created);
    /*
     * Spread over several PML4/PDPT/PD slots: 17 page tables below the PML4
     * (3 + 1 + 2 + 3 + 3 + 3 + 2, counting the new ones each address needs).
     */
    static const uint64_t where[] = {
        0x1000, 0x2000, 0x200000, 0x40000000, 0x8000000000ULL, 0x123456789000ULL,
        0x7fff00000000ULL, 0x7fffffffe000ULL,
    };
    int r = 0;
    for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
        struct frame *f = frame_alloc(0);
        KT_ASSERT(f != NULL);
        r |= vm_map(vs, where[i], f, i == 2 ? 0 : VM_READ | VM_WRITE);   /* one PROT_NONE */
        frame_put(f);   /* the vm_space now holds the only reference */
    }
    frame_get_stats(&s1);
    vm_space_put(vs);
    heap_quarantine_drain();
    frame_get_stats(&s2);
    heap_get_stats(&h2);
    KT_EQ(r, 0);
    KT_EQ(s0.free - s_created.free, 1);                        /* the PML4 */
    KT_EQ(s_created.free - s1.free, ARRAY_SIZE(where) + 17);   /* frames + page tables */
    KT_EQ(s2.free, s0.free);
    KT_EQ(h2.bytes_in_use, h0.bytes_in_use);
}
