// SPDX-License-Identifier: MPL-2.0
// Short stress run: fork/exec/thread/mmap/pipe/tmpfs churn on all CPUs, then
// checks that free memory and the fd table return to their starting level.
//
// Each phase runs a fixed amount of work in several processes at once and
// checks every result; the leak checks compare /proc/meminfo MemFree (after
// dropping nothing: tmpfs files are deleted, children reaped) before and
// after, with a tolerance for allocator slack.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include "tap.h"

#define WORKERS       4
#define LEAK_SLACK_KB (6 * 1024)

static long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, 0, 10);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;   /* ".", ".." and the directory's own fd */
}

/* Run fn(i) in WORKERS child processes; true if all exit 0. */
static int in_parallel(int (*fn)(int))
{
	pid_t pids[WORKERS];
	int ok = 1;

	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(fn(i) ? 1 : 0);
		if (pids[i] < 0)
			ok = 0;
	}
	for (int i = 0; i < WORKERS; i++) {
		int st;

		if (pids[i] > 0 && (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) ||
				    WEXITSTATUS(st) != 0))
			ok = 0;
	}
	return ok;
}

static int fork_storm(int i)
{
	(void)i;
	for (int k = 0; k < 60; k++) {
		int st;
		pid_t p = fork();

		if (p == 0)
			_exit(k & 7);
		if (p < 0 || waitpid(p, &st, 0) != p || WEXITSTATUS(st) != (k & 7))
			return -1;
	}
	return 0;
}

static int exec_storm(int i)
{
	(void)i;
	for (int k = 0; k < 15; k++) {
		int st;
		pid_t p = fork();

		if (p == 0) {
			execl("/init", "/init", "--exit", (char *)0);
			_exit(99);
		}
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 42)
			return -1;
	}
	return 0;
}

static void *thread_body(void *arg)
{
	volatile long *sum = arg;
	char *m = mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return (void *)1;
	memset(m, 1, 65536);
	__atomic_add_fetch(sum, m[4096], __ATOMIC_RELAXED);
	munmap(m, 65536);
	return 0;
}

static int thread_storm(int i)
{
	volatile long sum = 0;

	(void)i;
	for (int round = 0; round < 10; round++) {
		pthread_t t[8];

		for (int k = 0; k < 8; k++)
			if (pthread_create(&t[k], 0, thread_body, (void *)&sum))
				return -1;
		for (int k = 0; k < 8; k++) {
			void *r;

			if (pthread_join(t[k], &r) || r)
				return -1;
		}
	}
	return sum == 80 ? 0 : -1;
}

static int mmap_churn(int i)
{
	(void)i;
	for (int k = 0; k < 200; k++) {
		size_t len = (size_t)(k % 16 + 1) * 4096;
		char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return -1;
		m[0] = m[len - 1] = (char)k;
		if (mprotect(m, len, PROT_READ) || m[len - 1] != (char)k || munmap(m, len))
			return -1;
	}
	return 0;
}

static int pipe_load(int i)
{
	int p[2], st;
	char buf[4096];
	long total = 0;
	pid_t w;

	(void)i;
	if (pipe(p))
		return -1;
	w = fork();
	if (w == 0) {
		close(p[0]);
		memset(buf, 'p', sizeof(buf));
		for (int k = 0; k < 256; k++)
			if (write(p[1], buf, sizeof(buf)) != (ssize_t)sizeof(buf))
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	for (ssize_t n; (n = read(p[0], buf, sizeof(buf))) > 0;)
		total += n;
	close(p[0]);
	return w > 0 && waitpid(w, &st, 0) == w && st == 0 && total == 256 * 4096 ? 0 : -1;
}

static int tmpfs_churn(int i)
{
	char dir[64], path[96];

	snprintf(dir, sizeof(dir), "/tmp/stress%d", i);
	for (int round = 0; round < 5; round++) {
		if (mkdir(dir, 0755))
			return -1;
		for (int k = 0; k < 40; k++) {
			int fd;

			snprintf(path, sizeof(path), "%s/f%d", dir, k);
			fd = open(path, O_CREAT | O_WRONLY, 0644);
			if (fd < 0 || write(fd, path, (size_t)k * 100 % 5000 + 1) < 0 || close(fd))
				return -1;
		}
		for (int k = 0; k < 40; k++) {
			snprintf(path, sizeof(path), "%s/f%d", dir, k);
			if (unlink(path))
				return -1;
		}
		if (rmdir(dir))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long free0, free1;
	int fds0;

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 42;
	tap_plan(9);
	mkdir("/proc", 0755);
	mount("proc", "/proc", "proc", 0, 0);
	mkdir("/tmp", 01777);
	mount("tmpfs", "/tmp", "tmpfs", 0, 0);
	/* One warm-up pass so lazily built caches do not count as leaks. */
	in_parallel(fork_storm);
	in_parallel(tmpfs_churn);
	free0 = meminfo_kb("MemFree");
	fds0 = open_fds();
	tap_ok(in_parallel(fork_storm), "fork storm: 4 x 60 fork+exit+wait with exit codes");
	tap_ok(in_parallel(exec_storm), "exec storm: 4 x 15 fork+exec+wait");
	tap_ok(in_parallel(thread_storm), "thread storm: 4 x 80 threads mapping memory");
	tap_ok(in_parallel(mmap_churn), "mmap churn: 4 x 200 map/protect/unmap");
	tap_ok(in_parallel(pipe_load), "pipe load: 4 x 1 MiB through pipes");
	tap_ok(in_parallel(tmpfs_churn), "tmpfs churn: 4 x 200 files created and deleted");
	free1 = meminfo_kb("MemFree");
	tap_ok(free0 > 0 && free1 > 0, "MemFree is readable");
	printf("# MemFree before %ld kB, after %ld kB\n", free0, free1);
	tap_ok(free1 >= free0 - LEAK_SLACK_KB, "free memory back to its starting level (no leak)");
	tap_eq_long(open_fds(), fds0, "open fds back to their starting count");
	tap_finish();
}
