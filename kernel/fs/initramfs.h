// SPDX-License-Identifier: MPL-2.0
// Unpacking the boot initramfs into the root tmpfs, and the boot-time /dev nodes.
#ifndef KEEL_FS_INITRAMFS_H
#define KEEL_FS_INITRAMFS_H

#include <ostd/types.h>

/* Unpack every boot module that is a newc cpio archive into "/". */
int initramfs_unpack(void) __must_check;
/* Create /dev and the standard character device nodes the archive did not provide. */
int devfs_populate(void) __must_check;

#endif
