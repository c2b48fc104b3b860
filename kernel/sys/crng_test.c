// SPDX-License-Identifier: MPL-2.0
// KTESTs for ChaCha20 (RFC 8439 block test vector) and the random generator.
#include <ostd/ktest.h>
#include <lib/string.h>
#include "sys/chacha20.h"
#include "sys/crng.h"

KTEST(chacha20_rfc8439_block)
{
    uint32_t key[CHACHA20_KEY_WORDS];
    for (int i = 0; i < CHACHA20_KEY_WORDS; i++)
        key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 | (uint32_t)(4 * i + 2) << 16 | (uint32_t)(4 * i + 3) << 24;
    /* RFC 8439 2.3.2: block counter 1, nonce 00 00 00 09 00 00 00 4a 00 00 00 00 (words 13..15) */
    uint8_t out[CHACHA20_BLOCK_SIZE];
    chacha20_block(key, 1 | (uint64_t)0x09000000 << 32, 0x4a000000, out);
    static const uint8_t want[16] = { 0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
                                      0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4 };
    static const uint8_t want_tail[4] = { 0xa2, 0x50, 0x3c, 0x4e };
    KT_ASSERT(memcmp(out, want, sizeof(want)) == 0);
    KT_ASSERT(memcmp(out + 60, want_tail, sizeof(want_tail)) == 0);
}

KTEST(crng_streams_differ)
{
    struct crng_stream a, b;
    uint8_t x[100], y[100], z[100];
    crng_stream_init(&a);
    crng_stream_init(&b);
    crng_stream_read(&a, x, sizeof(x));
    crng_stream_read(&a, z, sizeof(z));
    crng_stream_read(&b, y, sizeof(y));
    KT_ASSERT(memcmp(x, y, sizeof(x)) != 0);
    KT_ASSERT(memcmp(x, z, sizeof(x)) != 0);
    crng_stream_wipe(&a);
    KT_EQ(a.counter, 0);
    KT_EQ(a.key[0], 0);
}
