// SPDX-License-Identifier: MPL-2.0
// Per-process scheduling and prctl attributes: nice, policy, CPU affinity, pdeath signal, subreaper, no_new_privs, dumpable.
#ifndef KEEL_SYS_PROC_CTL_H
#define KEEL_SYS_PROC_CTL_H

#include <ostd/types.h>

/*
 * Embedded in struct process as `ctl`. Linux keeps most of these per thread;
 * Keel keeps them per process (FIXME: per-thread nice and affinity).
 * Fields are guarded by the process's lock, except child_subreaper, which
 * is guarded by tasklist_lock (re-parenting reads it under that lock).
 */
struct proc_ctl {
    int nice;                   /* -20..19 (getpriority/setpriority); inherited by fork */
    bool reset_on_fork;         /* SCHED_RESET_ON_FORK: a child starts at nice >= 0, flag clear */
    uint64_t affinity;          /* sched_setaffinity mask of CPUs 0..63; inherited by fork */
    int pdeath_signal;          /* PR_SET_PDEATHSIG, 0 for none; cleared in a fork child */
    bool child_subreaper;       /* PR_SET_CHILD_SUBREAPER; not inherited */
    bool no_new_privs;          /* PR_SET_NO_NEW_PRIVS; inherited, never cleared */
    int dumpable;               /* PR_SET_DUMPABLE (0 or 1); set back to 1 by exec */
    unsigned personality;       /* personality(2); inherited by fork, kept by exec */
};

/* The attributes of init (pid 1). */
void proc_ctl_init(struct proc_ctl *c);
/* A fork child's attributes from its parent's (parent's lock held). */
void proc_ctl_fork(struct proc_ctl *child, const struct proc_ctl *parent);
/* execve succeeded (process lock held). */
void proc_ctl_exec(struct proc_ctl *c);

#endif
