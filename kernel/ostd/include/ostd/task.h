// SPDX-License-Identifier: MPL-2.0
// Kernel tasks (threads of execution with their own kernel stack) and the scheduler core.
#ifndef OSTD_TASK_H
#define OSTD_TASK_H

#include <ostd/types.h>
#include <ostd/list.h>

struct task;

enum task_state { TASK_RUNNABLE, TASK_RUNNING, TASK_SLEEPING, TASK_DEAD };

/*
 * Create a task that runs fn(arg) on its own kernel stack; it is runnable at
 * once. cpu >= 0 pins it to that CPU for its whole life; cpu < 0 lets the
 * policy place it (and re-place it at each wake-up). Returns NULL on OOM.
 * The returned reference belongs to the caller (task_put when done with it).
 */
struct task *task_spawn(const char *name, void (*fn)(void *), void *arg, int cpu) __must_check;
void task_get(struct task *t);
void task_put(struct task *t);

struct task *task_current(void);
const char *task_name(const struct task *t);
uint64_t task_id(const struct task *t);
int task_cpu(const struct task *t);
enum task_state task_state(const struct task *t);
/* Service-owned pointer attached to a task (e.g. its thread object). */
void task_set_data(struct task *t, void *data);
void *task_data(const struct task *t);
/* task_data(task_current()) in one call (the services' "current thread" on every syscall). */
void *task_current_data(void);

void task_yield(void);
/* End the current task; its resources are released once it is off-CPU. */
__noreturn void task_exit(void);
/* Wait until t has exited. */
void task_join(struct task *t);
/* Make a sleeping task runnable; false if it was not sleeping. Any context. */
bool task_wake(struct task *t);
/* Sleep for at least ns nanoseconds. */
void task_sleep_ns(uint64_t ns);
/* True when the scheduler asked the current task to give up the CPU. */
bool task_need_resched(void);

struct vm_space;
/* Attach an address space to the current task: the scheduler loads it whenever the task runs. */
void task_set_vm_space(struct vm_space *vs);
struct vm_space *task_vm_space(const struct task *t);

/* CPU time consumed by a task, in nanoseconds. */
uint64_t task_runtime_ns(const struct task *t);
/*
 * The part of it spent in user mode: the runtime split in the proportion of
 * timer ticks that found the task in user and in kernel mode (as Linux's
 * tick-based accounting); neither part ever decreases between calls. System
 * time is the difference. Any task may read another's.
 */
uint64_t task_user_ns(struct task *t);

/*
 * Scheduling policy, implemented by the services. All callbacks run with the
 * given CPU's run-queue lock held and interrupts off; they must not sleep.
 * Each task carries one list node and a word for the policy's use.
 */
struct sched_policy {
    const char *name;
    /* Pick a CPU for a task that becomes runnable. */
    int (*select_cpu)(struct task *t, int prev_cpu);
    void (*enqueue)(int cpu, struct task *t);
    void (*dequeue)(int cpu, struct task *t);
    /* Next task to run on cpu, removed from the queue; NULL: run idle. */
    struct task *(*pick_next)(int cpu);
    /* Timer tick while cur runs; return true to preempt it. */
    bool (*tick)(int cpu, struct task *cur);
};
/* Defined by the services; the framework uses it from the first schedule on. */
extern const struct sched_policy keel_sched_policy;

struct list_head *task_sched_node(struct task *t);
struct task *task_from_sched_node(struct list_head *node);
uint64_t *task_sched_word(struct task *t);

#endif
