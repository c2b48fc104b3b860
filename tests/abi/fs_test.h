// SPDX-License-Identifier: MPL-2.0
// Helpers shared by the fs_* ABI suites: errno-returning wrappers and file helpers.
#ifndef KEEL_TESTS_FS_TEST_H
#define KEEL_TESTS_FS_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "tap.h"

/* A libc or syscall() result as the kernel returned it: value or -errno. */
static inline long R(long r) { return r < 0 ? -errno : r; }

#define BADPTR ((void *)0x10)

#define CHECK(expr, want, desc) tap_eq_long(R(expr), (long)(want), desc)

/* Create path with the given contents; returns 0 or -errno. */
static inline long put_file(const char *path, const char *data)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        return -errno;
    long n = write(fd, data, strlen(data));
    close(fd);
    return n == (long)strlen(data) ? 0 : -EIO;
}

/* Read up to size-1 bytes of path into buf (NUL-terminated); bytes or -errno. */
static inline long get_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    long n = read(fd, buf, size - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    return n < 0 ? -errno : n;
}

static inline long ino_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? -errno : (long)st.st_ino;
}

static inline long mode_of(const char *path)
{
    struct stat st;
    return lstat(path, &st) ? -errno : (long)st.st_mode;
}

#endif
