// SPDX-License-Identifier: MPL-2.0
// The fuzzer's argument generator and the worker's arena of real objects.
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* Paths that name real things (or almost), copied into the arena. */
static const char *const paths[] = {
	".", "..", "f0", "f1", "d0", "d0/x", "l0", "/proc/self/status",
	"/proc/self/fd/0", "/dev/null", "/tmp", "/nonexistent", "", "/",
	"f0/", "../../../../../..",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))
#define PATH_SLOT 64

static const uint64_t specials[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 127, 128, 255, 256, 511,
	4095, 4096, 4097, 65535, 65536, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ull, 0x7fffffffffffull, 0x7ffffffff000ull, 0x800000000000ull,
	0xffff800000000000ull, 0xffffffff80000000ull, 0xffffffff81000000ull,
	0xfffffffffffff000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	(uint64_t)-1, (uint64_t)-2, (uint64_t)-4095, (uint64_t)-4096,
};
#define NSPECIALS (sizeof(specials) / sizeof(specials[0]))

int fuzz_arena_init(struct fuzz_arena *a, const char *dir)
{
	size_t len = (FUZZ_RW_PAGES + 2) * FUZZ_PAGE;
	char *base = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int p[2];

	if (base == MAP_FAILED)
		return -1;
	a->rw = base;
	a->guard = base + FUZZ_RW_PAGES * FUZZ_PAGE;
	a->ro = a->guard + FUZZ_PAGE;
	for (size_t i = 0; i < NPATHS; i++)
		strcpy(a->rw + i * PATH_SLOT, paths[i]);
	memset(a->ro, 'r', FUZZ_PAGE);
	if (mprotect(a->guard, FUZZ_PAGE, PROT_NONE) < 0 ||
	    mprotect(a->ro, FUZZ_PAGE, PROT_READ) < 0)
		return -1;
	if (chdir(dir) < 0)
		return -1;
	close(open("f0", O_CREAT | O_RDWR, 0644));
	close(open("f1", O_CREAT | O_RDWR, 0600));
	mkdir("d0", 0755);
	symlink("f0", "l0");
	a->nfds = 0;
	a->fds[a->nfds++] = open("f0", O_RDWR);
	a->fds[a->nfds++] = open(".", O_RDONLY | O_DIRECTORY);
	a->fds[a->nfds++] = open("/dev/null", O_RDWR);
	if (pipe(p) == 0) {
		a->fds[a->nfds++] = p[0];
		a->fds[a->nfds++] = p[1];
	}
	a->fds[a->nfds++] = eventfd(0, EFD_NONBLOCK);
	a->fds[a->nfds++] = epoll_create1(0);
	return 0;
}

/* A pointer into the arena: valid, read-only, or crossing into the guard. */
static uint64_t arena_ptr(struct rng *r, const struct fuzz_arena *a)
{
	switch (rng_below(r, 6)) {
	case 0:
		return (uint64_t)(a->rw + rng_below(r, NPATHS) * PATH_SLOT);
	case 1:
		return (uint64_t)a->ro + rng_below(r, FUZZ_PAGE);
	case 2: /* the last bytes before the PROT_NONE page */
		return (uint64_t)a->guard - 1 - rng_below(r, 64);
	case 3:
		return (uint64_t)a->guard + rng_below(r, FUZZ_PAGE);
	default:
		return (uint64_t)a->rw + rng_below(r, (FUZZ_RW_PAGES - 1) * FUZZ_PAGE);
	}
}

uint64_t fuzz_arg(struct rng *r, const struct fuzz_arena *a)
{
	switch (rng_below(r, 10)) {
	case 0:
	case 1:
		return specials[rng_below(r, NSPECIALS)];
	case 2:
	case 3:
		return arena_ptr(r, a);
	case 4:
		return a->nfds ? (uint64_t)a->fds[rng_below(r, a->nfds)] : 0;
	case 5: /* small numbers: fds, counts, indexes */
		return rng_below(r, 64);
	case 6: /* flags: a few random bits */
		return (1ull << rng_below(r, 32)) | (rng_below(r, 4) ? 0 : 1ull << rng_below(r, 32));
	case 7:
		return rng_next(r);
	case 8:
		return (uint64_t)(int64_t)-(int64_t)rng_below(r, 200);
	default:
		return rng_next(r) & 0xffff;
	}
}
