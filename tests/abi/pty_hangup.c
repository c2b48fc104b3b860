// SPDX-License-Identifier: MPL-2.0
// ABI suite: pty hang-ups (session-leader exit, master close) and TIOCSIG on the master.
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

static int sig_fd = -1;         /* where a child's handlers report ('H' SIGHUP, 'C' SIGCONT, 'I' SIGINT, ...) */
static volatile sig_atomic_t got_hup, got_cont;

static void on_sig(int sig)
{
    char c = sig == SIGHUP ? 'H' : sig == SIGCONT ? 'C' : sig == SIGINT ? 'I' : sig == SIGQUIT ? 'Q'
           : sig == SIGTSTP ? 'T' : '?';
    if (sig == SIGHUP)
        got_hup = 1;
    if (sig == SIGCONT)
        got_cont = 1;
    (void)!write(sig_fd, &c, 1);
}

static void catch(int sig)
{
    struct sigaction sa = { .sa_handler = on_sig };
    sigaction(sig, &sa, NULL);
}

/* Read exactly n bytes within 10 s (poll first: a broken kernel must not hang the suite); bytes read. */
static int get_bytes(int fd, char *buf, int n)
{
    int got = 0;
    while (got < n) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 10000) <= 0 || read(fd, buf + got, 1) != 1)
            break;
        got++;
    }
    buf[got] = 0;
    return got;
}

/* One read after up to 5 s for fd to become readable; -ETIMEDOUT if it does not (never blocks for ever). */
static long read_wait(int fd, char *buf, size_t n)
{
    struct pollfd p = { fd, POLLIN, 0 };
    if (poll(&p, 1, 5000) != 1)
        return -ETIMEDOUT;
    return R(read(fd, buf, n));
}

static bool quiet(int fd, int ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, ms) == 0;
}

/* Both bytes a and b arrived in the 2-byte string s, in either order (delivery order is the kernel's). */
static bool pair_of(const char *s, char a, char b)
{
    return strlen(s) == 2 && ((s[0] == a && s[1] == b) || (s[0] == b && s[1] == a));
}

static int new_pty(char *path, size_t size)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) || unlockpt(m))
        return -1;
    snprintf(path, size, "%s", ptsname(m));
    return m;
}

static void setup(void)
{
    mkdir("/dev/pts", 0755);
    CHECK(mount("devpts", "/dev/pts", "devpts", 0, "newinstance,ptmxmode=0666"), 0, "mount devpts on /dev/pts");
    mknod("/dev/ptmx", S_IFCHR | 0666, makedev(5, 2));
    mknod("/dev/tty", S_IFCHR | 0666, makedev(5, 0));
}

/*
 * A child that calls setsid, opens path (its controlling terminal) and forks a
 * grandchild into a new group it makes the foreground group; both report
 * signals on their own pipe. Returns the leader's pid; *gc is the grandchild's.
 */
struct sess { pid_t leader, gc; int lp, gp, go; };

/* The grandchild: after SIGHUP (and SIGCONT when want_cont), check the terminal is gone and report. */
static void grandchild(int fd, int rep, int ready, bool want_cont)
{
    sig_fd = rep;
    catch(SIGHUP);
    catch(SIGCONT);
    catch(SIGINT);
    catch(SIGQUIT);
    catch(SIGTSTP);
    sigset_t hupcont, old;
    sigemptyset(&hupcont);
    sigaddset(&hupcont, SIGHUP);
    sigaddset(&hupcont, SIGCONT);
    sigprocmask(SIG_BLOCK, &hupcont, &old);     /* taken only inside sigsuspend: no lost wake-up */
    char c = 0;
    (void)!read(ready, &c, 1);      /* the leader made our group the foreground */
    (void)!write(rep, "r", 1);
    pid_t leader = getppid();
    while (!got_hup || (want_cont && !got_cont))
        sigsuspend(&old);
    /* Linux signals before it takes the terminal from the session: wait until the leader is gone (re-parented). */
    for (int i = 0; i < 1000 && getppid() == leader; i++)
        usleep(10000);
    int t = open("/dev/tty", O_RDWR);
    pid_t pg = 0;
    char res[4] = {
        t < 0 && errno == ENXIO ? 'x' : 'X',
        ioctl(fd, TIOCGPGRP, &pg) < 0 ? (errno == ENOTTY ? 'p' : errno == EIO ? 'i' : 'P') : 'P',
        tcgetsid(fd) < 0 ? (errno == ENOTTY ? 's' : errno == EIO ? 'i' : 'S') : 'S',
    };
    (void)!write(rep, res, 3);
    _exit(0);
}

