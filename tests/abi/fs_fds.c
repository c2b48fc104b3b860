// SPDX-License-Identifier: MPL-2.0
// ABI suite: descriptors (dup family, fcntl, O_CLOEXEC, shared offsets, RLIMIT_NOFILE) and O_PATH.
#include "fs_test.h"

#define D "/tmp/fsf"

static void stdio_and_dup(void)
{
    struct stat st;
    CHECK(fstat(1, &st), 0, "fd 1 is open at start");
    tap_ok(S_ISCHR(st.st_mode), "stdout is a character device (the console)");
    mkdir(D, 0755);
    put_file(D "/f", "0123456789");
    int fd = open(D "/f", O_RDWR);
    tap_eq_long(fd, 3, "the first open returns the lowest free descriptor, 3");
    int d = dup(fd);
    tap_eq_long(d, 4, "dup returns the lowest free descriptor");
    char c;
    read(fd, &c, 1);
    read(fd, &c, 1);
    CHECK(lseek(d, 0, SEEK_CUR), 2, "dup'ed descriptors share the file offset");
    read(d, &c, 1);
    tap_eq_long(c, '2', "reads through the duplicate continue at the shared offset");
    int other = open(D "/f", O_RDONLY);
    CHECK(lseek(other, 0, SEEK_CUR), 0, "a separate open has its own offset");
    close(other);
    CHECK(dup(999), -EBADF, "dup of a closed descriptor fails with EBADF");
    CHECK(dup(-1), -EBADF, "dup of -1 fails with EBADF");
    CHECK(dup2(fd, 20), 20, "dup2 to a chosen number");
    CHECK(lseek(20, 0, SEEK_CUR), 3, "dup2's copy shares the offset");
    CHECK(dup2(fd, fd), fd, "dup2 onto itself returns the descriptor");
    CHECK(dup2(99, 99), -EBADF, "dup2 of a closed descriptor onto itself fails with EBADF");
    CHECK(dup2(999, 21), -EBADF, "dup2 of a closed descriptor fails with EBADF");
    CHECK(dup2(fd, 100000), -EBADF, "dup2 beyond RLIMIT_NOFILE fails with EBADF");
    int n = open("/dev/null", O_RDONLY);
    CHECK(dup2(n, 20), 20, "dup2 over an open descriptor closes it first");
    CHECK(read(20, &c, 1), 0, "fd 20 now refers to /dev/null");
    close(n);
    CHECK(syscall(SYS_dup3, fd, fd, 0), -EINVAL, "dup3 onto itself fails with EINVAL");
    CHECK(syscall(SYS_dup3, fd, 21, 0x1), -EINVAL, "dup3 with bad flags fails with EINVAL");
    CHECK(dup3(fd, 21, O_CLOEXEC), 21, "dup3 with O_CLOEXEC");
    CHECK(fcntl(21, F_GETFD), FD_CLOEXEC, "dup3 O_CLOEXEC sets FD_CLOEXEC");
    CHECK(fcntl(20, F_GETFD), 0, "dup2 clears FD_CLOEXEC");
    close(20);
    close(21);
    close(d);
    CHECK(close(d), -EBADF, "closing twice fails with EBADF");
    CHECK(close(-1), -EBADF, "close(-1) fails with EBADF");
    close(fd);
}

static void fcntls(void)
{
    int fd = open(D "/f", O_RDWR | O_CLOEXEC);
    CHECK(fcntl(fd, F_GETFD), FD_CLOEXEC, "O_CLOEXEC sets FD_CLOEXEC");
    CHECK(fcntl(fd, F_SETFD, 0), 0, "F_SETFD 0");
    CHECK(fcntl(fd, F_GETFD), 0, "F_SETFD cleared FD_CLOEXEC");
    CHECK(fcntl(fd, F_DUPFD, 10), 10, "F_DUPFD returns the lowest free descriptor >= arg");
    CHECK(fcntl(fd, F_DUPFD, 10), 11, "F_DUPFD skips used descriptors");
    CHECK(fcntl(10, F_GETFD), 0, "F_DUPFD clears FD_CLOEXEC");
    CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 10), 12, "F_DUPFD_CLOEXEC");
    CHECK(fcntl(12, F_GETFD), FD_CLOEXEC, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");
    CHECK(fcntl(fd, F_DUPFD, 5000), -EINVAL, "F_DUPFD beyond RLIMIT_NOFILE fails with EINVAL");
    tap_eq_long(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR, "F_GETFL returns the access mode");
    CHECK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY), 0, "F_SETFL");
    tap_eq_long(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_APPEND | O_NONBLOCK, "F_SETFL sets status flags but not the access mode");
    tap_eq_long(fcntl(10, F_GETFL) & O_APPEND, O_APPEND, "status flags belong to the shared description");
    write(fd, "X", 1);
    char buf[16];
    tap_eq_long(get_file(D "/f", buf, sizeof(buf)), 11, "F_SETFL O_APPEND takes effect");
    CHECK(fcntl(fd, 9999), -EINVAL, "an unknown fcntl command fails with EINVAL");
    CHECK(fcntl(999, F_GETFD), -EBADF, "fcntl on a closed descriptor fails with EBADF");
    close(10);
    close(11);
    close(12);
    close(fd);
}

static void limits_and_reuse(void)
{
    int fd = open("/dev/null", O_RDONLY);
    close(fd);
    CHECK(open("/dev/null", O_RDONLY), fd, "a closed descriptor number is reused");
    close(fd);
    int last = -1, err = 0;
    for (int i = 0; i < 1100; i++) {
        int d = dup(0);
        if (d < 0) {
            err = errno;
            break;
        }
        last = d;
    }
    tap_eq_long(last, 1023, "descriptors go up to 1023");
    tap_eq_long(-err, -EMFILE, "the 1025th descriptor fails with EMFILE");
    CHECK(open("/dev/null", O_RDONLY), -EMFILE, "open with a full table fails with EMFILE");
    for (int i = 3; i <= 1023; i++)
        close(i);
    fd = open("/dev/null", O_RDONLY);
    tap_eq_long(fd, 3, "closing frees the table again");
    close(fd);
}

static void opath(void)
{
    int fd = open(D "/f", O_PATH);
    tap_ok(fd >= 0, "O_PATH open of a file");
    char c;
    CHECK(read(fd, &c, 1), -EBADF, "read on O_PATH fails with EBADF");
    CHECK(write(fd, "x", 1), -EBADF, "write on O_PATH fails with EBADF");
    struct stat st;
    CHECK(fstat(fd, &st), 0, "fstat on O_PATH works");
    tap_eq_long(st.st_size, 11, "fstat on O_PATH sees the file");
    tap_eq_long(fcntl(fd, F_GETFL) & O_PATH, O_PATH, "F_GETFL shows O_PATH");
    CHECK(syscall(SYS_fchmod, fd, 0600), -EBADF, "fchmod on O_PATH fails with EBADF");
    close(fd);
    int dfd = open(D, O_PATH | O_DIRECTORY);
    int f2 = openat(dfd, "f", O_RDONLY);
    tap_ok(f2 >= 0, "an O_PATH directory works as a dirfd");
    close(f2);
    close(dfd);
}

int main(void)
{
    tap_plan(53);
    stdio_and_dup();
    fcntls();
    limits_and_reuse();
    opath();
    tap_finish();
}
