// SPDX-License-Identifier: MPL-2.0
// ABI suite: write/writev on the console descriptors (argument checks and partial results).
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include "tap.h"

static long raw(long nr, long a, long b, long c)
{
    long r = syscall(nr, a, b, c);
    return r < 0 ? -errno : r;
}

int main(void)
{
    tap_plan(10);
    char a[] = "# writev part one, ", b[] = "part two\n";
    struct iovec iov[2] = { { a, strlen(a) }, { b, strlen(b) } };
    tap_eq_long(raw(SYS_writev, 1, (long)iov, 2), (long)(strlen(a) + strlen(b)), "writev returns the total length");
    tap_eq_long(raw(SYS_writev, 1, (long)iov, 0), 0, "writev with no vectors returns 0");
    tap_eq_long(raw(SYS_writev, 1, (long)iov, 1025), -EINVAL, "writev with more than IOV_MAX vectors fails with EINVAL");
    tap_eq_long(raw(SYS_writev, 1, 0x10, 1), -EFAULT, "writev with an unmapped iovec array fails with EFAULT");
    char c[] = "# partial writev\n";
    struct iovec bad[2] = { { c, strlen(c) }, { (void *)0x10, 4 } };
    tap_eq_long(raw(SYS_writev, 1, (long)bad, 2), -EFAULT, "tty writev: a bad buffer in the chunk fails it whole with EFAULT");
    struct iovec neg[1] = { { a, (size_t)-1 } };
    tap_eq_long(raw(SYS_writev, 1, (long)neg, 1), -EINVAL, "writev with a negative length fails with EINVAL");
    tap_eq_long(raw(SYS_writev, 555, (long)iov, 2), -EBADF, "writev on a closed descriptor fails with EBADF");
    tap_eq_long(raw(SYS_write, 1, 0, 0), 0, "write of zero bytes from NULL returns 0");
    tap_eq_long(raw(SYS_write, -1, (long)a, 1), -EBADF, "write on fd -1 fails with EBADF");
    static char big[4096 + 2048];
    memset(big, '#', sizeof(big));
    big[0] = '\n';
    big[2047] = '\n';
    tap_eq_long(raw(SYS_write, 1, (long)big, 2048), 2048, "a 2048-byte tty write is written whole");
    tap_finish();
}
