/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 POSIX timer ABI: struct sigevent, SIGEV_* notify types, struct itimerspec. */
#ifndef KEEL_UAPI_POSIX_TIMER_H
#define KEEL_UAPI_POSIX_TIMER_H

#include <stdint.h>
#include "time.h"

#define SIGEV_SIGNAL    0       /* send sigev_signo to the process */
#define SIGEV_NONE      1       /* no notification */
#define SIGEV_THREAD    2       /* a C library convention; the kernel treats it as SIGEV_SIGNAL */
#define SIGEV_THREAD_ID 4       /* send sigev_signo to thread sigev_tid */

/* struct sigevent as timer_create takes it: 64 bytes. */
struct k_sigevent {
    uint64_t sigev_value;
    int32_t sigev_signo;
    int32_t sigev_notify;
    union {
        int32_t tid;            /* SIGEV_THREAD_ID */
        uint8_t pad[48];
    } u;
};

/* struct itimerspec (64-bit time). */
struct k_itimerspec {
    struct kernel_timespec it_interval;
    struct kernel_timespec it_value;
};

_Static_assert(sizeof(struct k_sigevent) == 64, "sigevent is 64 bytes");

#endif
