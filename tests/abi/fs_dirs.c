// SPDX-License-Identifier: MPL-2.0
// ABI suite: directories (mkdir/rmdir/unlink, link counts, getdents64) and rename/link semantics.
#include <stdio.h>
#include "fs_test.h"

#define D "/tmp/fsd"

struct dent { unsigned long long ino; long long off; unsigned short reclen; unsigned char type; char name[]; };

/* List dir into names ("a,b,c," order as returned, without . and ..); returns entry count or -errno. */
static long list_dir(const char *dir, char *out, size_t size, int *dots, int *types_ok)
{
    static char buf[4096];
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -errno;
    long n, count = 0;
    out[0] = 0;
    *dots = 0;
    *types_ok = 1;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
        for (long off = 0; off < n;) {
            struct dent *d = (struct dent *)(buf + off);
            if (!strcmp(d->name, ".") || !strcmp(d->name, "..")) {
                (*dots)++;
                *types_ok &= d->type == 4;
            } else {
                strncat(out, d->name, size - strlen(out) - 2);
                strcat(out, ",");
                count++;
            }
            off += d->reclen;
        }
    }
    close(fd);
    return n < 0 ? -errno : count;
}

static void mkdir_rmdir(void)
{
    struct stat st;
    CHECK(mkdir(D, 0755), 0, "mkdir");
    stat(D, &st);
    tap_eq_long(st.st_nlink, 2, "a new directory has two links");
    tap_eq_long(st.st_mode, S_IFDIR | 0755, "mkdir mode is applied with the umask");
    CHECK(mkdir(D "/sub", 0700), 0, "mkdir a subdirectory");
    stat(D, &st);
    tap_eq_long(st.st_nlink, 3, "a subdirectory adds a link to its parent");
    CHECK(mkdir(D "/no/x", 0755), -ENOENT, "mkdir under a missing directory fails with ENOENT");
    put_file(D "/f", "x");
    CHECK(mkdir(D "/f/x", 0755), -ENOTDIR, "mkdir under a file fails with ENOTDIR");
    CHECK(mkdir(BADPTR, 0755), -EFAULT, "mkdir with a bad pointer fails with EFAULT");
    int dfd = open(D, O_RDONLY);
    CHECK(mkdirat(dfd, "at", 0755), 0, "mkdirat relative to a dirfd");
    tap_ok(S_ISDIR(mode_of(D "/at")), "mkdirat created the directory");
    close(dfd);
    put_file(D "/sub/g", "y");
    CHECK(rmdir(D "/sub"), -ENOTEMPTY, "rmdir of a non-empty directory fails with ENOTEMPTY");
    CHECK(rmdir(D "/f"), -ENOTDIR, "rmdir of a file fails with ENOTDIR");
    CHECK(rmdir(D "/sub/."), -EINVAL, "rmdir of '.' fails with EINVAL");
    CHECK(rmdir(D "/sub/.."), -ENOTEMPTY, "rmdir of '..' fails with ENOTEMPTY");
    CHECK(rmdir(D "/gone"), -ENOENT, "rmdir of a missing name fails with ENOENT");
    CHECK(unlink(D "/sub"), -EISDIR, "unlink of a directory fails with EISDIR");
    CHECK(unlink(D "/gone"), -ENOENT, "unlink of a missing name fails with ENOENT");
    CHECK(unlink(D "/sub/g"), 0, "unlink a file");
    CHECK(rmdir(D "/sub/"), 0, "rmdir with a trailing slash");
    stat(D, &st);
    tap_eq_long(st.st_nlink, 3, "rmdir drops the parent's link count (at remains)");
    CHECK(unlinkat(AT_FDCWD, D "/at", AT_REMOVEDIR), 0, "unlinkat AT_REMOVEDIR");
    CHECK(unlinkat(AT_FDCWD, D "/f", 0x1), -EINVAL, "unlinkat with bad flags fails with EINVAL");
    CHECK(unlinkat(AT_FDCWD, D "/f", AT_REMOVEDIR), -ENOTDIR, "unlinkat AT_REMOVEDIR on a file fails with ENOTDIR");
    CHECK(unlinkat(AT_FDCWD, D "/f", 0), 0, "unlinkat on a file");
    tap_eq_long(ino_of(D "/f"), -ENOENT, "the file is gone");
}

