// SPDX-License-Identifier: MPL-2.0
// epoll internals shared by the instance code (epoll.c) and the syscalls (sys_epoll.c).
#ifndef KEEL_FS_EPOLL_INT_H
#define KEEL_FS_EPOLL_INT_H

#include <uapi/poll.h>
#include "fs/poll/epoll.h"
#include "fs/poll/poll.h"

/* A new epoll instance and its descriptor, or -errno. */
int ep_create(bool cloexec) __must_check;
/* The instance behind f, or NULL when f is not an epoll file. */
struct eventpoll *ep_of(struct file *f);
/* ADD/MOD/DEL fd (whose file is tf); the caller has validated op and ev. Takes ep->lock. */
long ep_ctl(struct eventpoll *ep, int op, int fd, struct file *tf, const struct linux_epoll_event *ev) __must_check;
/* One pass over the interest list: up to max ready events into out. Takes ep->lock. */
int ep_scan(struct eventpoll *ep, struct linux_epoll_event *out, int max, struct poll_table *pt);

#endif
