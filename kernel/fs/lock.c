// SPDX-License-Identifier: MPL-2.0
// File locks: POSIX record locks (owned by a descriptor table), OFD locks and flock locks (owned by a file).
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/flock.h>
#include "fs/fs_syscalls.h"
#include "fs/lock.h"
#include "proc/process.h"
#include "signal/signal.h"

long sys_flock(struct sys_call *c);

#define OFFSET_MAX INT64_MAX
#define DEADLOCK_DEPTH 10   /* owners followed when looking for a wait cycle, as Linux */

enum lock_kind { LK_POSIX, LK_OFD, LK_FLOCK };

/*
 * One lock on [start, end] (inclusive; end OFFSET_MAX: to end of file).
 * POSIX locks are owned by the descriptor table (Linux's fl_owner), OFD and
 * flock locks by the open file. POSIX and OFD locks conflict with each other;
 * flock locks live apart (they never meet record locks), as on Linux.
 */
struct file_lock {
    struct list_head node;      /* in inode->file_locks */
    enum lock_kind kind;
    const void *owner;
    int pid;                    /* F_GETLK's l_pid: the locking process, -1 for OFD locks */
    int type;                   /* F_RDLCK or F_WRLCK */
    int64_t start, end;
};

/* A task sleeping in F_SETLKW: owner waits for blocker (POSIX deadlock detection). */
struct lock_waiter {
    struct list_head node;      /* in waiters */
    const void *owner, *blocker;
};

/* Guards every inode's file_locks list and the waiter list. A leaf: nothing is taken under it. */
static struct mutex locks_mutex;
static struct list_head waiters;
/* Woken whenever a lock goes away or is downgraded; sleepers re-check. */
static struct waitqueue locks_wq;

void locks_init(void)
{
    mutex_init(&locks_mutex);
    list_init(&waiters);
    wq_init(&locks_wq);
}

static bool record_kind(enum lock_kind k) { return k != LK_FLOCK; }

static bool overlap(const struct file_lock *a, int64_t s, int64_t e) { return a->start <= e && s <= a->end; }

/* The first lock of another owner that conflicts with req, or NULL; locks_mutex held. */
static struct file_lock *conflict_locked(struct inode *ino, const struct file_lock *req)
{
    struct list_head *l;
    list_for_each(l, &ino->file_locks) {
        struct file_lock *fl = list_entry(l, struct file_lock, node);
        if (record_kind(fl->kind) != record_kind(req->kind) || fl->owner == req->owner)
            continue;
        if ((fl->type == F_WRLCK || req->type == F_WRLCK) && overlap(fl, req->start, req->end))
            return fl;
    }
    return NULL;
}

/* Would owner waiting for blocker close a cycle of waiting POSIX owners? locks_mutex held. */
static bool would_deadlock_locked(const void *owner, const void *blocker)
{
    for (int i = 0; i < DEADLOCK_DEPTH && blocker; i++) {
        if (blocker == owner)
            return true;
        const void *next = NULL;
        struct list_head *l;
        list_for_each(l, &waiters) {
            struct lock_waiter *w = list_entry(l, struct lock_waiter, node);
            if (w->owner == blocker)
                next = w->blocker;
        }
        blocker = next;
    }
    return false;
}

static void lock_unlink_locked(struct inode *ino, struct file_lock *fl)
{
    list_del(&fl->node);
    atomic_sub(&ino->nr_file_locks, 1);
    kfree(fl);
}

static void lock_link_locked(struct inode *ino, struct file_lock *fl)
{
    list_add_tail(&fl->node, &ino->file_locks);
    atomic_add(&ino->nr_file_locks, 1);
}

/*
 * Replace the owner's locks in [req->start, req->end] by req (or nothing for
 * F_UNLCK), splitting locks that stick out and merging same-type neighbours.
 * spare: a preallocated lock for a split; *used_* tell the caller what was taken.
 */
