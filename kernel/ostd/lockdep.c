// SPDX-License-Identifier: MPL-2.0
// Lock-order checker (CONFIG_DEBUG_LOCKS): lock classes, held-lock stacks, an order graph.
#include <ostd/sync.h>
#include <ostd/cpu.h>
#include <ostd/task.h>
#include <ostd/panic.h>
#include <ostd/console.h>
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "internal.h"
#include "lockdep.h"

#ifdef CONFIG_DEBUG_LOCKS

/*
 * A class is every lock initialised at one site (its static key) or one static
 * lock (its own address). Edges "A held while taking B" form a graph; a new edge
 * A->B closes a cycle if B already reaches A.
 */
#define NCLASSES   1024
#define NEDGES     8192
#define CPU_DEPTH  16
#define CF_IN_IRQ       1u   /* taken in IRQ context */
#define CF_IRQS_ON      2u   /* taken in task context with IRQs enabled */
#define CF_IRQ_REPORTED 4u

struct ld_class {
    const void *key;
    const char *name;
    uint32_t flags;
    int first_edge;          /* -1: none */
    uint64_t irq_ip, irqs_on_ip;
};

struct ld_edge {
    uint16_t from, to;
    int next;                /* next edge with the same from */
    uint64_t from_ip, to_ip; /* where A was held and where B was taken, the first time */
};

struct ld_cpu {
    unsigned depth[2];                   /* [0] task context, [1] IRQ context */
    struct ld_held held[2][CPU_DEPTH];
    bool busy;                           /* inside a report: do not track the console's locks */
};

/* The graph: guarded by graph_lock (a raw flag, taken with IRQs off; never tracked). */
static uint32_t graph_lock;
static struct ld_class classes[NCLASSES];
static unsigned nclasses;
static struct ld_edge edges[NEDGES];
static unsigned nedges;
static struct ld_cpu cpus[MAX_CPUS];       /* each touched only by its own CPU with IRQs off */
static bool report_only;
static enum ld_fault last_fault;
static bool disabled;                      /* after an overflow or a report-only-free panic */
extern char __kernel_start[], __kernel_end[];

static void graph_acquire(void)
{
    while (__atomic_exchange_n(&graph_lock, 1, __ATOMIC_ACQUIRE))
        cpu_relax();
}
static void graph_release(void) { __atomic_store_n(&graph_lock, 0, __ATOMIC_RELEASE); }

static bool active(void)
{
    return percpu_ready && !disabled && !panic_in_progress && !cpus[this_cpu()->cpu_id].busy;
}

static bool in_irq(void) { return this_cpu()->irq_depth > 0; }
static struct ld_cpu *ldc(void) { return &cpus[this_cpu()->cpu_id]; }

/* Locks with no key outside the kernel image (e.g. zeroed by kzalloc, never spin_init'ed) are not tracked. */
static const void *class_key(const void *lock, const void *key)
{
    if (key)
        return key;
    if ((const char *)lock >= __kernel_start && (const char *)lock < __kernel_end)
        return lock;
    return NULL;
}

/* Graph lock held. Returns the class index, or -1 when the table is full. */
static int class_of(const void *key, const char *name)
{
    unsigned h = (unsigned)(((uintptr_t)key >> 3) * 2654435761u) % NCLASSES;
    for (unsigned i = 0; i < NCLASSES; i++, h = (h + 1) % NCLASSES) {
        if (classes[h].key == key)
            return (int)h;
        if (!classes[h].key) {
            if (nclasses + 1 >= NCLASSES * 3 / 4)
                return -1;
            nclasses++;
            classes[h] = (struct ld_class){ key, name ? name : "?", 0, -1, 0, 0 };
            return (int)h;
        }
    }
    return -1;
}

static struct ld_edge *find_edge(int from, int to)
{
    for (int e = classes[from].first_edge; e >= 0; e = edges[e].next)
        if (edges[e].to == to)
            return &edges[e];
    return NULL;
}

