// SPDX-License-Identifier: MPL-2.0
// ABI suite: execve releases the old image's robust futex list (owner-died marking) and forgets it.
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define OWNER_DIED 0x40000000u
#define WAITERS    0x80000000u

struct rhead { uint64_t list; int64_t futex_offset; uint64_t pending; };

static int child_status(pid_t pid)
{
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

/* Run in the exec'd image: its robust list must be empty. */
static int check_no_robust_list(void)
{
    uint64_t head = 1;
    size_t len = 0;
    if (syscall(SYS_get_robust_list, 0, &head, &len))
        return 2;
    return head == 0 ? 0 : 1;
}

/* A child holding two robust futexes (one listed, one pending) in shared memory, then execs with how. */
static int run(char *shm, const char *how, int *tid)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rhead *h = (struct rhead *)shm;
        uint64_t *entry = (uint64_t *)(shm + 64), *pend = (uint64_t *)(shm + 128);
        uint32_t *f1 = (uint32_t *)(shm + 72), *f2 = (uint32_t *)(shm + 136);
        int me = (int)syscall(SYS_gettid);
        *f1 = (uint32_t)me | WAITERS;
        *f2 = (uint32_t)me;
        *entry = (uint64_t)(uintptr_t)h;
        h->list = (uint64_t)(uintptr_t)entry;
        h->futex_offset = 8;
        h->pending = (uint64_t)(uintptr_t)pend;
        (void)pend;
        if (syscall(SYS_set_robust_list, h, sizeof(*h)))
            _exit(10);
        char *argv[] = { "/init", (char *)how, NULL }, *envp[] = { NULL };
        execve("/init", argv, envp);
        _exit(11);
    }
    *tid = pid;
    return child_status(pid);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "norobust"))
        _exit(check_no_robust_list());
    if (argc > 1 && !strcmp(argv[1], "exit0"))
        _exit(0);
    tap_plan(7);
    char *shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    tap_ok(shm != MAP_FAILED, "shared page for the futexes");
    int tid = 0;
    int st = run(shm, "norobust", &tid);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "after execve the robust list is empty (get_robust_list gives 0)");
    uint32_t f1 = *(uint32_t *)(shm + 72), f2 = *(uint32_t *)(shm + 136);
    tap_eq_long(f1 & OWNER_DIED, OWNER_DIED, "execve marks a held listed robust futex FUTEX_OWNER_DIED");
    tap_eq_long(f1 & WAITERS, WAITERS, "the FUTEX_WAITERS bit is kept");
    tap_eq_long(f1 & 0x3fffffff, 0, "the owner tid is cleared");
    tap_ok(tid > 0, "the child ran");
    tap_eq_long(f2, OWNER_DIED, "execve marks the pending robust futex FUTEX_OWNER_DIED");
    tap_finish();
}
