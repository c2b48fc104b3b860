// SPDX-License-Identifier: MPL-2.0
// Helpers shared by the mm_* and proc_* ABI suites: fault probes in a child and /proc/self/status fields.
#ifndef KEEL_TESTS_PROC_TEST_H
#define KEEL_TESTS_PROC_TEST_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The signal that kills a child reading (or writing) addr; 0 if it survives. */
static inline int child_touch_signal(volatile char *addr, int write)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (write)
            *addr = 1;
        else
            (void)*addr;
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

/* A numeric field of /proc/self/status ("VmLck:", "VmHWM:"…) in its unit (kB), or -1. */
static inline long proc_status_kb(const char *field)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *p = strstr(buf, field);
    return p ? strtol(p + strlen(field), NULL, 10) : -1;
}

#endif