/* Graph lock held. Depth-first search: does from reach to? Fills path[] with the edges used. */
static bool reaches(int from, int to, int *path, int *plen)
{
    static uint64_t visited[NCLASSES / 64];   /* guarded by graph_lock */
    static int estack[NCLASSES];   /* guarded by graph_lock: next edge to try per depth */
    for (unsigned i = 0; i < ARRAY_SIZE(visited); i++)
        visited[i] = 0;
    int sp = 0;
    estack[sp] = classes[from].first_edge;
    visited[from / 64] |= 1ULL << (from % 64);
    while (sp >= 0) {
        int e = estack[sp];
        if (e < 0) {
            sp--;
            continue;
        }
        estack[sp] = edges[e].next;
        int n = edges[e].to;
        path[sp] = e;
        if (n == to) {
            *plen = sp + 1;
            return true;
        }
        if (visited[n / 64] & (1ULL << (n % 64)) || sp + 1 >= NCLASSES)
            continue;
        visited[n / 64] |= 1ULL << (n % 64);
        sp++;
        estack[sp] = classes[n].first_edge;
    }
    return false;
}

static const char *sym(uint64_t ip, uint64_t *off)
{
    const char *s = ksym_lookup(ip, off);
    if (!s) {
        *off = ip;
        return "?";
    }
    return s;
}

/* A report: printed with IRQs off and this CPU's tracking paused (the console has locks). */
static unsigned long report_begin(void)
{
    unsigned long fl = irq_save();
    ldc()->busy = true;
    return fl;
}

static enum ld_fault report_end(unsigned long fl, enum ld_fault f)
{
    ldc()->busy = false;
    irq_restore(fl);
    if (!report_only)
        panic("lock checker: fault %d (reported above)", (int)f);
    last_fault = f;
    return f;
}

static void print_site(const char *what, const char *name, uint64_t ip)
{
    uint64_t off;
    const char *s = sym(ip, &off);
    pr_err("  %s %s at %s+0x%lx\n", what, name, s, (unsigned long)off);
}

static enum ld_fault report_simple(enum ld_fault f, const char *msg, const char *name, uint64_t ip,
                                   const struct ld_held *other)
{
    unsigned long fl = report_begin();
    pr_err("LOCKDEP: %s\n", msg);
    print_site("lock", name, ip);
    if (other)
        print_site("while holding", classes[other->cls].name, other->ip);
    return report_end(fl, f);
}

static enum ld_fault report_cycle(const struct ld_held *h, int cls, uint64_t ip, const int *path, int plen)
{
    unsigned long fl = report_begin();
    pr_err("LOCKDEP: lock order inversion (possible deadlock)\n");
    print_site("taking", classes[cls].name, ip);
    print_site("while holding", classes[h->cls].name, h->ip);
    pr_err("  but the opposite order was seen before:\n");
    for (int i = 0; i < plen && i < 8; i++) {
        const struct ld_edge *e = &edges[path[i]];
        print_site("holding", classes[e->from].name, e->from_ip);
        print_site("  then taking", classes[e->to].name, e->to_ip);
    }
    return report_end(fl, LD_CYCLE);
}

static enum ld_fault report_irq_unsafe(int cls)
{
    unsigned long fl = report_begin();
    pr_err("LOCKDEP: lock taken in IRQ context is also taken with IRQs enabled (use spin_lock_irqsave)\n");
    print_site("in IRQ:", classes[cls].name, classes[cls].irq_ip);
    print_site("IRQs on:", classes[cls].name, classes[cls].irqs_on_ip);
    return report_end(fl, LD_IRQ_UNSAFE);
}

static void overflow(const char *what)
{
    disabled = true;
    unsigned long fl = report_begin();
    pr_err("LOCKDEP: %s table full: lock checking switched off\n", what);
    ldc()->busy = false;
    irq_restore(fl);
}

