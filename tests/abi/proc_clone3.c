// SPDX-License-Identifier: MPL-2.0
// ABI suite: clone3 (struct clone_args sizes, flag and argument checks, exit_signal, set_tid, stack, tls).
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define CLONE_CLEAR_SIGHAND_ 0x100000000ULL
#define ARCH_GET_FS 0x1003

struct cargs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
    uint64_t stack, stack_size, tls;
    uint64_t set_tid, set_tid_size;
    uint64_t cgroup;
    uint64_t extra[2];      /* for the oversize checks */
};

static long clone3(struct cargs *a, size_t size)
{
    long r = syscall(SYS_clone3, a, size);
    return r < 0 ? -errno : r;
}

/* Fork-like clone3; the child exits at once with status 7. Returns the wait status, or -errno. */
static long run(struct cargs *a, size_t size, int wflags)
{
    long pid = clone3(a, size);
    if (pid == 0)
        _exit(7);
    if (pid < 0)
        return pid;
    int st = -1;
    if (waitpid((pid_t)pid, &st, wflags) != pid)
        return -1000;
    return st;
}

static int exited7(long st) { return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 7; }

static void test_sizes(void)
{
    struct cargs a = { .exit_signal = SIGCHLD };
    tap_ok(exited7(run(&a, 64, 0)), "clone3 with the 64-byte v0 struct forks");
    tap_ok(exited7(run(&a, 80, 0)), "clone3 with the 80-byte v1 struct");
    tap_ok(exited7(run(&a, 88, 0)), "clone3 with the 88-byte v2 struct");
    tap_ok(exited7(run(&a, sizeof(a), 0)), "a larger struct with a zero tail is accepted");
    a.extra[1] = 1;
    tap_eq_long(clone3(&a, sizeof(a)), -E2BIG, "a non-zero byte past the known struct is E2BIG");
    a.extra[1] = 0;
    tap_eq_long(clone3(&a, 4097), -E2BIG, "a struct larger than a page is E2BIG");
    tap_eq_long(clone3(&a, 56), -EINVAL, "a struct smaller than v0 is EINVAL");
    tap_eq_long(clone3(&a, 0), -EINVAL, "size 0 is EINVAL");
    tap_eq_long(clone3((struct cargs *)16, 64), -EFAULT, "a bad pointer is EFAULT");
}

static void test_flag_checks(void)
{
    struct cargs a = { .exit_signal = SIGCHLD };
    a.flags = SIGCHLD;
    tap_eq_long(clone3(&a, 64), -EINVAL, "the CSIGNAL bits in flags are EINVAL");
    a.flags = 0x00400000;   /* CLONE_DETACHED */
    tap_eq_long(clone3(&a, 64), -EINVAL, "CLONE_DETACHED is EINVAL");
    a.flags = 1ULL << 40;
    tap_eq_long(clone3(&a, 64), -EINVAL, "an unknown high flag is EINVAL");
    a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_CLEAR_SIGHAND_;
    tap_eq_long(clone3(&a, 64), -EINVAL, "CLONE_SIGHAND with CLONE_CLEAR_SIGHAND is EINVAL");
    a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
    tap_eq_long(clone3(&a, 64), -EINVAL, "CLONE_THREAD with an exit_signal is EINVAL");
    a.flags = CLONE_PARENT;
    tap_eq_long(clone3(&a, 64), -EINVAL, "CLONE_PARENT with an exit_signal is EINVAL");
    a.flags = 0;
    a.exit_signal = 65;
    tap_eq_long(clone3(&a, 64), -EINVAL, "exit_signal 65 is EINVAL");
    a.exit_signal = (1ULL << 32) | SIGCHLD;
    tap_eq_long(clone3(&a, 64), -EINVAL, "exit_signal with high bits is EINVAL");
    a.exit_signal = SIGCHLD;
    a.stack = 0x10000;
    tap_eq_long(clone3(&a, 64), -EINVAL, "a stack without a size is EINVAL");
    a.stack = 0;
    a.stack_size = 4096;
    tap_eq_long(clone3(&a, 64), -EINVAL, "a stack size without a stack is EINVAL");
    a.stack_size = 0;
    a.flags = CLONE_THREAD;
    a.exit_signal = 0;
    tap_eq_long(clone3(&a, 64), -EINVAL, "CLONE_THREAD without CLONE_SIGHAND is EINVAL (as clone)");
}

static void test_exit_signal(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, NULL);
    struct cargs a = { .exit_signal = SIGUSR1 };
    long pid = clone3(&a, 64);
    if (pid == 0)
        _exit(7);
    siginfo_t si;
    struct timespec t = { 30, 0 };
    int sig = sigtimedwait(&s, &si, &t);
    tap_ok(sig == SIGUSR1 && si.si_pid == pid && si.si_code == CLD_EXITED, "exit_signal SIGUSR1 reaches the parent at exit");
    int st = -1;
    waitpid((pid_t)pid, &st, __WALL);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "the child is reaped with __WALL");
    a.exit_signal = 0;
    pid = clone3(&a, 64);
    if (pid == 0)
        _exit(7);
    st = -1;
    tap_ok(waitpid((pid_t)pid, &st, __WALL) == pid && exited7(st), "exit_signal 0: no signal, still reaped");
}

