// SPDX-License-Identifier: MPL-2.0
// KTESTs for SMP: CPUs online, cross-CPU calls, TLB shootdown seen by a second CPU.
#include <ostd/ktest.h>
#include <ostd/cpu.h>
#include <ostd/task.h>
#include <ostd/sync.h>
#include <ostd/time.h>
#include <ostd/frame.h>
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <ostd/console.h>
#include <uapi/errno.h>
#include "cpu.h"
#include "percpu.h"
#include "../../internal.h"

#define MS 1000000ULL
#define TLB_VA 0x0000000050000000ULL

static unsigned my_cpu(void)
{
    preempt_disable();
    unsigned c = cpu_this();
    preempt_enable();
    return c;
}

KTEST(smp_all_cpus_online)
{
    unsigned n = cpu_count();
    KT_ASSERT(n >= 1 && n <= MAX_CPUS);
    KT_EQ(n, ncpus_found);          /* every CPU the MADT lists came up (-smp N gives N) */
    int bad = 0;
    for (unsigned i = 0; i < n; i++) {
        bad += !percpu_array[i].online || percpu_array[i].cpu_id != i || percpu_array[i].idle == NULL;
        for (unsigned j = 0; j < i; j++)
            bad += percpu_array[i].apic_id == percpu_array[j].apic_id;
    }
    KT_EQ(bad, 0);
    KT_ASSERT(my_cpu() < n);
}

struct call_record {
    int hits[MAX_CPUS];
    uint64_t mask;
    int irqs_on;
};

static void record_call(void *arg)
{
    struct call_record *r = arg;
    unsigned c = cpu_this();
    atomic_add(&r->hits[c], 1);
    __atomic_or_fetch(&r->mask, 1ULL << c, __ATOMIC_SEQ_CST);
    if (irqs_enabled())
        atomic_add(&r->irqs_on, 1);
}

KTEST(smp_call_all_runs_once_per_cpu)
{
    static struct call_record r;
    for (int i = 0; i < MAX_CPUS; i++)
        r.hits[i] = 0;
    r.mask = 0;
    r.irqs_on = 0;
    unsigned n = cpu_count();
    cpu_call_all(record_call, &r);
    uint64_t mask1 = atomic_load(&r.mask);
    int hits_ok = 1;
    for (unsigned c = 0; c < n; c++)
        hits_ok &= atomic_load(&r.hits[c]) == 1;
    for (int i = 0; i < 49; i++)
        cpu_call_all(record_call, &r);
    int total = 0, extra = 0;
    for (unsigned c = 0; c < MAX_CPUS; c++) {
        total += r.hits[c];
        if (c >= n)
            extra += r.hits[c];
    }
    uint64_t all = n >= 64 ? ~0ULL : (1ULL << n) - 1;
    KT_EQ(mask1, all);
    KT_ASSERT(hits_ok);                 /* exactly once each, and returned only after all ran */
    KT_EQ(total, 50 * (int)n);
    KT_EQ(extra, 0);
    KT_EQ(r.irqs_on, 0);                /* IPI context, and the local call runs with IRQs off */
    if (ncpus_found >= 2)
        KT_ASSERT(n >= 2);
}

/* ---- TLB shootdown: a probe task on another CPU keeps reading/writing one user page ---- */

struct tlb_probe {
    struct vm_space *vs;
    int write;           /* 0: copy_from_user, 1: copy_to_user */
    int stop, ready, finished;
    int cpu;
    uint64_t iters, last_val;
    int last_err;
};

static void tlb_probe_fn(void *arg)
{
    struct tlb_probe *p = arg;
    task_set_vm_space(p->vs);
    p->cpu = (int)my_cpu();
    atomic_store(&p->ready, 1);
    uint64_t deadline = clock_monotonic_ns() + 60000 * MS;
    while (!atomic_load(&p->stop) && clock_monotonic_ns() < deadline) {
        uint64_t v = 0x7777777777777777ULL;
        int r = atomic_load(&p->write) ? copy_to_user(uptr(TLB_VA + 8), &v, 8)
                                        : copy_from_user(&v, uptr(TLB_VA), 8);
        atomic_store(&p->last_val, v);
        atomic_store(&p->last_err, r);
        atomic_add(&p->iters, 1);
    }
    task_set_vm_space(NULL);
    atomic_store(&p->finished, 1);
}

/* Busy-wait (the probe runs on another CPU) until it completed n more accesses. */
static bool probe_advance(struct tlb_probe *p, uint64_t n)
{
    uint64_t want = atomic_load(&p->iters) + n;
    uint64_t end = clock_monotonic_ns() + 10000 * MS;
    while (atomic_load(&p->iters) < want)
        if (clock_monotonic_ns() > end)
            return false;
    return true;
}

