// SPDX-License-Identifier: MPL-2.0
// ABI suite: AF_UNIX names and connections (bind, listen, connect, accept4, addresses, datagrams by name).
#include <poll.h>
#include <stdio.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include "fs_test.h"

#define SPATH "/tmp/nu.sock"

static socklen_t mkaddr(struct sockaddr_un *a, const char *path, bool abstract)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    if (abstract) {
        strcpy(a->sun_path + 1, path);
        return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path);
    }
    strcpy(a->sun_path, path);
    return offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1;
}

static void bind_paths(void)
{
    struct sockaddr_un a, g;
    socklen_t len = mkaddr(&a, SPATH, false), glen;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(s, (struct sockaddr *)&a, len), 0, "bind to a path");
    struct stat st;
    CHECK(stat(SPATH, &st), 0, "the path exists after bind");
    tap_ok(S_ISSOCK(st.st_mode), "it is an S_IFSOCK node");
    CHECK(bind(s, (struct sockaddr *)&a, len), -EADDRINUSE, "binding again to the same path fails with EADDRINUSE");
    int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(s2, (struct sockaddr *)&a, len), -EADDRINUSE, "binding an existing path fails with EADDRINUSE");
    glen = sizeof(g);
    CHECK(getsockname(s, (struct sockaddr *)&g, &glen), 0, "getsockname of a bound socket");
    tap_eq_long(glen, sizeof(sa_family_t) + strlen(SPATH) + 1, "its length is family + path + NUL");
    tap_ok(strcmp(g.sun_path, SPATH) == 0, "and the path is returned");
    a.sun_family = AF_INET;
    CHECK(bind(s2, (struct sockaddr *)&a, len), -EINVAL, "a wrong family fails with EINVAL");
    CHECK(bind(s2, BADPTR, len), -EFAULT, "a bad address pointer fails with EFAULT");
    CHECK(bind(s2, (struct sockaddr *)&a, 1), -EINVAL, "a too short address fails with EINVAL");
    CHECK(bind(s2, (struct sockaddr *)&a, sizeof(a) + 10), -EINVAL, "a too long address fails with EINVAL");
    close(s2);
    close(s);
    CHECK(stat(SPATH, &st), 0, "the node stays after close");
    unlink(SPATH);
}

static void autobind_abstract(void)
{
    struct sockaddr_un a, g;
    socklen_t glen;
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    sa_family_t fam = AF_UNIX;
    CHECK(bind(s, (struct sockaddr *)&fam, sizeof(fam)), 0, "bind with an empty address autobinds");
    glen = sizeof(g);
    getsockname(s, (struct sockaddr *)&g, &glen);
    tap_eq_long(glen, sizeof(sa_family_t) + 6, "an autobound name is NUL + 5 characters");
    tap_ok(g.sun_path[0] == 0, "it is abstract");
    close(s);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    socklen_t len = mkaddr(&a, "keel-abs", true);
    CHECK(bind(s, (struct sockaddr *)&a, len), 0, "bind to an abstract name");
    int s2 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(s2, (struct sockaddr *)&a, len), -EADDRINUSE, "the same abstract name fails with EADDRINUSE");
    glen = sizeof(g);
    getsockname(s, (struct sockaddr *)&g, &glen);
    tap_eq_long(glen, len, "getsockname returns the abstract name's length");
    close(s);
    CHECK(bind(s2, (struct sockaddr *)&a, len), 0, "an abstract name is free again after close");
    close(s2);
    s = socket(AF_UNIX, SOCK_STREAM, 0);
    glen = sizeof(g);
    CHECK(getsockname(s, (struct sockaddr *)&g, &glen), 0, "getsockname of an unbound socket");
    tap_eq_long(glen, sizeof(sa_family_t), "an unbound socket's name is just the family");
    glen = sizeof(g);
    CHECK(getpeername(s, (struct sockaddr *)&g, &glen), -ENOTCONN, "getpeername unconnected fails with ENOTCONN");
    close(s);
}

