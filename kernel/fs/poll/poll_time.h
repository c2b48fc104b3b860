// SPDX-License-Identifier: MPL-2.0
// Timeouts and signal masks of the poll family: user timespecs to monotonic deadlines.
#ifndef KEEL_FS_POLL_TIME_H
#define KEEL_FS_POLL_TIME_H

#include <ostd/types.h>

/* now + sec s + nsec ns, saturating at POLL_FOREVER. */
uint64_t poll_deadline_after(uint64_t sec, uint64_t nsec);
/* A NULL timespec means forever; -EFAULT, or -EINVAL for a negative or unnormalised one. */
long poll_deadline_ts(uptr_t uts, uint64_t *deadline) __must_check;
uint64_t poll_remaining_ns(uint64_t deadline);
/* Write the time left back (ppoll, pselect6); a failed write is ignored as on Linux. */
void poll_put_remaining_ts(uptr_t uts, uint64_t deadline);
/*
 * A signal mask argument: NULL is fine, otherwise size must be 8 and the mask readable.
 * FIXME: the mask is not applied while waiting (signals issue).
 */
long poll_check_sigmask(uptr_t umask, uint64_t size) __must_check;

#endif
