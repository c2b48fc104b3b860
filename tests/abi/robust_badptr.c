// SPDX-License-Identifier: MPL-2.0
// Bad-pointer sweep: every pointer argument of many syscalls gets NULL, kernel,
// non-canonical, unmapped, read-only (outputs) and page-crossing addresses.
//
// Each case must fail with EFAULT (or what Linux does for that case, noted in
// the table) and change nothing; the kernel must keep running. The other
// arguments of each call are valid, so the bad pointer is the only error.
#include <errno.h>
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <grp.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

/* Argument placeholders resolved at run time (see resolve()). */
enum {
	V_FILE = 0x5eed0001, V_DIR, V_ZERO, V_PIPE_R, V_PIPE_W, V_EPOLL, V_EVENT,
	V_PATH, V_NEWPATH, V_DIRPATH, V_LINKPATH, V_BUF, V_IOV, V_SIGSET,
	V_TS0, V_CWD, V_XNAME, V_CONSOLE,
};

enum kind { IN, OUT, STR };
/* Flags of a pointer argument. */
#define NULL_OK   1   /* NULL is a valid value (e.g. an optional output) */
#define SHORT_OK  2   /* a crossing output may give a count that fits before the fault */

struct ptr { int idx; enum kind kind; int size; int flags; };

struct sweep {
	long nr;
	const char *name;
	uint64_t arg[6];
	struct ptr p[3];
};

#define AT_CWD ((uint64_t)(int64_t)AT_FDCWD)

