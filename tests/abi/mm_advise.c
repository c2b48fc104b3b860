// SPDX-License-Identifier: MPL-2.0
// ABI suite: madvise advice values and their effects (DONTNEED, FREE, fork-time advice, POPULATE, REMOVE errors).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define PG 4096L
#ifndef MADV_COLD
#define MADV_COLD 20
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif

static long R(long r) { return r < 0 ? -errno : r; }

static char *map(long pages, int prot, int flags)
{
    return mmap(NULL, pages * PG, prot, flags | MAP_ANONYMOUS, -1, 0);
}

/* Fork a child that reads p[0]: its exit status is that byte, or 100 + the signal that killed it. */
static int child_reads(volatile char *p)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(p[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? 100 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void basics(void)
{
    char *p = map(2, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    tap_eq_long(R(madvise(p, PG, 999)), -EINVAL, "an unknown advice is EINVAL");
    tap_eq_long(R(madvise(p + 1, PG, MADV_NORMAL)), -EINVAL, "an unaligned address is EINVAL");
    tap_eq_long(R(madvise(p, 0, MADV_DONTNEED)), 0, "a zero length is 0");
    tap_eq_long(R(madvise(p, 3 * PG, MADV_WILLNEED)), -ENOMEM, "a range past the mapping is ENOMEM");
    static const int hints[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTDUMP,
                                 MADV_DODUMP, MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_COLD, MADV_PAGEOUT };
    int ok = 0;
    for (unsigned i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
        ok += madvise(p, 2 * PG, hints[i]) == 0;
    tap_eq_long(ok, 10, "access, dump, huge-page and reclaim hints are accepted");
    memset(p, 7, 2 * PG);
    tap_eq_long(R(madvise(p, PG, MADV_DONTNEED)), 0, "MADV_DONTNEED");
    tap_ok(p[0] == 0 && p[PG] == 7, "private anonymous pages read as zero after MADV_DONTNEED");
    tap_eq_long(R(madvise(p, 2 * PG, MADV_FREE)), 0, "MADV_FREE on private anonymous memory");
    tap_eq_long(R(madvise(p, PG, MADV_REMOVE)), -EINVAL, "MADV_REMOVE on private anonymous memory is EINVAL");
    mlock(p, PG);
    tap_eq_long(R(madvise(p, PG, MADV_DONTNEED)), -EINVAL, "MADV_DONTNEED of locked memory is EINVAL");
    tap_eq_long(R(madvise(p, PG, MADV_COLD)), -EINVAL, "MADV_COLD of locked memory is EINVAL");
    p[0] = 5;
    tap_eq_long(R(madvise(p, PG, MADV_DONTNEED_LOCKED)), 0, "MADV_DONTNEED_LOCKED of locked memory");
    tap_ok(p[0] == 0, "and it discards the page");
    munlock(p, PG);
    munmap(p, 2 * PG);
    char *s = map(1, PROT_READ | PROT_WRITE, MAP_SHARED);
    tap_eq_long(R(madvise(s, PG, MADV_FREE)), -EINVAL, "MADV_FREE on shared memory is EINVAL");
    tap_eq_long(R(madvise(s, PG, MADV_WIPEONFORK)), -EINVAL, "MADV_WIPEONFORK on shared memory is EINVAL");
    munmap(s, PG);
}

static void fork_advice(void)
{
    char *p = map(1, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    p[0] = 42;
    tap_eq_long(R(madvise(p, PG, MADV_DONTFORK)), 0, "MADV_DONTFORK");
    tap_eq_long(child_reads(p), 100 + SIGSEGV, "a child has no MADV_DONTFORK mapping (SIGSEGV)");
    madvise(p, PG, MADV_DOFORK);
    tap_eq_long(child_reads(p), 42, "MADV_DOFORK gives it back to children");
    tap_eq_long(R(madvise(p, PG, MADV_WIPEONFORK)), 0, "MADV_WIPEONFORK");
    tap_eq_long(child_reads(p), 0, "a child sees a MADV_WIPEONFORK page as zero");
    tap_ok(p[0] == 42, "the parent keeps its data");
    madvise(p, PG, MADV_KEEPONFORK);
    tap_eq_long(child_reads(p), 42, "MADV_KEEPONFORK restores copying");
    munmap(p, PG);
}

static void populate(void)
{
    char *p = map(4, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    unsigned char v[4];
    tap_eq_long(R(madvise(p, 4 * PG, MADV_POPULATE_WRITE)), 0, "MADV_POPULATE_WRITE");
    mincore(p, 4 * PG, v);
    tap_ok(v[0] && v[1] && v[2] && v[3], "it makes every page resident");
    char *r = map(1, PROT_READ, MAP_PRIVATE);
    tap_eq_long(R(madvise(r, PG, MADV_POPULATE_WRITE)), -EINVAL, "MADV_POPULATE_WRITE of read-only memory is EINVAL");
    tap_eq_long(R(madvise(r, PG, MADV_POPULATE_READ)), 0, "MADV_POPULATE_READ of read-only memory");
    char *n = map(1, PROT_NONE, MAP_PRIVATE);
    tap_eq_long(R(madvise(n, PG, MADV_POPULATE_READ)), -EINVAL, "MADV_POPULATE_READ of PROT_NONE memory is EINVAL");
    int fd = open("/tmp/adv", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "x", 1);
    char *f = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    tap_eq_long(R(madvise(f, 2 * PG, MADV_POPULATE_READ)), -EFAULT, "populating a page past the end of file is EFAULT");
    char *pf = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    tap_eq_long(R(madvise(pf, PG, MADV_REMOVE)), -EACCES, "MADV_REMOVE of a private file mapping is EACCES");
    munmap(pf, PG);
    close(fd);
    munmap(f, 2 * PG);
    munmap(p, 4 * PG);
    munmap(r, PG);
    munmap(n, PG);
}

int main(void)
{
    tap_plan(29);
    basics();
    fork_advice();
    populate();
    tap_finish();
}
