// SPDX-License-Identifier: MPL-2.0
// ABI suite: AF_UNIX socketpair (stream, seqpacket, dgram), I/O, SCM_RIGHTS, shutdown, options, poll.
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "fs_test.h"

static void create_args(void)
{
    int sv[2];
    CHECK(socket(AF_INET6 + 100, SOCK_STREAM, 0), -EAFNOSUPPORT, "an unknown family fails with EAFNOSUPPORT");
    CHECK(socket(AF_UNIX, 99, 0), -EINVAL, "an unknown type fails with EINVAL");
    CHECK(socket(AF_UNIX, SOCK_STREAM | 0x10000, 0), -EINVAL, "an unknown type flag fails with EINVAL");
    CHECK(socket(AF_UNIX, SOCK_STREAM, 7), -EPROTONOSUPPORT, "a protocol other than 0 fails with EPROTONOSUPPORT");
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    tap_ok(s >= 0, "socket(AF_UNIX, SOCK_STREAM) succeeds");
    tap_eq_long(fcntl(s, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "SOCK_CLOEXEC sets FD_CLOEXEC");
    tap_eq_long(fcntl(s, F_GETFL) & O_NONBLOCK, O_NONBLOCK, "SOCK_NONBLOCK sets O_NONBLOCK");
    tap_eq_long(fcntl(s, F_GETFL) & O_ACCMODE, O_RDWR, "a socket is O_RDWR");
    struct stat st;
    CHECK(fstat(s, &st), 0, "fstat on a socket");
    tap_ok(S_ISSOCK(st.st_mode), "a socket is S_IFSOCK");
    char buf[8];
    CHECK(write(s, "x", 1), -ENOTCONN, "write on an unconnected stream socket fails with ENOTCONN");
    CHECK(read(s, buf, 1), -EINVAL, "read on an unconnected stream socket fails with EINVAL");
    CHECK(shutdown(s, SHUT_RD), 0, "shutdown of an unconnected stream socket succeeds (as Linux)");
    close(s);
    s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(send(s, "x", 1, 0), -ENOTCONN, "send on an unconnected seqpacket socket fails with ENOTCONN");
    CHECK(recv(s, buf, 1, 0), -ENOTCONN, "recv on an unconnected seqpacket socket fails with ENOTCONN");
    close(s);
    CHECK(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, BADPTR), -EFAULT, "socketpair with a bad pointer fails with EFAULT");
    CHECK(socketpair(AF_UNIX, 42, 0, sv), -EINVAL, "socketpair with a bad type fails with EINVAL");
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 3, sv), -EPROTONOSUPPORT, "socketpair with a protocol fails with EPROTONOSUPPORT");
    int p[2];
    pipe(p);
    CHECK(send(p[1], "x", 1, 0), -ENOTSOCK, "send on a pipe fails with ENOTSOCK");
    CHECK(recv(p[0], buf, 1, MSG_DONTWAIT), -ENOTSOCK, "recv on a pipe fails with ENOTSOCK");
    CHECK(shutdown(p[0], SHUT_RD), -ENOTSOCK, "shutdown on a pipe fails with ENOTSOCK");
    close(p[0]);
    close(p[1]);
    CHECK(send(999, "x", 1, 0), -EBADF, "send on a closed fd fails with EBADF");
    CHECK(recv(-1, buf, 1, 0), -EBADF, "recv on fd -1 fails with EBADF");
}

