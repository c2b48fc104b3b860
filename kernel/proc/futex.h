// SPDX-License-Identifier: MPL-2.0
// Futex wait queues and robust futex lists.
#ifndef KEEL_PROC_FUTEX_H
#define KEEL_PROC_FUTEX_H

/* Set up the futex hash table; once, before the first user process runs. */
void futex_init(void);

struct thread;
/* th is exiting: walk its robust list (set_robust_list) and mark the futexes it holds FUTEX_OWNER_DIED. */
void robust_list_exit(struct thread *th);

#endif
