// SPDX-License-Identifier: MPL-2.0
// ABI suite: the console TTY (termios round trips, VMIN/VTIME, window size, FIONREAD, controlling terminal).
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include "fs_test.h"

/* The kernel's struct termios (TCGETS/TCSETS), not libc's. */
struct ktermios {
    unsigned c_iflag, c_oflag, c_cflag, c_lflag;
    unsigned char c_line, c_cc[19];
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void termios_tests(int fd)
{
    struct ktermios t, orig, back;
    CHECK(ioctl(fd, TCGETS, &orig), 0, "TCGETS on the console");
    tap_ok(orig.c_lflag & ICANON, "the console starts in canonical mode");
    tap_ok((orig.c_lflag & ECHO) && (orig.c_lflag & ISIG), "... with echo and signal keys");
    tap_eq_long(orig.c_cc[VINTR], 3, "VINTR is ^C");
    tap_eq_long(orig.c_cc[VERASE], 0x7f, "VERASE is DEL");
    t = orig;
    t.c_lflag &= ~(unsigned)(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    CHECK(ioctl(fd, TCSETS, &t), 0, "TCSETS raw mode");
    memset(&back, 0, sizeof(back));
    CHECK(ioctl(fd, TCGETS, &back), 0, "TCGETS again");
    tap_ok(back.c_lflag == t.c_lflag && back.c_iflag == t.c_iflag && back.c_oflag == t.c_oflag,
           "TCGETS returns the flags TCSETS set");
    tap_ok(back.c_cc[VMIN] == 0 && back.c_cc[VTIME] == 0 && back.c_cc[VEOF] == t.c_cc[VEOF],
           "TCGETS returns the control characters TCSETS set");
    char buf[16];
    CHECK(read(fd, buf, sizeof(buf)), 0, "raw read with VMIN=0 VTIME=0 returns 0 at once");
    t.c_cc[VTIME] = 2;
    CHECK(ioctl(fd, TCSETSW, &t), 0, "TCSETSW VTIME=2");
    long t0 = now_ms();
    CHECK(read(fd, buf, sizeof(buf)), 0, "raw read with VMIN=0 VTIME=2 times out with 0");
    long dt = now_ms() - t0;
    tap_ok(dt >= 150 && dt < 3000, "... after about 200 ms");
    int n = -1;
    CHECK(ioctl(fd, FIONREAD, &n), 0, "FIONREAD on the console");
    tap_eq_long(n, 0, "FIONREAD: no input pending");
    CHECK(ioctl(fd, TCSETSF, &orig), 0, "TCSETSF restores canonical mode");
    ioctl(fd, TCGETS, &back);
    tap_ok(back.c_lflag == orig.c_lflag, "canonical flags are back");
    CHECK(ioctl(fd, TCGETS, BADPTR), -EFAULT, "TCGETS into a bad pointer fails with EFAULT");
    CHECK(ioctl(fd, TCSETS, BADPTR), -EFAULT, "TCSETS from a bad pointer fails with EFAULT");
    CHECK(ioctl(fd, TCFLSH, TCIFLUSH), 0, "TCFLSH TCIFLUSH");
    CHECK(ioctl(fd, TCFLSH, 7), -EINVAL, "TCFLSH with a bad queue fails with EINVAL");
}

static void misc_tests(int fd)
{
    tap_ok(isatty(fd), "isatty on the console");
    int p[2];
    pipe(p);
    errno = 0;
    tap_ok(!isatty(p[0]) && errno == ENOTTY, "isatty on a pipe is false with ENOTTY");
    struct ktermios t;
    CHECK(ioctl(p[0], TCGETS, &t), -ENOTTY, "TCGETS on a pipe fails with ENOTTY");
    close(p[0]);
    close(p[1]);
    int nul = open("/dev/null", O_RDWR);
    CHECK(ioctl(nul, TCGETS, &t), -ENOTTY, "TCGETS on /dev/null fails with ENOTTY");
    close(nul);
    struct winsize ws, set = { 24, 80, 0, 0 }, orig;
    CHECK(ioctl(fd, TIOCGWINSZ, &orig), 0, "TIOCGWINSZ");
    CHECK(ioctl(fd, TIOCSWINSZ, &set), 0, "TIOCSWINSZ 24x80");
    ioctl(fd, TIOCGWINSZ, &ws);
    tap_ok(ws.ws_row == 24 && ws.ws_col == 80, "TIOCGWINSZ returns what TIOCSWINSZ set");
    ioctl(fd, TIOCSWINSZ, &orig);
    CHECK(ioctl(fd, TIOCGWINSZ, BADPTR), -EFAULT, "TIOCGWINSZ into a bad pointer fails with EFAULT");
    int nb = open("/dev/console", O_RDWR | O_NONBLOCK);
    char c;
    CHECK(read(nb, &c, 1), -EAGAIN, "a non-blocking canonical read without a line gives EAGAIN");
    struct pollfd pf = { nb, POLLIN | POLLOUT, 0 };
    CHECK(poll(&pf, 1, 0), 1, "poll on the console");
    tap_eq_long(pf.revents, POLLOUT, "the console is writable, not readable");
    close(nb);
}

static void ctty_tests(int fd)
{
    int pg;
    CHECK(ioctl(fd, TIOCGPGRP, &pg), -ENOTTY, "TIOCGPGRP without a controlling terminal fails with ENOTTY");
    mknod("/dev/tty", S_IFCHR | 0666, makedev(5, 0));
    CHECK(open("/dev/tty", O_RDWR), -ENXIO, "/dev/tty without a controlling terminal fails with ENXIO");
    CHECK(setsid(), 1, "init becomes a session leader");
    CHECK(ioctl(fd, TIOCSCTTY, 0), 0, "TIOCSCTTY makes the console the controlling terminal");
    pg = 0;
    CHECK(ioctl(fd, TIOCGPGRP, &pg), 0, "TIOCGPGRP");
    tap_eq_long(pg, 1, "the foreground group is init's");
    int sid = 0;
    CHECK(ioctl(fd, TIOCGSID, &sid), 0, "TIOCGSID");
    tap_eq_long(sid, 1, "the terminal's session is init's");
    int t = open("/dev/tty", O_RDWR);
    tap_ok(t >= 0, "/dev/tty opens the controlling terminal");
    tap_ok(isatty(t), "/dev/tty is a terminal");
    close(t);
    pg = 1;
    CHECK(ioctl(fd, TIOCSPGRP, &pg), 0, "TIOCSPGRP to init's own group");
    pg = 99999;
    CHECK(ioctl(fd, TIOCSPGRP, &pg), -ESRCH, "TIOCSPGRP to no such group fails with ESRCH");
    pg = -1;
    CHECK(ioctl(fd, TIOCSPGRP, &pg), -EINVAL, "TIOCSPGRP to a negative group fails with EINVAL");
    CHECK(ioctl(fd, TIOCSPGRP, BADPTR), -EFAULT, "TIOCSPGRP from a bad pointer fails with EFAULT");
}

int main(void)
{
    tap_plan(47);
    int fd = open("/dev/console", O_RDWR);
    tap_ok(fd >= 0, "open /dev/console O_RDWR");
    termios_tests(fd);
    misc_tests(fd);
    ctty_tests(fd);
    tap_finish();
}
