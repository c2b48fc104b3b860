// SPDX-License-Identifier: MPL-2.0
// ABI suite: fork, vfork, wait4/waitid status encoding, exit codes, zombies, getppid, orphan re-parenting.
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static long raw(long nr, long a, long b, long c, long d, long e)
{
    long r = syscall(nr, a, b, c, d, e);
    return r < 0 ? -errno : r;
}

/* A page shared with every child, for results the children report. */
static volatile long *shm;

static void test_basic(void)
{
    pid_t me = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        shm[0] = getppid();
        shm[1] = getpid();
        _exit(42);
    }
    tap_ok(pid > 1, "fork returns the child's pid in the parent");
    int st = 0;
    tap_eq_long(raw(SYS_wait4, pid, (long)&st, 0, 0, 0), pid, "wait4 returns the child's pid");
    tap_ok(WIFEXITED(st), "the child exited normally");
    tap_eq_long(WEXITSTATUS(st), 42, "the exit code is reported");
    tap_eq_long(st, 42 << 8, "the wait status encodes the code in bits 8-15");
    tap_eq_long(shm[0], me, "getppid in the child is the parent's pid");
    tap_eq_long(shm[1], pid, "getpid in the child is what fork returned");
    tap_eq_long(raw(SYS_wait4, pid, (long)&st, 0, 0, 0), -ECHILD, "a reaped child cannot be waited for again");
    tap_eq_long(raw(SYS_wait4, -1, 0, WNOHANG, 0, 0), -ECHILD, "wait4 with no children fails with ECHILD");
}

static void test_exit_codes(void)
{
    int codes[] = { 0, 1, 255, 256 + 7 };
    for (int i = 0; i < 4; i++) {
        pid_t pid = fork();
        if (pid == 0)
            syscall(SYS_exit_group, codes[i]);
        int st = 0;
        waitpid(pid, &st, 0);
        tap_eq_long(WEXITSTATUS(st), codes[i] & 0xff, "exit_group code is reported modulo 256");
    }
    pid_t pid = fork();
    if (pid == 0)
        syscall(SYS_exit, 9);
    int st = 0;
    waitpid(pid, &st, 0);
    tap_eq_long(st, 9 << 8, "exit() of a single-threaded process reports its code");
    pid = fork();
    if (pid == 0) {
        volatile int *bad = (volatile int *)(shm[8] + 8);   /* shm[8] is 0: hide the constant from the compiler */
        *bad = 1;
        _exit(0);
    }
    waitpid(pid, &st, 0);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a child touching address 8 is killed by SIGSEGV");
    tap_ok(!WIFEXITED(st), "a killed child is not reported as exited");
}

static void test_wnohang_zombie(void)
{
    shm[2] = 0;
    pid_t pid = fork();
    if (pid == 0) {
        while (shm[2] == 0)
            sched_yield();
        _exit(3);
    }
    int st = -1;
    tap_eq_long(raw(SYS_wait4, pid, (long)&st, WNOHANG, 0, 0), 0, "WNOHANG on a running child returns 0");
    shm[2] = 1;
    long r;
    while ((r = raw(SYS_wait4, pid, (long)&st, WNOHANG, 0, 0)) == 0)
        sched_yield();
    tap_eq_long(r, pid, "WNOHANG reaps the child once it is a zombie");
    tap_eq_long(WEXITSTATUS(st), 3, "the zombie's exit code is kept until it is reaped");
    tap_eq_long(raw(SYS_wait4, -1, (long)&st, 0x1000, 0, 0), -EINVAL, "wait4 with unknown options fails with EINVAL");
    tap_eq_long(raw(SYS_wait4, 99999, (long)&st, 0, 0, 0), -ECHILD, "wait4 for a non-child pid fails with ECHILD");
    pid = fork();
    if (pid == 0)
        _exit(4);
    tap_eq_long(raw(SYS_wait4, pid, 16, 0, 0, 0), -EFAULT, "wait4 with a bad status pointer fails with EFAULT");
    waitpid(pid, NULL, WNOHANG);
}

