// SPDX-License-Identifier: MPL-2.0
// Loading an ELF executable into a fresh address space.
#ifndef KEEL_PROC_EXEC_H
#define KEEL_PROC_EXEC_H

#include <ostd/types.h>

struct user_context;
struct process;

struct exec_image {
    const uint8_t *data;   /* the whole file */
    size_t size;
    const char *path;      /* for AT_EXECFN */
};

/*
 * Open path through the VFS and replace p's address space (p is the calling
 * thread's process) with a fresh mm holding the program, its stack (argv,
 * envp, auxv) and an empty heap; uc is set for the program start. On error
 * the old address space and registers are left in place. Returns 0 or
 * -ENOENT, -EACCES, -ENOEXEC, -ENOMEM, -E2BIG, -EFAULT.
 */
int exec_file(struct process *p, struct user_context *uc, const char *path,
              char *const argv[], char *const envp[]) __must_check;

#endif
