// SPDX-License-Identifier: MPL-2.0
// KTESTs for user copies: round trips, fault recovery (-EFAULT, never a panic), demand paging.
#include <ostd/ktest.h>
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <ostd/frame.h>
#include <ostd/task.h>
#include <ostd/heap.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu.h"

#define UBASE 0x0000000010000000ULL   /* two mapped RW pages, then a hole */
#define URO   0x0000000020000000ULL   /* one read-only page */
#define UDEM  0x0000000030000000ULL   /* demand-paged window of 4 pages */

struct uspace {
    struct vm_space *vs;
    struct frame *rw[2], *ro;
};

/* Build the test address space and attach it to the current task; false on OOM. */
static bool uspace_setup(struct uspace *u)
{
    memset(u, 0, sizeof(*u));
    u->vs = vm_space_create();
    u->rw[0] = frame_alloc(FRAME_ZERO);
    u->rw[1] = frame_alloc(FRAME_ZERO);
    u->ro = frame_alloc(FRAME_ZERO);
    if (!u->vs || !u->rw[0] || !u->rw[1] || !u->ro)
        return false;
    if (vm_map(u->vs, UBASE, u->rw[0], VM_READ | VM_WRITE) ||
        vm_map(u->vs, UBASE + PAGE_SIZE, u->rw[1], VM_READ | VM_WRITE) ||
        frame_write(u->ro, 0, "read-only!", 11) ||
        vm_map(u->vs, URO, u->ro, VM_READ))
        return false;
    task_set_vm_space(u->vs);
    return true;
}

static void uspace_teardown(struct uspace *u)
{
    task_set_vm_space(NULL);
    if (u->vs)
        vm_space_put(u->vs);
    for (int i = 0; i < 2; i++)
        if (u->rw[i])
            frame_put(u->rw[i]);
    if (u->ro)
        frame_put(u->ro);
}

KTEST(user_copy_round_trip)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    bool active = vm_space_current() == u.vs && task_vm_space(task_current()) == u.vs;
    static const char msg[] = "hello from the kernel";
    int w = copy_to_user(uptr(UBASE + 100), msg, sizeof(msg));
    char seen[sizeof(msg)] = { 0 };
    int rd = frame_read(u.rw[0], 100, seen, sizeof(msg));
    uint8_t pat[64], back[64] = { 0 };
    for (int i = 0; i < 64; i++)
        pat[i] = (uint8_t)(i * 3 + 1);
    int fw = frame_write(u.rw[0], 2000, pat, 64);
    int r = copy_from_user(back, uptr(UBASE + 2000), 64);
    /* A copy spanning two mapped pages lands half in each frame. */
    int span = copy_to_user(uptr(UBASE + PAGE_SIZE - 32), pat, 64);
    uint8_t lo[32], hi[32];
    int rlo = frame_read(u.rw[0], PAGE_SIZE - 32, lo, 32);
    int rhi = frame_read(u.rw[1], 0, hi, 32);
    int cl = clear_user(uptr(UBASE + 100), 5);
    char cleared[8];
    int rc = frame_read(u.rw[0], 100, cleared, 8);
    uint8_t ro[11];
    int rro = copy_from_user(ro, uptr(URO), 11);
    uspace_teardown(&u);
    bool detached = vm_space_current() == NULL && task_vm_space(task_current()) == NULL;
    KT_ASSERT(ok);
    KT_ASSERT(active);
    KT_EQ(w, 0);
    KT_EQ(rd, 0);
    KT_ASSERT(memcmp(seen, msg, sizeof(msg)) == 0);
    KT_EQ(fw, 0);
    KT_EQ(r, 0);
    KT_ASSERT(memcmp(back, pat, 64) == 0);
    KT_EQ(span, 0);
    KT_ASSERT(rlo == 0 && rhi == 0);
    KT_ASSERT(memcmp(lo, pat, 32) == 0 && memcmp(hi, pat + 32, 32) == 0);
    KT_EQ(cl, 0);
    KT_EQ(rc, 0);
    KT_ASSERT(memcmp(cleared, "\0\0\0\0\0 fr", 8) == 0);
    KT_EQ(rro, 0);
    KT_ASSERT(memcmp(ro, "read-only!", 11) == 0);
    KT_ASSERT(detached);
}

