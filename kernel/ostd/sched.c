// SPDX-License-Identifier: MPL-2.0
// Tasks, context switching and the scheduler core; the policy comes from the services.
#include <ostd/task.h>
#include <ostd/heap.h>
#include <ostd/panic.h>
#include <ostd/console.h>
#include <ostd/cpu.h>
#include <ostd/time.h>
#include <ostd/vm_space.h>
#include <lib/string.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/layout.h"
#include "internal.h"
#include "lockdep.h"
#include "mm/kstack.h"
#include <ostd/boot.h>

/*
 * Lock order: task->lock, then a CPU's rq_lock. state, on_cpu and
 * descheduling change under task->lock; run queues under rq_lock.
 */
struct task {
    uint64_t rsp;                 /* saved kernel stack pointer while switched out */
    uint8_t *stack;
    uint64_t id;
    char name[24];
    spinlock_t lock;
    enum task_state state;        /* guarded by lock */
    bool on_cpu;                  /* still executing (possibly switching out) */
    bool descheduling;            /* guarded by lock: schedule() decided to sleep */
    int cpu;
    int pinned_cpu;               /* -1: the policy places the task */
    uint32_t refcount;
    void *data;
    struct vm_space *vs;
    struct list_head sched_node;  /* owned by the policy */
    uint64_t sched_word;
    struct waitqueue exit_wq;
    uint64_t runtime_ns, last_start;
    uint64_t user_ticks;          /* timer ticks that found it in user mode; written by the tick of its CPU, read atomically */
    uint64_t sys_ticks;           /* ... in kernel mode; likewise */
    spinlock_t split_lock;        /* guards prev_user/prev_sys */
    uint64_t prev_user, prev_sys; /* the last split task_user_ns handed out (never goes back) */
    struct ktimer sleep_timer;
#ifdef CONFIG_DEBUG_LOCKS
    struct lockdep_task lockdep;  /* mutexes held; only the task itself touches it */
#endif
};

#ifdef CONFIG_DEBUG_LOCKS
struct lockdep_task *task_lockdep(struct task *t) { return &t->lockdep; }
#endif

static uint64_t next_task_id = 1;
static struct task idle_tasks[MAX_CPUS];

extern void context_switch(uint64_t *prev_rsp, uint64_t next_rsp);
extern char task_trampoline[];

struct list_head *task_sched_node(struct task *t) { return &t->sched_node; }
struct task *task_from_sched_node(struct list_head *n) { return container_of(n, struct task, sched_node); }
uint64_t *task_sched_word(struct task *t) { return &t->sched_word; }
struct task *task_current(void) { return this_cpu()->current; }
const char *task_name(const struct task *t) { return t->name; }
uint64_t task_id(const struct task *t) { return t->id; }
int task_cpu(const struct task *t) { return t->cpu; }
enum task_state task_state(const struct task *t) { return t->state; }
void task_set_data(struct task *t, void *data) { t->data = data; }
void *task_data(const struct task *t) { return t->data; }
void *task_current_data(void) { return this_cpu()->current->data; }
struct vm_space *task_vm_space(const struct task *t) { return t->vs; }
bool task_need_resched(void) { return this_cpu()->need_resched; }

uint64_t task_runtime_ns(const struct task *t)
{
    uint64_t r = t->runtime_ns;
    if (t->on_cpu && t->last_start)
        r += clock_monotonic_ns() - t->last_start;
    return r;
}

/*
 * User time is sampled, as Linux does by default: each timer tick charges the
 * task it interrupts to user or system according to the interrupted mode, and
 * the exact runtime is split in that proportion. The split never makes either
 * part go backwards (as Linux's cputime_adjust). A task no tick ever found in
 * user mode has no user time; one never found in the kernel has only user time.
 */
