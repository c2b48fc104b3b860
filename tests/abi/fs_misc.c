// SPDX-License-Identifier: MPL-2.0
// ABI suite: statx, statfs, ioctl dispatch, preadv/pwritev, fallocate, syncfs and chroot.
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include "fs_test.h"

#define D "/tmp/fsm"

struct kstatx {
    unsigned mask, blksize;
    unsigned long long attributes;
    unsigned nlink, uid, gid;
    unsigned short mode, pad;
    unsigned long long ino, size, blocks, attributes_mask;
    struct { long long sec; unsigned nsec; int r; } atime, btime, ctime, mtime;
    unsigned rdev_major, rdev_minor, dev_major, dev_minor;
    unsigned long long rest[14];
};

static void statx_tests(void)
{
    struct kstatx sx;
    struct stat st;
    mkdir(D, 0755);
    put_file(D "/f", "statx!");
    stat(D "/f", &st);
    CHECK(syscall(SYS_statx, AT_FDCWD, D "/f", 0, 0x7ff, &sx), 0, "statx");
    tap_eq_long(sx.mask & 0x7ff, 0x7ff, "statx reports the basic stats");
    tap_ok(sx.ino == st.st_ino && sx.size == 6 && sx.mode == st.st_mode && sx.nlink == 1, "statx agrees with stat");
    tap_ok(sx.mtime.sec == st.st_mtim.tv_sec && sx.mtime.nsec == (unsigned)st.st_mtim.tv_nsec, "statx mtime agrees with stat");
    int fd = open(D "/f", O_RDONLY);
    CHECK(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, 0x7ff, &sx), 0, "statx AT_EMPTY_PATH");
    tap_eq_long(sx.ino, st.st_ino, "statx AT_EMPTY_PATH names the descriptor");
    close(fd);
    symlink("f", D "/sl");
    CHECK(syscall(SYS_statx, AT_FDCWD, D "/sl", AT_SYMLINK_NOFOLLOW, 0x7ff, &sx), 0, "statx AT_SYMLINK_NOFOLLOW");
    tap_ok(S_ISLNK(sx.mode), "statx did not follow the link");
    CHECK(syscall(SYS_statx, AT_FDCWD, D "/f", 0x1, 0x7ff, &sx), -EINVAL, "statx with bad flags fails with EINVAL");
    CHECK(syscall(SYS_statx, AT_FDCWD, D "/f", 0, 0x80000000u, &sx), -EINVAL, "statx with STATX__RESERVED fails with EINVAL");
    CHECK(syscall(SYS_statx, AT_FDCWD, D "/f", 0, 0x7ff, BADPTR), -EFAULT, "statx into a bad pointer fails with EFAULT");
    CHECK(syscall(SYS_statx, AT_FDCWD, D "/none", 0, 0x7ff, &sx), -ENOENT, "statx of a missing file fails with ENOENT");
}

static void statfs_tests(void)
{
    struct statfs sf;
    CHECK(statfs(D, &sf), 0, "statfs");
    tap_eq_long(sf.f_type, 0x01021994, "the root file system is tmpfs");
    tap_eq_long(sf.f_namelen, 255, "tmpfs names are up to 255 bytes");
    tap_eq_long(sf.f_bsize, 4096, "tmpfs block size is 4096");
    int p[2];
    pipe(p);
    CHECK(fstatfs(p[0], &sf), 0, "fstatfs on a pipe");
    tap_eq_long(sf.f_type, 0x50495045, "pipes live on pipefs");
    CHECK(statfs(D "/none", &sf), -ENOENT, "statfs of a missing path fails with ENOENT");
    CHECK(syscall(SYS_statfs, D, BADPTR), -EFAULT, "statfs into a bad pointer fails with EFAULT");
    CHECK(fstatfs(999, &sf), -EBADF, "fstatfs on a closed descriptor fails with EBADF");
    close(p[0]);
    close(p[1]);
}

