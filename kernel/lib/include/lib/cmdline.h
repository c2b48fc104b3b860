// SPDX-License-Identifier: MPL-2.0
// Linux-style kernel command line parsing: key=value, bare flags, "--" init args.
#ifndef KEEL_LIB_CMDLINE_H
#define KEEL_LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

// Syntax (as Linux): parameters are separated by whitespace; a double quote
// toggles quoting, and whitespace inside quotes does not split. A value
// written key="a b" yields `a b`; a parameter written "key=a b" likewise.
// Keys compare equal if they differ only in '-' versus '_'. Parsing of kernel
// parameters stops at a standalone "--"; the words after it are for init.
// Unknown parameters are simply ignored by callers.

struct cmdline_iter {
	const char *pos;
};

// One parameter; key/val point into the command line and are NOT
// NUL-terminated. Enclosing quotes are already stripped from both.
struct cmdline_param {
	const char *key;
	size_t key_len;
	const char *val; // NULL for a bare flag (no '=')
	size_t val_len;
};

void cmdline_iter_init(struct cmdline_iter *it, const char *cmdline);

// Yields the next kernel parameter; false at the end or at "--".
bool cmdline_next(struct cmdline_iter *it, struct cmdline_param *p);

// Finds the last key=value for `key` and copies the value to out (always
// NUL-terminated, truncated like strlcpy if outsz is too small). Returns false
// if the key is absent, given only as a bare flag, or outsz is 0.
bool cmdline_get(const char *cmdline, const char *key, char *out, size_t outsz);

// True if `flag` appears as a bare word (not key=value) before "--".
bool cmdline_has(const char *cmdline, const char *flag);

// Collects the words after a standalone "--" (what Linux passes to init as
// argv[1..]). Each word is copied, quotes stripped, NUL-terminated, into buf;
// argv[i] points at it. Returns the word count, 0 if there is no "--", or
// -E2BIG if more than max_args words or more than bufsz bytes are needed.
int cmdline_init_args(const char *cmdline, char *buf, size_t bufsz,
		      const char **argv, size_t max_args);

#endif // KEEL_LIB_CMDLINE_H
