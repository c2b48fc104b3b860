/* SPDX-License-Identifier: MPL-2.0 */
/* argp.h for programs linked with gnulib's libargp: the config.h macros gnulib's header expects. */
#ifndef KEEL_DIST_ARGP_H
#define KEEL_DIST_ARGP_H

/*
 * gnulib's argp.h (installed beside this file as argp-gnulib.h) is written to
 * be included after a gnulib config.h. A program that only links libargp.a
 * must not see that config.h (it renames free, getopt, ...), so the few
 * macros the header needs are defined here. The inline helpers become GNU
 * extern inlines: calls that are not inlined use libargp.a's definitions.
 */
#ifndef _GL_ATTRIBUTE_FORMAT
#define _GL_ATTRIBUTE_FORMAT(spec) __attribute__((__format__ spec))
#endif
#define _GL_ATTRIBUTE_SPEC_PRINTF_STANDARD __printf__
#define _GL_ATTRIBUTE_SPEC_PRINTF_SYSTEM __printf__
#define _GL_INLINE_HEADER_BEGIN
#define _GL_INLINE_HEADER_END
#define ARGP_EI extern inline __attribute__((__gnu_inline__))

#include "argp-gnulib.h"

#endif
