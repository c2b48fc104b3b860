// SPDX-License-Identifier: MPL-2.0
// ABI suite: POSIX record locks, OFD locks and flock(2): conflicts, splits, merges, release, waits.
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include "fs_test.h"

#define F "/tmp/lockfile"

static int lk(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
    struct flock fl = { .l_type = (short)type, .l_whence = (short)whence, .l_start = start, .l_len = len };
    return (int)R(fcntl(fd, cmd, &fl));
}

/* F_GETLK (or F_OFD_GETLK) for a write lock on [start, start+len): the struct as returned. */
static struct flock getlk(int fd, int cmd, off_t start, off_t len)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
    if (fcntl(fd, cmd, &fl) < 0)
        fl.l_type = -errno;
    return fl;
}

/* Run fn in a child (another lock owner) and hand back what it returned. */
static long child(long (*fn)(long), long arg)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        long v = fn(arg);
        write(p[1], &v, sizeof(v));
        _exit(0);
    }
    long v = -9999;
    read(p[0], &v, sizeof(v));
    waitpid(pid, NULL, 0);
    close(p[0]);
    close(p[1]);
    return v;
}

static int open_f(int flags) { return open(F, flags); }

/* Each runs in a child process, a different lock owner. */
static long x_setlk_wr(long start) { return lk(open_f(O_RDWR), F_SETLK, F_WRLCK, SEEK_SET, start, 1); }
static long x_getlk_start(long start) { return getlk(open_f(O_RDWR), F_GETLK, start, 1).l_start; }
static long x_getlk_len(long start) { return getlk(open_f(O_RDWR), F_GETLK, start, 1).l_len; }
static long x_getlk_type(long start) { return getlk(open_f(O_RDWR), F_GETLK, start, 1).l_type; }
static long x_getlk_pid(long start) { return getlk(open_f(O_RDWR), F_GETLK, start, 1).l_pid; }
static long c_setlk_wr(long start) { return child(x_setlk_wr, start); }
static long c_getlk_start(long start) { return child(x_getlk_start, start); }
static long c_getlk_len(long start) { return child(x_getlk_len, start); }
static long c_getlk_type(long start) { return child(x_getlk_type, start); }
static long c_getlk_pid(long start) { return child(x_getlk_pid, start); }

static void posix_basics(void)
{
    int fd = open(F, O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0, "F_SETLK takes a write lock on [0,10)");
    struct flock g = getlk(fd, F_GETLK, 0, 10);
    tap_eq_long(g.l_type, F_UNLCK, "F_GETLK: the owner's own lock does not conflict");
    tap_eq_long(c_getlk_type(5), F_WRLCK, "F_GETLK from another process reports the write lock");
    tap_eq_long(c_getlk_pid(5), getpid(), "... with l_pid of the holder");
    tap_ok(c_getlk_start(5) == 0 && c_getlk_len(5) == 10, "... and its range");
    tap_eq_long(c_setlk_wr(5), -EAGAIN, "a conflicting F_SETLK fails with EAGAIN");
    tap_eq_long(c_setlk_wr(10), 0, "a lock past the held range succeeds");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 4, 2), 0, "unlocking [4,6) splits the lock");
    tap_eq_long(c_setlk_wr(4), 0, "the hole is free");
    tap_ok(c_getlk_start(7) == 6 && c_getlk_len(7) == 4, "the right part is [6,10)");
    tap_ok(c_getlk_start(2) == 0 && c_getlk_len(2) == 4, "the left part is [0,4)");
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 4, 2), 0, "relocking the hole");
    tap_ok(c_getlk_start(7) == 0 && c_getlk_len(7) == 10, "adjacent locks of one type merge into [0,10)");
    CHECK(lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 5), 0, "downgrade [0,5) to a read lock");
    tap_eq_long(c_getlk_type(2), F_RDLCK, "the conflicting lock there is now a read lock");
    tap_eq_long(c_getlk_type(7), F_WRLCK, "[5,10) stays a write lock");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0, "l_len 0 unlocks to end of file");
    tap_eq_long(c_getlk_type(7), F_UNLCK, "nothing is locked any more");
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, -5), 0, "a negative l_len locks the bytes before l_start");
    tap_ok(c_getlk_start(7) == 5 && c_getlk_len(7) == 5, "l_start 10, l_len -5 is [5,10)");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0, "unlock all");
    lseek(fd, 3, SEEK_SET);
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_END, -2, 2), 0, "SEEK_END: lock the last two bytes");
    tap_ok(c_getlk_start(9) == 8 && c_getlk_len(9) == 2, "SEEK_END -2 is [8,10)");
    int other = open(F, O_RDONLY);
    close(other);
    tap_eq_long(c_setlk_wr(9), 0, "closing any descriptor of the file releases the process's locks");
    close(fd);
}