/* The held stack an acquisition of this kind goes on (NULL: no current task yet). */
static struct ld_held *stack_of(enum ld_kind kind, unsigned **depth, unsigned *cap)
{
    if (kind == LD_MUTEX || kind == LD_MUTEX_TRY) {
        struct task *t = task_current();
        if (!t)
            return NULL;
        struct lockdep_task *lt = task_lockdep(t);
        *depth = &lt->depth;
        *cap = LD_TASK_DEPTH;
        return lt->held;
    }
    struct ld_cpu *c = ldc();
    int ctx = in_irq() ? 1 : 0;
    *depth = &c->depth[ctx];
    *cap = CPU_DEPTH;
    return c->held[ctx];
}

static const struct ld_held *find_held(const struct ld_held *st, unsigned depth, const void *lock)
{
    for (unsigned i = depth; i-- > 0;)
        if (st[i].lock == lock)
            return &st[i];
    return NULL;
}

/*
 * The same lock instance already held by this CPU (spinlocks) or task (mutexes)?
 * It would deadlock. A mutex and its inner spinlock share an address, so kinds stay apart. IRQs off.
 */
static const struct ld_held *held_already(const void *lock, enum ld_kind kind)
{
    if (kind == LD_MUTEX || kind == LD_MUTEX_TRY) {
        struct task *t = task_current();
        return t ? find_held(task_lockdep(t)->held, task_lockdep(t)->depth, lock) : NULL;
    }
    struct ld_cpu *c = ldc();
    const struct ld_held *h = find_held(c->held[0], c->depth[0], lock);
    return h ? h : find_held(c->held[1], c->depth[1], lock);
}

/* Graph lock held: record that held->cls was held while taking cls. Returns a cycle's path length. */
static int add_edge(const struct ld_held *held, int cls, uint64_t ip, int *path)
{
    if (held->cls == cls || find_edge(held->cls, cls))
        return 0;
    int plen = 0;
    bool cycle = reaches(cls, held->cls, path, &plen);
    if (nedges >= NEDGES)
        return -1;
    edges[nedges] = (struct ld_edge){ (uint16_t)held->cls, (uint16_t)cls, classes[held->cls].first_edge,
                                      held->ip, ip };
    classes[held->cls].first_edge = (int)nedges++;
    return cycle ? plen : 0;
}

struct acquire_result {
    enum ld_fault f;
    struct ld_held cycle_held;
    int plen;
    int path[NCLASSES];
};

/* Graph lock held, IRQs off: class flags and order edges for taking class cls. */
static void record_order(int cls, enum ld_kind kind, bool irqs_were_on, uint64_t ip, struct acquire_result *r)
{
    struct ld_class *k = &classes[cls];
    if (in_irq()) {
        k->flags |= CF_IN_IRQ;
        k->irq_ip = k->irq_ip ? k->irq_ip : ip;
    } else if (kind == LD_SPIN && irqs_were_on) {
        k->flags |= CF_IRQS_ON;
        k->irqs_on_ip = k->irqs_on_ip ? k->irqs_on_ip : ip;
    }
    if ((k->flags & (CF_IN_IRQ | CF_IRQS_ON)) == (CF_IN_IRQ | CF_IRQS_ON) && !(k->flags & CF_IRQ_REPORTED)) {
        k->flags |= CF_IRQ_REPORTED;
        r->f = LD_IRQ_UNSAFE;
    }
    if (kind == LD_MUTEX_TRY)
        return;                          /* a trylock cannot wait: no order to learn */
    struct ld_cpu *c = ldc();
    int ctx = in_irq() ? 1 : 0;
    struct task *t = ctx ? NULL : task_current();
    const struct ld_held *sets[2] = { c->held[ctx], t ? task_lockdep(t)->held : NULL };
    unsigned depths[2] = { c->depth[ctx], t ? task_lockdep(t)->depth : 0 };
    for (int s = 0; s < 2; s++) {
        for (unsigned i = 0; i < depths[s]; i++) {
            int plen = add_edge(&sets[s][i], cls, ip, r->path);
            if (plen < 0) {
                r->f = LD_OVERFLOW;
                return;
            }
            if (plen > 0 && r->f == LD_OK) {
                r->f = LD_CYCLE;
                r->cycle_held = sets[s][i];
                r->plen = plen;
                return;
            }
        }
    }
}

