// SPDX-License-Identifier: MPL-2.0
// Syscall fuzzer supervisor: spawns unprivileged workers, watches them, reports.
//
// Arguments (key=value, e.g. from the kernel command line after "--"):
//   seed=N     PRNG seed (default 1)          count=N   total calls (default 10^6)
//   time=S     time limit in seconds (300)    workers=N parallel workers (2)
//   trace=1    workers print every call before issuing it (slow; reproducers)
//   replay=X   run one worker from seed X (as printed at its spawn) and nothing else
// Output: "fuzz: ..." progress lines, then "FUZZ-RESULT calls=… seconds=…
// respawns=… stuck=… unkillable=…" and "FUZZ-DONE". A worker that makes no
// progress for 1 s is killed; one that does not die within 5 s of SIGKILL is
// reported unkillable (a kernel hang). As pid 1 it powers off at the end.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define MAX_WORKERS 8
#define STUCK_NS    1000000000ull
#define DEATH_NS    5000000000ull
#define FUZZ_ROOT   "/tmp/fuzz"

struct opts { uint64_t seed, count, seconds, replay; int workers, trace; };

struct slot {
	pid_t pid;
	uint64_t gen, seen, progress_at, killed_at;
	int reported;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* MemFree from /proc/meminfo (KiB), or -1: watches for kernel leaks. */
static long mem_free_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* List /proc: a dead process's directory goes at the next listing (Keel, as Linux's dcache). */
static void list_proc(void)
{
	DIR *d = opendir("/proc");

	while (d && readdir(d))
		;
	if (d)
		closedir(d);
}

/* Let the kernel free what it caches, so MemFree compares like with like. */
static void drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			printf("fuzz: drop_caches failed\n");
		close(fd);
	}
}

static void parse(struct opts *o, int argc, char **argv)
{
	*o = (struct opts){ 1, 1000000, 300, 0, 2, 0 };
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		uint64_t v = eq ? strtoull(eq + 1, 0, 0) : 0;

		if (!eq)
			continue;
		if (!strncmp(argv[i], "seed=", 5)) o->seed = v;
		else if (!strncmp(argv[i], "count=", 6)) o->count = v;
		else if (!strncmp(argv[i], "time=", 5)) o->seconds = v;
		else if (!strncmp(argv[i], "workers=", 8)) o->workers = (int)v;
		else if (!strncmp(argv[i], "trace=", 6)) o->trace = (int)v;
		else if (!strncmp(argv[i], "replay=", 7)) o->replay = v;
	}
	if (o->workers < 1 || o->workers > MAX_WORKERS)
		o->workers = 2;
}

/* splitmix64: a distinct, reproducible seed per (seed, worker, generation). */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* Delete what a dead worker generation left in its directory (leak checks). */
static void clean_dir(int i, uint64_t gen)
{
	char dir[64];

	snprintf(dir, sizeof(dir), FUZZ_ROOT "/w%d.%llu", i, (unsigned long long)gen);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void spawn(struct slot *s, int i, const struct opts *o, struct fuzz_shared *sh)
{
	char dir[64];
	uint64_t seed = o->replay ? o->replay : mix(o->seed ^ ((uint64_t)i << 40) ^ (s->gen << 20));
	pid_t p;

	snprintf(dir, sizeof(dir), FUZZ_ROOT "/w%d.%llu", i, (unsigned long long)s->gen);
	mkdir(dir, 0777);
	chmod(dir, 0777);
	printf("fuzz: worker %d generation %llu seed %#llx\n", i,
	       (unsigned long long)s->gen, (unsigned long long)seed);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		if (o->trace)
			dup2(1, 1023);
		fuzz_worker(seed, 0, &sh[i], dir);
	}
	s->pid = p;
	s->gen++;
	s->seen = sh[i].calls;
	s->progress_at = now_ns();
	s->killed_at = 0;
	s->reported = 0;
}

static uint64_t total_calls(struct fuzz_shared *sh, int n)
{
	uint64_t t = 0;

	for (int i = 0; i < n; i++)
		t += sh[i].calls;
	return t;
}

