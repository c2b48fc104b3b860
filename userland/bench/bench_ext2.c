// SPDX-License-Identifier: MPL-2.0
// Benchmarks of ext2 on a virtio-blk disk: sequential 64 MiB write (with fsync) and cold read.
//
// tests/harness/bench.py attaches a fresh, empty ext2 image as the first virtio disk. The
// program mounts /dev/vda (from a devtmpfs of its own) on /mnt, writes 64 MiB in 1 MiB
// writes and fsyncs, then umounts and mounts again so the read starts with a cold cache,
// and compares every byte read with what was written. Only the I/O calls are timed; the
// pattern is made and checked outside the clock. On Linux the virtio and ext4 modules are
// loaded from /lib/modules first; on Keel (no modules) finit_module fails and is ignored.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define DEV_DIR    "/devblk"
#define DISK       DEV_DIR "/vda"
#define MNT        "/mnt"
#define FILE_PATH  MNT "/bench-seq"
#define FILE_BYTES (64l << 20)
#define CHUNK      (1l << 20)
#define NCHUNKS    (FILE_BYTES / CHUNK)

/* Debian's Linux: virtio and ext4 (which mounts ext2) are modules; dependencies first. */
static const char *const modules[] = {
	"virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
	"virtio_pci", "virtio_blk", "crc16", "crc32c_generic", "libcrc32c",
	"mbcache", "jbd2", "ext4",
};

/* Why the ext2 metrics cannot run, or NULL once /mnt holds the disk. */
static const char *ext2_setup_error = "not set up";
static int ext2_setup_done;

static void load_modules(void)
{
	char path[64];

	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		int fd;

		snprintf(path, sizeof(path), "/lib/modules/%s.ko", modules[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* -ENOSYS on Keel (drivers are built in), -EEXIST if loaded. */
		syscall(SYS_finit_module, fd, "", 0);
		close(fd);
	}
}

/* Linux probes the disk asynchronously after insmod: wait up to 10 s for it. */
static int wait_for_disk(void)
{
	struct stat st;

	for (int i = 0; i < 200; i++) {
		struct timespec ts = { 0, 50000000 };

		if (stat(DISK, &st) == 0)
			return S_ISBLK(st.st_mode) ? 0 : -1;
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Once per boot: modules, a devtmpfs for the disk node, the ext2 mount. */
static const char *ext2_setup(void)
{
	if (ext2_setup_done)
		return ext2_setup_error;
	ext2_setup_done = 1;
	load_modules();
	mkdir(DEV_DIR, 0755);
	mkdir(MNT, 0755);
	if (mount("devtmpfs", DEV_DIR, "devtmpfs", 0, NULL) != 0)
		return ext2_setup_error = "cannot mount devtmpfs";
	if (wait_for_disk() != 0)
		return ext2_setup_error = "no virtio disk (bench.py attaches one as /dev/vda)";
	if (mount(DISK, MNT, "ext2", 0, NULL) != 0)
		return ext2_setup_error = "cannot mount /dev/vda as ext2";
	return ext2_setup_error = NULL;
}

/* The pattern of one chunk: 64-bit words that differ per chunk and per offset. */
static void fill_chunk(uint64_t *w, long chunk)
{
	for (long i = 0; i < CHUNK / 8; i++)
		w[i] = ((uint64_t)chunk << 40) ^ (uint64_t)i * 0x9e3779b97f4a7c15ull;
}

static int chunk_ok(const uint64_t *w, long chunk)
{
	for (long i = 0; i < CHUNK / 8; i++)
		if (w[i] != (((uint64_t)chunk << 40) ^ (uint64_t)i * 0x9e3779b97f4a7c15ull))
			return 0;
	return 1;
}

/* Write the file and fsync it; returns the nanoseconds spent in the I/O calls, or 0. */
static uint64_t write_file(uint64_t *buf)
{
	int fd = open(FILE_PATH, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
	uint64_t spent = 0, t0;

	if (fd < 0)
		return 0;
	for (long c = 0; c < NCHUNKS; c++) {
		fill_chunk(buf, c);
		t0 = bench_now_ns();
		if (write(fd, buf, CHUNK) != CHUNK)
			goto fail;
		spent += bench_now_ns() - t0;
	}
	t0 = bench_now_ns();
	if (fsync(fd) != 0)
		goto fail;
	spent += bench_now_ns() - t0;
	return close(fd) == 0 ? spent : 0;
fail:
	close(fd);
	return 0;
}

/* Read the file back and check it; returns the nanoseconds spent in read(2), or 0. */
static uint64_t read_file(uint64_t *buf)
{
	int fd = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
	uint64_t spent = 0, t0;
	long c;

	if (fd < 0)
		return 0;
	for (c = 0; c < NCHUNKS; c++) {
		t0 = bench_now_ns();
		if (read(fd, buf, CHUNK) != CHUNK)
			break;
		spent += bench_now_ns() - t0;
		if (!chunk_ok(buf, c))
			break;
	}
	close(fd);
	return c == NCHUNKS ? spent : 0;
}

static double mib_per_s(uint64_t ns)
{
	return (FILE_BYTES >> 20) / ((double)ns / 1e9);
}

static int seq_write(const char *name, int scale)
{
	const char *why = ext2_setup();
	uint64_t *buf, ns;

	(void)scale;
	if (why) {
		bench_unsupported(name, why);
		return -1;
	}
	buf = malloc(CHUNK);
	ns = buf ? write_file(buf) : 0;
	free(buf);
	if (!ns) {
		bench_unsupported(name, "write or fsync on ext2 failed");
		return -1;
	}
	bench_report(name, mib_per_s(ns), "MiB/s");
	return 0;
}

/* umount + mount: the read must come from the disk, not from a cache. */
static const char *remount_cold(void)
{
	if (umount(MNT) != 0)
		return "umount of /mnt failed";
	if (mount(DISK, MNT, "ext2", 0, NULL) != 0)
		return "second mount of /dev/vda failed";
	return NULL;
}

static int seq_read(const char *name, int scale)
{
	const char *why = ext2_setup();
	uint64_t *buf, ns = 0;

	(void)scale;
	if (!why)
		why = remount_cold();
	if (why) {
		bench_unsupported(name, why);
		return -1;
	}
	buf = malloc(CHUNK);
	if (buf)
		ns = read_file(buf);
	free(buf);
	unlink(FILE_PATH);
	if (!ns) {
		bench_unsupported(name, "read back failed or differed (run ext2_seq_write_64m first)");
		return -1;
	}
	bench_report(name, mib_per_s(ns), "MiB/s");
	return 0;
}

const struct bench_metric bench_ext2_metrics[] = {
	{ "ext2_seq_write_64m", seq_write },
	{ "ext2_seq_read_64m", seq_read },
	{ 0, 0 },
};
