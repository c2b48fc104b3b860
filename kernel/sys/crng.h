// SPDX-License-Identifier: MPL-2.0
// The kernel's cryptographic random number generator (ChaCha20, fast key erasure).
#ifndef KEEL_SYS_CRNG_H
#define KEEL_SYS_CRNG_H

#include <ostd/types.h>
#include "sys/chacha20.h"

/*
 * A per-request generator: a key drawn from the base generator and a block
 * counter. Owned by one caller; needs no lock.
 */
struct crng_stream {
    uint32_t key[CHACHA20_KEY_WORDS];
    uint64_t counter;
};

/* Start a stream with a fresh key; the base key is replaced at once (fast key erasure). Task context. */
void crng_stream_init(struct crng_stream *s);
/* Fill buf with len bytes of the stream. */
void crng_stream_read(struct crng_stream *s, void *buf, size_t len);
/* Forget the stream's key. */
void crng_stream_wipe(struct crng_stream *s);

#endif
