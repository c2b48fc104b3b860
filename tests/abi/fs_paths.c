// SPDX-License-Identifier: MPL-2.0
// ABI suite: path resolution (dot-dot, symlinks and ELOOP, trailing slashes, dirfds, cwd, long names).
#include <stdio.h>
#include "fs_test.h"

#define D "/tmp/fsp"

static void dots(void)
{
    mkdir(D, 0755);
    CHECK(mkdir(D "/a", 0755), 0, "mkdir a");
    CHECK(mkdir(D "/a/b", 0755), 0, "mkdir a/b");
    CHECK(mkdir(D "/a/b/c", 0755), 0, "mkdir a/b/c");
    put_file(D "/a/file", "data");
    long c = ino_of(D "/a/b/c");
    tap_eq_long(ino_of(D "/a/./b/../b/c"), c, "'.' and '..' resolve inside a path");
    tap_eq_long(ino_of(D "//a///b//c"), c, "repeated slashes are one separator");
    tap_eq_long(ino_of("/.."), ino_of("/"), "'..' at the root stays at the root");
    tap_eq_long(ino_of("/../../tmp/../tmp/fsp/a/b/c"), c, "'..' above the root is clamped");
    tap_eq_long(ino_of(D "/a/b/c/"), c, "a trailing slash on a directory is fine");
    tap_eq_long(ino_of(D "/a/file/"), -ENOTDIR, "a trailing slash on a file fails with ENOTDIR");
    tap_eq_long(ino_of(D "/a/file/x"), -ENOTDIR, "a file used as a directory fails with ENOTDIR");
    tap_eq_long(ino_of(D "/a/missing/x"), -ENOENT, "a missing directory in the path fails with ENOENT");
    tap_eq_long(ino_of(""), -ENOENT, "the empty path fails with ENOENT");
    CHECK(open(D "/a/new/", O_CREAT | O_RDWR, 0644), -EISDIR, "O_CREAT of a name with a trailing slash fails with EISDIR");
    CHECK(mkdir(D "/a/d2/", 0755), 0, "mkdir accepts a trailing slash");
    CHECK(mkdir(D "/a", 0755), -EEXIST, "mkdir of an existing name fails with EEXIST");
    CHECK(mkdir(D "/a/..", 0755), -EEXIST, "mkdir of '..' fails with EEXIST");
}

static void long_names(void)
{
    char name[300];
    memset(name, 'n', sizeof(name));
    memcpy(name, D "/", strlen(D "/"));
    name[strlen(D "/") + 256] = 0;
    CHECK(open(name, O_CREAT | O_RDWR, 0644), -ENAMETOOLONG, "a 256-byte component fails with ENAMETOOLONG");
    name[strlen(D "/") + 255] = 0;
    int fd = open(name, O_CREAT | O_RDWR, 0644);
    tap_ok(fd >= 0, "a 255-byte component is allowed");
    close(fd);
    static char p[5000];
    memset(p, 0, 5000);
    for (int i = 0; i < 4500; i += 2)
        memcpy(p + i, "./", 2);
    CHECK(access(p, F_OK), -ENAMETOOLONG, "a path of 4096 bytes or more fails with ENAMETOOLONG");
    p[4094] = 0;
    CHECK(access(p, F_OK), 0, "a path of 4094 bytes resolves");
}