static void stream_conn(int type, const char *what)
{
    struct sockaddr_un a, g;
    socklen_t len = mkaddr(&a, "keel-srv", true), glen;
    char buf[32], d[96];
    int l = socket(AF_UNIX, type, 0);
    int c = socket(AF_UNIX, type, 0);
    snprintf(d, sizeof(d), "%s: connect without a listener fails with ECONNREFUSED", what);
    CHECK(connect(c, (struct sockaddr *)&a, len), -ECONNREFUSED, d);
    bind(l, (struct sockaddr *)&a, len);
    snprintf(d, sizeof(d), "%s: connect to a bound non-listener fails with ECONNREFUSED", what);
    CHECK(connect(c, (struct sockaddr *)&a, len), -ECONNREFUSED, d);
    snprintf(d, sizeof(d), "%s: accept before listen fails with EINVAL", what);
    CHECK(accept(l, NULL, NULL), -EINVAL, d);
    snprintf(d, sizeof(d), "%s: listen", what);
    CHECK(listen(l, 4), 0, d);
    int v = 0;
    socklen_t vl = sizeof(v);
    getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl);
    tap_eq_long(v, 1, "SO_ACCEPTCONN is 1 on a listener");
    struct pollfd pf = { l, POLLIN, 0 };
    tap_eq_long(poll(&pf, 1, 0), 0, "a listener without connections is not readable");
    snprintf(d, sizeof(d), "%s: connect to the listener", what);
    CHECK(connect(c, (struct sockaddr *)&a, len), 0, d);
    CHECK(connect(c, (struct sockaddr *)&a, len), -EISCONN, "a second connect fails with EISCONN");
    tap_eq_long(poll(&pf, 1, 0), 1, "a pending connection makes the listener readable");
    CHECK(write(c, "early", 5), 5, "the client can write before accept");
    glen = sizeof(g);
    int s = accept4(l, (struct sockaddr *)&g, &glen, SOCK_CLOEXEC | SOCK_NONBLOCK);
    tap_ok(s >= 0, "accept4 returns a new socket");
    tap_eq_long(glen, sizeof(sa_family_t), "an unnamed client's address is just the family");
    tap_eq_long(fcntl(s, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC, "accept4 honours SOCK_CLOEXEC");
    tap_eq_long(fcntl(s, F_GETFL) & O_NONBLOCK, O_NONBLOCK, "accept4 honours SOCK_NONBLOCK");
    CHECK(read(s, buf, sizeof(buf)), 5, "the early data is there");
    CHECK(write(s, "reply", 5), 5, "the server answers");
    CHECK(read(c, buf, sizeof(buf)), 5, "the client reads it");
    glen = sizeof(g);
    CHECK(getpeername(c, (struct sockaddr *)&g, &glen), 0, "getpeername on the client");
    tap_eq_long(glen, len, "it names the listener");
    glen = sizeof(g);
    getsockname(s, (struct sockaddr *)&g, &glen);
    tap_eq_long(glen, len, "the accepted socket has the listener's name");
    struct ucred uc;
    vl = sizeof(uc);
    CHECK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &vl), 0, "SO_PEERCRED on the accepted socket");
    tap_ok(uc.pid == getpid(), "names the connecting process");
    CHECK(syscall(SYS_accept4, l, NULL, NULL, 0x1234), -EINVAL, "accept4 with bad flags fails with EINVAL");
    fcntl(l, F_SETFL, O_NONBLOCK);
    CHECK(accept(l, NULL, NULL), -EAGAIN, "accept with nothing pending gives EAGAIN on O_NONBLOCK");
    close(s);
    close(c);
    close(l);
}

static void backlog_full(void)
{
    struct sockaddr_un a;
    socklen_t len = mkaddr(&a, "keel-bl", true);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    bind(l, (struct sockaddr *)&a, len);
    listen(l, 0);
    int c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int c3 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(connect(c1, (struct sockaddr *)&a, len), 0, "backlog 0 still takes one connection");
    long r2 = R(connect(c2, (struct sockaddr *)&a, len));
    long r3 = R(connect(c3, (struct sockaddr *)&a, len));
    tap_ok(r2 == -EAGAIN || r3 == -EAGAIN, "a full backlog gives EAGAIN to a non-blocking connect");
    int s = accept(l, NULL, NULL);
    tap_ok(s >= 0, "accept takes the first");
    close(s);
    close(c1);
    close(c2);
    close(c3);
    close(l);
    CHECK(connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, len), -ECONNREFUSED,
          "a closed listener refuses connections");
}

