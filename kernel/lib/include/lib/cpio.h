// SPDX-License-Identifier: MPL-2.0
// Iterator over in-memory cpio archives in "newc" (070701) and "crc" (070702) format.
#ifndef KEEL_LIB_CPIO_H
#define KEEL_LIB_CPIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_NAME_MAX 4096 // longest accepted name, including its NUL

enum cpio_format {
	CPIO_FMT_NEWC = 1, // "070701": check field unused
	CPIO_FMT_CRC = 2,  // "070702": check = 32-bit sum of the data bytes
};

// Iteration state; treat as opaque. Several archives may follow each other,
// separated by zero bytes, as in a Linux initramfs.
struct cpio_iter {
	const unsigned char *buf;
	size_t len;
	size_t off;       // next byte to parse
	size_t base;      // start of the current archive (padding origin)
	bool in_archive;  // a header must come next (no trailer seen yet)
	bool done;
	int err;          // sticky error
};

// One archive member. Pointers point into the caller's buffer, which must
// outlive the entry. name is NUL-terminated at name[name_len].
struct cpio_entry {
	const char *name;
	size_t name_len;
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	uint32_t check;
	enum cpio_format format;
	const unsigned char *data;
	size_t size;
	size_t offset; // of this entry's header within the buffer
};

void cpio_iter_init(struct cpio_iter *it, const void *buf, size_t len);

// Returns 1 and fills *e for the next member; 0 when the input ends after a
// "TRAILER!!!" (plus optional zero padding), or when what follows a trailer
// is not a cpio archive (see cpio_iter_remaining); -EINVAL on malformed or
// truncated input; -EBADMSG if a crc-format checksum does not match. Errors
// are sticky. Hard links (nlink > 1) are reported as stored; in newc the data
// travels with the last link of the set and the caller resolves them.
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);

// After cpio_next returned 0: bytes left unparsed (for example a compressed
// archive appended to an uncompressed one), starting at it->off.
size_t cpio_iter_remaining(const struct cpio_iter *it);

#endif // KEEL_LIB_CPIO_H
