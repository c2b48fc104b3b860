// SPDX-License-Identifier: MPL-2.0
// The pty phase: devpts instances mounted, used for one pty round trip and unmounted, again and again.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "stress.h"

/*
 * Per worker: with 4 workers, leaving each instance behind (about 10 KiB on Keel) would exceed the
 * tolerance twice over. Not multiplied by the scale: Keel still leaves each unmounted mount's
 * super block, dentries and inodes (under 2 KiB) behind, since detached mounts are never freed.
 */
#define PTY_CYCLES 200

/* One instance on dir: open a pty in it, send a line from the slave to the master, close, unmount. */
static int pty_cycle(const char *dir)
{
	char path[64], buf[8];
	int n = -1, unlock = 0;

	if (mount("devpts", dir, "devpts", 0, "newinstance,ptmxmode=0666"))
		return -1;
	snprintf(path, sizeof(path), "%s/ptmx", dir);
	int m = open(path, O_RDWR | O_NOCTTY);
	int ok = m >= 0 && ioctl(m, TIOCSPTLCK, &unlock) == 0 && ioctl(m, TIOCGPTN, &n) == 0;

	snprintf(path, sizeof(path), "%s/%d", dir, n);
	int s = ok ? open(path, O_RDWR | O_NOCTTY) : -1;

	ok = s >= 0 && write_full(s, "ok\n", 3) == 0 && read_full(m, buf, 4) == 0 && !memcmp(buf, "ok\r\n", 4);
	if (s >= 0)
		close(s);
	if (m >= 0)
		close(m);
	return umount(dir) == 0 && ok ? 0 : -1;
}

static int pty_worker(int i)
{
	char dir[32];
	int cycles = cfg.warmup ? 5 : PTY_CYCLES;

	snprintf(dir, sizeof(dir), "/tmp/pts-w%d", i);
	if (mkdir(dir, 0755))
		return -1;
	for (int k = 0; k < cycles; k++)
		if (pty_cycle(dir))
			return -1;
	return rmdir(dir);
}

bool phase_pty(void)
{
	return run_workers(pty_worker);
}
