// SPDX-License-Identifier: MPL-2.0
// ABI suite: threads (musl pthreads over clone), CLONE_VM/SETTID/CLEARTID/VFORK, futex operations, exit_group.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tap.h"

/* Linux futex operations (ABI values). */
#define FUTEX_WAIT                0
#define FUTEX_WAKE                1
#define FUTEX_WAIT_PRIVATE        128
#define FUTEX_WAKE_PRIVATE        129
#define FUTEX_CMP_REQUEUE_PRIVATE 132
#define FUTEX_WAIT_BITSET_PRIVATE 137

static long raw(long nr, long a, long b, long c, long d, long e, long f)
{
    long r = syscall(nr, a, b, c, d, e, f);
    return r < 0 ? -errno : r;
}

static long futex(atomic_int *uaddr, int op, int val, long timeout_or_val2, atomic_int *uaddr2, int val3)
{
    return raw(SYS_futex, (long)uaddr, op, val, timeout_or_val2, (long)uaddr2, val3);
}

static atomic_int counter;
static atomic_long thread_tid;

static void *worker(void *arg)
{
    for (int i = 0; i < 1000; i++)
        atomic_fetch_add(&counter, 1);
    thread_tid = syscall(SYS_gettid);
    return (void *)((intptr_t)arg * 2);
}

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static long plain_counter;

static void *locker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&mtx);
        plain_counter++;
        pthread_mutex_unlock(&mtx);
    }
    return NULL;
}

static void test_pthreads(void)
{
    pthread_t t[4];
    int ok = 1;
    for (long i = 0; i < 4; i++)
        ok &= pthread_create(&t[i], NULL, worker, (void *)i) == 0;
    tap_ok(ok, "pthread_create starts 4 threads");
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        sum += (intptr_t)ret;
    }
    tap_eq_long(sum, 12, "pthread_join returns each thread's value");
    tap_eq_long(atomic_load(&counter), 4000, "threads share memory (4 x 1000 atomic increments)");
    tap_ok(thread_tid != getpid() && thread_tid > 0, "a thread's gettid differs from the process id");
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, locker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    tap_eq_long(plain_counter, 8000, "a contended pthread mutex (futex wait/wake) keeps 8000 increments exact");
}

static atomic_int ctid_word, shared_flag;
static int clone_child(void *arg)
{
    (void)arg;
    shared_flag = getpid();
    return 3;
}

static void test_raw_clone(void)
{
    static char stack[16384] __attribute__((aligned(16)));
    int ptid = 0;
    shared_flag = 0;
    pid_t pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD,
                      NULL, &ptid, NULL, &ctid_word);
    int st = 0;
    tap_eq_long(waitpid(pid, &st, 0), pid, "a CLONE_VM child is waited for like a fork child");
    tap_eq_long(WEXITSTATUS(st), 3, "its function's return value is its exit code");
    tap_eq_long(shared_flag, pid, "a CLONE_VM child writes the parent's memory");
    tap_eq_long(ptid, pid, "CLONE_PARENT_SETTID stores the child id in the parent");
    tap_eq_long(atomic_load(&ctid_word), pid, "CLONE_CHILD_SETTID stores the child id in the (shared) child memory");
    shared_flag = 0;
    pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
    tap_eq_long(shared_flag, pid, "CLONE_VFORK returns only after the child has run to its exit");
    waitpid(pid, NULL, 0);
    tap_eq_long(raw(SYS_clone, CLONE_THREAD | SIGCHLD, 0, 0, 0, 0, 0), -EINVAL, "CLONE_THREAD without CLONE_SIGHAND fails with EINVAL");
    tap_eq_long(raw(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0, 0), -EINVAL, "CLONE_SIGHAND without CLONE_VM fails with EINVAL");
    long r = raw(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, (long)(1UL << 63), 0);
    if (r == 0)
        _exit(0);
    tap_eq_long(r, -EPERM, "CLONE_SETTLS with a kernel address fails with EPERM");
}

