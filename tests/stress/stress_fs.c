// SPDX-License-Identifier: MPL-2.0
// File-system churn on tmpfs and ext2: trees created, written, renamed, verified by checksum, removed.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stress.h"

#define DIRS  4
#define FILES 8
#define MAXSZ 20000

static uint8_t wbuf[MAXSZ], rbuf[MAXSZ + 1];

static size_t file_size(int i, int round, int d, int f)
{
	return (size_t)((i * 977 + round * 131 + d * 53 + f * 2003) % MAXSZ);
}

static uint32_t file_seed(int i, int round, int d, int f)
{
	return (uint32_t)(i << 24 | round << 12 | d << 6 | f);
}

static int write_file(const char *path, size_t len, uint32_t seed)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);

	fill_pattern(wbuf, len, seed);
	if (fd < 0)
		return -1;
	/* Two writes, the second appended at an offset, to cross block boundaries unevenly. */
	size_t half = len / 3;
	int bad = write_full(fd, wbuf, half) || pwrite(fd, wbuf + half, len - half, (off_t)half) !=
		  (ssize_t)(len - half);

	return close(fd) || bad ? -1 : 0;
}

/* The file holds exactly len bytes of the pattern for seed. */
static int check_file(const char *path, size_t len, uint32_t seed)
{
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (fd < 0)
		return -1;
	ssize_t n = read(fd, rbuf, sizeof(rbuf));
	int bad = fstat(fd, &st) || st.st_size != (off_t)len;

	close(fd);
	fill_pattern(wbuf, len, seed);
	return bad || n != (ssize_t)len || checksum(rbuf, len) != checksum(wbuf, len) ? -1 : 0;
}

static int build_tree(const char *top, int i, int round)
{
	char path[256];

	if (mkdir(top, 0755))
		return -1;
	for (int d = 0; d < DIRS; d++) {
		snprintf(path, sizeof(path), "%s/d%d", top, d);
		if (mkdir(path, 0755))
			return -1;
		for (int f = 0; f < FILES; f++) {
			snprintf(path, sizeof(path), "%s/d%d/f%d", top, d, f);
			if (write_file(path, file_size(i, round, d, f), file_seed(i, round, d, f)))
				return -1;
		}
	}
	return 0;
}

/* Move every file of d into the next directory under a new name, then rename the directories. */
static int shuffle_tree(const char *top)
{
	char from[256], to[256];

	for (int d = 0; d < DIRS; d++)
		for (int f = 0; f < FILES; f++) {
			snprintf(from, sizeof(from), "%s/d%d/f%d", top, d, f);
			snprintf(to, sizeof(to), "%s/d%d/m%d-%d", top, (d + 1) % DIRS, d, f);
			if (rename(from, to))
				return -1;
		}
	for (int d = 0; d < DIRS; d++) {
		snprintf(from, sizeof(from), "%s/d%d", top, d);
		snprintf(to, sizeof(to), "%s/r%d", top, d);
		if (rename(from, to))
			return -1;
	}
	return 0;
}

/* Check every moved file, then unlink files and remove directories; the tree must be gone. */
static int verify_and_remove(const char *top, int i, int round)
{
	char path[256];
	int bad = 0;

	for (int d = 0; d < DIRS; d++) {
		for (int f = 0; f < FILES; f++) {
			snprintf(path, sizeof(path), "%s/r%d/m%d-%d", top, (d + 1) % DIRS, d, f);
			if (check_file(path, file_size(i, round, d, f), file_seed(i, round, d, f)))
				bad = 1;
		}
	}
	for (int d = 0; d < DIRS; d++)
		for (int f = 0; f < FILES; f++) {
			snprintf(path, sizeof(path), "%s/r%d/m%d-%d", top, (d + 1) % DIRS, d, f);
			if (unlink(path))
				bad = 1;
		}
	for (int d = 0; d < DIRS; d++) {
		snprintf(path, sizeof(path), "%s/r%d", top, d);
		if (rmdir(path))
			bad = 1;
	}
	if (rmdir(top) || access(top, F_OK) == 0 || errno != ENOENT)
		bad = 1;
	return bad ? -1 : 0;
}

int fs_churn(const char *root, int i)
{
	char top[128];

	snprintf(top, sizeof(top), "%s/stress-w%d", root, i);
	for (int round = 0; round < 2 * cfg.scale; round++)
		if (build_tree(top, i, round) || shuffle_tree(top) || verify_and_remove(top, i, round))
			return -1;
	return 0;
}

static int tmpfs_worker(int i)
{
	return fs_churn("/tmp", i);
}

bool phase_tmpfs(void)
{
	return run_workers(tmpfs_worker);
}
