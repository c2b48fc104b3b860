// SPDX-License-Identifier: MPL-2.0
// Sampling profiler for CONFIG_PROFILE builds: timer-tick RIPs counted per symbol, dumped at power-off.
#include "internal.h"

#ifdef CONFIG_PROFILE

#include <ostd/console.h>

/* Hits per kernel symbol index; symbols past the table count as "other". */
#define PROFILE_SLOTS 16384
#define PROFILE_TOP   40

/* All counters are updated with atomic adds from any CPU's timer interrupt. */
static uint32_t hits[PROFILE_SLOTS];
static uint64_t user_hits, other_hits, total_hits;

void profile_sample(uint64_t rip, bool user)
{
    __atomic_add_fetch(&total_hits, 1, __ATOMIC_RELAXED);
    if (user) {
        __atomic_add_fetch(&user_hits, 1, __ATOMIC_RELAXED);
        return;
    }
    int64_t i = ksym_index(rip);
    if (i < 0 || i >= PROFILE_SLOTS)
        __atomic_add_fetch(&other_hits, 1, __ATOMIC_RELAXED);
    else
        __atomic_add_fetch(&hits[i], 1, __ATOMIC_RELAXED);
}

static void print_row(uint64_t n, const char *name)
{
    uint64_t permille = total_hits ? n * 1000 / total_hits : 0;
    pr_info("profile: %8lu %3lu.%lu%%  %s\n", n, permille / 10, permille % 10, name);
}

/* Print the PROFILE_TOP hottest symbols (selection by repeated scans). */
void profile_dump(void)
{
    static bool dumped;
    if (__atomic_exchange_n(&dumped, true, __ATOMIC_ACQ_REL))
        return;
    pr_info("profile: %lu timer samples (all CPUs)\n", total_hits);
    print_row(user_hits, "[user mode]");
    if (other_hits)
        print_row(other_hits, "[unknown]");
    uint32_t last_max = UINT32_MAX;
    int64_t last_idx = -1;
    for (int row = 0; row < PROFILE_TOP; row++) {
        int64_t best = -1;
        for (int64_t i = 0; i < PROFILE_SLOTS; i++) {
            uint32_t h = hits[i];
            bool below = h < last_max || (h == last_max && i > last_idx);
            if (h && below && (best < 0 || h > hits[best]))
                best = i;
        }
        if (best < 0)
            break;
        print_row(hits[best], ksym_name(best) ? ksym_name(best) : "?");
        last_max = hits[best];
        last_idx = best;
    }
}

#endif
