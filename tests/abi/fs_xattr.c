// SPDX-License-Identifier: MPL-2.0
// ABI suite: extended attributes on tmpfs (trusted.* namespace, flags, sizes, listing, removal).
#include <sys/xattr.h>
#include "fs_test.h"

#define D "/tmp/fsx"

static int list_has(const char *list, long len, const char *name)
{
    for (long off = 0; off < len; off += (long)strlen(list + off) + 1)
        if (!strcmp(list + off, name))
            return 1;
    return 0;
}

static void by_path(void)
{
    char buf[64];
    mkdir(D, 0755);
    put_file(D "/f", "x");
    CHECK(setxattr(D "/f", "trusted.a", "v1", 2, 0), 0, "setxattr trusted.a");
    CHECK(getxattr(D "/f", "trusted.a", NULL, 0), 2, "getxattr with size 0 reports the length");
    memset(buf, 0, sizeof(buf));
    CHECK(getxattr(D "/f", "trusted.a", buf, sizeof(buf)), 2, "getxattr returns the length");
    tap_ok(!strcmp(buf, "v1"), "getxattr returns the value");
    CHECK(getxattr(D "/f", "trusted.a", buf, 1), -ERANGE, "getxattr into a small buffer fails with ERANGE");
    CHECK(setxattr(D "/f", "trusted.a", "v2", 2, XATTR_CREATE), -EEXIST, "XATTR_CREATE on an existing name fails with EEXIST");
    CHECK(setxattr(D "/f", "trusted.b", "v", 1, XATTR_REPLACE), -ENODATA, "XATTR_REPLACE on a missing name fails with ENODATA");
    CHECK(setxattr(D "/f", "trusted.a", "v3!", 3, XATTR_REPLACE), 0, "XATTR_REPLACE on an existing name");
    memset(buf, 0, sizeof(buf));
    getxattr(D "/f", "trusted.a", buf, sizeof(buf));
    tap_ok(!strcmp(buf, "v3!"), "the value was replaced");
    CHECK(setxattr(D "/f", "trusted.a", "v", 1, 4), -EINVAL, "setxattr with bad flags fails with EINVAL");
    CHECK(setxattr(D "/f", "trusted.empty", "", 0, 0), 0, "an empty value is allowed");
    CHECK(getxattr(D "/f", "trusted.empty", buf, sizeof(buf)), 0, "an empty value reads back as length 0");
    CHECK(getxattr(D "/f", "trusted.none", buf, sizeof(buf)), -ENODATA, "getxattr of a missing name fails with ENODATA");
    CHECK(setxattr(D "/f", "bogus.ns", "v", 1, 0), -EOPNOTSUPP, "an unknown namespace fails with EOPNOTSUPP");
    CHECK(setxattr(D "/f", "", "v", 1, 0), -ERANGE, "an empty name fails with ERANGE");
    char longname[300];
    memset(longname, 'n', sizeof(longname));
    memcpy(longname, "trusted.", 8);
    longname[299] = 0;
    CHECK(setxattr(D "/f", longname, "v", 1, 0), -ERANGE, "a name over 255 bytes fails with ERANGE");
    static char huge[70000];
    CHECK(setxattr(D "/f", "trusted.big", huge, sizeof(huge), 0), -E2BIG, "a value over 64 KiB fails with E2BIG");
    CHECK(syscall(SYS_setxattr, D "/f", "trusted.p", BADPTR, 4, 0), -EFAULT, "a bad value pointer fails with EFAULT");
    CHECK(syscall(SYS_setxattr, BADPTR, "trusted.p", "v", 1, 0), -EFAULT, "a bad path pointer fails with EFAULT");
    CHECK(syscall(SYS_getxattr, D "/f", "trusted.a", BADPTR, 10), -EFAULT, "getxattr into a bad pointer fails with EFAULT");
    CHECK(setxattr(D "/none", "trusted.a", "v", 1, 0), -ENOENT, "setxattr on a missing path fails with ENOENT");
    char list[256];
    long need = listxattr(D "/f", NULL, 0);
    tap_ok(need > 0, "listxattr with size 0 reports the needed length");
    long got = listxattr(D "/f", list, sizeof(list));
    tap_eq_long(got, need, "listxattr fills the names");
    tap_ok(list_has(list, got, "trusted.a") && list_has(list, got, "trusted.empty"), "listxattr names every attribute");
    CHECK(listxattr(D "/f", list, 3), -ERANGE, "listxattr into a small buffer fails with ERANGE");
    CHECK(removexattr(D "/f", "trusted.a"), 0, "removexattr");
    CHECK(removexattr(D "/f", "trusted.a"), -ENODATA, "removing twice fails with ENODATA");
    CHECK(getxattr(D "/f", "trusted.a", buf, sizeof(buf)), -ENODATA, "a removed attribute is gone");
}

static void by_fd_and_links(void)
{
    char buf[16];
    int fd = open(D "/f", O_RDWR);
    CHECK(fsetxattr(fd, "trusted.fd", "fdv", 3, 0), 0, "fsetxattr");
    memset(buf, 0, sizeof(buf));
    CHECK(fgetxattr(fd, "trusted.fd", buf, sizeof(buf)), 3, "fgetxattr");
    tap_ok(!strcmp(buf, "fdv"), "fgetxattr returns the value");
    char list[128];
    long n = flistxattr(fd, list, sizeof(list));
    tap_ok(n > 0 && list_has(list, n, "trusted.fd"), "flistxattr");
    CHECK(fremovexattr(fd, "trusted.fd"), 0, "fremovexattr");
    close(fd);
    CHECK(fgetxattr(999, "trusted.fd", buf, sizeof(buf)), -EBADF, "fgetxattr on a closed descriptor fails with EBADF");
    CHECK(symlink("f", D "/l"), 0, "symlink");
    CHECK(lsetxattr(D "/l", "trusted.link", "L", 1, 0), 0, "lsetxattr on the symlink itself");
    CHECK(lgetxattr(D "/l", "trusted.link", buf, sizeof(buf)), 1, "lgetxattr reads the link's attribute");
    CHECK(getxattr(D "/l", "trusted.link", buf, sizeof(buf)), -ENODATA, "getxattr follows the link to the target");
    n = llistxattr(D "/l", list, sizeof(list));
    tap_ok(n > 0 && list_has(list, n, "trusted.link"), "llistxattr lists the link's attributes");
    CHECK(lremovexattr(D "/l", "trusted.link"), 0, "lremovexattr");
    CHECK(setxattr(D, "trusted.dir", "d", 1, 0), 0, "directories carry attributes too");
    CHECK(getxattr(D, "trusted.dir", buf, sizeof(buf)), 1, "read a directory's attribute");
}

int main(void)
{
    tap_plan(42);
    by_path();
    by_fd_and_links();
    tap_finish();
}
