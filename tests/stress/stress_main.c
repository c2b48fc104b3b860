// SPDX-License-Identifier: MPL-2.0
// The stress program (/init): every phase on all CPUs at once, with leak checks after each phase.
//
// Arguments (after `--` on the kernel command line): scale=N multiplies the work of every phase
// (1 in `make test`, more in `make stress`), workers=N sets the processes per phase (4).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "stress.h"
#include "stress_leak.h"
#include "tap.h"

/*
 * MemFree may end this much below the baseline: per-CPU page lists, slab partial pages
 * and other allocator slack that is not a leak (Linux needs most of it).
 */
#define MEM_TOLERANCE_KB 4096

struct phase {
	const char *name;
	bool (*run)(void);
	const char *desc;
};

static const struct phase phases[] = {
	{ "fork", phase_fork, "fork storm with exit codes; orphans (also clone children) reaped by init" },
	{ "exec", phase_exec, "fork+exec, also from a process with a second thread" },
	{ "threads", phase_threads, "threads mapping, filling and checksumming memory" },
	{ "mmap", phase_mmap, "mmap/mprotect/munmap splits, copy-on-write and shared pages" },
	{ "pipes", phase_pipes, "pipes with several writers: atomic checksummed records in order" },
	{ "unix", phase_unix, "AF_UNIX stream/seqpacket/dgram pairs and a listener, checksummed" },
	{ "tmpfs", phase_tmpfs, "tmpfs trees created, renamed, verified and removed" },
	{ "ext2", phase_ext2, "20 mount cycles; trees created, renamed, verified, removed; remount keeps data" },
	{ "pty", phase_pty, "devpts instances mounted, used for a pty round trip and unmounted, again and again" },
	{ "oom", phase_oom, "a memory hog dies by SIGKILL, a bystander keeps its memory" },
};
#define NPHASES (int)(sizeof(phases) / sizeof(phases[0]))
#define CHECKS_PER_PHASE 5

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "scale=", 6))
			cfg.scale = atoi(argv[i] + 6) > 0 ? atoi(argv[i] + 6) : 1;
		else if (!strncmp(argv[i], "workers=", 8))
			cfg.workers = atoi(argv[i] + 8) > 0 ? atoi(argv[i] + 8) : 4;
	}
}

static void leak_checks(const char *name, const struct snapshot *base)
{
	struct snapshot now;
	char d[160];

	snapshot_take(&now);
	printf("# %s: MemFree %ld kB (baseline %ld, %+ld), fds %d, mounts %d, procs %d\n", name,
	       now.memfree_kb, base->memfree_kb, now.memfree_kb - base->memfree_kb, now.fds,
	       now.mounts, now.procs);
	fflush(stdout);
	snprintf(d, sizeof(d), "%s: MemFree back within %d kB of the baseline", name,
		 MEM_TOLERANCE_KB);
	tap_ok(now.memfree_kb > 0 && now.memfree_kb >= base->memfree_kb - MEM_TOLERANCE_KB, d);
	snprintf(d, sizeof(d), "%s: open fds back to the baseline", name);
	tap_eq_long(now.fds, base->fds, d);
	snprintf(d, sizeof(d), "%s: mounts back to the baseline", name);
	tap_eq_long(now.mounts, base->mounts, d);
	snprintf(d, sizeof(d), "%s: process count back to the baseline", name);
	tap_eq_long(now.procs, base->procs, d);
}

static void setup_checks(bool disk)
{
	tap_ok(disk, "the ext2 disk is attached (/dev/vda)");
	tap_eq_long(drop_caches("3"), 0, "drop_caches accepts 3");
	errno = 0;
	tap_ok(drop_caches("0") == -1 && errno == EINVAL, "drop_caches rejects 0 with EINVAL");
}

int main(int argc, char **argv)
{
	struct snapshot base;

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return EXEC_EXIT;
	parse_args(argc, argv);
	tap_plan(3 + NPHASES * CHECKS_PER_PHASE);
	mount("proc", "/proc", "proc", 0, 0);
	mount("tmpfs", "/tmp", "tmpfs", 0, 0);
	setup_checks(ext2_setup());
	printf("# scale %d, %d workers\n", cfg.scale, cfg.workers);
	/* One pass first so lazily built kernel state (caches, tables) is not counted as a leak. */
	int keep = cfg.scale;

	cfg.scale = 1;
	cfg.warmup = true;
	for (int i = 0; i < NPHASES; i++)
		phases[i].run();
	cfg.scale = keep;
	cfg.warmup = false;
	snapshot_take(&base);
	for (int i = 0; i < NPHASES; i++) {
		char d[160];

		struct timespec t0, t1;

		snprintf(d, sizeof(d), "%s: %s", phases[i].name, phases[i].desc);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		tap_ok(phases[i].run(), d);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("# %s took %ld ms\n", phases[i].name,
		       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
		leak_checks(phases[i].name, &base);
	}
	tap_finish();
}
