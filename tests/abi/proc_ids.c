// SPDX-License-Identifier: MPL-2.0
// ABI suite: process groups, sessions, user/group credentials, supplementary groups and resource limits.
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static long raw(long nr, long a, long b, long c, long d)
{
    long r = syscall(nr, a, b, c, d);
    return r < 0 ? -errno : r;
}

static volatile long *shm;   /* results reported by children */

static void wait_child(pid_t pid)
{
    int st = 0;
    waitpid(pid, &st, 0);
}

static void test_init_ids(void)
{
    tap_eq_long(getpid(), 1, "init is pid 1");
    tap_eq_long(raw(SYS_getppid, 0, 0, 0, 0), 0, "init's parent pid is 0");
    tap_eq_long(raw(SYS_getsid, 0, 0, 0, 0), 0, "init starts in session 0");
    tap_eq_long(raw(SYS_getpgrp, 0, 0, 0, 0), 0, "init starts in process group 0");
    tap_eq_long(raw(SYS_getpgid, 1, 0, 0, 0), 0, "getpgid(1) names the same group");
    tap_eq_long(raw(SYS_getpgid, 99999, 0, 0, 0), -ESRCH, "getpgid of no such pid fails with ESRCH");
    tap_eq_long(raw(SYS_getsid, 99999, 0, 0, 0), -ESRCH, "getsid of no such pid fails with ESRCH");
    tap_eq_long(raw(SYS_setpgid, -1, 0, 0, 0), -EINVAL, "setpgid with a negative pid fails with EINVAL");
    tap_eq_long(raw(SYS_setpgid, 0, -1, 0, 0), -EINVAL, "setpgid with a negative pgid fails with EINVAL");
    tap_eq_long(raw(SYS_setpgid, 99999, 0, 0, 0), -ESRCH, "setpgid of a non-child fails with ESRCH");
    tap_eq_long(raw(SYS_setsid, 0, 0, 0, 0), 1, "init's setsid makes it a session leader");
    tap_ok(raw(SYS_getsid, 0, 0, 0, 0) == 1 && raw(SYS_getpgrp, 0, 0, 0, 0) == 1, "session and group are now 1");
    tap_eq_long(raw(SYS_setsid, 0, 0, 0, 0), -EPERM, "a second setsid fails with EPERM");
}

static void test_child_groups(void)
{
    shm[0] = 0;
    pid_t pid = fork();
    if (pid == 0) {
        shm[1] = raw(SYS_getpgrp, 0, 0, 0, 0);
        shm[2] = raw(SYS_getsid, 0, 0, 0, 0);
        while (shm[0] == 0)
            ;
        shm[3] = raw(SYS_getpgrp, 0, 0, 0, 0);
        shm[4] = raw(SYS_setsid, 0, 0, 0, 0);
        shm[5] = raw(SYS_getsid, 0, 0, 0, 0);
        shm[6] = raw(SYS_setpgid, 0, 0, 0, 0);
        shm[0] = 2;
        while (shm[0] == 2)
            ;
        _exit(0);
    }
    while (shm[2] == 0 && shm[1] == 0)
        ;
    tap_eq_long(raw(SYS_setpgid, pid, pid, 0, 0), 0, "the parent moves its child into a new group");
    tap_eq_long(raw(SYS_getpgid, pid, 0, 0, 0), pid, "getpgid sees the child's new group");
    shm[0] = 1;
    while (shm[0] == 1)
        ;
    tap_eq_long(shm[1], 1, "a forked child inherits the parent's process group");
    tap_eq_long(shm[2], 1, "a forked child inherits the parent's session");
    tap_eq_long(shm[3], pid, "the child sees the group its parent set");
    tap_eq_long(shm[4], -EPERM, "a group leader's setsid fails with EPERM");
    tap_eq_long(shm[5], 1, "the failed setsid left the session alone");
    tap_eq_long(shm[6], 0, "setpgid(0, 0) in a group leader is a no-op success");
    shm[0] = 3;
    wait_child(pid);

    shm[0] = 0;
    pid = fork();
    if (pid == 0) {
        shm[1] = raw(SYS_setsid, 0, 0, 0, 0);
        shm[2] = raw(SYS_getsid, 0, 0, 0, 0);
        shm[3] = raw(SYS_getpgrp, 0, 0, 0, 0);
        shm[4] = raw(SYS_setpgid, 0, 0, 0, 0);
        shm[0] = 1;
        while (shm[0] == 1)
            ;
        _exit(0);
    }
    while (shm[0] == 0)
        ;
    tap_eq_long(shm[1], pid, "setsid in a child returns its pid");
    tap_ok(shm[2] == pid && shm[3] == pid, "the new session leader leads its own group");
    tap_eq_long(shm[4], -EPERM, "a session leader cannot change its group");
    tap_eq_long(raw(SYS_setpgid, pid, 1, 0, 0), -EPERM, "moving a child of another session fails with EPERM");
    tap_eq_long(raw(SYS_getsid, pid, 0, 0, 0), pid, "getsid of the child names its session");
    shm[0] = 2;
    wait_child(pid);
}