static atomic_int fw, fw2, woke;

static void *futex_waiter(void *arg)
{
    atomic_int *word = arg;
    long r = futex(word, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
    if (r == 0)
        atomic_fetch_add(&woke, 1);
    return (void *)r;
}

/*
 * Seconds of CLOCK_MONOTONIC: retry loops that wait for another thread to block are bounded by
 * time (30 s), not by a count of sched_yield calls that a stalled host can use up in a moment.
 */
static long mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static long wake_until(atomic_int *word, int n)
{
    long total = 0, end = mono_s() + 30;
    while (total < n && mono_s() < end) {
        total += futex(word, FUTEX_WAKE_PRIVATE, n, 0, NULL, 0);
        sched_yield();
    }
    return total;
}

static void test_futex_ops(void)
{
    atomic_int w = 5;
    tap_eq_long(futex(&w, FUTEX_WAIT_PRIVATE, 4, 0, NULL, 0), -EAGAIN, "FUTEX_WAIT with a stale value fails with EAGAIN");
    struct timespec ts = { 0, 20 * 1000 * 1000 };
    tap_eq_long(futex(&w, FUTEX_WAIT_PRIVATE, 5, (long)&ts, NULL, 0), -ETIMEDOUT, "FUTEX_WAIT times out with ETIMEDOUT");
    struct timespec bad = { 0, 2000000000L };
    tap_eq_long(futex(&w, FUTEX_WAIT_PRIVATE, 5, (long)&bad, NULL, 0), -EINVAL, "FUTEX_WAIT with tv_nsec >= 1e9 fails with EINVAL");
    struct timespec past = { 0, 1 };   /* 1 ns after boot: long gone */
    tap_eq_long(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, (long)&past, NULL, -1), -ETIMEDOUT,
                "FUTEX_WAIT_BITSET with an absolute deadline in the past times out");
    tap_eq_long(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, 0, NULL, 0), -EINVAL, "FUTEX_WAIT_BITSET with bitset 0 fails with EINVAL");
    tap_eq_long(futex(&w, FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0), 0, "FUTEX_WAKE with no waiters returns 0");
    tap_eq_long(futex((atomic_int *)((char *)&w + 1), FUTEX_WAKE_PRIVATE, 1, 0, NULL, 0), -EINVAL, "FUTEX_WAKE on an unaligned address fails with EINVAL");
    tap_eq_long(futex((atomic_int *)16, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0), -EFAULT, "FUTEX_WAIT on an unmapped address fails with EFAULT");
    tap_eq_long(futex(&w, 99, 0, 0, NULL, 0), -ENOSYS, "an unknown futex op fails with ENOSYS");

    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, futex_waiter, &fw);
    tap_eq_long(wake_until(&fw, 3), 3, "FUTEX_WAKE wakes the 3 waiters");
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    tap_eq_long(atomic_load(&woke), 3, "each woken waiter's FUTEX_WAIT returned 0");

    atomic_store(&woke, 0);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, futex_waiter, &fw);
    tap_eq_long(futex(&fw, FUTEX_CMP_REQUEUE_PRIVATE, 0, 2, &fw2, 1), -EAGAIN, "FUTEX_CMP_REQUEUE with a stale value fails with EAGAIN");
    long moved = 0, end = mono_s() + 30;
    while (moved < 2 && mono_s() < end) {
        moved += futex(&fw, FUTEX_CMP_REQUEUE_PRIVATE, 0, 2, &fw2, 0);
        sched_yield();
    }
    tap_eq_long(moved, 2, "FUTEX_CMP_REQUEUE moves both waiters to the second word");
    tap_eq_long(futex(&fw, FUTEX_WAKE_PRIVATE, 2, 0, NULL, 0), 0, "no waiter is left on the first word");
    tap_eq_long(futex(&fw2, FUTEX_WAKE_PRIVATE, 2, 0, NULL, 0), 2, "FUTEX_WAKE on the second word wakes the requeued waiters");
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    tap_eq_long(atomic_load(&woke), 2, "requeued waiters return 0");
}

