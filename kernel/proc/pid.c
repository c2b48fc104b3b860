// SPDX-License-Identifier: MPL-2.0
// PID number allocation inside a PID namespace.
#include <uapi/errno.h>
#include "proc/pid.h"

/*
 * FIXME: nested namespaces (CLONE_NEWPID) will give a process one number per
 * ancestor namespace; today every process lives in root_pid_ns only.
 */
struct pid_ns root_pid_ns = { .refcount = 1, .lock = SPINLOCK_INIT("pid_ns") };

static bool test_bit(const uint64_t *m, int n) { return m[n / 64] & (1ULL << (n % 64)); }

int pid_alloc(struct pid_ns *ns)
{
    unsigned long f = spin_lock_irqsave(&ns->lock);
    int nr = -EAGAIN;
    for (int i = 1; i <= PID_MAX; i++) {
        int cand = (ns->last + i) % PID_MAX;   /* 0 is never used; 1 stays init's for life */
        if (cand != 0 && !test_bit(ns->used, cand)) {
            nr = cand;
            break;
        }
    }
    if (nr > 0) {
        ns->used[nr / 64] |= 1ULL << (nr % 64);
        ns->last = nr;
    }
    spin_unlock_irqrestore(&ns->lock, f);
    return nr;
}

int pid_alloc_nr(struct pid_ns *ns, int nr)
{
    if (nr <= 0 || nr >= PID_MAX)
        return -EINVAL;
    unsigned long f = spin_lock_irqsave(&ns->lock);
    bool used = test_bit(ns->used, nr);
    if (!used)
        ns->used[nr / 64] |= 1ULL << (nr % 64);
    spin_unlock_irqrestore(&ns->lock, f);
    return used ? -EEXIST : nr;
}

void pid_free(struct pid_ns *ns, int nr)
{
    if (nr <= 0 || nr >= PID_MAX)
        return;
    unsigned long f = spin_lock_irqsave(&ns->lock);
    ns->used[nr / 64] &= ~(1ULL << (nr % 64));
    spin_unlock_irqrestore(&ns->lock, f);
}
