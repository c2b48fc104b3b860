// SPDX-License-Identifier: MPL-2.0
// /init for the job-control test: an interactive BusyBox ash whose controlling terminal is the serial port.
//
// Like `setsid sh -c 'exec sh -i </dev/ttyS0 >/dev/ttyS0 2>&1'`, but pid 1
// waits for the shell and then powers the machine off, so the session ends
// cleanly whatever the shell does. The terminal is acquired the way Linux
// gives it: a session leader without one opens a TTY without O_NOCTTY.
// BusyBox's halt/poweroff/reboot signal init (SIGUSR1/SIGUSR2/SIGTERM):
// pid 1 powers off (or reboots) at once. `make run` boots this /init too.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *s)
{
    (void)!write(2, s, __builtin_strlen(s));
}

static _Noreturn void shell(void)
{
    char *argv[] = { "sh", "-i", NULL };
    char *envp[] = { "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "HOME=/", "TERM=vt100", "PS1=keel$ ", NULL };
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

static volatile sig_atomic_t stop_how;

static void on_stop(int sig)
{
    stop_how = sig == SIGTERM ? RB_AUTOBOOT : RB_POWER_OFF;
}

int main(void)
{
    struct sigaction sa = { .sa_handler = on_stop };
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (mount("proc", "/proc", "proc", 0, NULL) < 0)
        say("tty-shell: cannot mount /proc\n");
    mkdir("/dev/pts", 0755);
    if (mount("devpts", "/dev/pts", "devpts", 0, "gid=5,mode=0620,ptmxmode=0666") < 0)
        say("tty-shell: cannot mount /dev/pts\n");
    (void)symlink("pts/ptmx", "/dev/ptmx");    /* unless the initramfs has the node */
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGUSR1, SIG_DFL);
        signal(SIGUSR2, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        shell();
    }
    int status = 0;
    while (pid > 0 && !stop_how && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    say(stop_how ? "\ntty-shell: stopping\n" : "\ntty-shell: shell ended, powering off\n");
    sync();
    reboot(stop_how ? (int)stop_how : RB_POWER_OFF);
    for (;;)
        pause();
}
