// SPDX-License-Identifier: MPL-2.0
// Benchmarks of IPC: unix-socket round trip, signal round trip, futex ping-pong.
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

/* futex(2) operations (Linux ABI values). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static int unix_rtt(const char *name, int scale)
{
	long n = 20000L * scale;
	int sv[2], st;
	char c = 'x';
	pid_t p;
	uint64_t t0;
	long i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		bench_unsupported(name, "socketpair(AF_UNIX) failed");
		return -1;
	}
	p = fork();
	if (p == 0) {
		ssize_t r;

		close(sv[0]);
		while ((r = read(sv[1], &c, 1)) == 1)
			if (write(sv[1], &c, 1) != 1)
				_exit(1);
		_exit(r == 0 ? 0 : 1);
	}
	close(sv[1]);
	t0 = bench_now_ns();
	for (i = 0; i < n && p > 0 && !bench_over_budget(i, t0); i++)
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			p = -1;
	t0 = bench_now_ns() - t0;
	shutdown(sv[0], SHUT_WR);
	if (p > 0 && (waitpid(p, &st, 0) != p || st != 0))
		p = -1;
	close(sv[0]);
	if (p < 0) {
		bench_unsupported(name, "socket ping-pong failed");
		return -1;
	}
	bench_report(name, (double)t0 / i, "ns");
	return 0;
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static int signal_rtt(const char *name, int scale)
{
	long n = 50000L * scale;
	struct sigaction sa = { .sa_handler = on_usr1 };
	uint64_t t0;
	long i;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, 0) < 0) {
		bench_unsupported(name, "sigaction failed");
		return -1;
	}
	caught = 0;
	t0 = bench_now_ns();
	for (i = 0; i < n && !bench_over_budget(i, t0); i++)
		kill(getpid(), SIGUSR1);
	t0 = bench_now_ns() - t0;
	signal(SIGUSR1, SIG_DFL);
	if (caught != i) {
		bench_unsupported(name, "signals lost");
		return -1;
	}
	bench_report(name, (double)t0 / i, "ns");
	return 0;
}

/*
 * Futex ping-pong between two threads: turn is 0 while main moves, 1 while
 * the peer moves, 2 to tell the peer to stop.
 */
static atomic_int turn;

static void futex_wait_while(int v0)
{
	while (atomic_load(&turn) == v0)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, v0, 0, 0, 0);
}

static void futex_pass(int to)
{
	atomic_store(&turn, to);
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0);
}

static void *futex_peer(void *arg)
{
	(void)arg;
	for (;;) {
		futex_wait_while(0);
		if (atomic_load(&turn) == 2)
			return 0;
		futex_pass(0);
	}
}

static int futex_pingpong(const char *name, int scale)
{
	long n = 20000L * scale, i;
	pthread_t t;
	uint64_t t0;

	atomic_store(&turn, 0);
	if (pthread_create(&t, 0, futex_peer, 0) != 0) {
		bench_unsupported(name, "pthread_create failed");
		return -1;
	}
	t0 = bench_now_ns();
	for (i = 0; i < n && !bench_over_budget(i, t0); i++) {
		futex_pass(1);
		futex_wait_while(1);
	}
	t0 = bench_now_ns() - t0;
	futex_pass(2);
	pthread_join(t, 0);
	bench_report(name, (double)t0 / i, "ns");
	return 0;
}

const struct bench_metric bench_ipc_metrics[] = {
	{ "unix_rtt", unix_rtt },
	{ "signal_rtt", signal_rtt },
	{ "futex_rtt", futex_pingpong },
	{ 0, 0 },
};
