// SPDX-License-Identifier: MPL-2.0
// The out-of-memory killer: the process with the largest footprint dies, as Linux picks it (oom_badness).
#include <ostd/console.h>
#include <ostd/frame.h>
#include <ostd/task.h>
#include <ostd/time.h>
#include <uapi/signal.h>
#include "mm/mm.h"
#include "proc/cred.h"
#include "proc/oom.h"
#include "proc/process.h"
#include "signal/signal.h"

#define OOM_SCORE_ADJ_MIN (-1000)                 /* never chosen */
#define OOM_GRACE_NS      (5 * NSEC_PER_SEC)      /* a victim still holding memory after this is passed over */
#define OOM_RETRY_NS      (10 * 1000 * 1000ULL)   /* the allocating task's pause before it faults again */

/* The chosen process and what the kernel log says about it. */
struct oom_pick {
    struct process *p;
    int64_t points;
    uint64_t vm_kb, rss_kb, pt_kb;
    int adj;
    uint32_t uid;
};

/*
 * FIXME: the framework does not count page-table pages per address space;
 * estimate one 4 KiB table per 512 resident pages (plus the top levels).
 */
static uint64_t pgtable_pages(uint64_t rss) { return rss / 512 + 3; }

/*
 * Linux's oom_badness: resident pages + page tables + oom_score_adj
 * thousandths of all memory. False when p may not be chosen: no memory
 * (exited), oom_score_adj -1000, or a pid 1 (process_finish panics when one
 * dies). p->lock held (then mm->lock: the documented order).
 */
static bool badness_locked(struct process *p, uint64_t total, struct oom_pick *o)
{
    if (!p->mm || p->pid == 1 || p->oom_score_adj == OOM_SCORE_ADJ_MIN)
        return false;
    struct mm_usage u;
    mm_get_usage(p->mm, &u);
    uint64_t rss = u.rss / PAGE_SIZE, pt = pgtable_pages(rss);
    *o = (struct oom_pick){ .p = p, .vm_kb = u.size / 1024, .rss_kb = u.rss / 1024,
                            .pt_kb = pt * (PAGE_SIZE / 1024), .adj = p->oom_score_adj,
                            .uid = p->cred ? p->cred->uid : 0 };
    o->points = (int64_t)(rss + pt) + (int64_t)p->oom_score_adj * (int64_t)(total / 1000);
    return true;
}

/* An earlier victim still holds its memory and is within its grace time: wait for it rather than kill again. */
static bool victim_pending_locked(struct process *p, uint64_t now)
{
    return p->oom_kill_ns && p->mm && now - p->oom_kill_ns < OOM_GRACE_NS;
}

/* Choose among all processes; false (wait) when an earlier victim is still exiting. tasklist_lock held. */
static bool choose_locked(struct oom_pick *best)
{
    struct frame_stats st;
    frame_get_stats(&st);
    uint64_t now = clock_monotonic_ns();
    best->p = NULL;
    for (struct process *p = proc_next_locked(NULL); p; p = proc_next_locked(p)) {
        struct oom_pick o;
        mutex_lock(&p->lock);
        bool pending = victim_pending_locked(p, now);
        bool ok = !pending && !p->oom_kill_ns && badness_locked(p, st.total, &o);
        mutex_unlock(&p->lock);
        if (pending)
            return false;
        if (ok && (!best->p || o.points > best->points))
            *best = o;
    }
    return true;
}

static void kill_locked(const struct oom_pick *o)
{
    struct process *p = o->p;
    mutex_lock(&p->lock);
    p->oom_kill_ns = clock_monotonic_ns();
    pr_err("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, UID:%u pgtables:%lukB "
           "oom_score_adj:%d\n", p->pid, p->comm, o->vm_kb, o->rss_kb, o->uid, o->pt_kb, o->adj);
    mutex_unlock(&p->lock);
    struct ksiginfo si = { .signo = SIGKILL, .code = SI_KERNEL };
    signal_send_proc_locked(p, &si);
}

/* Rate limit for the message init's endless retries would repeat: true at most every OOM_GRACE_NS. */
static bool warn_due(void)
{
    static uint64_t next;   /* atomic */
    uint64_t now = clock_monotonic_ns(), due = atomic_load(&next);
    return now >= due && atomic_cas(&next, &due, now + OOM_GRACE_NS);
}

void oom_kill_for_fault(struct thread *th)
{
    struct process *self = th->proc;
    struct oom_pick best;
    mutex_lock(&tasklist_lock);
    bool chose = choose_locked(&best);
    if (chose && !best.p && self->pid != 1) {
        /* Linux panics with nothing to kill; Keel ends the faulting process instead. */
        pr_err("Out of memory: no killable process; killing the faulting one\n");
        best = (struct oom_pick){ .p = self, .adj = self->oom_score_adj };
    }
    if (chose && best.p) {
        mutex_lock(&self->lock);
        pr_warn("%s invoked oom-killer: order=0, oom_score_adj=%d\n", self->comm, self->oom_score_adj);
        mutex_unlock(&self->lock);
        kill_locked(&best);
    } else if (chose && warn_due()) {
        pr_err("Out of memory: no killable process; init (pid 1) waits for memory\n");
    }
    mutex_unlock(&tasklist_lock);
    if (!chose || best.p != self)
        task_sleep_ns(OOM_RETRY_NS);   /* let the victim exit; the access then faults again */
}
