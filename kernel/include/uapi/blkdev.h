// SPDX-License-Identifier: MPL-2.0
// Linux block-device ioctls (the 0x12 group) and the dynamic major numbers Keel uses.
#ifndef KEEL_UAPI_BLKDEV_H
#define KEEL_UAPI_BLKDEV_H

#define BLKROGET      0x125e    /* int: read-only flag */
#define BLKRRPART     0x125f    /* re-read the partition table */
#define BLKGETSIZE    0x1260    /* unsigned long: size in 512-byte sectors */
#define BLKFLSBUF     0x1261    /* flush buffers */
#define BLKSSZGET     0x1268    /* int: logical sector size */
#define BLKBSZGET     0x80081270 /* int (size_t-coded): soft block size */
#define BLKGETSIZE64  0x80081272 /* u64: size in bytes */
#define BLKPBSZGET    0x127b    /* unsigned int: physical sector size */

#endif
