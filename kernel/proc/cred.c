// SPDX-License-Identifier: MPL-2.0
// Credential objects.
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <lib/string.h>
#include "proc/cred.h"

struct cred *cred_root(void)
{
    struct cred *c = kzalloc(sizeof(*c));
    if (c)
        c->refcount = 1;
    return c;
}

struct cred *cred_copy(const struct cred *src)
{
    struct cred *c = kmalloc(sizeof(*c));
    if (!c)
        return NULL;
    *c = *src;
    c->refcount = 1;
    c->groups = NULL;
    if (src->ngroups) {
        c->groups = kcalloc(src->ngroups, sizeof(uint32_t));
        if (!c->groups) {
            kfree(c);
            return NULL;
        }
        memcpy(c->groups, src->groups, src->ngroups * sizeof(uint32_t));
    }
    return c;
}

void cred_get(struct cred *c) { atomic_add(&c->refcount, 1); }

void cred_put(struct cred *c)
{
    if (atomic_sub(&c->refcount, 1) != 0)
        return;
    kfree(c->groups);
    kfree(c);
}