static void apply_locked(struct inode *ino, struct file_lock *req, struct file_lock *spare,
                         bool *used_req, bool *used_spare)
{
    int64_t s = req->start, e = req->end;
    struct list_head *l, *n;
    for (l = ino->file_locks.next; l != &ino->file_locks; l = n) {
        n = l->next;
        struct file_lock *fl = list_entry(l, struct file_lock, node);
        if (fl->owner != req->owner || fl->kind != req->kind)
            continue;
        bool adjacent = (fl->end != OFFSET_MAX && fl->end + 1 == s) || (e != OFFSET_MAX && e + 1 == fl->start);
        if (fl->type == req->type && req->type != F_UNLCK && (overlap(fl, s, e) || adjacent)) {
            s = MIN(s, fl->start);
            e = MAX(e, fl->end);
            lock_unlink_locked(ino, fl);
            continue;
        }
        if (!overlap(fl, s, e))
            continue;
        if (fl->start < s && fl->end > e) {     /* req is inside fl: split it in two */
            *spare = *fl;
            spare->start = e + 1;
            lock_link_locked(ino, spare);
            *used_spare = true;
            fl->end = s - 1;
        } else if (fl->start < s) {
            fl->end = s - 1;
        } else if (fl->end > e) {
            fl->start = e + 1;
        } else {
            lock_unlink_locked(ino, fl);
        }
    }
    if (req->type != F_UNLCK) {
        req->start = s;
        req->end = e;
        lock_link_locked(ino, req);
        *used_req = true;
    }
}

/* Set (or clear) req on ino, waiting when wait; 0 or -EAGAIN, -EDEADLK, -ERESTARTSYS, -ENOMEM. */
static int lock_set(struct inode *ino, const struct file_lock *tmpl, bool wait)
{
    struct file_lock *req = kmalloc(sizeof(*req)), *spare = kmalloc(sizeof(*spare));
    if (!req || !spare) {
        kfree(req);
        kfree(spare);
        return -ENOMEM;
    }
    *req = *tmpl;
    struct lock_waiter w = { .owner = tmpl->owner };
    struct wq_entry e = { 0 };
    bool used_req = false, used_spare = false, queued = false;
    int r;
    for (;;) {
        if (wait)
            wq_prepare(&locks_wq, &e);
        mutex_lock(&locks_mutex);
        if (queued)
            list_del(&w.node);
        queued = false;
        struct file_lock *c = req->type == F_UNLCK ? NULL : conflict_locked(ino, req);
        r = 0;
        if (!c) {
            apply_locked(ino, req, spare, &used_req, &used_spare);
            wq_wake_all(&locks_wq);     /* an unlock, split or downgrade may let a waiter in */
        } else if (!wait) {
            r = -EAGAIN;
        } else if (req->kind == LK_POSIX && c->kind == LK_POSIX && would_deadlock_locked(req->owner, c->owner)) {
            r = -EDEADLK;
        } else {
            w.blocker = c->kind == LK_POSIX ? c->owner : NULL;
            list_add_tail(&w.node, &waiters);
            queued = true;
        }
        mutex_unlock(&locks_mutex);
        if (!queued)
            break;
        if (signal_pending_current()) {
            mutex_lock(&locks_mutex);
            list_del(&w.node);
            mutex_unlock(&locks_mutex);
            r = -ERESTARTSYS;
            break;
        }
        wq_sleep();
    }
    if (wait)
        wq_finish(&locks_wq, &e);
    if (!used_req)
        kfree(req);
    if (!used_spare)
        kfree(spare);
    return r;
}

/* F_GETLK: the first conflicting lock, copied into *out; false when there is none. */
static bool lock_test(struct inode *ino, const struct file_lock *req, struct file_lock *out)
{
    mutex_lock(&locks_mutex);
    struct file_lock *c = conflict_locked(ino, req);
    if (c)
        *out = *c;
    mutex_unlock(&locks_mutex);
    return c != NULL;
}

/* Turn a struct flock into a byte range relative to f; 0, -EINVAL or -EOVERFLOW. */
static int flock_range(struct file *f, const struct k_flock *fl, int64_t *start, int64_t *end)
{
    int64_t base;
    switch (fl->l_whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR:
        mutex_lock(&f->pos_lock);
        base = (int64_t)f->pos;
        mutex_unlock(&f->pos_lock);
        break;
    case SEEK_END: base = (int64_t)file_size(f); break;
    default: return -EINVAL;
    }
    int64_t s;
    if (__builtin_add_overflow(base, fl->l_start, &s))
        return -EOVERFLOW;
    if (s < 0)
        return -EINVAL;
    if (fl->l_len > 0) {
        if (fl->l_len - 1 > OFFSET_MAX - s)
            return -EOVERFLOW;
        *end = s + fl->l_len - 1;
    } else if (fl->l_len < 0) {
        *end = s - 1;
        if (__builtin_add_overflow(s, fl->l_len, &s))
            return -EINVAL;
    } else {
        *end = OFFSET_MAX;
    }
    if (s < 0)
        return -EINVAL;
    *start = s;
    return 0;
}

