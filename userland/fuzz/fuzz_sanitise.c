// SPDX-License-Identifier: MPL-2.0
// Keeps fuzzed calls from destroying the fuzzer itself (not the kernel's job).
#include <stdint.h>

#include "fuzz.h"

/* x86-64 syscall numbers the rules below name (Linux ABI). */
enum {
	NR_mmap = 9, NR_mprotect = 10, NR_munmap = 11, NR_brk = 12,
	NR_rt_sigreturn = 15, NR_mremap = 25, NR_madvise = 28, NR_clone = 56,
	NR_vfork = 58, NR_execve = 59, NR_exit = 60, NR_mlock = 149,
	NR_munlock = 150, NR_mlockall = 151, NR_arch_prctl = 158, NR_reboot = 169,
	NR_remap_file_pages = 216, NR_exit_group = 231, NR_kexec_load = 246,
	NR_kexec_file_load = 320, NR_execveat = 322, NR_mlock2 = 325,
	NR_pkey_mprotect = 329, NR_process_madvise = 440, NR_clone3 = 435,
};

#define MAP_FIXED_BIT      0x10ull
#define MAP_NOREPLACE_BIT  0x100000ull
#define MREMAP_FIXED_BIT   0x2ull
#define ARCH_SET_FS_CODE   0x1002ull
/* MAP_POPULATE | MAP_LOCKED: would fault in whole random-length ranges. */
#define MAP_EAGER_BITS     (0x8000ull | 0x2000ull)
/* clone flags that would share the fuzzer's memory or signal handlers. */
#define CLONE_SHARING      (0x100ull | 0x800ull | 0x4000ull | 0x10000ull)

/* Never issued: they end, replace or reboot the fuzzer or the machine. */
static int denied(uint64_t nr)
{
	switch (nr) {
	case NR_rt_sigreturn: case NR_vfork: case NR_execve: case NR_exit:
	case NR_reboot: case NR_exit_group: case NR_kexec_load:
	case NR_kexec_file_load: case NR_execveat: case NR_clone3:
	case NR_mlockall:
		return 1;
	default:
		return 0;
	}
}

/*
 * An address the worker may let the kernel unmap or re-protect: inside its
 * arena, or one the kernel must reject (low page, non-canonical, kernel).
 */
static uint64_t harmless_addr(uint64_t addr, const struct fuzz_arena *a, struct rng *r)
{
	uint64_t lo = (uint64_t)a->rw, hi = (uint64_t)a->ro + FUZZ_PAGE;

	if ((addr >= lo && addr < hi) || addr < 0x10000 || addr >= 0x800000000000ull)
		return addr;
	return lo + rng_below(r, FUZZ_RW_PAGES) * FUZZ_PAGE;
}

int fuzz_sanitise(uint64_t nr, uint64_t args[6], const struct fuzz_arena *a,
		  struct rng *r)
{
	if (denied(nr))
		return -1;
	switch (nr) {
	case NR_mmap:
		args[3] &= ~MAP_EAGER_BITS;
		if (args[3] & (MAP_FIXED_BIT | MAP_NOREPLACE_BIT))
			args[0] = harmless_addr(args[0], a, r);
		break;
	case NR_mprotect: case NR_munmap: case NR_madvise: case NR_mlock:
	case NR_munlock: case NR_mlock2: case NR_pkey_mprotect:
	case NR_remap_file_pages:
		args[0] = harmless_addr(args[0], a, r);
		if (args[1] > 0x100000)
			args[1] &= 0xfffff;   /* stay within reach of the arena */
		break;
	case NR_mremap:
		args[0] = harmless_addr(args[0], a, r);
		args[1] &= 0xfffff;
		if (args[3] & MREMAP_FIXED_BIT)
			args[4] = harmless_addr(args[4], a, r);
		break;
	case NR_brk:
		/* Moving the break could free the fuzzer's own heap. */
		if (args[0] && args[0] < 0x800000000000ull)
			args[0] = 0;
		break;
	case NR_clone:
		args[0] &= ~CLONE_SHARING;
		break;
	case NR_arch_prctl:
		if (args[0] == ARCH_SET_FS_CODE)
			return -1;
		break;
	case NR_process_madvise:
		return -1;   /* could target the supervisor's memory */
	default:
		break;
	}
	return 0;
}
