// SPDX-License-Identifier: MPL-2.0
// PID namespaces: per-namespace number allocation with reuse (one root namespace for now).
#ifndef KEEL_PROC_PID_H
#define KEEL_PROC_PID_H

#include <ostd/types.h>
#include <ostd/sync.h>

#define PID_MAX 32768

struct pid_ns {
    uint32_t refcount;          /* atomic */
    struct pid_ns *parent;      /* NULL for the root namespace */
    int level;
    spinlock_t lock;            /* guards last, used */
    int last;                   /* last number handed out: allocation is cyclic */
    uint64_t used[PID_MAX / 64];
};

extern struct pid_ns root_pid_ns;

/* Allocate the next free number in ns (cyclic, so numbers are reused); -EAGAIN when full. */
int pid_alloc(struct pid_ns *ns) __must_check;
/* Allocate exactly nr (clone3 set_tid): nr, -EINVAL (out of range) or -EEXIST (in use). */
int pid_alloc_nr(struct pid_ns *ns, int nr) __must_check;
void pid_free(struct pid_ns *ns, int nr);

#endif
