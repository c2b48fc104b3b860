/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 file modes, struct stat, struct linux_dirent64 and timespec. */
#ifndef KEEL_UAPI_STAT_H
#define KEEL_UAPI_STAT_H

#include <stdint.h>

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  04000
#define S_ISGID  02000
#define S_ISVTX  01000

#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* d_type values of getdents64: the file type bits shifted down by 12. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

struct linux_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

/* struct stat as x86-64 Linux lays it out (144 bytes). */
struct linux_stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;      /* 512-byte units */
    struct linux_timespec st_atim, st_mtim, st_ctim;
    int64_t reserved[3];
};

/* One getdents64 record: fixed 19-byte header, NUL-terminated name, padded to 8 bytes. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

/* Device numbers as Linux encodes them in a 64-bit dev_t. */
static inline uint64_t linux_makedev(uint32_t ma, uint32_t mi)
{
    return ((uint64_t)(ma & 0xfffff000u) << 32) | ((uint64_t)(ma & 0xfffu) << 8) |
           ((uint64_t)(mi & 0xffffff00u) << 12) | (mi & 0xffu);
}
static inline uint32_t linux_major(uint64_t d) { return (uint32_t)(((d >> 32) & 0xfffff000u) | ((d >> 8) & 0xfffu)); }
static inline uint32_t linux_minor(uint64_t d) { return (uint32_t)(((d >> 12) & 0xffffff00u) | (d & 0xffu)); }

#endif