static void ioctl_tests(void)
{
    int p[2], n = -1;
    pipe(p);
    write(p[1], "12345", 5);
    CHECK(ioctl(p[0], FIONREAD, &n), 0, "FIONREAD on a pipe");
    tap_eq_long(n, 5, "FIONREAD counts the buffered bytes");
    CHECK(ioctl(p[0], FIOCLEX), 0, "FIOCLEX");
    CHECK(fcntl(p[0], F_GETFD), FD_CLOEXEC, "FIOCLEX sets close-on-exec");
    CHECK(ioctl(p[0], FIONCLEX), 0, "FIONCLEX");
    CHECK(fcntl(p[0], F_GETFD), 0, "FIONCLEX clears close-on-exec");
    int on = 1;
    CHECK(ioctl(p[1], FIONBIO, &on), 0, "FIONBIO");
    tap_eq_long(fcntl(p[1], F_GETFL) & O_NONBLOCK, O_NONBLOCK, "FIONBIO sets O_NONBLOCK");
    CHECK(ioctl(p[1], FIONBIO, BADPTR), -EFAULT, "FIONBIO with a bad pointer fails with EFAULT");
    close(p[0]);
    close(p[1]);
    int fd = open(D "/f", O_RDONLY);
    char c;
    read(fd, &c, 1);
    CHECK(ioctl(fd, FIONREAD, &n), 0, "FIONREAD on a regular file");
    tap_eq_long(n, 5, "FIONREAD on a file is the bytes left after the offset");
    struct winsize ws;
    CHECK(ioctl(fd, TIOCGWINSZ, &ws), -ENOTTY, "a terminal ioctl on a file fails with ENOTTY");
    close(fd);
    CHECK(ioctl(999, FIONREAD, &n), -EBADF, "ioctl on a closed descriptor fails with EBADF");
}

static void vec_at_offset(void)
{
    int fd = open(D "/v", O_CREAT | O_RDWR, 0644);
    char a[] = "abc", b[] = "def";
    struct iovec wv[2] = { { a, 3 }, { b, 3 } };
    CHECK(pwritev(fd, wv, 2, 10), 6, "pwritev");
    CHECK(lseek(fd, 0, SEEK_CUR), 0, "pwritev leaves the offset alone");
    char r1[4] = { 0 }, r2[4] = { 0 };
    struct iovec rv[2] = { { r1, 2 }, { r2, 3 } };
    CHECK(preadv(fd, rv, 2, 11), 5, "preadv");
    tap_ok(!strcmp(r1, "bc") && !strcmp(r2, "def"), "preadv reads what pwritev wrote");
    CHECK(preadv(fd, rv, 2, -1), -EINVAL, "preadv at a negative offset fails with EINVAL");
    int p[2];
    pipe(p);
    CHECK(pwritev(p[1], wv, 2, 0), -ESPIPE, "pwritev on a pipe fails with ESPIPE");
    struct stat st;
    CHECK(fallocate(fd, 0, 0, 100), 0, "fallocate mode 0");
    fstat(fd, &st);
    tap_eq_long(st.st_size, 100, "fallocate extends the size");
    CHECK(fallocate(fd, 1, 0, 500), 0, "fallocate FALLOC_FL_KEEP_SIZE");
    fstat(fd, &st);
    tap_eq_long(st.st_size, 100, "FALLOC_FL_KEEP_SIZE keeps the size");
    CHECK(fallocate(fd, 0, 0, 0), -EINVAL, "fallocate of length 0 fails with EINVAL");
    CHECK(fallocate(fd, 0, -1, 10), -EINVAL, "fallocate at a negative offset fails with EINVAL");
    CHECK(fallocate(fd, 0x80, 0, 10), -EOPNOTSUPP, "fallocate with an unknown mode fails with EOPNOTSUPP");
    CHECK(fallocate(p[1], 0, 0, 10), -ESPIPE, "fallocate on a pipe fails with ESPIPE");
    int ro = open(D "/v", O_RDONLY);
    CHECK(fallocate(ro, 0, 0, 10), -EBADF, "fallocate on a read-only descriptor fails with EBADF");
    CHECK(syncfs(ro), 0, "syncfs");
    CHECK(syncfs(999), -EBADF, "syncfs on a closed descriptor fails with EBADF");
    close(ro);
    close(p[0]);
    close(p[1]);
    close(fd);
}

static void chroot_tests(void)
{
    char buf[64];
    mkdir(D "/jail", 0755);
    mkdir(D "/jail/in", 0755);
    put_file(D "/jail/marker", "m");
    CHECK(chroot(D "/f"), -ENOTDIR, "chroot to a file fails with ENOTDIR");
    CHECK(chroot(D "/none"), -ENOENT, "chroot to a missing path fails with ENOENT");
    CHECK(chroot(D "/jail"), 0, "chroot");
    CHECK(chdir("/"), 0, "chdir to the new root");
    tap_ok(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/"), "getcwd in the new root is /");
    tap_ok(S_ISREG(mode_of("/marker")), "absolute paths start at the new root");
    tap_eq_long(ino_of("/.."), ino_of("/"), "'..' cannot leave the new root");
    CHECK(chdir("/in"), 0, "chdir inside the jail");
    tap_ok(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/in"), "getcwd is relative to the new root");
}

int main(void)
{
    tap_plan(60);
    statx_tests();
    statfs_tests();
    ioctl_tests();
    vec_at_offset();
    chroot_tests();
    tap_finish();
}
