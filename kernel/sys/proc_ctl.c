// SPDX-License-Identifier: MPL-2.0
// Per-process scheduling and prctl attributes: defaults for init, inheritance at fork, reset at exec.
#include "sys/proc_ctl.h"

void proc_ctl_init(struct proc_ctl *c)
{
    *c = (struct proc_ctl){ .affinity = ~0ULL, .dumpable = 1 };
}

void proc_ctl_fork(struct proc_ctl *child, const struct proc_ctl *parent)
{
    *child = *parent;
    if (parent->reset_on_fork && child->nice < 0)
        child->nice = 0;
    child->reset_on_fork = false;
    child->pdeath_signal = 0;
    child->child_subreaper = false;
}

void proc_ctl_exec(struct proc_ctl *c)
{
    /* FIXME: a set-user-ID exec would also clear pdeath_signal and leave dumpable 0 (suid_dumpable). */
    c->dumpable = 1;
}
