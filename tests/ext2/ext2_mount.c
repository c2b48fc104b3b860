// SPDX-License-Identifier: MPL-2.0
// ext2 on a virtio disk: mount /dev/vda, read what mke2fs -d put there, write a tree, remount,
// umount and mount again. The disk comes from tests/ext2/ext2disk.py, which runs e2fsck -fn
// and checks the guest's files with debugfs afterwards (names and patterns must match).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"
#include "../abi/truncate_check.h"
#include "../abi/proc_test.h"

#define M "/mnt"
#define BIG_SIZE (3 * 1024 * 1024 + 123)
#define HOST_BIG 300000
#define BAD_PTR ((void *)0x10)

static long err(long r) { return r < 0 ? -errno : r; }

static uint8_t pat_byte(unsigned seed, long i) { return (uint8_t)(i * 7 + i / 251 + seed); }

static bool is_pat(const uint8_t *b, unsigned seed, long off, long n)
{
    for (long i = 0; i < n; i++)
        if (b[i] != pat_byte(seed, off + i))
            return false;
    return true;
}

static uint8_t buf[65536];

/* Debian's Linux has virtio and ext4 (which mounts ext2) as modules. */
static void load_modules(void)
{
    static const char *const mods[] = { "virtio_ring", "virtio", "virtio_pci_modern_dev",
                                        "virtio_pci_legacy_dev", "virtio_pci", "virtio_blk",
                                        "crc16", "crc32c_generic", "libcrc32c", "mbcache", "jbd2",
                                        "ext4" };
    char path[64];
    for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
        snprintf(path, sizeof(path), "/lib/modules/%s.ko", mods[i]);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        syscall(SYS_finit_module, fd, "", 0);
        close(fd);
    }
}

static void wait_for(const char *path)
{
    struct stat st;
    for (int i = 0; i < 1200 && stat(path, &st) != 0; i++) {     /* up to 60 s */
        struct timespec ts = { 0, 50000000 };
        nanosleep(&ts, NULL);
    }
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) ? -errno : (long)st.st_size;
}

static bool read_is(const char *p, const char *want)
{
    char b[256] = { 0 };
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return false;
    long n = read(fd, b, sizeof(b) - 1);
    close(fd);
    return n == (long)strlen(want) && !memcmp(b, want, (size_t)n);
}

static bool write_all(const char *p, const void *data, size_t len, int flags)
{
    int fd = open(p, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0)
        return false;
    bool ok = write(fd, data, len) == (ssize_t)len;
    return close(fd) == 0 && ok;
}

/* A file of n pattern bytes (seed), written in 64 KiB pieces. */
static bool write_pat(const char *p, unsigned seed, long n)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return false;
    for (long off = 0; off < n;) {
        long c = n - off < (long)sizeof(buf) ? n - off : (long)sizeof(buf);
        for (long i = 0; i < c; i++)
            buf[i] = pat_byte(seed, off + i);
        if (write(fd, buf, (size_t)c) != c)
            return close(fd), false;
        off += c;
    }
    return close(fd) == 0;
}

