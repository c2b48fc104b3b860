// SPDX-License-Identifier: MPL-2.0
// A fuzzing worker: issues random system calls as an unprivileged process.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz.h"

#define FUZZ_UID   65534
#define TRACE_FD   1023
#define NR_SPAN    463     /* Linux x86-64 numbers end below this */
#define NR_getpid  39
#define NR_exit_group 231

static long raw_syscall(uint64_t nr, const uint64_t a[6])
{
	long ret;
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static long raw0(uint64_t nr)
{
	const uint64_t z[6] = { 0 };

	return raw_syscall(nr, z);
}

static uint64_t pick_nr(struct rng *r)
{
	if (rng_below(r, 50) == 0)
		return rng_below(r, 4) ? 1000 + rng_below(r, 100000) : rng_next(r);
	return rng_below(r, NR_SPAN);
}

static void on_alarm(int sig)
{
	(void)sig;   /* only to interrupt blocking calls */
}

/* Unprivileged, own session, stdio on /dev/null, a 50 ms interrupt tick. */
static void drop_privileges(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } };
	struct rlimit as = { 512ul << 20, 512ul << 20 };
	int null = open("/dev/null", O_RDWR);

	setsid();
	if (null < 0) {
		/* Still on the console: say why and give up this worker. */
		dprintf(2, "fuzz: worker cannot open /dev/null: %s\n", strerror(errno));
		_exit(4);
	}
	dup2(null, 0), dup2(null, 1), dup2(null, 2);
	if (null > 2)
		close(null);
	setrlimit(RLIMIT_AS, &as);
	setgroups(0, 0);
	if (setgid(FUZZ_UID) < 0 || setuid(FUZZ_UID) < 0)
		_exit(3);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, 0);
	setitimer(ITIMER_REAL, &it, 0);
}

static void trace_call(uint64_t i, uint64_t nr, const uint64_t a[6])
{
	char line[256];
	int n = snprintf(line, sizeof(line),
			 "fuzz-trace %llu nr=%llu %#llx %#llx %#llx %#llx %#llx %#llx\n",
			 (unsigned long long)i, (unsigned long long)nr,
			 (unsigned long long)a[0], (unsigned long long)a[1],
			 (unsigned long long)a[2], (unsigned long long)a[3],
			 (unsigned long long)a[4], (unsigned long long)a[5]);
	const uint64_t w[6] = { TRACE_FD, (uint64_t)line, (uint64_t)n, 0, 0, 0 };

	raw_syscall(1, w);
}

_Noreturn void fuzz_worker(uint64_t seed, uint64_t count, struct fuzz_shared *sh,
			   const char *dir)
{
	struct fuzz_arena a;
	struct rng r = { seed ? seed : 1 };
	int tracing = fcntl(TRACE_FD, F_GETFD) >= 0;
	long me;

	if (fuzz_arena_init(&a, dir) < 0)
		_exit(2);
	drop_privileges();
	me = raw0(NR_getpid);
	for (uint64_t i = 0; count == 0 || i < count; i++) {
		uint64_t nr = pick_nr(&r), args[6];

		for (int k = 0; k < 6; k++)
			args[k] = fuzz_arg(&r, &a);
		if (fuzz_sanitise(nr, args, &a, &r) < 0)
			continue;
		sh->last_nr = nr;
		memcpy((void *)sh->last_args, args, sizeof(args));
		if (tracing)
			trace_call(i, nr, args);
		raw_syscall(nr, args);
		if (raw0(NR_getpid) != me) {   /* a fork/clone child: leave */
			const uint64_t e[6] = { 0 };

			raw_syscall(NR_exit_group, e);
		}
		sh->calls++;
	}
	_exit(0);
}