/* Kill a worker that made no progress; report one that cannot be killed. */
static void watch(struct slot *s, int i, struct fuzz_shared *sh, uint64_t *stuck,
		  uint64_t *unkillable)
{
	uint64_t t = now_ns();

	if (sh[i].calls != s->seen) {
		s->seen = sh[i].calls;
		s->progress_at = t;
		return;
	}
	if (!s->killed_at && t - s->progress_at > STUCK_NS) {
		kill(-s->pid, SIGKILL);
		kill(s->pid, SIGKILL);
		s->killed_at = t;
		(*stuck)++;
	} else if (s->killed_at && !s->reported && t - s->killed_at > DEATH_NS) {
		printf("fuzz: UNKILLABLE worker %d pid %d in syscall %llu (%#llx, %#llx, %#llx)\n",
		       i, s->pid, (unsigned long long)sh[i].last_nr,
		       (unsigned long long)sh[i].last_args[0],
		       (unsigned long long)sh[i].last_args[1],
		       (unsigned long long)sh[i].last_args[2]);
		s->reported = 1;
		(*unkillable)++;
	}
}

static void reap(struct slot *slots, int n, uint64_t *respawns, const struct opts *o,
		 struct fuzz_shared *sh, int respawn)
{
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		for (int i = 0; i < n; i++)
			if (slots[i].pid == p) {
				slots[i].pid = 0;
				clean_dir(i, slots[i].gen - 1);
				if (respawn) {
					(*respawns)++;
					spawn(&slots[i], i, o, sh);
				}
			}
}

static void setup(void)
{
	if (getpid() == 1) {
		mkdir("/proc", 0755);
		mkdir("/tmp", 01777);
		mount("proc", "/proc", "proc", 0, 0);
		mount("tmpfs", "/tmp", "tmpfs", 0, "size=64m");
	}
	mkdir(FUZZ_ROOT, 0777);
	chmod(FUZZ_ROOT, 0777);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct slot slots[MAX_WORKERS] = { 0 };
	struct fuzz_shared *sh;
	uint64_t start, last_print, respawns = 0, stuck = 0, unkillable = 0, calls;
	long free0;

	parse(&o, argc, argv);
	if (o.replay)
		o.workers = 1;
	setup();
	sh = mmap(0, sizeof(*sh) * MAX_WORKERS, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("fuzz: cannot map shared memory\n");
		return 1;
	}
	printf("fuzz: seed=%llu count=%llu time=%llus workers=%d\n",
	       (unsigned long long)o.seed, (unsigned long long)o.count,
	       (unsigned long long)o.seconds, o.workers);
	drop_caches();
	free0 = mem_free_kib();
	start = last_print = now_ns();
	for (int i = 0; i < o.workers; i++)
		spawn(&slots[i], i, &o, sh);
	while ((calls = total_calls(sh, o.workers)) < o.count &&
	       now_ns() - start < o.seconds * 1000000000ull) {
		usleep(100000);
		reap(slots, o.workers, &respawns, &o, sh, 1);
		for (int i = 0; i < o.workers; i++)
			if (slots[i].pid > 0)
				watch(&slots[i], i, sh, &stuck, &unkillable);
		if (now_ns() - last_print > 5000000000ull) {
			last_print = now_ns();
			printf("fuzz: %llu calls, %llu s, %llu respawns, %ld KiB free\n",
			       (unsigned long long)calls,
			       (unsigned long long)((last_print - start) / 1000000000ull),
			       (unsigned long long)respawns, mem_free_kib());
			fflush(stdout);
		}
	}
	for (int i = 0; i < o.workers; i++)
		if (slots[i].pid > 0) {
			kill(-slots[i].pid, SIGKILL);
			kill(slots[i].pid, SIGKILL);
		}
	for (int tries = 0; tries < 50; tries++) {
		reap(slots, o.workers, &respawns, &o, sh, 0);
		usleep(100000);
	}
	list_proc();
	drop_caches();
	printf("fuzz: MemFree %ld KiB at the start, %ld KiB at the end (after drop_caches)\n",
	       free0, mem_free_kib());
	printf("FUZZ-RESULT calls=%llu seconds=%.1f respawns=%llu stuck=%llu unkillable=%llu\n",
	       (unsigned long long)total_calls(sh, o.workers), (now_ns() - start) / 1e9,
	       (unsigned long long)respawns, (unsigned long long)stuck,
	       (unsigned long long)unkillable);
	printf("FUZZ-DONE\n");
	fflush(stdout);
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return unkillable ? 1 : 0;
}
