// SPDX-License-Identifier: MPL-2.0
// ABI suite: the initial stack and auxv, execveat, "#!" scripts, PT_INTERP errors and execve's argument limits.
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

extern char **environ;
static char out[4096];

/* Helper mode (any pid but 1): print argc, the arguments and AT_EXECFN, separated by '|'. */
static int helper(int argc, char **argv)
{
    char buf[4096];
    int n = snprintf(buf, sizeof(buf), "%d", argc);
    for (int i = 0; i < argc; i++)
        n += snprintf(buf + n, sizeof(buf) - (size_t)n, "|%s", argv[i]);
    n += snprintf(buf + n, sizeof(buf) - (size_t)n, "|%s", (char *)getauxval(AT_EXECFN));
    write(1, buf, (size_t)n);
    return 0;
}

/* Fork; the child runs fn (which execs); returns -errno of a failed exec, or 0 with its output in out. */
static long spawn(long (*fn)(void *), void *arg)
{
    int p[2];
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 1);
        long r = fn(arg);
        int e = (int)-r;
        write(p[1], "\xff", 1);
        write(p[1], &e, sizeof(e));
        _exit(0);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n < sizeof(out) - 1 && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = 0;
    close(p[0]);
    waitpid(pid, NULL, 0);
    if (n == 1 + sizeof(int) && (unsigned char)out[0] == 0xff) {
        int e;
        memcpy(&e, out + 1, sizeof(e));
        out[0] = 0;
        return -e;
    }
    return 0;
}

struct xa { int fd; const char *path; char *const *argv; char *const *envp; int flags; };

static long do_execveat(void *p)
{
    struct xa *a = p;
    long r = syscall(SYS_execveat, a->fd, a->path, a->argv, a->envp, a->flags);
    return r < 0 ? -errno : r;
}

static long xexec(int fd, const char *path, char *const *argv, int flags)
{
    struct xa a = { fd, path, argv, environ, flags };
    return spawn(do_execveat, &a);
}

/* The exec'd program succeeded (r == 0) and printed exactly want; shows what it printed otherwise. */
static void expect_out(long r, const char *want, const char *desc)
{
    if (!tap_ok(r == 0 && strcmp(out, want) == 0, desc))
        tap_diag(out);
}

static void put(const char *path, const void *data, size_t len, mode_t mode)
{
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, mode);
    write(fd, data, len);
    close(fd);
    chmod(path, mode);
}

static void puts_file(const char *path, const char *s, mode_t mode)
{
    put(path, s, strlen(s), mode);
}

static void auxv(int argc, char **argv)
{
    tap_eq_long((long)getauxval(AT_PAGESZ), 4096, "AT_PAGESZ is 4096");
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    int nz = 0;
    for (int i = 0; rnd && i < 16; i++)
        nz += rnd[i] != 0;
    tap_ok(rnd && nz > 4, "AT_RANDOM points at 16 random bytes");
    const char *fn = (const char *)getauxval(AT_EXECFN);
    tap_ok(fn && strcmp(fn, "/init") == 0, "AT_EXECFN is the executed path");
    uintptr_t end = (uintptr_t)fn + strlen(fn) + 1;
    tap_ok(end % 4096 == 4096 - 8 && *(const uint64_t *)end == 0, "AT_EXECFN sits at the stack top below a zero word");
    tap_ok((uintptr_t)argv[0] < (uintptr_t)environ[0] && (uintptr_t)environ[0] < (uintptr_t)fn,
           "strings are laid out argv, envp, file name upwards");
    tap_ok(rnd && (uintptr_t)rnd < (uintptr_t)argv[0] && (uintptr_t)&argv[argc + 1] < (uintptr_t)rnd,
           "AT_RANDOM lies between the vectors and the strings");
    tap_ok(((uintptr_t)&argv[-1] & 15) == 0, "the stack pointer at entry (argc) is 16-byte aligned");
    const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
    long n = (long)getauxval(AT_PHNUM);
    tap_eq_long((long)getauxval(AT_PHENT), sizeof(Elf64_Phdr), "AT_PHENT is sizeof(Elf64_Phdr)");
    int loads = 0, self = 0, entry_ok = 0;
    uintptr_t entry = getauxval(AT_ENTRY);
    for (long i = 0; ph && i < n; i++) {
        loads += ph[i].p_type == PT_LOAD;
        if (ph[i].p_type == PT_LOAD && ph[i].p_offset == 0 && ph[i].p_vaddr + 64 <= (uintptr_t)ph)
            self = ph[i].p_vaddr + ph[i].p_filesz >= (uintptr_t)(ph + n);
        if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X))
            entry_ok |= entry >= ph[i].p_vaddr && entry < ph[i].p_vaddr + ph[i].p_memsz;
    }
    tap_ok(loads >= 2 && self, "AT_PHDR/AT_PHNUM describe this program's loaded headers");
    tap_ok(entry_ok, "AT_ENTRY lies in an executable segment");
    tap_eq_long((long)getauxval(AT_BASE), 0, "AT_BASE is 0 without an interpreter");
    tap_ok(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() && getauxval(AT_GID) == getgid() &&
           getauxval(AT_EGID) == getegid(), "AT_UID/EUID/GID/EGID match the credentials");
    tap_eq_long((long)getauxval(AT_SECURE), 0, "AT_SECURE is 0");
    tap_eq_long((long)getauxval(AT_CLKTCK), 100, "AT_CLKTCK is 100");
    tap_ok(getauxval(AT_HWCAP) & (1u << 25), "AT_HWCAP has CPUID.1:EDX (SSE)");
    const char *plat = (const char *)getauxval(AT_PLATFORM);
    tap_ok(plat && strcmp(plat, "x86_64") == 0, "AT_PLATFORM is x86_64");
    tap_ok(getauxval(AT_MINSIGSTKSZ) >= 1024 && getauxval(AT_MINSIGSTKSZ) <= 65536, "AT_MINSIGSTKSZ is plausible");
}