static struct frame *tagged_frame(uint64_t tag)
{
    struct frame *f = frame_alloc(FRAME_ZERO);
    if (f && frame_write(f, 0, &tag, 8)) {
        frame_put(f);
        return NULL;
    }
    return f;
}

#define TAG(i) (0x7a60000000000000ULL + (uint64_t)(i))

KTEST(smp_tlb_shootdown_remap_protect_unmap)
{
    if (cpu_count() < 2) {
        printk("smp_tlb_shootdown: single CPU, nothing to shoot down\n");
        return;
    }
    struct vm_space *vs = vm_space_create();
    struct frame *f[2] = { tagged_frame(TAG(0)), tagged_frame(TAG(1)) };
    KT_ASSERT(vs && f[0] && f[1]);
    KT_EQ(vm_map(vs, TLB_VA, f[0], VM_READ | VM_WRITE), 0);
    task_set_vm_space(vs);   /* active here as well as on the probe's CPU */
    static struct tlb_probe p;
    p = (struct tlb_probe){ .vs = vs, .cpu = -1 };
    unsigned me = my_cpu();
    struct task *t = task_spawn("tlb-probe", tlb_probe_fn, &p, (int)((me + 1) % cpu_count()));
    KT_ASSERT(t != NULL);
    int stage = 0, bad_val = 0, bad_err = 0, self_bad = 0;
    uint64_t val = 0;
    uint64_t end = clock_monotonic_ns() + 10000 * MS;
    while (!atomic_load(&p.ready) && clock_monotonic_ns() < end)
        cpu_relax();
    bool cross_cpu = atomic_load(&p.ready) && p.cpu != (int)my_cpu();
    if (!cross_cpu || !probe_advance(&p, 3))
        goto out;
    /* 1. Remap the page to the other frame, many times: the probe must follow. */
    for (stage = 1; stage <= 20; stage++) {
        vm_unmap(vs, TLB_VA, PAGE_SIZE);
        if (vm_map(vs, TLB_VA, f[stage % 2], VM_READ | VM_WRITE))
            goto out;
        if (!probe_advance(&p, 3))
            goto out;
        bad_val += atomic_load(&p.last_val) != TAG(stage % 2);
        bad_err += atomic_load(&p.last_err) != 0;
        self_bad |= copy_from_user(&val, uptr(TLB_VA), 8) || val != TAG(stage % 2);
    }
    /* 2. Writes succeed, then fail once the page is made read-only, then succeed again. */
    stage = 100;
    atomic_store(&p.write, 1);
    if (!probe_advance(&p, 3))
        goto out;
    bad_err += atomic_load(&p.last_err) != 0;
    vm_protect(vs, TLB_VA, PAGE_SIZE, VM_READ);
    stage = 101;
    if (!probe_advance(&p, 3))
        goto out;
    bad_err += atomic_load(&p.last_err) != -EFAULT;
    vm_protect(vs, TLB_VA, PAGE_SIZE, VM_READ | VM_WRITE);
    stage = 102;
    if (!probe_advance(&p, 3))
        goto out;
    bad_err += atomic_load(&p.last_err) != 0;
    /* 3. Once unmapped, reads fault. */
    atomic_store(&p.write, 0);
    vm_unmap(vs, TLB_VA, PAGE_SIZE);
    stage = 103;
    if (!probe_advance(&p, 3))
        goto out;
    bad_err += atomic_load(&p.last_err) != -EFAULT;
    stage = 200;
out:
    atomic_store(&p.stop, 1);
    task_set_vm_space(NULL);   /* before sleeping in task_join */
    task_join(t);
    task_put(t);
    uint64_t written = 0;
    int rw = frame_read(f[0], 8, &written, 8);
    unsigned ref0 = frame_refcount(f[0]), ref1 = frame_refcount(f[1]);
    vm_space_put(vs);
    frame_put(f[0]);
    frame_put(f[1]);
    KT_ASSERT(cross_cpu);
    KT_EQ(stage, 200);
    KT_EQ(bad_val, 0);      /* a stale TLB entry on the probe's CPU shows the old frame */
    KT_EQ(bad_err, 0);
    KT_EQ(self_bad, 0);
    KT_EQ(rw, 0);
    KT_EQ(written, 0x7777777777777777ULL);   /* the probe's writes landed (stage 2 used f[0]) */
    KT_EQ(ref0, 1);
    KT_EQ(ref1, 1);
    KT_EQ(p.finished, 1);
}
