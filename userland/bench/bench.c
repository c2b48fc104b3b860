// SPDX-License-Identifier: MPL-2.0
// Benchmark program: /init of the bench initramfs; prints one line per metric.
//
// Output lines: "BENCH <metric> <value> <unit>" (lower is better for times,
// higher for rates), "BENCH <metric> unsupported <why>", then "BENCH-DONE".
// Run as pid 1 it powers the machine off at the end. Arguments: an optional
// scale factor for the iteration counts and metric names to run (all by
// default); on a kernel command line they come after "--".
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void bench_report(const char *name, double value, const char *unit)
{
	printf("BENCH %s %.3f %s\n", name, value, unit);
	fflush(stdout);
}

void bench_unsupported(const char *name, const char *why)
{
	printf("BENCH %s unsupported %s\n", name, why);
	fflush(stdout);
}

static const struct bench_metric *const areas[] = {
	bench_sys_metrics, bench_proc_metrics, bench_ipc_metrics, bench_mm_metrics,
	bench_fs_metrics, bench_ext2_metrics, bench_crun_metrics,
};

static int wanted(const char *name, int argc, char **argv, int first)
{
	if (first >= argc)
		return 1;
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

/* How long the kernel took to reach this program, by its own clock. */
static void report_boot_clock(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0)
		bench_report("boot_to_init_kernel_clock",
			     ts.tv_sec * 1e3 + ts.tv_nsec / 1e6, "ms");
}

static void setup_mounts(void)
{
	mkdir("/proc", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	/* The root may be the initramfs itself; a tmpfs keeps file metrics
	 * on the same file system type on every kernel. */
	mount("tmpfs", "/tmp", "tmpfs", 0, "size=256m");
}

int main(int argc, char **argv)
{
	int first = 1, scale = 1;

	printf("BENCH-START\n");
	report_boot_clock();
	if (getpid() == 1)
		setup_mounts();
	if (argc > 1 && atoi(argv[1]) > 0) {
		scale = atoi(argv[1]);
		first = 2;
	}
	for (size_t a = 0; a < sizeof(areas) / sizeof(areas[0]); a++)
		for (const struct bench_metric *m = areas[a]; m->name; m++)
			if (wanted(m->name, argc, argv, first))
				m->run(m->name, scale);
	printf("BENCH-DONE\n");
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return 0;
}
