// SPDX-License-Identifier: MPL-2.0
// Boot test /init: a child that touches more memory than the machine has dies by SIGKILL; init lives on.
#include <errno.h>
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

int main(void)
{
    tap_plan(4);
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
    tap_finish();
}
