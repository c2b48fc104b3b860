// SPDX-License-Identifier: MPL-2.0
// Benchmarks of tmpfs: file create+delete and sequential write/read throughput.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

#define SEQ_PATH  "/tmp/bench-seq"
#define SEQ_BYTES (64l << 20)
#define SEQ_CHUNK (64l << 10)

static int create_delete(const char *name, int scale)
{
	long n = 2000L * scale;
	char path[64];
	uint64_t t0 = bench_now_ns();
	long i;

	for (i = 0; i < n && !bench_over_budget(i, t0); i++) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/bench-f%ld", i);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || close(fd) < 0 || unlink(path) < 0) {
			bench_unsupported(name, "create or unlink failed");
			return -1;
		}
	}
	bench_report(name, (double)(bench_now_ns() - t0) / i / 1e3, "us");
	return 0;
}

/* Move SEQ_BYTES through fd in SEQ_CHUNK pieces; returns MiB/s or -1. */
static double stream(int fd, char *buf, int writing)
{
	uint64_t t0 = bench_now_ns();

	for (long done = 0; done < SEQ_BYTES; done += SEQ_CHUNK) {
		ssize_t r = writing ? write(fd, buf, SEQ_CHUNK) : read(fd, buf, SEQ_CHUNK);

		if (r != SEQ_CHUNK)
			return -1;
	}
	return (SEQ_BYTES >> 20) / ((double)(bench_now_ns() - t0) / 1e9);
}

static int seq_io(const char *name, int writing)
{
	char *buf = malloc(SEQ_CHUNK);
	int fd = open(SEQ_PATH, writing ? O_CREAT | O_TRUNC | O_WRONLY : O_RDONLY, 0644);
	double rate = -1;

	if (buf && fd >= 0) {
		for (long i = 0; i < SEQ_CHUNK; i++)
			buf[i] = (char)i;
		rate = stream(fd, buf, writing);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	if (rate < 0) {
		bench_unsupported(name, "sequential I/O failed");
		return -1;
	}
	bench_report(name, rate, "MiB/s");
	return 0;
}

static int seq_write(const char *name, int scale)
{
	(void)scale;
	return seq_io(name, 1);
}

static int seq_read(const char *name, int scale)
{
	int rc;

	(void)scale;
	rc = seq_io(name, 0);
	unlink(SEQ_PATH);
	return rc;
}

const struct bench_metric bench_fs_metrics[] = {
	{ "tmpfs_create_delete", create_delete },
	{ "tmpfs_seq_write_64m", seq_write },
	{ "tmpfs_seq_read_64m", seq_read },
	{ 0, 0 },
};
