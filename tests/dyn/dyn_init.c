// SPDX-License-Identifier: MPL-2.0
// /init of the dynamic-binary test: runs Debian's own glibc programs (ld.so, libc, bash, coreutils) and checks their output.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

static char *const env[] = { "PATH=/bin:/usr/bin", "LANG=C", "HOME=/tmp", NULL };
static char out[16384];

/* Run argv with stdout and stderr into out (NUL-terminated); the wait status, or -1. */
static int run(char *const argv[])
{
    int p[2];
    if (pipe(p))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execve(argv[0], argv, env);
        dprintf(2, "execve %s: %s", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    size_t n = 0;
    ssize_t r;
    while (n < sizeof(out) - 1 && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)r;
    out[n] = 0;
    close(p[0]);
    int st = -1;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return st;
}

/* Run argv and require exit status 0 and output exactly want. */
static void expect(char *const argv[], const char *want, const char *desc)
{
    int st = run(argv);
    bool ok = tap_ok(st == 0 && strcmp(out, want) == 0, desc);
    if (!ok) {
        tap_diag_long("wait status", st, 0);
        tap_diag(out);
    }
}

static void write_file(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        write(fd, s, strlen(s));
        close(fd);
    }
}

static void coreutils(void)
{
    expect((char *[]){ "/bin/echo", "hello", "from", "glibc", NULL }, "hello from glibc\n",
           "coreutils echo (ld.so + libc.so.6) prints its arguments");
    write_file("/tmp/abc", "abc");
    expect((char *[]){ "/bin/cat", "/tmp/abc", NULL }, "abc", "cat prints a file");
    expect((char *[]){ "/usr/bin/sha256sum", "/tmp/abc", NULL },
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  /tmp/abc\n",
           "sha256sum of a known file");
    write_file("/tmp/words", "pear\napple\nfig\nbanana\n");
    expect((char *[]){ "/usr/bin/sort", "/tmp/words", NULL }, "apple\nbanana\nfig\npear\n", "sort sorts lines");
    expect((char *[]){ "/usr/bin/sort", "-r", "-n", NULL }, "", "sort -rn of an empty stdin");
    expect((char *[]){ "/bin/ls", "/tmp", NULL }, "abc\nwords\n", "ls lists a directory (libselinux, libpcre2)");
    int st = run((char *[]){ "/bin/ls", "-l", "/", NULL });
    if (!tap_ok(st == 0 && strstr(out, "total ") == out && strstr(out, " bin\n") &&
                strstr(out, "\n-rwxr-xr-x 1 0 0 ") && strstr(out, "\ndrwxrwxrwt "), "ls -l / shows modes, links and owners"))
        tap_diag(out);
    st = run((char *[]){ "/bin/ls", "/nonexistent", NULL });
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 2 && strstr(out, "No such file or directory"),
           "ls of a missing path fails with status 2 and strerror text");
    expect((char *[]){ "/usr/bin/head", "-c", "2", "/tmp/abc", NULL }, "ab", "head -c");
}

static void shell(void)
{
    expect((char *[]){ "/bin/bash", "-c", "x=$((6*7)); echo $x", NULL }, "42\n", "bash arithmetic and echo");
    expect((char *[]){ "/bin/bash", "-c", "printf '3\\n1\\n2\\n' | /usr/bin/sort | /usr/bin/head -n 1", NULL },
           "1\n", "bash pipeline through two dynamic programs");
    expect((char *[]){ "/bin/bash", "-c", "for i in a b c; do echo -n $i; done; echo", NULL }, "abc\n",
           "bash loop");
    expect((char *[]){ "/bin/bash", "-c", "f() { echo \"$1-$#\"; }; f x y z", NULL }, "x-3\n", "bash function");
    expect((char *[]){ "/bin/bash", "-c", "echo $(/bin/echo sub)stitution", NULL }, "substitution\n",
           "bash command substitution (fork, exec, pipe)");
    int st = run((char *[]){ "/bin/bash", "-c", "exit 7", NULL });
    tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "bash exit status reaches the parent");
    write_file("/tmp/script.sh", "#!/bin/bash\necho script \"$0\" \"$1\"\n");
    chmod("/tmp/script.sh", 0755);
    expect((char *[]){ "/tmp/script.sh", "arg", NULL }, "script /tmp/script.sh arg\n",
           "a #! script runs under the dynamic bash");
    expect((char *[]){ "/bin/bash", "-c", "cat </tmp/abc >/tmp/copy && /usr/bin/sha256sum </tmp/copy", NULL },
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n", "bash redirections");
    expect((char *[]){ "/bin/bash", "-c", "cd /tmp && pwd && echo ${BASH_VERSINFO[0]}", NULL }, "/tmp\n5\n",
           "bash builtins cd and pwd");
}

static void loader(void)
{
    expect((char *[]){ "/lib64/ld-linux-x86-64.so.2", "/bin/echo", "direct", NULL }, "direct\n",
           "the dynamic loader run as a program loads echo");
    int st = run((char *[]){ "/lib64/ld-linux-x86-64.so.2", "--list", "/bin/ls", NULL });
    tap_ok(st == 0 && strstr(out, "libselinux.so.1 => /lib/x86_64-linux-gnu/libselinux.so.1") &&
           strstr(out, "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6"), "ld.so --list resolves ls's libraries");
}

int main(void)
{
    tap_plan(20);
    coreutils();
    shell();
    loader();
    tap_finish();
}
