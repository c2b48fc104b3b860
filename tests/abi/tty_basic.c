// SPDX-License-Identifier: MPL-2.0
// ABI suite: the console TTY (termios round trips, VMIN/VTIME, window size, FIONREAD, controlling terminal, job control).
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/wait.h>
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
    CHECK(poll(&pf, 1, 5000), 1, "poll on the console (Linux may wait for its output queue to drain)");
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

static volatile int alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

/* Arm SIGALRM in ms milliseconds (then every period ms if not 0), caught by on_alarm with the given sa_flags. */
static void alarm_in(int ms, int period, int flags)
{
    struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = { .it_interval = { 0, period * 1000 }, .it_value = { 0, ms * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void interrupt_tests(int fd)
{
    char buf[8];
    alarms = 0;
    /* Periodic: a first alarm landing before the read blocks (stalled host) would leave it blocked for ever. */
    alarm_in(100, 100, 0);
    long r = read(fd, buf, sizeof(buf));
    r = r < 0 ? -errno : r;
    alarm_in(0, 0, 0);
    tap_eq_long(r, -EINTR, "a signal without SA_RESTART interrupts a blocked TTY read (EINTR)");
    tap_ok(alarms >= 1, "... after its handler ran");
    struct ktermios t, orig;
    ioctl(fd, TCGETS, &orig);
    t = orig;
    t.c_lflag &= ~(unsigned)(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 10;     /* 1 s: the 100 ms alarm lands inside it even on a stalled host */
    ioctl(fd, TCSETS, &t);
    alarms = 0;
    alarm_in(100, 0, SA_RESTART);
    long t0 = now_ms();
    CHECK(read(fd, buf, sizeof(buf)), 0, "with SA_RESTART the read restarts and ends by its VTIME timeout");
    tap_ok(alarms == 1 && now_ms() - t0 >= 900, "... after the handler ran and the full VTIME passed");
    ioctl(fd, TCSETS, &orig);
    signal(SIGALRM, SIG_DFL);
}

/* In the child: move to a new (background) group, ignore a signal if asked, do op; exit with errno or 100. */
static _Noreturn void bg_op(int fd, int op, int ignore)
{
    setpgid(0, 0);
    if (ignore)
        signal(ignore, SIG_IGN);
    struct ktermios t;
    char c;
    long r;
    if (op == 0)
        r = read(fd, &c, 1);
    else if (op == 1)
        r = (ioctl(fd, TCGETS, &t), ioctl(fd, TCSETS, &t));
    else
        r = write(fd, "# background write\n", 19);
    _exit(r < 0 ? errno : 100);
}

/* Wait for pid; 200 + signal if it stopped (then kill it), else its exit status. */
static int bg_result(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, WUNTRACED);
    if (WIFSTOPPED(st)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 200 + WSTOPSIG(st);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

/*
 * Run op in a background group whose parent (a "shell" in init's group)
 * keeps it from being orphaned; children of init never count (as Linux).
 * Returns 200 + the stop signal, the op's errno, or 100 for success.
 */
static int in_background(int fd, int op, int ignore)
{
    pid_t shell = fork();
    if (shell == 0) {
        pid_t job = fork();
        if (job == 0)
            bg_op(fd, op, ignore);
        _exit(bg_result(job));
    }
    return bg_result(shell);
}

/* Job control applies to the terminal's own nodes; /dev/console is exempt from it for reads and writes (as Linux). */
static void background_tests(int cons)
{
    mknod("/dev/ttyS0", S_IFCHR | 0620, makedev(4, 64));
    int fd = open("/dev/ttyS0", O_RDWR | O_NOCTTY);
    tap_ok(fd >= 0, "open /dev/ttyS0, the console's own TTY");
    tap_eq_long(in_background(fd, 0, 0), 200 + SIGTTIN, "a background group reading its terminal is stopped by SIGTTIN");
    tap_eq_long(in_background(fd, 0, SIGTTIN), EIO, "... and gets EIO when it ignores SIGTTIN");
    pid_t orphan = fork();
    if (orphan == 0)
        bg_op(fd, 0, 0);
    tap_eq_long(bg_result(orphan), EIO, "a background read from an orphaned group (parent: init) fails with EIO");
    tap_eq_long(in_background(fd, 1, 0), 200 + SIGTTOU, "a background group setting termios is stopped by SIGTTOU");
    tap_eq_long(in_background(fd, 1, SIGTTOU), 100, "... and succeeds when it ignores SIGTTOU");
    tap_eq_long(in_background(fd, 2, 0), 100, "a background write succeeds without TOSTOP");
    struct ktermios t, orig;
    ioctl(fd, TCGETS, &orig);
    t = orig;
    t.c_lflag |= TOSTOP;
    CHECK(ioctl(fd, TCSETS, &t), 0, "TCSETS TOSTOP");
    tap_eq_long(in_background(fd, 2, 0), 200 + SIGTTOU, "with TOSTOP a background write is stopped by SIGTTOU");
    int nb = open("/dev/console", O_RDWR | O_NONBLOCK);
    tap_eq_long(in_background(nb, 0, 0), EAGAIN, "a background read of /dev/console is not stopped (EAGAIN, non-blocking)");
    tap_eq_long(in_background(nb, 2, 0), 100, "... nor a TOSTOP write to it");
    tap_eq_long(in_background(cons, 1, 0), 200 + SIGTTOU, "... but setting termios through /dev/console stops with SIGTTOU");
    close(nb);
    ioctl(fd, TCSETS, &orig);
    int pg = 0;
    ioctl(fd, TIOCGPGRP, &pg);
    tap_eq_long(pg, 1, "the foreground group is still init's");
    close(fd);
}

int main(void)
{
    tap_plan(64);
    int fd = open("/dev/console", O_RDWR);
    tap_ok(fd >= 0, "open /dev/console O_RDWR");
    termios_tests(fd);
    misc_tests(fd);
    ctty_tests(fd);
    interrupt_tests(fd);
    background_tests(fd);
    tap_finish();
}