static void test_settid_and_sighand(void)
{
    int ptid = 0;
    struct cargs a = { .flags = CLONE_PARENT_SETTID, .parent_tid = (uint64_t)&ptid, .exit_signal = SIGCHLD };
    long pid = clone3(&a, 64);
    if (pid == 0)
        _exit(7);
    waitpid((pid_t)pid, NULL, 0);
    tap_eq_long(ptid, pid, "CLONE_PARENT_SETTID writes the child's id");

    signal(SIGUSR2, (void (*)(int))0x1234);     /* never run: only inspected */
    signal(SIGPIPE, SIG_IGN);
    struct cargs b = { .flags = CLONE_CLEAR_SIGHAND_, .exit_signal = SIGCHLD };
    pid = clone3(&b, 64);
    if (pid == 0) {
        struct sigaction u, p;
        sigaction(SIGUSR2, NULL, &u);
        sigaction(SIGPIPE, NULL, &p);
        _exit(u.sa_handler == SIG_DFL && p.sa_handler == SIG_IGN ? 7 : 1);
    }
    int st = -1;
    waitpid((pid_t)pid, &st, 0);
    tap_ok(exited7(st), "CLONE_CLEAR_SIGHAND: caught signals are default in the child, ignored ones stay");
    signal(SIGUSR2, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
}

static void test_set_tid(void)
{
    int want[2] = { getpid(), 0 };
    struct cargs a = { .exit_signal = SIGCHLD, .set_tid = (uint64_t)want, .set_tid_size = 1 };
    tap_eq_long(clone3(&a, 80), -EEXIST, "set_tid naming a used pid is EEXIST");
    want[0] = 0;
    tap_eq_long(clone3(&a, 80), -EINVAL, "set_tid 0 is EINVAL");
    a.set_tid_size = 2;
    want[0] = 30001;
    want[1] = 30002;
    tap_eq_long(clone3(&a, 80), -EINVAL, "more set_tid levels than pid namespaces is EINVAL");
    a.set_tid_size = 0;
    tap_eq_long(clone3(&a, 80), -EINVAL, "set_tid with size 0 is EINVAL");
    a.set_tid = 0;
    a.set_tid_size = 1;
    tap_eq_long(clone3(&a, 80), -EINVAL, "set_tid_size without set_tid is EINVAL");
    a.set_tid = 16;
    tap_eq_long(clone3(&a, 80), -EFAULT, "a bad set_tid pointer is EFAULT");
    a.set_tid = (uint64_t)want;
    long pid = clone3(&a, 80);
    if (pid == 0)
        _exit(getpid() == 30001 ? 7 : 1);
    int st = -1;
    waitpid((pid_t)pid, &st, 0);
    tap_ok(pid == 30001 && exited7(st), "set_tid creates the child with that pid");
    pid_t c = fork();
    if (c == 0) {
        if (setuid(1000))
            _exit(2);
        want[0] = 30003;
        _exit(clone3(&a, 80) == -EPERM ? 7 : 1);
    }
    waitpid(c, &st, 0);
    tap_ok(exited7(st), "set_tid without privilege is EPERM");
}

/* A CLONE_VM|CLONE_VFORK child on its own stack and TLS: raw syscalls only. */
static volatile uint64_t child_sp, child_fs;

static void on_new_stack(void)
{
    uint64_t fs = 0;
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(SYS_arch_prctl), "D"(ARCH_GET_FS), "S"(&fs) : "rcx", "r11", "memory");
    child_sp = (uint64_t)__builtin_frame_address(0);
    child_fs = fs;
    __asm__ volatile("syscall" : : "a"(SYS_exit), "D"(0) : "rcx", "r11", "memory");
    for (;;)
        ;
}

static long clone3_call(struct cargs *a, size_t size, void (*fn)(void))
{
    register void (*r12)(void) __asm__("r12") = fn;
    long ret;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "call *%%r12\n\t"
                     "1:"
                     : "=a"(ret)
                     : "a"(SYS_clone3), "D"(a), "S"(size), "r"(r12)
                     : "rcx", "r11", "memory");
    return ret;
}

static void test_stack_tls(void)
{
    static uint8_t stack[16384] __attribute__((aligned(16)));
    static uint64_t tcb[8];
    tcb[0] = (uint64_t)tcb;
    struct cargs a = { .flags = CLONE_VM | CLONE_VFORK | CLONE_SETTLS, .exit_signal = SIGCHLD,
                       .stack = (uint64_t)stack, .stack_size = sizeof(stack), .tls = (uint64_t)tcb };
    long pid = clone3_call(&a, 64, on_new_stack);
    int st = -1;
    waitpid((pid_t)pid, &st, 0);
    tap_ok(pid > 0 && child_sp > (uint64_t)stack && child_sp < (uint64_t)stack + sizeof(stack),
           "stack + stack_size: the child runs on the given stack");
    tap_eq_long((long)child_fs, (long)tcb, "CLONE_SETTLS: the child's FS base is tls");
}

int main(void)
{
    tap_plan(35);
    test_sizes();
    test_flag_checks();
    test_exit_signal();
    test_settid_and_sighand();
    test_set_tid();
    test_stack_tls();
    tap_finish();
}