static void scripts(void)
{
    puts_file("/tmp/s1", "#! /init  -x y  \t\nignored\n", 0755);
    char *av[] = { "name", "a", "b", NULL };
    long r = xexec(AT_FDCWD, "/tmp/s1", av, 0);
    expect_out(r, "5|/init|-x y|/tmp/s1|a|b|/tmp/s1",
               "#! runs the interpreter with its one argument, the script path and argv[1...]");
    puts_file("/tmp/s2", "#!/tmp/s1\n", 0755);
    r = xexec(AT_FDCWD, "/tmp/s2", av, 0);
    expect_out(r, "6|/init|-x y|/tmp/s1|/tmp/s2|a|b|/tmp/s2", "a script's interpreter may be a script");
    puts_file("/tmp/loop", "#!/tmp/loop\n", 0755);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/loop", av, 0), -ELOOP, "a script that is its own interpreter is ELOOP");
    puts_file("/tmp/noint", "#!   \n", 0755);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/noint", av, 0), -ENOEXEC, "#! without an interpreter name is ENOEXEC");
    puts_file("/tmp/missing", "#!/nonexistent/sh\n", 0755);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/missing", av, 0), -ENOENT, "a missing script interpreter is ENOENT");
    puts_file("/tmp/empty", "", 0755);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/empty", av, 0), -ENOEXEC, "an empty file is ENOEXEC");
    puts_file("/tmp/text", "echo hi\n", 0755);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/text", av, 0), -ENOEXEC, "a text file without #! is ENOEXEC");
    puts_file("/tmp/noexec", "#!/init\n", 0644);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/noexec", av, 0), -EACCES, "a file without x permission is EACCES");
    tap_eq_long(xexec(AT_FDCWD, "/tmp", av, 0), -EACCES, "a directory is EACCES");
}

static void execveat_checks(void)
{
    char *av[] = { "x", NULL };
    int fd = open("/tmp/s1", O_RDONLY);
    char want[64];
    snprintf(want, sizeof(want), "3|/init|-x y|/dev/fd/%d|/dev/fd/%d", fd, fd);
    long r = xexec(fd, "", av, AT_EMPTY_PATH);
    expect_out(r, want, "execveat(fd, \"\", AT_EMPTY_PATH) runs a script as /dev/fd/N");
    tap_eq_long(xexec(fd, "", av, 0), -ENOENT, "an empty path without AT_EMPTY_PATH is ENOENT");
    tap_eq_long(xexec(fd, "x", av, 0), -ENOTDIR, "a relative path from a non-directory fd is ENOTDIR");
    tap_eq_long(xexec(AT_FDCWD, "/init", av, 0x8000), -EINVAL, "an unknown execveat flag is EINVAL");
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    tap_eq_long(xexec(fd, "", av, AT_EMPTY_PATH), -ENOENT, "a script through a close-on-exec fd is ENOENT");
    close(fd);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    snprintf(want, sizeof(want), "3|/init|-x y|/dev/fd/%d/s1|/dev/fd/%d/s1", dir, dir);
    r = xexec(dir, "s1", av, 0);
    expect_out(r, want, "execveat(dirfd, \"s1\") names the script /dev/fd/N/s1");
    symlink("/init", "/tmp/link");
    tap_eq_long(xexec(dir, "link", av, AT_SYMLINK_NOFOLLOW), -ELOOP, "AT_SYMLINK_NOFOLLOW on a symlink is ELOOP");
    r = xexec(dir, "link", av, 0);
    snprintf(want, sizeof(want), "1|x|/dev/fd/%d/link", dir);
    expect_out(r, want, "execveat follows a symlink without AT_SYMLINK_NOFOLLOW");
    close(dir);
    int op = open("/init", O_PATH);
    r = xexec(op, "", av, AT_EMPTY_PATH);
    snprintf(want, sizeof(want), "1|x|/dev/fd/%d", op);
    expect_out(r, want, "execveat of an O_PATH fd with AT_EMPTY_PATH");
    close(op);
    r = xexec(AT_FDCWD, "/init", NULL, 0);
    expect_out(r, "1||/init", "a NULL argv gives the program argc 1 and argv[0] \"\"");
    tap_eq_long(xexec(AT_FDCWD, (char *)16, av, 0), -EFAULT, "a bad path pointer is EFAULT");
    tap_eq_long(xexec(AT_FDCWD, "/init", (char **)16, 0), -EFAULT, "a bad argv pointer is EFAULT");
}

