// SPDX-License-Identifier: MPL-2.0
// ABI suite: pseudo-terminals (devpts mount options, ptmx, unlock, line discipline round trips, signals, EIO, hang-up).
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "fs_test.h"

/* Read from fd until want bytes came or 30 s of silence; bytes read (the PTY layer may deliver late on Linux). */
static long read_some(int fd, char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 30000) <= 0)
            break;
        long n = read(fd, buf + got, want - got);
        if (n <= 0)
            return got ? (long)got : R(n);
        got += (size_t)n;
    }
    buf[got] = 0;
    return (long)got;
}

static bool quiet(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) == 0;
}

static void mount_tests(void)
{
    mkdir("/dev/pts", 0755);
    CHECK(mount("devpts", "/dev/pts", "devpts", 0, "bogus=1"), -EINVAL, "devpts rejects an unknown option");
    CHECK(mount("devpts", "/dev/pts", "devpts", 0, "mode=abc"), -EINVAL, "devpts rejects a bad mode=");
    CHECK(mount("devpts", "/dev/pts", "devpts", 0, "gid=5,mode=0620,ptmxmode=0666,newinstance"), 0,
          "mount -t devpts -o gid=5,mode=0620,ptmxmode=0666,newinstance");
    struct stat st;
    CHECK(stat("/dev/pts/ptmx", &st), 0, "/dev/pts/ptmx exists");
    tap_ok(S_ISCHR(st.st_mode) && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2 && (st.st_mode & 0777) == 0666,
           "... a character device 5:2 with ptmxmode");
    mknod("/dev/ptmx", S_IFCHR | 0666, makedev(5, 2));
}

static int open_master(int *n)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    tap_ok(m >= 0, "posix_openpt opens /dev/ptmx");
    CHECK(ioctl(m, TIOCGPTN, n), 0, "TIOCGPTN");
    char want[32];
    snprintf(want, sizeof(want), "/dev/pts/%d", *n);
    const char *name = ptsname(m);
    tap_ok(name && strcmp(name, want) == 0, "ptsname names /dev/pts/N");
    return m;
}

static int open_slave(int m, int n)
{
    char path[32];
    snprintf(path, sizeof(path), "/dev/pts/%d", n);
    CHECK(open(path, O_RDWR | O_NOCTTY), -EIO, "the slave cannot be opened while locked");
    int lk = -1;
    CHECK(ioctl(m, TIOCGPTLCK, &lk), 0, "TIOCGPTLCK");
    tap_eq_long(lk, 1, "a new pty starts locked");
    CHECK(grantpt(m), 0, "grantpt");
    CHECK(unlockpt(m), 0, "unlockpt");
    int s = open(path, O_RDWR | O_NOCTTY);
    tap_ok(s >= 0, "the slave opens after unlockpt");
    struct stat st;
    fstat(s, &st);
    tap_ok(S_ISCHR(st.st_mode) && major(st.st_rdev) == 136 && (int)minor(st.st_rdev) == n,
           "the slave is character device 136:N");
    tap_ok((st.st_mode & 0777) == 0620 && st.st_gid == 5, "... with devpts's mode= and gid=");
    tap_ok(isatty(s) && isatty(m), "both ends are terminals");
    return s;
}

static void round_trips(int m, int s)
{
    char buf[64];
    CHECK(write(m, "hello\r", 6), 6, "master write");
    tap_eq_long(read_some(s, buf, 6), 6, "the slave reads a canonical line");
    tap_ok(strcmp(buf, "hello\n") == 0, "... with CR mapped to NL");
    tap_eq_long(read_some(m, buf, 7), 7, "the master reads the echo");
    tap_ok(strcmp(buf, "hello\r\n") == 0, "... with NL sent as CR NL (ONLCR)");
    CHECK(write(s, "out\n", 4), 4, "slave write");
    tap_eq_long(read_some(m, buf, 5), 5, "the master reads slave output");
    tap_ok(strcmp(buf, "out\r\n") == 0, "... as CR NL");
    struct termios t, orig;
    tcgetattr(s, &orig);
    t = orig;
    cfmakeraw(&t);
    CHECK(tcsetattr(s, TCSANOW, &t), 0, "the slave goes raw");
    CHECK(write(m, "a\x03z", 3), 3, "master writes a, ^C, z");
    tap_eq_long(read_some(s, buf, 3), 3, "raw: the slave reads every byte");
    tap_ok(memcmp(buf, "a\x03z", 3) == 0, "... ^C included, no signal");
    tap_ok(quiet(m, 200), "raw: nothing is echoed");
    tcsetattr(s, TCSANOW, &orig);
}