static void bad_args(void)
{
    int fd = open(F, O_RDWR), ro = open(F, O_RDONLY), wo = open(F, O_WRONLY);
    CHECK(fcntl(fd, F_SETLK, BADPTR), -EFAULT, "a bad struct flock pointer fails with EFAULT");
    CHECK(fcntl(fd, F_GETLK, BADPTR), -EFAULT, "F_GETLK with a bad pointer fails with EFAULT");
    CHECK(lk(fd, F_SETLK, 7, SEEK_SET, 0, 1), -EINVAL, "an unknown l_type fails with EINVAL");
    CHECK(lk(fd, F_SETLK, F_WRLCK, 9, 0, 1), -EINVAL, "an unknown l_whence fails with EINVAL");
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), -EINVAL, "a negative start fails with EINVAL");
    CHECK(lk(fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1), -EINVAL, "F_GETLK with F_UNLCK fails with EINVAL");
    CHECK(lk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), -EBADF, "a write lock needs a writable fd (EBADF)");
    CHECK(lk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), -EBADF, "a read lock needs a readable fd (EBADF)");
    CHECK(lk(999, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), -EBADF, "a bad fd fails with EBADF");
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 1, .l_pid = 1 };
    CHECK(fcntl(fd, F_OFD_SETLK, &fl), -EINVAL, "F_OFD_SETLK with a non-zero l_pid fails with EINVAL");
    CHECK(flock(fd, 0), -EINVAL, "flock with no operation fails with EINVAL");
    CHECK(flock(fd, LOCK_SH | LOCK_EX), -EINVAL, "flock with two operations fails with EINVAL");
    CHECK(flock(999, LOCK_SH), -EBADF, "flock on a bad fd fails with EBADF");
    close(fd);
    close(ro);
    close(wo);
}

static void ofd(void)
{
    int a = open(F, O_RDWR), b = open(F, O_RDWR);
    CHECK(lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 0), 0, "F_OFD_SETLK takes a whole-file write lock");
    CHECK(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), -EAGAIN, "another open file description conflicts (EAGAIN)");
    struct flock g = getlk(b, F_OFD_GETLK, 0, 1);
    tap_ok(g.l_type == F_WRLCK && g.l_pid == -1, "F_OFD_GETLK reports the lock with l_pid -1");
    CHECK(lk(b, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), -EAGAIN, "OFD locks conflict with the same process's POSIX locks");
    int d = dup(a);
    close(d);
    CHECK(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), -EAGAIN, "closing a duplicate keeps the OFD lock");
    close(a);
    CHECK(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), 0, "closing the last reference releases it");
    close(b);
}