static void getdents(void)
{
    char names[256];
    int dots, types;
    mkdir(D "/ls", 0755);
    put_file(D "/ls/one", "1");
    put_file(D "/ls/two", "2");
    mkdir(D "/ls/three", 0755);
    symlink("one", D "/ls/four");
    tap_eq_long(list_dir(D "/ls", names, sizeof(names), &dots, &types), 4, "getdents64 lists every entry");
    tap_ok(strstr(names, "one,") && strstr(names, "two,") && strstr(names, "three,") && strstr(names, "four,"), "getdents64 returns the right names");
    tap_eq_long(dots, 2, "getdents64 includes . and ..");
    tap_ok(types, ". and .. have type DT_DIR");
    static char buf[4096];
    int fd = open(D "/ls", O_RDONLY | O_DIRECTORY);
    long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
    int ok = 1;
    for (long off = 0; off < n;) {
        struct dent *d = (struct dent *)(buf + off);
        if (!strcmp(d->name, "one")) ok &= d->type == 8 && d->ino == (unsigned long long)ino_of(D "/ls/one");
        if (!strcmp(d->name, "three")) ok &= d->type == 4;
        if (!strcmp(d->name, "four")) ok &= d->type == 10;
        ok &= d->reclen % 8 == 0;
        off += d->reclen;
    }
    tap_ok(n > 0 && ok, "getdents64 d_type, d_ino and 8-byte aligned records");
    CHECK(syscall(SYS_getdents64, fd, buf, sizeof(buf)), 0, "getdents64 at the end returns 0");
    CHECK(lseek(fd, 0, SEEK_SET), 0, "rewinding a directory");
    CHECK(syscall(SYS_getdents64, fd, buf, 10), -EINVAL, "a buffer too small for one entry fails with EINVAL");
    CHECK(syscall(SYS_getdents64, fd, BADPTR, 4096), -EFAULT, "getdents64 into a bad pointer fails with EFAULT");
    tap_ok(syscall(SYS_getdents64, fd, buf, 24) == 24, "a 24-byte buffer returns exactly one record ('.')");
    close(fd);
    CHECK(syscall(SYS_getdents64, 999, buf, sizeof(buf)), -EBADF, "getdents64 on a closed descriptor fails with EBADF");
    fd = open(D "/ls/one", O_RDONLY);
    CHECK(syscall(SYS_getdents64, fd, buf, sizeof(buf)), -ENOTDIR, "getdents64 on a file fails with ENOTDIR");
    close(fd);
    unlink(D "/ls/two");
    tap_eq_long(list_dir(D "/ls", names, sizeof(names), &dots, &types), 3, "an unlinked entry leaves the listing");
    tap_ok(!strstr(names, "two,"), "the unlinked name is gone");
}

