// SPDX-License-Identifier: MPL-2.0
// KTEST regressions for scheduler-core bugs: lost preempted sleepers, stale address spaces, pinning.
#include <ostd/ktest.h>
#include <ostd/task.h>
#include <ostd/cpu.h>
#include <ostd/sync.h>
#include <ostd/time.h>
#include <ostd/vm_space.h>
#include "arch/x86_64/percpu.h"

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
 * A task preempted while TASK_SLEEPING (between wq_prepare and wq_sleep or
 * wq_finish, e.g. just after mutex_trylock succeeded inside mutex_lock) must
 * be requeued, not treated as asleep: nobody may be left to wake it. A slow
 * wait_event condition makes a 20 ms slice expiry land in that window surely.
 * Seen for real as rare ktest hangs: a late resched IPI preempted a task that
 * was in task_join on an already dead task.
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

KTEST(sched_preempted_sleeper_runs_again)
{
    static struct slow_waiter w;
    wq_init(&w.wq);
    w.done = 0;
    int stop = 0, cpu = other_cpu();
    struct task *hog = task_spawn("hog", hog_fn, &stop, cpu);
    struct task *t = task_spawn("slow-waiter", slow_waiter_fn, &w, cpu);
    KT_ASSERT(hog && t);
    /* 60 ms of CPU time sharing a CPU with the hog: 10 s is plenty if it keeps running, even on a loaded host. */
    uint64_t end = clock_monotonic_ns() + 10000 * MS;
    while (!atomic_load(&w.done) && clock_monotonic_ns() < end)
        task_sleep_ns(MS);
    int done_alone = atomic_load(&w.done);
    atomic_store(&stop, 1);
    wq_wake_all(&w.wq);          /* rescue a lost task so the suite goes on */
    task_join(t);
    task_join(hog);
    task_put(t);
    task_put(hog);
    KT_EQ(done_alone, 1);
}

/*
 * A CPU that switches to a task without a user address space (or to idle)
 * must not keep the previous one loaded: otherwise the last vm_space_put,
 * done on another CPU, hits BUG_ON(cpu_mask != 0) -- or frees page tables
 * still in that CPU's CR3. On failure the test clears the stale state itself
 * rather than panic.
 */
struct vs_user {
    struct vm_space *vs;
    struct waitqueue wq;
    int go;
};

static void vs_user_fn(void *arg)
{
    struct vs_user *u = arg;
    task_set_vm_space(u->vs);
    wait_event(&u->wq, atomic_load(&u->go) != 0);
    task_set_vm_space(NULL);
}

static void drop_stale_vs(void *arg)
{
    struct vm_space *vs = arg;
    if (vm_space_current() == vs && task_vm_space(task_current()) != vs)
        vm_space_activate(NULL);
}

static uint64_t cpus_with_vs_loaded(struct vm_space *vs)
{
    uint64_t mask = 0;
    for (unsigned c = 0; c < cpu_count(); c++)
        if (__atomic_load_n(&percpu_array[c].cur_vs, __ATOMIC_SEQ_CST) == vs)
            mask |= 1ULL << c;
    return mask;
}

KTEST(sched_switch_unloads_user_space)
{
    struct vm_space *vs = vm_space_create();
    KT_ASSERT(vs != NULL);
    static struct vs_user u;
    u = (struct vs_user){ .vs = vs };
    wq_init(&u.wq);
    int cpu = other_cpu();
    bool cross = cpu != (int)my_cpu();
    struct task *t = task_spawn("vs-user", vs_user_fn, &u, cpu);
    KT_ASSERT(t != NULL);
    bool asleep = wait_state(t, TASK_SLEEPING, 5000 * MS);
    /* Once the user sleeps, its CPU runs idle: vs must be unloaded there soon (5 s: a loaded host is slow). */
    uint64_t end = clock_monotonic_ns() + 5000 * MS;
    uint64_t while_asleep;
    while ((while_asleep = cpus_with_vs_loaded(vs)) != 0 && clock_monotonic_ns() < end)
        task_sleep_ns(MS);
    atomic_store(&u.go, 1);
    wq_wake_all(&u.wq);
    task_join(t);
    task_put(t);
    uint64_t after_exit = cpus_with_vs_loaded(vs);
    cpu_call_all(drop_stale_vs, vs);
    vm_space_put(vs);             /* the last reference: safe only with no CPU holding vs */
    KT_ASSERT(asleep);
    if (cross)
        KT_EQ(while_asleep, 0);
    KT_EQ(after_exit, 0);
}

/*
 * task_spawn(..., cpu >= 0) pins the task to cpu for its whole life: neither
 * the policy's least-loaded placement at spawn nor a wake-up may move it.
 */
struct placed {
    int cpu;
    int wake_cpu_bad;
};

static void placed_fn(void *arg)
{
    struct placed *p = arg;
    p->cpu = (int)my_cpu();
    uint64_t end = clock_monotonic_ns() + 20 * MS;
    while (clock_monotonic_ns() < end)
        cpu_relax();
}

static void sleepy_fn(void *arg)
{
    struct placed *p = arg;
    p->cpu = (int)my_cpu();
    for (int i = 0; i < 10; i++) {
        task_sleep_ns(2 * MS);
        if ((int)my_cpu() != p->cpu)
            p->wake_cpu_bad++;
    }
}

KTEST(sched_pinned_task_stays_on_cpu)
{
    int cpu = other_cpu();
    struct placed p[5];
    struct task *t[5];
    int stop = 0;
    /* Several busy tasks on one CPU: least-loaded placement would spread them. */
    for (int i = 0; i < 4; i++) {
        p[i] = (struct placed){ -1, 0 };
        t[i] = task_spawn("placed", placed_fn, &p[i], cpu);
        KT_ASSERT(t[i] != NULL);
    }
    /* A pinned sleeper woken while its CPU is loaded must come back there. */
    struct task *hogs[2];
    for (int i = 0; i < 2; i++)
        hogs[i] = task_spawn("hog", hog_fn, &stop, cpu);
    p[4] = (struct placed){ -1, 0 };
    t[4] = task_spawn("sleepy", sleepy_fn, &p[4], cpu);
    KT_ASSERT(t[4] != NULL);
    int wrong = 0;
    for (int i = 0; i < 5; i++) {
        task_join(t[i]);
        task_put(t[i]);
        wrong += p[i].cpu != cpu;
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++) {
        if (hogs[i]) {
            task_join(hogs[i]);
            task_put(hogs[i]);
        }
    }
    KT_EQ(wrong, 0);
    KT_EQ(p[4].wake_cpu_bad, 0);
}
