// SPDX-License-Identifier: MPL-2.0
// Host harness for the ext2 core tests: a file-backed block device, mke2fs/e2fsck/debugfs helpers.
#ifndef KEEL_TESTS_EXT2_HOST_H
#define KEEL_TESTS_EXT2_HOST_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "unit.h"
#include "block/blkdev.h"
#include "fs/ext2/ext2.h"

/* --- what the core needs from its environment --- */
void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
void *kcalloc(size_t n, size_t s) { return calloc(n ? n : 1, s ? s : 1); }
void kfree(void *p) { free(p); }
uint32_t ext2_now(void) { return (uint32_t)time(NULL); }

static int dev_fd = -1;
static struct blkdev dev;

int blkdev_read(struct blkdev *bd, uint64_t sector, void *buf, uint32_t count)
{
    if (sector + count > bd->nsectors)
        return -22;
    ssize_t n = pread(dev_fd, buf, (size_t)count * 512, (off_t)(sector * 512));
    return n == (ssize_t)count * 512 ? 0 : -5;
}

int blkdev_write(struct blkdev *bd, uint64_t sector, const void *buf, uint32_t count)
{
    if (sector + count > bd->nsectors)
        return -22;
    if (bd->readonly)
        return -30;
    ssize_t n = pwrite(dev_fd, buf, (size_t)count * 512, (off_t)(sector * 512));
    return n == (ssize_t)count * 512 ? 0 : -5;
}

int blkdev_flush(struct blkdev *bd)
{
    (void)bd;
    return fsync(dev_fd) ? -5 : 0;
}

/* --- scratch directory, image and tools --- */
static char work[64];
static char img[96];
static char src[96];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static void setup_dirs(void)
{
    snprintf(work, sizeof(work), "/tmp/keel-ext2-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(work));
    snprintf(img, sizeof(img), "%s/img", work);
    snprintf(src, sizeof(src), "%s/src", work);
    ck_assert_int_eq(mkdir(src, 0755), 0);
}

static void teardown_dirs(void)
{
    if (dev_fd >= 0)
        close(dev_fd);
    dev_fd = -1;
    if (work[0] && !getenv("EXT2_KEEP"))
        sh("rm -rf %s", work);
}

/* mke2fs an ext2 image of size_k KiB with block size bs from src/. */
static void make_image(unsigned bs, unsigned size_k, const char *extra)
{
    ck_assert_int_eq(sh("mke2fs -q -F -t ext2 -b %u %s -d %s %s %uk >/dev/null 2>&1",
                        bs, extra ? extra : "", src, img, size_k), 0);
}

static void open_dev(bool ro)
{
    struct stat st;
    dev_fd = open(img, O_RDWR);
    ck_assert_int_ge(dev_fd, 0);
    ck_assert_int_eq(fstat(dev_fd, &st), 0);
    memset(&dev, 0, sizeof(dev));
    strcpy(dev.name, "img");
    dev.nsectors = (uint64_t)st.st_size / 512;
    dev.readonly = ro;
}

static struct ext2_fs *mount_img(bool ro)
{
    struct ext2_fs *fs = NULL;
    open_dev(ro);
    ck_assert_int_eq(ext2_mount(&dev, ro, &fs), 0);
    return fs;
}

static void umount_img(struct ext2_fs *fs)
{
    ck_assert_int_eq(ext2_umount(fs), 0);
    close(dev_fd);
    dev_fd = -1;
}

/* e2fsck -fn: 0 when the image is clean. */
static int fsck(void)
{
    return sh("e2fsck -fn %s >%s/fsck.log 2>&1 || { cat %s/fsck.log; exit 1; }", img, work, work);
}

/* Resolve an absolute path to a referenced inode (no symlinks followed). */
static struct ext2_inode *walk(struct ext2_fs *fs, const char *path)
{
    struct ext2_inode *ip;
    ck_assert_int_eq(ext2_iget(fs, EXT2_ROOT_INO, &ip), 0);
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        size_t len = strcspn(p, "/");
        if (!len)
            break;
        uint32_t ino;
        int r = ext2_dir_lookup(fs, ip, p, len, &ino);
        ext2_iput(fs, ip);
        if (r)
            return NULL;
        ck_assert_int_eq(ext2_iget(fs, ino, &ip), 0);
        p += len;
    }
    return ip;
}

/* Deterministic test data: byte i of a stream seeded by seed. */
static void pattern(uint8_t *buf, size_t len, uint64_t off, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t x = (off + i) * 2654435761u + seed * 40503u;
        buf[i] = (uint8_t)(x >> 13);
    }
}

static void write_src_file(const char *rel, size_t size, unsigned seed)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", src, rel);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    uint8_t *buf = malloc(size ? size : 1);
    pattern(buf, size, 0, seed);
    ck_assert_uint_eq(fwrite(buf, 1, size, f), size);
    fclose(f);
    free(buf);
}

/* The bytes `debugfs -R "cat path"` prints, compared with expected. */
__attribute__((unused)) static void debugfs_cat_eq(const char *path, const uint8_t *expect, size_t len)
{
    char out[160];
    snprintf(out, sizeof(out), "%s/cat.out", work);
    ck_assert_int_eq(sh("debugfs -R 'cat %s' %s >%s 2>/dev/null", path, img, out), 0);
    FILE *f = fopen(out, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t *buf = malloc(len + 1);
    size_t n = fread(buf, 1, len + 1, f);
    fclose(f);
    ck_assert_uint_eq(n, len);
    ck_assert(memcmp(buf, expect, len) == 0);
    free(buf);
}

#endif