static void stream_io(void)
{
    int sv[2];
    char buf[64];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0, "socketpair(SOCK_STREAM)");
    tap_eq_long(fcntl(sv[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "socketpair honours SOCK_CLOEXEC");
    CHECK(write(sv[0], "hello", 5), 5, "write to a stream socket");
    CHECK(write(sv[0], "world", 5), 5, "a second write");
    memset(buf, 0, sizeof(buf));
    CHECK(recv(sv[1], buf, 3, MSG_PEEK), 3, "MSG_PEEK returns data");
    CHECK(read(sv[1], buf, sizeof(buf)), 10, "a stream read merges writes");
    tap_ok(memcmp(buf, "helloworld", 10) == 0, "bytes come out in order");
    CHECK(write(sv[1], "back", 4), 4, "the other direction works");
    CHECK(read(sv[0], buf, sizeof(buf)), 4, "read on the first end");
    CHECK(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN, "MSG_DONTWAIT on an empty socket gives EAGAIN");
    char a[] = "vec", b[] = "tor";
    struct iovec wv[2] = { { a, 3 }, { b, 3 } };
    CHECK(writev(sv[0], wv, 2), 6, "writev on a socket");
    char r1[2], r2[4];
    struct iovec rv[2] = { { r1, 2 }, { r2, 4 } };
    CHECK(readv(sv[1], rv, 2), 6, "readv on a socket");
    tap_ok(memcmp(r1, "ve", 2) == 0 && memcmp(r2, "ctor", 4) == 0, "readv scatters socket data");
    CHECK(write(sv[0], BADPTR, 4), -EFAULT, "write from a bad pointer fails with EFAULT");
    write(sv[0], "z", 1);
    CHECK(read(sv[1], BADPTR, 4), -EFAULT, "read into a bad pointer fails with EFAULT");
    CHECK(read(sv[1], buf, 1), 1, "the data is still there after EFAULT");
    CHECK(send(sv[0], "abc", 3, 0), 3, "send");
    CHECK(recvfrom(sv[1], buf, 2, 0, NULL, NULL), 2, "recvfrom a part");
    CHECK(recv(sv[1], buf, 10, 0), 1, "the rest follows");
    CHECK(lseek(sv[0], 0, SEEK_SET), -ESPIPE, "lseek on a socket fails with ESPIPE");
    char link[64], path[64];
    struct stat st;
    fstat(sv[0], &st);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", sv[0]);
    long n = readlink(path, link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    char want[64];
    snprintf(want, sizeof(want), "socket:[%lu]", (unsigned long)st.st_ino);
    tap_ok(strcmp(link, want) == 0, "/proc/self/fd shows socket:[ino]");
    close(sv[0]);
    close(sv[1]);
}

static void seqpacket_io(void)
{
    int sv[2];
    char buf[64];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0, "socketpair(SOCK_SEQPACKET | SOCK_CLOEXEC)");
    CHECK(write(sv[0], "one", 3), 3, "write a record");
    CHECK(write(sv[0], "second", 6), 6, "write another record");
    CHECK(read(sv[1], buf, sizeof(buf)), 3, "a read returns one record");
    struct msghdr mh = { 0 };
    struct iovec iov = { buf, 2 };
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    CHECK(recvmsg(sv[1], &mh, 0), 2, "a short buffer takes part of a record");
    tap_ok(mh.msg_flags & MSG_TRUNC, "truncation sets MSG_TRUNC in msg_flags");
    CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN, "the rest of a truncated record is gone");
    CHECK(send(sv[0], "", 0, 0), 0, "an empty record can be sent");
    CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0, "and is received as a 0-length record");
    CHECK(send(sv[0], "abcdef", 6, 0), 6, "send a record");
    CHECK(recv(sv[1], buf, 2, MSG_TRUNC), 6, "MSG_TRUNC returns the real record length");
    close(sv[1]);
    CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL), -EPIPE, "send after the peer closed fails with EPIPE");
    close(sv[0]);
}

static void dgram_io(void)
{
    int sv[2];
    char buf[64];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0, "socketpair(SOCK_DGRAM)");
    CHECK(send(sv[0], "d1", 2, 0), 2, "send a datagram");
    CHECK(send(sv[0], "dgram2", 6, 0), 6, "send another");
    CHECK(recv(sv[1], buf, sizeof(buf), 0), 2, "datagram boundaries are kept");
    CHECK(recv(sv[1], buf, 3, MSG_TRUNC), 6, "MSG_TRUNC returns the datagram length");
    CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN, "empty after reading both");
    close(sv[0]);
    CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN, "a closed dgram peer is no EOF (EAGAIN)");
    CHECK(send(sv[1], "x", 1, 0), -ECONNREFUSED, "send to a closed dgram peer fails with ECONNREFUSED");
    close(sv[1]);
}

static int sigpipes;
static void on_pipe(int sig) { (void)sig; sigpipes++; }

