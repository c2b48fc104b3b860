// SPDX-License-Identifier: MPL-2.0
// Round-robin scheduling policy: per-CPU FIFO queues, fixed time slices, least-loaded placement.
#include <ostd/task.h>
#include <ostd/cpu.h>

#define SLICE_TICKS 5   /* 20 ms at 250 Hz */

/* Each queue is guarded by the framework's run-queue lock of its CPU. */
static struct list_head queues[MAX_CPUS];
static unsigned queued[MAX_CPUS];   /* read racily for placement */

static struct list_head *queue(int cpu)
{
    struct list_head *q = &queues[cpu];
    if (!q->next)
        list_init(q);
    return q;
}

static int rr_select_cpu(struct task *t, int prev)
{
    (void)t;
    unsigned n = cpu_count();
    int best = (prev >= 0 && (unsigned)prev < n) ? prev : 0;
    for (unsigned c = 0; c < n; c++)
        if (__atomic_load_n(&queued[c], __ATOMIC_RELAXED) + 1 <
            __atomic_load_n(&queued[best], __ATOMIC_RELAXED))
            best = (int)c;
    return best;
}

static void rr_enqueue(int cpu, struct task *t)
{
    *task_sched_word(t) = 0;
    list_add_tail(task_sched_node(t), queue(cpu));
    __atomic_add_fetch(&queued[cpu], 1, __ATOMIC_RELAXED);
}

static void rr_dequeue(int cpu, struct task *t)
{
    list_del(task_sched_node(t));
    __atomic_sub_fetch(&queued[cpu], 1, __ATOMIC_RELAXED);
}

static struct task *rr_pick_next(int cpu)
{
    struct list_head *q = queue(cpu);
    if (list_empty(q))
        return NULL;
    struct task *t = task_from_sched_node(q->next);
    rr_dequeue(cpu, t);
    return t;
}

static bool rr_tick(int cpu, struct task *cur)
{
    uint64_t *slice = task_sched_word(cur);
    if (++*slice < SLICE_TICKS)
        return false;
    *slice = 0;
    return !list_empty(queue(cpu));
}

const struct sched_policy keel_sched_policy = {
    .name = "round-robin",
    .select_cpu = rr_select_cpu,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
};
