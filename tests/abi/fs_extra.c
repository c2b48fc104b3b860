// SPDX-License-Identifier: MPL-2.0
// ABI suite: close_range, copy_file_range, preadv2/pwritev2, fadvise64, readahead, sync_file_range.
#include <sys/mount.h>
#include <sys/uio.h>
#include "fs_test.h"

#define RWF_DSYNC  0x02
#define RWF_SYNC   0x04
#define RWF_APPEND 0x10

#define D "/tmp/fx"

static long close_range3(unsigned a, unsigned b, unsigned f) { return R(syscall(SYS_close_range, a, b, f)); }

static void close_ranges(void)
{
    int a = open("/dev/null", O_RDONLY);
    for (int i = 1; i < 5; i++)
        dup2(a, a + i);
    CHECK(close_range3((unsigned)a + 1, (unsigned)a + 3, 0), 0, "close_range closes a range");
    tap_ok(fcntl(a + 1, F_GETFD) < 0 && fcntl(a + 3, F_GETFD) < 0, "the descriptors in the range are closed");
    tap_ok(fcntl(a, F_GETFD) >= 0 && fcntl(a + 4, F_GETFD) >= 0, "the ones outside stay open");
    CHECK(close_range3((unsigned)a, (unsigned)a + 4, 4), 0, "CLOSE_RANGE_CLOEXEC");
    tap_ok(fcntl(a, F_GETFD) == FD_CLOEXEC && fcntl(a + 4, F_GETFD) == FD_CLOEXEC, "marks them close-on-exec");
    CHECK(close_range3(5, 3, 0), -EINVAL, "first > last fails with EINVAL");
    CHECK(close_range3(3, 5, 1), -EINVAL, "an unknown flag fails with EINVAL");
    CHECK(close_range3((unsigned)a, ~0u, 2), 0, "CLOSE_RANGE_UNSHARE to the end of the table");
    tap_ok(fcntl(a, F_GETFD) < 0 && fcntl(a + 4, F_GETFD) < 0, "everything from first on is closed");
    CHECK(close_range3(500, 600, 0), 0, "a range of free descriptors is fine");
}

static long cfr(int in, off_t *oi, int out, off_t *oo, size_t len, unsigned f)
{
    return R(syscall(SYS_copy_file_range, in, oi, out, oo, len, f));
}

static void copies(void)
{
    put_file(D "/src", "hello world");
    int in = open(D "/src", O_RDONLY), out = open(D "/dst", O_CREAT | O_TRUNC | O_RDWR, 0644);
    CHECK(cfr(in, NULL, out, NULL, 5, 0), 5, "copy_file_range copies between two files");
    tap_ok(lseek(in, 0, SEEK_CUR) == 5 && lseek(out, 0, SEEK_CUR) == 5, "without offsets both file positions advance");
    off_t oi = 6, oo = 5;
    CHECK(cfr(in, &oi, out, &oo, 100, 0), 5, "a copy stops at the end of the input");
    tap_ok(oi == 11 && oo == 10, "the offsets given are updated");
    tap_eq_long(lseek(in, 0, SEEK_CUR), 5, "the file position is left alone when an offset is given");
    char buf[32];
    get_file(D "/dst", buf, sizeof(buf));
    tap_ok(strcmp(buf, "helloworld") == 0, "the destination has the copied bytes");
    oi = 50;
    CHECK(cfr(in, &oi, out, NULL, 10, 0), 0, "copying from past the end returns 0");
    CHECK(cfr(in, NULL, out, NULL, 5, 1), -EINVAL, "non-zero flags fail with EINVAL");
    CHECK(cfr(999, NULL, out, NULL, 5, 0), -EBADF, "a bad input fd fails with EBADF");
    CHECK(cfr(in, NULL, in, NULL, 5, 0), -EBADF, "a read-only output fails with EBADF");
    int app = open(D "/dst", O_WRONLY | O_APPEND);
    CHECK(cfr(in, NULL, app, NULL, 5, 0), -EBADF, "an O_APPEND output fails with EBADF");
    close(app);
    int dir = open(D, O_RDONLY | O_DIRECTORY);
    CHECK(cfr(dir, NULL, out, NULL, 5, 0), -EISDIR, "a directory fails with EISDIR");
    close(dir);
    int p[2];
    pipe(p);
    CHECK(cfr(p[0], NULL, out, NULL, 5, 0), -EINVAL, "a pipe fails with EINVAL");
    close(p[0]);
    close(p[1]);
    oi = 0;
    oo = 2;
    CHECK(cfr(out, &oi, out, &oo, 5, 0), -EINVAL, "overlapping ranges of one file fail with EINVAL");
    CHECK(cfr(in, BADPTR, out, NULL, 5, 0), -EFAULT, "a bad offset pointer fails with EFAULT");
    mkdir(D "/mnt", 0755);
    mount("tmpfs", D "/mnt", "tmpfs", 0, NULL);
    int other = open(D "/mnt/f", O_CREAT | O_RDWR, 0644);
    CHECK(cfr(in, NULL, other, NULL, 5, 0), -EXDEV, "across two tmpfs mounts: EXDEV (Linux 6.1)");
    close(other);
    umount(D "/mnt");
    close(in);
    close(out);
}