KTEST(user_copy_faults_return_efault)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    char buf[32];
    memset(buf, 'k', sizeof(buf));
    const uint64_t hole = UBASE + 2 * PAGE_SIZE;
    int unmapped_to = copy_to_user(uptr(hole + 8), buf, 16);
    int unmapped_from = copy_from_user(buf, uptr(hole + 8), 16);
    int unmapped_clear = clear_user(uptr(hole), 16);
    int null_from = copy_from_user(buf, uptr(0), 1);
    int ro_to = copy_to_user(uptr(URO + 4), buf, 4);
    int ro_clear = clear_user(uptr(URO), 1);
    char ro_now[11];
    int rro = frame_read(u.ro, 0, ro_now, 11);
    /* Mapped page followed by the hole: the copy must fail, not run off. */
    int cross_to = copy_to_user(uptr(hole - 16), buf, 32);
    int cross_from = copy_from_user(buf, uptr(hole - 16), 32);
    uspace_teardown(&u);
    KT_ASSERT(ok);
    KT_EQ(unmapped_to, -EFAULT);
    KT_EQ(unmapped_from, -EFAULT);
    KT_EQ(unmapped_clear, -EFAULT);
    KT_EQ(null_from, -EFAULT);
    KT_EQ(ro_to, -EFAULT);
    KT_EQ(ro_clear, -EFAULT);
    KT_EQ(rro, 0);
    KT_ASSERT(memcmp(ro_now, "read-only!", 11) == 0);   /* the write did not go through */
    KT_EQ(cross_to, -EFAULT);
    KT_EQ(cross_from, -EFAULT);
}

size_t copy_user_raw(void *dst, const void *src, size_t n);
size_t clear_user_raw(void *dst, size_t n);

/*
 * The raw copies move quadwords, then bytes; a fault in the quadword loop
 * retries byte by byte, so "bytes not copied" is exact even when a quadword
 * straddles the end of the mapping (unaligned start 13 bytes before the hole).
 */
KTEST(user_copy_partial_count_exact)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    const uint64_t hole = UBASE + 2 * PAGE_SIZE;
    uint8_t src[40], dst[40], other[40];
    for (int i = 0; i < 40; i++)
        src[i] = (uint8_t)(0xa0 + i);
    memset(dst, 0, sizeof(dst));
    if (cpu_has_smap)
        stac();
    size_t left_to = copy_user_raw((void *)(uintptr_t)(hole - 13), src, 40);
    size_t left_from = copy_user_raw(dst, (const void *)(uintptr_t)(hole - 13), 40);
    size_t left_clear = clear_user_raw((void *)(uintptr_t)(hole - 13), 40);
    size_t whole = copy_user_raw(other, (const void *)(uintptr_t)(UBASE + 3), 37);
    if (cpu_has_smap)
        clac();
    uint8_t tail[13];
    int rt = frame_read(u.rw[1], PAGE_SIZE - 13, tail, 13);
    uspace_teardown(&u);
    KT_ASSERT(ok);
    KT_EQ(left_to, 27);
    KT_EQ(left_from, 27);
    KT_ASSERT(memcmp(dst, src, 13) == 0);   /* the 13 readable bytes arrived */
    KT_EQ(left_clear, 27);
    KT_EQ(whole, 0);
    KT_EQ(rt, 0);
    for (int i = 0; i < 13; i++)
        KT_EQ(tail[i], 0);          /* clear_user_raw zeroed exactly the mapped 13 bytes */
}

static uint64_t kernel_secret = 0x5ec7e75ec7e7ULL;

