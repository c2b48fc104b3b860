// SPDX-License-Identifier: MPL-2.0
// Memory and C-string primitives for a kernel without libc.
#include <stdint.h>
#include <lib/string.h>

// GCC may turn a byte loop into a call to memset/memcpy, which inside those
// very functions would recurse forever. GCC 12 does not do this to a
// function of the same name; `make unit` checks the object for self-calls.
#define WORD sizeof(uint64_t)

// Unaligned word access through fixed-size builtins compiles to single
// moves and is free of alignment and aliasing undefined behaviour.
static inline uint64_t load64(const unsigned char *p)
{
	uint64_t w;
	__builtin_memcpy(&w, p, WORD);
	return w;
}

static inline void store64(unsigned char *p, uint64_t w)
{
	__builtin_memcpy(p, &w, WORD);
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
		store64(d, load64(s));
	while (n--)
		*d++ = *s++;
	return dst;
}

static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	for (; n >= WORD; n -= WORD) {
		d -= WORD;
		s -= WORD;
		store64(d, load64(s));
	}
	while (n--)
		*--d = *--s;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	// Forward copying is safe unless dst starts inside [src, src + n).
	// Comparing as integers avoids comparing pointers to distinct objects.
	uintptr_t di = (uintptr_t)dst, si = (uintptr_t)src;
	if (di - si >= n) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			store64(d, load64(s));
		while (n--)
			*d++ = *s++;
	} else if (di != si) {
		copy_backward(d, s, n);
	}
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t w = (unsigned char)c * 0x0101010101010101ULL;

	for (; n >= WORD; n -= WORD, d += WORD)
		store64(d, w);
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n >= WORD && load64(x) == load64(y); n -= WORD) {
		x += WORD;
		y += WORD;
	}
	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
	}
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++) {
		if (*p == (unsigned char)c)
			return (void *)p;
	}
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t dlen = strnlen(dst, size);

	// No NUL within size bytes: nothing can be appended (BSD behaviour).
	if (dlen == size)
		return size + strlen(src);
	return dlen + strlcpy(dst + dlen, src, size - dlen);
}
