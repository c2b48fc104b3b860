// SPDX-License-Identifier: MPL-2.0
// Block special files: open/read/write/lseek/ioctl/fsync on /dev/vda and friends.
#ifndef KEEL_BLOCK_BLKDEV_FILE_H
#define KEEL_BLOCK_BLKDEV_FILE_H

#include "fs/file.h"

/* The file operations of block device rdev: 0, or -ENXIO when no such device is registered. */
int blkdev_file_ops(uint64_t rdev, const struct file_ops **ops) __must_check;
/* Size in bytes of the device f is open on (for SEEK_END). */
uint64_t blkdev_file_size(struct file *f);

#endif
