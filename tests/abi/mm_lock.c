// SPDX-License-Identifier: MPL-2.0
// ABI suite: mlock, mlock2, munlock, mlockall, munlockall (VmLck, flags, ranges) and mincore.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "proc_test.h"

#define PG 4096L

static long R(long r) { return r < 0 ? -errno : r; }

static char *anon(long pages)
{
    return mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void mincore_checks(void)
{
    char *p = anon(4);
    unsigned char v[4] = { 9, 9, 9, 9 };
    tap_eq_long(R(mincore(p, 4 * PG, v)), 0, "mincore of a fresh anonymous mapping");
    tap_ok(v[0] == 0 && v[3] == 0, "untouched anonymous pages are not resident");
    p[0] = 1;
    p[2 * PG] = 1;
    mincore(p, 4 * PG, v);
    tap_ok(v[0] == 1 && v[1] == 0 && v[2] == 1 && v[3] == 0, "touched pages are resident, the others not");
    tap_eq_long(R(mincore(p + 1, PG, v)), -EINVAL, "an unaligned address is EINVAL");
    tap_eq_long(R(mincore(p, PG, (unsigned char *)16)), -EFAULT, "a bad vector is EFAULT");
    munmap(p + PG, PG);
    tap_eq_long(R(mincore(p, 4 * PG, v)), -ENOMEM, "a range with a hole is ENOMEM");
    tap_eq_long(R(mincore(p, 0, v)), 0, "a zero length is 0");
    munmap(p, 4 * PG);
}

static void mlock_checks(void)
{
    long base = proc_status_kb("VmLck:");
    tap_eq_long(base, 0, "VmLck starts at 0");
    char *p = anon(4);
    tap_eq_long(R(mlock(p, 3 * PG)), 0, "mlock of three pages");
    tap_eq_long(proc_status_kb("VmLck:"), 12, "VmLck counts them (12 kB)");
    unsigned char v[4];
    mincore(p, 4 * PG, v);
    tap_ok(v[0] == 1 && v[2] == 1 && v[3] == 0, "mlock makes the pages resident, not the rest");
    tap_eq_long(R(madvise(p, PG, MADV_DONTNEED)), -EINVAL, "MADV_DONTNEED of locked pages is EINVAL");
    pid_t pid = fork();
    if (pid == 0)
        _exit(proc_status_kb("VmLck:") == 0 ? 0 : 1);
    int st;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child does not inherit locks");
    tap_eq_long(R(munlock(p + PG, PG)), 0, "munlock of the middle page");
    tap_eq_long(proc_status_kb("VmLck:"), 8, "VmLck drops to 8 kB");
    tap_eq_long(R(munlock(p, 4 * PG)), 0, "munlock of the whole mapping");
    tap_eq_long(proc_status_kb("VmLck:"), 0, "VmLck is back to 0");
    tap_eq_long(R(mlock(p + 100, 10)), 0, "mlock of an unaligned range locks its page");
    tap_eq_long(proc_status_kb("VmLck:"), 4, "VmLck is 4 kB");
    munlock(p, PG);
    tap_eq_long(R(mlock(p, 0)), 0, "mlock of zero bytes is 0");
    munmap(p + 3 * PG, PG);
    tap_eq_long(R(mlock(p, 4 * PG)), -ENOMEM, "mlock over an unmapped page is ENOMEM");
    tap_eq_long(R(munlock(p, 4 * PG)), -ENOMEM, "munlock over an unmapped page is ENOMEM");
    tap_eq_long(R(syscall(SYS_mlock2, p, PG, 2)), -EINVAL, "mlock2 with an unknown flag is EINVAL");
    char *q = anon(2);
    tap_eq_long(R(syscall(SYS_mlock2, q, 2 * PG, MLOCK_ONFAULT)), 0, "mlock2 MLOCK_ONFAULT");
    mincore(q, 2 * PG, v);
    tap_ok(v[0] == 0 && v[1] == 0 && proc_status_kb("VmLck:") == 8, "MLOCK_ONFAULT locks without faulting pages in");
    munlock(q, 2 * PG);
    munmap(q, 2 * PG);
    munmap(p, 3 * PG);
}

static void mlockall_checks(void)
{
    tap_eq_long(R(mlockall(0)), -EINVAL, "mlockall(0) is EINVAL");
    tap_eq_long(R(mlockall(MCL_ONFAULT)), -EINVAL, "mlockall(MCL_ONFAULT) alone is EINVAL");
    tap_eq_long(R(mlockall(8 | MCL_CURRENT)), -EINVAL, "mlockall with an unknown flag is EINVAL");
    tap_eq_long(R(mlockall(MCL_CURRENT | MCL_ONFAULT)), 0, "mlockall(MCL_CURRENT | MCL_ONFAULT)");
    tap_ok(proc_status_kb("VmLck:") > 0, "every mapping is now counted in VmLck");
    tap_eq_long(R(munlockall()), 0, "munlockall");
    tap_eq_long(proc_status_kb("VmLck:"), 0, "VmLck is 0 again");
    tap_eq_long(R(mlockall(MCL_FUTURE)), 0, "mlockall(MCL_FUTURE)");
    char *p = anon(2);
    tap_eq_long(proc_status_kb("VmLck:"), 8, "a later mapping is locked");
    munlockall();
    tap_eq_long(proc_status_kb("VmLck:"), 0, "munlockall unlocks it and ends MCL_FUTURE");
    char *q = anon(1);
    tap_eq_long(proc_status_kb("VmLck:"), 0, "mappings after munlockall are not locked");
    munmap(p, 2 * PG);
    munmap(q, PG);
}

int main(void)
{
    tap_plan(36);
    mount("proc", "/proc", "proc", 0, NULL);
    mincore_checks();
    mlock_checks();
    mlockall_checks();
    tap_finish();
}
