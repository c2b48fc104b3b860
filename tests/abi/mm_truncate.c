// SPDX-License-Identifier: MPL-2.0
// ABI suite: truncating a mapped file (tmpfs, memfd) unmaps its pages past the new end of file.
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "tap.h"
#include "truncate_check.h"

#define F "/tmp/mmt"

/* truncate(2) by path and open(O_TRUNC) unmap too; bad arguments leave the mapping alone. */
static void other_paths(void)
{
    int fd = open(F, O_CREAT | O_TRUNC | O_RDWR, 0644);
    char buf[2 * TC_PG];
    memset(buf, 'q', sizeof(buf));
    long w = pwrite(fd, buf, sizeof(buf), 0);
    char *s = mmap(0, 2 * TC_PG, PROT_READ, MAP_SHARED, fd, 0);
    tap_ok(w == (long)sizeof(buf) && s != MAP_FAILED && s[TC_PG] == 'q', "a 2-page file mapped shared");
    if (s == MAP_FAILED) {
        close(fd);
        return;
    }
    tap_eq_long(ftruncate(fd, -1) < 0 ? errno : 0, EINVAL, "ftruncate to a negative size is EINVAL");
    tap_eq_long(ftruncate(9999, 0) < 0 ? errno : 0, EBADF, "ftruncate of a bad fd is EBADF");
    tap_eq_long(truncate((const char *)8, 0) < 0 ? errno : 0, EFAULT, "truncate of a bad path pointer is EFAULT");
    tap_eq_long(tc_read(s + TC_PG), 'q', "failed truncations leave the mapping alone");
    tap_eq_long(truncate(F, TC_PG), 0, "truncate(2) by path to 1 page");
    tap_ok(tc_read(s + TC_PG) == -1 && tc_read(s) == 'q', "truncate(2) unmaps the page past EOF, keeps page 1");
    int fd2 = open(F, O_RDWR | O_TRUNC);
    tap_ok(fd2 >= 0 && tc_read(s) == -1, "open(O_TRUNC) unmaps every page (SIGBUS)");
    tap_ok(ftruncate(fd, 2 * TC_PG) == 0 && tc_read(s) == 0 && tc_read(s + TC_PG) == 0,
           "grown again, the mapping sees zero pages");
    munmap(s, 2 * TC_PG);
    close(fd2);
    close(fd);
}

int main(void)
{
    tap_plan(2 * TC_CHECKS + 9);
    int fd = open(F, O_CREAT | O_TRUNC | O_RDWR, 0644);
    truncate_checks(fd, "tmpfs");
    close(fd);
    int mfd = (int)syscall(SYS_memfd_create, "trunc", 0);
    truncate_checks(mfd, "memfd");
    close(mfd);
    other_paths();
    tap_finish();
}
