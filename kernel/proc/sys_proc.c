// SPDX-License-Identifier: MPL-2.0
// Thread identity and state syscalls: getpid, getppid, gettid, set_tid_address, arch_prctl.
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <uapi/errno.h>
#include <uapi/prctl.h>
#include "proc/process.h"
#include "syscall/syscall.h"

long sys_getpid(struct sys_call *c);
long sys_getppid(struct sys_call *c);
long sys_gettid(struct sys_call *c);
long sys_set_tid_address(struct sys_call *c);
long sys_arch_prctl(struct sys_call *c);

long sys_getpid(struct sys_call *c) { (void)c; return current_proc()->pid; }
long sys_gettid(struct sys_call *c) { (void)c; return thread_current()->tid; }

long sys_getppid(struct sys_call *c)
{
    (void)c;
    return __atomic_load_n(&current_proc()->ppid, __ATOMIC_RELAXED);   /* no lock: see struct process */
}

long sys_set_tid_address(struct sys_call *c)
{
    struct thread *th = thread_current();
    th->clear_child_tid = c->arg[0];
    return th->tid;
}

long sys_arch_prctl(struct sys_call *c)
{
    struct user_context *uc = c->uctx;
    uint64_t addr = c->arg[1];
    switch (c->arg[0]) {
    case ARCH_SET_FS:
        if (addr >= VM_USER_TOP)
            return -EPERM;
        uc->fs_base = addr;
        return 0;
    case ARCH_SET_GS:
        if (addr >= VM_USER_TOP)
            return -EPERM;
        uc->gs_base = addr;
        return 0;
    case ARCH_GET_FS:
        return copy_to_user(uptr(addr), &uc->fs_base, sizeof(uint64_t));
    case ARCH_GET_GS:
        return copy_to_user(uptr(addr), &uc->gs_base, sizeof(uint64_t));
    default:
        return -EINVAL;
    }
}
