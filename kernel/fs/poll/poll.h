// SPDX-License-Identifier: MPL-2.0
// Poll tables: how a file's poll method registers the waiter on its wait queues.
#ifndef KEEL_FS_POLL_H
#define KEEL_FS_POLL_H

#include <ostd/types.h>
#include <ostd/sync.h>
#include <uapi/poll.h>

struct file;

/*
 * One waiting task's registrations. A poll method calls poll_wait() on every
 * wait queue whose wake-ups may change its mask *before* computing the mask,
 * so no wake-up between the check and the sleep is lost. Edge-triggered epoll
 * also needs to see new events on an unchanged mask: a method sets seq_in
 * (seq_out) to a counter that grows with every event that makes the file
 * readable (writable). Owned by one task; no lock.
 */
struct poll_chunk;
struct poll_table {
    struct poll_chunk *chunks;  /* registrations, in fixed-size chunks (list nodes must not move) */
    struct file *cur_file;      /* the file being polled: each registration holds a reference */
    bool nowait;                /* only ask (poll_wait does nothing); seq_* are still set */
    bool failed;                /* a registration could not be allocated */
    uint32_t seq_in, seq_out;   /* set by the last poll method called */
};

/* A file's readiness; pt may be NULL (only ask). Files without a poll method are always ready. */
uint32_t file_poll(struct file *f, struct poll_table *pt);
/* Register on wq (pt may be NULL: nothing to do). Marks the task as about to sleep. */
void poll_wait(struct poll_table *pt, struct waitqueue *wq);
void poll_table_init(struct poll_table *pt);
/* Drop every registration (the task is running again); keeps memory for reuse. */
void poll_table_reset(struct poll_table *pt);
void poll_table_free(struct poll_table *pt);

/* Deadline helpers: 0 means "no timeout" (block forever). */
#define POLL_FOREVER UINT64_MAX
/*
 * Sleep until a registered queue wakes us or the monotonic deadline passes.
 * Returns false when the deadline has passed. pt's registrations stay queued.
 */
int poll_sleep(struct poll_table *pt, uint64_t deadline_ns);   /* 1 woken, 0 timed out, -ERESTARTNOHAND signal */

#define POLLIN_SET  (EPOLLRDNORM | EPOLLRDBAND | EPOLLIN | EPOLLHUP | EPOLLERR)
#define POLLOUT_SET (EPOLLWRBAND | EPOLLWRNORM | EPOLLOUT | EPOLLERR)
#define POLLEX_SET  (EPOLLPRI)
#define DEFAULT_POLLMASK (EPOLLIN | EPOLLOUT | EPOLLRDNORM | EPOLLWRNORM)

#endif
