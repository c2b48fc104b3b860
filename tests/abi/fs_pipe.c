// SPDX-License-Identifier: MPL-2.0
// ABI suite: pipes and FIFOs (pipe2 flags, EOF, EPIPE, O_NONBLOCK, capacity, PIPE_BUF atomicity, F_SETPIPE_SZ).
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "fs_test.h"

#define D "/tmp/fspipe"

static void basics(void)
{
    int p[2];
    char buf[64];
    CHECK(pipe(p), 0, "pipe");
    tap_ok(p[0] >= 3 && p[1] == p[0] + 1, "pipe returns the two lowest free descriptors");
    CHECK(write(p[1], "abc", 3), 3, "write to the pipe");
    memset(buf, 0, sizeof(buf));
    CHECK(read(p[0], buf, sizeof(buf)), 3, "read returns what is buffered");
    tap_ok(strcmp(buf, "abc") == 0, "bytes come out in order");
    CHECK(write(p[0], "x", 1), -EBADF, "write to the read end fails with EBADF");
    CHECK(read(p[1], buf, 1), -EBADF, "read from the write end fails with EBADF");
    CHECK(lseek(p[0], 0, SEEK_SET), -ESPIPE, "lseek on a pipe fails with ESPIPE");
    CHECK(pread(p[0], buf, 1, 0), -ESPIPE, "pread on a pipe fails with ESPIPE");
    CHECK(pwrite(p[1], buf, 1, 0), -ESPIPE, "pwrite on a pipe fails with ESPIPE");
    struct stat st;
    CHECK(fstat(p[0], &st), 0, "fstat on a pipe");
    tap_ok(S_ISFIFO(st.st_mode), "a pipe is S_IFIFO");
    CHECK(fsync(p[1]), -EINVAL, "fsync on a pipe fails with EINVAL");
    tap_eq_long(fcntl(p[0], F_GETFL) & O_ACCMODE, O_RDONLY, "the read end is O_RDONLY");
    tap_eq_long(fcntl(p[1], F_GETFL) & O_ACCMODE, O_WRONLY, "the write end is O_WRONLY");
    char a[] = "vec", b[] = "tor";
    struct iovec wv[2] = { { a, 3 }, { b, 3 } };
    CHECK(writev(p[1], wv, 2), 6, "writev into a pipe");
    char r1[2], r2[4];
    struct iovec rv[2] = { { r1, 2 }, { r2, 4 } };
    CHECK(readv(p[0], rv, 2), 6, "readv from a pipe");
    tap_ok(memcmp(r1, "ve", 2) == 0 && memcmp(r2, "ctor", 4) == 0, "readv scatters pipe data");
    CHECK(write(p[1], BADPTR, 4), -EFAULT, "write from a bad pointer fails with EFAULT");
    write(p[1], "z", 1);
    CHECK(read(p[0], BADPTR, 4), -EFAULT, "read into a bad pointer fails with EFAULT");
    CHECK(write(p[1], buf, 0), 0, "a zero-length write returns 0");
    close(p[0]);
    close(p[1]);
}

static void eof_and_epipe(void)
{
    int p[2];
    char buf[16];
    pipe(p);
    write(p[1], "tail", 4);
    int w2 = dup(p[1]);
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    CHECK(read(p[0], buf, sizeof(buf)), 4, "data written before close is still read");
    CHECK(read(p[0], buf, sizeof(buf)), -EAGAIN, "a duplicate write end keeps the pipe open");
    close(w2);
    CHECK(read(p[0], buf, sizeof(buf)), 0, "read returns 0 (EOF) once every writer closed");
    close(p[0]);
    pipe(p);
    close(p[0]);
    CHECK(write(p[1], "x", 1), -EPIPE, "write with no readers fails with EPIPE");
    close(p[1]);
}

