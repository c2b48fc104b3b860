// SPDX-License-Identifier: MPL-2.0
// KTESTs reproducing known framework bugs; built only with -DKTEST_KNOWN_BUGS until they are fixed.
//
// Run them with:  touch kernel/ostd/known_bugs_test.c && make ktest KCC="gcc -DKTEST_KNOWN_BUGS"
// Each test fails (without panicking or hanging) on the buggy kernel and passes once fixed;
// move a test next to its subsystem's tests when its bug is fixed.
#include <ostd/ktest.h>
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/sync.h>
#include <ostd/time.h>
#include <ostd/vm_space.h>
#include "arch/x86_64/percpu.h"

#ifdef KTEST_KNOWN_BUGS

#define MS 1000000ULL

static unsigned my_cpu(void)
{
    preempt_disable();
    unsigned c = cpu_this();
    preempt_enable();
    return c;
}

static int other_cpu(void) { return cpu_count() > 1 ? (int)((my_cpu() + 1) % cpu_count()) : 0; }

static bool wait_state(struct task *t, enum task_state st, uint64_t timeout_ns)
{
    uint64_t end = clock_monotonic_ns() + timeout_ns;
    while (task_state(t) != st) {
        if (clock_monotonic_ns() > end)
            return false;
        task_sleep_ns(MS);
    }
    return true;
}

/* A task that spins (never sleeps) until *stop, at most 30 s. */
static void hog_fn(void *arg)
{
    uint64_t end = clock_monotonic_ns() + 30000 * MS;
    while (!atomic_load((int *)arg) && clock_monotonic_ns() < end)
        cpu_relax();
}

/*
 * Bug 1 (sched.c schedule()/put_prev, trap.c trap_kernel -> sched_preempt_from_irq):
 * an IRQ-time preemption goes through the same schedule() as a voluntary sleep,
 * so a task preempted while its state is TASK_SLEEPING (between wq_prepare and
 * wq_sleep/wq_finish: while evaluating a wait_event condition, after the
 * condition came true, or in task_sleep_ns before the timer is armed) is taken
 * off the CPU as if asleep and never requeued. If its condition already holds
 * (e.g. mutex_trylock just succeeded inside mutex_lock) nobody will wake it.
 * A slow condition widens the window so a 20 ms slice expiry hits it surely.
 */
struct slow_waiter {
    struct waitqueue wq;
    int done;
};

static bool slow_true(void)
{
    uint64_t end = clock_monotonic_ns() + 60 * MS;
    while (clock_monotonic_ns() < end)
        cpu_relax();
    return true;
}

static void slow_waiter_fn(void *arg)
{
    struct slow_waiter *w = arg;
    wait_event(&w->wq, slow_true());
    atomic_store(&w->done, 1);
}

KTEST(bug_preempted_sleeper_is_lost)
{
    static struct slow_waiter w;
    wq_init(&w.wq);
    w.done = 0;
    int stop = 0, cpu = other_cpu();
    struct task *hog = task_spawn("hog", hog_fn, &stop, cpu);
    struct task *t = task_spawn("slow-waiter", slow_waiter_fn, &w, cpu);
    KT_ASSERT(hog && t);
    /* Its condition is true after 60 ms of CPU time: 2 s is plenty when it keeps running. */
    uint64_t end = clock_monotonic_ns() + 2000 * MS;
    while (!atomic_load(&w.done) && clock_monotonic_ns() < end)
        task_sleep_ns(MS);
    int done_alone = atomic_load(&w.done);
    atomic_store(&stop, 1);
    wq_wake_all(&w.wq);          /* rescue the lost task so the suite can go on */
    task_join(t);
    task_join(hog);
    task_put(t);
    task_put(hog);
    KT_EQ(done_alone, 1);
}

/*
 * Bug 2 (vm_space.c vm_space_put: BUG_ON(cpu_mask != 0); sched.c schedule()
 * only activates next->vs when it is non-NULL): a CPU keeps the last user
 * address space loaded (cur_vs, its bit in cpu_mask, CR3) after switching to
 * a task without one. If the space's last user then migrates (wake-up
 * placement) and drops it elsewhere, the final vm_space_put finds the stale
 * CPU bit and panics -- and without the BUG_ON it would free page tables that
 * are still in that CPU's CR3. A process whose thread slept, was woken on
 * another CPU and exited hits this as soon as exit drops the last reference.
 * The test detects the stale state, then clears it itself instead of panicking.
 */
