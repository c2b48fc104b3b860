// SPDX-License-Identifier: MPL-2.0
// DEFLATE (RFC 1951) and gzip (RFC 1952) decoder: canonical Huffman codes, bounded output.
#include <lib/inflate.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define MAX_BITS 15	// longest code in any DEFLATE alphabet
#define NUM_LITLEN 288	// literal/length symbols (286 and 287 never valid)
#define NUM_DIST 30
#define NUM_CLEN 19	// code-length alphabet

// ---- CRC-32, four bits at a time (reflected polynomial 0xedb88320) ----

static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

bool gzip_magic(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

// ---- bit input (LSB first) and bounded output ----

struct inflater {
	const uint8_t *in;
	size_t in_len, in_pos;
	uint32_t bits;		// pending input bits, next bit in bit 0
	unsigned nbits;
	uint8_t *out;
	size_t out_cap, out_pos;
	int err;		// sticky: first error seen
};

// The next n (<= 16) bits; on running out of input sets err and returns 0.
static unsigned get_bits(struct inflater *s, unsigned n)
{
	while (s->nbits < n) {
		if (s->in_pos >= s->in_len) {
			if (!s->err)
				s->err = -EINVAL;
			return 0;
		}
		s->bits |= (uint32_t)s->in[s->in_pos++] << s->nbits;
		s->nbits += 8;
	}
	unsigned v = s->bits & ((1u << n) - 1);
	s->bits >>= n;
	s->nbits -= n;
	return v;
}

static void put_byte(struct inflater *s, uint8_t b)
{
	if (s->out_pos >= s->out_cap) {
		if (!s->err)
			s->err = -ENOSPC;
		return;
	}
	s->out[s->out_pos++] = b;
}

// ---- canonical Huffman codes ----

// count[l]: codes of length l; sym: symbols ordered by (length, value).
struct huffman {
	uint16_t count[MAX_BITS + 1];
	uint16_t sym[NUM_LITLEN];
};

// Build h from n code lengths. 0, or -EINVAL for an over-subscribed code or
// an incomplete one (allowed only as a single code of length 1, RFC 1951 3.2.7,
// or no code at all, e.g. the distances of a block of literals).
static int huff_build(struct huffman *h, const uint8_t *len, unsigned n)
{
	uint16_t first[MAX_BITS + 2];
	int left = 1;
	unsigned used = 0;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned i = 0; i < n; i++)
		h->count[len[i]]++;
	h->count[0] = 0;
	for (unsigned l = 1; l <= MAX_BITS; l++) {
		left = left * 2 - h->count[l];
		if (left < 0)
			return -EINVAL;
		used += h->count[l];
	}
	if (left > 0 && used && !(used == 1 && h->count[1] == 1))
		return -EINVAL;	// an empty code is fine: decoding with it fails
	first[1] = 0;
	for (unsigned l = 1; l <= MAX_BITS; l++)
		first[l + 1] = first[l] + h->count[l];
	for (unsigned i = 0; i < n; i++)
		if (len[i])
			h->sym[first[len[i]]++] = (uint16_t)i;
	return 0;
}

// Decode one symbol, reading the code MSB first one bit at a time; -EINVAL
// for a bit pattern that is not a code (only possible with a single code).
static int huff_decode(struct inflater *s, const struct huffman *h)
{
	int code = 0, first = 0, index = 0;

	for (unsigned l = 1; l <= MAX_BITS; l++) {
		code |= (int)get_bits(s, 1);
		if (s->err)
			return s->err;
		int cnt = h->count[l];
		if (code - first < cnt)
			return h->sym[index + code - first];
		index += cnt;
		first = (first + cnt) << 1;
		code <<= 1;
	}
	return -EINVAL;
}

// ---- blocks ----

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
};
static const uint16_t dist_base[NUM_DIST] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
};
static const uint8_t dist_extra[NUM_DIST] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
};