static struct sess start_session(int m, const char *path, bool want_cont)
{
    int lp[2], gp[2], go[2], rd[2];
    pipe(lp);
    pipe(gp);
    pipe(go);
    pipe(rd);
    struct sess s = { .lp = lp[0], .gp = gp[0], .go = go[1] };
    s.leader = fork();
    if (s.leader == 0) {
        close(m);   /* the parent's close must be the master's last */
        sig_fd = lp[1];
        catch(SIGHUP);
        catch(SIGCONT);
        setsid();
        int fd = open(path, O_RDWR);
        pid_t g = fork();
        if (g == 0) {
            setpgid(0, 0);
            grandchild(fd, gp[1], rd[0], want_cont);
        }
        setpgid(g, g);
        signal(SIGTTOU, SIG_IGN);
        int ok = fd >= 0 && tcsetpgrp(fd, g) == 0;
        (void)!write(rd[1], "g", 1);
        (void)!write(lp[1], ok ? "r" : "e", 1);
        (void)!write(lp[1], &g, sizeof(g));
        char c = 0;
        while (read(go[0], &c, 1) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(lp[1]);
    close(gp[1]);
    close(go[0]);
    close(rd[0]);
    close(rd[1]);
    char buf[4];
    tap_ok(get_bytes(s.lp, buf, 1) == 1 && buf[0] == 'r', "the leader opened its terminal and set a foreground group");
    tap_ok(read(s.lp, &s.gc, sizeof(s.gc)) == sizeof(s.gc) && s.gc > 0, "... and reports the grandchild's pid");
    tap_ok(get_bytes(s.gp, buf, 1) == 1 && buf[0] == 'r', "the grandchild is ready in the foreground group");
    return s;
}

static void end_session(struct sess *s)
{
    close(s->lp);
    close(s->gp);
    close(s->go);
    int st;
    while (waitpid(-1, &st, WNOHANG) > 0)
        ;
}

/* The session leader exits: its foreground group gets SIGHUP and loses the terminal. */
static void leader_exit(void)
{
    char path[32], buf[8];
    int m = new_pty(path, sizeof(path));
    tap_ok(m >= 0, "open a pty");
    struct sess s = start_session(m, path, false);
    int v = 0;
    CHECK(ioctl(m, TIOCGPGRP, &v), 0, "TIOCGPGRP on the master");
    tap_eq_long(v, s.gc, "... names the foreground group");
    CHECK(ioctl(m, TIOCGSID, &v), 0, "TIOCGSID on the master");
    tap_eq_long(v, s.leader, "... names the leader's session");
    (void)!write(s.go, "x", 1);
    int st = 0;
    waitpid(s.leader, &st, 0);
    tap_ok(WIFEXITED(st), "the session leader exits");
    tap_ok(get_bytes(s.gp, buf, 1) == 1 && buf[0] == 'H', "its exit sends SIGHUP to the foreground group");
    tap_ok(get_bytes(s.gp, buf, 3) == 3, "the grandchild reports");
    tap_ok(buf[0] == 'x', "... open(/dev/tty) fails with ENXIO after the leader's exit");
    tap_ok(buf[1] == 'p', "... TIOCGPGRP on the old terminal fails with ENOTTY");
    tap_ok(buf[2] == 's', "... tcgetsid on the old terminal fails with ENOTTY");
    CHECK(ioctl(m, TIOCGSID, &v), -ENOTTY, "the terminal has no session any more");
    v = -1;
    CHECK(ioctl(m, TIOCGPGRP, &v), 0, "TIOCGPGRP on the master");
    tap_eq_long(v, 0, "... reports no foreground group");
    end_session(&s);
    close(m);
}

/*
 * The master closes: the slave is hung up. Its session leader gets SIGHUP and
 * SIGCONT (the foreground group nothing yet); when the leader then exits, the
 * group that was in the foreground gets SIGHUP and SIGCONT.
 */
static void master_close(void)
{
    char path[32], buf[8];
    int m = new_pty(path, sizeof(path));
    tap_ok(m >= 0, "open a pty");
    int s = open(path, O_RDWR | O_NOCTTY);
    tap_ok(s >= 0, "open its slave (not as a controlling terminal)");
    struct sess ss = start_session(m, path, true);
    CHECK(write(m, "abc\r", 4), 4, "the master writes a line");
    struct pollfd p = { s, POLLIN, 0 };
    tap_ok(poll(&p, 1, 10000) == 1, "... the slave has it buffered");
    close(m);
    tap_ok(get_bytes(ss.lp, buf, 2) == 2 && pair_of(buf, 'H', 'C'), "master close: the session leader gets SIGHUP and SIGCONT");
    tap_ok(quiet(ss.gp, 300), "... the foreground group gets nothing yet");
    tap_eq_long(read_wait(s, buf, sizeof(buf)), 0, "a hung-up slave reads 0 (EOF), buffered input discarded");
    tap_eq_long(read_wait(s, buf, sizeof(buf)), 0, "... again");
    CHECK(write(s, "x", 1), -EIO, "a hung-up slave write fails with EIO");
    struct termios tio;
    CHECK(tcgetattr(s, &tio), -EIO, "TCGETS on a hung-up slave fails with EIO");
    int v = 0;
    CHECK(ioctl(s, TIOCSPGRP, &v), -ENOTTY, "TIOCSPGRP on a hung-up slave fails with ENOTTY");
    p.events = POLLIN | POLLOUT;
    p.revents = 0;
    tap_ok(poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLOUT | POLLHUP | POLLERR)) == (POLLIN | POLLOUT | POLLHUP | POLLERR),
           "poll on a hung-up slave: POLLIN, POLLOUT, POLLHUP and POLLERR");
    tap_ok(!isatty(s), "a hung-up slave is no longer a terminal for isatty");
    CHECK(open(path, O_RDWR | O_NOCTTY), -ENOENT, "the slave's node is gone");
    (void)!write(ss.go, "x", 1);
    int st = 0;
    waitpid(ss.leader, &st, 0);
    tap_ok(WIFEXITED(st), "the session leader exits");
    tap_ok(get_bytes(ss.gp, buf, 2) == 2 && pair_of(buf, 'H', 'C'),
           "then the group that was in the foreground gets SIGHUP and SIGCONT");
    tap_ok(get_bytes(ss.gp, buf, 3) == 3, "the grandchild reports");
    tap_ok(buf[0] == 'x', "... open(/dev/tty) fails with ENXIO after the hang-up");
    tap_ok(buf[1] == 'i' && buf[2] == 'i', "... TIOCGPGRP and tcgetsid on the hung-up terminal fail with EIO");
    close(s);
    end_session(&ss);
}

