// SPDX-License-Identifier: MPL-2.0
// Pure path-string helpers for the VFS walker: component splitting as Linux does it.
#ifndef KEEL_LIB_PATH_H
#define KEEL_LIB_PATH_H

#include <stdbool.h>
#include <stddef.h>

#define PATH_NAME_MAX 255   // longest component

enum path_kind { PATH_NORMAL, PATH_DOT, PATH_DOTDOT };

// One component of a path. name points into the caller's string.
struct path_comp {
	const char *name;
	size_t len;
	enum path_kind kind;
	bool last;       // nothing but slashes follows
	bool trailing;   // at least one slash follows
	const char *rest; // the next component (after the slashes), or the NUL
};

// Split the component at or after *p (leading slashes are skipped) and
// advance *p to c->rest. Returns 1 with *c filled, 0 when only slashes (or
// nothing) remain, -ENAMETOOLONG when the component exceeds PATH_NAME_MAX.
int path_next(const char **p, struct path_comp *c);

// True if the path starts at the root ("/...").
bool path_is_absolute(const char *p);

#endif // KEEL_LIB_PATH_H
