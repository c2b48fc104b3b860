// SPDX-License-Identifier: MPL-2.0
// Loading an ELF executable into a fresh address space.
#ifndef KEEL_PROC_EXEC_H
#define KEEL_PROC_EXEC_H

#include <ostd/types.h>
#include <lib/elf.h>

struct user_context;
struct process;

struct exec_image {
    const uint8_t *data;   /* the whole file */
    size_t size;
    const char *path;      /* for AT_EXECFN */
};

/* A program being executed: the file and, when it has PT_INTERP, its interpreter. */
struct exec_prog {
    struct exec_image img;
    struct elf_info info;
    struct exec_image interp;       /* data NULL when there is none */
    struct elf_info interp_info;
};

/* What to execute: path relative to dirfd with execveat's flags, and the name Linux gives it. */
struct exec_req {
    int dirfd;                  /* AT_FDCWD for execve */
    const char *path;
    unsigned at_flags;          /* AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW */
    const char *filename;       /* AT_EXECFN, comm, a script's argument: path, or /dev/fd/N[/path] */
    bool path_inaccessible;     /* named through a close-on-exec fd: a script gets -ENOENT */
};

/*
 * Open the program (following "#!" interpreters) and replace p's address space (p is the calling
 * thread's process) with a fresh mm holding the program, its stack (argv,
 * envp, auxv) and an empty heap; uc is set for the program start. On error
 * the old address space and registers are left in place. Returns 0 or
 * -ENOENT, -EACCES, -ENOEXEC, -ENOMEM, -E2BIG, -EFAULT, and for a bad
 * interpreter -ELIBBAD or -EIO; -ELOOP for too many nested scripts.
 */
int exec_file(struct process *p, struct user_context *uc, const struct exec_req *req,
              char *const argv[], char *const envp[]) __must_check;

#endif
