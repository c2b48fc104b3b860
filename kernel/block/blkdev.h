// SPDX-License-Identifier: MPL-2.0
// Block devices: the one interface between disk drivers and file systems.
#ifndef KEEL_BLOCK_BLKDEV_H
#define KEEL_BLOCK_BLKDEV_H

#include <ostd/list.h>
#include <ostd/types.h>

#define BLK_SECTOR_SIZE 512u

struct blkdev;

/*
 * What a driver supplies. Sectors are 512 bytes; buf is kernel memory of
 * count * 512 bytes. Calls block until the device has completed the
 * request and may run concurrently from several tasks (the driver keeps
 * its own queue lock). Return 0 or a negative errno (-EIO on a device
 * error). Callers go through blkdev_read/write/flush, which check bounds.
 */
struct blkdev_ops {
	int (*read)(struct blkdev *bd, uint64_t sector, void *buf, uint32_t count);
	int (*write)(struct blkdev *bd, uint64_t sector, const void *buf,
		     uint32_t count);
	int (*flush)(struct blkdev *bd);
};

/*
 * A whole disk ("vda") or one of its partitions ("vda1"). A partition has
 * parent != NULL, start = its first sector on the parent and the parent's
 * ops; I/O on it is offset and bounded by blkdev_read/write.
 * Fields are set before blkdev_register() and never change afterwards.
 */
struct blkdev {
	char name[16];
	uint32_t major, minor;       /* the dev_t of its /dev node */
	uint64_t nsectors;           /* size in 512-byte sectors */
	bool readonly;
	const struct blkdev_ops *ops;
	void *priv;                  /* the driver's */
	struct blkdev *parent;       /* NULL for a whole disk */
	uint64_t start;              /* first sector within parent */
	struct list_head link;       /* registry; guarded by the registry lock */
};

/* Publish bd (and its /dev node). -EEXIST if the name or dev_t is taken. */
int blkdev_register(struct blkdev *bd) __must_check;
/* The device with this dev_t or name ("vda1"), or NULL. */
struct blkdev *blkdev_by_rdev(uint64_t rdev);
struct blkdev *blkdev_by_name(const char *name);

/* Bounds-checked I/O: -EINVAL past the end, -EROFS writing a read-only one. */
int blkdev_read(struct blkdev *bd, uint64_t sector, void *buf, uint32_t count)
	__must_check;
int blkdev_write(struct blkdev *bd, uint64_t sector, const void *buf,
		 uint32_t count) __must_check;
int blkdev_flush(struct blkdev *bd) __must_check;

/*
 * Read the disk's partition table (MBR, or GPT behind a protective MBR) and
 * register each partition as "<disk><n>" with minor disk->minor + n
 * (n <= PART_MAX). Call once after blkdev_register(disk). Returns how many
 * were registered or a negative errno from reading the disk.
 */
int blkdev_scan_partitions(struct blkdev *disk);

/* Call fn on every registered device in registration order (fn must not register). */
void blkdev_for_each(void (*fn)(struct blkdev *bd, void *ctx), void *ctx);

/* Size in bytes. */
static inline uint64_t blkdev_size(const struct blkdev *bd) { return bd->nsectors * BLK_SECTOR_SIZE; }

#endif
