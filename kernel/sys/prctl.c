// SPDX-License-Identifier: MPL-2.0
// prctl(2): process name, parent-death signal, child subreaper, no_new_privs, dumpable, capability queries.
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/prctl_opts.h>
#include <uapi/signal.h>
#include "proc/process.h"
#include "syscall/syscall.h"

long sys_prctl(struct sys_call *c);

static long put_int(uint64_t uaddr, int v)
{
    return copy_to_user(uptr(uaddr), &v, sizeof(v)) ? -EFAULT : 0;
}

/* PR_SET_NAME: up to 15 bytes, the rest of comm cleared. */
static long set_name(uint64_t uaddr)
{
    char name[16] = { 0 };
    long n = strncpy_from_user(name, uptr(uaddr), sizeof(name) - 1);
    if (n < 0 && n != -ENAMETOOLONG)
        return n;           /* a longer name is cut to 15 bytes */
    name[15] = 0;
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    memcpy(p->comm, name, sizeof(p->comm));
    mutex_unlock(&p->lock);
    return 0;
}

static long get_name(uint64_t uaddr)
{
    char name[16];
    struct process *p = current_proc();
    mutex_lock(&p->lock);
    memcpy(name, p->comm, sizeof(name));
    mutex_unlock(&p->lock);
    name[15] = 0;
    return copy_to_user(uptr(uaddr), name, sizeof(name)) ? -EFAULT : 0;
}

/* Options that take one integer setting of the caller's own process. */
static long set_flag(int opt, uint64_t v, const uint64_t *rest)
{
    struct process *p = current_proc();
    switch (opt) {
    case PR_SET_PDEATHSIG:
        if (v > KNSIG)
            return -EINVAL;
        __atomic_store_n(&p->ctl.pdeath_signal, (int)v, __ATOMIC_RELAXED);
        return 0;
    case PR_SET_DUMPABLE:
        if (v > 1)
            return -EINVAL;     /* 2 (root-only core dumps) is for suid_dumpable, not here */
        __atomic_store_n(&p->ctl.dumpable, (int)v, __ATOMIC_RELAXED);
        return 0;
    case PR_SET_NO_NEW_PRIVS:
        if (v != 1 || rest[0] || rest[1] || rest[2])
            return -EINVAL;     /* it can only be set, never cleared */
        __atomic_store_n(&p->ctl.no_new_privs, true, __ATOMIC_RELAXED);
        return 0;
    default:    /* PR_SET_CHILD_SUBREAPER */
        mutex_lock(&tasklist_lock);
        p->ctl.child_subreaper = v != 0;
        mutex_unlock(&tasklist_lock);
        return 0;
    }
}

/*
 * FIXME: other options (seccomp, capabilities ambient/bounding changes,
 * securebits changes, timer slack, THP, speculation control, ...) are
 * -EINVAL, as Linux answers an option it does not know.
 */
long sys_prctl(struct sys_call *c)
{
    int opt = (int)c->arg[0];
    uint64_t a2 = c->arg[1];
    struct process *p = current_proc();
    switch (opt) {
    case PR_SET_NAME:
        return set_name(a2);
    case PR_GET_NAME:
        return get_name(a2);
    case PR_SET_PDEATHSIG:
    case PR_SET_DUMPABLE:
    case PR_SET_NO_NEW_PRIVS:
    case PR_SET_CHILD_SUBREAPER:
        return set_flag(opt, a2, &c->arg[2]);
    case PR_GET_PDEATHSIG:
        return put_int(a2, __atomic_load_n(&p->ctl.pdeath_signal, __ATOMIC_RELAXED));
    case PR_GET_CHILD_SUBREAPER:
        return put_int(a2, __atomic_load_n(&p->ctl.child_subreaper, __ATOMIC_RELAXED));
    case PR_GET_DUMPABLE:
        return __atomic_load_n(&p->ctl.dumpable, __ATOMIC_RELAXED);
    case PR_GET_NO_NEW_PRIVS:
        if (a2 || c->arg[2] || c->arg[3] || c->arg[4])
            return -EINVAL;
        return __atomic_load_n(&p->ctl.no_new_privs, __ATOMIC_RELAXED);
    case PR_GET_SECUREBITS:
        return 0;   /* FIXME: no securebits exist until capabilities do; none is set */
    case PR_CAPBSET_READ:
        /* FIXME: no capabilities yet: the bounding set is full, as for init on Linux. */
        return a2 <= CAP_LAST_CAP ? 1 : -EINVAL;
    default:
        return -EINVAL;
    }
}
