// SPDX-License-Identifier: MPL-2.0
// Pipes and FIFOs: a ring (64 KiB unless F_SETPIPE_SZ changes it) with blocking readers and writers.
#ifndef KEEL_FS_PIPE_H
#define KEEL_FS_PIPE_H

#include "fs/file.h"

#define PIPE_DEF_SIZE (16 * PAGE_SIZE)

struct pipe {
    struct mutex lock;          /* guards buf, head, and the copies in and out */
    char *buf;                  /* guarded by lock: cap bytes */
    size_t cap;                 /* a power of two pages; written under lock, atomic reads allowed */
    size_t head;                /* guarded by lock */
    size_t count;               /* atomic reads allowed (wait conditions); written under lock */
    uint32_t readers, writers;  /* atomic */
    uint32_t refcount;          /* atomic: ends and the FIFO inode */
    uint32_t r_counter, w_counter;  /* atomic: FIFO opens so far, for blocking opens */
    uint32_t seq_in, seq_out;   /* atomic: writes and reads so far (edge-triggered epoll) */
    struct waitqueue rwait, wwait;
};

/* Create a pipe and its two files (read end, write end) with extra status flags. */
int pipe_create(struct inode *ino, uint32_t flags, struct file **rd, struct file **wr) __must_check;
extern const struct file_ops fifo_ops;
void pipe_put(struct pipe *p);
/* fcntl F_GETPIPE_SZ / F_SETPIPE_SZ: the size in bytes, or -EBADF (not a pipe), -EINVAL, -EPERM, -EBUSY. */
long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg);
/* /proc/sys/fs/pipe-max-size: read; set (rounded up as F_SETPIPE_SZ does; -EINVAL above 2 GiB). */
uint64_t pipe_get_max_size(void);
int pipe_set_max_size(uint64_t size) __must_check;

#endif