static void fork_server(void)
{
    struct sockaddr_un a;
    unlink(SPATH);
    socklen_t len = mkaddr(&a, SPATH, false);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(l, (struct sockaddr *)&a, len), 0, "bind the server to a path");
    CHECK(listen(l, 8), 0, "listen on it");
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, len) == 0) {
            char q[16];
            write(c, "hello", 5);
            read(c, q, sizeof(q));
        }
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    tap_ok(s >= 0, "a blocking accept returns the forked client's connection");
    char buf[16];
    CHECK(read(s, buf, sizeof(buf)), 5, "the client's data arrives");
    write(s, "x", 1);
    int st;
    waitpid(pid, &st, 0);
    CHECK(read(s, buf, sizeof(buf)), 0, "EOF after the client exits");
    close(s);
    /* Connecting needs write permission on the node. */
    chmod(SPATH, 0755);
    pid = fork();
    if (pid == 0) {
        setuid(65534);
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        _exit(connect(c, (struct sockaddr *)&a, len) < 0 && errno == EACCES ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "connect without write permission fails with EACCES");
    close(l);
    unlink(SPATH);
    mkaddr(&a, "/tmp/nonexistent.sock", false);
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(c, (struct sockaddr *)&a, len), -ENOENT, "connect to a missing path fails with ENOENT");
    put_file("/tmp/plain", "x");
    len = mkaddr(&a, "/tmp/plain", false);
    CHECK(connect(c, (struct sockaddr *)&a, len), -ECONNREFUSED, "connect to a non-socket fails with ECONNREFUSED");
    close(c);
}

static void dgram_names(void)
{
    struct sockaddr_un a, b, g;
    socklen_t la = mkaddr(&a, "keel-da", true), lb = mkaddr(&b, "keel-db", true), glen;
    int s1 = socket(AF_UNIX, SOCK_DGRAM, 0), s2 = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(s1, (struct sockaddr *)&a, la), 0, "bind a datagram socket");
    CHECK(bind(s2, (struct sockaddr *)&b, lb), 0, "bind another");
    CHECK(sendto(s2, "to-a", 4, 0, (struct sockaddr *)&a, la), 4, "sendto by name");
    char buf[16];
    glen = sizeof(g);
    CHECK(recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&g, &glen), 4, "recvfrom gets it");
    tap_eq_long(glen, lb, "recvfrom reports the sender's name length");
    tap_ok(memcmp(g.sun_path, b.sun_path, lb - sizeof(sa_family_t)) == 0, "and the sender's name");
    CHECK(send(s1, "x", 1, 0), -ENOTCONN, "send without a peer fails with ENOTCONN");
    CHECK(connect(s1, (struct sockaddr *)&b, lb), 0, "connect a datagram socket");
    CHECK(send(s1, "back", 4, 0), 4, "send to the default peer");
    CHECK(recv(s2, buf, sizeof(buf), 0), 4, "it arrives");
    glen = sizeof(g);
    CHECK(getpeername(s1, (struct sockaddr *)&g, &glen), 0, "getpeername of a connected datagram socket");
    tap_eq_long(glen, lb, "names the peer");
    struct sockaddr_un z;
    socklen_t lz = mkaddr(&z, "keel-none", true);
    CHECK(sendto(s2, "x", 1, 0, (struct sockaddr *)&z, lz), -ECONNREFUSED, "sendto an unbound name fails with ECONNREFUSED");
    int st = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(sendto(st, "x", 1, 0, (struct sockaddr *)&a, la), -EOPNOTSUPP, "sendto with an address on a stream socket fails with EOPNOTSUPP");
    CHECK(listen(s1, 1), -EOPNOTSUPP, "listen on a datagram socket fails with EOPNOTSUPP");
    close(st);
    /* A sender blocked on a full receiver is woken when the receiver reads. */
    static char blk[4096];
    int r = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un ra;
    socklen_t lr = mkaddr(&ra, "keel-full", true);
    bind(r, (struct sockaddr *)&ra, lr);
    long n, sent = 0;
    while ((n = sendto(s2, blk, sizeof(blk), MSG_DONTWAIT, (struct sockaddr *)&ra, lr)) > 0 && sent < 100000000)
        sent += n;
    tap_eq_long(R(n), -EAGAIN, "a full datagram receiver gives EAGAIN to MSG_DONTWAIT");
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100000);
        for (int i = 0; i < 4; i++)
            recv(r, blk, sizeof(blk), 0);
        _exit(0);
    }
    CHECK(sendto(s2, blk, sizeof(blk), 0, (struct sockaddr *)&ra, lr), sizeof(blk), "a blocked datagram sender resumes after the receiver reads");
    waitpid(pid, NULL, 0);
    close(r);
    close(s1);
    close(s2);
}

int main(void)
{
    tap_plan(100);
    bind_paths();
    autobind_abstract();
    stream_conn(SOCK_STREAM, "stream");
    stream_conn(SOCK_SEQPACKET, "seqpacket");
    backlog_full();
    fork_server();
    dgram_names();
    tap_finish();
}