static void test_many_children(void)
{
    enum { N = 40 };
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(i);
    }
    int distinct = 1;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < i; j++)
            distinct &= pids[i] != pids[j] && pids[i] > 0;
    tap_ok(distinct, "40 forked children get distinct pids");
    int sum = 0, got = 0;
    for (int i = 0; i < N; i++) {
        int st = 0;
        pid_t w = wait(&st);
        for (int j = 0; j < N; j++)
            if (pids[j] == w) {
                got++;
                sum += WEXITSTATUS(st) == j;
            }
    }
    tap_eq_long(got, N, "wait(-1) reaps each of 40 children once");
    tap_eq_long(sum, N, "each child's status belongs to it");
    tap_eq_long(wait(NULL), -1, "then no children are left");
}

static void test_orphans(void)
{
    shm[3] = 0;
    shm[4] = 0;
    pid_t mid = fork();
    if (mid == 0) {
        pid_t gc = fork();
        if (gc == 0) {
            while (shm[3] == 0)
                sched_yield();
            shm[4] = getppid();
            _exit(7);
        }
        shm[5] = gc;
        _exit(0);
    }
    int st;
    waitpid(mid, &st, 0);
    tap_eq_long(WEXITSTATUS(st), 0, "the middle process exited");
    shm[3] = 1;
    pid_t gc = (pid_t)shm[5];
    st = 0;
    tap_eq_long(waitpid(gc, &st, 0), gc, "init (us) can wait for the re-parented grandchild");
    tap_eq_long(shm[4], 1, "the orphaned grandchild's parent is init (pid 1)");
    tap_eq_long(WEXITSTATUS(st), 7, "the orphan's exit code reaches init");
}

static void test_vfork_waitid(void)
{
    shm[6] = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        shm[6] = 1;
        _exit(5);
    }
    tap_eq_long(shm[6], 1, "vfork suspends the parent until the child exits");
    siginfo_t si;
    memset(&si, 0xff, sizeof(si));
    tap_eq_long(raw(SYS_waitid, P_PID, pid, (long)&si, WEXITED | WNOWAIT, 0), 0, "waitid(WNOWAIT) succeeds");
    tap_ok(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 5 && si.si_signo == SIGCHLD,
           "waitid reports pid, CLD_EXITED and the exit code");
    memset(&si, 0, sizeof(si));
    tap_eq_long(raw(SYS_waitid, P_ALL, 0, (long)&si, WEXITED, 0), 0, "waitid after WNOWAIT finds the child again");
    tap_eq_long(si.si_pid, pid, "and reaps it");
    tap_eq_long(raw(SYS_waitid, P_ALL, 0, (long)&si, WEXITED | WNOHANG, 0), -ECHILD, "waitid with no children fails with ECHILD");
    tap_eq_long(raw(SYS_waitid, P_ALL, 0, (long)&si, 0, 0), -EINVAL, "waitid without WEXITED/WSTOPPED/WCONTINUED fails with EINVAL");
    tap_eq_long(raw(SYS_waitid, 7, 0, (long)&si, WEXITED, 0), -EINVAL, "waitid with a bad id type fails with EINVAL");
    pid = fork();
    if (pid == 0) {
        while (shm[7] == 0)
            sched_yield();
        _exit(0);
    }
    memset(&si, 0xff, sizeof(si));
    tap_eq_long(raw(SYS_waitid, P_PID, pid, (long)&si, WEXITED | WNOHANG, 0), 0, "waitid WNOHANG on a running child returns 0");
    tap_ok(si.si_pid == 0 && si.si_signo == 0, "and clears si_pid and si_signo");
    shm[7] = 1;
    waitpid(pid, NULL, 0);
}

