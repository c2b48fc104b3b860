/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 record locks (fcntl F_GETLK/F_SETLK/F_OFD_*, struct flock) and flock(2) operations. */
#ifndef KEEL_UAPI_FLOCK_H
#define KEEL_UAPI_FLOCK_H

#include <stdint.h>

#define F_GETLK      5
#define F_SETLK      6
#define F_SETLKW     7
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38

#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2

/* struct flock (= flock64 on x86-64): 32 bytes. */
struct k_flock {
    int16_t l_type;
    int16_t l_whence;
    int32_t pad0;
    int64_t l_start;
    int64_t l_len;
    int32_t l_pid;
    int32_t pad1;
};

_Static_assert(sizeof(struct k_flock) == 32, "struct flock is 32 bytes");

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

#endif