uint64_t task_user_ns(struct task *t)
{
    uint64_t rt = task_runtime_ns(t);
    uint64_t u = __atomic_load_n(&t->user_ticks, __ATOMIC_RELAXED);
    uint64_t k = __atomic_load_n(&t->sys_ticks, __ATOMIC_RELAXED);
    uint64_t n = u + k;         /* tick counts: far below 2^32, so (rt % n) * u cannot overflow */
    uint64_t user = !u ? 0 : !k ? rt : rt / n * u + rt % n * u / n;
    unsigned long f = spin_lock_irqsave(&t->split_lock);
    if (t->prev_user + t->prev_sys >= rt) {
        user = t->prev_user;
    } else {
        uint64_t sys = rt - user;
        if (sys < t->prev_sys)
            user = rt - t->prev_sys;
        if (user < t->prev_user)
            user = t->prev_user;
        t->prev_user = user;
        t->prev_sys = rt - user;
    }
    spin_unlock_irqrestore(&t->split_lock, f);
    return user;
}

/* Timer tick on this CPU (IRQs off): charge the interrupted task's mode. */
void sched_account_tick(bool from_user)
{
    struct percpu *pc = this_cpu();
    struct task *t = pc->current;
    if (!t || t == pc->idle)
        return;
    uint64_t *c = from_user ? &t->user_ticks : &t->sys_ticks;
    __atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

void task_set_vm_space(struct vm_space *vs)
{
    struct task *t = task_current();
    if (vs)
        vm_space_get(vs);
    struct vm_space *old = t->vs;
    t->vs = vs;
    vm_space_activate(vs);
    if (old)
        vm_space_put(old);
}

void task_get(struct task *t) { __atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED); }

void task_put(struct task *t)
{
    if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    BUG_ON(t->state != TASK_DEAD);
    kstack_free(t->stack);
    kfree(t);
}

static void task_init_common(struct task *t, const char *name)
{
    strlcpy(t->name, name, sizeof(t->name));
    spin_init(&t->lock, "task");
    spin_init(&t->split_lock, "task cpu split");
    list_init(&t->sched_node);
    wq_init(&t->exit_wq);
    t->id = __atomic_fetch_add(&next_task_id, 1, __ATOMIC_RELAXED);
}

static void enqueue_locked(struct percpu *pc, struct task *t)
{
    t->state = TASK_RUNNABLE;
    t->cpu = (int)pc->cpu_id;
    keel_sched_policy.enqueue((int)pc->cpu_id, t);
    pc->nr_running++;
    if (pc->current == pc->idle)
        pc->need_resched = true;
}

/* Put t on a run queue (t->lock held by the caller). */
static void make_runnable(struct task *t, int hint)
{
    int cpu = t->pinned_cpu >= 0 ? t->pinned_cpu : keel_sched_policy.select_cpu(t, hint);
    if (cpu < 0 || (unsigned)cpu >= cpu_count())
        cpu = 0;
    struct percpu *pc = &percpu_array[cpu];
    spin_lock(&pc->rq_lock);
    enqueue_locked(pc, t);
    bool kick = pc->need_resched && pc != this_cpu();
    spin_unlock(&pc->rq_lock);
    if (kick)
        lapic_send_ipi(pc->apic_id, RESCHED_VECTOR);
}

struct task *task_spawn(const char *name, void (*fn)(void *), void *arg, int cpu)
{
    struct task *t = kzalloc(sizeof(*t));
    uint8_t *stack = t ? kstack_alloc() : NULL;
    if (!stack) {
        kfree(t);
        return NULL;
    }
    task_init_common(t, name);
    t->stack = stack;
    t->refcount = 2;   /* caller + the running task itself */
    uint64_t *sp = (uint64_t *)(void *)(stack + KSTACK_SIZE - 24);
    *sp = (uint64_t)(uintptr_t)task_trampoline;
    sp -= 6;           /* r15 r14 r13 r12 rbp rbx */
    memset(sp, 0, 6 * sizeof(uint64_t));
    sp[2] = (uint64_t)(uintptr_t)arg;   /* r13 */
    sp[3] = (uint64_t)(uintptr_t)fn;    /* r12 */
    t->rsp = (uint64_t)(uintptr_t)sp;
    t->cpu = cpu;
    t->pinned_cpu = (cpu >= 0 && (unsigned)cpu < cpu_count()) ? cpu : -1;
    unsigned long f = spin_lock_irqsave(&t->lock);
    make_runnable(t, cpu);
    spin_unlock_irqrestore(&t->lock, f);
    return t;
}

