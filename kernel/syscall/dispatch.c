// SPDX-License-Identifier: MPL-2.0
// Syscall dispatch through the generated table; unknown or unimplemented numbers give -ENOSYS.
#include <ostd/console.h>
#include <uapi/errno.h>
#include "syscall/syscall.h"

void syscall_dispatch(struct user_context *uc)
{
    uint64_t nr = uc->regs.rax;
    long ret = -ENOSYS;
    if (nr < syscall_table_size && syscall_table[nr].fn) {
        struct sys_call c = { .uctx = uc };
        for (int i = 0; i < 6; i++)
            c.arg[i] = uctx_syscall_arg(uc, i);
        ret = syscall_table[nr].fn(&c);
    } else {
        pr_debug("syscall %lu (%s) not implemented\n", nr,
                 nr < syscall_table_size ? syscall_table[nr].name : "?");
    }
    uc->regs.rax = (uint64_t)ret;
}
