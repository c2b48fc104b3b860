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

/*
 * Gather user bytes into chunks of TTY_CHUNK and write each chunk whole, as
 * Linux's tty layer does: a fault inside a chunk discards that chunk, and the
 * call returns what earlier chunks wrote, or -EFAULT if none.
 */
#define TTY_CHUNK 2048

struct iovec_user { uint64_t base, len; };

struct chunker { char buf[TTY_CHUNK]; size_t n; long written; };

static void chunk_flush(struct chunker *ck)
{
    console_write(ck->buf, ck->n);
    ck->written += (long)ck->n;
    ck->n = 0;
}

static int chunk_add(struct chunker *ck, uptr_t src, size_t len)
{
    while (len) {
        size_t n = MIN(len, TTY_CHUNK - ck->n);
        if (copy_from_user(ck->buf + ck->n, src, n))
            return -EFAULT;
        ck->n += n;
        src = uptr_add(src, n);
        len -= n;
        if (ck->n == TTY_CHUNK)
            chunk_flush(ck);
    }
    return 0;
}

static long console_writev(const struct iovec_user *iov, uint64_t cnt)
{
    struct chunker *ck = kzalloc(sizeof(*ck));
    if (!ck)
        return -ENOMEM;
    long r = 0;
    for (uint64_t i = 0; i < cnt && r == 0; i++)
        r = chunk_add(ck, uptr(iov[i].base), iov[i].len);
    if (r == 0 && ck->n)
        chunk_flush(ck);
    r = ck->written ? ck->written : r;
    kfree(ck);
    return r;
}

long sys_write(struct sys_call *c)
{
    if (!console_fd(c->arg[0]))
        return -EBADF;
    struct iovec_user one = { c->arg[1], MIN(c->arg[2], MAX_RW_COUNT) };
    return console_writev(&one, 1);
}

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
    long r = 0;
    uint64_t total = 0;
    if (copy_from_user(iov, uptr(c->arg[1]), cnt * sizeof(*iov)))
        r = -EFAULT;
    for (uint64_t i = 0; i < cnt && r == 0; i++) {
        if ((int64_t)iov[i].len < 0 || iov[i].len > MAX_RW_COUNT - total)
            r = -EINVAL;
        else
            total += iov[i].len;
    }
    if (r == 0)
        r = console_writev(iov, cnt);
    kfree(iov);
    return r;
}
