// SPDX-License-Identifier: MPL-2.0
// execve: copy the path, argv and envp in, then load the new program.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "signal/signal.h"
#include "proc/process.h"
#include "proc/exec.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"

long sys_execve(struct sys_call *c);
long sys_execveat(struct sys_call *c);

#define PATH_MAX      4096
#define ARG_MAX_BYTES (128 * 1024)
#define ARG_MAX_COUNT 4096

/* A NULL-terminated vector of strings copied from user space into one allocation. */
struct strvec {
    char **v;
    char *buf;
    size_t used;
};

static int strvec_copy(struct strvec *sv, uint64_t uvec)
{
    sv->v = kcalloc(ARG_MAX_COUNT + 1, sizeof(char *));
    sv->buf = kmalloc(ARG_MAX_BYTES);
    if (!sv->v || !sv->buf)
        return -ENOMEM;
    for (int i = 0; uvec; i++) {
        uint64_t p;
        if (copy_from_user(&p, uptr(uvec + (uint64_t)i * 8), 8))
            return -EFAULT;
        if (!p)
            return 0;
        if (i == ARG_MAX_COUNT)
            return -E2BIG;
        long n = strncpy_from_user(sv->buf + sv->used, uptr(p), ARG_MAX_BYTES - sv->used);
        if (n == -ENAMETOOLONG)
            return -E2BIG;
        if (n < 0)
            return (int)n;
        sv->v[i] = sv->buf + sv->used;
        sv->used += (size_t)n + 1;
    }
    return 0;
}

static void strvec_free(struct strvec *sv)
{
    kfree(sv->v);
    kfree(sv->buf);
}

long sys_execve(struct sys_call *c)
{
    char *path = kmalloc(PATH_MAX);
    struct strvec argv = { 0 }, envp = { 0 };
    long r = path ? strncpy_from_user(path, uptr(c->arg[0]), PATH_MAX) : -ENOMEM;
    if (r >= 0)
        r = r == 0 ? -ENOENT : strvec_copy(&argv, c->arg[1]);
    if (r >= 0)
        r = strvec_copy(&envp, c->arg[2]);
    if (r >= 0) {
        struct process *p = current_proc();
        r = exec_file(p, c->uctx, path, argv.v, envp.v);
        if (!r) {
            files_close_on_exec(p->files);
            signal_exec(p, thread_current());
            vfork_release(p);
        }
    }
    kfree(path);
    strvec_free(&argv);
    strvec_free(&envp);
    return r;
}

/* FIXME: execveat (dirfd-relative paths and AT_EMPTY_PATH) needs the VFS's fd lookup. */
long sys_execveat(struct sys_call *c) { (void)c; return -ENOSYS; }
