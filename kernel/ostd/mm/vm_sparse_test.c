// SPDX-License-Identifier: MPL-2.0
// KTESTs for walking and unmapping sparse user address ranges quickly.
#include <ostd/ktest.h>
#include <ostd/frame.h>
#include <ostd/time.h>
#include <ostd/vm_space.h>

#define HIGH 0x7f0000000000ULL

KTEST(vm_next_mapped_skips_holes)
{
    struct vm_space *vs = vm_space_create();
    struct frame *a = frame_alloc(FRAME_ZERO), *b = frame_alloc(FRAME_ZERO);
    KT_ASSERT(vs && a && b);
    KT_EQ(vm_map(vs, 0x1000, a, VM_READ), 0);
    KT_EQ(vm_map(vs, HIGH, b, 0), 0);                     /* PROT_NONE still counts */
    KT_EQ(vm_next_mapped(vs, 0, VM_USER_TOP), 0x1000);
    KT_EQ(vm_next_mapped(vs, 0x2000, VM_USER_TOP), HIGH);
    KT_EQ(vm_next_mapped(vs, HIGH + 0x1000, VM_USER_TOP), VM_USER_TOP);
    KT_EQ(vm_next_mapped(vs, 0x2000, HIGH), HIGH);        /* end bound is exclusive */
    uint64_t t0 = clock_monotonic_ns();
    KT_EQ(vm_unmap(vs, 0, VM_USER_TOP), 0);               /* 128 TiB, two pages mapped */
    KT_ASSERT(clock_monotonic_ns() - t0 < 2 * NSEC_PER_SEC);
    KT_EQ(frame_refcount(a), 1);
    KT_EQ(frame_refcount(b), 1);
    KT_EQ(vm_next_mapped(vs, 0, VM_USER_TOP), VM_USER_TOP);
    KT_EQ(vm_protect(vs, 0, VM_USER_TOP, VM_READ), 0);    /* empty range: fast, no error */
    vm_space_put(vs);
    frame_put(a);
    frame_put(b);
}