KTEST(user_copy_rejects_kernel_addresses)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    uint64_t kaddr = (uint64_t)(uintptr_t)&kernel_secret;
    uint64_t got = 0, evil = 0x4141414141414141ULL;
    int from_k = copy_from_user(&got, uptr(kaddr), 8);
    int to_k = copy_to_user(uptr(kaddr), &evil, 8);
    int clear_k = clear_user(uptr(kaddr), 8);
    int from_physmap = copy_from_user(&got, uptr(0xffff800000100000ULL), 8);
    int noncanon = copy_from_user(&got, uptr(0x0000800000000000ULL), 8);
    int wrap = copy_from_user(&got, uptr(~0ULL - 3), 8);
    int straddle = copy_to_user(uptr(0x0000800000000000ULL - 4), &evil, 8);
    long str_k = strncpy_from_user((char *)&got, uptr(kaddr), 8);
    bool range_ok_user = user_range_ok(uptr(UBASE), PAGE_SIZE);
    bool range_ok_kernel = user_range_ok(uptr(kaddr), 1);
    bool range_ok_wrap = user_range_ok(uptr(UBASE), ~0ULL);
    uspace_teardown(&u);
    KT_ASSERT(ok);
    KT_EQ(from_k, -EFAULT);
    KT_EQ(to_k, -EFAULT);
    KT_EQ(clear_k, -EFAULT);
    KT_EQ(from_physmap, -EFAULT);
    KT_EQ(noncanon, -EFAULT);
    KT_EQ(wrap, -EFAULT);
    KT_EQ(straddle, -EFAULT);
    KT_EQ(str_k, -EFAULT);
    KT_EQ(got, 0);                                   /* nothing leaked out */
    KT_EQ(kernel_secret, 0x5ec7e75ec7e7ULL);         /* nothing written in */
    KT_ASSERT(range_ok_user);
    KT_ASSERT(!range_ok_kernel);
    KT_ASSERT(!range_ok_wrap);
}

KTEST(user_strncpy_from_user)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    int w1 = frame_write(u.rw[0], 0, "hello", 6);
    /* A string whose NUL is the very last byte before the hole. */
    int w2 = frame_write(u.rw[1], PAGE_SIZE - 4, "end", 4);
    char dst[64];
    memset(dst, 0x7f, sizeof(dst));
    long n = strncpy_from_user(dst, uptr(UBASE), sizeof(dst));
    bool same = strcmp(dst, "hello") == 0;
    long exact = strncpy_from_user(dst, uptr(UBASE), 6);      /* 5 chars + NUL fit */
    long toolong = strncpy_from_user(dst, uptr(UBASE), 5);    /* NUL does not fit */
    long zero = strncpy_from_user(dst, uptr(UBASE), 0);
    long at_end = strncpy_from_user(dst, uptr(UBASE + 2 * PAGE_SIZE - 4), sizeof(dst));
    bool end_same = strcmp(dst, "end") == 0;
    /* Now a string running into the hole without a NUL. */
    int w3 = frame_write(u.rw[1], PAGE_SIZE - 8, "xxxxxxxx", 8);
    long into_hole = strncpy_from_user(dst, uptr(UBASE + 2 * PAGE_SIZE - 8), sizeof(dst));
    long unmapped = strncpy_from_user(dst, uptr(UBASE + 2 * PAGE_SIZE), sizeof(dst));
    /* Crossing from the first into the second mapped page works. */
    char cross_src[] = "spans-two-pages";
    int w4 = frame_write(u.rw[0], PAGE_SIZE - 5, cross_src, 5);
    int w5 = frame_write(u.rw[1], 0, cross_src + 5, sizeof(cross_src) - 5);
    long cross = strncpy_from_user(dst, uptr(UBASE + PAGE_SIZE - 5), sizeof(dst));
    bool cross_same = strcmp(dst, cross_src) == 0;
    uspace_teardown(&u);
    KT_ASSERT(ok);
    KT_ASSERT(!w1 && !w2 && !w3 && !w4 && !w5);
    KT_EQ(n, 5);
    KT_ASSERT(same);
    KT_EQ(exact, 5);
    KT_EQ(toolong, -ENAMETOOLONG);
    KT_EQ(zero, -ENAMETOOLONG);
    KT_EQ(at_end, 3);
    KT_ASSERT(end_same);
    KT_EQ(into_hole, -EFAULT);
    KT_EQ(unmapped, -EFAULT);
    KT_EQ(cross, (long)strlen(cross_src));
    KT_ASSERT(cross_same);
}

/* ---- demand paging through the vm_space fault handler ---- */

struct demand {
    struct vm_space *vs;
    int calls;
    unsigned last_flags;
    uint64_t last_addr;
};

static int demand_fault(void *ctx, uint64_t addr, unsigned flags)
{
    struct demand *d = ctx;
    d->calls++;
    d->last_flags = flags;
    d->last_addr = addr;
    if (addr < UDEM || addr >= UDEM + 4 * PAGE_SIZE)
        return -EFAULT;
    struct frame *f = frame_alloc(FRAME_ZERO);
    if (!f)
        return -ENOMEM;
    uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE);
    uint64_t tag = 0xd0d0000000000000ULL | page;
    int r = frame_write(f, 0, &tag, 8);
    if (r == 0)
        r = vm_map(d->vs, page, f, VM_READ | VM_WRITE);
    frame_put(f);
    return r;
}

