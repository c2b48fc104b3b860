// SPDX-License-Identifier: MPL-2.0
// ABI suite: mmap of regular files (private copy-on-write, shared and coherent with read/write), msync, errors, SIGBUS.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "proc_test.h"

#define PG 4096L
#define F "/tmp/mmf"

static long R(long r) { return r < 0 ? -errno : r; }

static long xmmap(void *addr, long len, int prot, int flags, int fd, long off)
{
    long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
    return r < 0 ? -errno : r;
}

/* A file of n pages, byte i of page p being 'a' + p. */
static int make_file(const char *path, int pages, int flags)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    char buf[PG];
    for (int p = 0; p < pages; p++) {
        memset(buf, 'a' + p, sizeof(buf));
        write(fd, buf, sizeof(buf));
    }
    close(fd);
    return open(path, flags);
}

static void private_maps(void)
{
    int fd = make_file(F, 3, O_RDWR);
    long a = xmmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    char *p = (char *)a;
    tap_ok(a > 0 && p[0] == 'a' && p[PG] == 'b' && p[3 * PG - 1] == 'c', "MAP_PRIVATE shows the file's bytes");
    p[10] = 'X';
    char c = 0;
    pread(fd, &c, 1, 10);
    tap_ok(c == 'a', "a store to a private mapping does not reach the file");
    pwrite(fd, "Y", 1, PG + 5);
    tap_ok(p[PG + 5] == 'Y', "a file write shows in a private page not yet copied");
    tap_ok(p[10] == 'X', "the private copy keeps its store");
    long b = xmmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    tap_ok(b > 0 && ((char *)b)[0] == 'c', "a page-aligned offset maps from there");
    tap_eq_long(child_touch_signal((char *)b, 1), SIGSEGV, "writing a read-only file mapping is SIGSEGV");
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_PRIVATE, fd, 100), -EINVAL, "an unaligned offset is EINVAL");
    pid_t pid = fork();
    if (pid == 0) {
        p[11] = 'Z';
        _exit(p[10] == 'X' ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0 && p[11] == 'a', "fork copies private file pages on write");
    long r = xmmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
    tap_ok(r == a + PG && p[PG] == 'a' && p[10] == 'X', "MAP_FIXED replaces part of a reservation with file pages");
    munmap(p, 3 * PG);
    munmap((void *)b, PG);
    close(fd);
}

static void shared_maps(void)
{
    int fd = make_file(F, 2, O_RDWR);
    char *p = (char *)xmmap(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *q = (char *)xmmap(0, 2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    tap_ok((long)p > 0 && (long)q > 0 && p != q, "two MAP_SHARED mappings of one file");
    memcpy(p + 100, "shared", 6);
    char buf[8] = { 0 };
    pread(fd, buf, 6, 100);
    tap_ok(memcmp(buf, "shared", 6) == 0, "a store to MAP_SHARED is what read(2) returns");
    tap_ok(memcmp(q + 100, "shared", 6) == 0, "and what another mapping sees");
    pwrite(fd, "write", 5, PG + 7);
    tap_ok(memcmp(p + PG + 7, "write", 5) == 0, "write(2) shows in the shared mapping");
    pid_t pid = fork();
    if (pid == 0) {
        memcpy(p + 200, "child", 5);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    tap_ok(memcmp(q + 200, "child", 5) == 0, "a child's store through an inherited shared mapping is seen");
    tap_eq_long(R(msync(p, 2 * PG, MS_SYNC)), 0, "msync MS_SYNC");
    tap_eq_long(R(msync(p, PG, MS_ASYNC | MS_INVALIDATE)), 0, "msync MS_ASYNC|MS_INVALIDATE");
    tap_eq_long(R(msync(p, PG, MS_SYNC | MS_ASYNC)), -EINVAL, "msync with MS_SYNC|MS_ASYNC is EINVAL");
    tap_eq_long(R(msync(p, PG, 8)), -EINVAL, "msync with an unknown flag is EINVAL");
    tap_eq_long(R(msync(p + 1, PG, MS_SYNC)), -EINVAL, "msync of an unaligned address is EINVAL");
    munmap(p, 2 * PG);
    munmap(q, 2 * PG);
    close(fd);
    fd = open(F, O_RDWR);
    pread(fd, buf, 6, 100);
    tap_ok(memcmp(buf, "shared", 6) == 0, "shared stores outlive the mapping");
    close(fd);
}

static void eof(void)
{
    int fd = make_file(F, 1, O_RDWR);
    ftruncate(fd, 100);
    char *p = (char *)xmmap(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    tap_ok((long)p > 0 && p[99] == 'a' && p[100] == 0 && p[PG - 1] == 0,
           "the last page shows zeros past the end of file");
    tap_eq_long(child_touch_signal(p + PG, 0), SIGBUS, "reading a page past the end of file is SIGBUS");
    tap_eq_long(child_touch_signal(p + 2 * PG + 5, 1), SIGBUS, "writing a page past the end of file is SIGBUS");
    ftruncate(fd, 2 * PG);
    tap_ok(p[PG] == 0 && child_touch_signal(p + PG, 0) == 0, "extending the file makes the page accessible");
    munmap(p, 3 * PG);
    close(fd);
}

static void errors(void)
{
    int ro = make_file(F, 1, O_RDONLY);
    tap_eq_long(xmmap(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0), -EACCES,
                "PROT_WRITE MAP_SHARED of an O_RDONLY fd is EACCES");
    long a = xmmap(0, PG, PROT_READ, MAP_SHARED, ro, 0);
    tap_ok(a > 0, "PROT_READ MAP_SHARED of an O_RDONLY fd works");
    tap_eq_long(R(mprotect((void *)a, PG, PROT_READ | PROT_WRITE)), -EACCES,
                "mprotect cannot make it writable (EACCES)");
    long b = xmmap(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    tap_ok(b > 0, "PROT_WRITE MAP_PRIVATE of an O_RDONLY fd works");
    close(ro);
    int wo = open(F, O_WRONLY);
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_PRIVATE, wo, 0), -EACCES, "mapping an O_WRONLY fd is EACCES");
    close(wo);
    int p[2];
    pipe(p);
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_PRIVATE, p[0], 0), -ENODEV, "mapping a pipe is ENODEV");
    close(p[0]);
    close(p[1]);
    int d = open("/tmp", O_RDONLY | O_DIRECTORY);
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_PRIVATE, d, 0), -ENODEV, "mapping a directory is ENODEV");
    close(d);
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_PRIVATE, 999, 0), -EBADF, "mapping a closed fd is EBADF");
    int op = open(F, O_PATH);
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_PRIVATE, op, 0), -EBADF, "mapping an O_PATH fd is EBADF");
    close(op);
    int fd = open(F, O_RDWR);
    tap_eq_long(xmmap(0, PG, PROT_READ, MAP_SHARED_VALIDATE | 0x100000, fd, 0), -EOPNOTSUPP,
                "MAP_SHARED_VALIDATE with a flag it does not know is EOPNOTSUPP");
    tap_eq_long(xmmap(0, 0, PROT_READ, MAP_SHARED, fd, 0), -EINVAL, "a zero length is EINVAL");
    close(fd);
    munmap((void *)a, PG);
    munmap((void *)b, PG);
}

int main(void)
{
    tap_plan(35);
    private_maps();
    shared_maps();
    eof();
    errors();
    tap_finish();
}