struct lazy_user {
    struct vm_space *vs;
    struct waitqueue wq;
    int go;
    int cpu_before, cpu_after;
};

static void lazy_user_fn(void *arg)
{
    struct lazy_user *u = arg;
    task_set_vm_space(u->vs);
    u->cpu_before = (int)my_cpu();
    wait_event(&u->wq, atomic_load(&u->go) != 0);
    u->cpu_after = (int)my_cpu();
    task_set_vm_space(NULL);
}

static void drop_stale_vs(void *arg)
{
    struct vm_space *vs = arg;
    if (vm_space_current() == vs && task_vm_space(task_current()) != vs)
        vm_space_activate(NULL);
}

KTEST(bug_vm_space_freed_while_loaded_elsewhere)
{
    if (cpu_count() < 2)
        return;
    struct vm_space *vs = vm_space_create();
    KT_ASSERT(vs != NULL);
    static struct lazy_user u;
    u = (struct lazy_user){ .vs = vs, .cpu_before = -1, .cpu_after = -1 };
    wq_init(&u.wq);
    int cpu = other_cpu();
    struct task *t = task_spawn("lazy-user", lazy_user_fn, &u, cpu);
    KT_ASSERT(t != NULL);
    bool asleep = wait_state(t, TASK_SLEEPING, 5000 * MS);
    /* Load the user's CPU (one hog running, two queued) so the wake-up places it on ours. */
    int stop = 0;
    struct task *hogs[3];
    for (int i = 0; i < 3; i++) {
        hogs[i] = task_spawn("hog", hog_fn, &stop, cpu);
        if (i == 0)
            task_sleep_ns(10 * MS);
    }
    atomic_store(&u.go, 1);
    wq_wake_all(&u.wq);
    task_join(t);
    task_put(t);
    /* Now only this test holds vs, and no task has it attached. */
    uint64_t stale = 0;
    for (unsigned c = 0; c < cpu_count(); c++)
        if (__atomic_load_n(&percpu_array[c].cur_vs, __ATOMIC_SEQ_CST) == vs)
            stale |= 1ULL << c;
    cpu_call_all(drop_stale_vs, vs);
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++) {
        if (hogs[i]) {
            task_join(hogs[i]);
            task_put(hogs[i]);
        }
    }
    vm_space_put(vs);             /* safe only because drop_stale_vs cleared the CPUs */
    KT_ASSERT(asleep);
    KT_EQ(u.cpu_before, cpu);
    KT_NE(u.cpu_after, u.cpu_before);   /* precondition: the wake-up migrated it */
    KT_EQ(stale, 0);              /* vm_space_put would hit BUG_ON(cpu_mask != 0) here */
}

/*
 * Bug 3 (sched.c make_runnable + kernel/sched/rr.c rr_select_cpu): task.h says
 * task_spawn makes the task runnable "on cpu", but the cpu argument is only a
 * hint the policy overrides (least-loaded placement), and wake-ups re-place
 * the task too; there is no way to pin a task. Either the contract in task.h
 * or the implementation is wrong.
 */
struct placed { int cpu; };

static void placed_fn(void *arg)
{
    struct placed *p = arg;
    p->cpu = (int)my_cpu();
    uint64_t end = clock_monotonic_ns() + 20 * MS;
    while (clock_monotonic_ns() < end)
        cpu_relax();
}

KTEST(bug_task_spawn_ignores_cpu)
{
    if (cpu_count() < 2)
        return;
    int cpu = other_cpu();
    struct placed p[4];
    struct task *t[4];
    for (int i = 0; i < 4; i++) {
        p[i].cpu = -1;
        t[i] = task_spawn("placed", placed_fn, &p[i], cpu);
        KT_ASSERT(t[i] != NULL);
    }
    int wrong = 0;
    for (int i = 0; i < 4; i++) {
        task_join(t[i]);
        task_put(t[i]);
        wrong += p[i].cpu != cpu;
    }
    KT_EQ(wrong, 0);
}

#endif /* KTEST_KNOWN_BUGS */