static void symlinks(void)
{
    char buf[64];
    CHECK(symlink("a/file", D "/rel"), 0, "symlink with a relative target");
    CHECK(symlink(D "/a/b", D "/abs"), 0, "symlink with an absolute target");
    tap_eq_long(get_file(D "/rel", buf, sizeof(buf)), 4, "open follows a relative symlink");
    tap_ok(strcmp(buf, "data") == 0, "contents through the symlink");
    tap_eq_long(ino_of(D "/abs/c"), ino_of(D "/a/b/c"), "an absolute symlink in the middle of a path");
    tap_ok(S_ISLNK(mode_of(D "/rel")), "lstat reports S_IFLNK");
    struct stat st;
    lstat(D "/rel", &st);
    tap_eq_long(st.st_size, 6, "a symlink's size is its target length");
    memset(buf, 'x', sizeof(buf));
    CHECK(readlink(D "/rel", buf, sizeof(buf)), 6, "readlink returns the target length");
    tap_ok(memcmp(buf, "a/file", 6) == 0 && buf[6] == 'x', "readlink does not NUL-terminate");
    CHECK(readlink(D "/rel", buf, 3), 3, "readlink truncates to the buffer");
    CHECK(readlink(D "/a/file", buf, sizeof(buf)), -EINVAL, "readlink on a file fails with EINVAL");
    CHECK(syscall(SYS_readlink, D "/rel", buf, 0), -EINVAL, "readlink with size 0 fails with EINVAL");
    CHECK(syscall(SYS_readlink, D "/rel", BADPTR, 10), -EFAULT, "readlink into a bad pointer fails with EFAULT");
    CHECK(open(D "/rel", O_RDONLY | O_NOFOLLOW), -ELOOP, "O_NOFOLLOW on a symlink fails with ELOOP");
    int fd = open(D "/rel", O_PATH | O_NOFOLLOW);
    tap_ok(fd >= 0, "O_PATH|O_NOFOLLOW opens the symlink itself");
    CHECK(fstat(fd, &st), 0, "fstat on the O_PATH descriptor");
    tap_ok(S_ISLNK(st.st_mode), "the O_PATH descriptor refers to the link");
    CHECK(read(fd, buf, 1), -EBADF, "read on an O_PATH descriptor fails with EBADF");
    close(fd);
    CHECK(fstatat(AT_FDCWD, D "/rel", &st, AT_SYMLINK_NOFOLLOW), 0, "fstatat AT_SYMLINK_NOFOLLOW");
    tap_ok(S_ISLNK(st.st_mode), "AT_SYMLINK_NOFOLLOW does not follow");
    CHECK(symlink(D "/loop2", D "/loop1"), 0, "symlink loop1 -> loop2");
    CHECK(symlink(D "/loop1", D "/loop2"), 0, "symlink loop2 -> loop1");
    CHECK(open(D "/loop1", O_RDONLY), -ELOOP, "a symlink loop fails with ELOOP");
    CHECK(symlink("self", D "/self"), 0, "symlink to itself");
    tap_eq_long(ino_of(D "/self/x"), -ELOOP, "a self loop in the middle of a path fails with ELOOP");
    CHECK(symlink("nowhere", D "/dangling"), 0, "dangling symlink");
    CHECK(stat(D "/dangling", &st), -ENOENT, "stat through a dangling symlink fails with ENOENT");
    CHECK(open(D "/dangling", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST, "O_CREAT|O_EXCL on a dangling symlink fails with EEXIST");
    fd = open(D "/dangling", O_CREAT | O_WRONLY, 0644);
    tap_ok(fd >= 0, "O_CREAT through a dangling symlink creates the target");
    close(fd);
    tap_ok(S_ISREG(mode_of(D "/nowhere")), "the symlink target now exists");
    CHECK(symlink("", D "/empty"), -ENOENT, "symlink with an empty target fails with ENOENT");
    CHECK(symlink("x", D "/rel"), -EEXIST, "symlink over an existing name fails with EEXIST");
    CHECK(symlink(D "/a/b", D "/dirlink"), 0, "symlink to a directory");
    tap_ok(S_ISDIR(mode_of(D "/dirlink/")), "a trailing slash follows a symlink to a directory");
}

static void link_chain(void)
{
    char a[64], b[64];
    put_file(D "/t0", "end");
    CHECK(symlink(D "/t0", D "/l0"), 0, "chain link 0");
    int ok = 1;
    for (int i = 1; i <= 40; i++) {
        snprintf(a, sizeof(a), D "/l%d", i - 1);
        snprintf(b, sizeof(b), D "/l%d", i);
        ok &= symlink(a, b) == 0;
    }
    tap_ok(ok, "chain links 1..40");
    struct stat st;
    CHECK(stat(D "/l39", &st), 0, "a chain of 40 symlinks resolves");
    CHECK(stat(D "/l40", &st), -ELOOP, "a chain of 41 symlinks fails with ELOOP");
}

static void dirfds_and_cwd(void)
{
    char buf[256];
    int dfd = open(D "/a", O_RDONLY | O_DIRECTORY);
    tap_ok(dfd >= 0, "open a directory with O_DIRECTORY");
    int fd = openat(dfd, "file", O_RDONLY);
    tap_ok(fd >= 0, "openat relative to a directory descriptor");
    CHECK(openat(fd, "x", O_RDONLY), -ENOTDIR, "openat relative to a file descriptor fails with ENOTDIR");
    CHECK(openat(999, "x", O_RDONLY), -EBADF, "openat relative to a closed descriptor fails with EBADF");
    int fd2 = openat(999, D "/a/file", O_RDONLY);
    tap_ok(fd2 >= 0, "an absolute path ignores dirfd");
    close(fd2);
    struct stat st;
    CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH), 0, "fstatat AT_EMPTY_PATH on a file descriptor");
    tap_eq_long(st.st_ino, ino_of(D "/a/file"), "AT_EMPTY_PATH names the descriptor's file");
    CHECK(fstatat(fd, "", &st, 0), -ENOENT, "an empty path without AT_EMPTY_PATH fails with ENOENT");
    CHECK(fstatat(dfd, "file", &st, 0x8000), -EINVAL, "fstatat with bad flags fails with EINVAL");
    CHECK(faccessat(dfd, "file", R_OK, 0), 0, "faccessat relative to a dirfd");
    CHECK(syscall(SYS_faccessat2, dfd, "file", R_OK, 0x4000), -EINVAL, "faccessat2 with bad flags fails with EINVAL");
    close(fd);
    CHECK(chdir(D "/a/b"), 0, "chdir");
    tap_ok(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/a/b") == 0, "getcwd returns the new directory");
    CHECK(syscall(SYS_getcwd, buf, sizeof(buf)), (long)strlen(D "/a/b") + 1, "the getcwd syscall returns the length with the NUL");
    CHECK(syscall(SYS_getcwd, buf, 5), -ERANGE, "getcwd with a small buffer fails with ERANGE");
    CHECK(syscall(SYS_getcwd, BADPTR, 200), -EFAULT, "getcwd into a bad pointer fails with EFAULT");
    tap_eq_long(ino_of("c"), ino_of(D "/a/b/c"), "relative paths start at the cwd");
    CHECK(chdir(".."), 0, "chdir ..");
    tap_ok(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/a") == 0, "getcwd after chdir ..");
    CHECK(chdir("file"), -ENOTDIR, "chdir to a file fails with ENOTDIR");
    CHECK(chdir("nope"), -ENOENT, "chdir to a missing path fails with ENOENT");
    CHECK(chdir(BADPTR), -EFAULT, "chdir with a bad pointer fails with EFAULT");
    int rfd = open("/", O_RDONLY);
    CHECK(fchdir(rfd), 0, "fchdir to /");
    tap_ok(getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0, "getcwd at the root is /");
    CHECK(fchdir(999), -EBADF, "fchdir on a closed descriptor fails with EBADF");
    fd = open(D "/a/file", O_RDONLY);
    CHECK(fchdir(fd), -ENOTDIR, "fchdir on a file fails with ENOTDIR");
    close(fd);
    CHECK(fchdir(dfd), 0, "fchdir to a directory descriptor");
    tap_ok(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/a") == 0, "getcwd after fchdir");
    CHECK(chdir(D "/dirlink"), 0, "chdir through a symlink");
    tap_ok(getcwd(buf, sizeof(buf)) && strcmp(buf, D "/a/b") == 0, "getcwd shows the resolved path");
    chdir("/");
    close(dfd);
    close(rfd);
}

int main(void)
{
    tap_plan(88);
    dots();
    long_names();
    symlinks();
    link_chain();
    dirfds_and_cwd();
    tap_finish();
}
