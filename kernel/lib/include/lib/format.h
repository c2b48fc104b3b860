// SPDX-License-Identifier: MPL-2.0
// printf-style formatting into a buffer or through a per-character callback.
#ifndef KEEL_LIB_FORMAT_H
#define KEEL_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

// Supported: conversions d i u x X o c s p %; flags - 0 + space #; width and
// precision as digits or '*'; length modifiers hh h l ll z t j. A malformed or
// unknown conversion is copied to the output verbatim. %s of NULL prints
// "(null)"; %p prints 0x<hex>, or "(nil)" for NULL. No floating point.

typedef void (*format_emit_fn)(void *ctx, char c);

// Calls emit(ctx, c) once per output character, in order. Returns the number
// of characters emitted (saturated at INT_MAX). Takes no locks itself.
int kvformat(format_emit_fn emit, void *ctx, const char *fmt, va_list ap);

// snprintf semantics: writes at most size-1 characters plus a NUL (when
// size > 0) and returns the length the full output would have had.
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif // KEEL_LIB_FORMAT_H