// Type 0: byte-aligned LEN, ~LEN, then LEN literal bytes.
static int block_stored(struct inflater *s)
{
	s->bits = 0;	// drop the rest of the current byte
	s->nbits = 0;
	if (s->in_len - s->in_pos < 4)
		return -EINVAL;
	const uint8_t *p = s->in + s->in_pos;
	unsigned len = p[0] | (unsigned)p[1] << 8, nlen = p[2] | (unsigned)p[3] << 8;
	s->in_pos += 4;
	if (len != (~nlen & 0xffff) || s->in_len - s->in_pos < len)
		return -EINVAL;
	if (s->out_cap - s->out_pos < len)
		return -ENOSPC;
	memcpy(s->out + s->out_pos, s->in + s->in_pos, len);
	s->in_pos += len;
	s->out_pos += len;
	return 0;
}

// Copy len bytes from dist back in the output (the regions may overlap).
static int copy_match(struct inflater *s, unsigned len, unsigned dist)
{
	if (dist > s->out_pos)
		return -EINVAL;
	if (s->out_cap - s->out_pos < len)
		return -ENOSPC;
	for (unsigned i = 0; i < len; i++, s->out_pos++)
		s->out[s->out_pos] = s->out[s->out_pos - dist];
	return 0;
}

// Literals and matches with the given codes, up to the end-of-block symbol.
static int block_codes(struct inflater *s, const struct huffman *lit, const struct huffman *dist)
{
	for (;;) {
		int sym = huff_decode(s, lit);
		if (sym < 0)
			return sym;
		if (sym < 256) {
			put_byte(s, (uint8_t)sym);
			if (s->err)
				return s->err;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return -EINVAL;
		unsigned len = len_base[sym] + get_bits(s, len_extra[sym]);
		int d = huff_decode(s, dist);
		if (d < 0)
			return d;
		if (d >= NUM_DIST)
			return -EINVAL;
		unsigned dd = dist_base[d] + get_bits(s, dist_extra[d]);
		if (s->err)
			return s->err;
		int r = copy_match(s, len, dd);
		if (r)
			return r;
	}
}

// The two codes of one block and the code lengths they are built from.
struct block_tables {
	struct huffman lit, dist;
	uint8_t lens[NUM_LITLEN + NUM_DIST];
};

static int block_fixed(struct inflater *s, struct block_tables *t)
{
	unsigned i = 0;

	for (; i < 144; i++)
		t->lens[i] = 8;
	for (; i < 256; i++)
		t->lens[i] = 9;
	for (; i < 280; i++)
		t->lens[i] = 7;
	for (; i < NUM_LITLEN; i++)
		t->lens[i] = 8;
	int r = huff_build(&t->lit, t->lens, NUM_LITLEN);
	for (i = 0; i < NUM_DIST + 2; i++)	// 30 and 31 complete the code but are invalid
		t->lens[i] = 5;
	if (!r)
		r = huff_build(&t->dist, t->lens, NUM_DIST + 2);
	return r ? r : block_codes(s, &t->lit, &t->dist);
}

static const uint8_t clen_order[NUM_CLEN] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
};

// Read nlen + ndist code lengths with the code-length code h into t->lens.
static int read_lengths(struct inflater *s, const struct huffman *h, unsigned total, uint8_t *lens)
{
	unsigned i = 0;

	while (i < total) {
		int sym = huff_decode(s, h);
		if (sym < 0)
			return sym;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		unsigned rep, val = 0;
		if (sym == 16) {
			if (i == 0)
				return -EINVAL;
			val = lens[i - 1];
			rep = 3 + get_bits(s, 2);
		} else if (sym == 17) {
			rep = 3 + get_bits(s, 3);
		} else {
			rep = 11 + get_bits(s, 7);
		}
		if (s->err)
			return s->err;
		if (rep > total - i)
			return -EINVAL;
		while (rep--)
			lens[i++] = (uint8_t)val;
	}
	return 0;
}