enum ld_fault lockdep_check_acquire(const void *lock, const void *key, const char *name,
                                    enum ld_kind kind, uint64_t ip)
{
    if (!active() || !(key = class_key(lock, key)))
        return LD_OK;
    static struct acquire_result results[MAX_CPUS];   /* per CPU, used with IRQs off */
    unsigned long fl = irq_save();
    struct acquire_result *r = &results[this_cpu()->cpu_id];
    enum ld_fault f = LD_OK;
    const struct ld_held *again = held_already(lock, kind);
    if (again) {
        f = report_simple(LD_RECURSIVE, "recursive locking (deadlock)", name, ip, again);
        irq_restore(fl);
        return f;
    }
    r->f = LD_OK;
    graph_acquire();
    int cls = class_of(key, name);
    if (cls >= 0)
        record_order(cls, kind, (fl & RFLAGS_IF) != 0, ip, r);
    graph_release();
    if (cls < 0 || r->f == LD_OVERFLOW) {
        overflow(cls < 0 ? "class" : "edge");
        f = LD_OVERFLOW;
    } else if (r->f == LD_IRQ_UNSAFE) {
        f = report_irq_unsafe(cls);
    } else if (r->f == LD_CYCLE) {
        f = report_cycle(&r->cycle_held, cls, ip, r->path, r->plen);
    }
    irq_restore(fl);
    return f;
}

/* The acquisition succeeded: push it on this CPU's (spinlock) or task's (mutex) held stack. */
void lockdep_acquired(const void *lock, const void *key, enum ld_kind kind, uint64_t ip)
{
    if (!active() || !(key = class_key(lock, key)))
        return;
    unsigned long fl = irq_save();
    unsigned *depth, cap;
    struct ld_held *st = stack_of(kind, &depth, &cap);
    if (st && *depth >= cap) {
        irq_restore(fl);
        overflow("held-lock");
        return;
    }
    if (st) {
        graph_acquire();
        int cls = class_of(key, NULL);
        graph_release();
        st[(*depth)++] = (struct ld_held){ lock, (uint16_t)(cls < 0 ? 0 : cls), ip };
    }
    irq_restore(fl);
}

enum ld_fault lockdep_release(const void *lock, const void *key, enum ld_kind kind, uint64_t ip)
{
    if (!active() || !(key = class_key(lock, key)))
        return LD_OK;
    unsigned long fl = irq_save();
    unsigned *depth, cap;
    struct ld_held *st = stack_of(kind, &depth, &cap);
    enum ld_fault f = LD_OK;
    if (st) {
        unsigned i = *depth;
        while (i > 0 && st[i - 1].lock != lock)
            i--;
        if (i == 0) {
            f = report_simple(LD_NOT_HELD, "releasing a lock that is not held here", "?", ip, NULL);
        } else {
            for (; i < *depth; i++)
                st[i - 1] = st[i];
            (*depth)--;
        }
    }
    irq_restore(fl);
    return f;
}

enum ld_fault lockdep_might_sleep(const char *what, uint64_t ip)
{
    if (!active())
        return LD_OK;
    unsigned long fl = irq_save();
    struct ld_cpu *c = ldc();
    enum ld_fault f = LD_OK;
    if (in_irq())
        f = report_simple(LD_SLEEP_IN_SPIN, "sleeping in IRQ context", what, ip, NULL);
    else if (c->depth[0] > 0)
        f = report_simple(LD_SLEEP_IN_SPIN, "sleeping while holding a spinlock", what, ip,
                          &c->held[0][c->depth[0] - 1]);
    irq_restore(fl);
    return f;
}

bool lockdep_set_report_only(bool on)
{
    bool old = report_only;
    report_only = on;
    return old;
}

enum ld_fault lockdep_take_last_fault(void)
{
    enum ld_fault f = last_fault;
    last_fault = LD_OK;
    return f;
}

#endif
