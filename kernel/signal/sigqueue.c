// SPDX-License-Identifier: MPL-2.0
// Queued real-time signal instances: allocation charged per user (RLIMIT_SIGPENDING), queueing, dequeueing, flushing.
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <uapi/resource.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "signal/sigstate.h"

/*
 * Pending queued signals per real uid, as Linux counts them against the
 * receiver's RLIMIT_SIGPENDING. Open addressing; a slot whose count drops to
 * 0 is reused. FIXME: coalesced standard signals are not counted (Linux
 * counts them too), and there is no user namespace yet.
 */
#define UID_SLOTS 64
struct uid_count {
    uint32_t uid;
    uint32_t count;
};
static spinlock_t uid_lock = SPINLOCK_INIT("sigpending-uids");
static struct uid_count uid_counts[UID_SLOTS];     /* guarded by uid_lock */

/* Count one more pending signal for uid if that keeps it within limit. */
static bool uid_charge(uint32_t uid, uint64_t limit)
{
    bool ok = false;
    unsigned long f = spin_lock_irqsave(&uid_lock);
    struct uid_count *free_slot = NULL, *slot = NULL;
    for (unsigned i = 0; i < UID_SLOTS && !slot; i++) {
        struct uid_count *u = &uid_counts[(uid + i) % UID_SLOTS];
        if (u->count && u->uid == uid)
            slot = u;
        else if (!u->count && !free_slot)
            free_slot = u;
    }
    if (!slot && free_slot) {   /* FIXME: more than 64 users with pending signals get EAGAIN */
        slot = free_slot;
        slot->uid = uid;
        slot->count = 0;
    }
    if (slot && slot->count < limit) {
        slot->count++;
        ok = true;
    }
    spin_unlock_irqrestore(&uid_lock, f);
    return ok;
}

static void uid_uncharge(uint32_t uid)
{
    unsigned long f = spin_lock_irqsave(&uid_lock);
    for (unsigned i = 0; i < UID_SLOTS; i++) {
        struct uid_count *u = &uid_counts[(uid + i) % UID_SLOTS];
        if (u->count && u->uid == uid) {
            u->count--;
            break;
        }
    }
    spin_unlock_irqrestore(&uid_lock, f);
}

struct sigqueue *sigqueue_alloc(struct process *p, const struct ksiginfo *info)
{
    uint32_t uid = p->cred ? p->cred->uid : 0;
    uint64_t limit = __atomic_load_n(&p->rlim[RLIMIT_SIGPENDING].rlim_cur, __ATOMIC_RELAXED);
    if (!uid_charge(uid, limit))
        return NULL;
    struct sigqueue *q = kzalloc(sizeof(*q));
    if (!q) {
        uid_uncharge(uid);
        return NULL;
    }
    list_init(&q->node);
    q->uid = uid;
    if (info)
        q->info = *info;
    return q;
}

void sigqueue_free(struct sigqueue *q)
{
    if (!q)
        return;
    uid_uncharge(q->uid);
    kfree(q);
}

void sigqueue_free_list(struct list_head *dead)
{
    struct list_head *l, *n;
    list_for_each_safe(l, n, dead) {
        list_del(l);
        sigqueue_free(list_entry(l, struct sigqueue, node));
    }
}

void sigpending_init(struct sigpending *sp)
{
    sp->set = sp->legacy = 0;
    list_init(&sp->queue);
}

void sigpending_add_locked(struct sigpending *sp, struct sigqueue *q)
{
    q->queued = true;
    q->overrun = 0;
    list_add_tail(&q->node, &sp->queue);
    atomic_store(&sp->set, sp->set | sigbit(q->info.signo));
}

void sigpending_add_info_locked(struct sigpending *sp, const struct ksiginfo *info)
{
    int sig = info->signo;
    sp->info[sig - 1] = *info;
    sp->legacy |= sigbit(sig);
    atomic_store(&sp->set, sp->set | sigbit(sig));
}

/* Unlink q (sig.lock held); the entry goes to dead unless a timer owns it. */
static void unqueue_locked(struct sigqueue *q, struct list_head *dead)
{
    list_del(&q->node);
    list_init(&q->node);
    q->queued = false;
    if (!q->timer && dead)
        list_add_tail(&q->node, dead);
}

/* Take the oldest queued instance of sig (sig.lock held); false if none is queued. */
static bool take_queued_locked(struct sigpending *sp, int sig, struct ksiginfo *out,
                               struct list_head *dead)
{
    struct sigqueue *first = NULL;
    bool more = false;
    struct list_head *l;
    list_for_each(l, &sp->queue) {
        struct sigqueue *q = list_entry(l, struct sigqueue, node);
        if (q->info.signo != sig)
            continue;
        if (first) {
            more = true;
            break;
        }
        first = q;
    }
    if (!first)
        return false;
    if (!more && !(sp->legacy & sigbit(sig)))
        atomic_store(&sp->set, sp->set & ~sigbit(sig));
    *out = first->info;
    if (first->timer) {
        out->uid = (uint32_t)first->overrun;        /* si_overrun shares the slot of si_uid */
        sig_timer_delivered_locked(first->timer, first->overrun);
    }
    unqueue_locked(first, dead);
    return true;
}

int sigpending_take_locked(struct sigpending *sp, ksigset_t mask, struct ksiginfo *out,
                           struct list_head *dead)
{
    ksigset_t ready = sp->set & mask;
    if (!ready)
        return 0;
    /* SIGKILL first, then the lowest number (synchronous faults are low numbers). */
    int sig = (ready & sigbit(SIGKILL)) ? SIGKILL : __builtin_ctzll(ready) + 1;
    if (take_queued_locked(sp, sig, out, dead))
        return sig;
    atomic_store(&sp->set, sp->set & ~sigbit(sig));
    if (sig >= SIGRTMIN) {  /* pending without an entry (a kill() past RLIMIT_SIGPENDING) */
        *out = (struct ksiginfo){ .signo = sig, .code = SI_USER };
        return sig;
    }
    *out = sp->info[sig - 1];
    sp->legacy &= ~sigbit(sig);
    return sig;
}

void sigpending_flush_locked(struct sigpending *sp, ksigset_t mask, struct list_head *dead)
{
    atomic_store(&sp->set, sp->set & ~mask);
    sp->legacy &= ~mask;
    struct list_head *l, *n;
    list_for_each_safe(l, n, &sp->queue) {
        struct sigqueue *q = list_entry(l, struct sigqueue, node);
        if (mask & sigbit(q->info.signo))
            unqueue_locked(q, dead);
    }
}
