// SPDX-License-Identifier: MPL-2.0
// Processes and their threads: the state syscalls act on.
#ifndef KEEL_PROC_PROCESS_H
#define KEEL_PROC_PROCESS_H

#include <ostd/types.h>
#include <ostd/sync.h>

struct vm_space;
struct user_context;
struct task;

struct files;
struct fs_context;

/*
 * A process (thread group). FIXME: parent/children, zombies, process
 * groups, credentials and signal handlers arrive with the Processes issue.
 */
struct process {
    int pid;
    char comm[16];
    struct vm_space *vs;
    struct files *files;        /* descriptor table (fs/vfs.h) */
    struct fs_context *fs;      /* root, cwd, umask (fs/vfs.h) */
    struct mutex lock;          /* guards exiting, exit_status */
    bool exiting;
    int exit_status;            /* wait status: (code << 8) or signal number */
};

struct thread {
    int tid;
    struct process *proc;
    struct user_context *uctx;
    struct task *task;
    uint64_t clear_child_tid;   /* set_tid_address; used once threads exist */
};

/* The thread of the calling task (NULL for pure kernel tasks). */
struct thread *thread_current(void);

/* Create init (pid 1) running the executable at path, with fds 0-2 on the console. */
int process_spawn_init(const char *path, char *const argv[], char *const envp[]);

/* Terminate the calling process with a wait status; does not return. */
__noreturn void process_exit(int wait_status);

#endif
