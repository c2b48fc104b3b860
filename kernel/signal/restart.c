// SPDX-License-Identifier: MPL-2.0
// restart_syscall(2): resume a call interrupted by a stop through the thread's restart block.
#include <uapi/errno.h>
#include "proc/process.h"
#include "signal/signal.h"
#include "syscall/syscall.h"

long sys_restart_syscall(struct sys_call *c);

struct restart_block *signal_restart_block(void)
{
    return &thread_current()->sig.restart;
}

/* The block is used once: a call interrupted again fills it again. Called by hand with none: EINTR, as Linux. */
long sys_restart_syscall(struct sys_call *c)
{
    (void)c;
    struct restart_block *rb = signal_restart_block();
    if (!rb->fn)
        return -EINTR;
    struct restart_block saved = *rb;
    *rb = (struct restart_block){ 0 };
    return saved.fn(&saved);
}
