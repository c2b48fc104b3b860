// SPDX-License-Identifier: MPL-2.0
// Fast user-space mutexes: WAIT/WAKE (with bitsets), REQUEUE and CMP_REQUEUE, with timeouts.
#include <ostd/user.h>
#include <ostd/time.h>
#include <ostd/task.h>
#include <uapi/errno.h>
#include <uapi/futex.h>
#include "signal/signal.h"
#include "proc/process.h"
#include "proc/futex.h"
#include "mm/mm.h"
#include "syscall/syscall.h"

long sys_futex(struct sys_call *c);

/*
 * A futex is keyed by (address space, user address), or, for a non-private
 * futex in MAP_SHARED memory, by (backing object, offset) so that processes
 * sharing the memory meet. FIXME: shared file mappings do not exist yet; the
 * key holds no reference on the object.
 */
struct futex_key { const void *obj; uint64_t off; };

struct futex_bucket {
    struct mutex lock;          /* guards waiters and each queued waiter's key and bucket */
    struct list_head waiters;
};

struct futex_waiter {
    struct list_head node;      /* in bucket->waiters while queued */
    struct futex_key key;
    uint32_t bitset;
    struct futex_bucket *bucket;
    bool woken;                 /* set by the waker under the bucket lock */
    struct waitqueue wq;
};

#define NBUCKETS 64
static struct futex_bucket buckets[NBUCKETS];

void futex_init(void)
{
    for (int i = 0; i < NBUCKETS; i++) {
        mutex_init(&buckets[i].lock);
        list_init(&buckets[i].waiters);
    }
}

static struct futex_bucket *bucket_of(struct futex_key k)
{
    uint64_t h = (k.off >> 2) * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)k.obj;
    return &buckets[(h >> 32) % NBUCKETS];
}

static bool key_eq(struct futex_key a, struct futex_key b) { return a.obj == b.obj && a.off == b.off; }

static struct futex_key key_of(uint64_t uaddr, bool priv)
{
    struct mm *mm = current_mm();
    uint64_t off = 0;
    const void *obj = priv ? NULL : mm_shared_key(mm, uaddr, &off);
    return obj ? (struct futex_key){ obj, off } : (struct futex_key){ mm, uaddr };
}

/* Wake up to n waiters of key whose bitset intersects; bucket lock held. At least one when n <= 0, as Linux. */
static int wake_locked(struct futex_bucket *b, struct futex_key k, int n, uint32_t bitset)
{
    int woken = 0;
    struct list_head *l, *nx;
    list_for_each_safe(l, nx, &b->waiters) {
        struct futex_waiter *w = list_entry(l, struct futex_waiter, node);
        if (!key_eq(w->key, k) || !(w->bitset & bitset))
            continue;
        list_del(&w->node);
        atomic_store(&w->woken, true);
        wq_wake_all(&w->wq);
        if (++woken >= n)
            break;
    }
    return woken;
}

static int futex_wake(uint64_t uaddr, int n, uint32_t bitset, bool priv)
{
    if ((uaddr & 3) || !bitset)
        return -EINVAL;
    if (!user_range_ok(uptr(uaddr), 4))
        return -EFAULT;
    struct futex_key k = key_of(uaddr, priv);
    struct futex_bucket *b = bucket_of(k);
    mutex_lock(&b->lock);
    int r = wake_locked(b, k, n, bitset);
    mutex_unlock(&b->lock);
    return r;
}

int futex_wake_addr(uint64_t uaddr, int n) { return futex_wake(uaddr, n, FUTEX_BITSET_MATCH_ANY, false); }

/* Lock the bucket w is queued on (requeue may move it meanwhile). */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w)
{
    for (;;) {
        struct futex_bucket *b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
        mutex_lock(&b->lock);
        if (__atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE) == b)
            return b;
        mutex_unlock(&b->lock);
    }
}

/* Sleep until woken, the deadline (monotonic ns, 0: none) passes, or the thread must exit. */
static bool sleep_waiter(struct futex_waiter *w, uint64_t deadline)
{
    struct wq_entry e = { 0 };
    bool timed_out = false;
    for (;;) {
        wq_prepare(&w->wq, &e);
        if (atomic_load(&w->woken) || signal_pending_current())
            break;
        if (deadline) {
            uint64_t now = clock_monotonic_ns();
            if (now >= deadline) {
                timed_out = true;
                break;
            }
            wq_sleep_timeout(deadline - now);
        } else {
            wq_sleep();
        }
    }
    wq_finish(&w->wq, &e);
    return timed_out;
}

static long futex_wait_resume(struct restart_block *rb);

/*
 * A timed wait interrupted by a signal with no handler (a stop and continue)
 * resumes through restart_syscall towards the same deadline, as Linux; a
 * handler makes it EINTR. An untimed wait restarts (SA_RESTART) or is EINTR.
 */
static int futex_wait(uint64_t uaddr, uint32_t val, uint32_t bitset, uint64_t deadline, bool priv)
{
    if ((uaddr & 3) || !bitset)
        return -EINVAL;
    struct futex_waiter w = { .key = key_of(uaddr, priv), .bitset = bitset };
    wq_init(&w.wq);
    w.bucket = bucket_of(w.key);
    mutex_lock(&w.bucket->lock);
    uint32_t cur;
    int r = copy_from_user(&cur, uptr(uaddr), 4) ? -EFAULT : cur != val ? -EAGAIN : 0;
    if (!r)
        list_add_tail(&w.node, &w.bucket->waiters);
    mutex_unlock(&w.bucket->lock);
    if (r)
        return r;
    bool timed_out = sleep_waiter(&w, deadline);
    struct futex_bucket *b = lock_waiter_bucket(&w);
    if (!atomic_load(&w.woken)) {
        list_del(&w.node);
        r = timed_out ? -ETIMEDOUT : deadline ? -ERESTART_RESTARTBLOCK : -ERESTARTSYS;
    }
    mutex_unlock(&b->lock);
    if (r == -ERESTART_RESTARTBLOCK)
        *signal_restart_block() = (struct restart_block){
            .fn = futex_wait_resume, .deadline_ns = deadline, .arg = { uaddr, val, bitset, priv },
        };
    return r;
}

