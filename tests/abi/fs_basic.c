// SPDX-License-Identifier: MPL-2.0
// ABI suite: regular files (create, read, write, seek, truncate, stat, modes, times) and /dev nodes.
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include "fs_test.h"

#define D "/tmp/fsb"

static void rw_basics(void)
{
    char buf[128];
    int fd = open(D "/f", O_CREAT | O_WRONLY, 0666);
    tap_ok(fd >= 3, "open O_CREAT returns a new descriptor above stdio");
    CHECK(write(fd, "hello world", 11), 11, "write returns the byte count");
    CHECK(read(fd, buf, 1), -EBADF, "read on an O_WRONLY descriptor fails with EBADF");
    CHECK(close(fd), 0, "close succeeds");
    CHECK(close(fd), -EBADF, "closing it again fails with EBADF");
    fd = open(D "/f", O_RDONLY);
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf)), 11, "read returns the file length");
    tap_ok(memcmp(buf, "hello world", 11) == 0, "contents round-trip");
    CHECK(read(fd, buf, sizeof(buf)), 0, "read at end of file returns 0");
    CHECK(lseek(fd, 6, SEEK_SET), 6, "lseek SEEK_SET");
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, 5), 5, "read after seek");
    tap_ok(memcmp(buf, "world", 5) == 0, "read after seek returns the right bytes");
    CHECK(lseek(fd, -5, SEEK_END), 6, "lseek SEEK_END with a negative offset");
    CHECK(lseek(fd, 2, SEEK_CUR), 8, "lseek SEEK_CUR");
    CHECK(lseek(fd, -100, SEEK_SET), -EINVAL, "lseek to a negative position fails with EINVAL");
    CHECK(lseek(fd, 0, 77), -EINVAL, "lseek with a bad whence fails with EINVAL");
    CHECK(pread(fd, buf, 5, 0), 5, "pread at offset 0");
    tap_ok(memcmp(buf, "hello", 5) == 0, "pread reads at its own offset");
    CHECK(lseek(fd, 0, SEEK_CUR), 8, "pread leaves the file offset alone");
    CHECK(pread(fd, buf, 5, -1), -EINVAL, "pread with a negative offset fails with EINVAL");
    CHECK(write(fd, "x", 1), -EBADF, "write on an O_RDONLY descriptor fails with EBADF");
    CHECK(pwrite(fd, "x", 1, 0), -EBADF, "pwrite on an O_RDONLY descriptor fails with EBADF");
    CHECK(read(fd, BADPTR, 4), -EFAULT, "read into a bad pointer fails with EFAULT");
    CHECK(ftruncate(fd, 0), -EINVAL, "ftruncate on a read-only descriptor fails with EINVAL");
    close(fd);
}

static void create_modes(void)
{
    struct stat st;
    CHECK(open(D "/f", O_CREAT | O_EXCL | O_RDWR, 0644), -EEXIST, "O_CREAT|O_EXCL on an existing file fails with EEXIST");
    CHECK(open(D "/missing", O_RDONLY), -ENOENT, "opening a missing file fails with ENOENT");
    CHECK(open(BADPTR, O_RDONLY), -EFAULT, "open with a bad path pointer fails with EFAULT");
    CHECK(open(D "/f", O_RDONLY | O_DIRECTORY), -ENOTDIR, "O_DIRECTORY on a file fails with ENOTDIR");
    CHECK(open(D, O_WRONLY), -EISDIR, "opening a directory for writing fails with EISDIR");
    int dfd = open(D, O_RDONLY);
    char b[4];
    CHECK(read(dfd, b, 4), -EISDIR, "read on a directory fails with EISDIR");
    close(dfd);
    CHECK(umask(022), 022, "umask returns the previous mask (022 at boot)");
    int fd = open(D "/m", O_CREAT | O_RDWR, 0666);
    CHECK(fstat(fd, &st), 0, "fstat succeeds");
    tap_eq_long(st.st_mode, S_IFREG | 0644, "new file mode is 0666 & ~umask");
    tap_eq_long(st.st_nlink, 1, "a new file has one link");
    tap_eq_long(st.st_size, 0, "a new file is empty");
    CHECK(syscall(SYS_fstat, fd, BADPTR), -EFAULT, "fstat into a bad pointer fails with EFAULT");
    CHECK(syscall(SYS_stat, D "/m", BADPTR), -EFAULT, "stat into a bad pointer fails with EFAULT");
    CHECK(fchmod(fd, 0600), 0, "fchmod succeeds");
    tap_eq_long(mode_of(D "/m"), S_IFREG | 0600, "fchmod changed the mode bits");
    CHECK(chmod(D "/m", 04755), 0, "chmod succeeds");
    tap_eq_long(mode_of(D "/m"), S_IFREG | 04755, "chmod sets setuid and permission bits");
    CHECK(chown(D "/m", 12, 34), 0, "chown succeeds for root");
    stat(D "/m", &st);
    tap_ok(st.st_uid == 12 && st.st_gid == 34, "chown set uid and gid");
    tap_eq_long(st.st_mode & 07777, 0755, "chown cleared the setuid bit");
    CHECK(fchown(fd, -1, 56), 0, "fchown with uid -1 succeeds");
    stat(D "/m", &st);
    tap_ok(st.st_uid == 12 && st.st_gid == 56, "uid -1 leaves the owner unchanged");
    CHECK(chmod(D "/nope", 0600), -ENOENT, "chmod on a missing path fails with ENOENT");
    close(fd);
    CHECK(access(D "/m", F_OK), 0, "access F_OK on an existing file");
    CHECK(access(D "/m", R_OK | W_OK), 0, "root may read and write any file");
    chmod(D "/m", 0644);
    CHECK(access(D "/m", X_OK), -EACCES, "X_OK needs an execute bit even for root");
    CHECK(access(D "/none", F_OK), -ENOENT, "access on a missing file fails with ENOENT");
    CHECK(syscall(SYS_faccessat, AT_FDCWD, D "/m", 8), -EINVAL, "faccessat with a bad mode fails with EINVAL");
}

