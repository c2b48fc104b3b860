// SPDX-License-Identifier: MPL-2.0
// Futex wait queues.
#ifndef KEEL_PROC_FUTEX_H
#define KEEL_PROC_FUTEX_H

/* Set up the futex hash table; once, before the first user process runs. */
void futex_init(void);

#endif
