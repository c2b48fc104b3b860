// SPDX-License-Identifier: MPL-2.0
// ABI suite: RLIMIT_AS / RLIMIT_DATA in mmap, mremap and brk; RLIMIT_STACK for stack growth and execve's argument limit.
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define MiB (1UL << 20)

static int child_status(pid_t pid)
{
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

static void set_soft(int res, rlim_t v)
{
    struct rlimit l;
    getrlimit(res, &l);
    l.rlim_cur = v;
    setrlimit(res, &l);
}

static long map_err(size_t len, int prot, int flags)
{
    void *p = mmap(NULL, len, prot, flags, -1, 0);
    if (p == MAP_FAILED)
        return errno;
    munmap(p, len);
    return 0;
}

static void test_as(void)
{
    set_soft(RLIMIT_AS, 256 * MiB);
    tap_eq_long(map_err(512 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS), ENOMEM, "RLIMIT_AS: a mapping past the limit is ENOMEM");
    tap_eq_long(map_err(512 * MiB, PROT_READ, MAP_SHARED | MAP_ANONYMOUS), ENOMEM, "RLIMIT_AS counts shared mappings too");
    tap_eq_long(map_err(16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS), 0, "RLIMIT_AS: a mapping within it works");
    char *a = mmap(NULL, 200 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    tap_ok(a != MAP_FAILED, "RLIMIT_AS: 200 MiB of 256 MiB");
    tap_eq_long(map_err(100 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS), ENOMEM, "RLIMIT_AS counts existing mappings");
    void *f = mmap(a + 50 * MiB, 100 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    tap_ok(f == a + 50 * MiB, "RLIMIT_AS: MAP_FIXED over a mapping only counts the growth");
    char *m = mmap(NULL, 16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = 0;
    tap_ok(mremap(m, 16 * MiB, 100 * MiB, MREMAP_MAYMOVE) == MAP_FAILED && errno == ENOMEM, "RLIMIT_AS: mremap growth past it is ENOMEM");
    void *s = mremap(m, 16 * MiB, 8 * MiB, 0);
    tap_ok(s == m, "RLIMIT_AS: mremap shrinking works");
    munmap(m, 8 * MiB);
    munmap(a, 200 * MiB);
    tap_eq_long(map_err(200 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS), 0, "RLIMIT_AS: unmapping gives the room back");
    set_soft(RLIMIT_AS, RLIM_INFINITY);
    tap_eq_long(map_err(512 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS), 0, "RLIMIT_AS raised again: 512 MiB maps");
}

static void test_data(void)
{
    set_soft(RLIMIT_DATA, 32 * MiB);
    int rw = PROT_READ | PROT_WRITE, pa = MAP_PRIVATE | MAP_ANONYMOUS;
    tap_eq_long(map_err(64 * MiB, rw, pa), ENOMEM, "RLIMIT_DATA: private writable mapping past it is ENOMEM");
    tap_eq_long(map_err(64 * MiB, PROT_READ, pa), 0, "RLIMIT_DATA: read-only private mapping is not data");
    tap_eq_long(map_err(64 * MiB, rw, MAP_SHARED | MAP_ANONYMOUS), 0, "RLIMIT_DATA: shared writable mapping is not data");
    tap_eq_long(map_err(64 * MiB, rw, pa | MAP_GROWSDOWN), 0, "RLIMIT_DATA: MAP_GROWSDOWN stack is not data");
    tap_eq_long(map_err(4 * MiB, rw, pa), 0, "RLIMIT_DATA: small private writable mapping works");
    char *m = mmap(NULL, 4 * MiB, rw, pa, -1, 0);
    errno = 0;
    tap_ok(mremap(m, 4 * MiB, 64 * MiB, MREMAP_MAYMOVE) == MAP_FAILED && errno == ENOMEM, "RLIMIT_DATA: mremap growth past it is ENOMEM");
    munmap(m, 4 * MiB);
    long cur = syscall(SYS_brk, 0);
    tap_eq_long(syscall(SYS_brk, cur + 64 * MiB), cur, "RLIMIT_DATA: brk past it leaves the break");
    tap_eq_long(syscall(SYS_brk, cur + MiB), cur + MiB, "RLIMIT_DATA: brk within it moves the break");
    tap_eq_long(syscall(SYS_brk, cur), cur, "brk back down");
    set_soft(RLIMIT_DATA, RLIM_INFINITY);
    tap_eq_long(map_err(64 * MiB, rw, pa), 0, "RLIMIT_DATA raised again: 64 MiB maps");
}

/* Touch the lowest byte of a big stack array first: the stack must grow down to it. */
static __attribute__((noinline)) int touch_stack(size_t n)
{
    volatile char *buf = alloca(n);
    buf[0] = 1;
    buf[n - 1] = 2;
    return buf[0] + buf[n - 1];
}

static int run_child_stack(rlim_t lim, size_t n)
{
    pid_t pid = fork();
    if (pid == 0) {
        set_soft(RLIMIT_STACK, lim);
        _exit(touch_stack(n) == 3 ? 0 : 1);
    }
    return child_status(pid);
}

static void test_stack(void)
{
    int st = run_child_stack(8 * MiB, 4 * MiB);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "main stack grows down on demand to 4 MiB");
    st = run_child_stack(1 * MiB, 4 * MiB);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "main stack growth past RLIMIT_STACK is SIGSEGV");
    char *r = mmap(NULL, 16 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(r, 16 * MiB);
    char *g = mmap(r + 8 * MiB, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
    tap_ok(g == r + 8 * MiB, "MAP_GROWSDOWN mapping");
    pid_t pid = fork();
    if (pid == 0) {
        volatile char *p = g - 2 * MiB;
        *p = 7;
        _exit(*p == 7 && g[-1] == 0 ? 0 : 1);
    }
    st = child_status(pid);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "MAP_GROWSDOWN mapping grows on a fault below it");
    mmap(g - 4 * MiB, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    pid = fork();
    if (pid == 0) {
        volatile char *p = g - 4 * MiB + 4096 + 512 * 1024;
        *p = 7;
        _exit(0);
    }
    st = child_status(pid);
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "growth into the guard gap above another mapping is SIGSEGV");
    munmap(r, 16 * MiB);
}

static int exec_args(rlim_t lim, int nstr)
{
    pid_t pid = fork();
    if (pid == 0) {
        set_soft(RLIMIT_STACK, lim);
        static char *argv[8];
        argv[0] = "/init";
        argv[1] = "exit0";
        for (int i = 0; i < nstr; i++) {
            argv[2 + i] = malloc(100 * 1024);
            memset(argv[2 + i], 'x', 100 * 1024 - 1);
            argv[2 + i][100 * 1024 - 1] = 0;
        }
        argv[2 + nstr] = NULL;
        char *envp[] = { NULL };
        execve("/init", argv, envp);
        _exit(errno == E2BIG ? 42 : 43);
    }
    int st = child_status(pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_exec_args(void)
{
    tap_eq_long(exec_args(8 * MiB, 3), 0, "execve: 300 KiB of arguments fit the default 8 MiB stack");
    tap_eq_long(exec_args(1 * MiB, 2), 0, "execve: 200 KiB fit RLIMIT_STACK/4 = 256 KiB");
    tap_eq_long(exec_args(1 * MiB, 3), 42, "execve: 300 KiB past RLIMIT_STACK/4 is E2BIG");
    tap_eq_long(exec_args(32 * MiB, 5), 0, "execve: 500 KiB fit a 32 MiB RLIMIT_STACK");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exit0"))
        _exit(0);
    tap_plan(29);
    test_as();
    test_data();
    test_stack();
    test_exec_args();
    tap_finish();
}