static long futex_wait_resume(struct restart_block *rb)
{
    return futex_wait(rb->arg[0], (uint32_t)rb->arg[1], (uint32_t)rb->arg[2], rb->deadline_ns, rb->arg[3] != 0);
}

static void lock_two(struct futex_bucket *a, struct futex_bucket *b)
{
    if (a == b) {
        mutex_lock(&a->lock);
    } else if ((uintptr_t)a < (uintptr_t)b) {
        mutex_lock(&a->lock);
        mutex_lock(&b->lock);
    } else {
        mutex_lock(&b->lock);
        mutex_lock(&a->lock);
    }
}

static void unlock_two(struct futex_bucket *a, struct futex_bucket *b)
{
    mutex_unlock(&a->lock);
    if (a != b)
        mutex_unlock(&b->lock);
}

/* Wake nr_wake waiters on uaddr and move up to nr_requeue others to uaddr2. */
static int requeue_locked(struct futex_bucket *b1, struct futex_key k1, struct futex_bucket *b2,
                          struct futex_key k2, int nr_wake, int nr_requeue)
{
    int woken = 0, moved = 0;
    struct list_head *l, *nx;
    list_for_each_safe(l, nx, &b1->waiters) {
        struct futex_waiter *w = list_entry(l, struct futex_waiter, node);
        if (!key_eq(w->key, k1))
            continue;
        list_del(&w->node);
        if (woken < nr_wake) {
            woken++;
            atomic_store(&w->woken, true);
            wq_wake_all(&w->wq);
            continue;
        }
        if (moved >= nr_requeue) {
            list_add(&w->node, nx->prev);   /* put it back where it was */
            break;
        }
        moved++;
        w->key = k2;
        __atomic_store_n(&w->bucket, b2, __ATOMIC_RELEASE);
        list_add_tail(&w->node, &b2->waiters);
    }
    return woken + moved;
}

static int futex_requeue(uint64_t uaddr, int nr_wake, int nr_requeue, uint64_t uaddr2, bool cmp, uint32_t val3,
                         bool priv)
{
    if ((uaddr & 3) || (uaddr2 & 3) || nr_wake < 0 || nr_requeue < 0)
        return -EINVAL;
    struct futex_key k1 = key_of(uaddr, priv), k2 = key_of(uaddr2, priv);
    struct futex_bucket *b1 = bucket_of(k1), *b2 = bucket_of(k2);
    lock_two(b1, b2);
    uint32_t cur;
    int r = 0;
    if (cmp)
        r = copy_from_user(&cur, uptr(uaddr), 4) ? -EFAULT : cur != val3 ? -EAGAIN : 0;
    if (!r)
        r = requeue_locked(b1, k1, b2, k2, nr_wake, nr_requeue);
    unlock_two(b1, b2);
    return r;
}

/* Turn the timeout argument into a monotonic deadline (0: none); absolute for WAIT_BITSET. */
static int futex_deadline(uint64_t utime, bool absolute, bool realtime, uint64_t *deadline)
{
    *deadline = 0;
    if (!utime)
        return 0;
    struct k_timespec ts;
    if (copy_from_user(&ts, uptr(utime), sizeof(ts)))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    uint64_t ns = (uint64_t)ts.tv_sec > UINT64_MAX / NSEC_PER_SEC / 2 ? UINT64_MAX / 2
                  : (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
    uint64_t mono = clock_monotonic_ns();
    if (!absolute)
        *deadline = mono + ns;
    else if (realtime)
        *deadline = mono + (ns > clock_realtime_ns() ? ns - clock_realtime_ns() : 0);
    else
        *deadline = ns;
    if (!*deadline)
        *deadline = 1;   /* already passed */
    return 0;
}

long sys_futex(struct sys_call *c)
{
    uint64_t uaddr = c->arg[0], utime = c->arg[3], uaddr2 = c->arg[4];
    int op = (int)c->arg[1];
    uint32_t val = (uint32_t)c->arg[2], val3 = (uint32_t)c->arg[5];
    int cmd = op & FUTEX_CMD_MASK;
    bool realtime = op & FUTEX_CLOCK_REALTIME, priv = op & FUTEX_PRIVATE_FLAG;
    if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
        return -ENOSYS;
    uint64_t deadline;
    int r;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
        r = futex_deadline(utime, cmd == FUTEX_WAIT_BITSET, realtime, &deadline);
        return r ? r : futex_wait(uaddr, val, cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3, deadline, priv);
    case FUTEX_WAKE:
        return futex_wake(uaddr, (int)val, FUTEX_BITSET_MATCH_ANY, priv);
    case FUTEX_WAKE_BITSET:
        return futex_wake(uaddr, (int)val, val3, priv);
    case FUTEX_REQUEUE:
        return futex_requeue(uaddr, (int)val, (int)utime, uaddr2, false, 0, priv);
    case FUTEX_CMP_REQUEUE:
        return futex_requeue(uaddr, (int)val, (int)utime, uaddr2, true, val3, priv);
    default:
        return -ENOSYS;   /* FIXME: WAKE_OP and the PI operations */
    }
}
