// SPDX-License-Identifier: MPL-2.0
// In-kernel tests of the cache shrinker registry.
#include <ostd/ktest.h>
#include "mm/shrink.h"

static uint64_t kt_held = 100, kt_dirty = 7, kt_asked;

static uint64_t kt_scan(uint64_t want)
{
    uint64_t n = want < kt_held - kt_dirty ? want : kt_held - kt_dirty;   /* only clean pages go */
    kt_asked += want;
    kt_held -= n;
    return n;
}

static uint64_t kt_count(void) { return kt_held; }
static uint64_t kt_dirty_count(void) { return kt_dirty; }

static const struct shrinker kt_shrinker = {
    .name = "ktest", .scan = kt_scan, .count = kt_count, .dirty = kt_dirty_count,
};

KTEST(shrink_registry_scans_and_counts)
{
    uint64_t c0, d0, c1, d1;
    mm_cache_stats(&c0, &d0);
    KT_EQ(shrinker_register(&kt_shrinker), 0);
    mm_cache_stats(&c1, &d1);
    KT_EQ(c1 - c0, 100);
    KT_EQ(d1 - d0, 7);
    uint64_t got = mm_shrink(50);
    KT_ASSERT(got >= 50 || kt_held == kt_dirty);  /* others may give first; ours gives what is asked of it */
    uint64_t more = mm_shrink(1000);
    KT_ASSERT(kt_held == kt_dirty);                /* dirty pages are never counted as freed */
    KT_ASSERT(more <= 1000);
    mm_cache_stats(&c1, &d1);
    KT_EQ(c1 - c0, 7);
}