static void shutdown_eof(void)
{
    int sv[2];
    char buf[16];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[0], "tail", 4);
    CHECK(shutdown(sv[0], SHUT_WR), 0, "shutdown(SHUT_WR)");
    CHECK(read(sv[1], buf, sizeof(buf)), 4, "data sent before shutdown is read");
    CHECK(read(sv[1], buf, sizeof(buf)), 0, "then EOF");
    signal(SIGPIPE, on_pipe);
    CHECK(write(sv[0], "x", 1), -EPIPE, "write after SHUT_WR fails with EPIPE");
    tap_eq_long(sigpipes, 1, "and raises SIGPIPE");
    CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL), -EPIPE, "MSG_NOSIGNAL: EPIPE");
    tap_eq_long(sigpipes, 1, "without SIGPIPE");
    CHECK(shutdown(sv[0], 7), -EINVAL, "shutdown with a bad how fails with EINVAL");
    CHECK(write(sv[1], "ok", 2), 2, "the other direction still works");
    CHECK(read(sv[0], buf, sizeof(buf)), 2, "and is read");
    CHECK(shutdown(sv[0], SHUT_RD), 0, "shutdown(SHUT_RD)");
    CHECK(read(sv[0], buf, sizeof(buf)), 0, "read after SHUT_RD returns EOF");
    CHECK(send(sv[1], "x", 1, MSG_NOSIGNAL), -EPIPE, "the peer of a SHUT_RD socket gets EPIPE");
    close(sv[0]);
    close(sv[1]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    CHECK(read(sv[0], buf, sizeof(buf)), 0, "read after the peer closed returns EOF");
    CHECK(write(sv[0], "x", 1), -EPIPE, "write after the peer closed fails with EPIPE");
    tap_eq_long(sigpipes, 2, "and raises SIGPIPE");
    signal(SIGPIPE, SIG_DFL);
    close(sv[0]);
}

/* Send fds with SCM_RIGHTS; returns sendmsg's result. */
static long send_fds(int s, const int *fds, int n, const char *data)
{
    char cbuf[CMSG_SPACE(sizeof(int) * 4)];
    struct iovec iov = { (void *)data, strlen(data) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                         .msg_controllen = CMSG_SPACE(sizeof(int) * n) };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
    return R(sendmsg(s, &mh, 0));
}

static void scm_rights(void)
{
    int sv[2], p[2];
    char buf[16], cbuf[CMSG_SPACE(sizeof(int) * 4)];
    CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0, "socketpair for SCM_RIGHTS");
    pipe(p);
    tap_eq_long(send_fds(sv[0], &p[1], 1, "fd"), 2, "sendmsg with one SCM_RIGHTS fd");
    close(p[1]);
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
    CHECK(recvmsg(sv[1], &mh, MSG_CMSG_CLOEXEC), 2, "recvmsg gets the data");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    tap_ok(cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS, "an SCM_RIGHTS message arrives");
    tap_eq_long(cm ? (long)cm->cmsg_len : 0, CMSG_LEN(sizeof(int)), "its length is CMSG_LEN(one int)");
    tap_eq_long(mh.msg_controllen, CMSG_SPACE(sizeof(int)), "msg_controllen is what was used");
    int nfd = -1;
    if (cm)
        memcpy(&nfd, CMSG_DATA(cm), sizeof(int));
    tap_ok(nfd >= 0 && nfd != sv[0] && nfd != sv[1], "a new descriptor was installed");
    tap_eq_long(fcntl(nfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "MSG_CMSG_CLOEXEC sets FD_CLOEXEC");
    CHECK(write(nfd, "pipe", 4), 4, "the passed pipe end works");
    CHECK(read(p[0], buf, sizeof(buf)), 4, "data written through it arrives");
    close(nfd);
    CHECK(read(p[0], buf, sizeof(buf)), 0, "closing the received end is the last writer gone");
    int bad = 999;
    tap_eq_long(send_fds(sv[0], &bad, 1, "x"), -EBADF, "SCM_RIGHTS with a bad fd fails with EBADF");
    CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -EAGAIN, "and nothing was sent");
    /* Descriptors nobody receives are closed with the socket. */
    pipe(p);
    send_fds(sv[0], &p[1], 1, "y");
    close(p[1]);
    close(sv[1]);
    CHECK(read(p[0], buf, sizeof(buf)), 0, "fds in unread messages are released when the socket closes");
    close(p[0]);
    close(sv[0]);
    /* A control buffer too short for the fds: MSG_CTRUNC and the fd is closed. */
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pipe(p);
    int two[2] = { p[1], p[1] };
    tap_eq_long(send_fds(sv[0], two, 2, "z"), 1, "a stream sendmsg with two fds");
    close(p[1]);
    char small[CMSG_SPACE(sizeof(int))];
    struct msghdr m2 = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = small, .msg_controllen = CMSG_LEN(sizeof(int)) };
    CHECK(recvmsg(sv[1], &m2, 0), 1, "recvmsg with room for one fd");
    tap_ok(m2.msg_flags & MSG_CTRUNC, "MSG_CTRUNC is set");
    cm = CMSG_FIRSTHDR(&m2);
    nfd = -1;
    if (cm && cm->cmsg_type == SCM_RIGHTS)
        memcpy(&nfd, CMSG_DATA(cm), sizeof(int));
    tap_ok(nfd >= 0, "the fd that fits is installed");
    close(nfd);
    CHECK(read(p[0], buf, sizeof(buf)), 0, "the one that did not fit was closed");
    close(p[0]);
    CHECK(syscall(SYS_sendmsg, sv[0], BADPTR, 0), -EFAULT, "sendmsg with a bad msghdr fails with EFAULT");
    CHECK(syscall(SYS_recvmsg, sv[1], BADPTR, 0), -EFAULT, "recvmsg with a bad msghdr fails with EFAULT");
    close(sv[0]);
    close(sv[1]);
}