KTEST(user_copy_demand_paging)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    struct demand d = { .vs = u.vs };
    vm_space_set_fault_handler(u.vs, demand_fault, &d);
    uint64_t tag = 0;
    int r1 = copy_from_user(&tag, uptr(UDEM + PAGE_SIZE), 8);
    int calls1 = d.calls;
    unsigned flags1 = d.last_flags;
    uint64_t addr1 = d.last_addr;
    uint64_t again = 0;
    int r2 = copy_from_user(&again, uptr(UDEM + PAGE_SIZE), 8);   /* now mapped: no fault */
    int calls2 = d.calls;
    static const char msg[] = "written on demand";
    int r3 = copy_to_user(uptr(UDEM + 3 * PAGE_SIZE + 100), msg, sizeof(msg));
    unsigned flags3 = d.last_flags;
    struct frame *f3 = vm_query(u.vs, UDEM + 3 * PAGE_SIZE, NULL);
    char back[sizeof(msg)] = { 0 };
    int rb = f3 ? frame_read(f3, 100, back, sizeof(msg)) : -1;
    if (f3)
        frame_put(f3);
    int outside = copy_from_user(&again, uptr(UDEM + 8 * PAGE_SIZE), 8);   /* handler refuses */
    /* A clear spanning pages 1 (present) and 2 (absent), then a read over pages 0 and 1. */
    static uint8_t big[PAGE_SIZE + 16];
    int calls_before_big = d.calls;
    int r4 = clear_user(uptr(UDEM + 2 * PAGE_SIZE - 8), 16);
    int r5 = copy_from_user(big, uptr(UDEM), sizeof(big));
    int calls_big = d.calls - calls_before_big;
    vm_space_set_fault_handler(u.vs, NULL, NULL);
    uspace_teardown(&u);
    KT_ASSERT(ok);
    KT_EQ(r1, 0);
    KT_EQ(calls1, 1);
    KT_EQ(tag, 0xd0d0000000000000ULL | (UDEM + PAGE_SIZE));
    KT_EQ(addr1, UDEM + PAGE_SIZE);
    KT_ASSERT(flags1 & VM_FAULT_READ);
    KT_ASSERT(!(flags1 & (VM_FAULT_WRITE | VM_FAULT_PRESENT)));
    KT_EQ(r2, 0);
    KT_EQ(again, tag);
    KT_EQ(calls2, 1);
    KT_EQ(r3, 0);
    KT_ASSERT(flags3 & VM_FAULT_WRITE);
    KT_EQ(rb, 0);
    KT_ASSERT(memcmp(back, msg, sizeof(msg)) == 0);
    KT_EQ(outside, -EFAULT);
    KT_EQ(r4, 0);          /* page 2 faulted in by a write */
    KT_EQ(r5, 0);          /* page 0 faulted in; page 1 already there */
    KT_EQ(calls_big, 2);
    uint64_t tag0, tag1;
    memcpy(&tag0, big, 8);
    memcpy(&tag1, big + PAGE_SIZE, 8);
    KT_EQ(tag0, 0xd0d0000000000000ULL | UDEM);
    KT_EQ(tag1, 0xd0d0000000000000ULL | (UDEM + PAGE_SIZE));
}

KTEST(user_cmpxchg_u32_swaps_and_faults)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    uint32_t v = 7, cur = 0, back = 0;
    int w = copy_to_user(uptr(UBASE + 64), &v, sizeof(v));
    int hit = user_cmpxchg_u32(uptr(UBASE + 64), 7, 9, &cur);   /* matches: stores 9 */
    uint32_t seen_hit = cur;
    int miss = user_cmpxchg_u32(uptr(UBASE + 64), 7, 11, &cur); /* no match: leaves 9 */
    uint32_t seen_miss = cur;
    int rd = copy_from_user(&back, uptr(UBASE + 64), sizeof(back));
    int hole = user_cmpxchg_u32(uptr(UBASE + 2 * PAGE_SIZE), 0, 1, &cur);
    int ro = user_cmpxchg_u32(uptr(URO), 0, 1, &cur);
    int unaligned = user_cmpxchg_u32(uptr(UBASE + 66), 0, 1, &cur);
    int kern = user_cmpxchg_u32(uptr(0xffff800000000000ULL), 0, 1, &cur);
    uspace_teardown(&u);
    KT_ASSERT(ok);
    KT_EQ(w, 0);
    KT_EQ(hit, 0);
    KT_EQ(seen_hit, 7);
    KT_EQ(miss, 0);
    KT_EQ(seen_miss, 9);
    KT_EQ(rd, 0);
    KT_EQ(back, 9);
    KT_EQ(hole, -EFAULT);
    KT_EQ(ro, -EFAULT);
    KT_EQ(unaligned, -EFAULT);
    KT_EQ(kern, -EFAULT);
}

