// SPDX-License-Identifier: MPL-2.0
// /init for the job-control test: an interactive BusyBox ash whose controlling terminal is the serial port.
//
// Like `setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1'`, but pid 1
// waits for the shell and then powers the machine off, so the session ends
// cleanly whatever the shell does. The terminal is acquired the way Linux
// gives it: a session leader without one opens a TTY without O_NOCTTY.
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *s)
{
    (void)!write(2, s, __builtin_strlen(s));
}

static _Noreturn void shell(void)
{
    char *argv[] = { "sh", "-i", NULL };
    char *envp[] = { "PATH=/bin:/sbin", "HOME=/", "TERM=vt100", "PS1=keel$ ", NULL };
    if (setsid() < 0)
        say("tty-shell: setsid failed\n");
    int fd = open("/dev/ttyS0", O_RDWR);
    if (fd < 0) {
        say("tty-shell: cannot open /dev/ttyS0\n");
        _exit(127);
    }
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
        close(fd);
    execve("/bin/sh", argv, envp);
    say("tty-shell: cannot run /bin/sh\n");
    _exit(127);
}

int main(void)
{
    if (mount("proc", "/proc", "proc", 0, NULL) < 0)
        say("tty-shell: cannot mount /proc\n");
    pid_t pid = fork();
    if (pid == 0)
        shell();
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0)
        ;
    say("\ntty-shell: shell ended, powering off\n");
    sync();
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}