static void append_vec_truncate(void)
{
    char buf[64];
    int fd = open(D "/a", O_CREAT | O_WRONLY | O_APPEND, 0644);
    write(fd, "abc", 3);
    lseek(fd, 0, SEEK_SET);
    write(fd, "def", 3);
    tap_eq_long(get_file(D "/a", buf, sizeof(buf)), 6, "O_APPEND writes go to the end");
    tap_ok(strcmp(buf, "abcdef") == 0, "O_APPEND contents are in order");
    close(fd);
    fd = open(D "/a", O_RDWR | O_TRUNC);
    struct stat st;
    fstat(fd, &st);
    tap_eq_long(st.st_size, 0, "O_TRUNC empties the file");
    char p1[] = "one,", p2[] = "two";
    struct iovec wv[2] = { { p1, 4 }, { p2, 3 } };
    CHECK(writev(fd, wv, 2), 7, "writev writes both segments");
    char r1[3], r2[4];
    struct iovec rv[2] = { { r1, 3 }, { r2, 4 } };
    lseek(fd, 0, SEEK_SET);
    CHECK(readv(fd, rv, 2), 7, "readv fills both segments");
    tap_ok(memcmp(r1, "one", 3) == 0 && memcmp(r2, ",two", 4) == 0, "readv scatters in order");
    CHECK(pwrite(fd, "Z", 1, 10000), 1, "pwrite past the end");
    fstat(fd, &st);
    tap_eq_long(st.st_size, 10001, "pwrite past the end extends the file");
    memset(buf, 'q', 8);
    CHECK(pread(fd, buf, 8, 5000), 8, "reading the hole");
    tap_ok(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0, "a hole reads as zeros");
    CHECK(ftruncate(fd, 3), 0, "ftruncate shrinks");
    fstat(fd, &st);
    tap_eq_long(st.st_size, 3, "ftruncate set the size");
    CHECK(ftruncate(fd, 6), 0, "ftruncate grows");
    CHECK(pread(fd, buf, 10, 0), 6, "read after growing");
    tap_ok(memcmp(buf, "one\0\0\0", 6) == 0, "growing after shrinking exposes zeros, not old data");
    CHECK(ftruncate(fd, -1), -EINVAL, "ftruncate to a negative length fails with EINVAL");
    CHECK(truncate(D "/a", 1), 0, "truncate by path");
    CHECK(stat(D "/a", &st), 0, "stat after truncate");
    tap_eq_long(st.st_size, 1, "truncate set the size");
    CHECK(truncate(D, 0), -EISDIR, "truncate on a directory fails with EISDIR");
    CHECK(write(fd, BADPTR, 4), -EFAULT, "write from a bad pointer fails with EFAULT");
    CHECK(fsync(fd), 0, "fsync on a tmpfs file succeeds");
    CHECK(fdatasync(fd), 0, "fdatasync on a tmpfs file succeeds");
    CHECK(fsync(999), -EBADF, "fsync on a closed descriptor fails with EBADF");
    close(fd);
}

static void sparse_file(void)
{
    struct stat st;
    int fd = open(D "/sparse", O_CREAT | O_RDWR, 0644);
    CHECK(pwrite(fd, "x", 1, 1LL << 40), 1, "pwrite at 1 TiB");
    fstat(fd, &st);
    tap_eq_long(st.st_size, (1LL << 40) + 1, "the sparse file is 1 TiB long");
    tap_eq_long(st.st_blocks, 8, "only the written page is allocated");
    char c = 1;
    CHECK(pread(fd, &c, 1, 1LL << 39), 1, "read in the middle of the hole");
    tap_eq_long(c, 0, "the hole reads as zero");
    CHECK(ftruncate(fd, 0), 0, "truncate the sparse file");
    close(fd);
    unlink(D "/sparse");
}

