// SPDX-License-Identifier: MPL-2.0
// ABI suite: memfd_create (flags, names, /proc/self/fd links), file seals, and exec of a sealed memfd.
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include "fs_test.h"

static long memfd(const char *name, unsigned flags) { return R(syscall(SYS_memfd_create, name, flags)); }

static void create_and_flags(void)
{
    int fd = (int)memfd("test", 0);
    tap_ok(fd >= 0, "memfd_create with no flags returns a descriptor");
    struct stat st;
    CHECK(fstat(fd, &st), 0, "fstat on a memfd");
    tap_ok(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0777, "a memfd is a regular file with mode 0777");
    tap_eq_long((long)st.st_nlink, 0, "a memfd has no links");
    tap_eq_long((long)st.st_size, 0, "a new memfd is empty");
    char path[64], link[300];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    long n = R(readlink(path, link, sizeof(link) - 1));
    link[n > 0 ? n : 0] = 0;
    tap_ok(strcmp(link, "/memfd:test (deleted)") == 0, "the fd link reads /memfd:<name> (deleted)");
    tap_eq_long(fcntl(fd, F_GETFD), 0, "no MFD_CLOEXEC: close-on-exec is clear");
    tap_eq_long(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR, "a memfd is open read-write");
    CHECK(write(fd, "hello world", 11), 11, "write into a memfd");
    char buf[32] = { 0 };
    CHECK(pread(fd, buf, sizeof(buf), 6), 5, "pread from a memfd");
    tap_ok(memcmp(buf, "world", 5) == 0, "the bytes written read back");
    int fd2 = open(path, O_RDONLY);
    tap_ok(fd2 >= 0, "a memfd reopens through /proc/self/fd");
    memset(buf, 0, sizeof(buf));
    CHECK(read(fd2, buf, sizeof(buf)), 11, "the reopened file has the same contents");
    CHECK(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL, "without MFD_ALLOW_SEALING the only seal is F_SEAL_SEAL");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -EPERM, "adding seals to an unsealable memfd fails with EPERM");
    close(fd2);
    close(fd);
    fd = (int)memfd("cloexec", MFD_CLOEXEC);
    tap_eq_long(fcntl(fd, F_GETFD), FD_CLOEXEC, "MFD_CLOEXEC sets close-on-exec");
    close(fd);
}

static void bad_args(void)
{
    char name[260];
    memset(name, 'n', sizeof(name));
    name[249] = 0;
    long fd = memfd(name, 0);
    tap_ok(fd >= 0, "a 249-byte name is accepted");
    close((int)fd);
    name[249] = 'n';
    name[250] = 0;
    CHECK(memfd(name, 0), -EINVAL, "a 250-byte name fails with EINVAL");
    CHECK(memfd(BADPTR, 0), -EFAULT, "a bad name pointer fails with EFAULT");
    CHECK(memfd("x", 0x100), -EINVAL, "an unknown flag fails with EINVAL");
    CHECK(memfd("x", 8), -EINVAL, "MFD_NOEXEC_SEAL (newer than 6.1) fails with EINVAL");
    CHECK(memfd("x", 21u << 26), -EINVAL, "a huge page size without MFD_HUGETLB fails with EINVAL");
    fd = memfd("x", MFD_HUGETLB);
    tap_ok(fd >= 0 || fd == -EINVAL, "MFD_HUGETLB either works or fails with EINVAL");
    if (fd >= 0)
        close((int)fd);
    CHECK(fcntl(999, F_GET_SEALS), -EBADF, "F_GET_SEALS on a bad fd fails with EBADF");
    int p[2];
    pipe(p);
    CHECK(fcntl(p[0], F_GET_SEALS), -EINVAL, "F_GET_SEALS on a pipe fails with EINVAL");
    CHECK(fcntl(p[1], F_ADD_SEALS, F_SEAL_SEAL), -EINVAL, "F_ADD_SEALS on a pipe fails with EINVAL");
    CHECK(fcntl(p[0], F_ADD_SEALS, F_SEAL_SEAL), -EPERM, "F_ADD_SEALS on a read-only pipe end fails with EPERM");
    close(p[0]);
    close(p[1]);
}

