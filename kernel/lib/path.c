// SPDX-License-Identifier: MPL-2.0
// Path component splitting: repeated slashes, ".", "..", trailing slashes and NAME_MAX.
#include <lib/path.h>
#include <uapi/errno.h>

int path_next(const char **p, struct path_comp *c)
{
	const char *s = *p;
	while (*s == '/')
		s++;
	if (!*s) {
		*p = s;
		return 0;
	}
	const char *e = s;
	while (*e && *e != '/')
		e++;
	size_t len = (size_t)(e - s);
	if (len > PATH_NAME_MAX)
		return -ENAMETOOLONG;
	c->name = s;
	c->len = len;
	c->kind = len == 1 && s[0] == '.' ? PATH_DOT :
		  len == 2 && s[0] == '.' && s[1] == '.' ? PATH_DOTDOT : PATH_NORMAL;
	c->trailing = *e == '/';
	while (*e == '/')
		e++;
	c->last = !*e;
	c->rest = e;
	*p = e;
	return 1;
}

bool path_is_absolute(const char *p)
{
	return p[0] == '/';
}