static void test_root_creds(void)
{
    unsigned r = 9, e = 9, s = 9;
    tap_ok(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0, "init runs as root");
    tap_eq_long(raw(SYS_getresuid, (long)&r, (long)&e, (long)&s, 0), 0, "getresuid succeeds");
    tap_ok(r == 0 && e == 0 && s == 0, "real, effective and saved uid are 0");
    tap_eq_long(raw(SYS_getresgid, (long)&r, (long)&e, 16, 0), -EFAULT, "getresgid with a bad pointer fails with EFAULT");
    tap_eq_long(raw(SYS_getgroups, 0, 0, 0, 0), 0, "init has no supplementary groups");
    unsigned g[3] = { 5, 6, 7 }, out[4] = { 0 };
    tap_eq_long(raw(SYS_setgroups, 3, (long)g, 0, 0), 0, "root may setgroups");
    tap_eq_long(raw(SYS_getgroups, 4, (long)out, 0, 0), 3, "getgroups returns the count");
    tap_ok(out[0] == 5 && out[1] == 6 && out[2] == 7, "getgroups returns the groups set");
    tap_eq_long(raw(SYS_getgroups, 2, (long)out, 0, 0), -EINVAL, "getgroups with a small buffer fails with EINVAL");
    tap_eq_long(raw(SYS_getgroups, -1, (long)out, 0, 0), -EINVAL, "getgroups with a negative size fails with EINVAL");
    tap_eq_long(raw(SYS_getgroups, 4, 16, 0, 0), -EFAULT, "getgroups with a bad pointer fails with EFAULT");
    tap_eq_long(raw(SYS_setgroups, -1, (long)g, 0, 0), -EINVAL, "setgroups with a negative size fails with EINVAL");
    tap_eq_long(raw(SYS_setgroups, 2, 16, 0, 0), -EFAULT, "setgroups with a bad pointer fails with EFAULT");
    tap_eq_long(raw(SYS_setuid, -1, 0, 0, 0), -EINVAL, "setuid(-1) fails with EINVAL");
    tap_eq_long(raw(SYS_setgroups, 0, 0, 0, 0), 0, "setgroups(0) clears the groups");
}

