// SPDX-License-Identifier: MPL-2.0
// /init of a gzip-compressed, multi-member initramfs: every member's files must have been unpacked.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"

/* Read a whole file into a malloc'ed buffer; its length or -errno. */
static long slurp(const char *path, char **out)
{
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -errno;
    struct stat st;
    fstat(fd, &st);
    char *b = malloc((size_t)st.st_size + 1);
    long n = 0, r;
    while (b && (r = read(fd, b + n, (size_t)st.st_size - (size_t)n)) > 0)
        n += r;
    close(fd);
    b[n] = 0;
    *out = b;
    return n;
}

int main(void)
{
    tap_plan(6);
    tap_ok(getpid() == 1, "/init from the first gzip member runs as pid 1");
    char *b = NULL;
    long n = slurp("/gz1/big", &b);
    tap_eq_long(n, 300000, "a 300 KB file from the first gzip member has its full size");
    bool same = n == 300000;
    for (long i = 0; same && i < n; i++)
        same = b[i] == (char)('a' + (i * 7 + i / 1000) % 26);
    tap_ok(same, "... and its exact contents");
    free(b);
    n = slurp("/gz2/hello", &b);
    tap_ok(n > 0 && strcmp(b, "second gzip member\n") == 0, "a file from a second gzip member after zero padding");
    free(b);
    n = slurp("/plain/hello", &b);
    tap_ok(n > 0 && strcmp(b, "plain cpio after gzip\n") == 0, "a file from an uncompressed cpio after the gzip members");
    free(b);
    struct stat st;
    tap_ok(stat("/gz1", &st) == 0 && S_ISDIR(st.st_mode), "directories from the compressed archive exist");
    tap_finish();
}