static int block_dynamic(struct inflater *s, struct block_tables *t)
{
	unsigned nlen = get_bits(s, 5) + 257, ndist = get_bits(s, 5) + 1, nclen = get_bits(s, 4) + 4;
	uint8_t clens[NUM_CLEN] = { 0 };

	if (s->err)
		return s->err;
	if (nlen > 286 || ndist > NUM_DIST)
		return -EINVAL;
	for (unsigned i = 0; i < nclen; i++)
		clens[clen_order[i]] = (uint8_t)get_bits(s, 3);
	if (s->err)
		return s->err;
	int r = huff_build(&t->lit, clens, NUM_CLEN);
	if (!r)
		r = read_lengths(s, &t->lit, nlen + ndist, t->lens);
	if (r)
		return r;
	if (t->lens[256] == 0)
		return -EINVAL;	// no end-of-block code
	r = huff_build(&t->lit, t->lens, nlen);
	if (!r)
		r = huff_build(&t->dist, t->lens + nlen, ndist);
	return r ? r : block_codes(s, &t->lit, &t->dist);
}

static int inflate_blocks(struct inflater *s, struct block_tables *t)
{
	unsigned last;

	do {
		last = get_bits(s, 1);
		unsigned type = get_bits(s, 2);
		if (s->err)
			return s->err;
		int r = type == 0 ? block_stored(s) : type == 1 ? block_fixed(s, t) :
			type == 2 ? block_dynamic(s, t) : -EINVAL;
		if (r)
			return r;
	} while (!last);
	return 0;
}

int inflate_raw(const void *in, size_t in_len, size_t *in_used,
		void *out, size_t out_cap, size_t *out_len)
{
	struct inflater s = { .in = in, .in_len = in ? in_len : 0, .out = out, .out_cap = out ? out_cap : 0 };
	struct block_tables tables;	// about 1.5 KiB of stack
	int r = inflate_blocks(&s, &tables);

	*out_len = s.out_pos;
	*in_used = s.in_pos;	// whole bytes: unused bits of the last one are padding
	return r ? r : s.err;
}

// ---- gzip framing ----

#define GZ_FHCRC 0x02
#define GZ_FEXTRA 0x04
#define GZ_FNAME 0x08
#define GZ_FCOMMENT 0x10
#define GZ_RESERVED 0xe0

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

// Skip a NUL-terminated field starting at *pos; false if it runs off the end.
static bool skip_string(const uint8_t *p, size_t len, size_t *pos)
{
	while (*pos < len && p[*pos])
		(*pos)++;
	if (*pos >= len)
		return false;
	(*pos)++;
	return true;
}

// Parse the header; returns its length, or -EINVAL / -EBADMSG.
static long gzip_header(const uint8_t *p, size_t len)
{
	if (len < 10 || !gzip_magic(p, len) || p[2] != 8 || (p[3] & GZ_RESERVED))
		return -EINVAL;
	uint8_t flg = p[3];
	size_t pos = 10;
	if (flg & GZ_FEXTRA) {
		if (len - pos < 2)
			return -EINVAL;
		size_t xlen = p[pos] | (size_t)p[pos + 1] << 8;
		pos += 2;
		if (len - pos < xlen)
			return -EINVAL;
		pos += xlen;
	}
	if ((flg & GZ_FNAME) && !skip_string(p, len, &pos))
		return -EINVAL;
	if ((flg & GZ_FCOMMENT) && !skip_string(p, len, &pos))
		return -EINVAL;
	if (flg & GZ_FHCRC) {
		if (len - pos < 2)
			return -EINVAL;
		uint32_t want = p[pos] | (uint32_t)p[pos + 1] << 8;
		if ((crc32_update(0, p, pos) & 0xffff) != want)
			return -EBADMSG;
		pos += 2;
	}
	return (long)pos;
}

int gunzip(const void *in, size_t in_len, size_t *in_used,
	   void *out, size_t out_cap, size_t *out_len)
{
	const uint8_t *p = in;
	size_t used = 0;

	*out_len = 0;
	*in_used = 0;
	if (!p)
		return -EINVAL;
	long h = gzip_header(p, in_len);
	if (h < 0)
		return (int)h;
	int r = inflate_raw(p + h, in_len - (size_t)h, &used, out, out_cap, out_len);
	if (r)
		return r;
	size_t end = (size_t)h + used;
	if (in_len - end < 8)
		return -EINVAL;
	if (le32(p + end) != crc32_update(0, out, *out_len) || le32(p + end + 4) != (uint32_t)*out_len)
		return -EBADMSG;
	*in_used = end + 8;
	return 0;
}
