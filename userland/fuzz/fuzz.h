// SPDX-License-Identifier: MPL-2.0
// The syscall fuzzer's shared declarations: PRNG, argument pools, worker state.
#ifndef KEEL_FUZZ_H
#define KEEL_FUZZ_H

#include <stdint.h>
#include <sys/types.h>

/* xorshift64* generator: deterministic from its seed. */
struct rng { uint64_t s; };

static inline uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* Memory a worker owns for arguments: buffers, strings, guard pages. */
struct fuzz_arena {
	char *rw;            /* FUZZ_RW_PAGES read-write pages */
	char *ro;            /* one read-only page */
	char *guard;         /* PROT_NONE page right after rw */
	int fds[16];         /* descriptors of real objects */
	int nfds;
};

#define FUZZ_RW_PAGES 16
#define FUZZ_PAGE     4096ul

/* Progress a worker publishes in memory shared with the supervisor. */
struct fuzz_shared {
	volatile uint64_t calls;          /* syscalls issued by this worker */
	volatile uint64_t last_nr;        /* number of the call in flight */
	volatile uint64_t last_args[6];
};

/* Build a worker's arena (in its own process, after fork). */
int fuzz_arena_init(struct fuzz_arena *a, const char *dir);

/* One random argument, biased toward interesting values. */
uint64_t fuzz_arg(struct rng *r, const struct fuzz_arena *a);

/*
 * Make the call safe for the fuzzer itself (never reboot, never unmap or
 * re-protect the worker's own code/stack, no shared-VM children, …):
 * returns 0 to issue nr with (possibly rewritten) args, -1 to skip it.
 */
int fuzz_sanitise(uint64_t nr, uint64_t args[6], const struct fuzz_arena *a,
		  struct rng *r);

/* Run count calls (0 = until killed) from seed; never returns. */
_Noreturn void fuzz_worker(uint64_t seed, uint64_t count, struct fuzz_shared *sh,
			   const char *dir);

#endif
