// SPDX-License-Identifier: MPL-2.0
// Boot test /init: a child that touches more memory than the machine has dies by SIGKILL; init lives on;
// the OOM killer picks the largest process (not the allocating one) and honours oom_score_adj -1000.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sysinfo.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define CHUNK (4UL << 20)
#define MAX_CHUNKS 1024         /* 4 GiB: far more than the test machine's memory */

/* Touch page after page until the kernel kills us; exit 3 if it never does. */
static void hog(void)
{
    for (int i = 0; i < MAX_CHUNKS; i++) {
        volatile uint8_t *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            _exit(4);
        for (unsigned long off = 0; off < CHUNK; off += 4096)
            p[off] = 1;
    }
    _exit(3);
}

/* Run one hog; its wait status. */
static int run_hog(void)
{
    pid_t pid = fork();
    if (pid == 0)
        hog();
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

/* Touch bytes of memory, tell the parent on ready, then sleep until killed. */
static _Noreturn void idle_hog(long bytes, int ready, int adj)
{
    char path[48], val[16];
    snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)getpid());
    snprintf(val, sizeof(val), "%d\n", adj);
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, val, strlen(val)) != (long)strlen(val))
        _exit(8);
    close(fd);
    volatile uint8_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(4);
    for (long off = 0; off < bytes; off += 4096)
        p[off] = 1;
    if (write(ready, "r", 1) != 1)
        _exit(5);
    for (;;)
        pause();
}

/*
 * Touch bytes of memory a page at a time, then exit 0 (4: mmap failed). One
 * mapping up front: only page faults allocate, so running out of memory is
 * always a fault (the OOM killer), never an mmap failure.
 */
static _Noreturn void small_steps(long bytes)
{
    volatile uint8_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(4);
    for (long off = 0; off < bytes; off += 4096)
        p[off] = 2;
    _exit(0);
}

static int wait_status(pid_t pid)
{
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

/*
 * An idle hog holding most of the free memory (oom_score_adj adj) and a small
 * process that then needs more than is left, touching a page at a time. Returns the
 * hog's and the small one's wait status; the hog is killed by us if it lives.
 */
static void victim_round(int adj, int *hog_st, int *small_st, bool *hog_lived)
{
    struct sysinfo si;
    sysinfo(&si);
    long total = (long)si.totalram * (long)si.mem_unit, free0 = (long)si.freeram * (long)si.mem_unit;
    long hog_bytes = total / 10 * 6;
    if (hog_bytes > free0 / 4 * 3)
        hog_bytes = free0 / 4 * 3;
    int ready[2];
    pipe(ready);
    pid_t hog = fork();
    if (hog == 0)
        idle_hog(hog_bytes, ready[1], adj);
    close(ready[1]);
    char c;
    bool up = read(ready[0], &c, 1) == 1;      /* the hog holds its memory now */
    close(ready[0]);
    pid_t small = up ? fork() : -1;
    if (small == 0)
        small_steps(total / 2);
    *small_st = small > 0 ? wait_status(small) : -1;
    *hog_lived = waitpid(hog, hog_st, WNOHANG) == 0;
    if (*hog_lived) {
        kill(hog, SIGKILL);
        wait_status(hog);
    }
}

int main(void)
{
    tap_plan(4 + 5);
    mount("proc", "/proc", "proc", 0, NULL);
    int st = run_hog();
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "a process touching more memory than exists dies by SIGKILL");
    if (!WIFSIGNALED(st))
        tap_diag_long("hog exit status", WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int st2 = -1;
    waitpid(pid, &st2, 0);
    tap_ok(WIFEXITED(st2) && WEXITSTATUS(st2) == 0, "the parent survives and can still fork");
    st = run_hog();
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the memory came back: a second hog is killed the same way");
    void *p = mmap(NULL, 32UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int ok = p != MAP_FAILED;
    for (unsigned long off = 0; ok && off < (32UL << 20); off += 4096)
        ((volatile uint8_t *)p)[off] = 2;
    tap_ok(ok, "init can touch 32 MiB afterwards");
    munmap(p, 32UL << 20);
    int hog_st = -1, small_st = -1;
    bool hog_lived = true;
    victim_round(0, &hog_st, &small_st, &hog_lived);
    tap_ok(!hog_lived && WIFSIGNALED(hog_st) && WTERMSIG(hog_st) == SIGKILL,
           "the largest process, an idle hog, is the one killed by SIGKILL");
    tap_ok(WIFEXITED(small_st) && WEXITSTATUS(small_st) == 0, "the small allocating process survives and completes");
    if (!WIFEXITED(small_st) || WEXITSTATUS(small_st))
        tap_diag_long("small process status", small_st, 0);
    victim_round(-1000, &hog_st, &small_st, &hog_lived);
    tap_ok(hog_lived, "a hog with oom_score_adj -1000 is never chosen");
    tap_ok(WIFSIGNALED(small_st) && WTERMSIG(small_st) == SIGKILL, "the allocating process is killed instead");
    if (!WIFSIGNALED(small_st))
        tap_diag_long("small process status", small_st, 0);
    st = run_hog();
    tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "a third hog is still killed: the memory came back");
    tap_finish();
}
