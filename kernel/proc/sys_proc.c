// SPDX-License-Identifier: MPL-2.0
// Process syscalls available so far: exit, exit_group, getpid, gettid, set_tid_address, arch_prctl.
#include <ostd/user.h>
#include <ostd/vm_space.h>
#include <uapi/errno.h>
#include <uapi/prctl.h>
#include "proc/process.h"
#include "syscall/syscall.h"

long sys_exit(struct sys_call *c);
long sys_exit_group(struct sys_call *c);
long sys_getpid(struct sys_call *c);
long sys_gettid(struct sys_call *c);
long sys_set_tid_address(struct sys_call *c);
long sys_arch_prctl(struct sys_call *c);

/* FIXME: with one thread per process (until clone exists) exit and exit_group coincide. */
long sys_exit(struct sys_call *c) { process_exit(((int)c->arg[0] & 0xff) << 8); }
long sys_exit_group(struct sys_call *c) { process_exit(((int)c->arg[0] & 0xff) << 8); }
long sys_getpid(struct sys_call *c) { (void)c; return thread_current()->proc->pid; }
long sys_gettid(struct sys_call *c) { (void)c; return thread_current()->tid; }

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
