// SPDX-License-Identifier: MPL-2.0
// clone3: struct clone_args (sizes 64/80/88) checked as Linux does, then the common fork path.
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/sched.h>
#include <uapi/signal.h>
#include "proc/process.h"
#include "proc/cred.h"
#include "proc/pid.h"
#include "proc/clone.h"
#include "syscall/syscall.h"

long sys_clone3(struct sys_call *c);

/* struct clone_args; the versions end after tls (64 bytes), set_tid_size (80) and cgroup (88). */
struct k_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
    uint64_t stack, stack_size, tls;
    uint64_t set_tid, set_tid_size;
    uint64_t cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64
#define CLONE_ARGS_SIZE_VER2 88
#define CLONE_ARGS_MAX       4096       /* PAGE_SIZE: larger is E2BIG */
#define CLONE_NEWTIME        0x80       /* the one clone3 flag inside the CSIGNAL bits */
#define MAX_PID_NS_LEVEL     32

/* Copy usize bytes of clone_args; a longer struct must be zero past what we know (else E2BIG). */
static long args_from_user(struct k_clone_args *a, uint64_t uargs, uint64_t usize)
{
    if (usize > CLONE_ARGS_MAX)
        return -E2BIG;
    if (usize < CLONE_ARGS_SIZE_VER0)
        return -EINVAL;
    memset(a, 0, sizeof(*a));
    size_t known = usize < sizeof(*a) ? usize : sizeof(*a);
    if (copy_from_user(a, uptr(uargs), known))
        return -EFAULT;
    for (uint64_t off = known; off < usize; off += 8) {
        uint64_t v = 0;
        size_t n = usize - off < 8 ? usize - off : 8;
        if (copy_from_user(&v, uptr(uargs + off), n))
            return -EFAULT;
        if (v)
            return -E2BIG;
    }
    return 0;
}

/* Linux's checks, in its order. */
static long args_check(struct k_clone_args *a, uint64_t usize)
{
    if (a->set_tid_size > MAX_PID_NS_LEVEL || (!a->set_tid && a->set_tid_size) ||
        (a->set_tid && !a->set_tid_size))
        return -EINVAL;
    if ((a->exit_signal & ~(uint64_t)CSIGNAL) || a->exit_signal > KNSIG)
        return -EINVAL;
    if ((a->flags & CLONE_INTO_CGROUP) && (a->cgroup > 0x7fffffff || usize < CLONE_ARGS_SIZE_VER2))
        return -EINVAL;
    if (a->flags & ~(0xffffffffULL | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
        return -EINVAL;
    if (a->flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
        return -EINVAL;
    if ((a->flags & CLONE_SIGHAND) && (a->flags & CLONE_CLEAR_SIGHAND))
        return -EINVAL;
    if ((a->flags & (CLONE_THREAD | CLONE_PARENT)) && a->exit_signal)
        return -EINVAL;
    if (a->stack ? !a->stack_size || a->stack + a->stack_size < a->stack ||
                   a->stack + a->stack_size > VM_USER_TOP
                 : a->stack_size != 0)
        return -EINVAL;
    return 0;
}

/* set_tid: one level (there are no nested pid namespaces); the pid wanted, or -errno. */
static long set_tid_from_user(const struct k_clone_args *a, int *tid)
{
    int32_t want[MAX_PID_NS_LEVEL];
    *tid = 0;
    if (!a->set_tid)
        return 0;
    if (copy_from_user(want, uptr(a->set_tid), a->set_tid_size * sizeof(int32_t)))
        return -EFAULT;
    if (a->set_tid_size > 1)
        return -EINVAL;     /* more levels than the (root) pid namespace has */
    if (want[0] < 1 || want[0] >= PID_MAX)
        return -EINVAL;
    if (current_proc()->cred->euid != 0)
        return -EPERM;      /* CAP_CHECKPOINT_RESTORE / CAP_SYS_ADMIN: root only for now */
    *tid = want[0];
    return 0;
}

long sys_clone3(struct sys_call *c)
{
    struct k_clone_args a;
    uint64_t usize = c->arg[1];
    long r = args_from_user(&a, c->arg[0], usize);
    if (!r)
        r = args_check(&a, usize);
    int tid = 0;
    if (!r)
        r = set_tid_from_user(&a, &tid);
    if (r)
        return r;
    /* FIXME: time namespaces (CLONE_NEWTIME) do not exist yet. */
    if (a.flags & CLONE_NEWTIME)
        return -EINVAL;
    if ((a.flags & CLONE_PIDFD) && (a.flags & CLONE_PARENT_SETTID) && a.pidfd == a.parent_tid)
        return -EINVAL;
    /* FIXME: no cgroup file system exists, so no descriptor names a cgroup (Linux: EBADF). */
    if (a.flags & CLONE_INTO_CGROUP)
        return -EBADF;
    struct clone_req req = {
        .flags = a.flags | a.exit_signal,
        .stack = a.stack ? a.stack + a.stack_size : 0,
        .parent_tid = a.parent_tid, .child_tid = a.child_tid, .tls = a.tls,
        .set_tid = tid, .pidfd = a.pidfd,
    };
    return proc_clone(&req, c->uctx);
}
