// SPDX-License-Identifier: MPL-2.0
// The one fork path shared by fork, vfork, clone and clone3.
#ifndef KEEL_PROC_CLONE_H
#define KEEL_PROC_CLONE_H

#include <ostd/types.h>

struct user_context;

/* CLONE_* flags above the low 32 bits, only clone3 can pass them. */
#define CLONE_CLEAR_SIGHAND 0x100000000ULL      /* the child's caught signals go back to SIG_DFL */
#define CLONE_INTO_CGROUP   0x200000000ULL      /* start the child in the cgroup of clone_args.cgroup */

struct clone_req {
    uint64_t flags;         /* CLONE_* | exit signal in the low byte (| CLONE_CLEAR_SIGHAND) */
    uint64_t stack;         /* new rsp, 0: same as the parent */
    uint64_t parent_tid, child_tid, tls;
    int set_tid;            /* clone3 set_tid: the pid/tid wanted, 0 for any */
    uint64_t pidfd;         /* CLONE_PIDFD: where the parent gets the child's pidfd (an int) */
};

/* Create a process or thread as r says, the child resuming from uc: its id or -errno. */
long proc_clone(const struct clone_req *r, const struct user_context *uc);

#endif
