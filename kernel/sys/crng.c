// SPDX-License-Identifier: MPL-2.0
// The base random generator: a ChaCha20 key seeded and periodically reseeded from the CPU's RNG.
#include <ostd/cpu.h>
#include <ostd/sync.h>
#include <ostd/time.h>
#include <lib/string.h>
#include "sys/crng.h"

#define RESEED_NS (300 * NSEC_PER_SEC)

/*
 * The base key. Each use turns one block into the next base key and the
 * caller's stream key, so a later compromise of the state reveals no output
 * already given out.
 */
static spinlock_t crng_lock = SPINLOCK_INIT("crng");
static uint32_t base_key[CHACHA20_KEY_WORDS];    /* guarded by crng_lock */
static uint64_t base_counter;                    /* guarded by crng_lock */
static uint64_t next_reseed_ns;                  /* guarded by crng_lock; 0 = never seeded */

/*
 * Mix fresh hardware randomness into the key. RDRAND alone would do; the XOR
 * keeps the old key's entropy if it is weak (no RDRAND: a TSC-seeded mixer).
 */
static void reseed_locked(uint64_t now)
{
    for (int i = 0; i < CHACHA20_KEY_WORDS; i += 2) {
        uint64_t r = cpu_random_u64();
        base_key[i] ^= (uint32_t)r;
        base_key[i + 1] ^= (uint32_t)(r >> 32);
    }
    next_reseed_ns = now + RESEED_NS;
}

void crng_stream_init(struct crng_stream *s)
{
    uint8_t block[CHACHA20_BLOCK_SIZE];
    uint64_t now = clock_monotonic_ns();
    spin_lock(&crng_lock);
    if (next_reseed_ns == 0 || now >= next_reseed_ns)
        reseed_locked(now);
    chacha20_block(base_key, base_counter++, 0, block);
    memcpy(base_key, block, sizeof(base_key));
    spin_unlock(&crng_lock);
    memcpy(s->key, block + sizeof(base_key), sizeof(s->key));
    s->counter = 0;
    memset(block, 0, sizeof(block));
}

void crng_stream_read(struct crng_stream *s, void *buf, size_t len)
{
    uint8_t *p = buf, block[CHACHA20_BLOCK_SIZE];
    while (len) {
        size_t n = MIN(len, sizeof(block));
        chacha20_block(s->key, s->counter++, 0, block);
        memcpy(p, block, n);
        p += n;
        len -= n;
    }
    memset(block, 0, sizeof(block));
}

void crng_stream_wipe(struct crng_stream *s)
{
    memset(s, 0, sizeof(*s));
}