/* One read of the master after up to 30 s for it to become readable (a packet-mode read is one status or data block). */
static long pkt_read(int m, char *buf, size_t size)
{
    struct pollfd p = { m, POLLIN, 0 };
    if (poll(&p, 1, 30000) <= 0)
        return -ETIMEDOUT;
    return R(read(m, buf, size));
}

/* Wait up to 30 s for the slave's POLLOUT to become want (Linux applies master input asynchronously). */
static bool wait_writable(int s, bool want)
{
    for (int i = 0; i < 3000; i++) {
        struct pollfd p = { s, POLLOUT, 0 };
        if ((poll(&p, 1, 0) == 1 && (p.revents & POLLOUT)) == want)
            return true;
        usleep(10000);
    }
    return false;
}

/* The master's termios requests act on the slave's line discipline. */
static void master_termios(int m, int s)
{
    struct termios tm, ts, orig;
    CHECK(tcgetattr(m, &tm), 0, "TCGETS on the master");
    tcgetattr(s, &ts);
    tap_ok(tm.c_lflag == ts.c_lflag && tm.c_iflag == ts.c_iflag && tm.c_oflag == ts.c_oflag,
           "... returns the slave's termios");
    orig = ts;
    tm.c_lflag &= ~(tcflag_t)ECHO;
    CHECK(tcsetattr(m, TCSANOW, &tm), 0, "TCSETS on the master");
    tcgetattr(s, &ts);
    tap_ok(!(ts.c_lflag & ECHO), "... changes the slave's termios");
    tcsetattr(s, TCSANOW, &orig);
}

/* ^S/^Q from the master stop and restart the slave's output (IXON). */
static void flow_control(int m, int s)
{
    char buf[16];
    CHECK(write(m, "\x13", 1), 1, "master writes ^S");
    tap_ok(wait_writable(s, false), "IXON: ^S stops the slave's output (no POLLOUT)");
    int fl = fcntl(s, F_GETFL);
    fcntl(s, F_SETFL, fl | O_NONBLOCK);
    CHECK(write(s, "held", 4), -EAGAIN, "a non-blocking slave write while stopped fails with EAGAIN");
    tap_ok(quiet(m, 200), "nothing reaches the master while stopped");
    CHECK(write(m, "\x11", 1), 1, "master writes ^Q");
    tap_ok(wait_writable(s, true), "IXON: ^Q restarts the slave's output");
    CHECK(write(s, "go", 2), 2, "the slave writes again");
    fcntl(s, F_SETFL, fl);
    tap_eq_long(read_some(m, buf, 2), 2, "the master reads it");
    tap_ok(memcmp(buf, "go", 2) == 0, "... intact");
}

