// SPDX-License-Identifier: MPL-2.0
// DEFLATE (RFC 1951) and gzip (RFC 1952) decoding into a bounded buffer, and CRC-32.
#ifndef KEEL_LIB_INFLATE_H
#define KEEL_LIB_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// CRC-32 (IEEE 802.3, as gzip uses it): start with crc = 0, feed the bytes in order.
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

// Does buf start with the gzip magic (1f 8b)?
bool gzip_magic(const void *buf, size_t len);

// Decode one raw DEFLATE stream from in[0..in_len) into out[0..out_cap).
// Returns 0 and sets *in_used (bytes consumed, rounded up to a whole byte)
// and *out_len; -EINVAL for malformed or truncated input, -ENOSPC when the
// output would exceed out_cap. Never reads or writes outside the buffers.
int inflate_raw(const void *in, size_t in_len, size_t *in_used,
		void *out, size_t out_cap, size_t *out_len);

// Decode one gzip member (header, DEFLATE data, CRC-32 and ISIZE trailer).
// As inflate_raw, plus -EBADMSG when the header CRC, the data CRC or the
// length in the trailer does not match. *in_used covers the trailer, so the
// next member (if any) starts at in + *in_used.
int gunzip(const void *in, size_t in_len, size_t *in_used,
	   void *out, size_t out_cap, size_t *out_len);

#endif // KEEL_LIB_INFLATE_H