static void renames(void)
{
    char buf[32];
    mkdir(D "/r", 0755);
    put_file(D "/r/a", "A");
    put_file(D "/r/b", "B");
    long ia = ino_of(D "/r/a");
    CHECK(rename(D "/r/a", D "/r/c"), 0, "rename to a new name");
    tap_eq_long(ino_of(D "/r/a"), -ENOENT, "the old name is gone");
    tap_eq_long(ino_of(D "/r/c"), ia, "the new name is the same inode");
    CHECK(rename(D "/r/c", D "/r/b"), 0, "rename over an existing file");
    tap_eq_long(get_file(D "/r/b", buf, sizeof(buf)), 1, "read the replaced file");
    tap_ok(buf[0] == 'A', "rename replaced the target's contents");
    CHECK(rename(D "/r/missing", D "/r/x"), -ENOENT, "rename of a missing file fails with ENOENT");
    mkdir(D "/r/d", 0755);
    mkdir(D "/r/e", 0755);
    mkdir(D "/r/full", 0755);
    put_file(D "/r/full/x", "x");
    CHECK(rename(D "/r/b", D "/r/d"), -EISDIR, "rename of a file over a directory fails with EISDIR");
    CHECK(rename(D "/r/d", D "/r/b"), -ENOTDIR, "rename of a directory over a file fails with ENOTDIR");
    CHECK(rename(D "/r/d", D "/r/full"), -ENOTEMPTY, "rename over a non-empty directory fails with ENOTEMPTY");
    CHECK(rename(D "/r/d", D "/r/d/sub"), -EINVAL, "rename of a directory into itself fails with EINVAL");
    long id = ino_of(D "/r/d");
    CHECK(rename(D "/r/d", D "/r/e"), 0, "rename of a directory over an empty directory");
    tap_eq_long(ino_of(D "/r/e"), id, "the directory moved");
    CHECK(rename(D "/r/e", D "/r/full/moved"), 0, "rename a directory into another directory");
    struct stat st;
    stat(D "/r/full", &st);
    tap_eq_long(st.st_nlink, 3, "the new parent gained a link");
    CHECK(rename(D "/r/b", D "/r/b"), 0, "rename onto itself succeeds");
    CHECK(rename(D "/r/b", D "/r/b/"), -ENOTDIR, "rename of a file to a name with a trailing slash fails with ENOTDIR");
    put_file(D "/r/p", "P");
    put_file(D "/r/q", "Q");
    long ip = ino_of(D "/r/p"), iq = ino_of(D "/r/q");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, D "/r/p", AT_FDCWD, D "/r/q", 1), -EEXIST, "RENAME_NOREPLACE over an existing name fails with EEXIST");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, D "/r/p", AT_FDCWD, D "/r/q", 2), 0, "RENAME_EXCHANGE");
    tap_ok(ino_of(D "/r/p") == iq && ino_of(D "/r/q") == ip, "RENAME_EXCHANGE swapped the two names");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, D "/r/p", AT_FDCWD, D "/r/zz", 2), -ENOENT, "RENAME_EXCHANGE with a missing target fails with ENOENT");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, D "/r/p", AT_FDCWD, D "/r/q", 3), -EINVAL, "RENAME_EXCHANGE|RENAME_NOREPLACE fails with EINVAL");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, D "/r/p", AT_FDCWD, D "/r/q", 0x100), -EINVAL, "renameat2 with unknown flags fails with EINVAL");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, D "/r/p", AT_FDCWD, D "/r/new", 1), 0, "RENAME_NOREPLACE to a free name");
    int dfd = open(D "/r", O_RDONLY);
    CHECK(renameat(dfd, "new", dfd, "newer"), 0, "renameat with dirfds");
    tap_eq_long(ino_of(D "/r/newer"), iq, "renameat moved the file");
    close(dfd);
    CHECK(syscall(SYS_renameat2, AT_FDCWD, D "/r/full", AT_FDCWD, D "/r/full/moved", 2), -EINVAL, "RENAME_EXCHANGE of a directory with its descendant fails with EINVAL");
}

static void links(void)
{
    struct stat st;
    char buf[16];
    put_file(D "/l1", "linked");
    CHECK(link(D "/l1", D "/l2"), 0, "link");
    stat(D "/l1", &st);
    tap_eq_long(st.st_nlink, 2, "link raises the link count");
    tap_eq_long(ino_of(D "/l2"), ino_of(D "/l1"), "both names are one inode");
    CHECK(link(D "/l1", D "/l2"), -EEXIST, "link to an existing name fails with EEXIST");
    CHECK(link(D "/r", D "/rl"), -EPERM, "link of a directory fails with EPERM");
    CHECK(link(D "/none", D "/x"), -ENOENT, "link of a missing file fails with ENOENT");
    CHECK(linkat(AT_FDCWD, D "/l1", AT_FDCWD, D "/l3", 0x1), -EINVAL, "linkat with bad flags fails with EINVAL");
    CHECK(rename(D "/l1", D "/l2"), 0, "rename between two links of one inode succeeds");
    tap_ok(ino_of(D "/l1") > 0, "and leaves both names in place");
    int fd = open(D "/l1", O_RDONLY);
    CHECK(unlink(D "/l1"), 0, "unlink one name");
    stat(D "/l2", &st);
    tap_eq_long(st.st_nlink, 1, "unlink drops the link count");
    CHECK(unlink(D "/l2"), 0, "unlink the last name");
    CHECK(fstat(fd, &st), 0, "fstat of an open unlinked file");
    tap_eq_long(st.st_nlink, 0, "an unlinked open file has no links");
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd, buf, sizeof(buf)), 6, "an unlinked open file stays readable");
    tap_ok(strcmp(buf, "linked") == 0, "and keeps its contents");
    close(fd);
    symlink("l1", D "/sl");
    CHECK(linkat(AT_FDCWD, D "/sl", AT_FDCWD, D "/sl2", 0), 0, "linkat without AT_SYMLINK_FOLLOW links the symlink");
    tap_ok(S_ISLNK(mode_of(D "/sl2")), "the new name is a symlink");
    CHECK(linkat(AT_FDCWD, D "/sl", AT_FDCWD, D "/sl3", AT_SYMLINK_FOLLOW), -ENOENT, "AT_SYMLINK_FOLLOW through a dangling link fails with ENOENT");
}

int main(void)
{
    tap_plan(85);
    mkdir_rmdir();
    getdents();
    renames();
    links();
    tap_finish();
}
