// SPDX-License-Identifier: MPL-2.0
// Character devices by major:minor (mem devices and the TTYs).
#ifndef KEEL_FS_CHRDEV_H
#define KEEL_FS_CHRDEV_H

#include "fs/file.h"

/* The operations of device rdev (a Linux dev_t), or -ENXIO. */
int chrdev_ops(uint64_t rdev, const struct file_ops **ops) __must_check;

struct chrdev_node { const char *name; uint32_t major, minor, mode; };
/* The nodes a devtmpfs-like /dev holds at boot. */
extern const struct chrdev_node chrdev_nodes[];
extern const size_t chrdev_node_count;

#endif