static void test_misc(void)
{
    struct rusage ru;
    tap_eq_long(raw(SYS_getrusage, RUSAGE_SELF, (long)&ru, 0, 0, 0), 0, "getrusage(RUSAGE_SELF) succeeds");
    tap_eq_long(raw(SYS_getrusage, 5, (long)&ru, 0, 0, 0), -EINVAL, "getrusage with a bad who fails with EINVAL");
    tap_eq_long(raw(SYS_getrusage, RUSAGE_SELF, 16, 0, 0, 0), -EFAULT, "getrusage with a bad pointer fails with EFAULT");
    tap_ok(raw(SYS_times, 0, 0, 0, 0, 0) > 0, "times(NULL) returns clock ticks");
    tap_eq_long(raw(SYS_times, 16, 0, 0, 0, 0), -EFAULT, "times with a bad pointer fails with EFAULT");
    tap_eq_long(raw(SYS_sched_yield, 0, 0, 0, 0, 0), 0, "sched_yield returns 0");
    unsigned long mask[16] = { 0 };
    long n = raw(SYS_sched_getaffinity, 0, sizeof(mask), (long)mask, 0, 0);
    tap_ok(n > 0 && n % 8 == 0 && (mask[0] & 1), "sched_getaffinity includes CPU 0");
    tap_eq_long(raw(SYS_sched_getaffinity, 0, 3, (long)mask, 0, 0), -EINVAL, "sched_getaffinity with a short length fails with EINVAL");
    tap_eq_long(raw(SYS_sched_getaffinity, 99999, sizeof(mask), (long)mask, 0, 0), -ESRCH, "sched_getaffinity of no such pid fails with ESRCH");
    tap_eq_long(raw(SYS_clone3, 0, 0, 0, 0, 0) < 0, 1, "clone3 with no arguments fails");
}

static void test_exec(void)
{
    char *argv[] = { "/init", "exec-child", NULL }, *envp[] = { "KEEL_TEST=1", NULL };
    pid_t pid = fork();
    if (pid == 0) {
        execve("/init", argv, envp);
        _exit(99);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    tap_eq_long(WEXITSTATUS(st), 77, "a forked child execs /init with argv and envp");
    pid = vfork();
    if (pid == 0) {
        execve("/init", argv, envp);
        _exit(99);
    }
    st = 0;
    tap_eq_long(waitpid(pid, &st, 0), pid, "vfork + execve returns the child's pid to the parent");
    tap_eq_long(WEXITSTATUS(st), 77, "the vforked child ran the new program");
    tap_eq_long(raw(SYS_execve, (long)"/nonexistent", (long)argv, (long)envp, 0, 0), -ENOENT, "execve of a missing file fails with ENOENT");
    tap_eq_long(raw(SYS_execve, 16, (long)argv, (long)envp, 0, 0), -EFAULT, "execve with a bad path pointer fails with EFAULT");
    tap_eq_long(raw(SYS_execve, (long)"/init", 16, (long)envp, 0, 0), -EFAULT, "execve with a bad argv pointer fails with EFAULT");
    char *bad_argv[] = { "/init", (char *)16, NULL };
    tap_eq_long(raw(SYS_execve, (long)"/init", (long)bad_argv, (long)envp, 0, 0), -EFAULT, "execve with a bad argv string fails with EFAULT");
}

/* Run as the exec'd program: check what execve handed over. */
static int exec_child(int argc, char **argv, char **envp)
{
    int ok = argc == 2 && getppid() == 1 && envp[0] && strcmp(envp[0], "KEEL_TEST=1") == 0 && !envp[1];
    (void)argv;
    return ok ? 77 : 78;
}

int main(int argc, char **argv, char **envp)
{
    if (argc > 1 && strcmp(argv[1], "exec-child") == 0)
        return exec_child(argc, argv, envp);
    shm = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    tap_plan(57);
    test_basic();
    test_exit_codes();
    test_wnohang_zombie();
    test_many_children();
    test_orphans();
    test_vfork_waitid();
    test_misc();
    test_exec();
    tap_finish();
}
