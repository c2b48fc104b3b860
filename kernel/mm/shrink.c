// SPDX-License-Identifier: MPL-2.0
// Cache shrinkers: a fixed registry read without locks, asked for pages before an out-of-memory kill.
#include <ostd/sync.h>
#include <uapi/errno.h>
#include "mm/shrink.h"

/* Slots fill once each and are never cleared: nshrinkers (atomic) publishes them. */
static const struct shrinker *shrinkers[SHRINKER_MAX];
static uint32_t nshrinkers;
static spinlock_t shrink_reg_lock = SPINLOCK_INIT("shrink_reg");   /* serialises registration only */

int shrinker_register(const struct shrinker *s)
{
    spin_lock(&shrink_reg_lock);
    uint32_t n = atomic_load(&nshrinkers);
    int r = n < SHRINKER_MAX ? 0 : -ENOSPC;
    if (!r) {
        shrinkers[n] = s;
        atomic_store(&nshrinkers, n + 1);
    }
    spin_unlock(&shrink_reg_lock);
    return r;
}

uint64_t mm_shrink(uint64_t want)
{
    uint64_t got = 0;
    uint32_t n = atomic_load(&nshrinkers);
    for (uint32_t i = 0; i < n && got < want; i++)
        got += shrinkers[i]->scan(want - got);
    return got;
}

uint64_t mm_drop_caches(void)
{
    uint64_t got = 0;
    uint32_t n = atomic_load(&nshrinkers);
    for (uint32_t i = 0; i < n; i++)
        if (shrinkers[i]->drop_clean)
            got += shrinkers[i]->drop_clean();
    return got;
}

void mm_cache_stats(uint64_t *cached, uint64_t *dirty)
{
    uint32_t n = atomic_load(&nshrinkers);
    *cached = *dirty = 0;
    for (uint32_t i = 0; i < n; i++) {
        *cached += shrinkers[i]->count();
        *dirty += shrinkers[i]->dirty();
    }
}
