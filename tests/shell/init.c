// SPDX-License-Identifier: MPL-2.0
// /init of the shell test initramfs: runs /shell/run.sh under BusyBox sh as pid 1's child, reaping orphans.
//
// The script ends the run itself with `poweroff -f`. If it returns instead,
// this program reports that with a TAP "Bail out!" and powers off, so a
// broken script never leaves the VM hanging or makes Linux panic.
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    if (write(1, s, n) < 0)
        return;
}

int main(void)
{
    char *argv[] = { "sh", "/shell/run.sh", NULL };
    char *envp[] = { "PATH=/sbin:/usr/sbin:/bin:/usr/bin", "HOME=/root", "TERM=dumb",
                     "LANG=C", NULL };
    pid_t child = fork();
    if (child == 0) {
        execve("/bin/sh", argv, envp);
        say("\nBail out! cannot exec /bin/sh\n");
        _exit(127);
    }
    if (child < 0) {
        say("\nBail out! fork failed\n");
    } else {
        int status = 0;
        pid_t p;
        /* Reap every orphan; stop when the script itself has ended. */
        while ((p = waitpid(-1, &status, 0)) != child && p > 0)
            ;
        char msg[96];
        snprintf(msg, sizeof(msg), "\nBail out! /shell/run.sh returned (status %#x) "
                 "instead of powering off\n", status);
        say(msg);
    }
    sync();
    reboot(RB_POWER_OFF);
    say("reboot(RB_POWER_OFF) failed\n");
    for (;;)
        pause();
}