static long getlk(struct file *f, struct k_flock *fl, struct file_lock *req, uptr_t arg)
{
    if (req->type != F_RDLCK && req->type != F_WRLCK)
        return -EINVAL;
    struct file_lock c;
    if (!lock_test(f->inode, req, &c)) {
        fl->l_type = F_UNLCK;
    } else {
        fl->l_type = (int16_t)c.type;
        fl->l_whence = SEEK_SET;
        fl->l_start = c.start;
        fl->l_len = c.end == OFFSET_MAX ? 0 : c.end - c.start + 1;
        fl->l_pid = c.pid;
    }
    return copy_to_user(arg, fl, sizeof(*fl)) ? -EFAULT : 0;
}

long lock_fcntl(struct file *f, unsigned cmd, uptr_t arg)
{
    struct k_flock fl;
    if (copy_from_user(&fl, arg, sizeof(fl)))
        return -EFAULT;
    bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    if (ofd && fl.l_pid != 0)
        return -EINVAL;
    struct file_lock req = { .kind = ofd ? LK_OFD : LK_POSIX, .type = fl.l_type,
                             .owner = ofd ? (const void *)f : (const void *)current_files(),
                             .pid = ofd ? -1 : current_proc()->pid };
    int r = flock_range(f, &fl, &req.start, &req.end);
    if (r)
        return r;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK)
        return getlk(f, &fl, &req, arg);
    if (req.type == F_RDLCK ? !FMODE_READ(f) : req.type == F_WRLCK ? !FMODE_WRITE(f) : false)
        return -EBADF;
    if (req.type != F_RDLCK && req.type != F_WRLCK && req.type != F_UNLCK)
        return -EINVAL;
    return lock_set(f->inode, &req, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

long sys_flock(struct sys_call *c)
{
    unsigned op = (unsigned)c->arg[1];
    struct file *f = fd_get((int)c->arg[0]);
    if (!f)
        return -EBADF;
    unsigned cmd = op & ~(unsigned)LOCK_NB;
    struct file_lock req = { .kind = LK_FLOCK, .owner = f, .pid = current_proc()->pid,
                             .start = 0, .end = OFFSET_MAX };
    long r = 0;
    if (f->flags & O_PATH)
        r = -EBADF;
    else if (cmd == LOCK_SH || cmd == LOCK_EX || cmd == LOCK_UN)
        req.type = cmd == LOCK_SH ? F_RDLCK : cmd == LOCK_EX ? F_WRLCK : F_UNLCK;
    else
        r = -EINVAL;
    if (!r && req.type != F_UNLCK) {
        /* A conversion drops the old lock first (not atomic), as Linux does. */
        struct file_lock un = req;
        un.type = F_UNLCK;
        r = lock_set(f->inode, &un, false);
    }
    if (!r)
        r = lock_set(f->inode, &req, !(op & LOCK_NB));
    file_put(f);
    return r == -EAGAIN ? -EWOULDBLOCK : r;
}

/* Drop every lock on ino matching kind class and owner. */
static void remove_owned(struct inode *ino, const void *owner, bool posix)
{
    if (!atomic_load(&ino->nr_file_locks))
        return;
    bool any = false;
    mutex_lock(&locks_mutex);
    struct list_head *l, *n;
    for (l = ino->file_locks.next; l != &ino->file_locks; l = n) {
        n = l->next;
        struct file_lock *fl = list_entry(l, struct file_lock, node);
        if (fl->owner == owner && (fl->kind == LK_POSIX) == posix) {
            lock_unlink_locked(ino, fl);
            any = true;
        }
    }
    if (any)
        wq_wake_all(&locks_wq);
    mutex_unlock(&locks_mutex);
}

void locks_remove_posix(struct file *f, struct files *ft) { remove_owned(f->inode, ft, true); }
void locks_remove_file(struct file *f) { remove_owned(f->inode, f, false); }

void locks_free_inode(struct inode *ino)
{
    if (!ino->file_locks.next)
        return;     /* never initialised (not made by inode_new) */
    struct list_head *l, *n;
    for (l = ino->file_locks.next; l != &ino->file_locks; l = n) {
        n = l->next;
        kfree(list_entry(l, struct file_lock, node));
    }
}
