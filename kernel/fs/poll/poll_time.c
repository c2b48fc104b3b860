// SPDX-License-Identifier: MPL-2.0
// Timeouts and signal masks of the poll family: user timespecs to monotonic deadlines.
#include <ostd/time.h>
#include <ostd/user.h>
#include <uapi/errno.h>
#include <uapi/time.h>
#include "fs/poll/poll.h"
#include "fs/poll/poll_time.h"

uint64_t poll_deadline_after(uint64_t sec, uint64_t nsec)
{
    uint64_t now = clock_monotonic_ns();
    if (sec >= (POLL_FOREVER - now) / NSEC_PER_SEC - 1)
        return POLL_FOREVER;
    return now + sec * NSEC_PER_SEC + nsec;
}

long poll_deadline_ts(uptr_t uts, uint64_t *deadline)
{
    *deadline = POLL_FOREVER;
    if (!uts.addr)
        return 0;
    struct kernel_timespec ts;
    if (copy_from_user(&ts, uts, sizeof(ts)))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
        return -EINVAL;
    *deadline = poll_deadline_after((uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec);
    return 0;
}

uint64_t poll_remaining_ns(uint64_t deadline)
{
    uint64_t now = clock_monotonic_ns();
    return deadline == POLL_FOREVER || deadline <= now ? 0 : deadline - now;
}

void poll_put_remaining_ts(uptr_t uts, uint64_t deadline)
{
    if (!uts.addr || deadline == POLL_FOREVER)
        return;
    uint64_t left = poll_remaining_ns(deadline);
    struct kernel_timespec ts = { (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC) };
    (void)!copy_to_user(uts, &ts, sizeof(ts));
}

long poll_check_sigmask(uptr_t umask, uint64_t size)
{
    uint64_t mask;
    if (!umask.addr)
        return 0;
    if (size != sizeof(mask))
        return -EINVAL;
    return copy_from_user(&mask, umask, sizeof(mask)) ? -EFAULT : 0;
}
