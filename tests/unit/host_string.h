// SPDX-License-Identifier: MPL-2.0
// Host-test renames: kernel/lib string functions become kl_* so they never replace libc's.
#ifndef KEEL_TESTS_HOST_STRING_H
#define KEEL_TESTS_HOST_STRING_H

// unit.mk force-includes this into every kernel/lib/*.c built for the host,
// so library code calls (and string.c defines) the kl_* versions; the test
// programs themselves keep using the host libc.
#define memcpy kl_memcpy
#define memmove kl_memmove
#define memset kl_memset
#define memcmp kl_memcmp
#define memchr kl_memchr
#define strlen kl_strlen
#define strnlen kl_strnlen
#define strcmp kl_strcmp
#define strncmp kl_strncmp
#define strchr kl_strchr
#define strrchr kl_strrchr
#define strlcpy kl_strlcpy
#define strlcat kl_strlcat

#endif // KEEL_TESTS_HOST_STRING_H
