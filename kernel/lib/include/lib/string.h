// SPDX-License-Identifier: MPL-2.0
// Memory and C-string primitives for a kernel without libc (standard semantics).
#ifndef KEEL_LIB_STRING_H
#define KEEL_LIB_STRING_H

#include <stddef.h>

// All functions are reentrant and take no locks; pointers must be valid for
// the lengths involved, exactly as in ISO C. The compiler itself may emit
// calls to memcpy, memmove, memset and memcmp, so these four must exist.

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

// BSD semantics: copy/append at most size-1 bytes, always NUL-terminate when
// size > 0, return the length of the string they tried to create (truncation
// happened iff the result is >= size).
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);

#endif // KEEL_LIB_STRING_H
