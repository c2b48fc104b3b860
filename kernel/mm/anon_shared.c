// SPDX-License-Identifier: MPL-2.0
// Shared anonymous memory objects: the pages behind MAP_SHARED|MAP_ANONYMOUS, kept across fork.
#include <ostd/frame.h>
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include "mm/mm.h"

struct anon_shared {
    uint32_t refcount;          /* atomic */
    struct mutex lock;          /* guards npages, pages */
    uint64_t npages;
    struct frame **pages;       /* NULL entries are not yet touched (read as zero) */
};

struct anon_shared *anon_shared_create(uint64_t npages)
{
    struct anon_shared *s = kzalloc(sizeof(*s));
    if (!s)
        return NULL;
    s->pages = kcalloc(npages ? npages : 1, sizeof(*s->pages));
    if (!s->pages) {
        kfree(s);
        return NULL;
    }
    s->refcount = 1;
    s->npages = npages;
    mutex_init(&s->lock);
    return s;
}

void anon_shared_get(struct anon_shared *s) { atomic_add(&s->refcount, 1); }

void anon_shared_put(struct anon_shared *s)
{
    if (atomic_sub(&s->refcount, 1) != 0)
        return;
    for (uint64_t i = 0; i < s->npages; i++)
        if (s->pages[i])
            frame_put(s->pages[i]);
    kfree(s->pages);
    kfree(s);
}

/* Grow the page array to hold idx (mremap can extend a shared mapping). Lock held. */
static int grow_locked(struct anon_shared *s, uint64_t idx)
{
    uint64_t n = MAX(idx + 1, s->npages * 2);
    struct frame **p = kcalloc(n, sizeof(*p));
    if (!p)
        return -1;
    memcpy(p, s->pages, s->npages * sizeof(*p));
    kfree(s->pages);
    s->pages = p;
    s->npages = n;
    return 0;
}

struct frame *anon_shared_page(struct anon_shared *s, uint64_t idx)
{
    struct frame *f = NULL;
    mutex_lock(&s->lock);
    if (idx >= s->npages && grow_locked(s, idx))
        goto out;
    if (!s->pages[idx])
        s->pages[idx] = frame_alloc(FRAME_ZERO);
    f = s->pages[idx];
    if (f)
        frame_get(f);
out:
    mutex_unlock(&s->lock);
    return f;
}

int anon_shared_set_page(struct anon_shared *s, uint64_t idx, struct frame *f)
{
    mutex_lock(&s->lock);
    int r = idx < s->npages && !s->pages[idx] ? 0 : -EINVAL;
    if (!r) {
        frame_get(f);
        s->pages[idx] = f;
    }
    mutex_unlock(&s->lock);
    return r;
}
