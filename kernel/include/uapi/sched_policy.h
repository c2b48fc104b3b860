/* SPDX-License-Identifier: MPL-2.0 */
/* Scheduling policies and struct sched_param (Linux ABI). */
#ifndef KEEL_UAPI_SCHED_POLICY_H
#define KEEL_UAPI_SCHED_POLICY_H

#define SCHED_OTHER          0
#define SCHED_FIFO           1
#define SCHED_RR             2
#define SCHED_BATCH          3
#define SCHED_IDLE           5
#define SCHED_DEADLINE       6
#define SCHED_RESET_ON_FORK  0x40000000

#define MAX_USER_RT_PRIO     100

struct linux_sched_param {
    int sched_priority;
};

#endif
