// SPDX-License-Identifier: MPL-2.0
// Loading an ELF executable into a fresh address space.
#ifndef KEEL_PROC_EXEC_H
#define KEEL_PROC_EXEC_H

#include <ostd/types.h>

struct vm_space;
struct user_context;

struct exec_image {
    const uint8_t *data;   /* the whole file */
    size_t size;
    const char *path;      /* for AT_EXECFN */
};

/*
 * Load img into vs (which must be the current task's address space) and set
 * uc's registers for the program start with argv/envp on a new stack.
 * Returns 0 or a negative errno (-ENOEXEC, -ENOMEM, -E2BIG, -EFAULT).
 */
int exec_load(struct vm_space *vs, struct user_context *uc, const struct exec_image *img,
              char *const argv[], char *const envp[]) __must_check;

/* Open path through the VFS, read it and exec_load it (the caller's vm_space is current). */
int exec_file(struct vm_space *vs, struct user_context *uc, const char *path,
              char *const argv[], char *const envp[]) __must_check;

#endif