/* Packet mode: a termios change on a slave in EXTPROC mode is reported as TIOCPKT_IOCTL. */
static void packet_ioctl(int m, int s)
{
    int one = 1;
    char buf[8];
    CHECK(ioctl(m, TIOCPKT, &one), 0, "TIOCPKT on");
    struct termios t;
    tcgetattr(s, &t);
    t.c_lflag ^= ECHOE;
    CHECK(tcsetattr(s, TCSANOW, &t), 0, "a termios change without EXTPROC");
    tap_ok(quiet(m, 200), "... is not reported to a packet-mode master");
    t.c_lflag |= EXTPROC;
    CHECK(tcsetattr(s, TCSANOW, &t), 0, "the slave sets EXTPROC");
    tap_ok(read_wait(m, buf, sizeof(buf)) == 1 && buf[0] == TIOCPKT_IOCTL, "... the master reads TIOCPKT_IOCTL");
    t.c_lflag &= ~(tcflag_t)EXTPROC;
    CHECK(tcsetattr(s, TCSANOW, &t), 0, "the slave clears EXTPROC");
    tap_ok(read_wait(m, buf, sizeof(buf)) == 1 && buf[0] == TIOCPKT_IOCTL, "... reported as TIOCPKT_IOCTL too");
    int zero = 0;
    ioctl(m, TIOCPKT, &zero);
}