/* Runs on the new task right after the switch: the rq lock of this CPU is held. */
static void finish_switch(struct task *prev)
{
    struct percpu *pc = this_cpu();
    struct task *cur = pc->current;
    cur->last_start = clock_monotonic_ns();
    __atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
    spin_unlock(&pc->rq_lock);
    if (prev->state == TASK_DEAD)
        task_put(prev);
}

void task_entry(void (*fn)(void *), void *arg);
void task_entry(void (*fn)(void *), void *arg)
{
    finish_switch(this_cpu()->prev_dead);
    irq_enable();
    fn(arg);
    task_exit();
}

/*
 * Decide what prev does next: requeue, sleep, or die. Takes prev->lock.
 * A preempted task is requeued even if it was about to sleep: it may be
 * between wq_prepare and wq_sleep with its condition already true, so it
 * must run again (its sleep loop then sees a spurious wake-up and re-checks).
 */
static void put_prev(struct percpu *pc, struct task *prev, bool preempt)
{
    unsigned long f = spin_lock_irqsave(&prev->lock);
    if (prev != pc->idle) {
        if (prev->state == TASK_RUNNING || (preempt && prev->state == TASK_SLEEPING)) {
            spin_lock(&pc->rq_lock);
            enqueue_locked(pc, prev);
            spin_unlock(&pc->rq_lock);
        } else if (prev->state == TASK_SLEEPING) {
            prev->descheduling = true;
        }
    }
    spin_unlock_irqrestore(&prev->lock, f);
}

static void account(struct task *prev)
{
    uint64_t now = clock_monotonic_ns();
    if (prev->last_start)
        prev->runtime_ns += now - prev->last_start;
}

static void schedule(bool preempt)
{
    unsigned long f = irq_save();
    struct percpu *pc = this_cpu();
    struct task *prev = pc->current;
    pc->preempt_count++;
    put_prev(pc, prev, preempt);
    spin_lock(&pc->rq_lock);
    pc->preempt_count--;   /* spin_lock counted once more */
    struct task *next = keel_sched_policy.pick_next((int)pc->cpu_id);
    if (next)
        pc->nr_running--;
    else
        next = pc->idle;
    pc->need_resched = false;
    if (next == prev) {
        prev->state = TASK_RUNNING;
        spin_unlock(&pc->rq_lock);
        irq_restore(f);
        return;
    }
    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
        cpu_relax();
    next->state = TASK_RUNNING;
    next->on_cpu = true;
    next->descheduling = false;
    next->cpu = (int)pc->cpu_id;
    account(prev);
    pc->current = next;
    pc->prev_dead = prev;
    fpu_task_switch(NULL, NULL);
    vm_space_activate(next->vs);   /* eager: a CPU never keeps a stale space loaded */
    context_switch(&prev->rsp, next->rsp);
    finish_switch(this_cpu()->prev_dead);
    irq_restore(f);
}

void task_yield(void) { schedule(true); }

void sched_preempt_from_irq(void) { schedule(true); }

void task_mark_sleeping(void)
{
    struct task *t = task_current();
    unsigned long f = spin_lock_irqsave(&t->lock);
    t->state = TASK_SLEEPING;
    spin_unlock_irqrestore(&t->lock, f);
}

void wq_sleep(void)
{
    if (task_current()->state == TASK_SLEEPING)
        schedule(false);
}

bool task_wake(struct task *t)
{
    unsigned long f = spin_lock_irqsave(&t->lock);
    if (t->state != TASK_SLEEPING) {
        spin_unlock_irqrestore(&t->lock, f);
        return false;
    }
    if (!t->descheduling) {
        t->state = TASK_RUNNING;      /* has not left the CPU: just keep running */
    } else {
        while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
            cpu_relax();
        t->descheduling = false;
        make_runnable(t, t->cpu);
    }
    spin_unlock_irqrestore(&t->lock, f);
    return true;
}

