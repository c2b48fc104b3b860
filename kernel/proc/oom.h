// SPDX-License-Identifier: MPL-2.0
// The out-of-memory killer: Linux's victim choice when a user page fault finds no free frame.
#ifndef KEEL_PROC_OOM_H
#define KEEL_PROC_OOM_H

struct thread;

/*
 * th's page fault found no frame and the caches had none to give back: kill
 * the process with the largest footprint (or wait for an earlier victim to
 * give its memory back) and return; the fault is then retried, or th's
 * process dies on its way back to user mode if it was the victim. No locks held.
 */
void oom_kill_for_fault(struct thread *th);

#endif