/* TIOCPKT: every master read starts with a status byte. */
static void packet_mode(int m, int s)
{
    int on = 1, off = 0, g = -1;
    char buf[16];
    CHECK(ioctl(m, TIOCPKT, &on), 0, "TIOCPKT on");
    CHECK(ioctl(m, TIOCGPKT, &g), 0, "TIOCGPKT");
    tap_eq_long(g, 1, "... reports packet mode");
    CHECK(ioctl(m, TIOCPKT, BADPTR), -EFAULT, "TIOCPKT from a bad pointer fails with EFAULT");
    write(s, "pk", 2);
    tap_eq_long(pkt_read(m, buf, sizeof(buf)), 3, "a packet read returns a status byte and the data");
    tap_ok(buf[0] == TIOCPKT_DATA && memcmp(buf + 1, "pk", 2) == 0, "... TIOCPKT_DATA first");
    tcflush(s, TCIFLUSH);
    tap_eq_long(pkt_read(m, buf, sizeof(buf)), 1, "a slave input flush gives a status read");
    tap_eq_long(buf[0], TIOCPKT_FLUSHREAD, "... TIOCPKT_FLUSHREAD");
    tcflush(s, TCOFLUSH);
    pkt_read(m, buf, sizeof(buf));
    tap_eq_long(buf[0], TIOCPKT_FLUSHWRITE, "a slave output flush: TIOCPKT_FLUSHWRITE");
    tcflow(s, TCOOFF);
    struct pollfd p = { m, POLLPRI, 0 };
    tap_ok(poll(&p, 1, 30000) == 1 && (p.revents & POLLPRI), "a pending status makes the master POLLPRI");
    pkt_read(m, buf, sizeof(buf));
    tap_eq_long(buf[0], TIOCPKT_STOP, "TCOOFF on the slave: TIOCPKT_STOP");
    tcflow(s, TCOON);
    pkt_read(m, buf, sizeof(buf));
    tap_eq_long(buf[0], TIOCPKT_START, "TCOON: TIOCPKT_START");
    struct termios t, orig;
    tcgetattr(s, &orig);
    t = orig;
    t.c_iflag &= ~(tcflag_t)IXON;
    tcsetattr(s, TCSANOW, &t);
    pkt_read(m, buf, sizeof(buf));
    tap_eq_long(buf[0], TIOCPKT_NOSTOP, "IXON off: TIOCPKT_NOSTOP");
    tcsetattr(s, TCSANOW, &orig);
    pkt_read(m, buf, sizeof(buf));
    tap_eq_long(buf[0], TIOCPKT_DOSTOP, "IXON back on: TIOCPKT_DOSTOP");
    CHECK(ioctl(m, TIOCPKT, &off), 0, "TIOCPKT off");
    write(s, "np", 2);
    tap_eq_long(read_some(m, buf, 2), 2, "reads have no status byte again");
    tap_ok(memcmp(buf, "np", 2) == 0, "... only the data");
}

/* TIOCSTI: root may push input into any terminal; others only into their controlling terminal. */
static void sti(int m, int s)
{
    char buf[16];
    CHECK(ioctl(s, TIOCSTI, "q"), 0, "root TIOCSTI on the slave");
    CHECK(ioctl(s, TIOCSTI, "\n"), 0, "... twice");
    tap_eq_long(read_some(s, buf, 2), 2, "the slave reads the pushed input");
    tap_ok(memcmp(buf, "q\n", 2) == 0, "... as typed");
    read_some(m, buf, 3);       /* the echo */
    CHECK(ioctl(s, TIOCSTI, BADPTR), -EFAULT, "TIOCSTI from a bad pointer fails with EFAULT");
    CHECK(ioctl(m, TIOCSTI, "w"), 0, "root TIOCSTI on the master");
    tap_eq_long(read_some(m, buf, 1), 1, "the master reads its pushed byte");
    tap_eq_long(buf[0], 'w', "... the byte");
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(65534))
            _exit(99);
        _exit(ioctl(s, TIOCSTI, "x") == -1 && errno == EPERM ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "TIOCSTI by a non-root non-owner fails with EPERM");
}

static void master_side(int m, int s)
{
    master_termios(m, s);
    flow_control(m, s);
    packet_mode(m, s);
    sti(m, s);
}

/* A child in a new session whose controlling terminal is the slave; what it does after it says ready. */
static pid_t ctty_child(int n, int ready, int sig_exit)
{
    pid_t pid = fork();
    if (pid == 0) {
        char path[32];
        snprintf(path, sizeof(path), "/dev/pts/%d", n);
        setsid();
        int fd = open(path, O_RDWR);
        int pg = 0;
        ioctl(fd, TIOCGPGRP, &pg);
        if (sig_exit)
            signal(sig_exit, _exit);
        char ok = pg == getpid() ? 'y' : 'n';
        (void)!write(ready, &ok, 1);
        for (;;)
            pause();
    }
    return pid;
}