static void sleep_timer_fn(void *arg) { task_wake(arg); }

bool wq_sleep_timeout(uint64_t timeout_ns)
{
    struct task *t = task_current();
    if (timeout_ns == 0) {
        wq_sleep();
        return true;
    }
    ktimer_init(&t->sleep_timer, sleep_timer_fn, t);
    ktimer_arm(&t->sleep_timer, clock_monotonic_ns() + timeout_ns);
    wq_sleep();
    return ktimer_cancel(&t->sleep_timer);
}

void task_sleep_ns(uint64_t ns)
{
    uint64_t deadline = clock_monotonic_ns() + ns;
    while (clock_monotonic_ns() < deadline) {
        task_mark_sleeping();
        wq_sleep_timeout(deadline - clock_monotonic_ns() + 1);
        task_wake(task_current());
    }
}

void task_exit(void)
{
    struct task *t = task_current();
    /* Detach the address space before dropping it, so no switch can reload a freed one. */
    irq_disable();
    struct vm_space *vs = t->vs;
    t->vs = NULL;
    vm_space_activate(NULL);
    irq_enable();
    if (vs)
        vm_space_put(vs);
    /*
     * From DEAD on, IRQs stay off: a preemption between marking the task dead
     * and waking its joiners would drop it without waking anyone.
     */
    irq_disable();
    spin_lock(&t->lock);
    t->state = TASK_DEAD;
    spin_unlock(&t->lock);
    wq_wake_all(&t->exit_wq);
    schedule(false);
    panic("dead task %s was scheduled again", t->name);
}

void task_join(struct task *t)
{
    wait_event(&t->exit_wq, __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == TASK_DEAD);
}

/* Timer interrupt: let the policy decide about preemption. IRQs are off. */
void sched_tick(void)
{
    struct percpu *pc = this_cpu();
    struct task *cur = pc->current;
    pc->ticks++;
    if (cur == pc->idle) {
        if (pc->nr_running)
            pc->need_resched = true;
        return;
    }
    spin_lock(&pc->rq_lock);
    if (keel_sched_policy.tick((int)pc->cpu_id, cur))
        pc->need_resched = true;
    spin_unlock(&pc->rq_lock);
}

static void resched_ipi(int vec, void *ctx)
{
    (void)vec;
    (void)ctx;
    this_cpu()->need_resched = true;
}

/* Turn the calling boot context into this CPU's idle task. */
void sched_init_cpu(unsigned cpu)
{
    struct percpu *pc = &percpu_array[cpu];
    struct task *idle = &idle_tasks[cpu];
    task_init_common(idle, "idle");
    idle->state = TASK_RUNNING;
    idle->on_cpu = true;
    idle->cpu = (int)cpu;
    idle->pinned_cpu = (int)cpu;
    idle->refcount = 1;
    pc->idle = idle;
    pc->current = idle;
    if (cpu == 0)
        trap_set_irq_handler(RESCHED_VECTOR, resched_ipi, NULL);
}

void sched_idle_loop(void)
{
    struct percpu *pc = this_cpu();
    for (;;) {
        irq_disable();
        if (pc->need_resched || pc->nr_running) {
            irq_enable();
            schedule(true);
            continue;
        }
        __asm__ volatile("sti; hlt" ::: "memory");
    }
}

static void first_task(void *arg)
{
    (void)arg;
#ifdef CONFIG_KTEST
    ktest_run_all();
#else
    kernel_main();
#endif
}

void sched_start_bsp(void (*first)(void *), void *arg)
{
    (void)first;
    (void)arg;
    struct task *t = task_spawn("kernel_main", first_task, NULL, 0);
    if (!t)
        panic("cannot create the first task");
    task_put(t);
    irq_enable();
    sched_idle_loop();
}
