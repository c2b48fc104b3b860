// SPDX-License-Identifier: MPL-2.0
// The stress program's helpers: worker fan-out, reaping, patterns, checksums, full reads/writes.
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>
#include "stress.h"

struct stress_cfg cfg = { .scale = 1, .workers = 4 };

int wait_status(pid_t pid)
{
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, 0);

		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

bool run_workers(int (*fn)(int))
{
	pid_t pids[64];
	bool ok = true;
	int n = cfg.workers < 64 ? cfg.workers : 64;

	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(fn(i) ? 1 : 0);
		if (pids[i] < 0)
			ok = false;
	}
	for (int i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		int st = wait_status(pids[i]);

		if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = false;
	}
	return ok;
}

int reap_all(void)
{
	int n = 0, st;

	for (;;) {
		pid_t r = waitpid(-1, &st, 0);

		if (r > 0)
			n++;
		else if (errno != EINTR)
			return n;
	}
}

void fill_pattern(void *buf, size_t n, uint32_t seed)
{
	uint8_t *b = buf;
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (uint8_t)x;
	}
}

uint32_t checksum(const void *buf, size_t n)
{
	const uint8_t *b = buf;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

int write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}
