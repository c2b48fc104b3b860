// SPDX-License-Identifier: MPL-2.0
// Process phases: fork storms with orphans, exec (also from a threaded process), threads, mmap churn.
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "stress.h"

/*
 * An orphan for init to reap: a plain fork, or a clone child whose exit signal is SIGURG
 * or none (re-parenting makes it a plain child, so init's plain wait() still reaps it).
 */
static void make_orphan(int k)
{
	static const long exit_signals[] = { SIGCHLD, SIGURG, 0 };

	if (syscall(SYS_clone, exit_signals[k / 4 % 3], 0, 0, 0, 0) == 0)
		_exit(0);
}

/* Forks with exit codes; every 4th child leaves an orphan grandchild for init to reap. */
static int fork_worker(int i)
{
	for (int k = 0; k < 40 * cfg.scale; k++) {
		pid_t p = fork();

		if (p == 0) {
			if (k % 4 == 0)
				make_orphan(k);
			_exit((i + k) & 0x7f);
		}
		int st = wait_status(p);

		if (p < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != ((i + k) & 0x7f))
			return -1;
	}
	return 0;
}

bool phase_fork(void)
{
	bool ok = run_workers(fork_worker);

	reap_all();     /* the orphans */
	return ok;
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* fork+exec; every other exec comes from a process that has a second thread running. */
static int exec_worker(int i)
{
	(void)i;
	for (int k = 0; k < 10 * cfg.scale; k++) {
		pid_t p = fork();

		if (p == 0) {
			pthread_t t;

			if (k & 1 && pthread_create(&t, 0, idle_thread, 0))
				_exit(98);
			execl("/init", "/init", "--exit", (char *)0);
			_exit(99);
		}
		int st = wait_status(p);

		if (p < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != EXEC_EXIT)
			return -1;
	}
	return 0;
}

bool phase_exec(void)
{
	return run_workers(exec_worker);
}

struct thread_arg {
	uint32_t seed;
	uint32_t sum;   /* written by the thread, read after join */
};

/* Map, fill, checksum and unmap a private region; the checksum proves the memory kept its data. */
static void *map_thread(void *p)
{
	struct thread_arg *a = p;
	size_t len = 16384 + (a->seed % 8) * 4096;
	char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return (void *)1;
	fill_pattern(m, len, a->seed);
	sched_yield();
	a->sum = checksum(m, len);
	munmap(m, len);
	return 0;
}

static int thread_worker(int i)
{
	char ref[16384 + 7 * 4096];

	for (int round = 0; round < 6 * cfg.scale; round++) {
		pthread_t t[8];
		struct thread_arg a[8];

		for (int k = 0; k < 8; k++) {
			a[k].seed = (uint32_t)(i * 1000 + round * 8 + k);
			if (pthread_create(&t[k], 0, map_thread, &a[k]))
				return -1;
		}
		for (int k = 0; k < 8; k++) {
			void *r;
			size_t len = 16384 + (a[k].seed % 8) * 4096;

			if (pthread_join(t[k], &r) || r)
				return -1;
			fill_pattern(ref, len, a[k].seed);
			if (a[k].sum != checksum(ref, len))
				return -1;
		}
	}
	return 0;
}

bool phase_threads(void)
{
	return run_workers(thread_worker);
}

/* Split a mapping with mprotect/munmap in the middle; share one page with a forked child. */
static int mmap_round(int k)
{
	size_t len = (size_t)(k % 12 + 4) * 4096;
	char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *s = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED || s == MAP_FAILED)
		return -1;
	memset(m, k & 0xff, len);
	if (mprotect(m + 4096, 4096, PROT_READ) || munmap(m + 2 * 4096, 4096))
		return -1;
	pid_t p = fork();

	if (p == 0) {
		m[0] = 'c';     /* copy-on-write: the parent must not see it */
		s[0] = 's';     /* shared: the parent must see it */
		_exit(m[4096] == (char)(k & 0xff) ? 0 : 1);
	}
	int st = wait_status(p);
	int bad = p < 0 || st != 0 || m[0] != (char)(k & 0xff) || s[0] != 's' ||
		  m[len - 1] != (char)(k & 0xff);

	munmap(m, 2 * 4096);
	munmap(m + 3 * 4096, len - 3 * 4096);
	munmap(s, 4096);
	return bad ? -1 : 0;
}

static int mmap_worker(int i)
{
	(void)i;
	for (int k = 0; k < 25 * cfg.scale; k++)
		if (mmap_round(k))
			return -1;
	return 0;
}

bool phase_mmap(void)
{
	return run_workers(mmap_worker);
}