static long rw2(bool w, int fd, void *b, size_t n, long off, int flags)
{
    struct iovec v = { b, n };
    return R(syscall(w ? SYS_pwritev2 : SYS_preadv2, fd, &v, 1, off, 0, flags));
}

static void rwv2(void)
{
    int fd = open(D "/rw", O_CREAT | O_TRUNC | O_RDWR, 0644);
    char buf[16] = { 0 };
    CHECK(rw2(true, fd, "abc", 3, 0, 0), 3, "pwritev2 at offset 0");
    tap_eq_long(lseek(fd, 0, SEEK_CUR), 0, "with an offset the file position stays");
    lseek(fd, 1, SEEK_SET);
    CHECK(rw2(false, fd, buf, sizeof(buf), -1, 0), 2, "preadv2 with offset -1 reads at the file position");
    tap_ok(memcmp(buf, "bc", 2) == 0 && lseek(fd, 0, SEEK_CUR) == 3, "... and advances it");
    CHECK(rw2(true, fd, "Z", 1, 0, RWF_APPEND), 1, "pwritev2 RWF_APPEND");
    memset(buf, 0, sizeof(buf));
    CHECK(rw2(false, fd, buf, sizeof(buf), 0, 0), 4, "preadv2 at offset 0");
    tap_ok(strcmp(buf, "abcZ") == 0, "RWF_APPEND wrote at the end, not at the offset");
    CHECK(rw2(true, fd, "s", 1, 4, RWF_SYNC | RWF_DSYNC), 1, "RWF_SYNC|RWF_DSYNC writes");
    CHECK(rw2(false, fd, buf, 4, 0, 0x100), -EOPNOTSUPP, "an unknown RWF flag fails with EOPNOTSUPP");
    CHECK(rw2(false, fd, buf, 4, -2, 0), -EINVAL, "offset -2 fails with EINVAL");
    CHECK(rw2(false, 999, buf, 4, 0, 0), -EBADF, "a bad fd fails with EBADF");
    close(fd);
}

static long fadv(int fd, long off, long len, int adv) { return R(syscall(SYS_fadvise64, fd, off, len, adv)); }

static void hints(void)
{
    int fd = open(D "/rw", O_RDWR), wo = open(D "/rw", O_WRONLY), p[2];
    pipe(p);
    bool all = true;
    for (int a = 0; a <= 5; a++)
        all = all && fadv(fd, 0, 100, a) == 0;
    tap_ok(all, "fadvise64 accepts the six POSIX_FADV_* values on a tmpfs file");
    CHECK(fadv(fd, 0, 100, 6), -EINVAL, "an unknown advice fails with EINVAL");
    CHECK(fadv(fd, 0, -1, 0), -EINVAL, "a negative length fails with EINVAL");
    CHECK(fadv(p[0], 0, 100, 0), -ESPIPE, "fadvise64 on a pipe fails with ESPIPE");
    CHECK(fadv(999, 0, 100, 0), -EBADF, "fadvise64 on a bad fd fails with EBADF");
    CHECK(syscall(SYS_readahead, fd, 0L, 4096L), 0, "readahead on a tmpfs file");
    CHECK(syscall(SYS_readahead, p[0], 0L, 4096L), -EINVAL, "readahead on a pipe fails with EINVAL");
    CHECK(syscall(SYS_readahead, wo, 0L, 4096L), -EBADF, "readahead on a write-only fd fails with EBADF");
    CHECK(syscall(SYS_sync_file_range, fd, 0L, 100L, 7L), 0, "sync_file_range with all three flags");
    CHECK(syscall(SYS_sync_file_range, fd, 0L, 100L, 8L), -EINVAL, "an unknown flag fails with EINVAL");
    CHECK(syscall(SYS_sync_file_range, fd, -1L, 100L, 0L), -EINVAL, "a negative offset fails with EINVAL");
    CHECK(syscall(SYS_sync_file_range, p[0], 0L, 100L, 0L), -ESPIPE, "sync_file_range on a pipe fails with ESPIPE");
    CHECK(syscall(SYS_sync_file_range, 999, 0L, 100L, 0L), -EBADF, "a bad fd fails with EBADF");
    close(fd);
    close(wo);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    tap_plan(50);
    mkdir(D, 0755);
    close_ranges();
    copies();
    rwv2();
    hints();
    tap_finish();
}
