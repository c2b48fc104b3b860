// SPDX-License-Identifier: MPL-2.0
// Regression KTESTs: a task preempted while exiting still wakes its joiners; concurrent kernel-stack allocation keeps every mapping.
#include <ostd/ktest.h>
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/sync.h>
#include <ostd/time.h>
#include <ostd/heap.h>
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/layout.h"
#include "mm/kstack.h"


#define MS 1000000ULL

/*
 * Bug A (sched.c task_exit): the task sets TASK_DEAD, re-enables IRQs
 * (spin_unlock_irqrestore) and only then calls wq_wake_all(&t->exit_wq). An
 * IRQ-time preemption in between (tick, or the resched IPI that make_runnable
 * sends to a CPU it saw idle, arriving after that CPU already picked the task)
 * makes put_prev drop the DEAD task for good: the joiners are never woken and
 * task_join sleeps forever. 2 x 3000 short tasks, each joined from the other
 * CPU, hit it in most runs (3 of 4 here; the window is a few instructions).
 * The test polls instead of joining, so it fails instead of hanging (a stuck
 * churner is abandoned asleep): 20 s without progress of either churner. The fix passes it in ~11 s under TCG.
 */
struct churn {
    int cpu;
    int iter;
    int done;
};

static void nop_fn(void *arg) { (void)arg; }

static void churn_fn(void *arg)
{
    struct churn *c = arg;
    for (c->iter = 0; c->iter < 3000; c->iter++) {
        struct task *t = task_spawn("nop", nop_fn, NULL, 1 - c->cpu);
        if (!t)
            return;
        task_join(t);
        task_put(t);
    }
    atomic_store(&c->done, 1);
}

KTEST(regress_exit_preempted_still_wakes_joiner)
{
    if (cpu_count() < 2)
        return;
    static struct churn c[2];
    struct task *t[2];
    for (int i = 0; i < 2; i++) {
        c[i] = (struct churn){ i, 0, 0 };
        t[i] = task_spawn("churn", churn_fn, &c[i], i);
        KT_ASSERT(t[i] != NULL);
    }
    /* A lost wake-up stops a churner for good: fail after 20 s without any
     * progress (not after a fixed total, which a loaded host can exceed). */
    uint64_t stall_end = clock_monotonic_ns() + 20000 * MS;
    int seen = -1;
    while (!(atomic_load(&c[0].done) && atomic_load(&c[1].done)) && clock_monotonic_ns() < stall_end) {
        int now = atomic_load(&c[0].iter) + atomic_load(&c[1].iter);
        if (now != seen) {
            seen = now;
            stall_end = clock_monotonic_ns() + 20000 * MS;
        }
        task_sleep_ns(10 * MS);
    }
    bool finished = atomic_load(&c[0].done) && atomic_load(&c[1].done);
    if (finished) {
        for (int i = 0; i < 2; i++) {
            task_join(t[i]);
            task_put(t[i]);
        }
    }
    KT_ASSERT(finished);   /* else a churner sleeps in task_join on a DEAD task */
}

/*
 * Bug B (mm/kstack.c kstack_alloc): pt_walk(kernel_pml4, ..., alloc = true) runs
 * without a lock (paging.c's kpt_lock is not taken), so two CPUs that need the
 * same missing page table both allocate one and the second store overwrites
 * the first: stacks mapped through the lost table are not mapped at all (their
 * first use is a kernel page fault) and the table leaks. unmap_pages has the
 * same unlocked walk. Two CPUs allocating stacks in lock-step lose about one
 * stack in five here.
 */
#define NSTACKS 320     /* per CPU: crosses several 64-slot page-table boundaries */

struct stack_batch {
    int *go;
    void **stacks;
    int n;
};

static void alloc_batch_fn(void *arg)
{
    struct stack_batch *b = arg;
    uint64_t end = clock_monotonic_ns() + 10000 * MS;
    while (!atomic_load(b->go) && clock_monotonic_ns() < end)
        cpu_relax();
    for (b->n = 0; b->n < NSTACKS; b->n++) {
        b->stacks[b->n] = kstack_alloc();
        if (!b->stacks[b->n])
            break;
    }
}

/* Every page of the stack is present in the kernel page table (checked without touching it). */
static bool stack_mapped(void *s)
{
    for (uint64_t off = 0; off < KSTACK_SIZE; off += PAGE_SIZE) {
        uint64_t *pte = pt_walk(kernel_pml4, (uint64_t)(uintptr_t)s + off, false, false);
        if (!pte || !(*pte & PTE_P))
            return false;
    }
    return true;
}

/* One round: both CPUs allocate NSTACKS stacks at once; returns how many came back unmapped. */
static int kstack_race_round(int *total)
{
    int go = 0, unmapped = 0;
    struct stack_batch b[2];
    struct task *t[2];
    for (int i = 0; i < 2; i++) {
        b[i] = (struct stack_batch){ &go, kcalloc(NSTACKS, sizeof(void *)), 0 };
        t[i] = b[i].stacks ? task_spawn("kstack-alloc", alloc_batch_fn, &b[i], i) : NULL;
    }
    task_sleep_ns(20 * MS);     /* both spinning on go */
    atomic_store(&go, 1);
    for (int i = 0; i < 2; i++) {
        if (t[i]) {
            task_join(t[i]);
            task_put(t[i]);
        }
    }
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < b[i].n; k++) {
            (*total)++;
            if (!stack_mapped(b[i].stacks[k]))
                unmapped++;               /* leaked: kstack_free would not be safe */
            else
                kstack_free(b[i].stacks[k]);
        }
        kfree(b[i].stacks);
    }
    return unmapped;
}

KTEST(regress_kstack_concurrent_alloc_keeps_mappings)
{
    if (cpu_count() < 2)
        return;
    int unmapped = 0, total = 0;
    for (int round = 0; round < 4; round++)   /* each round reaches fresh page tables */
        unmapped += kstack_race_round(&total);
    KT_EQ(total, 4 * 2 * NSTACKS);
    KT_EQ(unmapped, 0);
}

