// SPDX-License-Identifier: MPL-2.0
// Benchmark of containers: `crun run` of /bin/true, the default `crun spec` configuration.
//
// The initramfs carries /bin/crun and a bundle in /bench-bundle (config.json from
// userland/bench/crun_bundle.sh, a root holding /bin/true). A child process does the work
// so pid 1's mounts stay as they were: in a mount namespace of its own it moves a bind
// mount of the root onto / and chroots into it (Linux's pivot_root refuses the initramfs
// itself, which crun needs; this is what switch_root does), mounts proc, sysfs, cgroup2
// and a tmpfs on /run, then times CRUN_RUNS runs. When crun fails the metric is n/a with
// the first line crun wrote to stderr (and the first setup step that failed, if any).
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define CRUN      "/bin/crun"
#define BUNDLE    "/bench-bundle"
#define NEWROOT   "/crun-root"
#define CRUN_RUNS 20

/* Give the child a root that is a mount of its own (see the file comment). */
static const char *move_root(void)
{
	if (unshare(CLONE_NEWNS) != 0)
		return NULL;    /* no mount namespaces: run crun where we are */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return "cannot make / private";
	mkdir(NEWROOT, 0755);
	if (mount("/", NEWROOT, NULL, MS_BIND, NULL) != 0 || chdir(NEWROOT) != 0)
		return "cannot bind-mount / for the new root";
	if (mount(".", "/", NULL, MS_MOVE, NULL) != 0 || chroot(".") != 0 || chdir("/") != 0)
		return "cannot move the new root onto /";
	return NULL;
}

/* What crun expects of the host: /proc, /sys, a cgroup2 hierarchy, /run for its state. */
static const char *host_mounts(void)
{
	static const char *const dirs[] = { "/proc", "/sys", "/run" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdir(dirs[i], 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) != 0)
		return "cannot mount proc";
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) != 0)
		return "cannot mount sysfs";
	if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) != 0)
		return "cannot mount cgroup2 on /sys/fs/cgroup";
	if (mount("tmpfs", "/run", "tmpfs", 0, NULL) != 0)
		return "cannot mount a tmpfs on /run";
	return NULL;
}

/* One `crun run`; 0 on success, else -1 with crun's first stderr line in why. */
static int crun_once(int i, char *why, size_t len)
{
	char id[32], *argv[] = { CRUN, "run", "--bundle", BUNDLE, id, NULL };
	int errp[2], status = 0;
	ssize_t n = 0;
	pid_t pid;

	snprintf(id, sizeof(id), "bench%d", i);
	if (pipe2(errp, O_CLOEXEC) != 0)
		return snprintf(why, len, "pipe failed"), -1;
	pid = fork();
	if (pid == 0) {
		dup2(errp[1], 2);
		execv(CRUN, argv);
		_exit(127);
	}
	close(errp[1]);
	if (pid > 0)
		n = read(errp[0], why, len - 1);
	close(errp[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return snprintf(why, len, "fork or wait failed"), -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	why[n > 0 ? n : 0] = '\0';
	why[strcspn(why, "\n")] = '\0';
	if (!why[0])
		snprintf(why, len, "crun exited with status 0x%x", status);
	return -1;
}

/* The child: set up, run, report; exits. Setup problems only matter if crun then fails. */
static void crun_child(const char *name)
{
	const char *setup = move_root();
	char why[200], reason[320];
	uint64_t t0;
	int i;

	if (!setup)
		setup = host_mounts();
	t0 = bench_now_ns();
	for (i = 0; i < CRUN_RUNS; i++) {
		if (crun_once(i, why, sizeof(why)) != 0) {
			snprintf(reason, sizeof(reason), "containers do not run yet: crun: %s%s%s%s",
				 why, setup ? " (setup: " : "", setup ? setup : "", setup ? ")" : "");
			bench_unsupported(name, reason);
			_exit(1);
		}
		if (i >= 2 && bench_now_ns() - t0 > 3 * BENCH_BUDGET_NS) {
			i++;
			break;
		}
	}
	bench_report(name, (double)(bench_now_ns() - t0) / i / 1e6, "ms");
	_exit(0);
}

static int crun_run_true(const char *name, int scale)
{
	struct stat st;
	int status;
	pid_t pid;

	(void)scale;
	if (stat(CRUN, &st) != 0 || stat(BUNDLE "/config.json", &st) != 0) {
		bench_unsupported(name, "crun or its bundle is not in the initramfs");
		return -1;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		crun_child(name);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		bench_unsupported(name, "fork or wait failed");
		return -1;
	}
	if (WIFSIGNALED(status)) {
		bench_unsupported(name, "the crun benchmark process was killed by a signal");
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

const struct bench_metric bench_crun_metrics[] = {
	{ "crun_run_true", crun_run_true },
	{ 0, 0 },
};
