// SPDX-License-Identifier: MPL-2.0
// Powering the machine off with an exit code the test harness can read.
#ifndef OSTD_POWER_H
#define OSTD_POWER_H

#include <ostd/types.h>

/*
 * Power off. code == 0: ACPI S5 (QEMU exits with status 0). code != 0: the
 * isa-debug-exit device when present (QEMU exits with (code << 1) | 1), else S5.
 */
__noreturn void power_off(int code);
/* Reset the machine (ACPI reset register, keyboard controller, triple fault). */
__noreturn void machine_restart(void);

#endif
