// SPDX-License-Identifier: MPL-2.0
// execve and execveat: copy the path, argv and envp in (with Linux's size limits), then load the new program.
#include <ostd/heap.h>
#include <ostd/user.h>
#include <lib/string.h>
#include <lib/format.h>
#include <uapi/errno.h>
#include <uapi/resource.h>
#include <uapi/fcntl.h>
#include "signal/signal.h"
#include "proc/process.h"
#include "proc/exec.h"
#include "syscall/syscall.h"
#include "fs/vfs.h"
#include "fs/file.h"

long sys_execve(struct sys_call *c);
long sys_execveat(struct sys_call *c);

#define PATH_MAX       4096
#define MAX_ARG_STRLEN (32 * 4096)   /* one string, NUL included */

/* Bytes of strings and pointers execve accepts: a quarter of RLIMIT_STACK, within [128 KiB, 6 MiB] (Linux's rule). */
static size_t arg_limit(void)
{
    uint64_t q = proc_rlimit(current_proc(), RLIMIT_STACK) / 4;
    return (size_t)MAX(MIN(q, 6UL << 20), 128UL << 10);
}

/* A NULL-terminated vector of strings copied from user space; the strings live in one growing buffer. */
struct strvec {
    char **v;
    size_t n, cap;
    char *buf;
    size_t used, size;
};

/* Room for one more string of up to len bytes. */
static int strvec_reserve(struct strvec *sv, size_t len)
{
    if (sv->n + 2 > sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 64;
        char **v = kcalloc(cap, sizeof(char *));
        if (!v)
            return -ENOMEM;
        if (sv->v)
            memcpy(v, sv->v, sv->n * sizeof(char *));
        kfree(sv->v);
        sv->v = v, sv->cap = cap;
    }
    if (sv->used + len > sv->size) {
        size_t size = MAX(sv->size * 2, sv->used + len);
        char *b = kmalloc(size);
        if (!b)
            return -ENOMEM;
        if (sv->buf)
            memcpy(b, sv->buf, sv->used);
        for (size_t i = 0; i < sv->n; i++)       /* rebase the copied strings */
            sv->v[i] = b + (sv->v[i] - sv->buf);
        kfree(sv->buf);
        sv->buf = b, sv->size = size;
    }
    return 0;
}

/* Copy the user vector uvec (NULL: empty) in, charging *budget for each string and pointer. */
static int strvec_copy(struct strvec *sv, uint64_t uvec, size_t *budget)
{
    if (strvec_reserve(sv, 0))
        return -ENOMEM;
    for (uint64_t i = 0; uvec; i++) {
        uint64_t p;
        if (copy_from_user(&p, uptr(uvec + i * 8), 8))
            return -EFAULT;
        if (!p)
            break;
        if (*budget < 8)
            return -E2BIG;
        *budget -= 8;
        size_t room = MIN(*budget, (size_t)MAX_ARG_STRLEN);
        if (strvec_reserve(sv, room ? room : 1))
            return -ENOMEM;
        long n = room ? strncpy_from_user(sv->buf + sv->used, uptr(p), room) : -ENAMETOOLONG;
        if (n == -ENAMETOOLONG)
            return -E2BIG;
        if (n < 0)
            return (int)n;
        *budget -= (size_t)n + 1;
        sv->v[sv->n++] = sv->buf + sv->used;
        sv->used += (size_t)n + 1;
    }
    sv->v[sv->n] = NULL;
    return 0;
}

static void strvec_free(struct strvec *sv)
{
    kfree(sv->v);
    kfree(sv->buf);
}

/* The name Linux gives the program: the path, or /dev/fd/N[/path] for a path relative to a descriptor. */
static char *exec_filename(int dirfd, const char *path)
{
    size_t len = strlen(path) + 32;
    char *s = kmalloc(len);
    if (!s)
        return NULL;
    if (path[0] == '/' || dirfd == AT_FDCWD)
        strlcpy(s, path, len);
    else if (!path[0])
        ksnprintf(s, len, "/dev/fd/%d", dirfd);
    else
        ksnprintf(s, len, "/dev/fd/%d/%s", dirfd, path);
    return s;
}

static long do_execveat(struct sys_call *c, int dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp, unsigned flags)
{
    char *path = kmalloc(PATH_MAX), *filename = NULL;
    struct strvec argv = { 0 }, envp = { 0 };
    long r = path ? strncpy_from_user(path, uptr(upath), PATH_MAX) : -ENOMEM;
    if (r == 0 && !(flags & AT_EMPTY_PATH))
        r = -ENOENT;
    size_t budget = r >= 0 ? arg_limit() - strlen(path) - 1 : 0;
    if (r >= 0)
        r = strvec_copy(&envp, uenvp, &budget);
    if (r >= 0)
        r = strvec_copy(&argv, uargv, &budget);
    if (r >= 0 && argv.n == 0) {          /* Linux makes an empty argv [""] */
        argv.v[0] = "";
        argv.v[1] = NULL;
        argv.n = 1;
    }
    if (r >= 0 && (flags & ~(unsigned)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)))
        r = -EINVAL;
    if (r >= 0 && !(filename = exec_filename(dirfd, path)))
        r = -ENOMEM;
    if (r >= 0) {
        struct process *p = current_proc();
        struct exec_req req = {
            .dirfd = dirfd, .path = path, .at_flags = flags, .filename = filename,
            .path_inaccessible = dirfd != AT_FDCWD && path[0] != '/' && fd_get_cloexec(p->files, dirfd) == 1,
        };
        r = exec_file(p, c->uctx, &req, argv.v, envp.v);
        if (!r) {
            files_close_on_exec(p->files);
            signal_exec(p, thread_current());
            vfork_release(p);
        }
    }
    kfree(path);
    kfree(filename);
    strvec_free(&argv);
    strvec_free(&envp);
    return r;
}

long sys_execve(struct sys_call *c)
{
    return do_execveat(c, AT_FDCWD, c->arg[0], c->arg[1], c->arg[2], 0);
}

long sys_execveat(struct sys_call *c)
{
    return do_execveat(c, (int)c->arg[0], c->arg[1], c->arg[2], c->arg[3], (unsigned)c->arg[4]);
}