static void signal_tests(int m, int n)
{
    int p[2];
    char c = 0, buf[16];
    pipe(p);
    pid_t pid = ctty_child(n, p[1], 0);
    read(p[0], &c, 1);
    tap_ok(c == 'y', "a session leader opening the slave makes it its controlling terminal (foreground group)");
    CHECK(write(m, "\x03", 1), 1, "master writes ^C");
    int st = 0;
    waitpid(pid, &st, 0);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "^C sends SIGINT to the slave's foreground group");
    tap_eq_long(read_some(m, buf, 2), 2, "... and echoes");
    tap_ok(memcmp(buf, "^C", 2) == 0, "... as ^C");
    pid = ctty_child(n, p[1], SIGWINCH);
    read(p[0], &c, 1);
    struct winsize ws = { 33, 101, 0, 0 };
    CHECK(ioctl(m, TIOCSWINSZ, &ws), 0, "TIOCSWINSZ on the master");
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == SIGWINCH, "... sends SIGWINCH to the slave's foreground group");
    close(p[0]);
    close(p[1]);
}

static int hup_fd = -1;
static void on_hup(int sig) { (void)!write(hup_fd, sig == SIGHUP ? "H" : "?", 1); _exit(0); }

/* TIOCGSID/TIOCGPGRP through the master, TIOCSCTTY stealing, and the session leader's exit. */
static void session_tests(int m, int n)
{
    int p[2], v = -1;
    char c = 0, path[32];
    snprintf(path, sizeof(path), "/dev/pts/%d", n);
    CHECK(ioctl(m, TIOCGSID, &v), -ENOTTY, "TIOCGSID on the master of a terminal of no session fails with ENOTTY");
    CHECK(ioctl(m, TIOCGPGRP, &v), 0, "TIOCGPGRP on the master of a terminal of no session");
    tap_eq_long(v, 0, "... reports no group (0)");
    CHECK(ioctl(m, TIOCNOTTY), -ENOTTY, "TIOCNOTTY on a master fails with ENOTTY");
    pipe(p);
    pid_t a = ctty_child(n, p[1], SIGUSR1);
    read(p[0], &c, 1);
    CHECK(ioctl(m, TIOCGSID, &v), 0, "TIOCGSID on the master");
    tap_eq_long(v, a, "... is the slave's session");
    CHECK(ioctl(m, TIOCGPGRP, &v), 0, "TIOCGPGRP on the master");
    tap_eq_long(v, a, "... is the slave's foreground group");
    CHECK(ioctl(m, TIOCGSID, BADPTR), -EFAULT, "TIOCGSID into a bad pointer fails with EFAULT");
    int s = open(path, O_RDWR | O_NOCTTY);
    CHECK(ioctl(s, TIOCGSID, &v), -ENOTTY, "TIOCGSID on a slave that is not the caller's terminal fails with ENOTTY");
    pid_t b = fork();
    if (b == 0) {
        setsid();
        if (setuid(65534))
            _exit(99);
        _exit(ioctl(s, TIOCSCTTY, 1) == -1 && errno == EPERM ? 0 : 1);
    }
    int st = 0;
    waitpid(b, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "TIOCSCTTY 1 by a non-root leader fails with EPERM");
    b = fork();
    if (b == 0) {
        setsid();
        int r0 = ioctl(s, TIOCSCTTY, 0) == -1 && errno == EPERM;
        int r1 = ioctl(s, TIOCSCTTY, 1) == 0;
        (void)!write(p[1], r0 && r1 ? "y" : "n", 1);
        for (;;)
            pause();
    }
    read(p[0], &c, 1);
    tap_ok(c == 'y', "TIOCSCTTY 0 fails with EPERM while another session owns it; root steals it with 1");
    ioctl(m, TIOCGSID, &v);
    tap_eq_long(v, b, "the master reports the new session");
    kill(b, SIGKILL);
    kill(a, SIGUSR1);
    waitpid(b, &st, 0);
    waitpid(a, &st, 0);
    close(s);
    /* A leader with a grandchild in its foreground group exits: the group gets SIGHUP. */
    int h[2], go[2];
    pipe(h);
    pipe(go);
    pid_t l = fork();
    if (l == 0) {
        setsid();
        int fd = open(path, O_RDWR);
        if (fork() == 0) {
            hup_fd = h[1];
            signal(SIGHUP, on_hup);
            (void)!write(p[1], "g", 1);
            for (;;)
                pause();
        }
        read(go[0], &c, 1);
        _exit(fd >= 0 ? 0 : 1);
    }
    read(p[0], &c, 1);
    ioctl(m, TIOCGSID, &v);
    tap_eq_long(v, l, "the leader's session owns the slave");
    write(go[1], "x", 1);
    waitpid(l, &st, 0);
    struct pollfd pf = { h[0], POLLIN, 0 };
    c = 0;
    tap_ok(poll(&pf, 1, 10000) == 1 && read(h[0], &c, 1) == 1 && c == 'H',
           "the session leader's exit sends SIGHUP to the foreground group");
    CHECK(ioctl(m, TIOCGSID, &v), -ENOTTY, "the terminal has no session after its leader exited");
    while (waitpid(-1, &st, WNOHANG) > 0)
        ;
    close(h[0]);
    close(h[1]);
    close(go[0]);
    close(go[1]);
    close(p[0]);
    close(p[1]);
}

