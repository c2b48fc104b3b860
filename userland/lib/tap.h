// SPDX-License-Identifier: MPL-2.0
// TAP (Test Anything Protocol) output for userland tests, using only write(2).
#ifndef KEEL_USERLAND_TAP_H
#define KEEL_USERLAND_TAP_H

#include <stdbool.h>

/* Print a newline, then the plan line "1..n". Call once, before any result. */
void tap_plan(int n);

/* Print "ok N - desc" or "not ok N - desc"; returns cond. */
bool tap_ok(bool cond, const char *desc);

/* Print "ok N - desc # SKIP reason". */
void tap_skip(const char *desc, const char *reason);

/* Print "# msg". */
void tap_diag(const char *msg);

/* Print "# label: got G, want W" (for a failed comparison). */
void tap_diag_long(const char *label, long got, long want);

/*
 * Compare two longs as one test; on mismatch also prints a diagnostic
 * naming both values. Returns whether they were equal.
 */
bool tap_eq_long(long got, long want, const char *desc);

/* Number of failed tests so far. */
int tap_failures(void);

/*
 * End the run: print a diagnostic if the plan was not met, then, when the
 * caller is pid 1 (init in a test VM), power the machine off with
 * reboot(RB_POWER_OFF); otherwise exit with status 0 if every test passed
 * and the plan was met, 1 if not. Never returns.
 */
_Noreturn void tap_finish(void);

#endif