static const struct sweep table[] = {
	{ SYS_read, "read", { V_ZERO, V_BUF, 16 }, { { 1, OUT, 16, SHORT_OK } } },
	{ SYS_pread64, "pread64", { V_FILE, V_BUF, 16, 0 }, { { 1, OUT, 16, SHORT_OK } } },
	{ SYS_pwrite64, "pwrite64", { V_FILE, V_BUF, 16, 0 }, { { 1, IN, 16, SHORT_OK } } },
	{ SYS_readv, "readv", { V_ZERO, V_IOV, 1 }, { { 1, IN, 16 } } },
	{ SYS_writev, "writev", { V_FILE, V_IOV, 1 }, { { 1, IN, 16 } } },
	{ SYS_preadv, "preadv", { V_FILE, V_IOV, 1, 0 }, { { 1, IN, 16 } } },
	{ SYS_pwritev, "pwritev", { V_FILE, V_IOV, 1, 0 }, { { 1, IN, 16 } } },
	{ SYS_open, "open", { V_PATH, O_RDONLY }, { { 0, STR } } },
	{ SYS_openat, "openat", { AT_CWD, V_PATH, O_RDONLY }, { { 1, STR } } },
	{ SYS_creat, "creat", { V_NEWPATH, 0644 }, { { 0, STR } } },
	{ SYS_stat, "stat", { V_PATH, V_BUF }, { { 0, STR }, { 1, OUT, 144 } } },
	{ SYS_lstat, "lstat", { V_PATH, V_BUF }, { { 0, STR }, { 1, OUT, 144 } } },
	{ SYS_fstat, "fstat", { V_FILE, V_BUF }, { { 1, OUT, 144 } } },
	{ SYS_newfstatat, "newfstatat", { AT_CWD, V_PATH, V_BUF, 0 },
	  { { 1, STR }, { 2, OUT, 144 } } },
	{ SYS_statx, "statx", { AT_CWD, V_PATH, 0, 0xfff, V_BUF },
	  { { 1, STR }, { 4, OUT, 256 } } },
	{ SYS_statfs, "statfs", { V_PATH, V_BUF }, { { 0, STR }, { 1, OUT, 120 } } },
	{ SYS_fstatfs, "fstatfs", { V_FILE, V_BUF }, { { 1, OUT, 120 } } },
	{ SYS_access, "access", { V_PATH, F_OK }, { { 0, STR } } },
	{ SYS_faccessat, "faccessat", { AT_CWD, V_PATH, F_OK }, { { 1, STR } } },
	{ SYS_chdir, "chdir", { V_DIRPATH }, { { 0, STR } } },
	{ SYS_chmod, "chmod", { V_PATH, 0644 }, { { 0, STR } } },
	{ SYS_fchmodat, "fchmodat", { AT_CWD, V_PATH, 0644 }, { { 1, STR } } },
	{ SYS_chown, "chown", { V_PATH, 0, 0 }, { { 0, STR } } },
	{ SYS_lchown, "lchown", { V_PATH, 0, 0 }, { { 0, STR } } },
	{ SYS_fchownat, "fchownat", { AT_CWD, V_PATH, 0, 0, 0 }, { { 1, STR } } },
	{ SYS_truncate, "truncate", { V_PATH, 64 }, { { 0, STR } } },
	{ SYS_mkdir, "mkdir", { V_NEWPATH, 0755 }, { { 0, STR } } },
	{ SYS_mkdirat, "mkdirat", { AT_CWD, V_NEWPATH, 0755 }, { { 1, STR } } },
	{ SYS_rmdir, "rmdir", { V_DIRPATH }, { { 0, STR } } },
	{ SYS_unlink, "unlink", { V_PATH }, { { 0, STR } } },
	{ SYS_unlinkat, "unlinkat", { AT_CWD, V_PATH, 0 }, { { 1, STR } } },
	{ SYS_mknod, "mknod", { V_NEWPATH, S_IFIFO | 0644, 0 }, { { 0, STR } } },
	{ SYS_mknodat, "mknodat", { AT_CWD, V_NEWPATH, S_IFIFO | 0644, 0 }, { { 1, STR } } },
	{ SYS_rename, "rename", { V_PATH, V_NEWPATH }, { { 0, STR }, { 1, STR } } },
	{ SYS_renameat, "renameat", { AT_CWD, V_PATH, AT_CWD, V_NEWPATH },
	  { { 1, STR }, { 3, STR } } },
	{ SYS_renameat2, "renameat2", { AT_CWD, V_PATH, AT_CWD, V_NEWPATH, 0 },
	  { { 1, STR }, { 3, STR } } },
	{ SYS_link, "link", { V_PATH, V_NEWPATH }, { { 0, STR }, { 1, STR } } },
	{ SYS_linkat, "linkat", { AT_CWD, V_PATH, AT_CWD, V_NEWPATH, 0 },
	  { { 1, STR }, { 3, STR } } },
	{ SYS_symlink, "symlink", { V_PATH, V_NEWPATH }, { { 0, STR }, { 1, STR } } },
	{ SYS_symlinkat, "symlinkat", { V_PATH, AT_CWD, V_NEWPATH }, { { 0, STR }, { 2, STR } } },
	{ SYS_readlink, "readlink", { V_LINKPATH, V_BUF, 16 },
	  { { 0, STR }, { 1, OUT, 16 } } },
	{ SYS_readlinkat, "readlinkat", { AT_CWD, V_LINKPATH, V_BUF, 16 },
	  { { 1, STR }, { 2, OUT, 16 } } },
	{ SYS_utimensat, "utimensat", { AT_CWD, V_PATH, V_BUF, 0 },
	  { { 2, IN, 32, NULL_OK } } },
	{ SYS_getcwd, "getcwd", { V_BUF, 16 }, { { 0, OUT, 16 } } },
	{ SYS_getdents64, "getdents64", { V_DIR, V_BUF, 64 }, { { 1, OUT, 64, SHORT_OK } } },
	{ SYS_setxattr, "setxattr", { V_PATH, V_XNAME, V_BUF, 4, 0 },
	  { { 0, STR }, { 1, STR }, { 2, IN, 4 } } },
	{ SYS_getxattr, "getxattr", { V_PATH, V_XNAME, V_BUF, 64 }, { { 0, STR }, { 1, STR } } },
	{ SYS_listxattr, "listxattr", { V_PATH, V_BUF, 64 }, { { 0, STR } } },
	{ SYS_pipe, "pipe", { V_BUF }, { { 0, OUT, 8 } } },
	{ SYS_pipe2, "pipe2", { V_BUF, 0 }, { { 0, OUT, 8 } } },
	{ SYS_poll, "poll", { V_BUF, 1, 0 }, { { 0, IN, 8 } } },
	{ SYS_ppoll, "ppoll", { V_BUF, 1, V_TS0, 0, 8 }, { { 0, IN, 8 }, { 2, IN, 16, NULL_OK } } },
	{ SYS_select, "select", { 4, V_BUF, 0, 0, V_TS0 },
	  { { 1, IN, 8, NULL_OK }, { 4, IN, 16, NULL_OK } } },
	{ SYS_pselect6, "pselect6", { 4, V_BUF, 0, 0, V_TS0, 0 },
	  { { 1, IN, 8, NULL_OK }, { 4, IN, 16, NULL_OK } } },
	{ SYS_epoll_ctl, "epoll_ctl", { V_EPOLL, EPOLL_CTL_MOD, V_EVENT, V_BUF },
	  { { 3, IN, 12 } } },
	{ SYS_epoll_wait, "epoll_wait", { V_EPOLL, V_BUF, 1, 0 }, { { 1, OUT, 12 } } },
	{ SYS_rt_sigaction, "rt_sigaction", { SIGUSR1, V_BUF, V_BUF, 8 },
	  { { 1, IN, 32, NULL_OK }, { 2, OUT, 32, NULL_OK } } },
	{ SYS_rt_sigprocmask, "rt_sigprocmask", { SIG_BLOCK, V_SIGSET, V_BUF, 8 },
	  { { 1, IN, 8, NULL_OK }, { 2, OUT, 8, NULL_OK } } },
	{ SYS_rt_sigpending, "rt_sigpending", { V_BUF, 8 }, { { 0, OUT, 8 } } },
	{ SYS_rt_sigsuspend, "rt_sigsuspend", { V_SIGSET, 8 }, { { 0, IN, 8 } } },
	{ SYS_rt_sigtimedwait, "rt_sigtimedwait", { V_SIGSET, 0, V_TS0, 8 },
	  { { 0, IN, 8 }, { 2, IN, 16, NULL_OK } } },
	{ SYS_sigaltstack, "sigaltstack", { 0, V_BUF }, { { 1, OUT, 24, NULL_OK } } },
	{ SYS_nanosleep, "nanosleep", { V_TS0, 0 }, { { 0, IN, 16 } } },
	{ SYS_clock_nanosleep, "clock_nanosleep", { CLOCK_MONOTONIC, 0, V_TS0, 0 },
	  { { 2, IN, 16 } } },
	{ SYS_clock_gettime, "clock_gettime", { CLOCK_MONOTONIC, V_BUF }, { { 1, OUT, 16 } } },
	{ SYS_clock_getres, "clock_getres", { CLOCK_MONOTONIC, V_BUF },
	  { { 1, OUT, 16, NULL_OK } } },
	{ SYS_gettimeofday, "gettimeofday", { V_BUF, 0 }, { { 0, OUT, 16, NULL_OK } } },
	{ SYS_getitimer, "getitimer", { 0, V_BUF }, { { 1, OUT, 32 } } },
	{ SYS_uname, "uname", { V_BUF }, { { 0, OUT, 390 } } },
	{ SYS_sysinfo, "sysinfo", { V_BUF }, { { 0, OUT, 112 } } },
	{ SYS_times, "times", { V_BUF }, { { 0, OUT, 32, NULL_OK } } },
	{ SYS_getrlimit, "getrlimit", { 7, V_BUF }, { { 1, OUT, 16 } } },
	{ SYS_prlimit64, "prlimit64", { 0, 7, 0, V_BUF }, { { 3, OUT, 16, NULL_OK } } },
	{ SYS_getrusage, "getrusage", { 0, V_BUF }, { { 1, OUT, 144 } } },
	{ SYS_getresuid, "getresuid", { V_BUF, V_BUF, V_BUF }, { { 0, OUT, 4 }, { 2, OUT, 4 } } },
	{ SYS_getresgid, "getresgid", { V_BUF, V_BUF, V_BUF }, { { 1, OUT, 4 } } },
	{ SYS_getgroups, "getgroups", { 4, V_BUF }, { { 1, OUT, 4 } } },
	{ SYS_sched_getaffinity, "sched_getaffinity", { 0, 128, V_BUF }, { { 2, OUT, 128, SHORT_OK } } },
	{ SYS_getrandom, "getrandom", { V_BUF, 16, 0 }, { { 0, OUT, 16, SHORT_OK } } },
	{ SYS_arch_prctl, "arch_prctl", { 0x1003, V_BUF }, { { 1, OUT, 8 } } },
	/* size 1: a crossing futex word would be misaligned (EINVAL first). */
	{ SYS_futex, "futex", { V_BUF, 0, 0x12345, 0, 0, 0 }, { { 0, IN, 1 } } },
	{ SYS_ioctl, "ioctl(FIONREAD)", { V_PIPE_R, 0x541B, V_BUF }, { { 2, OUT, 4 } } },
	{ SYS_ioctl, "ioctl(TCGETS)", { V_CONSOLE, 0x5401, V_BUF }, { { 2, OUT, 60 } } },
	{ SYS_ioctl, "ioctl(TIOCGWINSZ)", { V_CONSOLE, 0x5413, V_BUF }, { { 2, OUT, 8 } } },
	{ SYS_execve, "execve", { V_PATH, V_BUF, 0 }, { { 0, STR }, { 1, IN, 8, NULL_OK } } },
	/* NULL source or type: other errors (ENODEV, EINVAL) come first. */
	{ SYS_mount, "mount", { V_PATH, V_DIRPATH, V_XNAME, 0, 0 },
	  { { 0, STR, 0, NULL_OK }, { 2, STR, 0, NULL_OK } } },
	{ SYS_umount2, "umount2", { V_DIRPATH, 0 }, { { 0, STR } } },
	{ SYS_sethostname, "sethostname", { V_BUF, 4 }, { { 0, IN, 4 } } },
	{ SYS_timerfd_settime, "timerfd_settime", { 0, 0, V_BUF, V_BUF },
	  { { 2, IN, 32 }, { 3, OUT, 32, NULL_OK } } },
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

/* The bad values tried for a pointer. */
enum bad { B_NULL, B_KERNEL, B_NONCANON, B_UNMAPPED, B_READONLY, B_CROSS, B_COUNT };
static const char *const bad_names[B_COUNT] = {
	"NULL", "kernel address", "non-canonical", "unmapped", "read-only", "crossing into unmapped",
};

static struct {
	int file, dir, zero, pipe_r, pipe_w, epoll, event, console, timerfd;
	char *page, *ro, *guard, *unmapped;
} ctx;

static int applies(const struct ptr *p, enum bad b)
{
	if (b == B_NULL)
		return !(p->flags & NULL_OK);
	if (b == B_READONLY)
		return p->kind == OUT;
	if (b == B_CROSS)
		return p->kind == STR || p->size >= 2;
	return 1;
}

/* The bad address for one case; strings and structs end in the guard page. */
static uint64_t bad_value(const struct ptr *p, enum bad b)
{
	switch (b) {
	case B_NULL: return 0;
	case B_KERNEL: return 0xffffffff81000000ull;
	case B_NONCANON: return 0x800000000000ull;
	case B_UNMAPPED: return (uint64_t)ctx.unmapped;
	case B_READONLY: return (uint64_t)ctx.ro;
	default:
		if (p->kind == STR) {
			memset(ctx.guard - 16, 'a', 16);   /* no NUL before the guard */
			return (uint64_t)(ctx.guard - 16);
		}
		return (uint64_t)(ctx.guard - p->size / 2);
	}
}

static uint64_t resolve(uint64_t v)
{
	static char iov_buf[16];
	static struct iovec iov;
	static const struct timespec ts0;
	static sigset_t set;

	switch (v) {
	case V_FILE: return ctx.file;
	case V_DIR: return ctx.dir;
	case V_ZERO: return ctx.zero;
	case V_PIPE_R: return ctx.pipe_r;
	case V_PIPE_W: return ctx.pipe_w;
	case V_EPOLL: return ctx.epoll;
	case V_EVENT: return ctx.event;
	case V_CONSOLE: return ctx.console;
	case V_PATH: return (uint64_t)"/tmp/sweep/file";
	case V_NEWPATH: return (uint64_t)"/tmp/sweep/new";
	case V_DIRPATH: return (uint64_t)"/tmp/sweep/dir";
	case V_LINKPATH: return (uint64_t)"/tmp/sweep/link";
	case V_XNAME: return (uint64_t)"user.sweep";
	case V_BUF: return (uint64_t)ctx.page;
	case V_TS0: return (uint64_t)&ts0;
	case V_SIGSET:
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		return (uint64_t)&set;
	case V_IOV:
		iov.iov_base = iov_buf;
		iov.iov_len = sizeof(iov_buf);
		return (uint64_t)&iov;
	default: return v;
	}
}

static long expected(const struct sweep *s, const struct ptr *p, enum bad b, long got)
{
	/* A crossing buffer of a read-like call: bytes before the fault count. */
	if (b == B_CROSS && (p->flags & SHORT_OK) && got > 0 && got <= p->size / 2)
		return got;
	(void)s;
	return -EFAULT;
}

static void run_case(const struct sweep *s, const struct ptr *p, enum bad b)
{
	uint64_t a[6];
	char desc[160];
	long r;

	for (int i = 0; i < 6; i++)
		a[i] = resolve(s->arg[i]);
	a[p->idx] = bad_value(p, b);
	if (s->nr == SYS_timerfd_settime)
		a[0] = (uint64_t)ctx.timerfd;
	r = syscall(s->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	r = r < 0 ? -errno : r;
	snprintf(desc, sizeof(desc), "%s: arg %d %s -> EFAULT", s->name, p->idx, bad_names[b]);
	tap_eq_long(r, expected(s, p, b, r), desc);
}

static int count_cases(void)
{
	int n = 0;

	for (size_t i = 0; i < NTABLE; i++)
		for (int k = 0; k < 3 && table[i].p[k].kind + table[i].p[k].size; k++)
			for (int b = 0; b < B_COUNT; b++)
				n += applies(&table[i].p[k], b);
	return n;
}

static int setup(void)
{
	char *m = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int p[2];
	struct epoll_event ev = { .events = EPOLLIN };

	if (m == MAP_FAILED)
		return -1;
	ctx.page = m;
	ctx.ro = m + 4096;
	ctx.unmapped = m + 3 * 4096;
	memset(m, 0, 4096);
	if (mprotect(ctx.ro, 4096, PROT_READ) || munmap(ctx.unmapped, 4096))
		return -1;
	ctx.guard = ctx.unmapped;        /* the bytes before it are page 2 (rw) */
	mkdir("/tmp", 01777);
	mount("tmpfs", "/tmp", "tmpfs", 0, 0);
	mkdir("/tmp/sweep", 0755);
	mkdir("/tmp/sweep/dir", 0755);
	ctx.file = open("/tmp/sweep/file", O_CREAT | O_RDWR, 0644);
	if (ctx.file < 0 || write(ctx.file, "0123456789abcdefghijklmnopqrstuv", 32) != 32)
		return -1;
	/* Longer than the 8 bytes a crossing readlink buffer has. */
	symlink("/tmp/sweep/file", "/tmp/sweep/link");
	/* A 15-byte cwd, longer than a crossing getcwd buffer's 8 bytes. */
	if (chdir("/tmp/sweep/dir"))
		return -1;
	/* One supplementary group, so getgroups has something to copy out. */
	gid_t g = 1;
	if (setgroups(1, &g))
		return -1;
	ctx.dir = open("/tmp/sweep", O_RDONLY | O_DIRECTORY);
	ctx.zero = open("/dev/zero", O_RDONLY);
	if (ctx.zero < 0) {
		mknod("/tmp/sweep/zero", S_IFCHR | 0666, makedev(1, 5));
		ctx.zero = open("/tmp/sweep/zero", O_RDONLY);
	}
	if (pipe(p))
		return -1;
	ctx.pipe_r = p[0], ctx.pipe_w = p[1];
	if (write(p[1], "x", 1) != 1)
		return -1;
	ctx.event = eventfd(1, 0);
	ctx.epoll = epoll_create1(0);
	ev.data.fd = ctx.event;
	if (epoll_ctl(ctx.epoll, EPOLL_CTL_ADD, ctx.event, &ev))
		return -1;
	ctx.console = 1;
	ctx.timerfd = (int)syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0);
	return ctx.dir < 0 || ctx.zero < 0 || ctx.epoll < 0 || ctx.timerfd < 0 ? -1 : 0;
}

/* Nothing a failed call touched may have changed. */
static void check_unchanged(void)
{
	struct stat st;
	char buf[40] = { 0 };

	tap_eq_long(pread(ctx.file, buf, sizeof(buf), 0), 32, "sweep: the file still has 32 bytes");
	tap_ok(memcmp(buf, "0123456789abcdefghijklmnopqrstuv", 32) == 0,
	       "sweep: the file's contents are unchanged");
	tap_eq_long(stat("/tmp/sweep/new", &st) < 0 ? -errno : 0, -ENOENT,
		    "sweep: no call created the new path");
	tap_eq_long(stat("/tmp/sweep/dir", &st) < 0 ? -errno : 0, 0,
		    "sweep: the directory still exists");
}

int main(void)
{
	int ok = setup() == 0;

	tap_plan(count_cases() + 5);
	tap_ok(ok, "sweep: set-up (files, pipe, epoll, guard page)");
	if (ok)
		for (size_t i = 0; i < NTABLE; i++)
			for (int k = 0; k < 3 && table[i].p[k].kind + table[i].p[k].size; k++)
				for (int b = 0; b < B_COUNT; b++)
					if (applies(&table[i].p[k], b))
						run_case(&table[i], &table[i].p[k], b);
	check_unchanged();
	tap_finish();
}
