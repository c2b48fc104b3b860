// SPDX-License-Identifier: MPL-2.0
// Credential objects.
#include <ostd/heap.h>
#include <ostd/sync.h>
#include <lib/string.h>
#include <ostd/task.h>
#include "proc/cred.h"
#include "proc/process.h"

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

/*
 * The caller's credentials with a reference, or NULL for a kernel task that
 * runs no process (boot-time work acts as root).
 */
struct cred *cred_current_get(void)
{
    struct thread *t = task_current() ? thread_current() : NULL;
    if (!t || !t->proc)
        return NULL;
    struct process *p = t->proc;
    mutex_lock(&p->lock);
    struct cred *c = p->cred;
    cred_get(c);
    mutex_unlock(&p->lock);
    return c;
}

uint32_t cred_current_fsuid(void)
{
    struct cred *c = cred_current_get();
    uint32_t v = c ? c->fsuid : 0;
    if (c)
        cred_put(c);
    return v;
}

uint32_t cred_current_fsgid(void)
{
    struct cred *c = cred_current_get();
    uint32_t v = c ? c->fsgid : 0;
    if (c)
        cred_put(c);
    return v;
}

/* Whether gid is the caller's fsgid or one of its supplementary groups. */
bool cred_current_in_group(uint32_t gid)
{
    struct cred *c = cred_current_get();
    if (!c)
        return gid == 0;
    bool in = c->fsgid == gid;
    for (uint32_t i = 0; !in && i < c->ngroups; i++)
        in = c->groups[i] == gid;
    cred_put(c);
    return in;
}

bool capable(int cap)
{
    (void)cap;
    struct cred *c = cred_current_get();
    bool root = !c || c->euid == 0;
    if (c)
        cred_put(c);
    return root;
}