static void seals(void)
{
    int fd = (int)memfd("sealed", MFD_ALLOW_SEALING);
    char path[64], buf[16];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    CHECK(fcntl(fd, F_GET_SEALS), 0, "MFD_ALLOW_SEALING starts with no seals");
    CHECK(fcntl(fd, F_ADD_SEALS, 0x100), -EINVAL, "an unknown seal fails with EINVAL");
    int ro = open(path, O_RDONLY);
    CHECK(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW), -EPERM, "sealing through a read-only fd fails with EPERM");
    CHECK(ftruncate(fd, 100), 0, "ftruncate grows the memfd");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0, "add F_SEAL_SHRINK");
    CHECK(ftruncate(fd, 50), -EPERM, "F_SEAL_SHRINK: shrinking fails with EPERM");
    CHECK(open(path, O_RDWR | O_TRUNC), -EPERM, "F_SEAL_SHRINK: open with O_TRUNC fails with EPERM");
    CHECK(ftruncate(fd, 200), 0, "F_SEAL_SHRINK still lets the file grow");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0, "add F_SEAL_GROW");
    CHECK(ftruncate(fd, 300), -EPERM, "F_SEAL_GROW: growing fails with EPERM");
    CHECK(ftruncate(fd, 200), 0, "ftruncate to the same size is allowed");
    CHECK(pwrite(fd, "abcd", 4, 196), 4, "a write inside the file is allowed");
    CHECK(pwrite(fd, "abcd", 4, 198), -EPERM, "F_SEAL_GROW: a write past the end fails with EPERM");
    CHECK(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW, "F_GET_SEALS reports the seals added");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0, "add F_SEAL_WRITE");
    CHECK(pwrite(fd, "x", 1, 0), -EPERM, "F_SEAL_WRITE: pwrite fails with EPERM");
    CHECK(write(fd, "x", 1), -EPERM, "F_SEAL_WRITE: write fails with EPERM");
    int rw = open(path, O_RDWR);
    CHECK(write(rw, "x", 1), -EPERM, "seals hold for every open of the file");
    CHECK(pread(ro, buf, 4, 196), 4, "a sealed memfd can still be read");
    tap_ok(memcmp(buf, "abcd", 4) == 0, "the sealed contents are intact");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL), 0, "add F_SEAL_SEAL");
    CHECK(fcntl(fd, F_ADD_SEALS, 0), -EPERM, "after F_SEAL_SEAL, F_ADD_SEALS fails with EPERM");
    CHECK(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE, "all four seals are set");
    close(rw);
    close(ro);
    close(fd);
}

/* F_SEAL_WRITE against shared mappings that could write: EBUSY while one exists (incl. split and forked copies). */
static void write_seal_and_maps(void)
{
    int fd = (int)memfd("mapped", MFD_ALLOW_SEALING);
    ftruncate(fd, 8192);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    tap_ok(m != MAP_FAILED, "a shared writable mapping of a memfd");
    char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    tap_ok(priv != MAP_FAILED, "a private writable mapping of it");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -EBUSY, "F_SEAL_WRITE with a shared writable mapping fails with EBUSY");
    CHECK(fcntl(fd, F_GET_SEALS), 0, "the failed F_ADD_SEALS added no seal");
    CHECK(munmap(m, 4096), 0, "unmap half of the shared mapping");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -EBUSY, "the other half still makes F_SEAL_WRITE fail with EBUSY");
    int go[2];
    pipe(go);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        read(go[0], &c, 1);     /* keep the inherited mapping until the parent has checked */
        _exit(m != MAP_FAILED && m[4096] == 0 ? 0 : 1);
    }
    CHECK(munmap(m + 4096, 4096), 0, "unmap the rest in the parent");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -EBUSY, "a forked child's copy of the mapping also counts");
    write(go[1], "x", 1);
    int st = 0;
    waitpid(pid, &st, 0);
    close(go[0]);
    close(go[1]);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0, "F_SEAL_WRITE once no shared mapping is left (a private one does not count)");
    CHECK(R((long)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)), -EPERM,
          "F_SEAL_WRITE: a new shared writable mapping fails with EPERM");
    if (priv != MAP_FAILED)
        priv[0] = 'p';
    char c = 0;
    CHECK(pread(fd, &c, 1, 0), 1, "read the sealed file");
    tap_eq_long(c, 0, "writes to a private mapping do not reach the sealed file");
    munmap(priv, 4096);
    close(fd);
}

