// SPDX-License-Identifier: MPL-2.0
// Leak snapshots: MemFree after dropping caches, open fds, mounts, and user processes in /proc.
#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "stress_leak.h"

int drop_caches(const char *how)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	if (fd < 0)
		return -1;
	int r = write(fd, how, strlen(how)) == (ssize_t)strlen(how) ? 0 : -1;

	close(fd);
	return r;
}

long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			v = strtol(line + n + 1, 0, 10);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

static int count_dir(const char *path, bool numeric_only)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && (!numeric_only || isdigit((unsigned char)e->d_name[0])))
			n++;
	closedir(d);
	return n;
}

/* Processes in /proc that are not kernel threads (Linux: pid 2 and its children). */
static int count_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], buf[512];

		if (!isdigit((unsigned char)e->d_name[0]) || !strcmp(e->d_name, "2"))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY), ppid = -1;
		ssize_t len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		if (len <= 0)
			continue;       /* it exited meanwhile */
		buf[len] = 0;
		char *rp = strrchr(buf, ')');

		if (rp && sscanf(rp + 1, " %*c %d", &ppid) == 1 && ppid != 2)
			n++;
	}
	closedir(d);
	return n;
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

void snapshot_take(struct snapshot *s)
{
	sync();
	drop_caches("3");
	s->memfree_kb = meminfo_kb("MemFree");
	s->fds = count_dir("/proc/self/fd", false) - 1;        /* minus the directory's own fd */
	s->mounts = count_lines("/proc/self/mounts");
	s->procs = count_procs();
}
