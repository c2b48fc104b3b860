// SPDX-License-Identifier: MPL-2.0
// pipe and pipe2.
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include "fs/fs_syscalls.h"
#include "fs/pipe.h"

#define PIPEFS_MAGIC 0x50495045

/* Anonymous pipes' inodes live on this internal super block. */
static struct super_block pipefs = { .dev = 0xd, .magic = PIPEFS_MAGIC, .next_ino = 1, .type = "pipefs" };

static long do_pipe2(uptr_t ufds, uint32_t flags)
{
    if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
        return -EINVAL;
    struct inode *ino = inode_new(&pipefs, S_IFIFO | 0600);
    if (!ino)
        return -ENOMEM;
    struct file *rd, *wr;
    int r = pipe_create(ino, flags & (O_NONBLOCK | O_DIRECT), &rd, &wr);
    inode_put(ino);
    if (r)
        return r;
    struct files *ft = current_files();
    int fds[2];
    fds[0] = fd_install(ft, rd, 0, flags & O_CLOEXEC);
    if (fds[0] < 0) {
        file_put(rd);
        file_put(wr);
        return fds[0];
    }
    fds[1] = fd_install(ft, wr, 0, flags & O_CLOEXEC);
    if (fds[1] < 0) {
        fd_close(ft, fds[0]);
        file_put(wr);
        return fds[1];
    }
    if (copy_to_user(ufds, fds, sizeof(fds))) {
        fd_close(ft, fds[0]);
        fd_close(ft, fds[1]);
        return -EFAULT;
    }
    return 0;
}

long sys_pipe(struct sys_call *c) { return do_pipe2(uptr(c->arg[0]), 0); }
long sys_pipe2(struct sys_call *c) { return do_pipe2(uptr(c->arg[0]), (uint32_t)c->arg[1]); }
