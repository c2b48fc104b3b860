// SPDX-License-Identifier: MPL-2.0
// Permission checks for an unprivileged process: file modes, owners, groups,
// the sticky bit, and the privileged calls (reboot, clock, hostname, mount…).
//
// pid 1 prepares root-owned files, then a child drops to uid/gid 65534 (with
// supplementary group 4242) and reports each result over a pipe, so the
// child's checks appear in this TAP stream.
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define D "/tmp/perm"
#define NOBODY 65534
#define GROUP  4242

static int report_fd;

/* In the child: one result line "<got> <want> <desc>" for the parent. */
static void child_check(long got, long want, const char *desc)
{
	dprintf(report_fd, "%ld %ld %s\n", got, want, desc);
}

#define R(expr) ((expr) < 0 ? -errno : 0)
#define C(expr, want, desc) child_check(R(expr), (want), (desc))

static void prepare(void)
{
	mkdir("/tmp", 01777);
	mount("tmpfs", "/tmp", "tmpfs", 0, 0);
	chmod("/tmp", 01777);
	mkdir(D, 0755);
	close(open(D "/root644", O_CREAT | O_WRONLY, 0644));
	close(open(D "/root600", O_CREAT | O_WRONLY, 0600));
	close(open(D "/group660", O_CREAT | O_WRONLY, 0660));
	chown(D "/group660", 0, GROUP);
	chmod(D "/group660", 0660);      /* past the umask */
	mkdir(D "/groupdir", 0770);
	chown(D "/groupdir", 0, GROUP);
	chmod(D "/groupdir", 0770);
	close(open("/tmp/rootfile", O_CREAT | O_WRONLY, 0666));   /* in sticky /tmp */
	mkdir(D "/mnt", 0755);
}

static void file_checks(void)
{
	C(open(D "/root644", O_WRONLY), -EACCES, "open 0644 root file for writing: EACCES");
	C(open(D "/root600", O_RDONLY), -EACCES, "open 0600 root file for reading: EACCES");
	int fd = open(D "/root644", O_RDONLY);
	C(fd, 0, "open 0644 root file for reading works");
	close(fd);
	C(access(D "/root644", W_OK), -EACCES, "access(W_OK) on 0644 root file: EACCES");
	C(access(D "/root644", R_OK), 0, "access(R_OK) on 0644 root file works");
	C(open(D "/new", O_CREAT | O_WRONLY, 0644), -EACCES, "create in 0755 root dir: EACCES");
	C(mkdir(D "/newdir", 0755), -EACCES, "mkdir in 0755 root dir: EACCES");
	C(unlink(D "/root644"), -EACCES, "unlink in 0755 root dir: EACCES");
	C(rename(D "/root644", D "/moved"), -EACCES, "rename in 0755 root dir: EACCES");
	C(rename(D "/root644", "/tmp/moved"), -EACCES, "rename out of 0755 root dir: EACCES");
	close(open("/tmp/mine", O_CREAT | O_WRONLY, 0600));
	C(link("/tmp/mine", D "/hard"), -EACCES, "link of an own file into 0755 root dir: EACCES");
	C(symlink("x", D "/sym"), -EACCES, "symlink in 0755 root dir: EACCES");
	C(rmdir(D "/mnt"), -EACCES, "rmdir in 0755 root dir: EACCES");
	C(chmod(D "/root644", 0666), -EPERM, "chmod of a root file: EPERM");
	C(chown(D "/root644", NOBODY, NOBODY), -EPERM, "chown of a root file: EPERM");
	C(truncate(D "/root644", 0), -EACCES, "truncate of 0644 root file: EACCES");
	C(unlink("/tmp/rootfile"), -EPERM, "unlink another user's file in sticky /tmp: EPERM");
	fd = open(D "/group660", O_RDWR);
	C(fd, 0, "supplementary group grants rw on a 0660 group file");
	close(fd);
	fd = open(D "/groupdir/mine", O_CREAT | O_WRONLY, 0600);
	C(fd, 0, "supplementary group grants create in a 0770 group dir");
	close(fd);
	C(mknod("/tmp/fifo", S_IFIFO | 0600, 0), 0, "mknod of a FIFO is allowed");
	C(mknod("/tmp/null2", S_IFCHR | 0666, makedev(1, 3)), -EPERM,
	  "mknod of a character device: EPERM");
	C(chmod("/tmp/mine", 0644), 0, "chmod of an own file works");
}

static void privileged_checks(void)
{
	struct timespec ts;
	struct timeval tv;
	struct rlimit rl;

	C(reboot(RB_POWER_OFF), -EPERM, "reboot: EPERM");
	C(sethostname("evil", 4), -EPERM, "sethostname: EPERM");
	C(setdomainname("evil", 4), -EPERM, "setdomainname: EPERM");
	clock_gettime(CLOCK_REALTIME, &ts);
	C(clock_settime(CLOCK_REALTIME, &ts), -EPERM, "clock_settime: EPERM");
	gettimeofday(&tv, 0);
	C(settimeofday(&tv, 0), -EPERM, "settimeofday: EPERM");
	C(mount("tmpfs", D "/mnt", "tmpfs", 0, 0), -EPERM, "mount: EPERM");
	C(umount2("/tmp", 0), -EPERM, "umount: EPERM");
	C(chroot("/tmp"), -EPERM, "chroot: EPERM");
	C(kill(1, 0), -EPERM, "kill(1, 0) of a root process: EPERM");
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_max = rl.rlim_max == RLIM_INFINITY ? RLIM_INFINITY : rl.rlim_max + 1;
	rl.rlim_cur = rl.rlim_max;
	C(rl.rlim_max == RLIM_INFINITY ? -EPERM : setrlimit(RLIMIT_NOFILE, &rl), -EPERM,
	  "raising a hard limit: EPERM");
	C(setuid(0), -EPERM, "setuid(0): EPERM");
}

static void child(int wr)
{
	gid_t g = GROUP;

	report_fd = wr;
	if (setgroups(1, &g) || setgid(NOBODY) || setuid(NOBODY)) {
		child_check(-errno, 0, "drop to uid 65534");
		_exit(1);
	}
	file_checks();
	privileged_checks();
	_exit(0);
}

/* Turn the child's lines into TAP results; returns how many. */
static int relay(int rd)
{
	char buf[8192];
	size_t len = 0;
	ssize_t n;
	int count = 0;

	while (len < sizeof(buf) - 1 && (n = read(rd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(0, "\n")) {
		long got, want;
		int off = 0;

		if (sscanf(line, "%ld %ld %n", &got, &want, &off) >= 2 && off > 0) {
			tap_eq_long(got, want, line + off);
			count++;
		}
	}
	return count;
}

int main(void)
{
	int p[2], st = -1;
	pid_t pid;

	tap_plan(36);
	prepare();
	if (pipe(p) < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child(p[1]);
	}
	close(p[1]);
	tap_eq_long(relay(p[0]), 33, "the unprivileged child reported every check");
	tap_eq_long(waitpid(pid, &st, 0), pid, "child reaped");
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exited cleanly");
	tap_finish();
}