static void test_shared_futex(void)
{
    atomic_int *word = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(futex(word, FUTEX_WAIT, 0, 0, NULL, 0) == 0 ? 0 : 1);
    long woken = 0, end = mono_s() + 30;
    while (woken == 0 && mono_s() < end) {
        woken = futex(word, FUTEX_WAKE, 1, 0, NULL, 0);
        sched_yield();
    }
    tap_eq_long(woken, 1, "a shared futex in MAP_SHARED memory wakes a waiter in another process");
    int st = -1;
    waitpid(pid, &st, 0);
    tap_eq_long(st, 0, "the other process's FUTEX_WAIT returned 0");
    munmap(word, 4096);
}

static void *group_exiter(void *arg)
{
    (void)arg;
    syscall(SYS_exit_group, 7);
    return NULL;
}

static void *lone_exiter(void *arg)
{
    (void)arg;
    syscall(SYS_exit, 0);
    return NULL;
}

static void test_exit_semantics(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, group_exiter, NULL);
        for (;;)
            sched_yield();
    }
    int st = 0;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "exit_group in a thread ends the whole process with its code");
    pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, lone_exiter, NULL);
        for (int i = 0; i < 50; i++)
            sched_yield();
        _exit(9);
    }
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 9, "a thread's exit() leaves the rest of the process running");
    pthread_t t;
    pthread_create(&t, NULL, worker, (void *)0);
    pthread_join(t, NULL);
    tap_eq_long(raw(SYS_wait4, thread_tid, 0, WNOHANG, 0, 0, 0), -ECHILD, "a thread is not a waitable child");
    long tid_addr = raw(SYS_set_tid_address, (long)&ctid_word, 0, 0, 0, 0, 0);
    tap_eq_long(tid_addr, getpid(), "set_tid_address returns the caller's tid");
}

static atomic_int never;

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        futex(&never, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0);
    return NULL;
}

static void *exec_from_thread(void *arg)
{
    char pidbuf[16], *argv[] = { "/init", "exec-child", pidbuf, NULL }, *envp[] = { NULL };
    long pid = (long)(intptr_t)arg, i = 14;
    pidbuf[15] = 0;
    do {
        pidbuf[i--] = (char)('0' + pid % 10);
        pid /= 10;
    } while (pid);
    memmove(pidbuf, pidbuf + i + 1, 15 - (size_t)i);
    execve("/init", argv, envp);
    return NULL;
}

static void test_exec_threads(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, sleeper, NULL);
        pthread_create(&t, NULL, sleeper, NULL);
        exec_from_thread((void *)(intptr_t)getpid());
        _exit(99);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    tap_eq_long(WEXITSTATUS(st), 77, "execve from the main thread ends the other threads and runs the program");
    pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, sleeper, NULL);
        pthread_create(&t, NULL, exec_from_thread, (void *)(intptr_t)getpid());
        for (;;)
            sched_yield();
    }
    st = 0;
    waitpid(pid, &st, 0);
    tap_eq_long(WEXITSTATUS(st), 77, "execve from a secondary thread keeps the pid and runs single-threaded");
}

/* Run as the exec'd program: the pid must be the one before exec, and the only thread. */
static int exec_child(char **argv)
{
    long want = 0;
    for (const char *c = argv[2]; c && *c; c++)
        want = want * 10 + (*c - '0');
    return getpid() == want && syscall(SYS_gettid) == want ? 77 : 78;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "exec-child") == 0)
        return exec_child(argv);
    tap_plan(38);
    test_pthreads();
    test_raw_clone();
    test_futex_ops();
    test_shared_futex();
    test_exit_semantics();
    test_exec_threads();
    tap_finish();
}