/* Put an 8-byte value at UBASE + off; the result is folded into *ok. */
static void poke64(bool *ok, uint64_t off, uint64_t v)
{
    *ok = *ok && copy_to_user(uptr(UBASE + off), &v, 8) == 0;
}

/* Signal-frame FPU images: save, validated restores (bad header, MXCSR or address refused, uc unchanged). */
KTEST(user_fpu_image_save_restore_validates)
{
    struct uspace u;
    bool ok = uspace_setup(&u);
    struct user_context *uc = uctx_alloc();
    uint32_t n = uctx_fpu_image_size();
    uint8_t *img = kzalloc(n), *back = kzalloc(n);
    ok = ok && uc && img && back && n <= PAGE_SIZE;
    ok = ok && uctx_fpu_save_to_user(uc, uptr(UBASE), n) == 0 && copy_from_user(img, uptr(UBASE), n) == 0;
    int too_long = ok ? uctx_fpu_save_to_user(uc, uptr(UBASE), n + 1) : 0;
    bool xsave = uctx_fpu_xfeatures() != 0;
    int bad_bv = -EINVAL, bad_xcomp = -EINVAL, fault = -EFAULT, good = 0, bad_mxcsr = 0;
    bool unchanged = true, edited = true;
    if (ok && xsave) {
        poke64(&ok, 512, 1ULL << 62);
        bad_bv = uctx_fpu_restore_xsave_from_user(uc, uptr(UBASE), ~0ULL);
        poke64(&ok, 512, 3);
        poke64(&ok, 520, 1);
        bad_xcomp = uctx_fpu_restore_xsave_from_user(uc, uptr(UBASE), ~0ULL);
        fault = uctx_fpu_restore_xsave_from_user(uc, uptr(UBASE + 2 * PAGE_SIZE - 64), ~0ULL);
        ok = ok && uctx_fpu_save_to_user(uc, uptr(UBASE + PAGE_SIZE), n) == 0 &&
             copy_from_user(back, uptr(UBASE + PAGE_SIZE), n) == 0;
        unchanged = memcmp(back, img, 464) == 0 && memcmp(back + 512, img + 512, n - 512) == 0;
        memset(img + 160, 0x5a, 16);                    /* xmm0 */
        ok = ok && copy_to_user(uptr(UBASE), img, n) == 0;
        good = uctx_fpu_restore_xsave_from_user(uc, uptr(UBASE), ~0ULL);
        ok = ok && uctx_fpu_save_to_user(uc, uptr(UBASE + PAGE_SIZE), n) == 0 &&
             copy_from_user(back, uptr(UBASE + PAGE_SIZE), n) == 0;
        edited = memcmp(back + 160, img + 160, 16) == 0;
    }
    if (ok) {
        uint32_t mxcsr = 0xffffffffu;      /* every reserved bit set */
        ok = copy_to_user(uptr(UBASE + 24), &mxcsr, 4) == 0;
        bad_mxcsr = uctx_fpu_restore_from_user(uc, uptr(UBASE));
    }
    kfree(img);
    kfree(back);
    uctx_free(uc);
    uspace_teardown(&u);
    KT_ASSERT(ok);
    KT_EQ(too_long, -EINVAL);
    KT_EQ(bad_bv, -EINVAL);
    KT_EQ(bad_xcomp, -EINVAL);
    KT_EQ(fault, -EFAULT);
    KT_ASSERT(unchanged);
    KT_EQ(good, 0);
    KT_ASSERT(edited);
    KT_EQ(bad_mxcsr, -EINVAL);
}
