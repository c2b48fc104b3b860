// SPDX-License-Identifier: MPL-2.0
// close_range: close (or mark close-on-exec) every descriptor in a range.
#include <uapi/errno.h>
#include <uapi/rwf.h>
#include "fs/fs_syscalls.h"
#include "fs/lock.h"
#include "proc/process.h"

long sys_close_range(struct sys_call *c);

/* CLOSE_RANGE_UNSHARE: give the process its own copy of a table it shares. */
static int unshare_files(void)
{
    struct process *p = current_proc();
    struct files *old = current_files();
    if (atomic_load(&old->refcount) == 1)
        return 0;
    struct files *nft = files_dup(old);
    if (!nft)
        return -ENOMEM;
    mutex_lock(&p->lock);
    p->files = nft;
    mutex_unlock(&p->lock);
    /* FIXME: threads of this process inside a syscall may still use old; the other sharer keeps it alive. */
    files_put(old);
    return 0;
}

long sys_close_range(struct sys_call *c)
{
    unsigned first = (unsigned)c->arg[0], last = (unsigned)c->arg[1];
    uint64_t flags = c->arg[2];
    if (flags & ~(uint64_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
        return -EINVAL;
    if (flags & CLOSE_RANGE_UNSHARE) {
        int r = unshare_files();
        if (r)
            return r;
    }
    struct files *ft = current_files();
    mutex_lock(&ft->lock);
    unsigned max = ft->max;
    mutex_unlock(&ft->lock);
    for (unsigned fd = first; fd < max && fd <= last; fd++) {
        if (flags & CLOSE_RANGE_CLOEXEC)
            (void)fd_set_cloexec(ft, (int)fd, true);    /* -EBADF for a free slot: nothing to mark */
        else
            (void)fd_close(ft, (int)fd);                /* -EBADF for a free slot: nothing to close */
    }
    return 0;
}
