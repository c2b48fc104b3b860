// SPDX-License-Identifier: MPL-2.0
// System information syscalls: sysinfo and getcpu.
#include <ostd/cpu.h>
#include <ostd/frame.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/sysinfo.h>
#include "syscall/syscall.h"

long sys_sysinfo(struct sys_call *c);
long sys_getcpu(struct sys_call *c);

/*
 * Sizes are in bytes (mem_unit 1), as Linux reports them on 64-bit.
 * FIXME: load averages need the scheduler to sample run-queue lengths;
 * shared/buffer RAM need the page cache; procs (the number of threads)
 * needs the process table: it is 1, the only process there is today.
 */
long sys_sysinfo(struct sys_call *c)
{
    struct frame_stats st;
    frame_get_stats(&st);
    uint64_t up = clock_monotonic_ns();
    struct kernel_sysinfo si = {
        .uptime = (int64_t)((up + NSEC_PER_SEC - 1) / NSEC_PER_SEC),
        .totalram = st.total * PAGE_SIZE,
        .freeram = st.free * PAGE_SIZE,
        .procs = 1,
        .mem_unit = 1,
    };
    return copy_to_user(uptr(c->arg[0]), &si, sizeof(si)) ? -EFAULT : 0;
}

/* The CPU may change right after the answer, as on Linux; it is a hint. NUMA node is always 0. */
long sys_getcpu(struct sys_call *c)
{
    preempt_disable();
    uint32_t cpu = cpu_this();
    preempt_enable();
    uint32_t node = 0;
    uptr_t ucpu = uptr(c->arg[0]), unode = uptr(c->arg[1]);
    if (!uptr_is_null(ucpu) && copy_to_user(ucpu, &cpu, sizeof(cpu)))
        return -EFAULT;
    if (!uptr_is_null(unode) && copy_to_user(unode, &node, sizeof(node)))
        return -EFAULT;
    return 0;
}
