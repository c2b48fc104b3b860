// SPDX-License-Identifier: MPL-2.0
// The ChaCha20 block function (20 rounds, 256-bit key, 64-bit counter, 64-bit nonce).
#ifndef KEEL_SYS_CHACHA20_H
#define KEEL_SYS_CHACHA20_H

#include <ostd/types.h>

#define CHACHA20_KEY_WORDS 8
#define CHACHA20_BLOCK_SIZE 64

/* Write the 64-byte keystream block number counter for key and nonce to out. Pure, reentrant. */
void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint64_t counter, uint64_t nonce,
                    uint8_t out[CHACHA20_BLOCK_SIZE]);

#endif
