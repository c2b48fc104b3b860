/* SPDX-License-Identifier: MPL-2.0 */
/* Linux x86-64 clock ids, time structures and clock_nanosleep flags (ABI facts). */
#ifndef KEEL_UAPI_TIME_H
#define KEEL_UAPI_TIME_H

#include <stdint.h>

#define CLOCK_REALTIME            0
#define CLOCK_MONOTONIC           1
#define CLOCK_PROCESS_CPUTIME_ID  2
#define CLOCK_THREAD_CPUTIME_ID   3
#define CLOCK_MONOTONIC_RAW       4
#define CLOCK_REALTIME_COARSE     5
#define CLOCK_MONOTONIC_COARSE    6
#define CLOCK_BOOTTIME            7
#define CLOCK_REALTIME_ALARM      8
#define CLOCK_BOOTTIME_ALARM      9
#define CLOCK_TAI                 11
#define MAX_CLOCKS                16

#define TIMER_ABSTIME             0x01

/* Clock ticks per second seen by user space (times(2), /proc). */
#define USER_HZ                   100

/* struct timespec as the 64-bit syscalls pass it. */
struct kernel_timespec {
    int64_t tv_sec;
    int64_t tv_nsec;
};

/* struct timeval of gettimeofday/settimeofday. */
struct kernel_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

/* struct timezone: minutes west of Greenwich and a DST type (obsolete). */
struct kernel_timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
};

/* struct tms of times(2), in USER_HZ clock ticks. */
struct kernel_tms {
    int64_t tms_utime;
    int64_t tms_stime;
    int64_t tms_cutime;
    int64_t tms_cstime;
};

#endif
