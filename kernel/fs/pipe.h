// SPDX-License-Identifier: MPL-2.0
// Pipes and FIFOs: a 64 KiB ring with blocking readers and writers.
#ifndef KEEL_FS_PIPE_H
#define KEEL_FS_PIPE_H

#include "fs/file.h"

#define PIPE_SIZE (16 * PAGE_SIZE)

struct pipe {
    struct mutex lock;          /* guards buf, head, and the copies in and out */
    char *buf;
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

#endif
