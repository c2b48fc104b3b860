// SPDX-License-Identifier: MPL-2.0
// write/writev on the console descriptors 0-2 until the VFS provides real file descriptors.
#include <ostd/console.h>
#include <ostd/user.h>
#include <ostd/heap.h>
#include <uapi/errno.h>
#include "syscall/syscall.h"

/* FIXME: replaced by the VFS file table (VFS issue); until then fds 0-2 are the console. */

#define MAX_RW_COUNT 0x7ffff000UL
#define IOV_MAX 1024

long sys_write(struct sys_call *c);
long sys_writev(struct sys_call *c);

static bool console_fd(uint64_t fd) { return fd <= 2; }

/* Copy count bytes from user memory to the console; bytes written or -EFAULT if none. */
static long console_write_user(uptr_t buf, size_t count)
{
    char chunk[256];
    size_t done = 0;
    count = MIN(count, MAX_RW_COUNT);
    while (done < count) {
        size_t n = MIN(sizeof(chunk), count - done);
        if (copy_from_user(chunk, uptr_add(buf, done), n))
            return done ? (long)done : -EFAULT;
        console_write(chunk, n);
        done += n;
    }
    return (long)done;
}

long sys_write(struct sys_call *c)
{
    if (!console_fd(c->arg[0]))
        return -EBADF;
    return console_write_user(uptr(c->arg[1]), c->arg[2]);
}

struct iovec_user { uint64_t base, len; };

long sys_writev(struct sys_call *c)
{
    uint64_t cnt = c->arg[2];
    if (!console_fd(c->arg[0]))
        return -EBADF;
    if (cnt > IOV_MAX)
        return -EINVAL;
    if (cnt == 0)
        return 0;
    struct iovec_user *iov = kcalloc(cnt, sizeof(*iov));
    if (!iov)
        return -ENOMEM;
    long total = 0;
    if (copy_from_user(iov, uptr(c->arg[1]), cnt * sizeof(*iov))) {
        kfree(iov);
        return -EFAULT;
    }
    for (uint64_t i = 0; i < cnt; i++) {
        if ((int64_t)iov[i].len < 0 || iov[i].len > MAX_RW_COUNT - (uint64_t)total) {
            kfree(iov);
            return -EINVAL;
        }
    }
    for (uint64_t i = 0; i < cnt; i++) {
        long r = console_write_user(uptr(iov[i].base), iov[i].len);
        if (r < 0) {
            total = total ? total : r;
            break;
        }
        total += r;
        if ((uint64_t)r < iov[i].len)
            break;
    }
    kfree(iov);
    return total;
}
