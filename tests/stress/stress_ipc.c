// SPDX-License-Identifier: MPL-2.0
// IPC phases: pipes with many writers (atomic checksummed records) and AF_UNIX sockets under load.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "stress.h"

#define PIPE_WRITERS 3
#define SOCK_PATH    "/tmp/stress.sock"

/* One pipe record: smaller than PIPE_BUF, so writers never interleave inside one. */
struct record {
	uint32_t writer, seq, sum;
	uint8_t payload[500];
};

static void pipe_writer(int fd, uint32_t w, int n)
{
	struct record r = { .writer = w };

	for (int k = 0; k < n; k++) {
		r.seq = (uint32_t)k;
		fill_pattern(r.payload, sizeof(r.payload), w * 100003u + (uint32_t)k);
		r.sum = checksum(r.payload, sizeof(r.payload));
		if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
	}
	_exit(0);
}

/* PIPE_WRITERS writers into one pipe; this process reads and checks every record. */
static int pipe_worker(int i)
{
	int p[2], n = 150 * cfg.scale, bad = 0;
	uint32_t next[PIPE_WRITERS] = { 0 };
	pid_t w[PIPE_WRITERS];
	struct record r;

	if (pipe(p))
		return -1;
	for (int k = 0; k < PIPE_WRITERS; k++) {
		w[k] = fork();
		if (w[k] == 0) {
			close(p[0]);
			pipe_writer(p[1], (uint32_t)(i * PIPE_WRITERS + k), n);
		}
	}
	close(p[1]);
	while (read_full(p[0], &r, sizeof(r)) == 0) {
		uint32_t k = r.writer - (uint32_t)(i * PIPE_WRITERS);

		if (k >= PIPE_WRITERS || r.seq != next[k]++ ||
		    r.sum != checksum(r.payload, sizeof(r.payload)))
			bad = 1;
	}
	close(p[0]);
	for (int k = 0; k < PIPE_WRITERS; k++)
		if (w[k] <= 0 || wait_status(w[k]) != 0 || next[k] != (uint32_t)n)
			bad = 1;
	return bad ? -1 : 0;
}

bool phase_pipes(void)
{
	return run_workers(pipe_worker);
}

/* Serve one stream connection: length-prefixed blocks in, their checksums out, until EOF. */
static int echo_sums(int fd)
{
	static uint8_t buf[32768];
	uint32_t len;

	while (read_full(fd, &len, sizeof(len)) == 0) {
		if (len > sizeof(buf) || read_full(fd, buf, len))
			return -1;
		uint32_t sum = checksum(buf, len);

		if (write_full(fd, &sum, sizeof(sum)))
			return -1;
	}
	return 0;
}

/* Send blocks of growing size through a stream socket; each must come back as its checksum. */
static int send_blocks(int fd, int seed, int blocks)
{
	static uint8_t buf[32768];

	for (int k = 0; k < blocks; k++) {
		uint32_t len = (uint32_t)(1 + (k * 7919 + seed * 131) % sizeof(buf)), sum;

		fill_pattern(buf, len, (uint32_t)(seed + k));
		if (write_full(fd, &len, sizeof(len)) || write_full(fd, buf, len) ||
		    read_full(fd, &sum, sizeof(sum)) || sum != checksum(buf, len))
			return -1;
	}
	return 0;
}

/* Messages through a SOCK_SEQPACKET or SOCK_DGRAM pair keep their boundaries and contents. */
static int message_pair(int type, int seed)
{
	int sv[2], n = 40 * cfg.scale, bad = 0;
	uint8_t buf[2048];

	if (socketpair(AF_UNIX, type, 0, sv))
		return -1;
	pid_t p = fork();

	if (p == 0) {
		close(sv[0]);
		for (int k = 0; k < n; k++) {
			size_t len = (size_t)(k * 37 % 2000 + 8);

			fill_pattern(buf, len, (uint32_t)(seed + k));
			if (send(sv[1], buf, len, 0) != (ssize_t)len)
				_exit(1);
		}
		_exit(0);
	}
	close(sv[1]);
	for (int k = 0; k < n && !bad; k++) {
		size_t len = (size_t)(k * 37 % 2000 + 8);
		uint8_t want[2048];
		ssize_t r = recv(sv[0], buf, sizeof(buf), 0);

		fill_pattern(want, len, (uint32_t)(seed + k));
		bad = r != (ssize_t)len || memcmp(buf, want, len);
	}
	close(sv[0]);
	return p > 0 && wait_status(p) == 0 && !bad ? 0 : -1;
}

/* A socketpair echo child, messages both ways, then connections to the shared listener. */
static int unix_worker(int i)
{
	int sv[2], bad;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	pid_t p = fork();

	if (p == 0) {
		close(sv[0]);
		_exit(echo_sums(sv[1]) ? 1 : 0);
	}
	close(sv[1]);
	bad = send_blocks(sv[0], i, 20 * cfg.scale);
	close(sv[0]);
	if (p < 0 || wait_status(p) != 0 || bad)
		return -1;
	if (message_pair(SOCK_SEQPACKET, i * 7) || message_pair(SOCK_DGRAM, i * 11))
		return -1;
	for (int c = 0; c < 5 * cfg.scale; c++) {
		struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = SOCK_PATH };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    send_blocks(fd, i * 100 + c, 3)) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* The listener: serves exactly `conns` connections one after another. */
static int serve(int lfd, int conns)
{
	for (int c = 0; c < conns; c++) {
		int fd = accept(lfd, 0, 0);

		if (fd < 0 || echo_sums(fd))
			return -1;
		close(fd);
	}
	return 0;
}

bool phase_unix(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = SOCK_PATH };
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);

	unlink(SOCK_PATH);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 64)) {
		close(lfd);
		return false;
	}
	pid_t srv = fork();

	if (srv == 0)
		_exit(serve(lfd, cfg.workers * 5 * cfg.scale) ? 1 : 0);
	close(lfd);
	bool ok = run_workers(unix_worker);

	if (!ok && srv > 0)
		kill(srv, SIGKILL);     /* it would wait for connections that never come */
	ok = srv > 0 && wait_status(srv) == 0 && ok;
	return unlink(SOCK_PATH) == 0 && ok;
}
