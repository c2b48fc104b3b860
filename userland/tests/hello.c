// SPDX-License-Identifier: MPL-2.0
// The first user program: checks the syscalls and process start-up state a
// static musl binary relies on, prints TAP, then powers the machine off.
//
// Runs as /init (pid 1) on Keel and on Linux; every assertion holds on Linux.
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

#define ARCH_GET_FS 0x1003  /* arch_prctl(2) code; musl has no header for it */

/* An unassigned x86-64 syscall number (the table ends far below). */
#define UNUSED_SYSCALL_NR 1000

/* Linker-provided start of this executable's own ELF header. */
extern const Elf64_Ehdr __ehdr_start;

static __thread int tls_initialised = 42;
static __thread int tls_zeroed;

/* write(2) by raw syscall; returns the byte count or -errno. */
static long raw_write(int fd, const void *buf, size_t len)
{
    long r = syscall(SYS_write, fd, buf, len);

    return r < 0 ? -errno : r;
}

/* True when the call failed with exactly -want. */
static bool fails_with(long r, int want, const char *desc)
{
    if (tap_ok(r == -want, desc))
        return true;
    tap_diag_long(desc, r, -want);
    return false;
}

static void test_write(void)
{
    static const char msg[] = "# hello from /init\n";
    static const char err[] = "# hello on stderr\n";

    tap_eq_long(raw_write(STDOUT_FILENO, msg, sizeof(msg) - 1),
        (long)sizeof(msg) - 1, "write to stdout returns byte count");
    tap_eq_long(raw_write(STDOUT_FILENO, msg, 0), 0,
        "zero-length write returns 0");
    tap_eq_long(raw_write(STDERR_FILENO, err, sizeof(err) - 1),
        (long)sizeof(err) - 1, "write to stderr returns byte count");
    fails_with(raw_write(100, msg, 1), EBADF,
        "write to a descriptor that is not open fails with EBADF");
    fails_with(raw_write(STDOUT_FILENO, (const void *)16, 4), EFAULT,
        "write from an unmapped address fails with EFAULT");
    fails_with(raw_write(STDOUT_FILENO, (const void *)0xffffffff80000000ul, 4),
        EFAULT, "write from a kernel-half address fails with EFAULT");
    fails_with(raw_write(STDOUT_FILENO, (const void *)0x0000800000000000ul, 4),
        EFAULT, "write from a non-canonical address fails with EFAULT");
}

static void test_process(void)
{
    static int tid_slot;
    long r;

    tap_eq_long(getpid(), 1, "getpid of init is 1");
    /*
     * musl already registered its own clear-child-tid slot at start-up;
     * this call replaces it, which is harmless for a single thread.
     */
    tap_eq_long(syscall(SYS_set_tid_address, &tid_slot), 1,
        "set_tid_address returns the caller's tid (1)");
    r = syscall(UNUSED_SYSCALL_NR);
    fails_with(r < 0 ? -errno : r, ENOSYS,
        "an unassigned syscall number fails with ENOSYS");
}

static void test_tls(void)
{
    unsigned long fs_base = 0;
    unsigned long self;
    long r;

    /* Both reads go through %fs, so they also prove ARCH_SET_FS took effect. */
    tap_eq_long(tls_initialised, 42,
        "initialised __thread variable holds its TLS image value");
    tap_eq_long(tls_zeroed, 0, "zero-initialised __thread variable is 0");
    __asm__ volatile("mov %%fs:0, %0" : "=r"(self));
    r = syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_base);
    tap_ok(r == 0 && fs_base == self && self != 0,
        "arch_prctl(ARCH_GET_FS) returns the base musl set");
}

static void test_startup(int argc, char **argv)
{
    const unsigned char *rnd;
    bool rnd_nonzero = false;

    tap_ok(argc >= 1 && argv[0] != NULL && strcmp(argv[0], "/init") == 0 &&
        argv[argc] == NULL, "argv[0] is /init and argv ends with NULL");
    tap_eq_long((long)getauxval(AT_PAGESZ), 4096, "auxv AT_PAGESZ is 4096");
    tap_ok(getauxval(AT_PHDR) ==
        (unsigned long)&__ehdr_start + __ehdr_start.e_phoff &&
        getauxval(AT_PHNUM) == __ehdr_start.e_phnum &&
        getauxval(AT_PHENT) == sizeof(Elf64_Phdr),
        "auxv AT_PHDR/AT_PHNUM/AT_PHENT describe this program");

    rnd = (const unsigned char *)getauxval(AT_RANDOM);
    for (int i = 0; rnd != NULL && i < 16; i++)
        rnd_nonzero |= rnd[i] != 0;
    tap_ok(rnd_nonzero, "auxv AT_RANDOM points at 16 random bytes");

    errno = 0;
    tap_ok(getauxval(AT_UID) == 0 && getauxval(AT_EUID) == 0 &&
        getauxval(AT_GID) == 0 && getauxval(AT_EGID) == 0 &&
        getauxval(AT_SECURE) == 0 && errno == 0,
        "auxv has AT_UID/EUID/GID/EGID 0 and AT_SECURE 0");
}

int main(int argc, char **argv)
{
    tap_plan(18);
    test_write();
    test_process();
    test_tls();
    test_startup(argc, argv);
    tap_finish();
}