static void test_unprivileged(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        unsigned r = 0, e = 0, s = 0;
        shm[10] = raw(SYS_setresgid, 100, 101, 102, 0);
        shm[11] = raw(SYS_setresuid, 1000, 1001, 1002, 0);
        raw(SYS_getresuid, (long)&r, (long)&e, (long)&s, 0);
        shm[12] = r * 1000000L + e * 1000L + (s - 1000);
        shm[13] = raw(SYS_geteuid, 0, 0, 0, 0);
        shm[14] = raw(SYS_getegid, 0, 0, 0, 0);
        shm[15] = raw(SYS_setuid, 0, 0, 0, 0);
        shm[16] = raw(SYS_setuid, 1002, 0, 0, 0);
        shm[17] = raw(SYS_geteuid, 0, 0, 0, 0);
        shm[18] = raw(SYS_getuid, 0, 0, 0, 0);
        shm[19] = raw(SYS_setresuid, 5, -1, -1, 0);
        shm[20] = raw(SYS_setgroups, 0, 0, 0, 0);
        shm[21] = raw(SYS_setfsuid, 5, 0, 0, 0);
        shm[22] = raw(SYS_setfsuid, -1, 0, 0, 0);
        struct rlimit rl = { 1024, RLIM_INFINITY };
        shm[23] = raw(SYS_setrlimit, RLIMIT_NOFILE, (long)&rl, 0, 0);
        shm[24] = raw(SYS_setreuid, 1002, 1000, 0, 0);
        raw(SYS_getresuid, (long)&r, (long)&e, (long)&s, 0);
        shm[25] = r * 1000000L + e * 1000L + (s - 1000);
        _exit(0);
    }
    wait_child(pid);
    tap_eq_long(shm[10], 0, "root may setresgid to any ids");
    tap_eq_long(shm[11], 0, "root may setresuid to any ids");
    tap_eq_long(shm[12], 1000L * 1000000 + 1001L * 1000 + 2, "getresuid reports the three new ids");
    tap_eq_long(shm[13], 1001, "geteuid is the new effective uid");
    tap_eq_long(shm[14], 101, "getegid is the new effective gid");
    tap_eq_long(shm[15], -EPERM, "an unprivileged setuid(0) fails with EPERM");
    tap_eq_long(shm[16], 0, "an unprivileged setuid to the saved uid succeeds");
    tap_eq_long(shm[17], 1002, "it changes the effective uid");
    tap_eq_long(shm[18], 1000, "and leaves the real uid");
    tap_eq_long(shm[19], -EPERM, "an unprivileged setresuid to a foreign id fails with EPERM");
    tap_eq_long(shm[20], -EPERM, "an unprivileged setgroups fails with EPERM");
    tap_eq_long(shm[21], 1002, "setfsuid returns the old fsuid (the effective uid)");
    tap_eq_long(shm[22], 1002, "a refused setfsuid(5) left the fsuid unchanged");
    tap_eq_long(shm[23], -EPERM, "an unprivileged raise of a hard limit fails with EPERM");
    tap_eq_long(shm[24], 0, "setreuid swapping real and effective uid succeeds");
    tap_eq_long(shm[25], 1002L * 1000000 + 1000L * 1000 + 0, "setreuid sets both and the saved uid follows the new euid");
}

static void test_rlimits(void)
{
    struct rlimit rl = { 0, 0 };
    tap_eq_long(raw(SYS_getrlimit, RLIMIT_NOFILE, (long)&rl, 0, 0), 0, "getrlimit(RLIMIT_NOFILE) succeeds");
    tap_ok(rl.rlim_cur == 1024 && rl.rlim_max == 4096, "the default open-file limit is 1024/4096");
    tap_eq_long(raw(SYS_getrlimit, RLIMIT_STACK, (long)&rl, 0, 0), 0, "getrlimit(RLIMIT_STACK) succeeds");
    tap_ok(rl.rlim_cur == 8 << 20 && rl.rlim_max == RLIM_INFINITY, "the default stack limit is 8 MiB/unlimited");
    struct rlimit nl = { 512, 4096 }, old = { 0, 0 };
    tap_eq_long(raw(SYS_setrlimit, RLIMIT_NOFILE, (long)&nl, 0, 0), 0, "setrlimit lowers the soft limit");
    tap_eq_long(raw(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&old), 0, "prlimit64 reads the limit");
    tap_eq_long(old.rlim_cur, 512, "the new soft limit is reported");
    struct rlimit bad = { 5000, 4096 };
    tap_eq_long(raw(SYS_setrlimit, RLIMIT_NOFILE, (long)&bad, 0, 0), -EINVAL, "setrlimit with cur > max fails with EINVAL");
    tap_eq_long(raw(SYS_getrlimit, 99, (long)&rl, 0, 0), -EINVAL, "getrlimit of an unknown resource fails with EINVAL");
    tap_eq_long(raw(SYS_getrlimit, RLIMIT_NOFILE, 16, 0, 0), -EFAULT, "getrlimit with a bad pointer fails with EFAULT");
    tap_eq_long(raw(SYS_prlimit64, 99999, RLIMIT_NOFILE, 0, (long)&old), -ESRCH, "prlimit64 of no such pid fails with ESRCH");
    nl.rlim_cur = 1024;
    raw(SYS_setrlimit, RLIMIT_NOFILE, (long)&nl, 0, 0);
}

int main(void)
{
    shm = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    tap_plan(68);
    test_init_ids();
    test_child_groups();
    test_root_creds();
    test_unprivileged();
    test_rlimits();
    tap_finish();
}
