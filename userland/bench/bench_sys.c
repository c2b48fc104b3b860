// SPDX-License-Identifier: MPL-2.0
// Benchmarks of single cheap system calls: null call, clock_gettime (the vDSO), 1-byte I/O, open, stat.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define STAT_PATH "/tmp/bench-stat"

/* Time n calls of op() and report the mean in nanoseconds. */
static int per_call(const char *name, long n, int (*op)(void))
{
	uint64_t t0 = bench_now_ns();
	long i;

	for (i = 0; i < n && !bench_over_budget(i, t0); i++)
		if (op() < 0) {
			bench_unsupported(name, "call failed");
			return -1;
		}
	bench_report(name, (double)(bench_now_ns() - t0) / (double)i, "ns");
	return 0;
}

static int op_getppid(void)
{
	return (int)syscall(SYS_getppid);
}

static int null_syscall(const char *name, int scale)
{
	return per_call(name, 200000L * scale, op_getppid);
}

static int op_clock_gettime(void)
{
	struct timespec ts;

	return clock_gettime(CLOCK_MONOTONIC, &ts);
}

/* Through libc, which musl sends to the vDSO when the kernel maps one. */
static int clock_gettime_bench(const char *name, int scale)
{
	return per_call(name, 200000L * scale, op_clock_gettime);
}

static int io_fd = -1;

static int op_read1(void)
{
	char c;

	return read(io_fd, &c, 1) == 1 ? 0 : -1;
}

static int op_write1(void)
{
	return write(io_fd, "x", 1) == 1 ? 0 : -1;
}

static int io_one(const char *name, int scale, const char *path, int flags,
		  int (*op)(void))
{
	int rc;

	io_fd = open(path, flags);
	if (io_fd < 0) {
		bench_unsupported(name, path);
		return -1;
	}
	rc = per_call(name, 100000L * scale, op);
	close(io_fd);
	return rc;
}

static int read_zero(const char *name, int scale)
{
	return io_one(name, scale, "/dev/zero", O_RDONLY, op_read1);
}

static int write_null(const char *name, int scale)
{
	return io_one(name, scale, "/dev/null", O_WRONLY, op_write1);
}

static int make_stat_file(void)
{
	int fd = open(STAT_PATH, O_CREAT | O_WRONLY, 0644);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int op_open_close(void)
{
	int fd = open(STAT_PATH, O_RDONLY);

	if (fd < 0)
		return -1;
	return close(fd);
}

static int op_stat(void)
{
	struct stat st;

	return stat(STAT_PATH, &st);
}

static int op_fstat(void)
{
	struct stat st;

	return fstat(io_fd, &st);
}

static int open_close(const char *name, int scale)
{
	if (make_stat_file() < 0) {
		bench_unsupported(name, "cannot create " STAT_PATH);
		return -1;
	}
	return per_call(name, 50000L * scale, op_open_close);
}

static int stat_file(const char *name, int scale)
{
	if (make_stat_file() < 0) {
		bench_unsupported(name, "cannot create " STAT_PATH);
		return -1;
	}
	return per_call(name, 50000L * scale, op_stat);
}

static int fstat_file(const char *name, int scale)
{
	return io_one(name, scale, "/dev/null", O_RDONLY, op_fstat);
}

const struct bench_metric bench_sys_metrics[] = {
	{ "null_syscall", null_syscall },
	{ "clock_gettime", clock_gettime_bench },
	{ "read_1b_dev_zero", read_zero },
	{ "write_1b_dev_null", write_null },
	{ "open_close", open_close },
	{ "stat", stat_file },
	{ "fstat", fstat_file },
	{ 0, 0 },
};