static void options(void)
{
    int sv[2], v;
    socklen_t len = sizeof(v);
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len), 0, "getsockopt(SO_TYPE)");
    tap_eq_long(v, SOCK_SEQPACKET, "SO_TYPE is SOCK_SEQPACKET");
    len = sizeof(v);
    getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len);
    tap_eq_long(v, AF_UNIX, "SO_DOMAIN is AF_UNIX");
    len = sizeof(v);
    getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &len);
    tap_eq_long(v, 0, "SO_ERROR is 0");
    struct ucred uc;
    len = sizeof(uc);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &len), 0, "getsockopt(SO_PEERCRED)");
    tap_ok(uc.pid == getpid() && uc.uid == geteuid() && uc.gid == getegid(), "SO_PEERCRED names the creator");
    tap_eq_long(len, sizeof(uc), "SO_PEERCRED length is sizeof(struct ucred)");
    v = 65536;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0, "setsockopt(SO_SNDBUF)");
    len = sizeof(v);
    getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len);
    tap_eq_long(v, 131072, "SO_SNDBUF reads back doubled");
    CHECK(getsockopt(sv[0], SOL_SOCKET, 9999, &v, &len), -ENOPROTOOPT, "an unknown option fails with ENOPROTOOPT");
    CHECK(setsockopt(sv[0], SOL_SOCKET, 9999, &v, sizeof(v)), -ENOPROTOOPT, "setting an unknown option fails with ENOPROTOOPT");
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, BADPTR), -EFAULT, "a bad optlen pointer fails with EFAULT");
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &v, 1), -EINVAL, "a short optval fails with EINVAL");
    v = 1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, sizeof(v)), 0, "setsockopt(SO_PASSCRED)");
    send(sv[0], "c", 1, 0);
    char buf[4], cbuf[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = { buf, sizeof(buf) };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
    CHECK(recvmsg(sv[1], &mh, 0), 1, "recvmsg with SO_PASSCRED");
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    tap_ok(cm && cm->cmsg_type == SCM_CREDENTIALS, "SCM_CREDENTIALS arrives");
    struct ucred got = { 0 };
    if (cm)
        memcpy(&got, CMSG_DATA(cm), sizeof(got));
    tap_ok(got.pid == getpid() && got.uid == getuid(), "it names the sender");
    struct sockaddr_storage ss;
    len = sizeof(ss);
    CHECK(getsockname(sv[0], (struct sockaddr *)&ss, &len), 0, "getsockname on a socketpair end");
    tap_ok(len == sizeof(sa_family_t) && ss.ss_family == AF_UNIX, "an unnamed socket has only its family");
    len = sizeof(ss);
    CHECK(getpeername(sv[0], (struct sockaddr *)&ss, &len), 0, "getpeername on a socketpair end");
    close(sv[0]);
    close(sv[1]);
}

