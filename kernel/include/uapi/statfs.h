/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 struct statfs, struct statx and their flag values. */
#ifndef KEEL_UAPI_STATFS_H
#define KEEL_UAPI_STATFS_H

#include <stdint.h>

struct linux_statfs {
    int64_t f_type;
    int64_t f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen;
    int64_t f_frsize;
    int64_t f_flags;
    int64_t f_spare[4];
};

#define ST_VALID 0x0020    /* f_flags is valid */

struct linux_statx_timestamp {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

/* struct statx: 256 bytes. */
struct linux_statx {
    uint32_t stx_mask;
    uint32_t stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink;
    uint32_t stx_uid;
    uint32_t stx_gid;
    uint16_t stx_mode;
    uint16_t spare0;
    uint64_t stx_ino;
    uint64_t stx_size;
    uint64_t stx_blocks;
    uint64_t stx_attributes_mask;
    struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor;
    uint32_t stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare3[12];
};

#define STATX_BASIC_STATS    0x000007ffU
#define STATX_MNT_ID         0x00001000U
#define STATX__RESERVED      0x80000000U
#define AT_STATX_SYNC_TYPE   0x6000

#define FALLOC_FL_KEEP_SIZE  0x01

#endif
