// SPDX-License-Identifier: MPL-2.0
// Fatal errors and assertions.
#ifndef OSTD_PANIC_H
#define OSTD_PANIC_H

#include <ostd/types.h>

/* Print the reason, registers of the caller and a backtrace, then power off. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(c) do { if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", #c, __FILE__, __LINE__); } while (0)
#define ASSERT(c) do { if (unlikely(!(c))) panic("assertion '%s' failed at %s:%d", #c, __FILE__, __LINE__); } while (0)

#endif
