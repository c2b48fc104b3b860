// SPDX-License-Identifier: MPL-2.0
// The memory-pressure phase: a hog touches memory until the OOM killer ends it; a bystander lives on.
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "stress.h"
#include "stress_leak.h"

#define CHUNK      (4UL << 20)
#define MAX_CHUNKS 1024                 /* 4 GiB: far more than the machine has */
#define BYSTANDER  (1UL << 20)
/* The hog's memory is back as soon as wait() reports it dead, give or take this much. */
#define REAPED_TOLERANCE_KB (8 * 1024)

/* Touch page after page until killed; exit 3 if memory never runs out, 4 if mmap fails first. */
static _Noreturn void hog(void)
{
	for (int i = 0; i < MAX_CHUNKS; i++) {
		volatile uint8_t *p = mmap(0, CHUNK, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(4);
		for (unsigned long off = 0; off < CHUNK; off += 4096)
			p[off] = 1;
	}
	_exit(3);
}

/* Fill a megabyte, report ready, wait for the go, and check the megabyte is intact. */
static _Noreturn void bystander(int ready, int go)
{
	uint8_t *m = mmap(0, BYSTANDER, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char c = 'r';

	if (m == MAP_FAILED)
		_exit(5);
	fill_pattern(m, BYSTANDER, 99);
	uint32_t sum = checksum(m, BYSTANDER);

	if (write(ready, &c, 1) != 1 || read_full(go, &c, 1))
		_exit(6);
	_exit(checksum(m, BYSTANDER) == sum ? 0 : 7);
}

static bool oom_round(void)
{
	int ready[2], go[2];
	char c;

	if (pipe(ready) || pipe(go))
		return false;
	pid_t b = fork();

	if (b == 0) {
		close(ready[0]);
		close(go[1]);
		bystander(ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	bool ok = b > 0 && read_full(ready[0], &c, 1) == 0;
	long before = meminfo_kb("MemFree");
	pid_t h = ok ? fork() : -1;

	if (h == 0)
		hog();
	int hs = h > 0 ? wait_status(h) : -1;
	long after = meminfo_kb("MemFree");

	printf("# oom: MemFree %ld kB before the hog, %ld kB right after reaping it\n", before, after);
	fflush(stdout);
	ok = ok && hs != -1 && WIFSIGNALED(hs) && WTERMSIG(hs) == SIGKILL;
	ok = ok && after >= before - REAPED_TOLERANCE_KB;
	if (write(go[1], "g", 1) != 1)
		ok = false;
	close(go[1]);
	close(ready[0]);
	return b > 0 && wait_status(b) == 0 && ok;
}

bool phase_oom(void)
{
	return oom_round() && oom_round();
}
