// SPDX-License-Identifier: MPL-2.0
// epoll instances: an interest list scanned with poll methods (level and edge triggered).
#ifndef KEEL_FS_EPOLL_H
#define KEEL_FS_EPOLL_H

#include <ostd/list.h>
#include <ostd/sync.h>
#include "fs/file.h"

/*
 * An interest-list entry. Items are keyed by (fd, file) as on Linux, but hold
 * no reference to the file (that would keep a closed pipe end open): a scan
 * looks the fd up again and drops the item once the fd names another file.
 * FIXME: Linux keeps the item while any dup of the file lives; after fork the
 * lookup uses the waiting process's descriptor table.
 */
struct epitem {
    struct list_head node;      /* in eventpoll.items */
    int fd;
    const struct file *file;    /* identity only: compared, never dereferenced */
    uint32_t events;            /* requested bits plus EPOLLET/EPOLLONESHOT */
    uint64_t data;
    bool disabled;              /* EPOLLONESHOT has fired; EPOLL_CTL_MOD re-enables */
    uint32_t last_mask, last_in, last_out;  /* what the last scan saw (edge triggering) */
};

/* Lock order: an outer instance's lock before an inner (nested) one's; loops are refused. */
struct eventpoll {
    struct mutex lock;          /* guards items and every epitem field */
    struct list_head items;
    unsigned nitems;
    struct waitqueue wq;        /* woken by epoll_ctl so waiters rescan */
};

#endif
