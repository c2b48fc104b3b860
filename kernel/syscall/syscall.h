// SPDX-License-Identifier: MPL-2.0
// The syscall table's types and the dispatcher entry point.
#ifndef KEEL_SYSCALL_H
#define KEEL_SYSCALL_H

#include <ostd/types.h>
#include <ostd/user.h>

struct sys_call {
    uint64_t arg[6];
    struct user_context *uctx;
};

typedef long (*syscall_fn)(struct sys_call *c);

struct syscall_entry {
    const char *name;
    syscall_fn fn;
};

/* Generated from kernel/syscall/syscall.tbl by kernel/tools/gen_syscalls.py. */
extern const struct syscall_entry syscall_table[];
extern const unsigned syscall_table_size;

/* Run the syscall described by uc's registers and store the result in rax. */
void syscall_dispatch(struct user_context *uc);

#endif
