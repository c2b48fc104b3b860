// SPDX-License-Identifier: MPL-2.0
// ABI suite: getrusage memory fields: ru_maxrss (peak resident set, across exec, of children) and ru_minflt.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "proc_test.h"

#define MiB (1UL << 20)

static int child_status(pid_t pid)
{
    int st = -1;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

static struct rusage usage(int who)
{
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    getrusage(who, &ru);
    return ru;
}

/* Map and write every page of len bytes (kept mapped unless unmap). */
static void touch(size_t len, int unmap)
{
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return;
    madvise(p, len, MADV_NOHUGEPAGE);
    for (size_t i = 0; i < len; i += 4096)
        p[i] = 1;
    if (unmap)
        munmap(p, len);
}

static void test_self(void)
{
    struct rusage a = usage(RUSAGE_SELF);
    tap_ok(a.ru_maxrss > 0, "ru_maxrss of a running process is positive");
    tap_ok(a.ru_minflt > 0, "a process that started has had page faults");
    touch(8 * MiB, 1);
    struct rusage b = usage(RUSAGE_SELF);
    tap_ok(b.ru_minflt - a.ru_minflt >= 2048, "touching 8 MiB counts a fault per page in ru_minflt");
    tap_eq_long(b.ru_majflt - a.ru_majflt, 0, "anonymous faults are not major");
    tap_ok(b.ru_maxrss - a.ru_maxrss >= 7 * 1024, "ru_maxrss rose by the 8 MiB touched (KiB)");
    touch(MiB, 1);
    struct rusage c = usage(RUSAGE_SELF);
    tap_ok(c.ru_maxrss >= b.ru_maxrss, "ru_maxrss is a high-water mark: unmapping does not lower it");
    struct rusage t = usage(RUSAGE_THREAD);
    tap_ok(t.ru_minflt > 0 && t.ru_minflt <= c.ru_minflt + 16, "RUSAGE_THREAD counts the thread's faults");
}

static void test_children(void)
{
    struct rusage before = usage(RUSAGE_CHILDREN);
    tap_eq_long(before.ru_maxrss, 0, "no child reaped yet: children ru_maxrss is 0");
    pid_t pid = fork();
    if (pid == 0) {
        touch(24 * MiB, 0);
        _exit(0);
    }
    int st = child_status(pid);
    tap_ok(WIFEXITED(st), "child exited");
    struct rusage after = usage(RUSAGE_CHILDREN);
    tap_ok(after.ru_maxrss >= 22 * 1024, "a reaped child's peak shows in RUSAGE_CHILDREN ru_maxrss");
    tap_ok(after.ru_minflt - before.ru_minflt >= 6144, "a reaped child's faults add to RUSAGE_CHILDREN ru_minflt");
    struct rusage self = usage(RUSAGE_SELF);
    tap_ok(self.ru_maxrss < 24 * 1024, "the child's pages are not in the parent's ru_maxrss");
}

static void test_status(void)
{
    long rss0 = proc_status_kb("VmRSS:"), size0 = proc_status_kb("VmSize:"), data0 = proc_status_kb("VmData:");
    tap_ok(rss0 > 0 && proc_status_kb("VmHWM:") >= rss0, "VmRSS is positive and VmHWM is at least VmRSS");
    tap_ok(proc_status_kb("VmStk:") > 0, "VmStk shows the stack");
    char *p = mmap(NULL, 16 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    madvise(p, 16 * MiB, MADV_NOHUGEPAGE);
    tap_ok(proc_status_kb("VmSize:") - size0 >= 16 * 1024, "VmSize counts a new mapping");
    tap_ok(proc_status_kb("VmData:") - data0 >= 16 * 1024, "VmData counts a private writable mapping");
    tap_ok(proc_status_kb("VmRSS:") - rss0 < 1024, "VmRSS does not count untouched pages");
    for (size_t i = 0; i < 16 * MiB; i += 4096)
        p[i] = 1;
    tap_ok(proc_status_kb("VmRSS:") - rss0 >= 15 * 1024, "VmRSS counts touched pages");
    munmap(p, 16 * MiB);
    long rss1 = proc_status_kb("VmRSS:");
    tap_ok(rss1 - rss0 < 1024, "VmRSS drops after munmap");
    tap_ok(proc_status_kb("VmHWM:") - rss1 >= 15 * 1024, "VmHWM keeps the peak");
}

static void test_exec(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        touch(32 * MiB, 1);
        char *argv[] = { "/init", "maxrss", NULL }, *envp[] = { NULL };
        execve("/init", argv, envp);
        _exit(9);
    }
    int st = child_status(pid);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "ru_maxrss keeps the peak of the image before execve");
    struct rusage after = usage(RUSAGE_CHILDREN);
    tap_ok(after.ru_maxrss >= 30 * 1024, "RUSAGE_CHILDREN ru_maxrss is the largest child's peak");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "maxrss")) {
        struct rusage ru = usage(RUSAGE_SELF);
        _exit(ru.ru_maxrss >= 30 * 1024 ? 0 : 1);   /* Linux's resident counters lag by a few pages */
    }
    tap_plan(22);
    mount("proc", "/proc", "proc", 0, NULL);
    test_self();
    test_status();
    test_children();
    test_exec();
    tap_finish();
}