/* F_SEAL_FUTURE_WRITE: existing mappings keep writing; write(), new writable and upgradable shared maps are refused. */
static void future_write_seal(void)
{
    int fd = (int)memfd("future", MFD_ALLOW_SEALING);
    ftruncate(fd, 4096);
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), 0, "F_SEAL_FUTURE_WRITE with a shared writable mapping succeeds");
    if (m != MAP_FAILED)
        m[0] = 'z';
    char c = 0;
    pread(fd, &c, 1, 0);
    tap_eq_long(c, 'z', "a mapping made before F_SEAL_FUTURE_WRITE still writes the file");
    CHECK(pwrite(fd, "y", 1, 0), -EPERM, "F_SEAL_FUTURE_WRITE: pwrite fails with EPERM");
    CHECK(R((long)mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)), -EPERM,
          "F_SEAL_FUTURE_WRITE: a new shared writable mapping fails with EPERM");
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    tap_ok(ro != MAP_FAILED && ro[0] == 'z', "a new shared read-only mapping is allowed");
    CHECK(mprotect(ro, 4096, PROT_READ | PROT_WRITE), -EACCES, "and may not be made writable (EACCES)");
    char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    tap_ok(priv != MAP_FAILED, "a private writable mapping is allowed");
    CHECK(fcntl(fd, F_GET_SEALS), F_SEAL_FUTURE_WRITE, "F_GET_SEALS reports F_SEAL_FUTURE_WRITE");
    munmap(priv, 4096);
    munmap(ro, 4096);
    munmap(m, 4096);
    close(fd);
}

/* The crun "cloned binary" pattern: copy our own executable into a sealed memfd and run it. */
static int sealed_copy_of_self(void)
{
    int fd = (int)memfd("runc_cloned:/proc/self/exe", MFD_ALLOW_SEALING | MFD_CLOEXEC);
    int exe = open("/proc/self/exe", O_RDONLY);
    static char buf[65536];
    long n, total = 0;
    while (exe >= 0 && (n = read(exe, buf, sizeof(buf))) > 0)
        total += write(fd, buf, (size_t)n);
    close(exe);
    tap_ok(total > 0, "copied /proc/self/exe into a memfd");
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE), 0,
          "sealed the copy against any change");
    return fd;
}

static long run_child(int fd, bool use_fexecve)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "init", "memfd-child", NULL }, *envp[] = { NULL };
        char path[64];
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        if (use_fexecve)
            fexecve(fd, argv, envp);
        else
            execve(path, argv, envp);
        _exit(100 + errno);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void exec_memfd(void)
{
    int fd = sealed_copy_of_self();
    tap_eq_long(run_child(fd, false), 42, "execve of /proc/self/fd/N runs the sealed memfd");
    tap_eq_long(run_child(fd, true), 42, "fexecve runs the sealed memfd");
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "memfd-child") == 0)
        return 42;
    tap_plan(75);
    CHECK(mount("proc", "/proc", "proc", 0, NULL), 0, "mount proc");
    create_and_flags();
    bad_args();
    seals();
    write_seal_and_maps();
    future_write_seal();
    exec_memfd();
    tap_finish();
}
