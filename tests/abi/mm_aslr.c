// SPDX-License-Identifier: MPL-2.0
// ABI suite: address-space layout randomisation (randomize_va_space, personality(ADDR_NO_RANDOMIZE)).
// Built as a static PIE (tests/abi/abi.mk) so that its own load base can move.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define SELF "/init"
#define RVS "/proc/sys/kernel/randomize_va_space"
#define NFIELDS 5

static const char *const field[NFIELDS] = { "stack", "mmap", "PIE base", "vDSO", "program break" };

/* What a freshly exec'd child sees of its own layout. */
struct report { uintptr_t v[NFIELDS]; uintptr_t sp0; };

static int child(int fd, char **argv)
{
    struct report r;
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r.v[0] = (uintptr_t)argv;                     /* argv[] sits on the initial stack */
    r.v[1] = (uintptr_t)m;
    r.v[2] = getauxval(AT_PHDR);                  /* the program's headers move with its load base */
    r.v[3] = getauxval(AT_SYSINFO_EHDR);
    r.v[4] = (uintptr_t)syscall(SYS_brk, 0);
    r.sp0 = (uintptr_t)argv - sizeof(long);      /* the initial stack pointer pointed at argc */
    return write(fd, &r, sizeof(r)) == sizeof(r) ? 0 : 1;
}

/* fork + exec ourselves with "report FD"; false if anything failed. */
static bool spawn(struct report *r)
{
    int p[2];
    if (pipe(p))
        return false;
    pid_t pid = fork();
    if (pid == 0) {
        char fd[16];
        snprintf(fd, sizeof(fd), "%d", p[1]);
        close(p[0]);
        char *args[] = { SELF, "report", fd, NULL };
        execv(SELF, args);
        _exit(127);
    }
    close(p[1]);
    ssize_t n = pid > 0 ? read(p[0], r, sizeof(*r)) : -1;
    close(p[0]);
    int st = -1;
    if (pid > 0)
        waitpid(pid, &st, 0);
    return n == (ssize_t)sizeof(*r) && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static char desc[160];
static const char *d(const char *fmt, const char *s)
{
    snprintf(desc, sizeof(desc), fmt, s);
    return desc;
}

static bool write_rvs(const char *s)
{
    int fd = open(RVS, O_WRONLY);
    bool ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);
    if (fd >= 0)
        close(fd);
    return ok;
}

static long write_rvs_err(const char *s)
{
    int fd = open(RVS, O_WRONLY);
    if (fd < 0)
        return -errno;
    long r = write(fd, s, strlen(s));
    r = r < 0 ? -errno : r;
    close(fd);
    return r;
}

static int read_rvs(void)
{
    char b[8] = "";
    int fd = open(RVS, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, b, sizeof(b) - 1);
    close(fd);
    return n == 2 && b[1] == '\n' ? b[0] - '0' : -1;
}

#define NRAND 8

/* 1 + 5 + 3 checks */
static void randomised(void)
{
    struct report r[NRAND];
    bool ok = true;
    for (int i = 0; i < NRAND; i++)
        ok = spawn(&r[i]) && ok;
    tap_ok(ok, "8 fork+exec'd children report their layout");
    for (int f = 0; f < NFIELDS; f++) {
        int distinct = 0;
        for (int i = 0; i < NRAND; i++) {
            bool seen = false;
            for (int j = 0; j < i; j++)
                seen = seen || r[j].v[f] == r[i].v[f];
            distinct += !seen;
        }
        tap_ok(ok && distinct >= 2, d("the %s address is randomised (at least 2 distinct values in 8 execs)", field[f]));
    }
    bool sp = true, mm = true, vd = true;
    for (int i = 0; i < NRAND; i++) {
        sp = sp && r[i].sp0 % 16 == 0;
        mm = mm && r[i].v[1] % 4096 == 0;
        vd = vd && r[i].v[3] % 4096 == 0;
    }
    tap_ok(ok && sp, "the initial stack pointer stays 16-byte aligned");
    tap_ok(ok && mm, "mmap addresses stay page-aligned");
    tap_ok(ok && vd, "the vDSO stays page-aligned");
}

/* 1 + 5 checks: two execs under the current settings lay out identically. */
static void fixed(const char *why)
{
    struct report a, b;
    bool ok = spawn(&a) && spawn(&b);
    tap_ok(ok, d("two children run %s", why));
    for (int f = 0; f < NFIELDS; f++) {
        char s[160];
        snprintf(s, sizeof(s), "%s: the %s address is the same in both", why, field[f]);
        tap_ok(ok && a.v[f] == b.v[f], s);
    }
}

/* 5 checks */
static void personality_checks(void)
{
    tap_eq_long(personality(0xffffffff), PER_LINUX, "personality(0xffffffff) reads PER_LINUX");
    tap_eq_long(personality(PER_LINUX | ADDR_NO_RANDOMIZE), PER_LINUX, "personality(ADDR_NO_RANDOMIZE) returns the old value");
    tap_eq_long(personality(0xffffffff), ADDR_NO_RANDOMIZE, "the flag is set");
    fixed("with ADDR_NO_RANDOMIZE");
    tap_eq_long(personality(PER_LINUX), ADDR_NO_RANDOMIZE, "personality(PER_LINUX) clears it again");
    tap_eq_long(personality(0xffffffff), PER_LINUX, "and it reads back PER_LINUX");
}

/* 6 checks */
static void sysctl_checks(void)
{
    tap_eq_long(read_rvs(), 2, RVS " reads 2 (full randomisation) by default");
    tap_eq_long(write_rvs_err("x\n"), -EINVAL, "writing a non-number fails with EINVAL");
    tap_eq_long(read_rvs(), 2, "a rejected write changes nothing");
    tap_ok(write_rvs("3\n") && read_rvs() == 3, "any int is accepted (3 acts as 2)");
    tap_ok(write_rvs("0\n") && read_rvs() == 0, "root sets randomize_va_space to 0");
    fixed("with randomize_va_space=0");
    tap_ok(write_rvs("2\n") && read_rvs() == 2, "and back to 2");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "report") == 0)
        return child(atoi(argv[2]), argv);
    tap_plan(1 + 12 + 9 + 11);
    tap_eq_long(mount("proc", "/proc", "proc", 0, NULL), 0, "mount /proc");
    sysctl_checks();
    randomised();
    personality_checks();
    tap_finish();
}