static void poll_states(void)
{
    int sv[2];
    char buf[8];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct pollfd pf = { sv[1], POLLIN | POLLOUT | POLLRDHUP, 0 };
    CHECK(poll(&pf, 1, 0), 1, "poll on a fresh pair");
    tap_eq_long(pf.revents, POLLOUT, "a fresh socket is only writable");
    write(sv[0], "p", 1);
    poll(&pf, 1, 0);
    tap_eq_long(pf.revents, POLLIN | POLLOUT, "data makes it readable");
    read(sv[1], buf, 1);
    shutdown(sv[0], SHUT_WR);
    poll(&pf, 1, 0);
    tap_eq_long(pf.revents, POLLIN | POLLOUT | POLLRDHUP, "peer SHUT_WR gives POLLIN|POLLRDHUP");
    close(sv[0]);
    poll(&pf, 1, 0);
    tap_ok((pf.revents & (POLLHUP | POLLIN | POLLRDHUP)) == (POLLHUP | POLLIN | POLLRDHUP), "peer close gives POLLHUP");
    close(sv[1]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if (fork() == 0) {
        usleep(100000);
        write(sv[0], "late", 4);
        _exit(0);
    }
    pf.fd = sv[1];
    pf.events = POLLIN;
    CHECK(poll(&pf, 1, 30000), 1, "poll wakes when another process writes");
    CHECK(read(sv[1], buf, sizeof(buf)), 4, "and the data is there");
    wait(NULL);
    close(sv[0]);
    close(sv[1]);
}

static void on_alarm(int sig) { (void)sig; }

static void blocking(void)
{
    int sv[2];
    char buf[8];
    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    /* Periodic, so that a tick landing before recv blocks cannot leave it blocked for ever. */
    struct itimerval it = { { 0, 200000 }, { 0, 200000 } }, off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK(recv(sv[1], buf, sizeof(buf), 0), -EINTR, "a blocked recv is interrupted by a signal (EINTR)");
    setitimer(ITIMER_REAL, &off, NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char q[16];
        long n = read(sv[0], q, sizeof(q));
        write(sv[0], q, n > 0 ? n : 0);
        _exit(0);
    }
    CHECK(write(sv[1], "ping", 4), 4, "fork-based client sends");
    memset(buf, 0, sizeof(buf));
    CHECK(read(sv[1], buf, sizeof(buf)), 4, "and gets the echo back");
    tap_ok(memcmp(buf, "ping", 4) == 0, "the echo is intact");
    waitpid(pid, NULL, 0);
    /* MSG_WAITALL gathers several writes. */
    close(sv[0]);
    close(sv[1]);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid = fork();
    if (pid == 0) {
        write(sv[0], "ab", 2);
        usleep(50000);
        write(sv[0], "cd", 2);
        _exit(0);
    }
    CHECK(recv(sv[1], buf, 4, MSG_WAITALL), 4, "MSG_WAITALL waits for the whole buffer");
    waitpid(pid, NULL, 0);
    /* A full buffer blocks / EAGAIN. */
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    static char big[65536];
    long total = 0, n;
    while ((n = write(sv[0], big, sizeof(big))) > 0)
        total += n;
    tap_eq_long(R(n), -EAGAIN, "a full socket buffer gives EAGAIN with O_NONBLOCK");
    tap_ok(total > 0, "some data fitted before");
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    tap_plan(136);
    mkdir("/proc", 0755);
    CHECK(mount("proc", "/proc", "proc", 0, NULL), 0, "mount proc");
    create_args();
    stream_io();
    seqpacket_io();
    dgram_io();
    shutdown_eof();
    scm_rights();
    options();
    poll_states();
    blocking();
    tap_finish();
}
