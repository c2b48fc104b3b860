// SPDX-License-Identifier: MPL-2.0
// Anonymous-inode files (eventfd, timerfd, epoll): a file with private state and a descriptor.
#ifndef KEEL_FS_ANON_H
#define KEEL_FS_ANON_H

#include "fs/file.h"

/*
 * A new file with ops on its own anonymous inode; priv is set before the
 * descriptor is installed. Returns the fd, or -errno (then priv is untouched
 * and ops->release is not called).
 */
int anon_fd_create(const struct file_ops *ops, void *priv, uint32_t flags, bool cloexec) __must_check;

#endif
