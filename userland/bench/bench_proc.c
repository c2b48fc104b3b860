// SPDX-License-Identifier: MPL-2.0
// Benchmarks of process life: fork+exit+wait, spawn+exec+wait, context switch.
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

extern char **environ;

static int fork_exit_wait(const char *name, int scale)
{
	long n = 200L * scale;
	uint64_t t0 = bench_now_ns();
	long i;

	for (i = 0; i < n && !bench_over_budget(i, t0); i++) {
		int st;
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		if (p < 0 || waitpid(p, &st, 0) != p) {
			bench_unsupported(name, "fork or wait failed");
			return -1;
		}
	}
	bench_report(name, (double)(bench_now_ns() - t0) / i / 1e3, "us");
	return 0;
}

static int spawn_exec_wait(const char *name, int scale)
{
	long n = 100L * scale;
	char *argv[] = { "true", 0 };
	uint64_t t0 = bench_now_ns();
	long i;

	for (i = 0; i < n && !bench_over_budget(i, t0); i++) {
		int st;
		pid_t p;

		if (posix_spawn(&p, BENCH_TRUE_PATH, 0, 0, argv, environ) != 0 ||
		    waitpid(p, &st, 0) != p || st != 0) {
			bench_unsupported(name, "posix_spawn of " BENCH_TRUE_PATH " failed");
			return -1;
		}
	}
	bench_report(name, (double)(bench_now_ns() - t0) / i / 1e3, "us");
	return 0;
}

static int pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Child side of a ping-pong: echo bytes back until end of file. */
static void echo_loop(int rd, int wr)
{
	char c;
	ssize_t r;

	while ((r = read(rd, &c, 1)) == 1)
		if (write(wr, &c, 1) != 1)
			_exit(1);
	_exit(r == 0 ? 0 : 1);
}

/*
 * Parent side: n one-byte round trips to a forked echo child. Returns the
 * mean round trip in ns, or a negative value on failure. pin: both
 * processes on CPU 0 so every hop is a context switch.
 */
static double pipe_ping_pong(long n, int pin)
{
	int to[2], from[2], st;
	pid_t p;
	char c = 'x';
	uint64_t t0;
	long i;

	if (pipe(to) < 0 || pipe(from) < 0)
		return -1;
	if (pin && pin_to_cpu0() < 0)
		return -2;
	p = fork();
	if (p == 0) {
		close(to[1]);
		echo_loop(to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	t0 = bench_now_ns();
	for (i = 0; i < n && p > 0 && !bench_over_budget(i, t0); i++)
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			p = -1;
	t0 = bench_now_ns() - t0;
	close(to[1]);
	if (p > 0 && (waitpid(p, &st, 0) != p || st != 0))
		p = -1;
	close(from[0]);
	return p > 0 ? (double)t0 / i : -1;
}

static int context_switch(const char *name, int scale)
{
	cpu_set_t all;
	double rtt;

	sched_getaffinity(0, sizeof(all), &all);
	rtt = pipe_ping_pong(20000L * scale, 1);
	sched_setaffinity(0, sizeof(all), &all);
	if (rtt == -2) {
		bench_unsupported(name, "sched_setaffinity failed");
		return -1;
	}
	if (rtt < 0) {
		bench_unsupported(name, "pipe ping-pong failed");
		return -1;
	}
	/* A round trip is two switches (there and back). */
	bench_report(name, rtt / 2, "ns");
	return 0;
}

static int pipe_rtt(const char *name, int scale)
{
	double rtt = pipe_ping_pong(20000L * scale, 0);

	if (rtt < 0) {
		bench_unsupported(name, "pipe ping-pong failed");
		return -1;
	}
	bench_report(name, rtt, "ns");
	return 0;
}

const struct bench_metric bench_proc_metrics[] = {
	{ "fork_exit_wait", fork_exit_wait },
	{ "spawn_exec_wait", spawn_exec_wait },
	{ "ctx_switch", context_switch },
	{ "pipe_rtt", pipe_rtt },
	{ 0, 0 },
};
