// SPDX-License-Identifier: MPL-2.0
// pidfds: the hooks the process life cycle, waitid and clone call.
#ifndef KEEL_PROC_PIDFD_H
#define KEEL_PROC_PIDFD_H

#include <ostd/types.h>

struct process;

/* p became a zombie: its pidfds turn readable. tasklist_lock held. */
void pidfd_exited_locked(struct process *p);
/* p is being freed (reaped): its pidfds now name no process. tasklist_lock held (or p never published). */
void pidfd_detach_locked(struct process *p);
/* CLONE_PIDFD: a pidfd for the new child np in the caller's table: the fd or -errno. */
int pidfd_for_child(struct process *np);
/* The pid a pidfd names (*reaped: it is gone), or -EBADF. */
int pidfd_to_pid(int fd, bool *reaped);

#endif
