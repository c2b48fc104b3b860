// SPDX-License-Identifier: MPL-2.0
// ABI suite: procfs (self links, stat/status/cmdline/comm, exe, fd/ magic links, global files, statfs).
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include "fs_test.h"

static char buf[8192];

/* Field n (1-based) of /proc/self/stat, after the ")" of comm; -1 if missing. */
static long stat_field(const char *stat, int n)
{
    const char *p = strrchr(stat, ')');
    if (!p || n < 3)
        return -1;
    p += 2;
    for (int i = 3; i < n; i++) {
        p = strchr(p, ' ');
        if (!p)
            return -1;
        p++;
    }
    return *p == '-' || (*p >= '0' && *p <= '9') ? strtol(p, NULL, 10) : (long)(unsigned char)*p;
}

static int count_fields(const char *s)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        n += (*p == ' ' || *p == '\n');
    return n;
}

static void self_files(char **argv)
{
    char path[64], want[64];
    snprintf(want, sizeof(want), "%d", getpid());
    long n = readlink("/proc/self", path, sizeof(path) - 1);
    path[n > 0 ? n : 0] = 0;
    tap_ok(n > 0 && strcmp(path, want) == 0, "/proc/self names the caller's pid");
    tap_ok(get_file("/proc/self/stat", buf, sizeof(buf)) > 0, "read /proc/self/stat");
    tap_eq_long(strtol(buf, NULL, 10), getpid(), "stat field 1 is the pid");
    tap_eq_long(count_fields(buf), 52, "stat has 52 fields");
    tap_eq_long(stat_field(buf, 3), 'R', "stat state of the reader is R");
    tap_eq_long(stat_field(buf, 4), getppid(), "stat field 4 is the ppid");
    tap_eq_long(stat_field(buf, 5), getpgrp(), "stat field 5 is the process group");
    tap_eq_long(stat_field(buf, 6), getsid(0), "stat field 6 is the session");
    tap_eq_long(stat_field(buf, 7), 0, "stat tty_nr is 0 without a controlling tty");
    tap_ok(stat_field(buf, 23) > 0, "stat vsize is positive");
    tap_ok(stat_field(buf, 24) > 0, "stat rss is positive");
    long start = stat_field(buf, 22);
    tap_ok(get_file("/proc/uptime", want, sizeof(want)) > 0, "read /proc/uptime");
    tap_ok(start >= 0 && start <= (long)(atof(want) * 100) + 1, "starttime (ticks) is not after uptime");
    tap_ok(get_file("/proc/self/status", buf, sizeof(buf)) > 0, "read /proc/self/status");
    snprintf(want, sizeof(want), "\nPid:\t%d\n", getpid());
    tap_ok(strstr(buf, want) != NULL, "status Pid line");
    snprintf(want, sizeof(want), "\nPPid:\t%d\n", getppid());
    tap_ok(strstr(buf, want) != NULL, "status PPid line");
    tap_ok(strstr(buf, "\nUid:\t0\t0\t0\t0\n") && strstr(buf, "\nThreads:\t1\n") && strstr(buf, "\nVmRSS:"),
           "status Uid, Threads and VmRSS lines");
    n = get_file("/proc/self/cmdline", buf, sizeof(buf));
    tap_ok(n == (long)strlen(argv[0]) + 1 && strcmp(buf, argv[0]) == 0, "cmdline is argv, NUL-terminated");
    tap_ok(get_file("/proc/self/comm", buf, sizeof(buf)) > 0 && strcmp(buf, "init\n") == 0, "comm is init");
    CHECK(put_file("/proc/self/comm", "renamed"), 0, "write comm");
    tap_ok(get_file("/proc/self/comm", buf, sizeof(buf)) > 0 && strcmp(buf, "renamed\n") == 0, "comm changed");
    n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    tap_ok(strcmp(buf, "/init") == 0, "exe links to /init");
    long cg = get_file("/proc/self/cgroup", buf, sizeof(buf));
    /* Linux hides the v2 line until cgroup2 is mounted somewhere. */
    tap_ok(cg == 0 || (cg > 0 && strstr(buf, "0::/") != NULL), "cgroup is readable, with a 0::/ line if any");
    n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
    tap_ok(n == 1 && buf[0] == '/', "cwd links to /");
    CHECK(put_file("/proc/self/oom_score_adj", "100"), 0, "write oom_score_adj");
    tap_ok(get_file("/proc/self/oom_score_adj", buf, sizeof(buf)) > 0 && strcmp(buf, "100\n") == 0,
           "oom_score_adj reads back");
}