static void nonblocking(void)
{
    int p[2];
    static char big[70000];
    CHECK(pipe2(p, O_NONBLOCK), 0, "pipe2 O_NONBLOCK");
    tap_eq_long(fcntl(p[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK, "both ends are non-blocking");
    CHECK(read(p[0], big, 10), -EAGAIN, "reading an empty non-blocking pipe fails with EAGAIN");
    long total = 0, r;
    while ((r = write(p[1], big, 4096)) > 0)
        total += r;
    tap_eq_long(total, 65536, "the pipe holds 64 KiB");
    tap_eq_long(-errno, -EAGAIN, "writing a full non-blocking pipe fails with EAGAIN");
    CHECK(read(p[0], big, 100), 100, "read some bytes back");
    CHECK(write(p[1], big, 200), -EAGAIN, "a write of <= PIPE_BUF that does not fit whole fails with EAGAIN");
    CHECK(read(p[0], big, sizeof(big)), 65436, "read drains the rest");
    CHECK(write(p[1], big, 70000), 65536, "a large non-blocking write is partial");
    close(p[0]);
    close(p[1]);
    CHECK(pipe2(p, O_CLOEXEC), 0, "pipe2 O_CLOEXEC");
    tap_ok(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC, "both ends are close-on-exec");
    close(p[0]);
    close(p[1]);
    CHECK(pipe2(p, 0x1), -EINVAL, "pipe2 with bad flags fails with EINVAL");
    CHECK(syscall(SYS_pipe2, BADPTR, 0), -EFAULT, "pipe2 with a bad pointer fails with EFAULT");
    int fd = open("/dev/null", O_RDONLY);
    close(fd);
    tap_eq_long(open("/dev/null", O_RDONLY), fd, "a failed pipe2 leaks no descriptors");
    close(fd);
}

static void fifo(void)
{
    char buf[16];
    mkdir(D, 0755);
    CHECK(mkfifo(D "/ff", 0600), 0, "mkfifo");
    CHECK(open(D "/ff", O_WRONLY | O_NONBLOCK), -ENXIO, "a non-blocking write open with no reader fails with ENXIO");
    int r = open(D "/ff", O_RDONLY | O_NONBLOCK);
    tap_ok(r >= 0, "a non-blocking read open succeeds");
    int w = open(D "/ff", O_WRONLY | O_NONBLOCK);
    tap_ok(w >= 0, "a write open succeeds once a reader exists");
    CHECK(write(w, "fifo", 4), 4, "write into the FIFO");
    memset(buf, 0, sizeof(buf));
    CHECK(read(r, buf, sizeof(buf)), 4, "read from the FIFO");
    tap_ok(strcmp(buf, "fifo") == 0, "FIFO data round-trips");
    close(w);
    CHECK(read(r, buf, sizeof(buf)), 0, "EOF after the writer closes");
    close(r);
    int rw = open(D "/ff", O_RDWR);
    tap_ok(rw >= 0, "O_RDWR open of a FIFO does not block");
    write(rw, "again", 5);
    CHECK(read(rw, buf, sizeof(buf)), 5, "the FIFO works through one O_RDWR descriptor");
    close(rw);
}

static void resize(void)
{
    int p[2];
    static char big[16384];
    memset(big, 'q', sizeof(big));
    CHECK(pipe2(p, O_NONBLOCK), 0, "pipe2 for resizing");
    CHECK(fcntl(p[0], F_GETPIPE_SZ), 65536, "F_GETPIPE_SZ: a new pipe holds 64 KiB");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 0), 4096, "F_SETPIPE_SZ 0 rounds up to one page");
    CHECK(fcntl(p[0], F_GETPIPE_SZ), 4096, "both ends see the new size");
    CHECK(write(p[1], big, 8192), 4096, "a one-page pipe takes one page");
    CHECK(write(p[1], big, 1), -EAGAIN, "and no more");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 5000), 8192, "F_SETPIPE_SZ rounds up to a power of two pages");
    CHECK(write(p[1], big, 8192), 4096, "a grown pipe takes more, keeping its content");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096), -EBUSY, "shrinking below the content fails with EBUSY");
    CHECK(fcntl(p[1], F_GETPIPE_SZ), 8192, "a failed shrink keeps the size");
    CHECK(read(p[0], big, sizeof(big)), 8192, "everything written is read back");
    CHECK(write(p[1], "resize", 6), 6, "write a little");
    CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096, "shrinking above the content works");
    char buf[16] = { 0 };
    CHECK(read(p[0], buf, sizeof(buf)), 6, "the content survives a resize");
    tap_ok(strcmp(buf, "resize") == 0, "in order");
    CHECK(fcntl(p[0], F_SETPIPE_SZ, 2 * 1024 * 1024), 2 * 1024 * 1024, "root may exceed pipe-max-size");
    CHECK(fcntl(p[0], F_SETPIPE_SZ, (1UL << 31) + 1), -EINVAL, "a size above 2 GiB fails with EINVAL");
    int fd = open("/dev/null", O_RDONLY);
    CHECK(fcntl(fd, F_GETPIPE_SZ), -EBADF, "F_GETPIPE_SZ on a non-pipe fails with EBADF");
    CHECK(fcntl(fd, F_SETPIPE_SZ, 4096), -EBADF, "F_SETPIPE_SZ on a non-pipe fails with EBADF");
    close(fd);
    CHECK(fcntl(999, F_GETPIPE_SZ), -EBADF, "F_GETPIPE_SZ on a bad descriptor fails with EBADF");
    int n = -1;
    write(p[1], "abc", 3);
    CHECK(ioctl(p[0], FIONREAD, &n), 0, "FIONREAD on a resized pipe");
    tap_eq_long(n, 3, "FIONREAD counts its bytes");
    CHECK(ioctl(p[0], FIONREAD, BADPTR), -EFAULT, "FIONREAD to a bad pointer fails with EFAULT");
    pid_t pid = fork();
    if (pid == 0) {
        int bits = 0;
        if (setuid(65534))
            _exit(99);
        bits |= fcntl(p[1], F_SETPIPE_SZ, 4096) == 4096 ? 4 : 0;
        bits |= fcntl(p[1], F_SETPIPE_SZ, 2 * 1024 * 1024) == -1 && errno == EPERM ? 1 : 0;
        bits |= fcntl(p[1], F_SETPIPE_SZ, 1024 * 1024) == 1024 * 1024 ? 2 : 0;
        _exit(bits);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && (WEXITSTATUS(st) & 1), "a non-root caller may not grow past pipe-max-size (EPERM)");
    tap_ok(WIFEXITED(st) && (WEXITSTATUS(st) & 2), "a non-root caller may grow up to pipe-max-size");
    tap_ok(WIFEXITED(st) && (WEXITSTATUS(st) & 4), "a non-root caller may shrink");
    close(p[0]);
    close(p[1]);
}

static void max_size_file(void)
{
    char buf[32];
    mkdir("/proc", 0555);
    mount("proc", "/proc", "proc", 0, NULL);
    CHECK(get_file("/proc/sys/fs/pipe-max-size", buf, sizeof(buf)), 8, "read /proc/sys/fs/pipe-max-size");
    tap_ok(strcmp(buf, "1048576\n") == 0, "pipe-max-size is 1 MiB by default");
    CHECK(put_file("/proc/sys/fs/pipe-max-size", "2000000\n"), 0, "root writes pipe-max-size");
    get_file("/proc/sys/fs/pipe-max-size", buf, sizeof(buf));
    tap_ok(strcmp(buf, "2097152\n") == 0, "the written value is rounded up to a power of two pages");
    CHECK(put_file("/proc/sys/fs/pipe-max-size", "1048576\n"), 0, "restore pipe-max-size");
}

int main(void)
{
    tap_plan(80);
    signal(SIGPIPE, SIG_IGN);
    basics();
    eof_and_epipe();
    nonblocking();
    fifo();
    resize();
    max_size_file();
    tap_finish();
}