static void error_tests(int m, int s, int n)
{
    struct winsize back;
    CHECK(ioctl(s, TIOCGWINSZ, &back), 0, "TIOCGWINSZ on the slave");
    tap_ok(back.ws_row == 33 && back.ws_col == 101, "... returns what the master set");
    CHECK(ioctl(m, TIOCGPTN, BADPTR), -EFAULT, "TIOCGPTN into a bad pointer fails with EFAULT");
    CHECK(ioctl(m, TIOCSPTLCK, BADPTR), -EFAULT, "TIOCSPTLCK from a bad pointer fails with EFAULT");
    CHECK(ioctl(m, 0x54ff, 0), -ENOTTY, "an unknown ioctl on the master fails with ENOTTY");
    int nul = open("/dev/null", O_RDWR);
    unsigned x;
    CHECK(ioctl(nul, TIOCGPTN, &x), -ENOTTY, "TIOCGPTN on /dev/null fails with ENOTTY");
    close(nul);
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    tap_ok(peer >= 0 && isatty(peer), "TIOCGPTPEER opens the slave");
    CHECK(write(peer, "bye\n", 4), 4, "write through the peer fd");
    close(peer);
    close(s);
    char buf[16];
    tap_eq_long(read_some(m, buf, 5), 5, "after the slave closes, the master still reads pending output");
    CHECK(read(m, buf, sizeof(buf)), -EIO, "then the master read fails with EIO");
    char path[32];
    snprintf(path, sizeof(path), "/dev/pts/%d", n);
    s = open(path, O_RDWR | O_NOCTTY);
    tap_ok(s >= 0, "the slave can be opened again");
    close(m);
    CHECK(read(s, buf, sizeof(buf)), 0, "after the master closes, a slave read returns 0 (hang-up)");
    CHECK(write(s, "x", 1), -EIO, "... and a slave write fails with EIO");
    close(s);
    struct stat st;
    CHECK(stat(path, &st), -ENOENT, "the /dev/pts node is gone with its master");
}

static long ptn_of(int m)
{
    int n = -1;
    return ioctl(m, TIOCGPTN, &n) ? -errno : n;
}

