// SPDX-License-Identifier: MPL-2.0
// times(2): CPU times of the caller in USER_HZ clock ticks, and ticks since boot.
#include <ostd/task.h>
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include "syscall/syscall.h"
#include "time/clock.h"

long sys_times(struct sys_call *c);

#define NS_PER_USER_TICK (NSEC_PER_SEC / USER_HZ)

/*
 * FIXME: the framework counts runtime without a user/system split, so all of
 * it is reported as user time; the process's other threads and the times of
 * waited-for children (cutime/cstime) come with clone and wait4.
 * The return value counts ticks from boot; Linux starts its count at an
 * arbitrary offset, so programs only use differences.
 */
long sys_times(struct sys_call *c)
{
    uptr_t ubuf = uptr(c->arg[0]);
    if (!uptr_is_null(ubuf)) {
        struct kernel_tms tms = {
            .tms_utime = (int64_t)(task_runtime_ns(task_current()) / NS_PER_USER_TICK),
        };
        if (copy_to_user(ubuf, &tms, sizeof(tms)))
            return -EFAULT;
    }
    return (long)(clock_monotonic_ns() / NS_PER_USER_TICK);
}