static void flocks(void)
{
    int a = open(F, O_RDWR), b = open(F, O_RDONLY);
    CHECK(flock(a, LOCK_EX), 0, "flock LOCK_EX");
    CHECK(flock(b, LOCK_EX | LOCK_NB), -EWOULDBLOCK, "a second LOCK_EX|LOCK_NB fails with EWOULDBLOCK");
    CHECK(flock(b, LOCK_SH | LOCK_NB), -EWOULDBLOCK, "LOCK_SH against LOCK_EX fails too");
    tap_eq_long(c_setlk_wr(0), 0, "flock locks do not conflict with POSIX record locks");
    CHECK(flock(a, LOCK_SH), 0, "convert to LOCK_SH");
    CHECK(flock(b, LOCK_SH | LOCK_NB), 0, "shared locks coexist");
    CHECK(flock(a, LOCK_EX | LOCK_NB), -EWOULDBLOCK, "upgrading while another holds LOCK_SH fails");
    CHECK(flock(b, LOCK_UN), 0, "LOCK_UN");
    CHECK(flock(a, LOCK_EX | LOCK_NB), 0, "now the upgrade succeeds");
    close(a);
    CHECK(flock(b, LOCK_EX | LOCK_NB), 0, "closing the holder released its flock lock");
    close(b);
}

/* The holder wrote its "releasing" byte before it exited: true only if we got the lock after that. */
static bool released(int rfd)
{
    struct pollfd pf = { .fd = rfd, .events = POLLIN };
    char c = 0;
    return poll(&pf, 1, 0) == 1 && read(rfd, &c, 1) == 1 && c == 'r';
}

static void on_alarm(int s) { (void)s; }

static void waits(void)
{
    int fd = open(F, O_RDWR);
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        lk(open_f(O_RDWR), F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
        write(p[1], "x", 1);
        usleep(300000);
        write(p[1], "r", 1);    /* "releasing": written before exit drops the lock */
        _exit(0);
    }
    char x;
    read(p[0], &x, 1);
    CHECK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), 0, "F_SETLKW waits for the holder to go away");
    tap_ok(released(p[0]), "... it really waited");
    waitpid(pid, NULL, 0);
    lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);

    pid = fork();
    if (pid == 0) {
        lk(open_f(O_RDWR), F_SETLK, F_WRLCK, SEEK_SET, 0, 0);
        write(p[1], "x", 1);
        pause();
        _exit(0);
    }
    read(p[0], &x, 1);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    /* Periodic, so that a tick landing before F_SETLKW blocks cannot leave it blocked for ever. */
    struct itimerval it = { { 0, 100000 }, { 0, 100000 } }, off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), -EINTR, "a signal interrupts F_SETLKW (EINTR)");
    setitimer(ITIMER_REAL, &off, NULL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);

    /* Deadlock: we hold byte 0 and want byte 1; the child holds byte 1 and waits for byte 0. */
    CHECK(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), 0, "lock byte 0");
    pid = fork();
    if (pid == 0) {
        int cfd = open_f(O_RDWR);
        lk(cfd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
        write(p[1], "x", 1);
        int r = lk(cfd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
        _exit(r == 0 ? 0 : r == -EDEADLK ? 2 : 1);
    }
    read(p[0], &x, 1);
    usleep(200000);
    /*
     * Normally the child is blocked by now and our request closes the cycle. Under load the
     * child may not have blocked yet: then we block, its request closes the cycle and gets
     * EDEADLK, it exits and we get byte 1. Either way exactly one side sees EDEADLK and the
     * other gets its lock.
     */
    int r = lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);
    tap_ok(r == -EDEADLK || r == 0, "a wait cycle fails with EDEADLK");
    CHECK(lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), 0, "release byte 0");
    int st = -1;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == (r == 0 ? 2 : 0), "the waiting child then got its lock");

    int a = open(F, O_RDWR);
    pid = fork();
    if (pid == 0) {
        flock(open_f(O_RDWR), LOCK_EX);
        write(p[1], "x", 1);
        usleep(300000);
        write(p[1], "r", 1);
        _exit(0);
    }
    read(p[0], &x, 1);
    CHECK(flock(a, LOCK_EX), 0, "a blocking flock waits for the holder to exit");
    tap_ok(released(p[0]), "... it really waited");
    waitpid(pid, NULL, 0);
    close(a);
    close(fd);
}

int main(void)
{
    tap_plan(62);
    posix_basics();
    bad_args();
    ofd();
    flocks();
    waits();
    unlink(F);
    tap_finish();
}
