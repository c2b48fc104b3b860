// SPDX-License-Identifier: MPL-2.0
// Benchmarks of memory management: page-fault cost and mmap+munmap.
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define FAULT_BYTES (64ul << 20)

static int page_fault(const char *name, int scale)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long pages = FAULT_BYTES / (unsigned long)page;
	uint64_t total = 0;

	for (int r = 0; r < scale; r++) {
		char *p = mmap(0, FAULT_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint64_t t0;

		if (p == MAP_FAILED) {
			bench_unsupported(name, "mmap of 64 MiB failed");
			return -1;
		}
		t0 = bench_now_ns();
		for (unsigned long i = 0; i < pages; i++)
			p[i * (unsigned long)page] = 1;
		total += bench_now_ns() - t0;
		munmap(p, FAULT_BYTES);
	}
	bench_report(name, (double)total / ((double)pages * scale), "ns");
	return 0;
}

static int mmap_munmap(const char *name, int scale)
{
	long n = 20000L * scale;
	uint64_t t0 = bench_now_ns();
	long i;

	for (i = 0; i < n && !bench_over_budget(i, t0); i++) {
		void *p = mmap(0, 65536, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || munmap(p, 65536) < 0) {
			bench_unsupported(name, "mmap or munmap failed");
			return -1;
		}
	}
	bench_report(name, (double)(bench_now_ns() - t0) / i, "ns");
	return 0;
}

const struct bench_metric bench_mm_metrics[] = {
	{ "page_fault", page_fault },
	{ "mmap_munmap_64k", mmap_munmap },
	{ 0, 0 },
};