static void big_file(void)
{
    static char src[100000], dst[100001];
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (char)(i * 7 + i / 4096);
    int fd = creat(D "/big", 0600);
    CHECK(write(fd, src, sizeof(src)), (long)sizeof(src), "a 100000-byte write is written whole");
    CHECK(read(fd, dst, 1), -EBADF, "creat opens write-only");
    close(fd);
    fd = open(D "/big", O_RDONLY);
    CHECK(read(fd, dst, sizeof(dst)), (long)sizeof(src), "a large read returns the whole file");
    tap_ok(memcmp(src, dst, sizeof(src)) == 0, "100000 bytes survive the round trip");
    close(fd);
}

static void times(void)
{
    struct timespec ts[2] = { { 1000, 5 }, { 2000, 7 } };
    struct stat st;
    CHECK(utimensat(AT_FDCWD, D "/f", ts, 0), 0, "utimensat with explicit times");
    stat(D "/f", &st);
    tap_ok(st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 7, "utimensat set atime and mtime");
    struct timespec omit[2] = { { 0, UTIME_OMIT }, { 3000, 0 } };
    CHECK(utimensat(AT_FDCWD, D "/f", omit, 0), 0, "utimensat with UTIME_OMIT");
    stat(D "/f", &st);
    tap_ok(st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 3000, "UTIME_OMIT leaves atime alone");
    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    CHECK(utimensat(AT_FDCWD, D "/f", bad, 0), -EINVAL, "utimensat with tv_nsec out of range fails with EINVAL");
    CHECK(syscall(SYS_utimensat, AT_FDCWD, D "/f", BADPTR, 0), -EFAULT, "utimensat with a bad times pointer fails with EFAULT");
    CHECK(utimensat(AT_FDCWD, D "/f", NULL, 0x4000), -EINVAL, "utimensat with bad flags fails with EINVAL");
    CHECK(utimensat(AT_FDCWD, D "/f", NULL, 0), 0, "utimensat with NULL sets the current time");
    stat(D "/f", &st);
    tap_ok(st.st_mtim.tv_sec > 3000, "NULL times mean now");
}

static void devices(void)
{
    char buf[64];
    struct stat st;
    /* Linux's initramfs has no devtmpfs: make the nodes ourselves (Keel's /dev has them too). */
    CHECK(mknod(D "/zero", S_IFCHR | 0666, makedev(1, 5)), 0, "mknod c 1 5");
    CHECK(mknod(D "/full", S_IFCHR | 0666, makedev(1, 7)), 0, "mknod c 1 7");
    CHECK(mknod(D "/urandom", S_IFCHR | 0666, makedev(1, 9)), 0, "mknod c 1 9");
    int fd = open("/dev/null", O_RDWR);
    CHECK(read(fd, buf, sizeof(buf)), 0, "/dev/null reads as end of file");
    CHECK(write(fd, buf, sizeof(buf)), (long)sizeof(buf), "/dev/null swallows writes");
    CHECK(fstat(fd, &st), 0, "fstat /dev/null");
    tap_ok(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3, "/dev/null is character device 1:3");
    close(fd);
    fd = open(D "/zero", O_RDONLY);
    memset(buf, 1, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf)), (long)sizeof(buf), "/dev/zero fills the buffer");
    tap_ok(buf[0] == 0 && buf[63] == 0, "/dev/zero reads zeros");
    close(fd);
    fd = open(D "/full", O_WRONLY);
    CHECK(write(fd, "x", 1), -ENOSPC, "/dev/full writes fail with ENOSPC");
    close(fd);
    fd = open(D "/urandom", O_RDONLY);
    unsigned long long r[2] = { 0, 0 };
    CHECK(read(fd, r, sizeof(r)), (long)sizeof(r), "/dev/urandom reads");
    tap_ok(r[0] != 0 || r[1] != 0, "/dev/urandom returns non-zero bytes");
    close(fd);
    CHECK(stat(D "/zero", &st), 0, "stat the zero node");
    tap_ok(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 5, "/dev/zero is 1:5");
    CHECK(mknod(D "/fifo", S_IFIFO | 0600, 0), 0, "mknod makes a FIFO");
    tap_ok(S_ISFIFO(mode_of(D "/fifo")), "the FIFO node has type S_IFIFO");
    CHECK(mknod(D "/nulldev", S_IFCHR | 0666, makedev(1, 3)), 0, "mknod makes a character device");
    fd = open(D "/nulldev", O_WRONLY);
    CHECK(write(fd, "abc", 3), 3, "a mknod'ed 1:3 node behaves as /dev/null");
    close(fd);
    CHECK(mknod(D "/d", S_IFDIR | 0700, 0), -EPERM, "mknod of a directory fails with EPERM");
    CHECK(mknod(D "/fifo", S_IFIFO | 0600, 0), -EEXIST, "mknod over an existing name fails with EEXIST");
}

int main(void)
{
    tap_plan(114);
    mkdir(D, 0755);
    rw_basics();
    create_modes();
    append_vec_truncate();
    sparse_file();
    big_file();
    times();
    devices();
    tap_finish();
}
