// SPDX-License-Identifier: MPL-2.0
// What happens when a user thread traps with a CPU exception.
#ifndef KEEL_PROC_FAULT_H
#define KEEL_PROC_FAULT_H

struct thread;
/* Resolve the fault (demand paging) or terminate the process with the matching signal status. */
void user_exception(struct thread *th);

#endif