static bool check_pat(const char *p, unsigned seed, long n)
{
    int fd = open(p, O_RDONLY);
    long off = 0, got;
    if (fd < 0)
        return false;
    while ((got = read(fd, buf, sizeof(buf))) > 0) {
        if (!is_pat(buf, seed, off, got))
            return close(fd), false;
        off += got;
    }
    close(fd);
    return got == 0 && off == n;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* 15 checks: the device, the mount and its errors. */
static void mount_checks(void)
{
    tap_eq_long(err(mount("devtmpfs", "/dev", "devtmpfs", 0, NULL)), 0, "mount devtmpfs on /dev");
    struct stat st;
    if (stat("/dev/vda", &st) != 0) {
        load_modules();
        wait_for("/dev/vda");
    }
    tap_ok(stat("/dev/vda", &st) == 0 && S_ISBLK(st.st_mode), "/dev/vda is a block device");
    mkdir(M, 0755);
    tap_eq_long(err(mount("/dev/nope", M, "ext2", 0, NULL)), -ENOENT, "mount of a missing device: ENOENT");
    tap_eq_long(err(mount("/init", M, "ext2", 0, NULL)), -ENOTBLK, "mount of a regular file: ENOTBLK");
    tap_eq_long(err(mount("/dev/vda", M, "ext2", 0, BAD_PTR)), -EFAULT, "bad data pointer: EFAULT");
    tap_eq_long(err(mount("/dev/vda", M, "ext2", 0, NULL)), 0, "mount /dev/vda as ext2");
    struct statfs sf;
    tap_eq_long(err(statfs(M, &sf)), 0, "statfs on the mount");
    tap_ok(sf.f_type == 0xEF53, "f_type is EXT2_SUPER_MAGIC");
    tap_ok(sf.f_bsize == 1024 && sf.f_blocks > 7000 && sf.f_blocks <= 8192 && sf.f_bfree < sf.f_blocks,
           "statfs: 1 KiB blocks, 8 MiB file system");
    tap_ok(sf.f_files == 2048 && sf.f_ffree < sf.f_files && sf.f_namelen == 255, "statfs: inode counts");
    /* A second mount of the device shares the file system. */
    struct stat a, b;
    mkdir("/mnt2", 0755);
    tap_eq_long(err(mount("/dev/vda", "/mnt2", "ext2", 0, NULL)), 0, "mount the device a second time");
    tap_ok(stat(M "/hello.txt", &a) == 0 && stat("/mnt2/hello.txt", &b) == 0 && a.st_ino == b.st_ino &&
           a.st_dev == b.st_dev, "both mounts show the same inode");
    tap_eq_long(err(mount("/dev/vda", "/nodir", "ext2", MS_RDONLY, NULL)), -ENOENT,
                "a missing mount point: ENOENT before the device is looked at");
    mkdir("/mnt3", 0755);
    tap_eq_long(err(mount("/dev/vda", "/mnt3", "ext2", MS_RDONLY, NULL)), -EBUSY,
                "a read-only mount of a read-write mounted device: EBUSY");
    tap_eq_long(err(umount("/mnt2")), 0, "umount the second mount");
}

/* 9 checks: what the host's mke2fs -d wrote. */
static void host_tree_checks(void)
{
    struct stat st;
    tap_ok(read_is(M "/hello.txt", "hello from the host\n"), "read a small file made by mke2fs -d");
    tap_ok(check_pat(M "/dir/big.bin", 1, HOST_BIG), "read a 300000-byte file (indirect blocks)");
    tap_ok(lstat(M "/link", &st) == 0 && S_ISLNK(st.st_mode), "a symlink");
    char t[64] = { 0 };
    tap_eq_long(err(readlink(M "/link", t, sizeof(t))), 9, "readlink length");
    tap_ok(!strcmp(t, "hello.txt") && read_is(M "/link", "hello from the host\n"), "readlink and follow");
    tap_ok(stat(M "/dir", &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 4, "a directory with two subdirectories has 4 links");
    tap_eq_long(count_entries(M "/dir/many"), 202, "a directory of 200 files lists 202 entries");
    tap_ok(read_is(M "/dir/many/f-0123", "123\n"), "a file in the big directory");
    tap_ok(stat(M "/dir/sub/mode640", &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_uid == 1234,
           "mode and owner from the image");
}

/* 22 checks: writing a tree. */
static void write_checks(void)
{
    struct stat st;
    struct statfs a, b;
    statfs(M, &a);
    tap_eq_long(err(mkdir(M "/new", 0755)), 0, "mkdir");
    tap_eq_long(err(mkdir(M "/new", 0755)), -EEXIST, "mkdir of an existing name: EEXIST");
    tap_ok(write_all(M "/new/small.txt", "small file\n", 11, O_TRUNC), "create and write a small file");
    tap_ok(write_pat(M "/new/big.bin", 2, BIG_SIZE), "write a 3 MiB file");
    tap_ok(check_pat(M "/new/big.bin", 2, BIG_SIZE), "read it back");
    statfs(M, &b);
    tap_ok(a.f_bfree - b.f_bfree >= BIG_SIZE / 1024, "free blocks went down by the file's size");
    tap_ok(write_all(M "/new/small.txt", "more\n", 5, O_APPEND), "O_APPEND");
    tap_ok(read_is(M "/new/small.txt", "small file\nmore\n"), "appended data");
    /* Sparse: a write far out leaves a hole. */
    int fd = open(M "/new/sparse", O_RDWR | O_CREAT, 0644);
    tap_eq_long(pwrite(fd, "end", 3, 5000000), 3, "pwrite at 5 MB");
    tap_ok(pread(fd, buf, 4096, 4096) == 4096 && buf[0] == 0 && buf[4095] == 0, "the hole reads as zeros");
    tap_ok(fstat(fd, &st) == 0 && st.st_size == 5000003 && st.st_blocks < 64, "sparse size, few blocks");
    tap_eq_long(err(ftruncate(fd, 10)), 0, "ftruncate down");
    tap_ok(fstat(fd, &st) == 0 && st.st_size == 10, "size after ftruncate");
    close(fd);
    tap_eq_long(err(symlink("small.txt", M "/new/sym")), 0, "symlink");
    tap_eq_long(err(link(M "/new/small.txt", M "/new/hard")), 0, "link");
    tap_ok(stat(M "/new/small.txt", &st) == 0 && st.st_nlink == 2, "two links");
    tap_eq_long(err(rename(M "/new/hard", M "/renamed.txt")), 0, "rename across directories");
    tap_eq_long(err(mkfifo(M "/new/fifo", 0600)), 0, "mkfifo");
    tap_eq_long(err(chmod(M "/new/small.txt", 0600)), 0, "chmod");
    tap_eq_long(err(setxattr(M "/new/small.txt", "user.color", "blue", 4, 0)), 0, "setxattr user.*");
    char v[16] = { 0 };
    tap_ok(getxattr(M "/new/small.txt", "user.color", v, sizeof(v)) == 4 && !strcmp(v, "blue"), "getxattr");
    tap_eq_long(err(setxattr(M "/new/small.txt", "trusted.overlay.opaque", "y", 1, 0)), 0, "setxattr trusted.*");
}

/* 12 checks: removal, renames of directories, errors. */
static void namespace_checks(void)
{
    struct stat st, b_st;
    tap_eq_long(err(mkdir(M "/new/d1", 0755)), 0, "mkdir d1");
    tap_ok(write_all(M "/new/d1/x", "x", 1, 0), "a file in d1");
    tap_eq_long(err(rmdir(M "/new/d1")), -ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
    tap_eq_long(err(rename(M "/new", M "/new/d1/loop")), -EINVAL, "rename into itself: EINVAL");
    tap_eq_long(err(rename(M "/new/d1", M "/dir/moved")), 0, "rename a directory to another parent");
    tap_ok(stat(M "/dir", &st) == 0 && st.st_nlink == 5, "new parent gained a link");
    tap_ok(stat(M "/dir/moved/..", &st) == 0 && stat(M "/dir", &b_st) == 0 && st.st_ino == b_st.st_ino,
           "'..' of the moved directory is its new parent");
    tap_eq_long(err(unlink(M "/dir/moved/x")), 0, "unlink");
    tap_eq_long(err(rmdir(M "/dir/moved")), 0, "rmdir");
    tap_eq_long(err(unlink(M "/dir/many/f-0007")), 0, "unlink in the big (hashed) directory");
    tap_eq_long(count_entries(M "/dir/many"), 201, "the big directory lists one entry fewer");
    tap_eq_long(err(unlink(M "/dir/nope")), -ENOENT, "unlink of a missing name: ENOENT");
}

#define HUGE_OFF (3L << 30)

/* 14 checks: owners, times, devices, replacing renames, files past 2 GiB, atime. */
static void attr_checks(void)
{
    struct stat st;
    tap_eq_long(err(chown(M "/new/small.txt", 1000, 100)), 0, "chown");
    struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    tap_eq_long(err(utimensat(AT_FDCWD, M "/new/small.txt", old, 0)), 0, "utimensat");
    tap_eq_long(err(mknod(M "/new/null", S_IFCHR | 0666, makedev(1, 3))), 0, "mknod a character device");
    int fd = open(M "/new/null", O_WRONLY);
    tap_ok(fd >= 0 && write(fd, "abcde", 5) == 5, "the device node opens the device (/dev/null)");
    close(fd);
    tap_ok(write_all(M "/new/a", "A", 1, 0) && write_all(M "/new/b", "B", 1, 0), "two files");
    tap_eq_long(err(rename(M "/new/a", M "/new/b")), 0, "rename over an existing file");
    tap_ok(read_is(M "/new/b", "A") && file_size(M "/new/a") == -ENOENT, "the target was replaced");
    fd = open(M "/new/huge", O_RDWR | O_CREAT, 0644);
    tap_eq_long(pwrite(fd, "big", 3, HUGE_OFF), 3, "pwrite at 3 GiB");
    char b3[4] = { 0 };
    tap_ok(pread(fd, b3, 3, HUGE_OFF) == 3 && !strcmp(b3, "big"), "read back past 2 GiB");
    tap_ok(fstat(fd, &st) == 0 && st.st_size == HUGE_OFF + 3, "size past 2 GiB");
    close(fd);
    /* relatime (the default): a read moves an atime that is not newer than mtime. */
    char c;
    fd = open(M "/new/small.txt", O_RDONLY);
    tap_ok(fd >= 0 && read(fd, &c, 1) == 1, "read the file with old times");
    close(fd);
    tap_ok(stat(M "/new/small.txt", &st) == 0 && st.st_atime > 1000000000 && st.st_mtime == 1000000000,
           "relatime: the read updated atime, mtime kept");
    fd = open(M "/new/b", O_WRONLY | O_TRUNC);
    tap_ok(fd >= 0 && file_size(M "/new/b") == 0, "O_TRUNC empties the file");
    tap_eq_long(err(fallocate(fd, 0, 0, 4096)), -EOPNOTSUPP, "fallocate: ext2 has no preallocation");
    close(fd);
}

#define MAP_SIZE 8292   /* two pages and a partial third */

/* 10 checks: mmap of ext2 files, shared mappings coherent with read/write, private copies. */
static void mmap_checks(void)
{
    int fd = open(M "/hello.txt", O_RDONLY);
    char *h = fd >= 0 ? mmap(NULL, 20, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    tap_ok(h != MAP_FAILED && !memcmp(h, "hello from the host\n", 20), "mmap a file made by mke2fs -d");
    if (h != MAP_FAILED)
        munmap(h, 20);
    close(fd);
    char *buf = malloc(MAP_SIZE);
    memset(buf, 'a', MAP_SIZE);
    tap_ok(write_all(M "/new/mapped", buf, MAP_SIZE, 0), "a file to map");
    fd = open(M "/new/mapped", O_WRONLY);
    tap_ok(fd >= 0 && mmap(NULL, MAP_SIZE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES,
           "mmap of a write-only descriptor: EACCES");
    close(fd);
    fd = open(M "/new/mapped", O_RDWR);
    char *p = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    tap_ok(p != MAP_FAILED && p[0] == 'a' && p[MAP_SIZE - 1] == 'a', "MAP_SHARED read-write mapping");
    if (p == MAP_FAILED) {
        for (int i = 0; i < 6; i++)
            tap_skip("mapping checks", "no mapping");
        close(fd);
        free(buf);
        return;
    }
    p[0] = 'M';
    p[5000] = 'N';
    p[MAP_SIZE - 1] = 'Z';
    char c[3] = { 0 };
    tap_ok(pread(fd, &c[0], 1, 0) == 1 && pread(fd, &c[1], 1, 5000) == 1 && pread(fd, &c[2], 1, MAP_SIZE - 1) == 1 &&
           !memcmp(c, "MNZ", 3), "read(2) sees stores through the shared mapping");
    tap_ok(pwrite(fd, "W", 1, 4096) == 1 && p[4096] == 'W', "the mapping sees pwrite(2)");
    char *q = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    tap_ok(q != MAP_FAILED && q[0] == 'M' && q[4096] == 'W', "a private mapping starts as the file");
    if (q != MAP_FAILED) {
        q[1] = 'P';
        munmap(q, MAP_SIZE);
    }
    tap_ok(pread(fd, &c[0], 1, 1) == 1 && c[0] == 'a' && p[1] == 'a', "a store to a private mapping stays private");
    tap_eq_long(err(msync(p, MAP_SIZE, MS_SYNC)), 0, "msync(MS_SYNC)");
    tap_eq_long(err(fsync(fd)), 0, "fsync writes the mapped pages back");
    munmap(p, MAP_SIZE);
    close(fd);
    free(buf);
}

/* The mapped file's bytes: all 'a' but for the stores of mmap_checks. */
static bool mapped_file_ok(void)
{
    char *buf = malloc(MAP_SIZE + 1);
    int fd = open(M "/new/mapped", O_RDONLY);
    bool ok = fd >= 0 && read(fd, buf, MAP_SIZE + 1) == MAP_SIZE && buf[0] == 'M' && buf[4096] == 'W' &&
              buf[5000] == 'N' && buf[MAP_SIZE - 1] == 'Z' && buf[1] == 'a' && buf[4095] == 'a';
    close(fd);
    free(buf);
    return ok;
}

/* 9 checks: read-only remount, busy umount, umount and a second mount. */
static void remount_checks(void)
{
    struct stat st;
    tap_eq_long(err(mount(NULL, M, NULL, MS_REMOUNT | MS_RDONLY, NULL)), 0, "remount read-only");
    tap_eq_long(err(open(M "/new/ro", O_WRONLY | O_CREAT, 0644)), -EROFS, "create on a read-only mount: EROFS");
    tap_eq_long(err(mkdir(M "/new/ro", 0755)), -EROFS, "mkdir on a read-only mount: EROFS");
    tap_ok(read_is(M "/hello.txt", "hello from the host\n"), "reads still work");
    tap_eq_long(err(mount(NULL, M, NULL, MS_REMOUNT, NULL)), 0, "remount read-write");
    int fd = open(M "/new/small.txt", O_RDONLY);
    tap_eq_long(err(umount(M)), -EBUSY, "umount with an open file: EBUSY");
    close(fd);
    sync();
    tap_eq_long(err(umount(M)), 0, "umount");
    tap_ok(stat(M "/new", &st) != 0, "the tree is gone after umount");
    tap_eq_long(err(mount("/dev/vda", M, "ext2", MS_RDONLY, NULL)), 0, "mount again, read-only");
}

/* 11 checks: everything is still there after the second mount. */
static void persist_checks(void)
{
    struct stat st;
    char v[16] = { 0 };
    tap_ok(check_pat(M "/new/big.bin", 2, BIG_SIZE), "the 3 MiB file survived umount");
    tap_ok(read_is(M "/new/small.txt", "small file\nmore\n"), "the small file survived");
    tap_ok(stat(M "/new/small.txt", &st) == 0 && (st.st_mode & 07777) == 0600 && st.st_nlink == 2,
           "mode and link count survived");
    tap_ok(st.st_uid == 1000 && st.st_gid == 100 && st.st_mtime == 1000000000 && st.st_atime > 1000000000,
           "owner and times survived");
    tap_ok(stat(M "/new/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3),
           "the device node survived");
    tap_eq_long(file_size(M "/new/huge"), HUGE_OFF + 3, "the 3 GiB size survived");
    tap_ok(getxattr(M "/new/small.txt", "user.color", v, sizeof(v)) == 4 && !strcmp(v, "blue"),
           "the xattr survived");
    tap_eq_long(file_size(M "/new/sparse"), 10, "the truncated size survived");
    tap_ok(lstat(M "/new/fifo", &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO survived");
    tap_eq_long(file_size(M "/dir/moved"), -ENOENT, "the removed directory stays removed");
    tap_ok(mapped_file_ok(), "stores through the shared mapping survived umount");
    tap_eq_long(err(umount(M)), 0, "final umount");
}

/* 8 checks: read/write/mmap see one page cache; truncate while mapped. */
static void coherence_checks(void)
{
    enum { PG = 4096, NPG = 5 };
    int fd = open(M "/new/coherent", O_RDWR | O_CREAT | O_TRUNC, 0644);
    memset(buf, 'r', NPG * PG);
    tap_ok(fd >= 0 && write(fd, buf, NPG * PG) == NPG * PG, "a 5-page file");
    char *p = mmap(NULL, NPG * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        for (int i = 0; i < 7; i++)
            tap_skip("coherence", "no mapping");
        close(fd);
        return;
    }
    tap_ok(pwrite(fd, "hello", 5, PG + 100) == 5 && !memcmp(p + PG + 100, "hello", 5),
           "write(2) then a load through MAP_SHARED sees it");
    memcpy(p + 2 * PG + 7, "store", 5);
    char c[6] = { 0 };
    tap_ok(pread(fd, c, 5, 2 * PG + 7) == 5 && !memcmp(c, "store", 5), "a store through MAP_SHARED then read(2) sees it");
    tap_ok(pwrite(fd, "x", 1, 3 * PG) == 1 && p[3 * PG] == 'x' && p[3 * PG + 1] == 'r',
           "a partial-page write keeps the rest of the page");
    tap_eq_long(err(fsync(fd)), 0, "fsync of a mapped, written file");
    tap_eq_long(err(ftruncate(fd, PG + 10)), 0, "ftruncate to 1 page + 10 bytes while mapped");
    tap_ok(p[PG + 100] == 0 && p[PG + 9] == 'r', "the mapped last page is zeroed past the new end");
    /* Keel gap (kernel/fs/ext2/README.md): a page mapped before the truncate stays mapped; page 4 never was. */
    tap_eq_long(child_touch_signal(p + 4 * PG + 50, 0), SIGBUS, "a page past the new end of file is SIGBUS");
    munmap(p, NPG * PG);
    close(fd);
}

#define BIG_MIB 64
static uint8_t mib[1 << 20];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void mib_fill(long m)
{
    for (long i = 0; i < (long)sizeof(mib); i += 8) {
        uint64_t v = (uint64_t)(m * (long)sizeof(mib) + i) * 0x9e3779b97f4a7c15ull;
        memcpy(mib + i, &v, 8);
    }
}

/* A /proc/meminfo field in kB, or -1. */
static long meminfo(const char *field)
{
    static char mb[4096];
    int fd = open("/proc/meminfo", O_RDONLY);
    long n = fd >= 0 ? read(fd, mb, sizeof(mb) - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    mb[n] = 0;
    size_t fl = strlen(field);
    for (char *l = mb; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, field, fl) && l[fl] == ':')
            return strtol(l + fl + 1, NULL, 10);
    return -1;
}

/* 6 checks: posix_fadvise and readahead on the 64 MiB file (fd open for reading). */
static void advice_checks(int fd)
{
    tap_eq_long(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0, "posix_fadvise(SEQUENTIAL)");
    tap_eq_long(posix_fadvise(fd, 0, 0, 77), EINVAL, "posix_fadvise with an unknown advice: EINVAL");
    tap_eq_long(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL), EINVAL, "posix_fadvise with a negative length: EINVAL");
    tap_eq_long(err(readahead(fd, 0, 1 << 20)), 0, "readahead(2) of the first MiB");
    tap_eq_long(err(readahead(-1, 0, 4096)), -EBADF, "readahead(2) of a bad fd: EBADF");
    long before = meminfo("Cached");
    long r = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    long after = meminfo("Cached");
    tap_ok(r == 0 && before >= 0 && after >= 0 && before - after >= 16 * 1024,
           "posix_fadvise(DONTNEED) gives at least 16 MiB of cached pages back");
    char msg[96];
    snprintf(msg, sizeof(msg), "Cached: %ld kB before DONTNEED, %ld kB after", before, after);
    tap_diag(msg);
}

/* Write s to /proc/sys/vm/drop_caches: 0 or -errno. */
static long drop_caches(const char *s)
{
    int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
    long r = fd < 0 ? -errno : write(fd, s, strlen(s)) == (long)strlen(s) ? 0 : -errno;
    if (fd >= 0)
        close(fd);
    return r;
}

/* Read the first mibs MiB of /mnt2/big and compare; true when every byte is right. */
static bool big_prefix_ok(long mibs)
{
    int fd = open("/mnt2/big", O_RDONLY);
    bool same = fd >= 0;
    static uint8_t got[1 << 20];
    for (long m = 0; same && m < mibs; m++) {
        size_t off = 0;
        long n = 1;
        while (off < sizeof(got) && (n = read(fd, got + off, sizeof(got) - off)) > 0)
            off += (size_t)n;
        mib_fill(m);
        same = off == sizeof(got) && !memcmp(got, mib, sizeof(got));
    }
    if (fd >= 0)
        close(fd);
    return same;
}

/* TC_CHECKS + 1 checks: truncating a mapped ext2 file unmaps the pages past the new end (SIGBUS). */
static void truncate_map_checks(void)
{
    int fd = open("/mnt2/trunc", O_RDWR | O_CREAT | O_TRUNC, 0644);
    truncate_checks(fd, "ext2");
    close(fd);
    tap_eq_long(err(unlink("/mnt2/trunc")), 0, "unlink the truncated file");
}

/* 6 checks: drop_caches gives back the clean page cache of a 16 MiB read, which then reads back right. */
static void drop_cache_checks(void)
{
    tap_eq_long(drop_caches("1\n"), 0, "echo 1 > /proc/sys/vm/drop_caches");
    long c0 = meminfo("Cached");
    bool ok = big_prefix_ok(16);
    long c1 = meminfo("Cached");
    tap_ok(ok && c0 >= 0 && c1 - c0 >= 12 * 1024, "reading 16 MiB puts at least 12 MiB in the page cache");
    tap_eq_long(drop_caches("1"), 0, "drop the page cache again");
    long c2 = meminfo("Cached");
    tap_ok(c2 >= 0 && c1 - c2 >= 8 * 1024, "drop_caches gives back at least half of it");
    char msg[128];
    snprintf(msg, sizeof(msg), "Cached: %ld kB before the read, %ld kB after, %ld kB after drop_caches", c0, c1, c2);
    tap_diag(msg);
    tap_ok(big_prefix_ok(16) && drop_caches("3") == 0, "the file reads back right after the drop; 3 drops too");
    tap_ok(drop_caches("0") == -EINVAL && drop_caches("5") == -EINVAL, "drop_caches outside 1..4 is EINVAL");
}

/* Read /mnt2/big (64 MiB) and compare; true when every byte is right. */
static bool big_file_ok(void)
{
    int fd = open("/mnt2/big", O_RDONLY);
    bool same = fd >= 0;
    static uint8_t got[1 << 20];
    for (long m = 0; same && m < BIG_MIB; m++) {
        size_t off = 0;
        long n = 1;
        while (off < sizeof(got) && (n = read(fd, got + off, sizeof(got) - off)) > 0)
            off += (size_t)n;
        mib_fill(m);
        same = off == sizeof(got) && !memcmp(got, mib, sizeof(got));
    }
    if (fd >= 0)
        close(fd);
    return same;
}

/*
 * 1 check: a child takes user memory until less than 32 MiB is free, then
 * reads the 64 MiB file: the page cache must make room (no out-of-memory kill).
 */
static void pressure_checks(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        long taken = 0;
        while (meminfo("MemFree") > 32 * 1024 && taken < 1024) {
            char *p = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED)
                break;
            for (long i = 0; i < (4 << 20); i += 4096)
                p[i] = 1;
            taken++;
        }
        _exit(big_file_ok() ? 0 : 3);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "read 64 MiB with less than 32 MiB free: right bytes, no OOM kill");
    if (!WIFEXITED(st) || WEXITSTATUS(st))
        tap_diag_long("child status", st, 0);
}

/* 2 checks: 50 mounts and umounts of the 80 MiB disk give their memory back. */
static void remount_cycle_checks(void)
{
    long before = meminfo("MemFree");
    int i = 0;
    for (; i < 50; i++) {
        if (mount("/dev/vdb", "/mnt2", "ext2", 0, NULL))
            break;
        int fd = open("/mnt2", O_RDONLY | O_DIRECTORY);
        if (fd >= 0)
            close(fd);
        if (umount("/mnt2"))
            break;
    }
    long after = meminfo("MemFree");
    tap_eq_long(i, 50, "mount and umount the disk 50 times");
    tap_ok(before > 0 && after > 0 && before - after < 2048, "MemFree after 50 mounts within 2 MiB of before");
    char msg[96];
    snprintf(msg, sizeof(msg), "MemFree: %ld kB before 50 mounts, %ld kB after", before, after);
    tap_diag(msg);
}

/* 2 checks: with the 64 MiB file in place, fill the rest of the 80 MiB disk: write(2) reports ENOSPC. */
static void enospc_checks(void)
{
    int fd = open("/mnt2/fill", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    long total = 0, w = 0;
    int e = 0;
    mib_fill(0);
    for (int i = 0; fd >= 0 && i < 64; i++) {
        w = write(fd, mib, sizeof(mib));
        if (w < 0) {
            e = errno;
            break;
        }
        total += w;
    }
    tap_ok(e == ENOSPC && total >= (1 << 20), "filling the disk: write(2) fails with ENOSPC");
    tap_eq_long(fd >= 0 ? err(fsync(fd)) : -EBADF, 0, "fsync of what was written before ENOSPC");
    if (fd >= 0)
        close(fd);
    unlink("/mnt2/fill");
}

/* 7 + 6 + 1 + 2 + 2 checks: 64 MiB written sequentially on the second disk, synced, read back cold. */
static void big_checks(void)
{
    mkdir("/mnt2", 0755);
    mount("proc", "/proc", "proc", 0, NULL);     /* meminfo; the cpio has /proc */
    wait_for("/dev/vdb");
    tap_eq_long(err(mount("/dev/vdb", "/mnt2", "ext2", 0, NULL)), 0, "mount the 80 MiB disk");
    int fd = open("/mnt2/big", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    double t0 = now_s();
    long m = 0;
    for (; fd >= 0 && m < BIG_MIB; m++) {
        mib_fill(m);
        if (write(fd, mib, sizeof(mib)) != (long)sizeof(mib))
            break;
    }
    bool synced = fd >= 0 && fsync(fd) == 0;
    double tw = now_s() - t0;
    tap_ok(m == BIG_MIB && synced && close(fd) == 0, "write 64 MiB sequentially and fsync");
    sync();
    tap_eq_long(err(umount("/mnt2")), 0, "umount");
    tap_eq_long(err(mount("/dev/vdb", "/mnt2", "ext2", 0, NULL)), 0, "mount again (a cold cache)");
    fd = open("/mnt2/big", O_RDONLY);
    t0 = now_s();
    bool same = fd >= 0;
    static uint8_t got[1 << 20];
    for (m = 0; same && m < BIG_MIB; m++) {
        size_t off = 0;
        long n = 1;
        while (off < sizeof(got) && (n = read(fd, got + off, sizeof(got) - off)) > 0)
            off += (size_t)n;
        mib_fill(m);
        same = off == sizeof(got) && !memcmp(got, mib, sizeof(got));
    }
    same = same && read(fd, got, 1) == 0;
    double tr = now_s() - t0;
    tap_ok(same, "read 64 MiB back: every byte as written, then EOF");
    char msg[128];
    snprintf(msg, sizeof(msg), "bench: 64 MiB write+fsync %.1f MiB/s, cold read %.1f MiB/s",
             BIG_MIB / (tw > 0 ? tw : 1e-9), BIG_MIB / (tr > 0 ? tr : 1e-9));
    tap_diag(msg);
    advice_checks(fd);
    close(fd);
    truncate_map_checks();
    drop_cache_checks();
    pressure_checks();
    enospc_checks();
    tap_eq_long(err(unlink("/mnt2/big")), 0, "unlink the 64 MiB file");
    tap_eq_long(err(umount("/mnt2")), 0, "umount again");
    remount_cycle_checks();
}

int main(void)
{
    tap_plan(15 + 9 + 22 + 12 + 14 + 10 + 8 + 9 + 12 + 7 + 6 + (TC_CHECKS + 1) + 6 + 1 + 2 + 2);
    mount_checks();
    host_tree_checks();
    write_checks();
    namespace_checks();
    attr_checks();
    mmap_checks();
    coherence_checks();
    remount_checks();
    persist_checks();
    big_checks();
    tap_finish();
}
