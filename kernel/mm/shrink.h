// SPDX-License-Identifier: MPL-2.0
// Cache shrinkers: what mm asks to give memory back before it kills a process for want of it.
#ifndef KEEL_MM_SHRINK_H
#define KEEL_MM_SHRINK_H

#include <ostd/types.h>

/*
 * A cache that can give pages back (the ext2 page cache). scan frees up to
 * want pages and returns how many; it is called with no lock held by the
 * caller's side that it could need, so it must only trylock locks that an
 * allocating path may hold. count/dirty report pages held (for meminfo).
 */
struct shrinker {
    const char *name;
    uint64_t (*scan)(uint64_t want);
    uint64_t (*count)(void);
    uint64_t (*dirty)(void);
    /* Optional: free every clean page nobody maps, for drop_caches; may sleep on its own locks. */
    uint64_t (*drop_clean)(void);
};

#define SHRINKER_MAX 8

/* Add s (static storage; never removed). -ENOSPC past SHRINKER_MAX. */
int shrinker_register(const struct shrinker *s) __must_check;
/* Ask every shrinker for up to want pages in all; returns the pages freed. Any task context. */
uint64_t mm_shrink(uint64_t want);
/*
 * echo 1 > /proc/sys/vm/drop_caches: every cache frees its clean pages that
 * nobody maps (dirty and mapped ones stay, as on Linux); returns the pages
 * freed. Task context with no file-system lock held.
 */
uint64_t mm_drop_caches(void);
/* Pages held by all caches, and how many of them are dirty. */
void mm_cache_stats(uint64_t *cached, uint64_t *dirty);

#endif