/* TIOCSIG on the master signals the slave's foreground group. */
static void tiocsig(void)
{
    char path[32], buf[8];
    int m = new_pty(path, sizeof(path));
    tap_ok(m >= 0, "open a pty");
    CHECK(ioctl(m, TIOCSIG, SIGINT), 0, "TIOCSIG with no foreground group succeeds");
    struct sess ss = start_session(m, path, false);
    CHECK(ioctl(m, TIOCSIG, SIGINT), 0, "TIOCSIG SIGINT on the master");
    tap_ok(get_bytes(ss.gp, buf, 1) == 1 && buf[0] == 'I', "... the foreground group gets SIGINT");
    CHECK(ioctl(m, TIOCSIG, SIGQUIT), 0, "TIOCSIG SIGQUIT on the master");
    tap_ok(get_bytes(ss.gp, buf, 1) == 1 && buf[0] == 'Q', "... the foreground group gets SIGQUIT");
    CHECK(ioctl(m, TIOCSIG, SIGTSTP), 0, "TIOCSIG SIGTSTP on the master");
    tap_ok(get_bytes(ss.gp, buf, 1) == 1 && buf[0] == 'T', "... the foreground group gets SIGTSTP");
    tap_ok(quiet(ss.lp, 200), "the leader, outside the foreground group, gets nothing");
    CHECK(ioctl(m, TIOCSIG, 0), -EINVAL, "TIOCSIG 0 fails with EINVAL");
    CHECK(ioctl(m, TIOCSIG, 65), -EINVAL, "TIOCSIG 65 fails with EINVAL");
    CHECK(ioctl(m, TIOCSIG, -1), -EINVAL, "TIOCSIG -1 fails with EINVAL");
    CHECK(ioctl(m, TIOCSIG, SIGUSR1), -EINVAL, "TIOCSIG SIGUSR1 fails with EINVAL (only SIGINT, SIGQUIT, SIGTSTP)");
    int s = open(path, O_RDWR | O_NOCTTY);
    CHECK(ioctl(s, TIOCSIG, SIGINT), -ENOTTY, "TIOCSIG on the slave fails with ENOTTY");
    packet_ioctl(m, s);
    close(s);
    int nul = open("/dev/null", O_RDWR);
    CHECK(ioctl(nul, TIOCSIG, SIGINT), -ENOTTY, "TIOCSIG on /dev/null fails with ENOTTY");
    close(nul);
    CHECK(ioctl(999, TIOCSIG, SIGINT), -EBADF, "TIOCSIG on a bad fd fails with EBADF");
    kill(ss.gc, SIGKILL);
    (void)!write(ss.go, "x", 1);
    close(m);
    int st;
    waitpid(ss.leader, &st, 0);
    end_session(&ss);
}

int main(void)
{
    tap_plan(66);
    setup();
    leader_exit();
    master_close();
    tiocsig();
    tap_finish();
}
