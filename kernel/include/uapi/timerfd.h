/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 struct itimerspec as timerfd_settime/gettime pass it (ABI facts). */
#ifndef KEEL_UAPI_TIMERFD_H
#define KEEL_UAPI_TIMERFD_H

#include <uapi/time.h>

struct kernel_itimerspec {
    struct kernel_timespec it_interval;
    struct kernel_timespec it_value;
};

#endif