/* Every devpts mount is its own instance (Linux >= 4.7): own indexes, own ptmx, own options. */
static void instances(void)
{
    mkdir("/tmp", 01777);
    mkdir("/tmp/pi", 0755);
    CHECK(mount("tmpfs", "/tmp/pi", "tmpfs", 0, NULL), 0, "mount a tmpfs for two devpts instances");
    mkdir("/tmp/pi/a", 0755);
    mkdir("/tmp/pi/b", 0755);
    CHECK(mount("devpts", "/tmp/pi/a", "devpts", 0, "ptmxmode=0666"), 0, "mount devpts instance a");
    CHECK(mount("devpts", "/tmp/pi/b", "devpts", 0, "newinstance,max=1,mode=0604,uid=1234,gid=4321,ptmxmode=0666"), 0,
          "mount devpts instance b with max=1,mode=0604,uid=1234,gid=4321");
    struct stat sa, sb, sp;
    int ma = open("/tmp/pi/a/ptmx", O_RDWR | O_NOCTTY), mb = open("/tmp/pi/b/ptmx", O_RDWR | O_NOCTTY);
    tap_ok(ma >= 0 && mb >= 0, "each instance's ptmx opens");
    tap_eq_long(ptn_of(ma), 0, "instance a allocates index 0 (the /dev/pts pty is elsewhere)");
    tap_eq_long(ptn_of(mb), 0, "instance b allocates index 0 too");
    CHECK(open("/tmp/pi/b/ptmx", O_RDWR | O_NOCTTY), -ENOSPC, "max=1: a second pty in b fails with ENOSPC");
    int ma2 = open("/tmp/pi/a/ptmx", O_RDWR | O_NOCTTY);
    tap_eq_long(ptn_of(ma2), 1, "a second pty in a gets index 1");
    CHECK(stat("/tmp/pi/a/1", &sa), 0, "its node appears in a");
    CHECK(stat("/tmp/pi/b/1", &sb), -ENOENT, "and not in b");
    CHECK(stat("/dev/pts/1", &sp), -ENOENT, "nor in /dev/pts");
    CHECK(stat("/tmp/pi/a/0", &sa), 0, "stat a/0");
    CHECK(stat("/tmp/pi/b/0", &sb), 0, "stat b/0");
    tap_ok(sa.st_dev != sb.st_dev, "the instances are different file systems");
    tap_ok(sa.st_mode == (S_IFCHR | 0600) && sa.st_uid == 0 && sa.st_gid == 0,
           "a's slave node: default mode 0600, the opener's uid and gid");
    tap_ok(sb.st_mode == (S_IFCHR | 0604) && sb.st_uid == 1234 && sb.st_gid == 4321,
           "b's slave node: mode=, uid= and gid= applied");
    unlockpt(mb);
    int peer = ioctl(mb, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    tap_ok(peer >= 0 && fstat(peer, &sp) == 0 && sp.st_dev == sb.st_dev && sp.st_ino == sb.st_ino,
           "TIOCGPTPEER opens the slave of the master's own instance");
    char buf[16];
    CHECK(write(mb, "inst\r", 5), 5, "write to b's master");
    tap_eq_long(read_some(peer, buf, 5), 5, "b's slave reads it");
    close(peer);
    unlockpt(ma);
    int sl = open("/tmp/pi/a/0", O_RDWR | O_NOCTTY);
    tap_ok(sl >= 0, "a/0 opens after unlockpt on a's master");
    CHECK(write(sl, "A", 1), 1, "write to a's slave");
    tap_eq_long(read_some(ma, buf, 1), 1, "a's master reads it");
    close(sl);
    CHECK(mount(NULL, "/tmp/pi/a", NULL, MS_REMOUNT, "ptmxmode=0640"), 0, "remount a with ptmxmode=0640");
    CHECK(stat("/tmp/pi/a/ptmx", &sa), 0, "stat a/ptmx");
    tap_eq_long(sa.st_mode, S_IFCHR | 0640, "remount changed the ptmx mode");
    CHECK(mount(NULL, "/tmp/pi/b", NULL, MS_REMOUNT, "max=2,ptmxmode=0666"), 0, "remount b with max=2");
    int mb2 = open("/tmp/pi/b/ptmx", O_RDWR | O_NOCTTY);
    tap_eq_long(ptn_of(mb2), 1, "the raised max= lets b allocate index 1");
    CHECK(stat("/tmp/pi/b/1", &sb), 0, "stat b/1");
    tap_ok(sb.st_mode == (S_IFCHR | 0600) && sb.st_uid == 0, "remount reset mode= and uid= to their defaults");
    CHECK(mount(NULL, "/tmp/pi/b", NULL, MS_REMOUNT, "bogus"), -EINVAL, "remount with a bad option fails with EINVAL");
    close(mb2);
    close(ma2);
    close(ma);
    close(mb);
    CHECK(stat("/tmp/pi/a/0", &sa), -ENOENT, "a node goes with its master");
    CHECK(umount("/tmp/pi/a"), 0, "umount instance a");
    CHECK(umount("/tmp/pi/b"), 0, "umount instance b");
    umount("/tmp/pi");
}

int main(void)
{
    tap_plan(139);
    mount_tests();
    int n = -1;
    int m = open_master(&n);
    int s = open_slave(m, n);
    instances();
    round_trips(m, s);
    master_side(m, s);
    signal_tests(m, n);
    session_tests(m, n);
    error_tests(m, s, n);
    tap_finish();
}