static void fd_links(void)
{
    char path[64], link[64];
    CHECK(put_file("/tmp/pf", "0123456789"), 0, "create /tmp/pf");
    int fd = open("/tmp/pf", O_RDONLY);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    long n = readlink(path, link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    tap_ok(strcmp(link, "/tmp/pf") == 0, "fd/N links to the open file's path");
    CHECK(read(fd, link, 4), 4, "advance the first descriptor");
    int fd2 = open(path, O_RDONLY);
    tap_ok(fd2 >= 0, "open /proc/self/fd/N");
    struct stat a, b;
    tap_ok(fstat(fd, &a) == 0 && fstat(fd2, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev,
           "it opens the same file");
    CHECK(read(fd2, link, 2), 2, "read through the reopened file");
    tap_ok(memcmp(link, "01", 2) == 0, "a reopened fd/N is a new description with its own offset");
    CHECK(unlink("/tmp/pf"), 0, "unlink the file");
    int fd3 = open(path, O_RDONLY);
    tap_ok(fd3 >= 0, "fd/N still opens after unlink (a magic link)");
    close(fd3);
    close(fd2);
    close(fd);
    int p[2];
    CHECK(pipe(p), 0, "pipe");
    struct stat ps;
    fstat(p[0], &ps);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
    n = readlink(path, link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = 0;
    char want[64];
    snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)ps.st_ino);
    tap_ok(strcmp(link, want) == 0, "a pipe's link is pipe:[ino]");
    close(p[1]);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
    CHECK(readlink(path, link, sizeof(link)), -ENOENT, "a closed fd has no link");
    close(p[0]);
    int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    tap_ok(dfd >= 0, "open /proc/self/fd as a directory");
    struct statfs sf;
    tap_ok(fstatfs(dfd, &sf) == 0 && sf.f_type == 0x9fa0, "fstatfs on it gives PROC_SUPER_MAGIC");
    char dents[4096];
    long got = syscall(SYS_getdents64, dfd, dents, sizeof(dents));
    int names = 0;
    for (long off = 0; off < got;) {
        unsigned short reclen = *(unsigned short *)(dents + off + 16);
        const char *name = dents + off + 19;
        names += strcmp(name, "0") == 0 || strcmp(name, "1") == 0 || strcmp(name, "2") == 0;
        off += reclen;
    }
    tap_eq_long(names, 3, "getdents of fd/ lists 0, 1 and 2");
    close(dfd);
}

static void globals(void)
{
    tap_ok(get_file("/proc/meminfo", buf, sizeof(buf)) > 0 && strncmp(buf, "MemTotal:", 9) == 0,
           "meminfo starts with MemTotal");
    tap_ok(strtol(buf + 9, NULL, 10) > 1024, "MemTotal is plausible");
    tap_ok(get_file("/proc/uptime", buf, sizeof(buf)) > 0 && atof(buf) > 0, "uptime is positive");
    tap_ok(get_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) > 0 && atoi(buf) >= 36,
           "cap_last_cap");
    tap_ok(get_file("/proc/sys/kernel/ostype", buf, sizeof(buf)) > 0 && strcmp(buf, "Linux\n") == 0, "ostype");
    tap_ok(get_file("/proc/filesystems", buf, sizeof(buf)) > 0 && strstr(buf, "\tproc\n") && strstr(buf, "\ttmpfs\n"),
           "filesystems lists proc and tmpfs");
    tap_ok(get_file("/proc/mounts", buf, sizeof(buf)) > 0 && strstr(buf, " /proc proc "), "/proc/mounts lists /proc");
    tap_ok(get_file("/proc/cmdline", buf, sizeof(buf)) > 0 && strstr(buf, "rdinit=/init") &&
           buf[strlen(buf) - 1] == '\n', "/proc/cmdline is the kernel command line");
    char path[32];
    snprintf(path, sizeof(path), "/proc/%d/stat", getpid());
    tap_ok(access(path, R_OK) == 0, "/proc/PID/stat exists");
    CHECK(access("/proc/999999/stat", F_OK), -ENOENT, "no directory for a missing pid");
    struct statfs sf;
    tap_ok(statfs("/proc", &sf) == 0 && sf.f_type == 0x9fa0, "statfs magic is PROC_SUPER_MAGIC");
}

static void child_entry(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        pause();
        _exit(0);
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    tap_ok(get_file(path, buf, sizeof(buf)) > 0 && stat_field(buf, 4) == getpid(), "a child's stat names us as parent");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    CHECK(access(path, F_OK), -ENOENT, "a reaped child's directory is gone");
}

int main(int argc, char **argv)
{
    (void)argc;
    tap_plan(55);
    CHECK(mount("proc", "/proc", "proc", 0, NULL), 0, "mount proc");
    self_files(argv);
    fd_links();
    globals();
    child_entry();
    tap_finish();
}
