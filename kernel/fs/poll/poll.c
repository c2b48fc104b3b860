// SPDX-License-Identifier: MPL-2.0
// Poll tables: registering a task on many wait queues, and the sleep between passes.
#include <ostd/heap.h>
#include <ostd/task.h>
#include <ostd/time.h>
#include "fs/file.h"
#include "fs/poll/poll.h"
#include "signal/signal.h"

#define CHUNK_ENTRIES 32

static bool poll_sleep_registered(uint64_t deadline_ns);

struct poll_entry {
    struct file *file;          /* holds a reference: keeps wq alive while queued */
    struct waitqueue *wq;
    struct wq_entry we;
};

struct poll_chunk {
    struct poll_chunk *next;
    unsigned used;
    struct poll_entry e[CHUNK_ENTRIES];
};

void poll_table_init(struct poll_table *pt)
{
    pt->chunks = NULL;
    pt->cur_file = NULL;
    pt->nowait = false;
    pt->failed = false;
    pt->seq_in = pt->seq_out = 0;
}

/* A chunk with a free entry: the first one (new chunks go in front). */
static struct poll_chunk *chunk_with_room(struct poll_table *pt)
{
    for (struct poll_chunk *c = pt->chunks; c; c = c->next)
        if (c->used < CHUNK_ENTRIES)
            return c;
    struct poll_chunk *c = kzalloc(sizeof(*c));
    if (!c)
        return NULL;
    c->next = pt->chunks;
    pt->chunks = c;
    return c;
}

void poll_wait(struct poll_table *pt, struct waitqueue *wq)
{
    if (!pt || !wq || pt->nowait)
        return;
    struct poll_chunk *c = chunk_with_room(pt);
    if (!c) {
        pt->failed = true;
        return;
    }
    struct poll_entry *e = &c->e[c->used++];
    e->file = pt->cur_file;
    if (e->file)
        file_get(e->file);
    e->wq = wq;
    e->we.queued = false;
    wq_prepare(wq, &e->we);
}

void poll_table_reset(struct poll_table *pt)
{
    for (struct poll_chunk *c = pt->chunks; c; c = c->next) {
        for (unsigned i = 0; i < c->used; i++) {
            wq_finish(c->e[i].wq, &c->e[i].we);
            if (c->e[i].file)
                file_put(c->e[i].file);
        }
        c->used = 0;
    }
    task_wake(task_current());
    pt->failed = false;
}

void poll_table_free(struct poll_table *pt)
{
    poll_table_reset(pt);
    while (pt->chunks) {
        struct poll_chunk *c = pt->chunks;
        pt->chunks = c->next;
        kfree(c);
    }
}

static bool table_empty(const struct poll_table *pt)
{
    for (struct poll_chunk *c = pt->chunks; c; c = c->next)
        if (c->used)
            return false;
    return true;
}

/*
 * With nothing registered the task is not marked as sleeping yet: register on
 * a queue nobody wakes, so only the timeout (or nothing) ends the sleep.
 */
int poll_sleep(struct poll_table *pt, uint64_t deadline_ns)
{
    /* The scan queued us (state SLEEPING) first, so a signal sent after this check wakes the sleep. */
    if (signal_pending_current())
        return -ERESTARTNOHAND;
    if (!table_empty(pt))
        return poll_sleep_registered(deadline_ns);
    struct waitqueue idle;
    struct wq_entry e = { .queued = false };
    wq_init(&idle);
    wq_prepare(&idle, &e);
    bool r = poll_sleep_registered(deadline_ns);
    wq_finish(&idle, &e);
    return r;
}

static bool poll_sleep_registered(uint64_t deadline_ns)
{
    if (deadline_ns == POLL_FOREVER) {
        wq_sleep();
        return true;
    }
    uint64_t now = clock_monotonic_ns();
    if (now >= deadline_ns)
        return false;
    wq_sleep_timeout(deadline_ns - now);
    return clock_monotonic_ns() < deadline_ns;
}

uint32_t file_poll(struct file *f, struct poll_table *pt)
{
    if (!f->ops->poll)
        return DEFAULT_POLLMASK;
    if (!pt)
        return f->ops->poll(f, NULL);
    struct file *outer = pt->cur_file;     /* nested epoll polls its items */
    pt->seq_in = pt->seq_out = 0;
    pt->cur_file = f;
    uint32_t m = f->ops->poll(f, pt);
    pt->cur_file = outer;
    return m;
}
