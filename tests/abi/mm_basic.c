// SPDX-License-Identifier: MPL-2.0
// ABI suite: mmap, munmap, mprotect, brk, mremap, madvise, msync (contents and errno), and fork copy-on-write.
#include <errno.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "proc_test.h"

#define PG 4096L

static long raw(long nr, long a, long b, long c, long d, long e, long f)
{
    long r = syscall(nr, a, b, c, d, e, f);
    return r < 0 ? -errno : r;
}

/* Does a child that reads (or writes) addr die from SIGSEGV? */
static int segv_on(volatile char *addr, int write) { return child_touch_signal(addr, write) == SIGSEGV; }

static long xmmap(long addr, long len, long prot, long flags)
{
    return raw(SYS_mmap, addr, len, prot, flags, -1, 0);
}

static void test_mmap_anon(void)
{
    long a = xmmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    tap_ok(a > 0 && (a & (PG - 1)) == 0, "anonymous mmap returns a page-aligned address");
    char *p = (char *)a;
    tap_ok(p[0] == 0 && p[PG] == 0 && p[3 * PG - 1] == 0, "anonymous pages read as zero");
    memset(p, 0x5a, 3 * PG);
    tap_ok(p[2 * PG + 17] == 0x5a, "anonymous pages keep what is written");
    tap_eq_long(raw(SYS_munmap, a + PG, PG, 0, 0, 0, 0), 0, "munmap of the middle page succeeds");
    tap_ok(segv_on(p + PG, 0), "reading an unmapped hole kills with SIGSEGV");
    tap_ok(p[0] == 0x5a && p[2 * PG] == 0x5a, "pages around the hole survive a partial munmap");
    long b = xmmap(a + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
    tap_eq_long(b, a + PG, "MAP_FIXED maps exactly at the hole");
    tap_ok(p[PG] == 0, "the refilled hole is zero");
    long c = xmmap(a, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
    tap_eq_long(c, -EEXIST, "MAP_FIXED_NOREPLACE over a mapping fails with EEXIST");
    long d = xmmap(a, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
    tap_ok(d == a && p[0] == 0, "MAP_FIXED over a mapping replaces it with zero pages");
    raw(SYS_munmap, a, 3 * PG, 0, 0, 0, 0);
}

static void test_mmap_errors(void)
{
    tap_eq_long(xmmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS), -EINVAL, "mmap of length 0 fails with EINVAL");
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_ANONYMOUS), -EINVAL, "mmap without SHARED or PRIVATE fails with EINVAL");
    tap_eq_long(xmmap(PG + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), -EINVAL,
                "MAP_FIXED at an unaligned address fails with EINVAL");
    tap_eq_long(raw(SYS_mmap, 0, PG, PROT_READ, MAP_PRIVATE, -1, 0), -EBADF, "file mmap of fd -1 fails with EBADF");
    tap_eq_long(raw(SYS_mmap, 0, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123), -EINVAL,
                "mmap with an unaligned offset fails with EINVAL");
    tap_eq_long(xmmap(0, -PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS), -ENOMEM, "mmap of a huge length fails with ENOMEM");
    tap_eq_long(raw(SYS_munmap, PG + 1, PG, 0, 0, 0, 0), -EINVAL, "munmap at an unaligned address fails with EINVAL");
    tap_eq_long(raw(SYS_munmap, 0x100000, 0, 0, 0, 0, 0), -EINVAL, "munmap of length 0 fails with EINVAL");
    tap_eq_long(raw(SYS_munmap, 0x7f0000000000L - 16 * PG, PG, 0, 0, 0, 0), 0, "munmap of an unmapped range succeeds");
}

