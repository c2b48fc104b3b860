// SPDX-License-Identifier: MPL-2.0
// Processes and their threads: the state syscalls act on.
#ifndef KEEL_PROC_PROCESS_H
#define KEEL_PROC_PROCESS_H

#include <ostd/types.h>
#include <ostd/sync.h>

struct vm_space;
struct user_context;
struct task;

struct process {
    int pid;
    char comm[16];
    struct vm_space *vs;
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

/* Create a process from an in-memory ELF image and start its first thread. */
int process_spawn_init(const char *path, const uint8_t *elf, size_t size,
                       char *const argv[], char *const envp[]);

/* Terminate the calling process with a wait status; does not return. */
__noreturn void process_exit(int wait_status);

#endif