static void arg_limits(void)
{
    size_t big = 131072;
    char *s = malloc(big + 1);
    memset(s, 'a', big);
    s[big] = 0;
    char *av[] = { "x", s, NULL };
    tap_eq_long(xexec(AT_FDCWD, "/init", av, 0), -E2BIG, "one argument of 128 KiB (plus its NUL) is E2BIG");
    s[big - 1] = 0;
    long r = xexec(AT_FDCWD, "/init", av, 0);
    tap_ok(r == 0 && strncmp(out, "2|x|aaaa", 8) == 0, "one argument of 128 KiB - 1 is accepted");
    char *many[24];
    for (int i = 0; i < 23; i++)
        many[i] = s;
    many[23] = NULL;
    tap_eq_long(xexec(AT_FDCWD, "/init", many, 0), -E2BIG, "3 MiB of arguments is E2BIG");
    many[12] = NULL;
    r = xexec(AT_FDCWD, "/init", many, 0);
    tap_ok(r == 0 && strncmp(out, "12|aaaa", 7) == 0, "1.5 MiB of arguments is accepted");
    free(s);
}

/* A minimal ET_EXEC with one PT_LOAD and a PT_INTERP naming interp (nul-terminated or not). */
static void put_elf(const char *path, const char *interp, int nul)
{
    unsigned char img[512] = { 0 };
    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_entry = 0x400000 + 300;
    eh->e_phoff = sizeof(*eh);
    eh->e_ehsize = sizeof(*eh);
    eh->e_phentsize = sizeof(Elf64_Phdr);
    eh->e_phnum = 2;
    Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
    size_t len = strlen(interp) + (nul ? 1 : 0);
    memcpy(img + 200, interp, strlen(interp));
    ph[0] = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R, .p_offset = 200, .p_vaddr = 0x400000 + 200,
                          .p_filesz = len, .p_memsz = len, .p_align = 1 };
    ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0, .p_vaddr = 0x400000,
                          .p_filesz = sizeof(img), .p_memsz = sizeof(img), .p_align = 4096 };
    put(path, img, sizeof(img), 0755);
}

static void interp_errors(void)
{
    char *av[] = { "x", NULL };
    put_elf("/tmp/e1", "/nonexistent-ld.so", 1);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/e1", av, 0), -ENOENT, "a missing PT_INTERP interpreter is ENOENT");
    char text[200];
    memset(text, 'x', sizeof(text));
    put("/tmp/notelf", text, sizeof(text), 0755);
    put_elf("/tmp/e2", "/tmp/notelf", 1);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/e2", av, 0), -ELIBBAD, "an interpreter that is not ELF is ELIBBAD");
    put_elf("/tmp/e3", "/tmp/notelf", 0);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/e3", av, 0), -ENOEXEC, "a PT_INTERP path without its NUL is ENOEXEC");
    put_elf("/tmp/e4", "/tmp", 1);
    tap_eq_long(xexec(AT_FDCWD, "/tmp/e4", av, 0), -EACCES, "a directory as interpreter is EACCES");
}

int main(int argc, char **argv)
{
    if (getpid() != 1)
        return helper(argc, argv);
    tap_plan(46);
    auxv(argc, argv);
    scripts();
    execveat_checks();
    arg_limits();
    interp_errors();
    tap_finish();
}
