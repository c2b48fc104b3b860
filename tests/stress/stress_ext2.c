// SPDX-License-Identifier: MPL-2.0
// The ext2 phase: tree churn on a virtio disk from several processes, then a remount that must keep data.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "stress.h"

#define DISK "/dev/vda"
#define MNT  "/mnt"
/* Enough that leaving each unmounted tree's dentries and inodes behind exceeds the tolerance. */
#define MOUNT_CYCLES 20
#define MANY_FILES   250

/* Debian's Linux has virtio and ext4 (which also mounts ext2) as modules in the initramfs. */
static void load_modules(void)
{
	static const char *const mods[] = { "virtio_ring", "virtio", "virtio_pci_modern_dev",
					    "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk",
					    "crc16", "crc32c_generic", "libcrc32c", "mbcache",
					    "jbd2", "ext4" };
	char path[64];

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s.ko", mods[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			continue;
		syscall(SYS_finit_module, fd, "", 0);
		close(fd);
	}
}

bool ext2_setup(void)
{
	struct stat st;

	mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
	if (stat(DISK, &st))
		load_modules();
	for (int i = 0; i < 1200 && stat(DISK, &st); i++)   /* up to 60 s: a loaded host probes late */
		nanosleep(&(struct timespec){ 0, 50000000 }, 0);
	return stat(DISK, &st) == 0 && S_ISBLK(st.st_mode);
}

static int ext2_worker(int i)
{
	return fs_churn(MNT, i);
}

/* A file written and synced survives umount and mount with the same contents. */
static bool persists(void)
{
	static uint8_t a[50000], b[50000];
	int fd = open(MNT "/keep", O_CREAT | O_TRUNC | O_WRONLY, 0600);

	fill_pattern(a, sizeof(a), 77);
	if (fd < 0 || write_full(fd, a, sizeof(a)) || fsync(fd) | close(fd))
		return false;
	if (umount(MNT) || mount(DISK, MNT, "ext2", 0, 0))
		return false;
	fd = open(MNT "/keep", O_RDONLY);
	bool ok = fd >= 0 && read_full(fd, b, sizeof(b)) == 0 && !memcmp(a, b, sizeof(a));

	close(fd);
	return unlink(MNT "/keep") == 0 && ok;
}

/* Create (or, with remove, delete) MANY_FILES empty files in MNT/many. */
static bool many_files(bool remove)
{
	char path[64];

	if (!remove && mkdir(MNT "/many", 0755))
		return false;
	for (int f = 0; f < MANY_FILES; f++) {
		snprintf(path, sizeof(path), MNT "/many/%d", f);
		int fd = remove ? -1 : open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);

		if (remove ? unlink(path) != 0 : fd < 0 || close(fd) != 0)
			return false;
	}
	return !remove || rmdir(MNT "/many") == 0;
}

/*
 * Mount read-only, stat every file (filling the metadata cache: four inodes per block),
 * unmount; again and again. What a mount allocates must go with its umount.
 */
static bool mount_cycles(void)
{
	char path[64];
	struct stat st;

	for (int k = 0; k < MOUNT_CYCLES; k++) {
		if (mount(DISK, MNT, "ext2", MS_RDONLY, 0))
			return false;
		for (int f = 0; f < MANY_FILES; f++) {
			snprintf(path, sizeof(path), MNT "/many/%d", f);
			if (stat(path, &st) || !S_ISREG(st.st_mode))
				return umount(MNT), false;
		}
		if (umount(MNT))
			return false;
	}
	return true;
}

bool phase_ext2(void)
{
	if (mount(DISK, MNT, "ext2", 0, 0))
		return false;
	if (cfg.warmup) {       /* one mount, one file: enough to start ext2's lazy state */
		bool ok = persists();

		return umount(MNT) == 0 && ok;
	}
	bool ok = many_files(false);

	ok = umount(MNT) == 0 && ok && mount_cycles();
	if (mount(DISK, MNT, "ext2", 0, 0))
		return false;
	ok = many_files(true) && ok;
	ok = run_workers(ext2_worker) && ok;

	ok = persists() && ok;
	sync();
	return umount(MNT) == 0 && ok;
}
