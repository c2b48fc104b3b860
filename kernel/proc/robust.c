// SPDX-License-Identifier: MPL-2.0
// Robust futexes: set_robust_list/get_robust_list and the list walk at thread exit (FUTEX_OWNER_DIED).
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/futex_robust.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "proc/futex.h"
#include "syscall/syscall.h"

long sys_set_robust_list(struct sys_call *c);
long sys_get_robust_list(struct sys_call *c);

long sys_set_robust_list(struct sys_call *c)
{
    if (c->arg[1] != sizeof(struct k_robust_list_head))
        return -EINVAL;
    __atomic_store_n(&thread_current()->robust_list, c->arg[0], __ATOMIC_RELAXED);
    return 0;
}

/* May the caller read another process's robust list (Linux: ptrace read access with real ids)? */
static bool may_inspect(const struct cred *me, const struct cred *them)
{
    if (me->euid == 0)
        return true;
    return me->uid == them->uid && me->uid == them->euid && me->uid == them->suid &&
           me->gid == them->gid && me->gid == them->egid && me->gid == them->sgid;
}

/* The robust list head of thread tid (0: the caller): 0, -ESRCH or -EPERM. */
static long robust_of(int tid, uint64_t *head)
{
    struct thread *self = thread_current();
    if (tid == 0 || tid == self->tid) {
        *head = self->robust_list;
        return 0;
    }
    long r = -ESRCH;
    mutex_lock(&tasklist_lock);
    for (struct process *p = proc_next_locked(NULL); p && r == -ESRCH; p = proc_next_locked(p)) {
        if (p->state != PROC_ALIVE)
            continue;
        mutex_lock(&p->lock);
        struct thread *t = thread_find_locked(p, tid);
        if (t) {
            r = p == self->proc || may_inspect(self->proc->cred, p->cred) ? 0 : -EPERM;
            *head = __atomic_load_n(&t->robust_list, __ATOMIC_RELAXED);
        }
        mutex_unlock(&p->lock);
    }
    mutex_unlock(&tasklist_lock);
    return r;
}

long sys_get_robust_list(struct sys_call *c)
{
    uint64_t head = 0, len = sizeof(struct k_robust_list_head);
    long r = robust_of((int)c->arg[0], &head);
    if (r)
        return r;
    if (copy_to_user(uptr(c->arg[2]), &len, sizeof(len)))
        return -EFAULT;
    return copy_to_user(uptr(c->arg[1]), &head, sizeof(head)) ? -EFAULT : 0;
}

/*
 * The futex word at uaddr belonged to the exiting thread tid: mark the owner
 * dead (keeping FUTEX_WAITERS) and wake one waiter. A pending operation on a
 * free word only wakes (the owner died between unlock and wake). False if
 * the word cannot be accessed: the walk stops.
 */
static bool futex_owner_died(uint64_t uaddr, int tid, bool pi, bool pending)
{
    if (uaddr & 3)
        return false;
    for (int tries = 0; tries < 64; tries++) {
        uint32_t uval, cur;
        if (copy_from_user(&uval, uptr(uaddr), sizeof(uval)))
            return false;
        if (pending && !pi && uval == 0) {
            futex_wake_addr(uaddr, 1);
            return true;
        }
        if ((uval & FUTEX_TID_MASK) != (uint32_t)tid)
            return true;
        uint32_t mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (user_cmpxchg_u32(uptr(uaddr), uval, mval, &cur))
            return false;
        if (cur != uval)
            continue;       /* a waiter changed it meanwhile: look again */
        if (!pi && (uval & FUTEX_WAITERS))
            futex_wake_addr(uaddr, 1);
        return true;
    }
    return true;    /* FIXME: a word changing under us 64 times in a row is left alone */
}

/* Read a list pointer: the entry address and its PI bit. False on a fault. */
static bool fetch_entry(uint64_t at, uint64_t *entry, bool *pi)
{
    uint64_t v;
    if (copy_from_user(&v, uptr(at), sizeof(v)))
        return false;
    *entry = v & ~1ULL;
    *pi = v & 1;
    return true;
}

void robust_list_exit(struct thread *th)
{
    uint64_t head = th->robust_list;
    th->robust_list = 0;
    if (!head)
        return;
    uint64_t entry, pending, next = 0;
    int64_t off;
    bool pi, ppi, npi = false;
    if (!fetch_entry(head, &entry, &pi) ||
        copy_from_user(&off, uptr(head + offsetof(struct k_robust_list_head, futex_offset)), sizeof(off)) ||
        !fetch_entry(head + offsetof(struct k_robust_list_head, list_op_pending), &pending, &ppi))
        return;
    /* Bounded (a cycle ends after ROBUST_LIST_LIMIT) and fault-safe (a bad pointer ends the walk). */
    for (int n = 0; entry != head && n < ROBUST_LIST_LIMIT; n++) {
        bool ok = fetch_entry(entry, &next, &npi);
        if (entry != pending && !futex_owner_died(entry + (uint64_t)off, th->tid, pi, false))
            return;
        if (!ok)
            return;
        entry = next;
        pi = npi;
    }
    if (pending)
        futex_owner_died(pending + (uint64_t)off, th->tid, ppi, true);
}
