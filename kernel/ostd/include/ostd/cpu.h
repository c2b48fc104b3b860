// SPDX-License-Identifier: MPL-2.0
// CPU enumeration and cross-CPU calls.
#ifndef OSTD_CPU_H
#define OSTD_CPU_H

#include <ostd/types.h>

#define MAX_CPUS 64

unsigned cpu_count(void);      /* CPUs online */
unsigned cpu_this(void);       /* index of the calling CPU (stable only with preemption off) */
/* Run fn(arg) on every online CPU (including this one) and wait for all. Task context. */
void cpu_call_all(void (*fn)(void *), void *arg);
void cpu_relax(void);
/* Disable/enable preemption of the current task (nesting). */
void preempt_disable(void);
void preempt_enable(void);

/* Hardware randomness (RDRAND when present, else a TSC-seeded mixer); not for keys. */
uint64_t cpu_random_u64(void);
/* CPUID.1:EDX, what Linux reports as AT_HWCAP on x86-64. */
uint32_t cpu_hwcap(void);

#endif
