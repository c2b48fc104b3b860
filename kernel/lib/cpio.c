// SPDX-License-Identifier: MPL-2.0
// Iterator over in-memory cpio archives in "newc" (070701) and "crc" (070702) format.
#include <lib/cpio.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define MAGIC_LEN 6
#define FIELD_LEN 8
#define NFIELDS 13

static const char trailer_name[] = "TRAILER!!!";

// Field order of the ASCII header after the magic.
enum field {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
};

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len)
{
	*it = (struct cpio_iter){ .buf = buf, .len = buf ? len : 0 };
}

size_t cpio_iter_remaining(const struct cpio_iter *it)
{
	return it->len - it->off;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

// Parses exactly eight hex digits; false if any is not a hex digit.
static bool parse_hex8(const unsigned char *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < FIELD_LEN; i++) {
		int d = hex_value(p[i]);
		if (d < 0)
			return false;
		v = (v << 4) | (uint32_t)d;
	}
	*out = v;
	return true;
}

// Returns the format named by the magic at p (which has MAGIC_LEN bytes), or 0.
static int magic_format(const unsigned char *p)
{
	if (memcmp(p, "070701", MAGIC_LEN) == 0)
		return CPIO_FMT_NEWC;
	if (memcmp(p, "070702", MAGIC_LEN) == 0)
		return CPIO_FMT_CRC;
	return 0;
}

// Offset of the next 4-byte boundary at or after off, measured from base.
// Callers guarantee off - base + 3 cannot overflow (off <= len).
static size_t align4(size_t base, size_t off)
{
	return base + ((off - base + 3) & ~(size_t)3);
}

static int parse_fields(const unsigned char *hdr, uint32_t f[NFIELDS])
{
	for (int i = 0; i < NFIELDS; i++) {
		if (!parse_hex8(hdr + MAGIC_LEN + i * FIELD_LEN, &f[i]))
			return -EINVAL;
	}
	return 0;
}

static void fill_entry(struct cpio_entry *e, const uint32_t f[NFIELDS])
{
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->devmajor = f[F_DEVMAJOR];
	e->devminor = f[F_DEVMINOR];
	e->rdevmajor = f[F_RDEVMAJOR];
	e->rdevminor = f[F_RDEVMINOR];
	e->check = f[F_CHECK];
	e->size = f[F_FILESIZE];
}

// Validates the name at it->off + header; sets e->name/name_len.
static int parse_name(const struct cpio_iter *it, uint32_t namesize, struct cpio_entry *e)
{
	size_t name_off = it->off + CPIO_HEADER_SIZE;

	if (namesize == 0 || namesize > CPIO_NAME_MAX || it->len - name_off < namesize)
		return -EINVAL;
	const unsigned char *name = it->buf + name_off;
	// Exactly one NUL, at the end: anything else would make name_len lie.
	if (name[namesize - 1] != '\0' || memchr(name, '\0', namesize - 1))
		return -EINVAL;
	e->name = (const char *)name;
	e->name_len = namesize - 1;
	return 0;
}

static uint32_t byte_sum(const unsigned char *p, size_t n)
{
	uint32_t sum = 0;

	while (n--)
		sum += *p++;
	return sum;
}

// Parses the member whose header is at it->off and advances past it.
static int parse_member(struct cpio_iter *it, struct cpio_entry *e)
{
	uint32_t f[NFIELDS];
	int err;

	if (it->len - it->off < CPIO_HEADER_SIZE)
		return -EINVAL;
	e->format = magic_format(it->buf + it->off);
	if (!e->format || (err = parse_fields(it->buf + it->off, f)) != 0)
		return -EINVAL;
	if ((err = parse_name(it, f[F_NAMESIZE], e)) != 0)
		return err;
	fill_entry(e, f);
	e->offset = it->off;
	size_t data_off = align4(it->base, it->off + CPIO_HEADER_SIZE + f[F_NAMESIZE]);
	// Padding may be cut off at the very end of the buffer (after the last
	// trailer) when no data follows it.
	if (data_off > it->len && e->size == 0)
		data_off = it->len;
	if (data_off > it->len || it->len - data_off < e->size)
		return -EINVAL;
	e->data = it->buf + data_off;
	if (e->format == CPIO_FMT_CRC && byte_sum(e->data, e->size) != e->check)
		return -EBADMSG;
	// Likewise the padding after the data: a member cut there is followed
	// by nothing, which the next call reports if a trailer was still due.
	size_t next = align4(it->base, data_off + e->size);
	it->off = next < it->len ? next : it->len;
	return 0;
}

// True if the n bytes at p begin like a cpio ASCII magic ("0707"), or are a
// prefix of one: such data is a (possibly truncated or unsupported) archive.
static bool looks_like_cpio(const unsigned char *p, size_t n)
{
	return memcmp(p, "0707", n < 4 ? n : 4) == 0;
}

// At an archive boundary: skips zero padding and decides whether another
// archive starts. Returns 1 if one does, 0 at the end of the cpio data, or
// -EINVAL for data that looks like cpio but has no supported magic.
static int start_archive(struct cpio_iter *it)
{
	size_t rest;

	while (it->off < it->len && it->buf[it->off] == 0)
		it->off++;
	rest = it->len - it->off;
	if (rest == 0 || !looks_like_cpio(it->buf + it->off, rest))
		return 0;
	if (rest < MAGIC_LEN || !magic_format(it->buf + it->off))
		return -EINVAL;
	it->base = it->off;
	it->in_archive = true;
	return 1;
}

static bool is_trailer(const struct cpio_entry *e)
{
	return e->name_len == sizeof(trailer_name) - 1 &&
	       memcmp(e->name, trailer_name, e->name_len) == 0;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e)
{
	int r;

	while (!it->err && !it->done) {
		if (!it->in_archive) {
			r = start_archive(it);
			it->done = r == 0;
			it->err = r < 0 ? r : 0;
			if (r <= 0)
				continue;
		}
		r = parse_member(it, e);
		if (r) {
			it->err = r;
			break;
		}
		if (!is_trailer(e))
			return 1;
		it->in_archive = false;
	}
	return it->err;
}
