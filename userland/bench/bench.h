// SPDX-License-Identifier: MPL-2.0
// Shared helpers of the benchmark program: timing, result lines, metric table.
#ifndef KEEL_BENCH_H
#define KEEL_BENCH_H

#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t bench_now_ns(void);

/* Time budget of one metric's loop: loops stop early once it is spent. */
#define BENCH_BUDGET_NS 2000000000ull

/*
 * True when the loop that started at t0 has used its budget; checked every
 * 64 iterations only, so cheap loops are not dominated by the clock.
 */
static inline int bench_over_budget(long i, uint64_t t0)
{
	return (i & 63) == 63 && bench_now_ns() - t0 > BENCH_BUDGET_NS;
}

/* Print one result line "BENCH <name> <value> <unit>". */
void bench_report(const char *name, double value, const char *unit);

/* Print "BENCH <name> unsupported <why>" (the metric could not run). */
void bench_unsupported(const char *name, const char *why);

/*
 * A metric: run() measures and reports; it returns 0, or -1 after
 * reporting the metric unsupported. scale multiplies iteration counts
 * (BENCH_SCALE on the command line, default 1).
 */
struct bench_metric {
	const char *name;
	int (*run)(const char *name, int scale);
};

/* The metrics of each area, ended by a { NULL, NULL } entry. */
extern const struct bench_metric bench_sys_metrics[];
extern const struct bench_metric bench_proc_metrics[];
extern const struct bench_metric bench_ipc_metrics[];
extern const struct bench_metric bench_mm_metrics[];
extern const struct bench_metric bench_fs_metrics[];
extern const struct bench_metric bench_ext2_metrics[];
extern const struct bench_metric bench_crun_metrics[];

/* Path of a tiny static program that exits 0 (for exec metrics). */
#define BENCH_TRUE_PATH "/bin/true"

#endif