static void test_mprotect(void)
{
    long a = xmmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    char *p = (char *)a;
    p[0] = 7;
    tap_eq_long(raw(SYS_mprotect, a, PG, PROT_READ, 0, 0, 0), 0, "mprotect to read-only succeeds");
    tap_ok(p[0] == 7, "a read-only page keeps its contents");
    tap_ok(segv_on(p, 1), "writing a read-only page kills with SIGSEGV");
    tap_ok(!segv_on(p + PG, 1), "the other half of a split mapping stays writable");
    tap_eq_long(raw(SYS_mprotect, a, PG, PROT_NONE, 0, 0, 0), 0, "mprotect to PROT_NONE succeeds");
    tap_ok(segv_on(p, 0), "reading a PROT_NONE page kills with SIGSEGV");
    tap_eq_long(raw(SYS_mprotect, a, PG, PROT_READ | PROT_WRITE, 0, 0, 0), 0, "mprotect back to read-write succeeds");
    p[1] = 8;
    tap_ok(p[0] == 7 && p[1] == 8, "contents survive PROT_NONE and come back writable");
    tap_eq_long(raw(SYS_mprotect, a + 1, PG, PROT_READ, 0, 0, 0), -EINVAL, "mprotect at an unaligned address fails with EINVAL");
    tap_eq_long(raw(SYS_mprotect, a, PG, 0x40, 0, 0, 0), -EINVAL, "mprotect with unknown prot bits fails with EINVAL");
    raw(SYS_munmap, a, 2 * PG, 0, 0, 0, 0);
    tap_eq_long(raw(SYS_mprotect, a, PG, PROT_READ, 0, 0, 0), -ENOMEM, "mprotect of an unmapped range fails with ENOMEM");
    long g = xmmap(0, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
    tap_ok(g > 0 && segv_on((char *)g, 0), "a PROT_NONE guard mapping faults on access");
    raw(SYS_munmap, g, PG, 0, 0, 0, 0);
}

static void test_brk(void)
{
    long cur = raw(SYS_brk, 0, 0, 0, 0, 0, 0);
    tap_ok(cur > 0, "brk(0) returns the current break");
    long nb = raw(SYS_brk, cur + 3 * PG, 0, 0, 0, 0, 0);
    tap_eq_long(nb, cur + 3 * PG, "brk grows the heap");
    char *h = (char *)cur;
    tap_ok(h[0] == 0 && h[3 * PG - 1] == 0, "new heap memory is zero");
    memset(h, 0x33, 3 * PG);
    tap_eq_long(raw(SYS_brk, cur + PG, 0, 0, 0, 0, 0), cur + PG, "brk shrinks the heap");
    tap_ok(segv_on(h + 2 * PG, 0), "memory above a shrunk break is gone");
    tap_eq_long(raw(SYS_brk, cur + 3 * PG, 0, 0, 0, 0, 0), cur + 3 * PG, "brk grows again");
    tap_ok(h[0] == 0x33 && h[2 * PG] == 0, "regrown heap is zero above the old break and kept below");
    tap_eq_long(raw(SYS_brk, 4096, 0, 0, 0, 0, 0), cur + 3 * PG, "brk below the heap start returns the old break");
    raw(SYS_brk, cur, 0, 0, 0, 0, 0);
}

static void test_mremap(void)
{
    long a = xmmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    char *p = (char *)a;
    p[0] = 'a';
    p[PG] = 'b';
    /* Reserve the page after so growing in place is impossible. */
    long blk = xmmap(a + 2 * PG, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
    tap_eq_long(raw(SYS_mremap, a, 2 * PG, 4 * PG, 0, 0, 0), -ENOMEM, "mremap growing into a neighbour without MAYMOVE fails");
    long n = raw(SYS_mremap, a, 2 * PG, 4 * PG, MREMAP_MAYMOVE, 0, 0);
    tap_ok(n > 0 && n != a, "mremap with MREMAP_MAYMOVE moves the mapping");
    char *q = (char *)n;
    tap_ok(n > 0 && q[0] == 'a' && q[PG] == 'b' && q[3 * PG] == 0, "moved mapping keeps its contents, the tail is zero");
    tap_ok(segv_on(p, 0), "the old range is unmapped after a move");
    long s = raw(SYS_mremap, n, 4 * PG, PG, 0, 0, 0);
    tap_ok(s == n && segv_on(q + PG, 0), "mremap shrinks in place and unmaps the tail");
    tap_eq_long(raw(SYS_mremap, n + 1, PG, PG, 0, 0, 0), -EINVAL, "mremap at an unaligned address fails with EINVAL");
    tap_eq_long(raw(SYS_mremap, n, PG, PG, 8, 0, 0), -EINVAL, "mremap with unknown flags fails with EINVAL");
    tap_eq_long(raw(SYS_mremap, n, PG, 2 * PG, MREMAP_FIXED, n + 8 * PG, 0), -EINVAL, "MREMAP_FIXED without MAYMOVE fails");
    tap_eq_long(raw(SYS_mremap, a, PG, 2 * PG, MREMAP_MAYMOVE, 0, 0), -EFAULT, "mremap of an unmapped range fails with EFAULT");
    raw(SYS_munmap, n, PG, 0, 0, 0, 0);
    raw(SYS_munmap, blk, PG, 0, 0, 0, 0);
}

static void test_madvise_msync(void)
{
    long a = xmmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    char *p = (char *)a;
    p[0] = 1;
    p[PG] = 2;
    tap_eq_long(raw(SYS_madvise, a, PG, MADV_DONTNEED, 0, 0, 0), 0, "madvise(MADV_DONTNEED) succeeds");
    tap_ok(p[0] == 0 && p[PG] == 2, "MADV_DONTNEED zero-fills private anonymous pages in the range only");
    tap_eq_long(raw(SYS_madvise, a, PG, 9999, 0, 0, 0), -EINVAL, "madvise with an unknown advice fails with EINVAL");
    tap_eq_long(raw(SYS_madvise, a + 1, PG, MADV_NORMAL, 0, 0, 0), -EINVAL, "madvise at an unaligned address fails with EINVAL");
    tap_eq_long(raw(SYS_msync, a, PG, MS_SYNC, 0, 0, 0), 0, "msync of a mapped range succeeds");
    tap_eq_long(raw(SYS_msync, a, PG, MS_SYNC | MS_ASYNC, 0, 0, 0), -EINVAL, "msync with both SYNC and ASYNC fails with EINVAL");
    tap_eq_long(raw(SYS_msync, a + 1, PG, MS_SYNC, 0, 0, 0), -EINVAL, "msync at an unaligned address fails with EINVAL");
    raw(SYS_munmap, a, 2 * PG, 0, 0, 0, 0);
    tap_eq_long(raw(SYS_msync, a, PG, MS_SYNC, 0, 0, 0), -ENOMEM, "msync of an unmapped range fails with ENOMEM");
    tap_eq_long(raw(SYS_madvise, a, PG, MADV_DONTNEED, 0, 0, 0), -ENOMEM, "madvise of an unmapped range fails with ENOMEM");
}

static void test_fork_cow(void)
{
    long a = xmmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    long s = xmmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
    volatile int *priv = (int *)a, *shared = (int *)s;
    priv[0] = 100;
    shared[0] = 200;
    static int data_var = 300;
    pid_t pid = fork();
    if (pid == 0) {
        int ok = priv[0] == 100 && shared[0] == 200 && data_var == 300;
        priv[0] = 101;
        shared[0] = 201;
        data_var = 301;
        priv[PG / 4] = 5;   /* a page the parent never touched */
        _exit(ok ? 0 : 1);
    }
    int st = -1;
    tap_eq_long(waitpid(pid, &st, 0), pid, "waitpid returns the forked child");
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child sees the parent's memory at fork");
    tap_eq_long(priv[0], 100, "a private page written by the child is unchanged in the parent (COW)");
    tap_eq_long(data_var, 300, "a data-segment variable written by the child is unchanged in the parent");
    tap_eq_long(shared[0], 201, "a MAP_SHARED anonymous page written by the child is seen by the parent");
    tap_eq_long(priv[PG / 4], 0, "a page first touched by the child stays zero in the parent");
    priv[0] = 102;
    tap_eq_long(priv[0], 102, "the parent can write its page after the child exited");
}

static void test_growsdown(void)
{
    long top = 0x200000000000L;   /* far from every other mapping: room to grow */
    long a = xmmap(top, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE);
    tap_eq_long(a, top, "a MAP_GROWSDOWN mapping is placed");
    tap_eq_long(raw(SYS_mprotect, a - PG, PG, PROT_READ | PROT_WRITE, 0, 0, 0), -ENOMEM, "the page below it is not mapped yet");
    pid_t pid = fork();
    if (pid == 0) {
        ((volatile char *)a)[-3 * PG] = 1;
        _exit(raw(SYS_mprotect, a - 3 * PG, 4 * PG, PROT_READ | PROT_WRITE, 0, 0, 0) == 0 ? 0 : 1);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    tap_eq_long(st, 0, "touching below a MAP_GROWSDOWN mapping grows it down to that page");
    raw(SYS_munmap, a, PG, 0, 0, 0, 0);
}

int main(void)
{
    tap_plan(67);
    test_mmap_anon();
    test_mmap_errors();
    test_mprotect();
    test_brk();
    test_mremap();
    test_madvise_msync();
    test_fork_cow();
    test_growsdown();
    tap_finish();
}
